// One object owns every lifetime of the extension: the log, settings, the core engine, the
// document cache and every registration. It is added to the extension context's subscriptions,
// so deactivation disposes everything it holds.
import * as vscode from 'vscode';
import { Config } from './config';
import { DocumentCache } from './documents';
import { Engine } from './services';

export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly config: Config;
  readonly engine: Engine;
  readonly documents: DocumentCache;
  private readonly cleanup: vscode.Disposable[] = [];

  constructor(readonly extCtx: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Subtoken Lens', { log: true });
    this.config = new Config(this.log);
    this.engine = new Engine(extCtx.extensionPath, () => this.config.settings.tokenizerPath);
    this.documents = new DocumentCache(this.engine, this.log);
    this.push(this.documents, this.config, this.log, { dispose: () => this.engine.dispose() });
    this.push(this.config.onDidChange(({ affects }) => {
      if (affects('tokenizerPath')) {
        this.log.info('tokenizer setting changed: reloading on next use');
        this.engine.resetTokenizer();
        this.documents.clear();
      }
    }));
    extCtx.subscriptions.push(this);
  }

  push(...disposables: vscode.Disposable[]): void {
    this.cleanup.push(...disposables);
  }

  /** Logs an error with its stack and tells the user in one sentence, with a way to the log. */
  showError(what: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.log.error(`${what}: ${err instanceof Error && err.stack ? err.stack : message}`);
    void vscode.window.showErrorMessage(`Subtoken Lens: ${what}: ${message.split('\n')[0]}`, 'Show Log').then((pick) => {
      if (pick) this.log.show(true);
    });
  }

  dispose(): void {
    // Last registered, first disposed: features go before the services they use.
    for (const d of this.cleanup.splice(0).reverse()) {
      try { d.dispose(); } catch (e) { console.error('Subtoken Lens: dispose failed', e); }
    }
  }
}
