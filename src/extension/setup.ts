// The state (readiness.ts) in the editor: fires when it changes, lets a command ask for what it
// needs, and when a piece is missing offers the way forward in one message (Download, Choose
// Folder..., Use Embedded Model) instead of failing with an error.
import * as vscode from 'vscode';
import { fetchTokenizer, DEFAULT_TOKENIZER_REPO } from '../core/runtime/fetch';
import { locateTokenizer } from '../core/tokenizer';
import { bytes as formatBytes } from '../core/report/format/numbers';
import type { Config } from './config';
import { checkEndpoint, describeModelFolder, describeProgress, modelAvailability, modelSelection } from './models';
import { blockedMessage, blocker, nextSteps, readiness, WarnOnce, type Need, type Readiness, type StepAction } from './readiness';
import type { Engine } from './services';

export class Setup implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Readiness>();
  /** Fires when the tokenizer state or a setting the state depends on changed. */
  readonly onDidChange = this.changed.event;
  readonly warnOnce: WarnOnce;
  private readonly disposables: vscode.Disposable[] = [];
  /** Runs "Download Model..." for the missing model (modelCommands.ts sets it; avoids an import cycle). */
  downloadModel: (() => Promise<void>) | undefined;

  constructor(private readonly engine: Engine, private readonly config: Config, private readonly log: vscode.LogOutputChannel) {
    this.warnOnce = new WarnOnce((m) => log.warn(m));
    this.disposables.push(
      this.changed,
      engine.onTokenizerState((s) => {
        if (s.kind === 'missing') this.warnOnce.warn('tokenizer', `tokenizer not found: ${s.reason}`);
        if (s.kind === 'ready') {
          this.warnOnce.clear('tokenizer');
          log.info(`tokenizer: ${s.dir} (${s.origin})`);
        }
        this.changed.fire(this.current);
      }),
      config.onDidChange(() => this.changed.fire(this.current)),
    );
  }

  get current(): Readiness {
    const sel = modelSelection(this.config.settings);
    return readiness(this.engine.tokenizerState, modelAvailability(sel, this.engine.cacheDir), sel.label);
  }

  /**
   * True when `what` can run: waits for a tokenizer that is loading, and when a piece is missing
   * says so once with its next steps, runs the one picked, and returns false.
   */
  async require(what: string, needs: readonly Need[]): Promise<boolean> {
    if (this.engine.tokenizerState.kind !== 'ready') await this.engine.tokenizer().catch(() => undefined);
    const missing = blocker(this.current, needs);
    if (!missing) return true;
    this.log.info(`${what}: not run, ${missing.reason}`);
    const steps = nextSteps(missing);
    const pick = await vscode.window.showWarningMessage(blockedMessage(missing, what), ...steps.map((s) => s.title));
    const step = steps.find((s) => s.title === pick);
    if (step) await this.run(step.action);
    return false;
  }

  async run(action: StepAction): Promise<void> {
    switch (action) {
      case 'showLog': this.log.show(true); return;
      case 'downloadTokenizer': await this.downloadTokenizer(); return;
      case 'chooseTokenizerFolder': await this.chooseTokenizerFolder(); return;
      case 'downloadModel': await this.downloadModel?.(); return;
      case 'chooseModelFolder': await this.chooseModelFolder(); return;
      case 'useEmbeddedModel':
        await this.config.update('modelPath', undefined);
        await this.config.update('model', 'embedded-tiny');
        void vscode.window.showInformationMessage('Subtoken Lens: model set to embedded-tiny (random weights: latency and FLOPs are real, output changes are not those of a trained model).');
        return;
    }
  }

  /** Asks for a folder with a CodeT5 ONNX encoder and selects it (the `modelPath` setting). */
  async chooseModelFolder(): Promise<boolean> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
      title: 'Folder of a CodeT5 model (config.json + model.safetensors, pytorch_model.bin or onnx/encoder_model.onnx)', openLabel: 'Use This Model',
    });
    const dir = picked?.[0]?.fsPath;
    if (!dir) return false;
    let what: string;
    try {
      const info = describeModelFolder(dir);
      what = `${info.format}, ${formatBytes(info.bytes)}, ${info.randomWeights ? 'random weights' : 'trained weights'}`;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn(`Choose Folder...: ${dir} refused: ${message}`);
      void vscode.window.showWarningMessage(`Subtoken Lens: ${dir} is not a model folder: ${message}`);
      return false;
    }
    await this.config.update('modelPath', dir);
    this.log.info(`model folder chosen: ${dir} (${what})`);
    void vscode.window.showInformationMessage(`Subtoken Lens: model set to the folder ${dir} (${what}).`);
    return true;
  }

  private async chooseTokenizerFolder(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
      title: 'Folder of the CodeT5 tokenizer (vocab.json + merges.txt)', openLabel: 'Use This Tokenizer',
    });
    const dir = picked?.[0]?.fsPath;
    if (!dir) return;
    try {
      locateTokenizer({ explicit: dir });
    } catch (err) {
      void vscode.window.showWarningMessage(`Subtoken Lens: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      return;
    }
    await this.config.update('tokenizerPath', dir);
    void vscode.window.showInformationMessage(`Subtoken Lens: tokenizer set to ${dir}.`);
  }

  private async downloadTokenizer(): Promise<void> {
    const settings = this.config.settings;
    if (!settings.allowDownloads) {
      const choice = await vscode.window.showWarningMessage(
        `Subtoken Lens: downloads are off, so nothing was downloaded. Turn on "subtokenLens.allowDownloads" to fetch the tokenizer from ${settings.hubEndpoint}.`,
        'Open Setting');
      if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'subtokenLens.allowDownloads');
      return;
    }
    const endpoint = checkEndpoint(settings.hubEndpoint);
    const r = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, title: `Downloading the CodeT5 tokenizer (${DEFAULT_TOKENIZER_REPO})`, cancellable: true,
    }, async (progress, token) => {
      const abort = new AbortController();
      const onCancel = token.onCancellationRequested(() => abort.abort());
      try {
        return await fetchTokenizer({
          repo: DEFAULT_TOKENIZER_REPO, cacheDir: this.engine.cacheDir, endpoint, signal: abort.signal,
          onProgress: (p) => progress.report({ message: describeProgress(p) }),
        });
      } finally {
        onCancel.dispose();
      }
    });
    this.log.info(`tokenizer downloaded into ${r.dir}`);
    // The lookup reads the cache, so the next use finds it.
    this.engine.resetTokenizer();
    await this.engine.tokenizer().catch(() => undefined);
    void vscode.window.showInformationMessage(`Subtoken Lens: tokenizer installed in ${r.dir}.`);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
