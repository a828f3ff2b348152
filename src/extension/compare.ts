// "Compare Strategies" and "Sweep Merge Layer": average vs learned merging on the same input, and
// the analysis at every merge layer, both shown in one webview panel (compareView.ts) whose table
// and chart come from core/runtime/compare-view-model.ts. An embedded model's learned merger is
// trained on first use; a downloaded model without one gets a pointer to "Train Learned Merger".
import * as vscode from 'vscode';
import { strategiesView, sweepView, type CompareContext } from '../core/runtime/compare-view-model';
import { MERGING_STRATEGIES } from '../core/runtime/merge';
import { loadMergerParams } from '../core/runtime/merger';
import type { Analyzer } from './analysis';
import { runLayerSweep } from './compareSweep';
import { ComparePanel, type CompareRequest, type CompareTarget } from './compareView';
import type { Ctx } from './ctx';
import { isEmbeddedSelection, modelSelection, selectedModelFolder } from './models';

export class CompareFeature implements vscode.Disposable {
  /** One run at a time: a second request while one runs is told to wait. */
  private running = false;

  constructor(private readonly ctx: Ctx, private readonly analyzer: Analyzer) {}

  /** Average vs learned on the active editor's file or selection (or the panel's, from its button). */
  async compare(target = this.target()): Promise<void> {
    if (!target) return;
    if (!(await this.ctx.setup.require('Compare Strategies', ['tokenizer', 'model']))) return;
    const selection = modelSelection(this.ctx.config.settings);
    if (!isEmbeddedSelection(selection) && !loadMergerParams(selectedModelFolder(selection, this.ctx.engine.cacheDir))) {
      const pick = await vscode.window.showWarningMessage(
        `Subtoken Lens: ${selection.label} has no learned merger yet, so there is nothing to compare the average with.`,
        'Train Learned Merger');
      if (pick) await vscode.commands.executeCommand('subtokenLens.trainMerger');
      return;
    }
    await this.exclusive(target, 'Comparing average and learned merging…', async (panel) => {
      // The analysis reads the active editor: bring the target back when the panel had the focus.
      const editor = await editorFor(target);
      const record = await this.analyzer.run(target.selection ? 'selection' : 'file', MERGING_STRATEGIES);
      if (!record?.raw) {
        panel.progress(record ? 'The encoder did not run, so there is nothing to compare (see the notification).' : 'No comparison was made.');
        return;
      }
      panel.show(strategiesView(record.raw, this.context(editor.document, target, selection.label)));
    });
  }

  /** The analysis at every merge layer K = 0..L, one row per K and a chart. */
  async sweep(target = this.target()): Promise<void> {
    if (!target) return;
    await this.exclusive(target, 'Sweeping the merge layer…', async (panel) => {
      const outcome = await runLayerSweep(this.ctx, this.analyzer, target, (step) => panel.progress(`Sweeping: ${step}`));
      if (!outcome) {
        panel.progress('No sweep was made.');
        return;
      }
      const doc = await vscode.workspace.openTextDocument(target.uri);
      const ctx: CompareContext = { ...this.context(doc, target, outcome.modelLabel), timingBudgetMs: outcome.timingBudgetMs };
      panel.show(sweepView(outcome.results, outcome.strategy, ctx));
    });
  }

  /** Shows the panel, runs `work` unless another run is under way, and reports a cancel or a failure in the panel too. */
  private async exclusive(target: CompareTarget, busy: string, work: (panel: ComparePanel) => Promise<void>): Promise<void> {
    if (this.running) {
      void vscode.window.showInformationMessage('Subtoken Lens: a comparison or sweep is running; wait for it or cancel it first.');
      return;
    }
    this.running = true;
    const panel = ComparePanel.reveal(this.ctx, (r) => void this.onRequest(r));
    panel.target = target;
    panel.progress(busy);
    try {
      await work(panel);
    } catch (err) {
      if (err instanceof vscode.CancellationError) panel.progress('Cancelled. Press a button above to run again.');
      else panel.error(err instanceof Error ? err.message.split('\n')[0]! : String(err));
      throw err;
    } finally {
      this.running = false;
    }
  }

  /** A button in the panel: the same command on the panel's file or selection. */
  private async onRequest(r: CompareRequest): Promise<void> {
    const target = ComparePanel.open?.target;
    try {
      if (r === 'compare') await this.compare(target);
      else await this.sweep(target);
    } catch (err) {
      if (err instanceof vscode.CancellationError) this.ctx.log.info(`compare panel ${r}: cancelled`);
      else this.ctx.showError(r === 'compare' ? 'Compare Strategies' : 'Sweep Merge Layer', err);
    }
  }

  /** The active editor's file (or selection); else what the panel shows; else a hint. */
  private target(): CompareTarget | undefined {
    const editor = vscode.window.activeTextEditor;
    if (editor) return { uri: editor.document.uri, ...(editor.selection.isEmpty ? {} : { selection: new vscode.Range(editor.selection.start, editor.selection.end) }) };
    const shown = ComparePanel.open?.target;
    if (!shown) void vscode.window.showInformationMessage('Subtoken Lens: open a source file (and select some code, if you like) first.');
    return shown;
  }

  private context(doc: vscode.TextDocument, target: CompareTarget, modelLabel: string): CompareContext {
    const path = vscode.workspace.asRelativePath(doc.uri);
    const s = target.selection;
    const subject = s ? `${path}, lines ${s.start.line + 1}–${s.end.character === 0 && s.end.line > s.start.line ? s.end.line : s.end.line + 1} (selection)` : path;
    return { subject, modelLabel, timingBudgetMs: this.ctx.config.settings.timingBudgetMs };
  }

  dispose(): void {
    ComparePanel.open?.dispose();
  }
}

/** The target's editor, made active with the target's selection (opened in the first column when not visible). */
async function editorFor(target: CompareTarget): Promise<vscode.TextEditor> {
  const active = vscode.window.activeTextEditor;
  const same = (e: vscode.TextEditor) => e.document.uri.toString() === target.uri.toString();
  if (active && same(active) && (!target.selection || active.selection.isEqual(target.selection))) return active;
  const visible = vscode.window.visibleTextEditors.find(same);
  return vscode.window.showTextDocument(target.uri, {
    viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false,
    ...(target.selection ? { selection: target.selection } : {}),
  });
}
