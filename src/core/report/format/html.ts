// The self-contained HTML export: one file that opens anywhere without a network. It holds the
// report as JSON and the same renderer bundle the VS Code webview runs (src/webview/, Chart.js
// inside), so the export shows exactly the webview's figures. Its CSP allows nothing but that one
// script and that one stylesheet, by hash: no remote resource, no inline handler.
import { createHash } from 'node:crypto';
import type { ReportJson } from '../schema';
import type { ReportViewAssets } from './report-view-assets';

/** JSON that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Text that cannot end the raw-text element (<script>, <style>) it is placed in. */
function rawText(source: string, element: 'script' | 'style'): string {
  return source.replace(new RegExp(`</${element}`, 'gi'), `<\\/${element}`);
}

const cspHash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

export function formatHtml(r: ReportJson, assets: ReportViewAssets): string {
  const script = rawText(assets.script, 'script');
  const style = rawText(assets.style, 'style');
  const csp = ["default-src 'none'", `script-src ${cspHash(script)}`, `style-src ${cspHash(style)}`, 'img-src data:'].join('; ');
  const title = `Subtoken Lens report: ${r.root}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<main id="report"><noscript>This report draws its tables and charts with JavaScript; the data is in the #report-data element of this file.</noscript></main>
<script type="application/json" id="report-data">${scriptJson(r)}</script>
<script>${script}</script>
</body></html>
`;
}
