// File analysis on the generated tiny model: windows, lengths, FLOPs, output comparisons.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RANDOM_WEIGHTS_NOTE, analyzeFile, compareOutputs } from '../../../src/core/runtime/analysis';
import { type T5EncoderRuntime, loadEncoder } from '../../../src/core/runtime/encoder';
import { averageReducer } from '../../../src/core/runtime/merge';
import { planFile } from '../../../src/core/runtime/plan-input';
import { splitIntoWindows } from '../../../src/core/runtime/windows';
import { loadTokenizer } from '../../../src/core/tokenizer';
import { SpanExtractor } from '../../../src/core/spans';
import { CODET5_DIR } from '../helpers';
import { tinyModelDir } from './helpers';

describe('windows', () => {
  it('splits into 510 content tokens + <s></s> and cuts groups at the boundary', () => {
    const ids = Array.from({ length: 1200 }, (_, i) => 3 + (i % 100));
    const w = splitIntoWindows({ ids, groups: [[10, 11], [508, 509, 510, 511], [1000, 1001, 1002]], groupLabels: ['a', 'b', 'c'] }, 1, 2);
    assert.deepEqual(w.map((x) => x.ids.length), [512, 512, 182]);
    assert.equal(w[0]!.ids[0], 1);
    assert.equal(w[0]!.ids[511], 2);
    assert.deepEqual(w[0]!.groups, [[11, 12], [509, 510]]);
    assert.deepEqual(w[1]!.groups, [[1, 2], [491, 492, 493]]);
    assert.deepEqual(w[1]!.fileGroup, [1, 2]);
    assert.equal(w[0]!.cutGroups, 1);
    assert.deepEqual(splitIntoWindows({ ids: [], groups: [] }, 1, 2), []);
  });
});

describe('analyzeFile on the embedded tiny model', () => {
  let rt: T5EncoderRuntime;
  before(async () => { rt = await loadEncoder(tinyModelDir(), { device: 'cpu', probe: false }); });
  after(async () => { await rt.release(); });

  it('reports lengths, agreeing FLOPs, latency and output changes per window', async () => {
    const ids = Array.from({ length: 600 }, (_, i) => (i * 31 + 7) % 32000 + 3);
    const groups = [[4, 5, 6], [20, 21], [515, 516, 517, 518]];
    const r = await analyzeFile(rt, { ids, groups, groupLabels: ['fooBar', 'xy', 'longName'] }, { strategies: [{ name: 'average', reducer: averageReducer }], runs: 2, warmup: 1 });
    assert.equal(r.randomWeights, true);
    assert.equal(r.note, RANDOM_WEIGHTS_NOTE);
    assert.equal(r.windows.length, 2);
    const [w0, w1] = r.windows;
    assert.equal(w0!.lengthBefore, 512);
    assert.equal(w0!.lengthAfter, 512 - 3);
    assert.equal(w1!.lengthBefore, 90 + 2);
    assert.equal(w1!.lengthAfter, 92 - 3);
    for (const w of r.windows) {
      assert.ok(w.flops.agree);
      assert.ok(w.flops.predictedSpeedup > 1);
      const s = w.strategies[0]!;
      assert.ok(s.latency.medianMs > 0 && s.realisedSpeedup > 0);
      assert.ok(s.pooledCosine > 0.5 && s.pooledCosine <= 1 + 1e-9);
      assert.ok(s.maxAbsDiff > 0, 'merging changes outputs');
      assert.equal(s.tokenCosines.length, w.lengthAfter - s.groups.length);
    }
    const g = w0!.strategies[0]!.groups;
    assert.deepEqual(g.map((x) => x.label), ['fooBar', 'xy']);
    assert.deepEqual(g.map((x) => x.positions), [[5, 6, 7], [21, 22]]);
    assert.deepEqual(g.map((x) => x.mergedPosition), [5, 19]);
    assert.equal(w1!.strategies[0]!.groups[0]!.fileGroup, 2);
    assert.equal(r.totals.analyticFlopsBefore, r.totals.graphFlopsBefore);
    assert.ok(JSON.parse(JSON.stringify(r)).windows.length === 2, 'JSON-able');
  });

  it('times interleaved runs once for strategies of identical shapes, and reports the speed-up with its interval and verdict', { timeout: 60000 }, async () => {
    const ids = Array.from({ length: 200 }, (_, i) => (i * 31 + 7) % 32000 + 3);
    const groups = [[4, 5, 6], [20, 21], [50, 51, 52, 53]];
    // A second strategy of the same shapes (a different reducer: the first token's row).
    const firstRow: typeof averageReducer = (rows) => Float32Array.from(rows[0]!);
    const r = await analyzeFile(rt, { ids, groups }, {
      strategies: [{ name: 'average', reducer: averageReducer }, { name: 'learned', reducer: firstRow }], runs: 6, warmup: 1,
      timeBudgetMs: 400, targetHalfWidth: 1e-9, maxRuns: 40,
    });
    const [avg, learned] = r.windows[0]!.strategies;
    assert.ok(avg!.latency.runs > 6 && avg!.latency.runs <= 40, `the budget adds runs beyond the minimum: ${avg!.latency.runs}`);
    assert.equal(r.windows[0]!.unmergedLatency.runs, avg!.latency.runs, 'interleaved: as many runs of each');
    assert.deepEqual(learned!.latency, avg!.latency, 'one timing shared');
    assert.equal(learned!.timingSharedWith, 'average');
    assert.equal(avg!.timingSharedWith, undefined);
    assert.notEqual(learned!.maxAbsDiff, avg!.maxAbsDiff, 'outputs are each strategy\'s own');
    const i = r.totals.speedupInterval.average!;
    assert.ok(i.low <= i.speedup && i.speedup <= i.high && i.confidence === 0.95);
    assert.equal(i.verdict, i.low > 1 ? 'faster' : i.high < 1 ? 'slower' : 'within noise');
    assert.equal(r.totals.realisedSpeedup.average, i.speedup);
    assert.deepEqual(r.totals.speedupInterval.learned, i);
    const json = JSON.parse(JSON.stringify(r));
    assert.ok(['faster', 'slower', 'within noise'].includes(json.totals.speedupInterval.average.verdict));
    // Without a budget: exactly `runs` timed runs.
    const fixed = await analyzeFile(rt, { ids, groups }, { strategies: [{ name: 'average', reducer: averageReducer }], runs: 3, warmup: 1 });
    assert.equal(fixed.windows[0]!.strategies[0]!.latency.runs, 3);
  });

  it('compareOutputs gives cosine 1 and zero differences for identical runs without groups', () => {
    const out = Float32Array.from({ length: 3 * 4 }, (_, i) => Math.sin(i + 1));
    const c = compareOutputs(out, out, 4, [], Int32Array.from([0, 1, 2]), new Int32Array(0));
    assert.equal(c.maxAbsDiff, 0);
    assert.equal(c.relativeL2, 0);
    assert.ok(Math.abs(c.pooledCosine - 1) < 1e-12 && Math.abs(c.minTokenCosine - 1) < 1e-12);
  });
});

describe('planFile', () => {
  it('groups the subtokens of each identifier found by tree-sitter, and nothing else', async () => {
    const tok = loadTokenizer(CODET5_DIR);
    const ex = await SpanExtractor.create();
    const text = '// fetchRemoteConfigValue in a comment stays\nconst parsedHeaderMap = fetchRemoteConfigValue(userId);\n';
    const p = await planFile(text, 'a.ts', tok, ex);
    assert.ok(p.groupLabels.includes('fetchRemoteConfigValue') && p.groupLabels.includes('parsedHeaderMap'), p.groupLabels.join(','));
    assert.equal(p.groupLabels.filter((l) => l === 'fetchRemoteConfigValue').length, 1, 'the comment is not an identifier');
    for (const [k, g] of p.groups.entries()) {
      const [s, e] = p.groupRanges[k]!;
      assert.ok(g.length >= 2);
      assert.equal(text.slice(s, e), p.groupLabels[k]);
    }
    const unknown = await planFile('some text here', 'notes.xyz', tok, ex);
    assert.deepEqual(unknown.groups, []);
    assert.match(unknown.planner, /nothing merged/);
    ex.dispose();
  });
});
