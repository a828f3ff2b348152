// The Compare Strategies and Sweep Merge Layer views, from real runs of the embedded tiny model
// (random weights) on a real file of the examples: every figure the view shows is recomputed here
// from the analysis results, independently of layer-sweep.ts's sweepRow that the view uses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeFile, type AnalysisResult } from '../../../src/core/runtime/analysis';
import { RANDOM_WEIGHTS_LABEL, strategiesView, sweepView, type CompareView } from '../../../src/core/runtime/compare-view-model';
import { loadEncoder, type T5EncoderRuntime } from '../../../src/core/runtime/encoder';
import { loadOrTrainLearnedReducer } from '../../../src/core/runtime/learned';
import { averageReducer } from '../../../src/core/runtime/merge';
import { planFile, type FilePlan } from '../../../src/core/runtime/plan-input';
import { speedupInterval } from '../../../src/core/runtime/speedup-interval';
import { CODET5_DIR, REPO_ROOT, codet5, extractor } from '../helpers';
import { tinyModelDir } from './helpers';

const FILE = 'examples/python/inventory.py';
const CTX = { subject: FILE, modelLabel: 'embedded-tiny', timingBudgetMs: 0 };

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** A column's cell texts, from whichever of the view's tables has it (the first one that does). */
const column = (v: CompareView, label: string | RegExp): string[] => {
  for (const t of v.tables) {
    const i = t.columns.findIndex((c) => (typeof label === 'string' ? c.label === label : label.test(c.label)));
    if (i >= 0) return t.rows.map((r) => r[i]!.text);
  }
  assert.fail(`no column ${String(label)} in ${v.tables.flatMap((t) => t.columns.map((c) => c.label)).join(', ')}`);
};
const fact = (v: CompareView, label: string): string => {
  const f = v.facts.find((x) => x.label === label);
  assert.ok(f, `no fact ${label}`);
  return f.value.join(' ');
};
/** Independently: one strategy's runs over the windows. */
const runsOf = (r: AnalysisResult, name: string) => r.windows.map((w) => w.strategies.find((s) => s.strategy === name)!);

describe('compare and sweep views from real runs of the embedded tiny model', { timeout: 300_000 }, () => {
  let rt: T5EncoderRuntime;
  let plan: FilePlan;
  let both: AnalysisResult;

  before(async () => {
    const dir = tinyModelDir();
    rt = await loadEncoder(dir, { device: 'cpu' });
    plan = await planFile(readFileSync(join(REPO_ROOT, FILE), 'utf8'), FILE, codet5(), await extractor('python'));
    assert.ok(plan.groups.length > 5, 'the example has split identifiers');
    const learned = await loadOrTrainLearnedReducer(dir, rt.info.dModel, { trainIfMissing: true, tokenizerDir: CODET5_DIR, epochs: 1 });
    both = await analyzeFile(rt, plan, {
      strategies: [{ name: 'average', reducer: averageReducer }, { name: 'learned', reducer: learned.reducer }],
      runs: 5, warmup: 1, profile: 'classify',
    });
  });
  after(async () => { await rt?.release(); });

  it('Compare Strategies: one row per strategy with the run\'s cosines, one shared timing and its interval', () => {
    const v = strategiesView(both, CTX);
    assert.equal(v.kind, 'strategies');
    assert.deepEqual(v.tables.map((t) => t.id), ['strategy-table', 'timing-table']);
    assert.deepEqual(v.tables.map((t) => t.rows.map((r) => r[0]!.text)), [['average', 'learned'], ['average', 'learned']]);
    assert.deepEqual(column(v, 'strategy'), ['average', 'learned']);
    for (const [i, name] of ['average', 'learned'].entries()) {
      const runs = runsOf(both, name);
      assert.equal(column(v, 'pooled cos')[i], mean(runs.map((s) => s.pooledCosine)).toFixed(4));
      assert.equal(column(v, 'identifier cos')[i], mean(runs.flatMap((s) => s.groups.map((g) => g.cosine))).toFixed(4));
      assert.equal(column(v, 'min token cos')[i], Math.min(...runs.map((s) => s.minTokenCosine)).toFixed(4));
      assert.equal(column(v, 'rel L2')[i], mean(runs.map((s) => s.relativeL2)).toFixed(4));
    }
    // The two strategies differ in what they compute, not in their shapes: one timing, shown twice.
    assert.notEqual(column(v, 'pooled cos')[0], column(v, 'pooled cos')[1], 'learned and average merge differently');
    const speedups = column(v, 'speed-up [95%\u00a0CI]');
    assert.equal(speedups[0], speedups[1]);
    const interval = both.totals.speedupInterval.average!;
    assert.equal(speedups[0], `${interval.speedup.toFixed(2)}x [${interval.low.toFixed(2)}, ${interval.high.toFixed(2)}]`);
    assert.deepEqual(column(v, 'verdict'), [interval.verdict, interval.verdict]);
    assert.equal(interval.verdict === 'within noise', interval.low <= 1 && interval.high >= 1);
    assert.deepEqual(column(v, 'timing'), ['timed', '= average']);
    const latency = column(v, 'merged latency');
    assert.equal(latency[0], latency[1]);
    assert.match(latency[0]!, /^[\d.]+ ms \(p90 [\d.]+ ms\)$/);
  });

  it('names the model, provider, positions before → after, the FLOP profile and the random weights', () => {
    const v = strategiesView(both, CTX);
    const t = both.totals;
    assert.match(fact(v, 'Model'), new RegExp(`^embedded-tiny \\(${rt.layers} encoder blocks, d_model ${rt.info.dModel}\\)$`));
    assert.equal(fact(v, 'Provider'), both.provider.used);
    assert.ok(t.lengthAfter < t.lengthBefore);
    assert.match(fact(v, 'Positions'), new RegExp(`^${t.lengthBefore.toLocaleString('en-US')} → ${t.lengthAfter.toLocaleString('en-US')} \\(${both.windows.length} window`));
    const flops = fact(v, 'FLOPs');
    assert.ok(flops.includes(`(${((1 - t.analyticFlopsAfter / t.analyticFlopsBefore) * 100).toFixed(1)}% saved)`), flops);
    assert.ok(flops.includes(`whole model, classify:`) && flops.includes(`(${(t.task!.totalSaving * 100).toFixed(1)}% saved)`), flops);
    assert.ok(t.task!.totalSaving < 1 - t.analyticFlopsAfter / t.analyticFlopsBefore, 'the decoder dilutes the saving');
    assert.equal(fact(v, 'Merge layer'), '0 (at the embeddings)');
    assert.equal(v.randomWeights, RANDOM_WEIGHTS_LABEL);
    assert.match(v.randomWeights!, /random weights: differences are mechanical, not semantic/i);
    // A trained model's view carries no such banner.
    assert.equal(strategiesView({ ...both, randomWeights: false }, CTX).randomWeights, undefined);
    assert.ok(v.tables.flatMap((t) => t.rows.flat()).every((c) => !/\n/.test(c.text)));
  });

  it('says "within noise" when the interval covers 1.0x', () => {
    // Two configurations timed alike: the core's own interval covers 1.0x.
    const same = [1.0, 1.1, 0.9, 1.05, 0.95, 1.02, 0.98];
    const noise = speedupInterval([{ unmergedMs: same, mergedMs: [...same].reverse() }]);
    assert.equal(noise.verdict, 'within noise');
    const v = strategiesView({ ...both, totals: { ...both.totals, speedupInterval: { average: noise, learned: noise } } }, CTX);
    assert.deepEqual(column(v, 'verdict'), ['within noise', 'within noise']);
  });

  it('Sweep Merge Layer: one row per K = 0..L with the savings, drift and a chart of both', async () => {
    const results: AnalysisResult[] = [];
    for (let k = 0; k <= rt.layers; k++) {
      results.push(await analyzeFile(rt, plan, {
        strategies: [{ name: 'average', reducer: averageReducer }], runs: 3, warmup: 1, mergeLayer: k, profile: 'seq2seq', outputLength: 16,
      }));
    }
    const v = sweepView(results, 'average', { ...CTX, timingBudgetMs: 250 });
    assert.equal(v.kind, 'sweep');
    assert.deepEqual(v.tables.map((t) => t.id), ['sweep-table']);
    assert.equal(v.tables[0]!.rows.length, rt.layers + 1);
    assert.deepEqual(column(v, 'K'), results.map((_, k) => String(k)));
    const encoder = results.map((r) => 1 - r.totals.analyticFlopsAfter / r.totals.analyticFlopsBefore);
    assert.deepEqual(column(v, 'encoder saved'), encoder.map((x) => `${(x * 100).toFixed(1)}%`));
    assert.ok(encoder[0]! > encoder[1]! && encoder.at(-1) === 0, `savings fall with K: ${encoder}`);
    const model = results.map((r) => r.totals.task!.totalSaving);
    assert.deepEqual(column(v, 'model saved (seq2seq)'), model.map((x) => `${(x * 100).toFixed(1)}%`));
    assert.ok(model.at(-1)! > 0, 'the cross-attention still reads the shorter memory at K = L');
    const pooled = results.map((r) => mean(runsOf(r, 'average').map((s) => s.pooledCosine)));
    assert.deepEqual(column(v, 'pooled cos'), pooled.map((x) => x.toFixed(4)));
    assert.deepEqual(column(v, 'min token cos'), results.map((r) => Math.min(...runsOf(r, 'average').map((s) => s.minTokenCosine)).toFixed(4)));
    assert.deepEqual(column(v, 'speed-up [95%\u00a0CI]'), results.map((r) => {
      const i = r.totals.speedupInterval.average!;
      return `${i.speedup.toFixed(2)}x [${i.low.toFixed(2)}, ${i.high.toFixed(2)}]`;
    }));
    const chart = v.chart!;
    assert.deepEqual(chart.labels, column(v, 'K'));
    assert.deepEqual(chart.series.map((s) => s.axis), ['percent', 'percent', 'cosine']);
    assert.deepEqual(chart.series[0]!.data, encoder.map((x) => x * 100));
    assert.deepEqual(chart.series[1]!.data, model.map((x) => x * 100));
    assert.deepEqual(chart.series[2]!.data, pooled);
    assert.match(fact(v, 'Timing'), /budget 250 ms per window/);
    assert.match(v.tables[0]!.columns[2]!.hint!, /profile seq2seq, 16 output positions per window/);
    assert.equal(fact(v, 'Strategy'), 'average');
    assert.ok(v.randomWeights);
  });

  it('an encoder-only profile leaves the whole-model column and line empty', () => {
    const v = sweepView([{ ...both, totals: { ...both.totals, task: undefined } as AnalysisResult['totals'] }], 'average', CTX);
    assert.deepEqual(column(v, 'model saved'), ['–']);
    assert.deepEqual(v.chart!.series.map((s) => s.label), ['encoder FLOPs saved (%)', 'pooled cosine']);
    assert.throws(() => sweepView([], 'average', CTX), /at least one merge layer/);
  });
});
