// The compare view's HTML shell: the report webview's policy (report/html.ts: nothing remote, the
// one script by nonce, the stylesheet from the extension's folder), two buttons and an empty
// #compare-root that dist/media/compare-view.js fills from a posted message. Pure, so tests check it.
import { webviewPage } from './report/html';

export interface CompareHtmlInput {
  /** webview.cspSource */
  readonly cspSource: string;
  /** asWebviewUri of COMPARE_VIEW_FILES. */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly nonce?: string;
}

export function compareHtml(input: CompareHtmlInput): string {
  return webviewPage({
    ...input,
    title: 'Subtoken Lens: Compare',
    body: `<header>
  <h1>Token merging: strategies and merge layers</h1>
  <div class="actions">
    <button id="compare" title="Average vs learned merging on the same file or selection">Compare Strategies</button>
    <button id="sweep" title="Merge after each encoder block K = 0..L in turn">Sweep Merge Layer</button>
  </div>
</header>
<p id="status" role="status">Running…</p>
<main id="compare-root"></main>`,
  });
}
