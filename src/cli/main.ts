// subtoken-lens: the command-line front end on the core. Each command lives in its own module
// and registers itself; this file only wires them and maps failures to exit codes:
// 0 done, 1 unexpected error, 2 fatal usage/input error (clear message), 130 interrupted.
import { Command, CommanderError } from 'commander';
import { FatalError } from './common';
import { terminalText } from '../core/safe-text';
import { TOOL_VERSION } from './version';
import * as tokenize from './commands/tokenize';
import * as spans from './commands/spans';
import * as report from './commands/report';
import * as flops from './commands/flops';
import * as analyze from './commands/analyze';
import * as encode from './commands/encode';
import * as trainMerger from './commands/train-merger';
import * as model from './commands/model';

export function buildProgram(): Command {
  const program = new Command()
    .name('subtoken-lens')
    .description('How CodeT5-style models split identifiers into subtokens, and what merging them saves')
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const m of [tokenize, spans, report, flops, analyze, encode, trainMerger, model]) m.register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof FatalError) {
      process.stderr.write(`subtoken-lens: ${terminalText(e.message)}\n`); // messages quote paths: no raw escapes
      return 2;
    }
    process.stderr.write(`subtoken-lens: unexpected error: ${terminalText(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    return 1;
  }
}

/** Entry for bin/subtoken-lens.js and `node dist/cli.js`. */
export function runCli(argv: string[] = process.argv): void {
  // `subtoken-lens … | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  void main(argv).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) runCli();
