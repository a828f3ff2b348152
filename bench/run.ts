// `npm run bench`: throughput and latency of the core, each figure side by side with its baseline
// in the same process and run. Prints a Markdown report (and writes bench/results/latest.md).
//   node --import tsx bench/run.ts [--mb 10] [--hf-mb 2]
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCorpus, writeCorpus, type CorpusFile } from './corpus';
import { loadTokenizer, locateTokenizer } from '../src/core/tokenizer';
import { SpanExtractor, languageForPath } from '../src/core/spans';
import { lexicalSpans } from '../src/core/spans/lexical';
import { FilePipeline, runReport } from '../src/core/report';
import { checkContent } from '../src/core/scan/classify';
import { buildCodeT5TokenizerJson } from '../test/core/tokenizer/hfReference';
import { measureReportRatio, ratioTable } from './report-ratio';

const REPO = resolve(__dirname, '..');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

const lines: string[] = [];
const out = (s = '') => { lines.push(s); console.log(s); };
const mb = (bytes: number) => bytes / 1e6;

function timed<T>(fn: () => T): { value: T; sec: number } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { value, sec: Number(process.hrtime.bigint() - t0) / 1e9 };
}
async function timedAsync<T>(fn: () => Promise<T>): Promise<{ value: T; sec: number }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { value, sec: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function main(): Promise<void> {
  const tokDir = locateTokenizer().dir;
  // The same files everywhere: those the report itself would analyse (supported language,
  // not generated or minified), so pipeline and tokenizer-only see identical input.
  const files: CorpusFile[] = buildCorpus(arg('mb', 10), REPO).filter((f) => languageForPath(f.rel) && !checkContent(Buffer.from(f.text), { generated: false }).skip);
  const bytes = files.reduce((s, f) => s + f.bytes, 0);
  const byLang = new Map<string, number>();
  for (const f of files) byLang.set(languageForPath(f.rel)!, (byLang.get(languageForPath(f.rel)!) ?? 0) + f.bytes);

  out(`# Benchmark run ${new Date().toISOString()}`);
  out();
  out(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}.`);
  out(`Corpus: ${files.length} files, ${mb(bytes).toFixed(2)} MB (${[...byLang].map(([l, b]) => `${l} ${mb(b).toFixed(1)} MB`).join(', ')}).`);
  out();

  // --- Tokenizers, single thread, same texts ------------------------------------------------
  const warm = files.slice(0, 50).map((f) => f.text);
  const tLoad = timed(() => loadTokenizer(tokDir));
  const ours = tLoad.value;
  for (const t of warm) ours.encode(t);
  const fresh = loadTokenizer(tokDir); // empty pre-token cache
  const oursEncode = timed(() => files.reduce((s, f) => s + fresh.encode(f.text).length, 0));
  const oursWarm = timed(() => files.reduce((s, f) => s + fresh.encode(f.text).length, 0));
  const oursCount = timed(() => files.reduce((s, f) => s + ours.count(f.text), 0));

  const o200k = await import('gpt-tokenizer/encoding/o200k_base');
  for (const t of warm) o200k.encode(t);
  const gptEncode = timed(() => files.reduce((s, f) => s + o200k.encode(f.text).length, 0));
  const gptCount = timed(() => files.reduce((s, f) => s + o200k.countTokens(f.text), 0));

  const { Tokenizer: HfTokenizer } = await import('@huggingface/tokenizers');
  const hf = new HfTokenizer(buildCodeT5TokenizerJson(tokDir) as never, {} as never);
  const hfFiles: CorpusFile[] = [];
  for (let i = 0, left = arg('hf-mb', 2) * 1e6; i < files.length && left > 0; i += Math.max(1, Math.floor(files.length / 200))) {
    hfFiles.push(files[i]!);
    left -= files[i]!.bytes;
  }
  const hfBytes = hfFiles.reduce((s, f) => s + f.bytes, 0);
  const hfRun = timed(() => hfFiles.reduce((s, f) => s + hf.encode(f.text, { add_special_tokens: false }).ids.length, 0));
  const oursSameAsHf = timed(() => hfFiles.reduce((s, f) => s + fresh.encode(f.text).length, 0));

  out('## Tokenizer throughput (one thread)');
  out();
  out('| tokenizer | input | MB/s | tokens |');
  out('| --- | ---: | ---: | ---: |');
  out(`| subtoken-lens CodeT5 BPE, encode with offsets, empty cache | ${mb(bytes).toFixed(2)} MB | ${(mb(bytes) / oursEncode.sec).toFixed(2)} | ${oursEncode.value} |`);
  out(`| subtoken-lens CodeT5 BPE, encode with offsets, warm cache | ${mb(bytes).toFixed(2)} MB | ${(mb(bytes) / oursWarm.sec).toFixed(2)} | ${oursWarm.value} |`);
  out(`| subtoken-lens CodeT5 BPE, count | ${mb(bytes).toFixed(2)} MB | ${(mb(bytes) / oursCount.sec).toFixed(2)} | ${oursCount.value} |`);
  out(`| gpt-tokenizer o200k_base, encode | ${mb(bytes).toFixed(2)} MB | ${(mb(bytes) / gptEncode.sec).toFixed(2)} | ${gptEncode.value} |`);
  out(`| gpt-tokenizer o200k_base, countTokens | ${mb(bytes).toFixed(2)} MB | ${(mb(bytes) / gptCount.sec).toFixed(2)} | ${gptCount.value} |`);
  out(`| @huggingface/tokenizers 0.2 (pure JS), CodeT5 vocab | ${mb(hfBytes).toFixed(2)} MB sample | ${(mb(hfBytes) / hfRun.sec).toFixed(2)} | ${hfRun.value} |`);
  out(`| subtoken-lens on that same sample (warm) | ${mb(hfBytes).toFixed(2)} MB sample | ${(mb(hfBytes) / oursSameAsHf.sec).toFixed(2)} | ${oursSameAsHf.value} |`);
  out();
  out(`Tokenizer load (vocab.json + merges.txt): ${(tLoad.sec * 1000).toFixed(0)} ms. Ratio to gpt-tokenizer o200k encode: ${((mb(bytes) / oursEncode.sec) / (mb(bytes) / gptEncode.sec)).toFixed(2)}x (empty cache).`);
  out();

  // --- Pipeline per core: spans + tokens + plan + stats, in this thread ---------------------
  // Equal footing: the baseline and each pipeline get their own tokenizer with an empty
  // pre-token cache, warmed on the same first 30 files (which also loads the grammars). Three
  // interleaved rounds; the table gives the median (and the range), since this shared 2-vCPU
  // machine moves single figures by ±30% between runs.
  const warmCount = 30;
  const ex = await SpanExtractor.create();
  for (const l of new Set(files.map((f) => languageForPath(f.rel)!))) await ex.ensureLanguage(l);
  const pipelineOf = async (spanEngine: 'tree-sitter' | 'lexical') => {
    const p = await FilePipeline.create({ tokenizerDir: tokDir, scope: 'identifiers', spanEngine, window: { capacity: 510, specials: 2 }, includeGenerated: false }, loadTokenizer(tokDir));
    for (const f of files.slice(0, warmCount)) await p.analyze(f.rel, f.text, f.bytes, languageForPath(f.rel)!);
    const r = await timedAsync(async () => {
      let n = 0;
      for (const f of files) n += (await p.analyze(f.rel, f.text, f.bytes, languageForPath(f.rel)!)).tokens;
      return n;
    });
    p.dispose();
    return r.sec;
  };
  const rounds: Record<'tok' | 'parse' | 'lex' | 'pipeTs' | 'pipeLex', number[]> = { tok: [], parse: [], lex: [], pipeTs: [], pipeLex: [] };
  for (let round = 0; round < 3; round++) {
    const baseTok = loadTokenizer(tokDir);
    for (const f of files.slice(0, warmCount)) baseTok.encode(f.text);
    rounds.tok.push(timed(() => files.reduce((s, f) => s + baseTok.encode(f.text).length, 0)).sec);
    rounds.parse.push(timed(() => files.reduce((s, f) => s + ex.extract(f.text, languageForPath(f.rel)!).identifiers.length, 0)).sec);
    rounds.lex.push(timed(() => files.reduce((s, f) => s + (lexicalSpans(f.text, languageForPath(f.rel)!)?.identifiers.length ?? 0), 0)).sec);
    rounds.pipeTs.push(await pipelineOf('tree-sitter'));
    rounds.pipeLex.push(await pipelineOf('lexical'));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  const mbs = (xs: number[]) => `${(mb(bytes) / med(xs)).toFixed(2)} (${(mb(bytes) / Math.max(...xs)).toFixed(1)}–${(mb(bytes) / Math.min(...xs)).toFixed(1)})`;
  const share = (xs: number[]) => {
    const ratios = xs.map((x, i) => rounds.tok[i]! / x);
    return `${(100 * med(ratios)).toFixed(0)}% (${(100 * Math.min(...ratios)).toFixed(0)}–${(100 * Math.max(...ratios)).toFixed(0)}%)`;
  };
  out('## Pipeline vs tokenizer-only (one thread, same files, in memory, each with a fresh tokenizer cache)');
  out();
  out('Median of 3 interleaved rounds (range in brackets); the share is per round, pipeline against the tokenizer-only run of the same round.');
  out();
  out('| stage | MB/s | share of tokenizer-only |');
  out('| --- | ---: | ---: |');
  out(`| tokenizer only (encode with offsets) | ${mbs(rounds.tok)} | 100% |`);
  out(`| tree-sitter parse + identifier/category extraction only | ${mbs(rounds.parse)} | — |`);
  out(`| whole pipeline, tree-sitter spans (parse, tokenize, align, stats) — the default | ${mbs(rounds.pipeTs)} | ${share(rounds.pipeTs)} |`);
  out(`| lexical scanner only (identifier/category spans) | ${mbs(rounds.lex)} | — |`);
  out(`| whole pipeline, lexical spans (\`--spans lexical\`) | ${mbs(rounds.pipeLex)} | ${share(rounds.pipeLex)} |`);
  out();

  // --- End to end: `report` on the tree, 1 vs 2 workers -------------------------------------
  const root = writeCorpus(files);
  // The bundled worker, as users run it (npm run bench builds first); sources through tsx otherwise.
  const bundledWorker = join(REPO, 'dist', 'report-worker.js');
  const reportOpts = {
    ...(existsSync(bundledWorker) ? { workerFile: bundledWorker } : {}),
    root, tokenizerDir: tokDir, tokenizerName: ours.name, modelKey: 'codet5-base', scope: 'identifiers' as const,
    window: { capacity: 510, specials: 2 }, maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false,
    includeUnsupported: false, topLimit: 50, includeIdentifierTable: false, toolVersion: 'bench',
  };
  const runs: { engine: string; jobs: number; sec: number; startSec: number; files: number }[] = [];
  for (const spanEngine of ['tree-sitter', 'lexical'] as const) {
    for (const jobs of [1, 2]) {
      const t0 = process.hrtime.bigint();
      let first = 0;
      const onProgress = (p: { phase: string }) => { if (p.phase === 'analyzing' && !first) first = Number(process.hrtime.bigint() - t0) / 1e9; };
      const r = await timedAsync(() => runReport({ ...reportOpts, spanEngine, jobs, onProgress }));
      runs.push({ engine: spanEngine, jobs, sec: r.sec, startSec: first, files: r.value.files.length });
    }
  }
  out(`## \`report\` end to end (walk, read, worker threads, aggregate; includes worker start-up; ${existsSync(bundledWorker) ? 'bundled worker' : 'worker from TypeScript sources'})`);
  out();
  out('| spans | workers | files | seconds | MB/s | files/s | speed-up vs 1 worker | until the first file is done (start-up) |');
  out('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of runs) {
    const one = runs.find((x) => x.engine === r.engine && x.jobs === 1)!;
    out(`| ${r.engine} | ${r.jobs} | ${r.files} | ${r.sec.toFixed(2)} | ${(mb(bytes) / r.sec).toFixed(2)} | ${(r.files / r.sec).toFixed(0)} | ${(one.sec / r.sec).toFixed(2)}x | ${r.startSec.toFixed(2)} s |`);
  }
  out();
  rmSync(root, { recursive: true, force: true });

  // --- Issue 11's target: `report` (default options and --jobs) against gpt-tokenizer's o200k
  // countTokens in one thread, interleaved in this process; the per-round ratio counts.
  const ratio = await measureReportRatio(files, { rounds: 3, ...(existsSync(bundledWorker) ? { workerFile: bundledWorker } : {}) });
  out('## `report` against gpt-tokenizer counting o200k tokens (issue 11 target: ≥ 0.5x)');
  out();
  out(`Same ${files.length} files; \`report\` with default options and --jobs as the CLI runs it (${ratio.jobs} threads: the calling one and ${ratio.jobs - 1} worker(s), start-up included), gpt-tokenizer in one thread; 3 interleaved rounds.`);
  out();
  for (const row of ratioTable(ratio)) out(row);
  out();

  // The hover path (lookup + formatting, re-analysis after an edit) is measured by bench/hover.ts.

  mkdirSync(join(REPO, 'bench', 'results'), { recursive: true });
  writeFileSync(join(REPO, 'bench', 'results', 'latest.md'), lines.join('\n') + '\n');
  ex.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
