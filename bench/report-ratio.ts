// Issue 11's speed target, measured side by side: `report` over a tree (default options, default
// --jobs, the calling thread working beside the workers as in the CLI) against gpt-tokenizer
// counting o200k tokens over the same files in one thread. The two run interleaved, round after
// round, in one process; the ratio that counts is the per-round one (report MB/s over
// gpt-tokenizer MB/s of the same round), reported as median and range.
//   node --import tsx bench/report-ratio.ts [--mb 10] [--rounds 5] [--worker dist/report-worker.js]
//        [--baseline-worker W | --baseline-src DIR]
// bench/run.ts calls `measureReportRatio` for its table; alone, this script bundles the worker into
// bench/results/ (so it does not touch dist/, which other work may be using) unless --worker is given.
// --baseline-worker adds, in each round, a report with another bundled worker (e.g. one built from
// an earlier commit): a before/after under the same machine load. --baseline-src DIR does the same
// for the whole pipeline: DIR is a built checkout of an earlier commit (its src/ for the calling
// thread, its dist/report-worker.js for the workers), run with the options it knows.
import { existsSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCorpus, writeCorpus, type CorpusFile } from './corpus';
import { locateTokenizer } from '../src/core/tokenizer';
import { languageForPath } from '../src/core/spans';
import { defaultJobs, runReport } from '../src/core/report';
import { checkContent } from '../src/core/scan/classify';

const REPO = resolve(__dirname, '..');

export interface RatioRound {
  /** gpt-tokenizer o200k countTokens over every file, one thread. */
  gptSec: number;
  /** `report` over the tree, default options and jobs, worker start-up included. */
  reportSec: number;
  /** CPU seconds of the whole process (every thread) during the report: on a busy machine the
   *  wall clock depends on the load, this much less. */
  reportCpuSec: number;
  /** The same report with the baseline worker, when one is given. */
  baselineSec?: number;
  baselineCpuSec?: number;
  tokens: number;
  files: number;
}

export interface RatioResult {
  rounds: RatioRound[];
  bytes: number;
  jobs: number;
}

/** Files the report analyses (supported language, not generated or minified): both sides read exactly these. */
export function reportableFiles(mb: number): CorpusFile[] {
  return buildCorpus(mb, REPO).filter((f) => languageForPath(f.rel) && !checkContent(Buffer.from(f.text), { generated: false }).skip);
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** `rounds` interleaved rounds over `files` (written to a temporary tree for the report). */
export async function measureReportRatio(files: CorpusFile[], opts: { rounds: number; workerFile?: string; baselineWorkerFile?: string; baselineSrc?: string }): Promise<RatioResult> {
  const o200k = await import('gpt-tokenizer/encoding/o200k_base');
  for (const f of files.slice(0, 50)) o200k.countTokens(f.text); // JIT warm-up, as for every baseline here
  const root = writeCorpus(files);
  const jobs = defaultJobs();
  const baselineRun: typeof runReport | undefined = opts.baselineSrc
    ? ((await import(join(opts.baselineSrc, 'src', 'core', 'report', 'index.ts'))) as { runReport: typeof runReport }).runReport
    : undefined;
  const reportOpts = {
    ...(opts.workerFile ? { workerFile: opts.workerFile } : {}),
    root, tokenizerDir: locateTokenizer().dir, tokenizerName: 'codet5', modelKey: 'codet5-base', scope: 'identifiers' as const,
    window: { capacity: 510, specials: 2 }, maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false,
    includeUnsupported: false, topLimit: 50, includeIdentifierTable: false, toolVersion: 'bench', jobs,
    // As the CLI runs it: the calling thread analyses files too, beside jobs − 1 workers.
    callerWorks: true,
  };
  const rounds: RatioRound[] = [];
  try {
    for (let r = 0; r < opts.rounds; r++) {
      // Alternate which side goes first, so neither always meets the other's leftovers (GC, caches).
      const gpt = () => {
        const t0 = process.hrtime.bigint();
        let tokens = 0;
        for (const f of files) tokens += o200k.countTokens(f.text);
        return { sec: seconds(t0), tokens };
      };
      const report = async (workerFile = opts.workerFile, run = runReport) => {
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        const rep = await run({ ...reportOpts, ...(workerFile ? { workerFile } : {}) });
        const cpu = process.cpuUsage(c0);
        return { sec: seconds(t0), cpuSec: (cpu.user + cpu.system) / 1e6, files: rep.files.length };
      };
      const baseline = async () => (baselineRun ? await report(join(opts.baselineSrc!, 'dist', 'report-worker.js'), baselineRun)
        : opts.baselineWorkerFile ? await report(opts.baselineWorkerFile) : undefined);
      let g, p, b;
      if (r % 2 === 0) { g = gpt(); p = await report(); b = await baseline(); } else { b = await baseline(); p = await report(); g = gpt(); }
      rounds.push({
        gptSec: g.sec, reportSec: p.sec, reportCpuSec: p.cpuSec,
        ...(b ? { baselineSec: b.sec, baselineCpuSec: b.cpuSec } : {}), tokens: g.tokens, files: p.files,
      });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return { rounds, bytes: files.reduce((s, f) => s + f.bytes, 0), jobs };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Markdown rows: both throughputs (median and range) and the per-round ratio. */
export function ratioTable(r: RatioResult): string[] {
  const mb = r.bytes / 1e6;
  const rate = (xs: number[]) => {
    const v = xs.map((s) => mb / s);
    return `${median(v).toFixed(2)} (${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)})`;
  };
  const ratios = r.rounds.map((x) => x.gptSec / x.reportSec);
  const base = r.rounds.every((x) => x.baselineSec !== undefined) ? r.rounds.map((x) => x.gptSec / x.baselineSec!) : undefined;
  const cpu = (xs: number[]) => `${median(xs).toFixed(2)} s (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  const baselineRows = base ? [
    `| \`report\`, baseline (earlier build), same settings | ${rate(r.rounds.map((x) => x.baselineSec!))} |`,
    `| \`report\`, baseline: CPU seconds, all threads | ${cpu(r.rounds.map((x) => x.baselineCpuSec!))} |`,
    `| ratio baseline report / gpt-tokenizer, per round | ${median(base).toFixed(2)}x (${Math.min(...base).toFixed(2)}–${Math.max(...base).toFixed(2)}) |`,
  ] : [];
  return [
    `| run | MB/s, median (range) of ${r.rounds.length} interleaved rounds |`,
    '| --- | ---: |',
    `| gpt-tokenizer o200k_base countTokens, one thread | ${rate(r.rounds.map((x) => x.gptSec))} |`,
    `| \`report\` as the CLI runs it, tree-sitter spans (default), ${r.jobs} threads (default --jobs: the calling one + ${r.jobs - 1} worker${r.jobs === 2 ? '' : 's'}), ${r.rounds[0]?.files ?? 0} files | ${rate(r.rounds.map((x) => x.reportSec))} |`,
    `| \`report\`: CPU seconds, all threads | ${cpu(r.rounds.map((x) => x.reportCpuSec))} |`,
    `| **ratio report / gpt-tokenizer, per round** (target ≥ 0.5) | **${median(ratios).toFixed(2)}x** (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`,
    ...baselineRows,
  ];
}

async function bundleWorker(): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = join(REPO, 'bench', 'results', 'worker', 'report-worker.js');
  await esbuild.build({
    entryPoints: [join(REPO, 'src/core/report/worker.ts')], outfile, bundle: true, platform: 'node',
    target: 'node20', format: 'cjs', external: ['piscina'], logLevel: 'warning',
  });
  return outfile;
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const files = reportableFiles(Number(arg('mb') ?? 10));
  const given = arg('worker');
  const workerFile = given ? resolve(given) : await bundleWorker();
  if (!existsSync(workerFile)) throw new Error(`no worker at ${workerFile}`);
  const baseline = arg('baseline-worker');
  const baselineSrc = arg('baseline-src');
  const r = await measureReportRatio(files, {
    rounds: Number(arg('rounds') ?? 5), workerFile,
    ...(baseline ? { baselineWorkerFile: resolve(baseline) } : {}), ...(baselineSrc ? { baselineSrc: resolve(baselineSrc) } : {}),
  });
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${files.length} files, ${(r.bytes / 1e6).toFixed(2)} MB.`);
  console.log(ratioTable(r).join('\n'));
  console.log(`per round (gpt s / report s${baseline || baselineSrc ? ' / baseline s' : ''}): ${r.rounds.map((x) => [x.gptSec, x.reportSec, ...(x.baselineSec !== undefined ? [x.baselineSec] : [])].map((v) => v.toFixed(2)).join('/')).join(', ')}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
