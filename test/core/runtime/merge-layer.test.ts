// Merging after encoder block K: the two graph parts around K against PyTorch (merge-layer.json,
// made by scripts/fixtures/make_t5_checkpoints.py: first K blocks, groups averaged, remaining blocks
// with the bias for the new length), K = 0 against today's merged run, graph-counted FLOPs
// against the analytic model at every K, the embedded model, and the refusal for ONNX exports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encoderFlops, encoderFlopsAtLayer } from '../../../src/core/flops';
import { type T5EncoderRuntime, loadEncoder } from '../../../src/core/runtime/encoder';
import { averageReducer, mergeEmbeddings, mergeMapping } from '../../../src/core/runtime/merge';
import { runMergedAtLayer } from '../../../src/core/runtime/merge-layer';
import { FIXTURES, copyModel, maxDiff } from './graph/helpers';
import { REF_DIR, tinyModelDir } from './helpers';

interface LayerReference { input_ids: number[]; groups: number[][]; num_layers: number; by_layer: Record<string, { shape: number[]; data: number[] }> }
const REF = JSON.parse(readFileSync(join(FIXTURES, 'merge-layer.json'), 'utf8')) as Record<string, LayerReference>;
const TOLERANCE = 1e-4;

const loaded: T5EncoderRuntime[] = [];
after(async () => { for (const r of loaded) await r.release(); });
async function open(dir: string): Promise<T5EncoderRuntime> {
  const rt = await loadEncoder(dir, { device: 'cpu' });
  loaded.push(rt);
  return rt;
}

describe('merge after encoder block K', { timeout: 60000 }, () => {
  for (const folder of ['tied-relu', 'untied-gated']) {
    it(`${folder}: hidden states equal PyTorch's for every K within ${TOLERANCE}`, async () => {
      const ref = REF[folder]!;
      const rt = await open(copyModel(folder));
      assert.equal(rt.layers, ref.num_layers);
      const embeds = rt.embed(ref.input_ids);
      for (let k = 0; k <= rt.layers; k++) {
        const want = ref.by_layer[String(k)]!;
        const { out, merged } = await runMergedAtLayer(rt, k, embeds, ref.groups, averageReducer);
        assert.deepEqual([1, merged.length, rt.info.dModel], want.shape, `K=${k}: shape`);
        const diff = maxDiff(out, want.data);
        assert.ok(diff < TOLERANCE, `K=${k}: max |diff| ${diff}`);
      }
      // Merging later keeps more of the unmerged view: K = L differs from K = 0 (the test can fail).
      assert.ok(maxDiff(ref.by_layer['0']!.data, ref.by_layer[String(ref.num_layers)]!.data) > 1e-2);
    });
  }

  it('K = 0 is exactly the merged run at the embeddings', async () => {
    const ref = REF['tied-relu']!;
    const rt = await open(copyModel('tied-relu'));
    const embeds = rt.embed(ref.input_ids);
    const today = mergeEmbeddings(embeds, rt.info.dModel, ref.groups, averageReducer);
    const expected = await rt.run({ embeds: today.embeds, batch: 1, seq: today.length });
    const { out } = await runMergedAtLayer(rt, 0, embeds, ref.groups, averageReducer);
    assert.deepEqual(Array.from(out), Array.from(expected));
  });

  it('without merging, part A then part B equals the whole encoder at every K', async () => {
    const ref = REF['untied-gated']!;
    const rt = await open(copyModel('untied-gated'));
    const embeds = rt.embed(ref.input_ids);
    const whole = await rt.run({ embeds, batch: 1, seq: ref.input_ids.length });
    for (let k = 0; k <= rt.layers; k++) {
      const { out } = await runMergedAtLayer(rt, k, embeds, ref.groups, undefined);
      assert.ok(maxDiff(out, whole) < 1e-5, `K=${k}`);
    }
  });

  it('graph-counted FLOPs of the two parts equal the analytic model at every K', async () => {
    const ref = REF['untied-gated']!;
    const rt = await open(copyModel('untied-gated'));
    const n = ref.input_ids.length;
    const m = mergeMapping(n, ref.groups).length;
    for (let k = 0; k <= rt.layers; k++) {
      const a = encoderFlopsAtLayer(rt.info.encoderConfig, n, m, k);
      const counted = (await rt.partGraphFlops(k, 'before', n)).total + (await rt.partGraphFlops(k, 'after', m)).total;
      assert.equal(counted, a.total, `K=${k}`);
    }
    assert.equal(encoderFlopsAtLayer(rt.info.encoderConfig, n, m, rt.layers).total, encoderFlops(rt.info.encoderConfig, n).total);
    assert.equal((await rt.partGraphFlops(rt.layers, 'after', m)).total, 0, 'after the last block only the final norm is left');
  });

  it('works on the embedded (random-weight) model, whose graph the same builder made', async () => {
    const rt = await open(tinyModelDir());
    const ids = [1, 40, 41, 42, 7, 88, 89, 2];
    const groups = [[1, 2, 3], [5, 6]];
    const embeds = rt.embed(ids);
    const whole = await rt.run({ embeds, batch: 1, seq: ids.length });
    const split = await runMergedAtLayer(rt, 1, embeds, groups, undefined);
    assert.ok(maxDiff(split.out, whole) < 1e-5);
    const merged = await runMergedAtLayer(rt, rt.layers, embeds, groups, averageReducer);
    assert.equal(merged.out.length, (ids.length - 3) * rt.info.dModel);
    assert.equal((await rt.partGraphFlops(1, 'before', 8)).total + (await rt.partGraphFlops(1, 'after', 5)).total,
      encoderFlopsAtLayer(rt.info.encoderConfig, 8, 5, 1).total);
  });

  it('an ONNX export merges at K = 0 and refuses K ≥ 1 with a clear message; K out of range is refused', async () => {
    const rt = await open(REF_DIR);
    const embeds = rt.embed([1, 5, 6, 2]);
    await runMergedAtLayer(rt, 0, embeds, [[1, 2]], averageReducer);
    await assert.rejects(runMergedAtLayer(rt, 1, embeds, [[1, 2]], averageReducer), /ONNX export.*merge layer 0.*checkpoint/);
    await assert.rejects(runMergedAtLayer(rt, rt.layers + 1, embeds, [[1, 2]], averageReducer), /merge layer must be a whole number from 0 to/);
  });
});
