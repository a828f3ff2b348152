// Which handler serves each command. Features are created here (each owns its disposables) and
// the table maps command names onto them; commands.ts registers the table with one error wrapper.
import * as vscode from 'vscode';
import { Analyzer, Results } from './analysis';
import type { CommandFactory } from './commands';
import { compareStrategies } from './compare';
import type { Ctx } from './ctx';
import type { CommandName } from './manifest';
import { clearCache, download, selectModel, train } from './modelCommands';
import { ReportPanel } from './report/panel';

export function commandTable(ctx: Ctx): { commands: Record<CommandName, CommandFactory>; disposables: vscode.Disposable[] } {
  const results = new Results(ctx);
  const analyzer = new Analyzer(ctx, results);
  const commands: Record<CommandName, CommandFactory> = {
    analyzeFile: () => () => analyzer.run('file'),
    analyzeSelection: () => () => analyzer.run('selection'),
    compareStrategies: () => () => compareStrategies(ctx, analyzer),
    clearResults: () => () => results.clear(),
    openReport: () => () => { ReportPanel.show(ctx); },
    downloadModel: () => () => download(ctx),
    selectModel: () => () => selectModel(ctx, analyzer),
    trainMerger: () => () => train(ctx),
    showLog: () => () => ctx.log.show(true),
    clearModelCache: () => () => clearCache(ctx, analyzer),
    revealResult: () => async (uri: unknown, range: unknown) => {
      if (!(uri instanceof vscode.Uri) || !(range instanceof vscode.Range)) return;
      const editor = await vscode.window.showTextDocument(uri, { selection: range, preserveFocus: false });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    },
  };
  const disposables: vscode.Disposable[] = [results, analyzer, { dispose: () => ReportPanel.disposeCurrent() }];
  return { commands, disposables };
}
