// Which handler serves each command. Features are created here (each owns its disposables) and
// the table maps command names onto them; commands.ts registers the table.
import type * as vscode from 'vscode';
import { notReady, type CommandFactory } from './commands';
import type { Ctx } from './ctx';
import type { CommandName } from './manifest';

export function commandTable(ctx: Ctx): { commands: Record<CommandName, CommandFactory>; disposables: vscode.Disposable[] } {
  const disposables: vscode.Disposable[] = [];
  const pending = (what: string) => notReady(`${what} is not available in this build yet.`);
  const commands: Record<CommandName, CommandFactory> = {
    analyzeFile: pending('Analysis'),
    analyzeSelection: pending('Analysis'),
    compareStrategies: pending('Comparing strategies'),
    clearResults: pending('Clearing results'),
    openReport: pending('The workspace report'),
    downloadModel: pending('Downloading models'),
    selectModel: pending('Selecting a model'),
    trainMerger: pending('Training the learned merger'),
    showLog: (c) => () => c.log.show(true),
    clearModelCache: pending('Clearing the model cache'),
    revealResult: pending('Revealing results'),
  };
  void ctx;
  return { commands, disposables };
}
