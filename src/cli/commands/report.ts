// `report DIR`: the workspace-wide merge report; `combine`: exact union of shard reports.
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_MODEL_KEY, MODEL_CONFIGS, modelConfig, windowCapacity } from '../../core/flops';
import {
  combineReports, defaultJobs, formatCsv, formatHtml, formatMarkdown, formatTable, locateChartJs, runReport,
  type ReportJson, type ReportProgress,
} from '../../core/report';
import { bytes } from '../../core/report/format/numbers';
import { FatalError, interruptSignal, isAbort, jobsWithinCores, openTokenizer, parseIntOption, parseShard, parseSize, prepareOutput, writeAtomic } from '../common';
import { WalkRootError } from '../../core/scan/walk';
import { TOOL_VERSION } from '../version';
import { terminalLine, terminalSafeJson } from '../../core/safe-text';

const FORMATS = ['table', 'md', 'json', 'csv', 'html'] as const;
type Format = (typeof FORMATS)[number];

export function renderReport(r: ReportJson, format: Format): string {
  switch (format) {
    case 'table': return formatTable(r);
    case 'md': return formatMarkdown(r);
    case 'json': return terminalSafeJson(JSON.stringify(r, null, 1)) + '\n'; // same values, no raw C1/bidi bytes
    case 'csv': return formatCsv(r);
    case 'html': return formatHtml(r, readFileSync(locateChartJs(), 'utf8'));
  }
}

function formatFor(o: { format?: string; out?: string }): Format {
  const f = o.format ?? (o.out ? ({ md: 'md', json: 'json', csv: 'csv', html: 'html', htm: 'html' } as Record<string, Format>)[o.out.split('.').pop()!.toLowerCase()] : undefined) ?? 'table';
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
    const line = p.phase === 'walking' ? 'walking the tree…' : `${p.done}/${p.total} files, ${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)}`;
    process.stderr.write(tty ? `\r\x1b[K${line}${finished ? '\n' : ''}` : `${line}\n`);
  };
}

interface ReportCliOptions {
  format?: string; out?: string; model: string; tokenizer?: string; scope: string; spans: string; maxFileSize: string;
  includeVendored?: boolean; includeGenerated?: boolean; includeUnsupported?: boolean; exclude?: string[]; include?: string[];
  jobs?: number; shard?: string; top: number; identifierTable?: boolean; progress: boolean; followExternalSymlinks?: boolean;
}

export function register(program: Command): void {
  const report = program
    .command('report')
    .description('Per-file and per-language merge report for a directory tree')
    .argument('<dir>', 'root of the tree (respects .gitignore)')
    .option('--format <format>', `${FORMATS.join(' | ')} (default: from --out's extension, else table)`)
    .option('--out <file>', 'write to a file (atomically) instead of stdout')
    .option('--model <key>', `encoder for the FLOP estimate: ${MODEL_CONFIGS.map((c) => c.key).join(', ')}`, DEFAULT_MODEL_KEY)
    .option('--tokenizer <dir>', 'tokenizer folder (vocab.json + merges.txt, or tokenizer.json)')
    .option('--scope <scope>', 'identifiers | identifiers+strings (strings: an extension beyond the paper)', 'identifiers')
    .option('--spans <engine>', 'tree-sitter (exact) | lexical (5-8x faster scanner, measured against tree-sitter; see README)', 'tree-sitter')
    .option('--max-file-size <size>', 'skip larger files (e.g. 1M, 512k)', '1M')
    .option('--include-vendored', 'also scan node_modules, vendor, third_party, .venv, …')
    .option('--include-generated', 'also scan generated and minified files')
    .option('--include-unsupported', 'count tokens of source languages without a grammar (nothing merged)')
    .option('--exclude <pattern...>', 'extra gitignore-style patterns to skip')
    .option('--include <pattern...>', 'only files matching one of these gitignore-style patterns (e.g. "src/**" "*.py")')
    .option('--follow-external-symlinks', 'follow symlinks that lead outside the folder (default: list them as skipped)')
    .option('--jobs <n>', `worker threads, at most the available cores (default: ${defaultJobs()}; 0 = in-process)`, parseIntOption('--jobs', 0))
    .option('--shard <K/N>', 'only the K-th of N deterministic shards; combine shard JSONs with `combine`')
    .option('--top <n>', 'top identifiers to list', parseIntOption('--top', 0), 50)
    .option('--identifier-table', 'include every identifier in JSON (always on with --shard)')
    .option('--no-progress', 'no progress on stderr')
    .action(async (dir: string, o: ReportCliOptions) => {
      const format = formatFor(o);
      const cfg = (() => { try { return modelConfig(o.model); } catch (e) { throw new FatalError((e as Error).message); } })();
      if (o.scope !== 'identifiers' && o.scope !== 'identifiers+strings') throw new FatalError(`--scope must be identifiers or identifiers+strings, got "${o.scope}"`);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FatalError(`not a directory: ${dir}`);
      if (o.spans !== 'tree-sitter' && o.spans !== 'lexical') throw new FatalError(`--spans must be tree-sitter or lexical, got "${o.spans}"`);
      if (o.out) prepareOutput(o.out); // an unwritable --out fails now, not after the whole walk
      const jobs = jobsWithinCores(o.jobs ?? defaultJobs());
      const { tokenizer, dir: tokenizerDir } = openTokenizer(o.tokenizer);
      const { signal, dispose } = interruptSignal();
      try {
        const r = await runReport({
          root: dir, tokenizerDir, tokenizerName: tokenizer.name, modelKey: cfg.key,
          scope: o.scope, spanEngine: o.spans, window: { capacity: windowCapacity(cfg), specials: cfg.specialTokensPerWindow },
          maxFileSize: parseSize(o.maxFileSize), includeVendored: !!o.includeVendored, includeGenerated: !!o.includeGenerated,
          includeUnsupported: !!o.includeUnsupported, followExternalSymlinks: !!o.followExternalSymlinks, exclude: o.exclude, include: o.include, shard: o.shard ? parseShard(o.shard) : undefined,
          jobs, topLimit: o.top, includeIdentifierTable: !!o.identifierTable, toolVersion: TOOL_VERSION,
          tokenizer, signal, onProgress: progressPrinter(o.progress),
        });
        emit(renderReport(r, format), o.out);
      } catch (e) {
        if (e instanceof WalkRootError) throw new FatalError(e.message);
        if (isAbort(e, signal)) {
          process.stderr.write('Stopped before finishing: no report written.\n');
          process.exitCode = 130;
          return;
        }
        throw e;
      } finally {
        dispose();
      }
    });
  void report;

  program
    .command('combine')
    .description('Combine the JSON reports of --shard runs into the report of the whole tree')
    .argument('<reports...>', 'shard JSON files')
    .option('--format <format>', FORMATS.join(' | '))
    .option('--out <file>', 'write to a file')
    .option('--top <n>', 'top identifiers to list', parseIntOption('--top', 0))
    .option('--allow-partial', 'combine even when shards are missing; the result is labelled partial and lists the shards it holds')
    .action((files: string[], o: { format?: string; out?: string; top?: number; allowPartial?: boolean }) => {
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
      emit(renderReport(combined, formatFor({ format: o.format ?? (o.out ? undefined : 'json'), out: o.out })), o.out);
    });
}
