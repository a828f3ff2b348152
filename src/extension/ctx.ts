// One object owns every lifetime of the extension: the log, settings, the core engine, the
// document cache and every registration. It is added to the extension context's subscriptions,
// so deactivation disposes everything it holds.
import * as vscode from 'vscode';
import { Config } from './config';
import { DocumentCache } from './documents';
import { modelSelection, modelTokenizerDir } from './models';
import { Engine } from './services';
import { Setup } from './setup';

export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly config: Config;
  readonly engine: Engine;
  readonly documents: DocumentCache;
  /** The one state (tokenizer loading/missing/ready, model present or not) and its next steps. */
  readonly setup: Setup;
  private readonly cleanup: vscode.Disposable[] = [];

  constructor(readonly extCtx: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Subtoken Lens', { log: true });
    this.config = new Config(this.log);
    this.engine = new Engine(extCtx.extensionPath, () => ({
      setting: this.config.settings.tokenizerPath,
      // A downloaded or chosen model that carries its own tokenizer files is tokenized with them.
      modelDir: modelTokenizerDir(modelSelection(this.config.settings), this.engine.cacheDir),
    }));
    this.documents = new DocumentCache(this.engine, this.log);
    this.setup = new Setup(this.engine, this.config, this.log);
    this.push(this.documents, this.config, this.log, { dispose: () => this.engine.dispose() }, this.setup);
    this.push(this.config.onDidChange(({ affects }) => {
      if (!['tokenizerPath', 'model', 'modelPath'].some(affects)) return;
      if (this.engine.refreshTokenizer()) {
        this.log.info('the tokenizer to use changed with the settings: reloading on next use');
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
