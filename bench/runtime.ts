// Runtime benchmark: latency unmerged vs average-merged on the embedded models (CPU), at 128/256/512
// tokens of real source (commander's lib/command.js and the Python stdlib's json/encoder.py), with groups from the core
// merge plan. Prints a markdown table: realised speed-up next to the FLOP-predicted one, model load
// time, peak RSS. Run: npx tsx bench/runtime.ts [--runs N]
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { encoderFlops } from '../src/core/flops';
import { analyzeFile } from '../src/core/runtime/analysis';
import { ensureEmbeddedModel, type EmbeddedModelKind } from '../src/core/runtime/embedded-model';
import { loadEncoder } from '../src/core/runtime/encoder';
import { averageReducer } from '../src/core/runtime/merge';
import { planFile } from '../src/core/runtime/plan-input';
import { loadTokenizerFor } from '../src/core/runtime/resolve-model';
import { SpanExtractor } from '../src/core/spans';
import { pythonStdlib } from '../test/support/files';

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 20;
  const cache = process.env.SUBTOKEN_LENS_CACHE ?? mkdtempSync(join(tmpdir(), 'sl-bench-'));
  // Real source that is code from its first line (no licence header), one JavaScript, one Python.
  const sources = [join(__dirname, '..', 'node_modules', 'commander', 'lib', 'command.js'), join(pythonStdlib() ?? '', 'json', 'encoder.py')].filter((p) => existsSync(p));
  const tokenizer = await loadTokenizerFor();
  const extractor = await SpanExtractor.create();
  const plans = [];
  for (const srcPath of sources) plans.push({ srcPath, plan: await planFile(readFileSync(srcPath, 'utf8'), srcPath, tokenizer, extractor) });
  extractor.dispose();
  const rows: string[] = [];
  rows.push(`sources: ${sources.map((p) => p.replace(/^.*node_modules\//, '').replace(/^.*python3\.\d+\//, 'python stdlib ')).join(', ')} (the first N tokens of each); ${runs} timed runs after 2 warm-up, CPU, one intra-op thread per core; groups: tree-sitter identifier merge plan, average merging`);
  rows.push('');
  rows.push('| model | source | tokens (with <s></s>) | merged | unmerged median / p90 ms | merged median / p90 ms | realised speed-up | FLOP-predicted speed-up | realised / predicted | load ms |');
  rows.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const kind of ['tiny', 'small'] as EmbeddedModelKind[]) {
    const t0 = performance.now();
    const dir = ensureEmbeddedModel(kind, cache);
    const genMs = performance.now() - t0;
    const rt = await loadEncoder(dir, { device: 'cpu' });
    try {
      for (const { srcPath, plan } of plans) for (const len of [128, 256, 512]) {
        const n = len - 2;
        const ids = plan.ids.subarray(0, n);
        const groups = plan.groups.filter((g) => g[g.length - 1]! < n);
        const r = await analyzeFile(rt, { ids, groups }, { strategies: [{ name: 'average', reducer: averageReducer }], runs, warmup: 2, requestedProvider: 'cpu' });
        const w = r.windows[0]!;
        const s = w.strategies[0]!;
        const predicted = encoderFlops(rt.info.encoderConfig, w.lengthBefore).total / encoderFlops(rt.info.encoderConfig, w.lengthAfter).total;
        rows.push(`| ${kind} | ${basename(srcPath)} | ${w.lengthBefore} | ${w.lengthAfter} | ${w.unmergedLatency.medianMs.toFixed(2)} / ${w.unmergedLatency.p90Ms.toFixed(2)} | ${s.latency.medianMs.toFixed(2)} / ${s.latency.p90Ms.toFixed(2)} | ${s.realisedSpeedup.toFixed(3)}× | ${predicted.toFixed(3)}× | ${(s.realisedSpeedup / predicted).toFixed(3)} | ${rt.info.loadMs.toFixed(0)} (generate ${genMs.toFixed(0)}) |`);
      }
    } finally {
      await rt.release();
    }
  }
  rows.push('');
  rows.push(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; random weights: differences are mechanical, not semantic`);
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
