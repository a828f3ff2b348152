// Entry of the compare bundle (dist/media/compare-view.js, built by scripts/build.mjs): draws the
// Compare Strategies and Sweep Merge Layer results that the extension posts (compareView.ts), keeps
// the last one in the webview state so a hidden panel draws it again, and wires the shell's buttons.
import type { CompareView } from '../core/runtime/compare-view-types';
import type { FromCompareWebview, ToCompareWebview } from '../core/runtime/compare-messages';
import { renderCompare } from './compare-render';

/** What the panel keeps while hidden (VS Code serializes it). */
export interface CompareWebviewState {
  readonly view?: CompareView;
}

/** The part of VS Code's webview API the compare view uses, typed with its messages. */
export interface CompareVsCodeApi {
  postMessage(message: FromCompareWebview): void;
  getState(): CompareWebviewState | undefined;
  setState(state: CompareWebviewState): void;
}

export function startCompareWebview(root: HTMLElement, api: CompareVsCodeApi): void {
  const status = document.getElementById('status');
  const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('.actions button'));
  const setStatus = (text: string, busy: boolean, error = false) => {
    if (status) {
      status.textContent = text;
      status.classList.toggle('error', error);
    }
    // One run at a time: the buttons wait for the running one.
    for (const b of buttons) b.disabled = busy;
  };
  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const m = ev.data as ToCompareWebview | null;
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'view':
        api.setState({ view: m.view });
        setStatus('', false);
        renderCompare(root, m.view);
        break;
      case 'progress':
        setStatus(m.message, m.message.endsWith('…'));
        break;
      case 'error':
        setStatus(`Error: ${m.message}`, false, true);
        break;
    }
  });
  document.getElementById('compare')?.addEventListener('click', () => api.postMessage({ type: 'compare' }));
  document.getElementById('sweep')?.addEventListener('click', () => api.postMessage({ type: 'sweep' }));
  // VS Code swaps the body's theme class (vscode-light, vscode-dark, …) when the colour theme changes:
  // the chart read its colours when drawn, so the view is drawn again in the new ones.
  new MutationObserver(() => {
    const shown = api.getState()?.view;
    if (shown) renderCompare(root, shown);
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  const saved = api.getState()?.view;
  if (saved) renderCompare(root, saved);
  api.postMessage({ type: 'ready' });
}

declare function acquireVsCodeApi(): CompareVsCodeApi;

const root = document.getElementById('compare-root');
if (root) startCompareWebview(root, acquireVsCodeApi());
