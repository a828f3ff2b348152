// Messages between the Compare Strategies / layer-sweep webview (src/webview/compare-view.ts) and
// the extension (src/extension/compareView.ts), one union per direction, as core/report/messages.ts
// does for the report. Pure types and a validator: no `vscode`, no DOM.
import type { CompareView } from './compare-view-types';

/** Extension → webview. */
export type ToCompareWebview =
  /** A finished comparison or sweep to draw (replaces what is shown). */
  | { readonly type: 'view'; readonly view: CompareView }
  /** Work under way ("K = 1 of 0..2…"), or the end of a run that produced nothing (cancelled). */
  | { readonly type: 'progress'; readonly message: string }
  | { readonly type: 'error'; readonly message: string };

/** Webview → extension. Untrusted: always read through `parseFromCompareWebview`. */
export type FromCompareWebview =
  /** The script listens; the extension answers with the current view, if any. */
  | { readonly type: 'ready' }
  /** Run Compare Strategies again on the same file or selection. */
  | { readonly type: 'compare' }
  /** Run the merge-layer sweep on the same file or selection. */
  | { readonly type: 'sweep' };

export function parseFromCompareWebview(m: unknown): FromCompareWebview | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const type = (m as Record<string, unknown>).type;
  return type === 'ready' || type === 'compare' || type === 'sweep' ? { type } : undefined;
}
