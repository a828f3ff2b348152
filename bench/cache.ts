// Issue 11's cache target: a second `report --cache` over an unchanged tree against the first, in
// one process, same tree, each repetition with a fresh, empty cache folder. Also a run without the
// cache, for what keeping the entries costs the first run. Prints a Markdown table.
//   node --import tsx bench/cache.ts [--mb 10] [--reps 3] [--worker FILE]
// Without --worker the report worker is bundled into bench/results/cache-worker/ (as report-ratio.ts
// does, so dist/ is left alone); the warm runs start no worker at all.
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCorpus, writeCorpus } from './corpus';
import { loadTokenizer, locateTokenizer } from '../src/core/tokenizer';
import { defaultJobs, runReport, type ReportOptions } from '../src/core/report';
import type { ReportCacheSummary } from '../src/core/report/result-cache';

const REPO = resolve(__dirname, '..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

async function bundleWorker(): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = join(REPO, 'bench', 'results', 'cache-worker', 'report-worker.js');
  await esbuild.build({
    entryPoints: [join(REPO, 'src/core/report/worker.ts')], outfile, bundle: true, platform: 'node',
    target: 'node20', format: 'cjs', external: ['piscina'], logLevel: 'warning',
  });
  return outfile;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const range = (xs: number[], digits: number): string => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

export interface CacheRep { plainSec: number; coldSec: number; warmSec: number; warmHits: number; files: number; refreshSec: number; refreshAnalysed: number }

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; sec: number }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { value, sec: Number(process.hrtime.bigint() - t0) / 1e9 };
}

export async function measureCache(root: string, opts: { reps: number; workerFile: string; editable: string }): Promise<CacheRep[]> {
  const tok = locateTokenizer();
  const base: ReportOptions = {
    root, tokenizerDir: tok.dir, tokenizerName: 'codet5', modelKey: 'codet5-base', scope: 'identifiers',
    window: { capacity: 510, specials: 2 }, maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false,
    includeUnsupported: false, jobs: defaultJobs(), topLimit: 50, includeIdentifierTable: false, toolVersion: 'bench',
    workerFile: opts.workerFile,
  };
  const tokenizer = loadTokenizer(tok.dir);
  const reps: CacheRep[] = [];
  for (let i = 0; i < opts.reps; i++) {
    const cacheDir = mkdtempSync(join(tmpdir(), 'stl-bench-cache-'));
    try {
      const plain = await timed(() => runReport(base));
      let summary: ReportCacheSummary | undefined;
      const withCache: ReportOptions = { ...base, cache: { cacheDir }, onCache: (s) => { summary = s; } };
      const cold = await timed(() => runReport(withCache));
      const warm = await timed(() => runReport(withCache));
      const same = JSON.stringify(cold.value) === JSON.stringify(warm.value) && JSON.stringify(plain.value) === JSON.stringify(cold.value);
      if (!same) throw new Error('the cached report differs from the computed one');
      if (summary?.warning) throw new Error(summary.warning);
      const warmHits = summary?.hits ?? 0;
      // The extension's refresh after a save: one file changed, the tokenizer already loaded.
      appendFileSync(join(root, opts.editable), `\n# edited in repetition ${i}\n`);
      const refresh = await timed(() => runReport({ ...withCache, tokenizer }));
      reps.push({
        plainSec: plain.sec, coldSec: cold.sec, warmSec: warm.sec, warmHits, files: cold.value.totals.files + cold.value.skipped.length,
        refreshSec: refresh.sec, refreshAnalysed: summary?.analysed ?? 0,
      });
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  return reps;
}

export function cacheTable(reps: CacheRep[], mb: number, jobs: number): string[] {
  const speedups = reps.map((r) => r.coldSec / r.warmSec);
  const overhead = reps.map((r) => (r.coldSec / r.plainSec - 1) * 100);
  const sec = (xs: number[]) => `${median(xs).toFixed(2)} s (${range(xs, 2)})`;
  return [
    `| ${mb.toFixed(1)} MB tree, ${reps[0]?.files ?? 0} files, ${jobs} workers, ${reps.length} repetitions | median (range) |`,
    '| --- | --- |',
    `| report without cache | ${sec(reps.map((r) => r.plainSec))} |`,
    `| first report --cache (empty cache: analyses and stores every file) | ${sec(reps.map((r) => r.coldSec))} |`,
    `| second report --cache (unchanged tree: every file a hit, ${reps[0]?.warmHits ?? 0} hits) | ${sec(reps.map((r) => r.warmSec))} |`,
    `| **speed-up, second over first, per repetition** (target ≥ 10) | **${median(speedups).toFixed(1)}x** (${range(speedups, 1)}) |`,
    `| cost of storing, first --cache run over the plain run | ${median(overhead).toFixed(0)}% (${range(overhead, 0)}) |`,
    `| refresh after one file changed (${reps[0]?.refreshAnalysed ?? 0} analysed, tokenizer loaded, as the extension does on save) | ${sec(reps.map((r) => r.refreshSec))} |`,
  ];
}

async function main(): Promise<void> {
  const mb = Number(arg('mb') ?? 10);
  const files = buildCorpus(mb, REPO);
  const bytes = files.reduce((s, f) => s + f.bytes, 0);
  const given = arg('worker');
  const workerFile = given ? resolve(given) : await bundleWorker();
  if (!existsSync(workerFile)) throw new Error(`no worker at ${workerFile}`);
  const root = writeCorpus(files);
  try {
    // A Python file when there is one (the corpus is half the Python standard library), else the first file.
    const editable = (files.find((f) => f.rel.endsWith('.py')) ?? files[0]!).rel;
    const reps = await measureCache(root, { reps: Number(arg('reps') ?? 3), workerFile, editable });
    console.log(`# Report cache, ${new Date().toISOString()}`);
    console.log();
    console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}.`);
    console.log();
    console.log(cacheTable(reps, bytes / 1e6, defaultJobs()).join('\n'));
    console.log();
    console.log(`per repetition (plain / cold / warm / refresh s): ${reps.map((r) => `${r.plainSec.toFixed(2)}/${r.coldSec.toFixed(2)}/${r.warmSec.toFixed(3)}/${r.refreshSec.toFixed(3)}`).join(', ')}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
