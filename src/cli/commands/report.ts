// `report DIR`: the workspace-wide merge report; `combine`: exact union of shard reports.
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type EncoderConfig, windowCapacity } from '../../core/flops';
import { FLOP_PROFILES, type FlopProfile } from '../../core/task-flops';
import { checkReportProfile, defaultReportProfile, type ReportProfile } from '../../core/report/profile-flops';
import {
  combineReports, defaultJobs, formatCsv, formatHtml, formatMarkdown, formatTable, loadReportViewAssets, runReport,
  type ReportJson, type ReportProgress,
} from '../../core/report';
import type { ReportCacheSummary } from '../../core/report/result-cache';
import { bytes } from '../../core/report/format/numbers';
import type { MergeScope } from '../../core/merge/scope';
import { cancellable, FatalError, jobsWithinCores, openTokenizer, parseIntOption, parseShard, parseSize, prepareOutput, writeAtomic } from '../common';
import { archFrom, archOption, cacheDirFrom, cacheDirOptions, deprecatedModelKeyOption, jsonOption, tokenizerOption, withOptions } from '../options';
import { TOOL_VERSION } from '../version';
import { datasetFailure, perSampleCollector, refuseTreeOnlyOptions, sampleMode, sampleOptions, type SampleCliOptions } from '../report-samples';
import { runDatasetReport } from '../../core/samples/run-dataset';
import { terminalLine, terminalSafeJson } from '../../core/safe-text';

const FORMATS = ['table', 'md', 'json', 'csv', 'html'] as const;
type Format = (typeof FORMATS)[number];

export function renderReport(r: ReportJson, format: Format): string {
  switch (format) {
    case 'table': return formatTable(r);
    case 'md': return formatMarkdown(r);
    case 'json': return terminalSafeJson(JSON.stringify(r, null, 1)) + '\n'; // same values, no raw C1/bidi bytes
    case 'csv': return formatCsv(r);
    case 'html': return formatHtml(r, loadReportViewAssets());
  }
}

function formatFor(o: { format?: string; out?: string; json?: boolean }): Format {
  if (o.json && o.format !== undefined && o.format !== 'json') throw new FatalError(`--json and --format ${o.format} disagree: give one`);
  const f = o.format ?? (o.json ? 'json' : undefined) ?? (o.out ? ({ md: 'md', json: 'json', csv: 'csv', html: 'html', htm: 'html' } as Record<string, Format>)[o.out.split('.').pop()!.toLowerCase()] : undefined) ?? 'table';
  if (!FORMATS.includes(f as Format)) throw new FatalError(`--format must be one of ${FORMATS.join(', ')}, got "${f}"`);
  return f as Format;
}

function emit(text: string, out?: string): void {
  if (out) {
    writeAtomic(out, text);
    process.stderr.write(`wrote ${terminalLine(out)}\n`);
  } else process.stdout.write(text);
}

/** A progress line on stderr: rewritten in place on a terminal, every few seconds otherwise. */
function progressPrinter(enabled: boolean): (p: ReportProgress) => void {
  const tty = process.stderr.isTTY;
  let last = 0;
  return (p) => {
    if (!enabled) return;
    const now = Date.now();
    const finished = p.phase === 'analyzing' && p.done === p.total;
    if (!finished && now - last < (tty ? 100 : 5000)) return;
    last = now;
    const line = p.phase === 'walking' ? 'walking the tree…' : p.items === 'rows' ? `${p.done}/${p.total} rows, ${bytes(p.bytesDone)} of code` : `${p.done}/${p.total} files, ${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)}`;
    process.stderr.write(tty ? `\r\x1b[K${line}${finished ? '\n' : ''}` : `${line}\n`);
  };
}

/** --format, and --json (its short form for the JSON every machine-readable output uses). */
const formatOptions = (defaultDescription: string): Option[] => [
  new Option('--format <format>', 'Output format').choices(FORMATS).default(undefined, defaultDescription),
  jsonOption(), // the same as --format json
];

interface ReportCliOptions extends SampleCliOptions {
  format?: string; json?: boolean; out?: string; arch: string; model?: string; tokenizer?: string; cacheDir?: string; cache?: boolean; scope: MergeScope; spans: 'tree-sitter' | 'lexical'; maxFileSize: string;
  includeVendored?: boolean; includeGenerated?: boolean; includeUnsupported?: boolean; exclude?: string[]; include?: string[];
  jobs?: number; shard?: string; top: number; identifierTable?: boolean; progress: boolean; followExternalSymlinks?: boolean;
  profile?: FlopProfile; outputLength?: number;
}

/** `--cache-dir` without its hidden old name `--cache <dir>` (kept on `model` and `tokenizer`): on
 *  `report`, `--cache` turns the per-file result cache on. Off unless asked: a one-off run (CI, a
 *  batch job, a benchmark) would only pay for the writes, and a measurement should not silently
 *  come from an earlier run. */
function reportCacheOptions(): Option[] {
  return [
    ...cacheDirOptions().filter((opt) => opt.long !== '--cache'),
    new Option('--cache', 'Reuse each unchanged file\'s result from earlier runs, kept in <cache-dir>/report-cache (capped at 256 MiB)').default(false, 'off'),
    new Option('--no-cache', 'Analyse every file afresh'),
  ];
}

/** The cache line: how many files came from it, or the warning that it was off. */
function printCacheSummary(s: ReportCacheSummary, progress: boolean): void {
  if (s.warning) process.stderr.write(`subtoken-lens: warning: ${terminalLine(s.warning)}\n`);
  else if (progress) process.stderr.write(`cache: ${s.hits} file${s.hits === 1 ? '' : 's'} reused, ${s.analysed} analysed (${terminalLine(s.dir)})\n`);
}

/** --profile/--output-length (which implies seq2seq), else the model's default; refused when it does not fit. */
function reportProfile(cfg: EncoderConfig, o: { profile?: FlopProfile; outputLength?: number }): ReportProfile {
  const name = o.profile ?? (o.outputLength !== undefined ? 'seq2seq' : undefined);
  if (name === 'seq2seq' && o.outputLength === undefined && cfg.decoderLayers > 0) throw new FatalError('--profile seq2seq needs --output-length L');
  try {
    return checkReportProfile(cfg, name ? { name, ...(o.outputLength !== undefined ? { outputLength: o.outputLength } : {}) } : defaultReportProfile(cfg));
  } catch (e) {
    throw new FatalError((e as Error).message);
  }
}

export function register(program: Command): void {
  const report = program
    .command('report')
    .description('Per-file and per-language merge report for a directory tree, or per sample for a dataset (--dataset)')
    .argument('[dir]', 'Root of the tree (respects .gitignore); none with --dataset');
  withOptions(report,
    formatOptions("from --out's extension, else table"),
    new Option('--out <file>', 'Write to this file (atomically) instead of stdout'),
    archOption(), deprecatedModelKeyOption(),
    new Option('--profile <profile>', 'Whole-model FLOPs beside the encoder\'s: encoder only, seq2seq (a decoder pass over --output-length positions per window), or classify (CodeT5 recipe)').choices(FLOP_PROFILES).default(undefined, 'classify for CodeT5 shapes, encoder for RoBERTa-shaped'),
    new Option('--output-length <n>', 'Decoder positions per window for --profile seq2seq (implies it)').argParser(parseIntOption('--output-length', 0)),
    tokenizerOption(), ...reportCacheOptions(),
    new Option('--scope <scope>', 'What is merged (identifiers+strings: an extension beyond the paper)').choices(['identifiers', 'identifiers+strings']).default('identifiers'),
    new Option('--spans <engine>', 'Span engine: tree-sitter is exact, lexical a faster scanner measured against it (see README)').choices(['tree-sitter', 'lexical']).default('tree-sitter'),
    new Option('--max-file-size <size>', 'Skip larger files (e.g. 1M, 512k)').default('1M'),
    new Option('--include-vendored', 'Also scan node_modules, vendor, third_party, .venv, …'),
    new Option('--include-generated', 'Also scan generated and minified files'),
    new Option('--include-unsupported', 'Count tokens of source languages without a grammar (nothing merged)'),
    new Option('--exclude <pattern...>', 'Extra gitignore-style patterns to skip'),
    new Option('--include <pattern...>', 'Only files matching one of these gitignore-style patterns (e.g. "src/**" "*.py")'),
    new Option('--follow-external-symlinks', 'Follow symlinks that lead outside the folder (without it they are listed as skipped)'),
    new Option('--jobs <n>', 'Threads analysing files, this one included, at most the available cores (0 or 1: no worker threads)').argParser(parseIntOption('--jobs', 0)).default(undefined, String(defaultJobs())),
    new Option('--shard <K/N>', 'Only the K-th of N deterministic shards; combine shard JSONs with `combine`'),
    new Option('--top <n>', 'Top identifiers to list').argParser(parseIntOption('--top', 0)).default(50),
    new Option('--identifier-table', 'Include every identifier in JSON (always on with --shard)'),
    ...sampleOptions(),
    new Option('--no-progress', 'No progress on stderr'));
  report
    .action(async (dirArg: string | undefined, o: ReportCliOptions, command: Command) => {
      const format = formatFor(o);
      const cfg = archFrom(o, command);
      const profile = reportProfile(cfg, o);
      const mode = sampleMode(dirArg, o, cfg, (message) => command.error(message));
      if (mode.kind === 'dataset') refuseTreeOnlyOptions(command, (message) => command.error(message));
      const window = { capacity: windowCapacity(cfg), specials: cfg.specialTokensPerWindow };
      const perSample = perSampleCollector(o.perSample, { cfg, profile, specials: window.specials });
      const shard = o.shard ? parseShard(o.shard) : undefined;
      const maxFileSize = parseSize(o.maxFileSize);
      if (o.out) prepareOutput(o.out); // an unwritable --out fails now, not after the whole walk
      const jobs = jobsWithinCores(o.jobs ?? defaultJobs());
      const cacheDir = cacheDirFrom({ cacheDir: o.cacheDir });
      const { tokenizer, dir: tokenizerDir } = openTokenizer(o.tokenizer, cacheDir);
      if (mode.kind === 'dataset') {
        const r = await cancellable('no report written', (signal) => runDatasetReport({
          dataset: mode.path, format: mode.format, rows: mode.rows, sampleWindow: mode.window,
          tokenizerDir, tokenizerName: tokenizer.name, modelKey: cfg.key, profile, scope: o.scope, spanEngine: o.spans, window,
          shard, jobs, topLimit: o.top, includeIdentifierTable: !!o.identifierTable, toolVersion: TOOL_VERSION,
          tokenizer, signal, onProgress: progressPrinter(o.progress), onSamples: perSample.onSamples, callerWorks: true,
        }).catch((e: unknown) => { throw datasetFailure(e); }));
        emit(renderReport(r, format), o.out);
        perSample.write();
        return;
      }
      const dir = mode.dir;
      const r = await cancellable('no report written', (signal) => runReport({
        ...(mode.unit === 'function' ? { unit: 'function' as const, sampleWindow: mode.window, onSamples: perSample.onSamples } : {}),
        root: dir, tokenizerDir, tokenizerName: tokenizer.name, modelKey: cfg.key, profile,
        scope: o.scope, spanEngine: o.spans, window: { capacity: windowCapacity(cfg), specials: cfg.specialTokensPerWindow },
        maxFileSize, includeVendored: !!o.includeVendored, includeGenerated: !!o.includeGenerated,
        includeUnsupported: !!o.includeUnsupported, followExternalSymlinks: !!o.followExternalSymlinks, exclude: o.exclude, include: o.include, shard,
        jobs, topLimit: o.top, includeIdentifierTable: !!o.identifierTable, toolVersion: TOOL_VERSION,
        tokenizer, signal, onProgress: progressPrinter(o.progress), callerWorks: true,
        ...(o.cache ? { cache: { cacheDir }, onCache: (s: ReportCacheSummary) => printCacheSummary(s, o.progress) } : {}),
      }));
      emit(renderReport(r, format), o.out);
      perSample.write();
    });

  const combine = program
    .command('combine')
    .description('Combine the JSON reports of --shard runs into the report of the whole tree')
    .argument('<reports...>', 'Shard JSON files');
  withOptions(combine,
    formatOptions('from --out\'s extension, else json'),
    new Option('--out <file>', 'Write to this file (atomically) instead of stdout'),
    new Option('--top <n>', 'Top identifiers to list').argParser(parseIntOption('--top', 0)).default(undefined, 'as in the shards'),
    new Option('--allow-partial', 'Combine even when shards are missing; the result is labelled partial and lists the shards it holds'));
  combine
    .action((files: string[], o: { format?: string; json?: boolean; out?: string; top?: number; allowPartial?: boolean }) => {
      const parts = files.map((f) => {
        try {
          return JSON.parse(readFileSync(f, 'utf8')) as ReportJson;
        } catch (e) {
          throw new FatalError(`cannot read report ${f}: ${(e as Error).message}`);
        }
      });
      let combined: ReportJson;
      try {
        combined = combineReports(parts, { topLimit: o.top, allowPartial: !!o.allowPartial, names: files });
      } catch (e) {
        throw new FatalError((e as Error).message);
      }
      emit(renderReport(combined, formatFor({ format: o.format ?? (o.out || o.json ? undefined : 'json'), json: o.json, out: o.out })), o.out);
    });
}
