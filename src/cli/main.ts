// subtoken-lens: the command-line front end on the core. Each command lives in its own module
// and registers itself; this file wires them, gives them one help layout and one usage-error form,
// and maps failures to exit statuses (failure.ts): 0 done, 1 runtime failure, 2 usage or input
// error, 130 interrupted. Every error is one line `subtoken-lens: …` (SUBTOKEN_LENS_DEBUG=1 adds
// the stack).
import { Command, CommanderError } from 'commander';
import { describeFailure, EXIT } from './failure';
import { HELP_CONFIGURATION } from './options';
import { terminalLine, terminalText } from '../core/safe-text';
import { TOOL_VERSION } from './version';
import * as tokenize from './commands/tokenize';
import * as spans from './commands/spans';
import * as report from './commands/report';
import * as flops from './commands/flops';
import * as analyze from './commands/analyze';
import * as encode from './commands/encode';
import * as trainMerger from './commands/train-merger';
import * as model from './commands/model';
import * as generate from './commands/generate';

/** `subtoken-lens model fetch`, for the hint after a usage error. */
function fullName(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Commander's "error: unknown option '--x'" as the one line every error is: prefix, message, where help is. */
function oneLineUsageErrors(command: Command): void {
  command.configureOutput({
    outputError: (text, write) => write(`subtoken-lens: ${terminalLine(text.replace(/^error: /, '').trim().replace(/\.$/, ''))} (see \`${fullName(command)} --help\`)\n`),
  });
  for (const sub of command.commands) oneLineUsageErrors(sub);
}

export function buildProgram(): Command {
  const program = new Command()
    .name('subtoken-lens')
    .description('How CodeT5-style models split identifiers into subtokens, and what merging them saves')
    .version(TOOL_VERSION, '-V, --version', 'Show the version number')
    .helpOption('-h, --help', 'Show help')
    .helpCommand('help [command]', 'Show help for a command')
    .configureHelp(HELP_CONFIGURATION)
    .exitOverride();
  for (const m of [tokenize, spans, report, flops, analyze, encode, generate, trainMerger, model]) m.register(program);
  oneLineUsageErrors(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    // Commander has already printed its line (or the help, for `--help` and a missing command).
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const failure = describeFailure(e);
    process.stderr.write(`subtoken-lens: ${terminalLine(failure.message)}\n`);
    if (process.env.SUBTOKEN_LENS_DEBUG === '1' && e instanceof Error && e.stack) process.stderr.write(`${terminalText(e.stack)}\n`);
    return failure.code;
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
