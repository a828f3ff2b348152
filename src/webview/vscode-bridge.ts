// The webview side of the report panel: talks to the extension through the message unions of
// core/report/messages.ts (typed both ways), keeps the last report in the webview state so a hidden
// or reloaded panel draws it again, and wires the shell's buttons (extension/report/html.ts).
import type { ExportFormat, FromWebview, ToWebview } from '../core/report/messages';
import { EXPORT_FORMATS } from '../core/report/messages';
import type { ReportJson } from '../core/report/schema';
import { renderReport } from './render';

/** What the panel keeps across hide/reload (VS Code serializes it). */
export interface WebviewState {
  readonly report?: ReportJson;
}

/** The part of VS Code's webview API the report uses, typed with our messages. */
export interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}

declare global {
  /** Provided by the webview host, callable once per page. */
  function acquireVsCodeApi(): VsCodeApi;
}

export function startWebview(root: HTMLElement, api: VsCodeApi = acquireVsCodeApi()): void {
  const status = document.getElementById('status');
  let shown: ReportJson | undefined;
  const show = (report: ReportJson) => {
    shown = report;
    renderReport(root, report, {
      openFile: (path) => api.postMessage({ type: 'openFile', path }),
      findIdentifier: (name) => api.postMessage({ type: 'findIdentifier', name }),
    });
  };
  // The charts take their colours from the theme when drawn: VS Code marks a theme change by
  // the body's class (vscode-light, vscode-dark, …), and the report is drawn again in the new one.
  new MutationObserver(() => { if (shown) show(shown); }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  const setStatus = (text: string, error = false) => {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle('error', error);
  };

  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const m = ev.data as ToWebview | null;
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'report':
        api.setState({ report: m.report });
        setStatus('');
        show(m.report);
        break;
      case 'progress':
        setStatus(m.message);
        break;
      case 'error':
        setStatus(`Error: ${m.message}`, true);
        break;
    }
  });

  for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-export]'))) {
    const format = button.dataset.export as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) continue;
    button.addEventListener('click', () => api.postMessage({ type: 'export', format }));
  }
  document.getElementById('rerun')?.addEventListener('click', () => api.postMessage({ type: 'rerun' }));

  const saved = api.getState()?.report;
  if (saved) {
    setStatus('');
    show(saved);
  }
  api.postMessage({ type: 'ready' });
}
