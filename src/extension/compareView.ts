// The Compare Strategies / Sweep Merge Layer panel: one at a time, beside the editor, without taking
// the focus (so the next command still finds the source editor active). It shows what compare.ts
// posts and hands its buttons back to it; it remembers the file or selection the numbers are about,
// so a button press runs on the same code even while the panel has the focus.
import * as vscode from 'vscode';
import type { CompareView } from '../core/runtime/compare-view-model';
import { parseFromCompareWebview, type FromCompareWebview, type ToCompareWebview } from '../core/runtime/compare-messages';
import type { Ctx } from './ctx';
import { COMPARE_VIEW_FILES } from './compareViewAssets';
import { compareHtml } from './compareViewHtml';
import { WEBVIEW_COMPARE } from './manifest';

/** What a comparison or sweep runs on: a document, and the selection when it was not the whole file. */
export interface CompareTarget {
  readonly uri: vscode.Uri;
  readonly selection?: vscode.Range;
}

export type CompareRequest = Exclude<FromCompareWebview['type'], 'ready'>;

export class ComparePanel implements vscode.Disposable {
  private static current: ComparePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private view: CompareView | undefined;
  /** The code the shown (or running) view is about. */
  target: CompareTarget | undefined;

  /** The open panel, if any. */
  static get open(): ComparePanel | undefined {
    return ComparePanel.current;
  }

  /** Shows the panel (creating it once) without moving the focus. */
  static reveal(ctx: Ctx, onRequest: (r: CompareRequest) => void): ComparePanel {
    if (ComparePanel.current) {
      ComparePanel.current.panel.reveal(undefined, true);
      return ComparePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(WEBVIEW_COMPARE, 'Subtoken Lens: Compare', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      // The bundle's script and stylesheet are all the page loads.
      localResourceRoots: [vscode.Uri.joinPath(ctx.extCtx.extensionUri, 'dist', 'media')],
    });
    ComparePanel.current = new ComparePanel(ctx, panel, onRequest);
    return ComparePanel.current;
  }

  private constructor(private readonly ctx: Ctx, private readonly panel: vscode.WebviewPanel, onRequest: (r: CompareRequest) => void) {
    const ext = ctx.extCtx.extensionUri;
    const uri = (p: readonly string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(ext, ...p)).toString();
    panel.iconPath = vscode.Uri.joinPath(ext, 'media', 'icon.png');
    panel.webview.html = compareHtml({ cspSource: panel.webview.cspSource, scriptUri: uri(COMPARE_VIEW_FILES.script), styleUri: uri(COMPARE_VIEW_FILES.style) });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw) => {
        const m = parseFromCompareWebview(raw);
        if (!m) {
          this.ctx.log.warn(`compare webview sent an unknown message: ${JSON.stringify(raw)?.slice(0, 200)}`);
        } else if (m.type === 'ready') {
          if (this.view) this.post({ type: 'view', view: this.view });
        } else {
          onRequest(m.type);
        }
      }),
    );
  }

  private post(m: ToCompareWebview): void {
    void this.panel.webview.postMessage(m);
  }

  show(view: CompareView): void {
    this.view = view;
    this.panel.title = view.kind === 'sweep' ? 'Subtoken Lens: Layer Sweep' : 'Subtoken Lens: Compare';
    this.post({ type: 'view', view });
  }

  /** A status line above the view; one ending in "…" marks work under way (the buttons wait). */
  progress(message: string): void {
    this.post({ type: 'progress', message });
  }

  error(message: string): void {
    this.post({ type: 'error', message });
  }

  dispose(): void {
    if (ComparePanel.current === this) ComparePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
