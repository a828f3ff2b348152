// The options commands share, declared once so that one concept has one flag, one placeholder and
// one description in every command (README, "The command line"), and the help layout they are
// shown in: sentence case, no trailing period, choices and defaults written the same way.
import { statSync } from 'node:fs';
import { type Argument, type Command, type Help, Option } from 'commander';
import { DEFAULT_MODEL_KEY, MODEL_CONFIGS, modelConfig, type EncoderConfig } from '../core/flops';
import { defaultCacheDir } from '../core/cache-dir';
import { DEVICES } from '../core/runtime/providers';
import { EMBEDDED_MODEL_NAMES, HUB_MODEL_NAMES } from '../core/runtime/named-models';
import { FatalError, parseIntOption } from './common';

export const jsonOption = (): Option => new Option('--json', 'Print the result as JSON');

export const tokenizerOption = (defaultDescription = 'located automatically'): Option =>
  new Option('--tokenizer <dir>', 'Tokenizer folder (vocab.json + merges.txt, or tokenizer.json)').default(undefined, defaultDescription);

/** `--cache-dir`, and `--cache` (its old name on `model` and `tokenizer`), kept working but hidden. */
export const cacheDirOptions = (): Option[] => [
  new Option('--cache-dir <dir>', 'Cache folder for tokenizers and models').default(undefined, '$SUBTOKEN_LENS_CACHE, else ~/.cache/subtoken-lens'),
  new Option('--cache <dir>').hideHelp(),
];

/** The cache folder a command uses: `--cache-dir` (or `--cache`), else the default; never a file. */
export function cacheDirFrom(o: { cacheDir?: string; cache?: string }): string {
  const dir = o.cacheDir ?? o.cache ?? defaultCacheDir();
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir, { throwIfNoEntry: false });
  } catch (e) {
    // ENOTDIR (a path under a regular file), EACCES, ELOOP: the folder cannot be, so say so in one line.
    throw new FatalError(`--cache-dir ${dir} cannot be used: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (st && !st.isDirectory()) throw new FatalError(`--cache-dir ${dir} is not a folder`);
  return dir;
}

/** As the help lists them; `tiny` and `small` still work (the CLI's old names). */
const MODEL_NAMES = [...EMBEDDED_MODEL_NAMES, ...Object.keys(HUB_MODEL_NAMES)].join(', ');

/** `--model`: a model that runs, everywhere one is run (the names are the extension's). */
export const modelOption = (defaultName?: string): Option => {
  const option = new Option('--model <model>', `Model to run: a folder, a Hub repo owner/name fetched with \`model fetch\`, or a name: ${MODEL_NAMES}`);
  return defaultName === undefined ? option : option.default(defaultName);
};

export const ARCH_KEYS = MODEL_CONFIGS.map((c) => c.key);

/** `--arch`: a shape in the FLOP table, for commands that estimate FLOPs without running a model. */
export const archOption = (): Option =>
  new Option('--arch <key>', 'Encoder shape for the FLOP estimate').choices(ARCH_KEYS).default(DEFAULT_MODEL_KEY);

/** `--model KEY`, the old name of `--arch` on `report` and `flops`: accepted for one release, with a notice. */
export const deprecatedModelKeyOption = (): Option => new Option('--model <key>').hideHelp();

/**
 * The FLOP-table shape of `report`/`flops`: `--arch`, or the deprecated `--model KEY` (a notice on
 * stderr says to use --arch; giving both is refused).
 */
export function archFrom(o: { arch: string; model?: string }, command: Command): EncoderConfig {
  let key = o.arch;
  if (o.model !== undefined) {
    if (command.getOptionValueSource('arch') === 'cli') throw new FatalError('give --arch only: --model KEY is its deprecated name');
    process.stderr.write(`subtoken-lens: --model ${o.model} is deprecated here, use --arch ${o.model} (--model names a model to run)\n`);
    key = o.model;
  }
  try {
    return modelConfig(key);
  } catch {
    throw new FatalError(`--arch "${key}" is not in the FLOP table; choose one of ${ARCH_KEYS.join(', ')}`);
  }
}

export const providerOption = (): Option => new Option('--provider <provider>', 'Execution provider').choices(DEVICES).default('auto');

export const strategyOption = (choices: readonly string[], defaultValue: string): Option =>
  new Option('--strategy <strategy>', 'Merge strategy').choices(choices).default(defaultValue);

export const idsOption = (): Option => new Option('--ids <json>', 'Token ids as a JSON array, used exactly as given');

/** `--merge-layer K` on `encode` and `generate` (`analyze` also takes "all", the layer sweep). */
export const mergeLayerOption = (): Option =>
  new Option('--merge-layer <k>', 'Merge after encoder block K (0 = at the embeddings, up to the number of blocks)').argParser(parseIntOption('--merge-layer', 0)).default(0);

/** Refuses K past the last block, once the model's block count is known (one message in every command). */
export function checkMergeLayerFlag(k: number, layers: number): void {
  if (k > layers) throw new FatalError(`--merge-layer ${k}: the encoder has ${layers} blocks (0 to ${layers})`);
}

/** Adds `options` to `command` (a short way to attach the shared options above). */
export function withOptions(command: Command, ...options: Array<Option | Option[]>): Command {
  for (const o of options.flat()) command.addOption(o);
  return command;
}

const defaultText = (value: unknown, description: string | undefined): string | undefined => {
  if (description) return description;
  if (value === undefined || typeof value === 'boolean') return undefined; // flags: no "(default: false)"
  return Array.isArray(value) ? value.join(' ') : String(value);
};

const withDetails = (description: string, choices: readonly string[] | undefined, dflt: string | undefined): string => {
  const details = [choices ? `choices: ${choices.join(', ')}` : undefined, dflt !== undefined ? `default: ${dflt}` : undefined].filter(Boolean);
  return details.length ? `${description} (${details.join('; ')})` : description;
};

/** Help layout for every command: choices and defaults unquoted, in one parenthesis. */
export const HELP_CONFIGURATION: Partial<Help> = {
  optionDescription: (o: Option) => withDetails(o.description, o.argChoices, defaultText(o.defaultValue, o.defaultValueDescription)),
  argumentDescription: (a: Argument) => withDetails(a.description, a.argChoices, defaultText(a.defaultValue, a.defaultValueDescription)),
};
