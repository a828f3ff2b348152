// Group merging (mapping, strategies) and FLOPs counted from the graph vs the analytic model.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encoderFlops } from '../../../src/core/flops';
import { type T5EncoderRuntime, loadEncoder } from '../../../src/core/runtime/encoder';
import { matmulFlops } from '../../../src/core/runtime/graph-flops';
import { averageReducer, learnedReducer, loadLearnedReducer, mergeEmbeddings, mergeMapping, validateGroups } from '../../../src/core/runtime/merge';
import { encodeNpyFloat32 } from '../../../src/core/runtime/npy';
import { REF_DIR, tinyModelDir } from './helpers';

describe('merging positions', () => {
  it('maps original ↔ merged positions', () => {
    const m = mergeMapping(8, [[5, 6, 7], [1, 2]]);
    assert.equal(m.length, 5);
    assert.deepEqual(Array.from(m.mergedToOriginal), [0, 1, 3, 4, 5]);
    assert.deepEqual(Array.from(m.originalToMerged), [0, 1, 1, 2, 3, 4, 4, 4]);
    assert.deepEqual(Array.from(m.groupMergedPositions), [4, 1]);
  });

  it('rejects bad groups clearly', () => {
    assert.throws(() => validateGroups([[1, 3]], 5), /not a run of consecutive positions/);
    assert.throws(() => validateGroups([[1, 2], [2, 3]], 5), /position 2 is in both group 0 and group 1/);
    assert.throws(() => validateGroups([[4, 5]], 5), /outside the sequence \[0, 5\)/);
    assert.throws(() => validateGroups([[]], 5), /group 0 is empty/);
  });

  it('average puts the float32 mean at the first position; none is the identity', () => {
    const d = 2;
    const e = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const avg = mergeEmbeddings(e, d, [[1, 2]], averageReducer);
    assert.deepEqual(Array.from(avg.embeds), [1, 2, 4, 5, 7, 8]);
    const none = mergeEmbeddings(e, d, [[1, 2]], undefined);
    assert.deepEqual(Array.from(none.embeds), Array.from(e));
    assert.equal(none.length, 4);
  });

  it('learned uses the merger weights, and a folder without merger.json says so', () => {
    const reducer = learnedReducer({ format: 'subtoken-lens-merger', version: 1, kind: 'attention-pool', dModel: 2, w: [100, 0], b: 0, trainedOn: {}, metrics: {} });
    const out = mergeEmbeddings(Float32Array.from([0, 0, 1, 9, 0, 5]), 2, [[0, 1, 2]], reducer);
    // w favours the row with the largest first coordinate: row 1.
    assert.ok(Math.abs(out.embeds[0]! - 1) < 1e-6 && Math.abs(out.embeds[1]! - 9) < 1e-4);
    const empty = mkdtempSync(join(tmpdir(), 'sl-m-'));
    assert.throws(() => loadLearnedReducer(empty, 64), new RegExp(`no learned merger in ${empty.replace(/[/\\]/g, '.')}; run train-merger`));
  });

  it('writes .npy v1.0 headers that numpy accepts', () => {
    const buf = encodeNpyFloat32(Float32Array.from([1, 2, 3, 4, 5, 6]), [1, 2, 3]);
    assert.equal(buf.subarray(0, 6).toString('latin1'), '\x93NUMPY');
    const hlen = buf.readUInt16LE(8);
    assert.equal((10 + hlen) % 64, 0);
    assert.match(buf.subarray(10, 10 + hlen).toString('latin1'), /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(1, 2, 3\), \} *\n$/);
    assert.equal(buf.readFloatLE(10 + hlen + 20), 6);
  });
});

describe('FLOPs counted from the ONNX graph', () => {
  let ref: T5EncoderRuntime;
  let tiny: T5EncoderRuntime;
  before(async () => {
    ref = await loadEncoder(REF_DIR, { device: 'cpu', probe: false });
    tiny = await loadEncoder(tinyModelDir(), { device: 'cpu', probe: false });
  });
  after(async () => { await ref.release(); await tiny.release(); });

  it('matmulFlops follows numpy broadcasting and Gemm transposes', () => {
    assert.equal(matmulFlops([1, 7, 64], [64, 128]), 2 * 7 * 64 * 128);
    assert.equal(matmulFlops([1, 4, 7, 16], [1, 4, 16, 7]), 2 * 4 * 7 * 16 * 7);
    assert.equal(matmulFlops([3, 5], [4, 5], false, true), 2 * 3 * 5 * 4);
    assert.throws(() => matmulFlops([2, 3], [4, 5]), /do not line up/);
  });

  for (const [name, get] of [['reference export', () => ref], ['generated tiny', () => tiny]] as const) {
    it(`agrees with the analytic model term by term (${name})`, async () => {
      const rt = get();
      for (const n of [1, 7, 33, 130, 512]) {
        const g = await rt.graphFlops(n);
        const a = encoderFlops(rt.info.encoderConfig, n);
        assert.equal(g.weightMatMuls, a.projections + a.feedForward, `n=${n}`);
        assert.equal(g.activationMatMuls, a.attentionScores + a.attentionContext, `n=${n}`);
        assert.equal(g.matmulCount, 16);
      }
    });
  }
});
