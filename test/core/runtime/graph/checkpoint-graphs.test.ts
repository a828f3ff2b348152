// The encoder and decoder graphs built from checkpoint weights, against PyTorch (reference.json):
// every fixture format, plain and merged inputs, logits, and FLOPs counted from the graphs against
// the analytic model.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decoderPassFlops } from '../../../../src/core/decoder-flops';
import { encoderFlops } from '../../../../src/core/flops';
import { T5DecoderRuntime } from '../../../../src/core/runtime/decoder';
import { type T5EncoderRuntime, loadEncoder, loadEmbeddingMatrix, modelRoute } from '../../../../src/core/runtime/encoder';
import { averageReducer, mergeEmbeddings } from '../../../../src/core/runtime/merge';
import { tinyModelDir } from '../helpers';
import { MODEL_FOLDERS, REFERENCE, copyModel, maxDiff, referenceKey } from './helpers';

const TOLERANCE = 1e-4;
const loaded: { release(): Promise<void> }[] = [];
after(async () => { for (const r of loaded) await r.release(); });

async function open(folder: string): Promise<{ encoder: T5EncoderRuntime; decoder: T5DecoderRuntime }> {
  const dir = copyModel(folder);
  const encoder = await loadEncoder(dir, { device: 'cpu' });
  const decoder = await T5DecoderRuntime.load(dir, { device: 'cpu' });
  loaded.push(encoder, decoder);
  return { encoder, decoder };
}

describe('graphs built from checkpoints match PyTorch', () => {
  for (const folder of MODEL_FOLDERS) {
    it(`${folder}: encoder hidden states (plain and merged) and decoder logits within ${TOLERANCE}`, async () => {
      const ref = REFERENCE.forward[referenceKey(folder)]!;
      const { encoder, decoder } = await open(folder);
      assert.equal(encoder.info.route, 'checkpoint');
      assert.equal(encoder.info.checkpoint?.built, true, 'the encoder, loaded first, built the graphs');
      assert.equal(decoder.info.builtGraphs, false, 'the decoder found them in the cache');

      const ids = ref.input_ids[0]!;
      const plain = await encoder.run({ embeds: encoder.embed(ids), batch: 1, seq: ids.length });
      assert.deepEqual([1, ids.length, encoder.info.dModel], ref.encoder_last_hidden_state.shape);
      const encDiff = maxDiff(plain, ref.encoder_last_hidden_state.data);
      assert.ok(encDiff < TOLERANCE, `encoder: max |diff| ${encDiff}`);

      const merged = mergeEmbeddings(encoder.embed(ids), encoder.info.dModel, ref.merged.groups, averageReducer);
      const mergedOut = await encoder.run({ embeds: merged.embeds, batch: 1, seq: merged.length });
      assert.equal(merged.length, ref.merged.encoder_last_hidden_state.shape[1]);
      const mergedDiff = maxDiff(mergedOut, ref.merged.encoder_last_hidden_state.data);
      assert.ok(mergedDiff < TOLERANCE, `merged encoder: max |diff| ${mergedDiff}`);

      const logits = await decoder.logits(ref.decoder_input_ids[0]!, plain, ids.length);
      assert.deepEqual([1, ref.decoder_input_ids[0]!.length, decoder.info.vocabSize], ref.logits.shape);
      const logitDiff = maxDiff(logits, ref.logits.data);
      assert.ok(logitDiff < TOLERANCE, `logits: max |diff| ${logitDiff}`);
      // Not vacuous: the tolerance is small against the values compared.
      assert.ok(Math.max(...logits.map(Math.abs)) > 1000 * TOLERANCE && Math.max(...plain.map(Math.abs)) > 1000 * TOLERANCE);
    });
  }
});

describe('FLOPs counted from the built graphs equal the analytic model', () => {
  for (const folder of ['tied-relu', 'untied-gated']) {
    it(`${folder}: encoder at several lengths, decoder at several prefix and memory lengths`, async () => {
      const { encoder, decoder } = await open(folder);
      for (const n of [1, 7, 40]) {
        const graph = await encoder.graphFlops(n);
        assert.equal(graph.total, encoderFlops(encoder.info.encoderConfig, n).total, `encoder, ${n} tokens`);
      }
      for (const [t, s] of [[1, 5], [6, 13], [25, 2]] as const) {
        const graph = await decoder.graphFlops(t, s);
        const analytic = decoderPassFlops(decoder.info.shape, t, s);
        assert.equal(graph.total, analytic.total, `decoder, ${t} positions over ${s}`);
        assert.ok(analytic.lmHead > 0 && analytic.crossAttention > 0);
      }
    });
  }

  it('the gated feed-forward counts three matrices, the ReLU one two', async () => {
    const relu = (await open('tied-relu')).encoder.info.encoderConfig;
    const gated = (await open('untied-gated')).encoder.info.encoderConfig;
    assert.equal(relu.ffn, 'relu');
    assert.equal(gated.ffn, 'gated-gelu');
    const ff = (cfg: typeof relu) => encoderFlops(cfg, 10).feedForward;
    assert.equal(ff(gated) / ff(relu), 1.5);
  });
});

describe('which route a model folder loads through', () => {
  it('an ONNX export keeps the rewrite route; a checkpoint folder the built graphs', () => {
    assert.equal(modelRoute(tinyModelDir()), 'onnx-export');
    assert.equal(modelRoute(copyModel('tied-relu-bin')), 'checkpoint');
  });

  it('a folder with neither names both kinds of file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-graph-empty-'));
    writeFileSync(join(dir, 'config.json'), '{}');
    assert.throws(() => modelRoute(dir), (e: Error) => /no encoder ONNX file/.test(e.message) && /model\.safetensors/.test(e.message) && /pytorch_model\.bin/.test(e.message));
  });

  it('the embedding matrix of a checkpoint folder (for train-merger and the learned strategy)', () => {
    const m = loadEmbeddingMatrix(copyModel('untied-gated-bin'));
    assert.equal(m.vocabSize, 100);
    assert.equal(m.dModel, 32);
    assert.equal(m.embeddings.length, 100 * 32);
    assert.ok(m.embeddings.some((v) => v !== 0));
  });
});
