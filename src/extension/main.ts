// Entry point: builds the Ctx and wires features to it. Nothing heavy happens here: the
// tokenizer, grammars and models load on first use (a hover, the status bar, a command).
import type * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { registerHover } from './hover';
import { StatusItem } from './statusBar';
import { commandTable } from './table';

export function activate(extCtx: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const ctx = new Ctx(extCtx);
  const features = commandTable(ctx);
  registerCommands(ctx, features.commands);
  ctx.push(registerHover(ctx, features.results), new StatusItem(ctx), ...features.disposables);
  ctx.log.info(`activated in ${(performance.now() - t0).toFixed(1)} ms (VS Code extension host, node ${process.version})`);
}

export function deactivate(): void {
  // Everything is disposed through the extension context's subscriptions (Ctx).
}
