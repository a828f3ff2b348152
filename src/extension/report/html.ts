// The report webview's HTML: a strict CSP (nothing remote; scripts only with a fresh nonce; styles
// and the bundled chart.js from the extension's own folders). Data never goes into the HTML: it
// arrives by postMessage. Pure, so test/extension/reportHtml.test.ts checks the policy.
import { randomBytes } from 'node:crypto';

export interface ReportHtmlInput {
  /** webview.cspSource */
  readonly cspSource: string;
  /** asWebviewUri of media/report.js, media/report.css and dist/media/chart.umd.min.js. */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly chartUri: string;
  readonly nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function reportHtml(input: ReportHtmlInput): string {
  const nonce = input.nonce ?? makeNonce();
  const csp = [
    "default-src 'none'",
    `img-src ${input.cspSource} data:`,
    `style-src ${input.cspSource}`,
    `font-src ${input.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(input.styleUri)}">
<title>Subtoken Lens: Workspace Report</title>
</head>
<body>
<header>
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
<section id="totals" hidden></section>
<section id="charts" hidden>
  <figure><figcaption>Identifier occurrences by number of subtokens</figcaption><canvas id="histogram"></canvas></figure>
  <figure><figcaption>Tokens by syntax category</figcaption><canvas id="categories"></canvas></figure>
</section>
<section id="languages" hidden><h2>Languages</h2><table id="language-table"></table></section>
<section id="identifiers" hidden><h2>Identifiers that merging shortens most</h2><table id="identifier-table"></table></section>
<section id="files" hidden><h2>Files</h2><table id="file-table"></table></section>
<section id="skipped" hidden><h2>Skipped files</h2><table id="skipped-table"></table></section>
<script nonce="${nonce}" src="${attr(input.chartUri)}"></script>
<script nonce="${nonce}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}
