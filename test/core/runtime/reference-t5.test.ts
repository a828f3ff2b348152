// The TypeScript T5 forward pass is checked against PyTorch (shared reference), then used as the
// independent check that the generated embedded model is really a T5 encoder.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { embeddedConfig, ensureEmbeddedModel, randomT5Weights, EMBEDDED_DIMS } from '../../../src/core/runtime/embedded-model';
import { loadEncoder, maxAbsDiff } from '../../../src/core/runtime/encoder';
import { graphOf, readModelFile, tensorToFloat32 } from '../../../src/core/runtime/onnx-model';
import { mulberry32, normalSampler } from '../../../src/core/runtime/prng';
import { type T5Weights, relativePositionBucket, t5EncoderForward } from '../../support/reference-t5';
import { REF_DIR, readCases, tinyModelDir } from './helpers';

/** Weights of export A, found through the MatMul node names (initializers are renamed onnx::MatMul_N). */
function referenceWeights(): T5Weights {
  const model = readModelFile(join(REF_DIR, 'encoder_model.onnx'));
  const g = graphOf(model);
  const init = new Map(g.initializer.map((t) => [t.name, t]));
  const byName = (name: string): Float32Array => {
    const t = init.get(name);
    assert.ok(t, `initializer ${name}`);
    return tensorToFloat32(t);
  };
  const matmulWeight = (nodeName: string): Float32Array => {
    const n = g.node.find((x) => x.name === nodeName);
    assert.ok(n, `node ${nodeName}`);
    return byName((n.input ?? [])[1]!);
  };
  const layers = [0, 1].map((i) => ({
    ln0: byName(`encoder.block.${i}.layer.0.layer_norm.weight`),
    q: matmulWeight(`/encoder/block.${i}/layer.0/SelfAttention/q/MatMul`),
    k: matmulWeight(`/encoder/block.${i}/layer.0/SelfAttention/k/MatMul`),
    v: matmulWeight(`/encoder/block.${i}/layer.0/SelfAttention/v/MatMul`),
    o: matmulWeight(`/encoder/block.${i}/layer.0/SelfAttention/o/MatMul`),
    ln1: byName(`encoder.block.${i}.layer.1.layer_norm.weight`),
    wi: matmulWeight(`/encoder/block.${i}/layer.1/DenseReluDense/wi/MatMul`),
    wo: matmulWeight(`/encoder/block.${i}/layer.1/DenseReluDense/wo/MatMul`),
  }));
  return {
    dims: { dModel: 64, dKv: 16, heads: 4, dFf: 128, layers: 2, vocabSize: 32100, numBuckets: 32, maxDistance: 128, eps: 1e-6 },
    embeddings: byName('shared.weight'),
    relativeBias: byName('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight'),
    layers,
    finalLn: byName('encoder.final_layer_norm.weight'),
  };
}

describe('reference T5 forward pass (TypeScript)', () => {
  it('bucket function matches HF for every relative position in -140..140', () => {
    const table = JSON.parse(readFileSync(join(REF_DIR, 'relative_position_buckets.json'), 'utf8')) as { relative_position: number[]; bucket: number[] };
    const pairs = table.relative_position.map((rel, i): [number, number] => [rel, table.bucket[i]!]);
    assert.equal(pairs.length, 281, 'one bucket per relative position -140..140');
    for (const [rel, bucket] of pairs) assert.equal(relativePositionBucket(rel), bucket, `rel ${rel}`);
  });

  it('matches the PyTorch outputs of shared/reference/t5-tiny', () => {
    const w = referenceWeights();
    for (const c of readCases()) {
      const seq = c.input_ids[0]!.length;
      for (let b = 0; b < c.input_ids.length; b++) {
        const ids = c.input_ids[b]!;
        const embeds = new Float32Array(seq * 64);
        ids.forEach((id, i) => embeds.set(w.embeddings.subarray(id * 64, id * 64 + 64), i * 64));
        const out = t5EncoderForward(w, embeds, seq, c.attention_mask[b]);
        const ref = c.last_hidden_state.data.slice(b * seq * 64, (b + 1) * seq * 64);
        const diff = maxAbsDiff(out, ref);
        assert.ok(diff <= 1e-5, `${c.name}[${b}]: ${diff}`);
      }
    }
  });

  it('agrees with the generated tiny ONNX model (the generator really builds T5)', async () => {
    const dir = tinyModelDir();
    const rt = await loadEncoder(dir, { device: 'cpu' });
    try {
      // Relative distances past max_distance (clamped buckets) are covered by a 140-token input.
      const ids = Array.from({ length: 140 }, (_, i) => (i * 7919 + 13) % 32100);
      const mask = ids.map((_, i) => (i < 130 ? 1 : 0));
      const w = randomT5Weights(EMBEDDED_DIMS.tiny);
      const ref = t5EncoderForward(w, rt.embed(ids), ids.length, mask);
      const out = await rt.run({ embeds: rt.embed(ids), batch: 1, seq: ids.length, mask });
      const diff = maxAbsDiff(out, ref);
      console.log(`  generated tiny vs reference forward: max abs diff ${diff.toExponential(2)}`);
      assert.ok(diff <= 1e-4, `diff ${diff}`);
      // Outputs are not degenerate (a broken graph giving zeros or constants would also "match" nothing).
      const spread = Math.max(...out.slice(0, 64)) - Math.min(...out.slice(0, 64));
      assert.ok(spread > 0.1);
      assert.equal(rt.info.randomWeights, true);
      assert.ok(rt.info.repointedShapeReaders.length > 0, 'generated graph reads Shape(input_ids); the rewrite re-points it');
    } finally {
      await rt.release();
    }
  });

  it('PRNG is deterministic and roughly standard normal', () => {
    const a = normalSampler(mulberry32(42));
    const b = normalSampler(mulberry32(42));
    const xs = Array.from({ length: 20000 }, () => a());
    assert.deepEqual(xs.slice(0, 10), Array.from({ length: 10 }, () => b()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05, `mean ${mean} var ${variance}`);
    assert.equal(embeddedConfig('small').d_model, 512);
  });
});

describe('ensureEmbeddedModel', () => {
  it('writes the folder once, atomically, with config marked random', () => {
    const cache = mkdtempSync(join(tmpdir(), 'sl-emb-'));
    const dir = ensureEmbeddedModel('tiny', cache);
    const mtime = statSync(join(dir, 'encoder_model.onnx')).mtimeMs;
    assert.equal(ensureEmbeddedModel('tiny', cache), dir);
    assert.equal(statSync(join(dir, 'encoder_model.onnx')).mtimeMs, mtime, 'not rewritten');
    assert.deepEqual(readdirSync(join(cache, 'models')), ['embedded-tiny'], 'no temporary folder left');
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(cfg.subtoken_lens_random_weights, true);
    assert.equal(statSync(join(dir, 'embeddings.f32')).size, 32100 * 64 * 4);
    assert.throws(() => ensureEmbeddedModel('huge' as 'tiny', cache), /Unknown embedded model "huge"/);
  });
});
