// The command table: every command in the manifest maps to a factory that builds its handler
// from the Ctx. Each handler runs inside one wrapper that catches, logs and shows errors, so no
// command can take the extension host down. A handler that needs the tokenizer or a model asks
// `ctx.setup.require(...)` first, which offers the way to get what is missing.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { COMMANDS, type CommandName } from './manifest';

export type Handler = (...args: unknown[]) => unknown;
export type CommandFactory = (ctx: Ctx) => Handler;

export function registerCommands(ctx: Ctx, table: Record<CommandName, CommandFactory>): void {
  for (const name of Object.keys(COMMANDS) as CommandName[]) {
    const { id, title } = COMMANDS[name];
    const handler = table[name](ctx);
    ctx.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        const r = await handler(...args);
        ctx.log.debug(`${title}: done in ${(performance.now() - t0).toFixed(0)} ms`);
        return r;
      } catch (err) {
        if (err instanceof vscode.CancellationError) {
          ctx.log.info(`${title}: cancelled`);
          return undefined;
        }
        ctx.showError(title, err);
        return undefined;
      }
    }));
  }
}
