// Which handler serves each command. Features are created here (each owns its disposables) and
// the table maps command names onto them; commands.ts registers the table with one error wrapper.
import * as vscode from 'vscode';
import { Analyzer } from './analysis';
import { Results } from './results';
import { BoundaryDecorations } from './boundaries';
import type { CommandFactory } from './commands';
import { CompareFeature } from './compare';
import type { Ctx } from './ctx';
import { generateWithMerging } from './generate';
import type { CommandName } from './manifest';
import { clearCache, download, selectModel, train } from './modelCommands';
import { modelSelection } from './models';
import { ReportPanel } from './report/panel';

/** "Check Setup": says what is in use, or offers the next step for what is missing. */
async function checkSetup(ctx: Ctx): Promise<void> {
  if (!(await ctx.setup.require('Subtoken Lens', ['tokenizer', 'model']))) return;
  const tok = ctx.engine.tokenizerState;
  const sel = modelSelection(ctx.config.settings);
  void vscode.window.showInformationMessage(`Subtoken Lens is ready: tokenizer ${tok.kind === 'ready' ? `${tok.dir} (${tok.origin})` : tok.kind}, `
    + `model ${sel.folder ?? sel.label}.`);
}

export function commandTable(ctx: Ctx): { commands: Record<CommandName, CommandFactory>; disposables: vscode.Disposable[]; results: Results } {
  const results = new Results();
  const analyzer = new Analyzer(ctx, results);
  const boundaries = new BoundaryDecorations(ctx);
  const comparisons = new CompareFeature(ctx, analyzer);
  const commands: Record<CommandName, CommandFactory> = {
    analyzeFile: () => () => analyzer.run('file'),
    analyzeSelection: () => () => analyzer.run('selection'),
    compareStrategies: () => () => comparisons.compare(),
    sweepMergeLayer: () => () => comparisons.sweep(),
    clearResults: () => () => results.clear(),
    openReport: () => async () => {
      if (await ctx.setup.require('the workspace report', ['tokenizer'])) await ReportPanel.show(ctx);
    },
    downloadModel: () => () => download(ctx),
    selectModel: () => () => selectModel(ctx, analyzer),
    trainMerger: () => () => train(ctx),
    showLog: () => () => ctx.log.show(true),
    clearModelCache: () => () => clearCache(ctx, analyzer),
    checkSetup: () => () => checkSetup(ctx),
    toggleBoundaries: () => () => boundaries.toggle(),
    generateWithMerging: () => () => generateWithMerging(ctx, analyzer),
    revealResult: () => async (uri: unknown, range: unknown) => {
      if (!(uri instanceof vscode.Uri) || !(range instanceof vscode.Range)) return;
      const editor = await vscode.window.showTextDocument(uri, { selection: range, preserveFocus: false });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    },
  };
  // The missing model's "Download" step is the download command for that model.
  ctx.setup.downloadModel = () => download(ctx, modelSelection(ctx.config.settings).choice);
  const disposables: vscode.Disposable[] = [
    results, analyzer, boundaries, comparisons, { dispose: () => ReportPanel.disposeCurrent() }, ReportPanel.registerSerializer(ctx),
  ];
  return { commands, disposables, results };
}
