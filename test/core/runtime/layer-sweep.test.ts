// analyzeFile at a merge layer and the sweep over every layer, on a checkpoint fixture.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { analyzeFile } from '../../../src/core/runtime/analysis';
import { type T5EncoderRuntime, loadEncoder } from '../../../src/core/runtime/encoder';
import { sweepMarkdown, sweepMergeLayers, sweepText } from '../../../src/core/runtime/layer-sweep';
import { averageReducer } from '../../../src/core/runtime/merge';
import { copyModel } from './graph/helpers';

const INPUT = { ids: [40, 41, 42, 7, 88, 89, 23, 64, 65, 66, 67, 9, 31, 77, 78], groups: [[0, 1, 2], [4, 5], [7, 8, 9, 10], [13, 14]] };
const OPTS = { strategies: [{ name: 'average' as const, reducer: averageReducer }], runs: 1, warmup: 1 };

describe('merge layer in the analysis, and the layer sweep', { timeout: 60000 }, () => {
  let rt: T5EncoderRuntime;
  after(async () => { await rt?.release(); });

  it('analyzeFile at K = L counts FLOPs on both parts (graph = analytic) and reports the whole-model profile', async () => {
    rt = await loadEncoder(copyModel('tied-relu'), { device: 'cpu' });
    const r0 = await analyzeFile(rt, INPUT, { ...OPTS, profile: 'classify' });
    const rL = await analyzeFile(rt, INPUT, { ...OPTS, mergeLayer: rt.layers, profile: 'classify' });
    assert.equal(r0.totals.mergeLayer, 0);
    assert.equal(rL.totals.mergeLayer, rt.layers);
    assert.ok(rL.windows.every((w) => w.flops.agree));
    assert.equal(rL.totals.graphFlopsAfter, rL.totals.graphFlopsBefore, 'after the last block nothing is saved');
    assert.ok(r0.totals.analyticFlopsAfter < r0.totals.analyticFlopsBefore);
    const task = r0.totals.task!;
    assert.equal(task.profile, 'classify');
    assert.equal(task.outputTokens, INPUT.ids.length + 2);
    assert.ok(task.totalSaving > 0 && task.totalSaving < task.encoderSaving, `${task.totalSaving} vs ${task.encoderSaving}`);
    // Less drift when merging later: at K = L the untouched positions see the full sequence.
    assert.ok(rL.windows[0]!.strategies[0]!.relativeL2 < r0.windows[0]!.strategies[0]!.relativeL2);
    await assert.rejects(analyzeFile(rt, INPUT, { ...OPTS, mergeLayer: rt.layers + 1 }), /merge layer must be/);
  });

  it('sweeps K = 0..L with one row per layer, savings falling as K grows, as text and Markdown', async () => {
    const s = await sweepMergeLayers(rt, INPUT, { ...OPTS, profile: 'seq2seq', outputLength: 4 });
    assert.deepEqual(s.rows.map((r) => r.mergeLayer), [0, 1, 2]);
    const enc = s.rows.map((r) => r.encoderFlopsSaving);
    assert.ok(enc[0]! > enc[1]! && enc[1]! > enc[2]! && enc[2] === 0, String(enc));
    assert.ok(s.rows.every((r) => r.graphFlopsAgree));
    // Even at K = L the decoder's cross-attention reads the shorter memory: the model still saves.
    assert.ok(s.rows[2]!.modelFlopsSaving! > 0 && s.rows[0]!.modelFlopsSaving! < s.rows[0]!.encoderFlopsSaving);
    assert.ok(s.rows.every((r) => Math.abs(r.drift.average!.pooledCosine) <= 1 + 1e-6 && r.drift.average!.relativeL2 > 0), JSON.stringify(s.rows.map((r) => r.drift)));
    const text = sweepText(s).split('\n');
    assert.equal(text.length, 4);
    assert.match(text[0]!, /K\s+encoder FLOPs saved\s+model FLOPs saved \(seq2seq\)/);
    assert.match(sweepMarkdown(s), /^\| K \| encoder FLOPs saved .*\n\| --- \|/);
  });
});
