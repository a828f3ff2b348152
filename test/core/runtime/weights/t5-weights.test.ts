// The typed T5 record: tied + relu and untied + gated-gelu checkpoints in every format, transformers
// 4 and 5 config conventions for the LM head, and refusals of configs that do not fit the weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  loadStateDict, loadT5Weights, parseT5CheckpointConfig, t5WeightsFromStateDict, WeightsError, type StateDict, type T5CheckpointWeights,
} from '../../../../src/core/runtime/weights/index';
import { copyFixture, FIXTURES, fixtureConfig } from './helpers';

const TIED = ['tied-relu', 'tied-relu-sharded', 'tied-relu-bin', 'tied-relu-fp16', 'tied-relu-fp16-bin'];
const UNTIED = ['untied-gated', 'untied-gated-sharded', 'untied-gated-bin', 'untied-gated-bf16', 'untied-gated-bf16-bin'];
const state = (name: string): StateDict => loadStateDict(join(FIXTURES, name)).tensors;

/** Every tensor of the record is the state dict's tensor of the transformers name. */
function assertRecordNames(w: T5CheckpointWeights, s: StateDict): void {
  const is = (t: unknown, name: string) => assert.equal(t, s.get(name), name);
  for (const [stack, blocks] of [['encoder', w.encoder.blocks], ['decoder', w.decoder.blocks]] as const) {
    is(w[stack].finalNorm, `${stack}.final_layer_norm.weight`);
    is(w[stack].relativeAttentionBias, `${stack}.block.0.layer.0.SelfAttention.relative_attention_bias.weight`);
    blocks.forEach((b, i) => {
      const p = `${stack}.block.${i}.layer`;
      const ff = stack === 'encoder' ? 1 : 2;
      is(b.selfAttentionNorm, `${p}.0.layer_norm.weight`);
      for (const m of ['q', 'k', 'v', 'o'] as const) is(b.selfAttention[m], `${p}.0.SelfAttention.${m}.weight`);
      is(b.feedForwardNorm, `${p}.${ff}.layer_norm.weight`);
      if (b.feedForward.gated) {
        is(b.feedForward.wi0, `${p}.${ff}.DenseReluDense.wi_0.weight`);
        is(b.feedForward.wi1, `${p}.${ff}.DenseReluDense.wi_1.weight`);
      } else {
        is(b.feedForward.wi, `${p}.${ff}.DenseReluDense.wi.weight`);
      }
      is(b.feedForward.wo, `${p}.${ff}.DenseReluDense.wo.weight`);
      if (stack === 'decoder') {
        const d = b as T5CheckpointWeights['decoder']['blocks'][number];
        is(d.crossAttentionNorm, `${p}.1.layer_norm.weight`);
        for (const m of ['q', 'k', 'v', 'o'] as const) is(d.crossAttention[m], `${p}.1.EncDecAttention.${m}.weight`);
      }
    });
  }
}

for (const name of TIED) {
  test(`${name}: tied head, relu feed-forward, decoder output scaled by d_model^-0.5`, () => {
    const s = state(name);
    const w = t5WeightsFromStateDict(s, fixtureConfig(name));
    assert.equal(w.config.gatedFeedForward, false);
    assert.equal(w.config.activation, 'relu');
    assert.deepEqual([w.encoder.blocks.length, w.decoder.blocks.length], [2, 2]);
    assert.equal(w.sharedName, 'shared.weight');
    assert.equal(w.shared, s.get('shared.weight'));
    assert.equal(w.lmHead.tied, true);
    assert.equal(w.lmHead.weight, w.shared);
    assert.equal(w.decoderOutputScale, 32 ** -0.5);
    assert.deepEqual(w.unused, [], 'the .bin aliases of the embedding are recognised, not left over');
    assertRecordNames(w, s);
    for (const b of w.encoder.blocks) assert.ok(!b.feedForward.gated && b.feedForward.wi.shape[0] === 64);
  });
}

for (const name of UNTIED) {
  test(`${name}: a head of its own, gated-gelu (gelu_new) feed-forward, no output scaling`, () => {
    const s = state(name);
    const w = t5WeightsFromStateDict(s, fixtureConfig(name));
    assert.equal(w.config.gatedFeedForward, true);
    assert.equal(w.config.activation, 'gelu_new');
    assert.equal(w.lmHead.tied, false);
    assert.equal(w.lmHead.weight, s.get('lm_head.weight'));
    assert.notDeepEqual(w.lmHead.weight.data, w.shared.data);
    assert.equal(w.decoderOutputScale, 1);
    assert.deepEqual(w.unused, []);
    assertRecordNames(w, s);
  });
}

test('transformers 4 configs: tie_word_embeddings alone decides head and scaling', () => {
  const v4 = (name: string, tie?: boolean) => {
    const c = fixtureConfig(name);
    delete c.scale_decoder_outputs;
    if (tie === undefined) delete c.tie_word_embeddings;
    else c.tie_word_embeddings = tie;
    return c;
  };
  const untied = t5WeightsFromStateDict(state('untied-gated'), v4('untied-gated', false));
  assert.deepEqual([untied.lmHead.tied, untied.decoderOutputScale, untied.config.scaleDecoderOutputs], [false, 1, false]);
  const tiedDefault = t5WeightsFromStateDict(state('tied-relu-bin'), v4('tied-relu-bin'));
  assert.deepEqual([tiedDefault.lmHead.tied, tiedDefault.decoderOutputScale, tiedDefault.config.tieWordEmbeddings], [true, 32 ** -0.5, true]);
  assert.throws(
    () => t5WeightsFromStateDict(state('tied-relu'), v4('tied-relu', false), 'cfg.json'),
    /^WeightsError: checkpoint has no tensor lm_head\.weight \(cfg\.json sets tie_word_embeddings false\)$/,
  );
});

test('the embedding may come under its encoder.embed_tokens alias', () => {
  const s = new Map(state('tied-relu'));
  const shared = s.get('shared.weight')!;
  s.delete('shared.weight');
  s.set('encoder.embed_tokens.weight', shared);
  const w = t5WeightsFromStateDict(s, fixtureConfig('tied-relu'));
  assert.equal(w.sharedName, 'encoder.embed_tokens.weight');
  assert.equal(w.shared, shared);
  assert.equal(w.lmHead.weight, shared);

  const differing = new Map(state('tied-relu'));
  differing.set('decoder.embed_tokens.weight', { ...shared, data: shared.data.map((v) => v + 1) });
  assert.throws(() => t5WeightsFromStateDict(differing, fixtureConfig('tied-relu')), /^WeightsError: tensor decoder\.embed_tokens\.weight differs from shared\.weight; T5 encoder and decoder share one embedding$/);
});

test('sizes in config.json that do not fit the weights are refused, naming the tensor', () => {
  const s = state('tied-relu');
  const refuse = (change: Record<string, unknown>, pattern: RegExp) => {
    assert.throws(() => t5WeightsFromStateDict(s, { ...fixtureConfig('tied-relu'), ...change }, 'cfg.json'), (e: unknown) => {
      assert.ok(e instanceof WeightsError, String(e));
      assert.ok(!(e as Error).message.includes('\n'));
      assert.match((e as Error).message, pattern);
      return true;
    });
  };
  refuse({ vocab_size: 101 }, /^tensor shared\.weight has shape \[100, 32\], but cfg\.json gives \[vocab_size, d_model\] = \[101, 32\]$/);
  refuse({ d_ff: 65 }, /^tensor encoder\.block\.0\.layer\.1\.DenseReluDense\.wi\.weight has shape \[64, 32\], but cfg\.json gives \[d_ff, d_model\] = \[65, 32\]$/);
  refuse({ num_heads: 8 }, /^tensor encoder\.block\.0\.layer\.0\.SelfAttention\.q\.weight has shape \[32, 32\], but cfg\.json gives \[num_heads\*d_kv, d_model\] = \[64, 32\]$/);
  refuse({ relative_attention_num_buckets: 16 }, /^tensor encoder\.block\.0\.layer\.0\.SelfAttention\.relative_attention_bias\.weight has shape \[32, 4\], but cfg\.json gives \[relative_attention_num_buckets, num_heads\] = \[16, 4\]$/);
  refuse({ num_layers: 1, num_decoder_layers: 2 }, /^tensor encoder\.block\.1\.\S+ is in encoder block 1, but cfg\.json sets num_layers to 1$/);
  refuse({ num_decoder_layers: 3 }, /^checkpoint has no tensor decoder\.block\.2\.layer\.0\.layer_norm\.weight$/);
  refuse({ feed_forward_proj: 'gated-gelu' }, /^checkpoint has no tensor encoder\.block\.0\.layer\.1\.DenseReluDense\.wi_0\.weight \(the checkpoint has encoder\.block\.0\.layer\.1\.DenseReluDense\.wi\.weight: is feed_forward_proj not gated\?\)$/);
});

test('config.json sizes must be positive integers, and the model a T5', () => {
  const base = fixtureConfig('tied-relu');
  const refuse = (change: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => parseT5CheckpointConfig({ ...base, ...change }, 'cfg.json'), (e: unknown) => e instanceof WeightsError && pattern.test(e.message));
  for (const bad of [0, -32, 32.5, '32', null]) refuse({ d_model: bad }, /^cfg\.json: "d_model" must be a positive integer \(got .+\)$/);
  refuse({ num_decoder_layers: 0 }, /"num_decoder_layers" must be a positive integer/);
  refuse({ relative_attention_max_distance: 1e300 }, /"relative_attention_max_distance" must be a positive integer/);
  refuse({ model_type: 'bart' }, /^cfg\.json: model_type is "bart"; only T5 \(CodeT5\) checkpoints are supported$/);
  refuse({ model_type: undefined }, /model_type is null/);
  refuse({ tie_word_embeddings: 'yes' }, /^cfg\.json: "tie_word_embeddings" must be true or false \(got "yes"\)$/);
  refuse({ feed_forward_proj: 'fancy-relu' }, /unsupported feed_forward_proj "fancy-relu"/);
  refuse({ feed_forward_proj: 'gated-gelu-x' }, /unsupported feed_forward_proj/);
  refuse({ layer_norm_epsilon: -1 }, /"layer_norm_epsilon" must be a positive number/);
  assert.throws(() => parseT5CheckpointConfig([1], 'cfg.json'), /^WeightsError: cfg\.json is not a JSON object$/);
  // Defaults as transformers' T5Config: num_decoder_layers = num_layers, relu, 32 buckets, 128 distance.
  const minimal = parseT5CheckpointConfig({ model_type: 't5', d_model: 8, d_kv: 2, num_heads: 4, d_ff: 16, num_layers: 3, vocab_size: 10 });
  assert.deepEqual(
    [minimal.numDecoderLayers, minimal.activation, minimal.gatedFeedForward, minimal.relativeAttentionNumBuckets, minimal.relativeAttentionMaxDistance, minimal.tieWordEmbeddings, minimal.scaleDecoderOutputs],
    [3, 'relu', false, 32, 128, true, true],
  );
});

test('loadT5Weights reads config.json and the weights of a model folder', () => {
  const w = loadT5Weights(join(FIXTURES, 'untied-gated-sharded'));
  assert.equal(w.format, 'safetensors-sharded');
  assert.equal(w.lmHead.tied, false);
  const dir = copyFixture('tied-relu-bin', { ...fixtureConfig('tied-relu-bin'), d_model: 33 });
  assert.throws(() => loadT5Weights(dir), new RegExp(`^WeightsError: tensor shared\\.weight has shape \\[100, 32\\], but ${dir.replace(/[.\\/]/g, '\\$&')}/config\\.json gives`));
});
