// The report webview's HTML shell: a strict CSP (nothing remote; the one script only with a fresh
// nonce; the stylesheet from the extension's own folder), the title and buttons, and an empty
// #report that the renderer bundle (dist/media/report-view.js, the same one the HTML export
// inlines) fills. Data never goes into the HTML: it arrives by postMessage. Pure, so
// test/extension/reportWebview.test.ts checks the policy.
import { randomBytes } from 'node:crypto';
import { REPORT_VIEW_SCRIPT, REPORT_VIEW_STYLE } from '../../core/report/format/report-view-assets';

/** The renderer's files, relative to the extension's folder (what `npm run build` writes). */
export const REPORT_VIEW_FILES = {
  script: ['dist', 'media', REPORT_VIEW_SCRIPT],
  style: ['dist', 'media', REPORT_VIEW_STYLE],
} as const;

export interface ReportHtmlInput {
  /** webview.cspSource */
  readonly cspSource: string;
  /** asWebviewUri of REPORT_VIEW_FILES. */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** Escapes a value for a double-quoted HTML attribute. */
export const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The extension's webview policy (the report's and the compare view's): nothing remote, files only
 *  from the extension's own folder, the one script only with its nonce. */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/**
 * A webview page of this extension (the report's and the compare view's): the policy above, the
 * one stylesheet, the page's own `body` markup (trusted: written here, never data), and the one
 * script last, with the nonce.
 */
export function webviewPage(input: ReportHtmlInput & { readonly title: string; readonly body: string }): string {
  const nonce = input.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(webviewCsp(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(input.styleUri)}">
<title>${input.title}</title>
</head>
<body>
${input.body}
<script nonce="${nonce}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}

export function reportHtml(input: ReportHtmlInput): string {
  return webviewPage({
    ...input,
    title: 'Subtoken Lens: Workspace Report',
    body: `<header>
  <h1>Workspace token-merging report</h1>
  <div class="actions">
    <button data-export="md">Export Markdown</button>
    <button data-export="csv">Export CSV</button>
    <button data-export="json">Export JSON</button>
    <button data-export="html">Export HTML</button>
    <button id="rerun">Re-run</button>
  </div>
</header>
<p id="status" role="status">Scanning the workspace…</p>
<main id="report"></main>`,
  });
}
