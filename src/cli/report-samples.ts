// The sample options of `report`: `--unit function` over a tree, or `--dataset FILE` (each row one
// sample), with the window rule (`--max-length`, `--no-truncate`) and `--per-sample OUT.jsonl`.
import { existsSync, statSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { EncoderConfig } from '../core/flops';
import type { ReportProfile } from '../core/report/profile-flops';
import { datasetFormat, ParquetReaderMissingError, type DatasetFormat } from '../core/samples/dataset';
import { DatasetError } from '../core/samples/run-dataset';
import { languageId, type RowSpec } from '../core/samples/rows';
import { perSampleLines, writeLinesAtomic } from '../core/samples/per-sample';
import type { SampleRecord } from '../core/samples/analyze-sample';
import type { InvalidRow } from '../core/samples/section';
import type { SampleWindow } from '../core/samples/types';
import { SUPPORTED_LANGUAGES } from '../core/spans/languages';
import { FatalError, parseIntOption, prepareOutput } from './common';
import { terminalLine } from '../core/safe-text';

export interface SampleCliOptions {
  unit?: 'file' | 'function';
  maxLength?: number;
  truncate: boolean;
  dataset?: string;
  field?: string;
  language?: string;
  languageField?: string;
  perSample?: string;
}

export function sampleOptions(): Option[] {
  return [
    new Option('--unit <unit>', 'What a sample is: file (whole files, in windows) or function (also every function, as the model reads it; see README)').choices(['file', 'function']).default(undefined, 'file; with --dataset each row is one sample'),
    new Option('--max-length <n>', 'Positions of a sample, special tokens included: <s> + the first N−2 content tokens + </s>').argParser(parseIntOption('--max-length', 1)).default(undefined, "the model's window (512 for CodeT5)"),
    new Option('--no-truncate', 'Count every token of a sample (one sequence longer than the window)'),
    new Option('--dataset <file>', 'Read samples from a JSON Lines (.jsonl) or Parquet (.parquet) file instead of a folder: one row, one sample'),
    new Option('--field <name>', 'With --dataset: the field holding the code'),
    new Option('--language <lang>', `With --dataset: the language of every row (${SUPPORTED_LANGUAGES.join(', ')})`),
    new Option('--language-field <name>', "With --dataset: the field naming each row's language"),
    new Option('--per-sample <out.jsonl>', 'Also write one JSON line per sample (row index or path, function and line; lengths and FLOPs before/after)'),
  ];
}

export type SampleMode =
  | { kind: 'tree'; dir: string; unit: 'file' | 'function'; window?: SampleWindow }
  | { kind: 'dataset'; path: string; format: DatasetFormat; rows: RowSpec; window: SampleWindow };

/**
 * What to read and how samples are cut, checked before any work: a folder or --dataset (one of
 * them), the dataset's field and language, the window.
 */
export function sampleMode(dir: string | undefined, o: SampleCliOptions, cfg: EncoderConfig, usage: (message: string) => never): SampleMode {
  if (dir !== undefined && o.dataset !== undefined) usage(`give a folder or --dataset, not both (got "${dir}" and --dataset ${o.dataset})`);
  if (dir === undefined && o.dataset === undefined) usage('report needs a folder, or --dataset FILE with --field NAME');
  const samples = o.dataset !== undefined || o.unit === 'function';
  if (!samples) {
    for (const [flag, given] of [['--max-length', o.maxLength !== undefined], ['--no-truncate', !o.truncate], ['--per-sample', o.perSample !== undefined]] as const) {
      if (given) usage(`${flag} applies to samples: add --unit function, or read a --dataset`);
    }
  }
  const maxLength = o.maxLength ?? cfg.maxInputTokens;
  if (maxLength <= cfg.specialTokensPerWindow) usage(`--max-length must leave room beside the ${cfg.specialTokensPerWindow} special tokens, got ${maxLength}`);
  const window: SampleWindow = { maxLength, truncate: o.truncate };
  if (o.perSample) prepareOutput(o.perSample);
  if (o.dataset === undefined) {
    for (const flag of ['field', 'language', 'languageField'] as const) {
      if (o[flag] !== undefined) usage(`--${flag === 'languageField' ? 'language-field' : flag} applies to --dataset only`);
    }
    if (!existsSync(dir!) || !statSync(dir!).isDirectory()) throw new FatalError(`not a directory: ${dir}`);
    return { kind: 'tree', dir: dir!, unit: o.unit ?? 'file', ...(samples ? { window } : {}) };
  }
  if (o.unit === 'file') usage('--unit file does not apply to --dataset: each row is one sample');
  const path = o.dataset;
  if (!existsSync(path) || !statSync(path).isFile()) throw new FatalError(`not a file: ${path}`);
  const format = datasetFormat(path);
  if (!format) usage(`--dataset reads .jsonl (JSON Lines) and .parquet files, got ${path}`);
  if (o.field === undefined) usage('--dataset needs --field NAME: the field holding the code');
  if ((o.language === undefined) === (o.languageField === undefined)) usage('--dataset needs --language L (every row) or --language-field NAME (per row), one of them');
  let language: RowSpec['language'];
  if (o.language !== undefined) {
    language = languageId(o.language);
    if (!language) usage(`--language must be one of ${SUPPORTED_LANGUAGES.join(', ')}, got "${o.language}"`);
  }
  return { kind: 'dataset', path, format, rows: { field: o.field, ...(language ? { language } : {}), ...(o.languageField !== undefined ? { languageField: o.languageField } : {}) }, window };
}

/** Options that choose files of a folder: refused with --dataset rather than ignored. */
const TREE_ONLY: Readonly<Record<string, string>> = {
  maxFileSize: '--max-file-size', includeVendored: '--include-vendored', includeGenerated: '--include-generated', includeUnsupported: '--include-unsupported',
  exclude: '--exclude', include: '--include', followExternalSymlinks: '--follow-external-symlinks', cache: '--cache',
};

export function refuseTreeOnlyOptions(command: Command, usage: (message: string) => never): void {
  for (const [key, flag] of Object.entries(TREE_ONLY)) {
    if (command.getOptionValueSource(key) === 'cli') usage(`${flag} applies to a folder, not to --dataset`);
  }
}

/** Dataset errors the user fixes by changing the command or installing the reader: exit 2. */
export function datasetFailure(e: unknown): unknown {
  if (e instanceof DatasetError || e instanceof ParquetReaderMissingError) return new FatalError(e.message);
  return e;
}

/** Collects the samples of a run; `write` puts them in the --per-sample file once the report is out. */
export function perSampleCollector(path: string | undefined, meta: { cfg: EncoderConfig; profile: ReportProfile; specials: number }) {
  let records: readonly SampleRecord[] = [];
  let invalid: readonly InvalidRow[] = [];
  return {
    onSamples: (r: readonly SampleRecord[], bad: readonly InvalidRow[] = []) => {
      records = r;
      invalid = bad;
    },
    write(): void {
      if (!path) return;
      try {
        writeLinesAtomic(path, perSampleLines(records, invalid, meta));
      } catch (e) {
        throw new FatalError(`cannot write ${path}: ${(e as Error).message}`);
      }
      process.stderr.write(`wrote ${terminalLine(path)} (${records.length + invalid.length} lines)\n`);
    },
  };
}
