// The embedded default model: a CodeT5-architecture encoder with random weights, written as ONNX
// from TypeScript so the tool works offline with no download. The graph is built the way torch
// exports T5 (input_ids → embedding Gather, RMS norm, in-graph bidirectional relative position
// buckets, unscaled attention, ReLU FFN, final RMS norm; opset 14), so the runtime's rewrite and
// counting paths see the same structure as for a real model. Weights are drawn with a fixed seed,
// using Hugging Face's T5 initialisation scales, and every result carries `randomWeights: true`.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { onnx } from 'onnx-proto';
import { encodeModel, floatTensor, int64Tensor, valueInfo } from './onnx-model';
import { mulberry32, normalArray, normalSampler } from './prng';
import type { T5Dims, T5Weights } from './reference-t5';

export type EmbeddedModelKind = 'tiny' | 'small';
export const EMBEDDED_MODEL_KINDS: readonly EmbeddedModelKind[] = ['tiny', 'small'];

/** Bump when the generated graph or weights change, so cached folders are regenerated. */
export const EMBEDDED_GENERATOR_VERSION = 1;
const SEED = 20261128;

const BASE = { vocabSize: 32100, numBuckets: 32, maxDistance: 128, eps: 1e-6 };
export const EMBEDDED_DIMS: Readonly<Record<EmbeddedModelKind, T5Dims>> = Object.freeze({
  tiny: { ...BASE, dModel: 64, layers: 2, heads: 4, dKv: 16, dFf: 128 },
  small: { ...BASE, dModel: 512, layers: 6, heads: 8, dKv: 64, dFf: 2048 },
});

/** Random weights with HF T5's init scales (modeling_t5.py `_init_weights`, factor 1). */
export function randomT5Weights(dims: T5Dims, seed = SEED): T5Weights {
  const normal = normalSampler(mulberry32(seed));
  const { dModel: d, dKv, heads, dFf } = dims;
  const inner = heads * dKv;
  const ones = (): Float32Array => new Float32Array(d).fill(1);
  const embeddings = normalArray(normal, dims.vocabSize * d, 1.0);
  const relativeBias = normalArray(normal, dims.numBuckets * heads, d ** -0.5);
  const layers = Array.from({ length: dims.layers }, () => ({
    ln0: ones(),
    q: normalArray(normal, d * inner, (d * dKv) ** -0.5),
    k: normalArray(normal, d * inner, d ** -0.5),
    v: normalArray(normal, d * inner, d ** -0.5),
    o: normalArray(normal, inner * d, inner ** -0.5),
    ln1: ones(),
    wi: normalArray(normal, d * dFf, d ** -0.5),
    wo: normalArray(normal, dFf * d, dFf ** -0.5),
  }));
  return { dims, embeddings, relativeBias, layers, finalLn: ones() };
}

/** Builds the ONNX graph of a T5 encoder with the given weights. */
export function buildT5EncoderOnnx(w: T5Weights, name = 'subtoken-lens-embedded-t5'): onnx.ModelProto {
  const { dModel: d, dKv, heads, dFf, numBuckets, maxDistance, eps, vocabSize } = w.dims;
  const inner = heads * dKv;
  const half = numBuckets / 2;
  const maxExact = half / 2;
  const nodes: onnx.NodeProto[] = [];
  const inits: onnx.TensorProto[] = [];
  let counter = 0;
  const node = (opType: string, inputs: string[], attrs: onnx.IAttributeProto[] = [], scope = ''): string => {
    const out = `${scope}/${opType}_${counter++}`;
    nodes.push(onnx.NodeProto.create({ name: out, opType, input: inputs, output: [out], attribute: attrs }));
    return out;
  };
  const f32 = (nm: string, dims: number[], data: Float32Array): string => { inits.push(floatTensor(nm, dims, data)); return nm; };
  const i64 = (nm: string, data: number[], dims = [data.length]): string => { inits.push(int64Tensor(nm, dims, data)); return nm; };
  const scalarF = (nm: string, v: number): string => f32(nm, [], Float32Array.of(v));
  const ints = (n: string, v: number[]): onnx.IAttributeProto => ({ name: n, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
  const int = (n: string, v: number): onnx.IAttributeProto => ({ name: n, type: onnx.AttributeProto.AttributeType.INT, i: v });
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INT64 = onnx.TensorProto.DataType.INT64;

  f32('shared.weight', [vocabSize, d], w.embeddings);
  scalarF('const.one', 1);
  scalarF('const.mask_min', -10000);
  scalarF('const.two', 2);
  scalarF('const.eps', eps);
  scalarF('const.max_exact_f', maxExact);
  scalarF('const.log_ratio', Math.fround(Math.log(maxDistance / maxExact)));
  scalarF('const.large_span', half - maxExact);
  i64('const.i0', [0], []);
  i64('const.i1', [1], []);
  i64('const.max_exact', [maxExact], []);
  i64('const.half', [half], []);
  i64('const.half_minus_1', [half - 1], []);
  i64('axes.0', [0]);
  i64('axes.1', [1]);
  i64('axes.12', [1, 2]);
  i64('shape.heads', [0, 0, heads, dKv]);
  i64('shape.inner', [0, 0, inner]);

  // Embedding lookup, as exporters write it: Gather on the tied embedding, indices = input_ids.
  let x = node('Gather', ['shared.weight', 'input_ids'], [], '/encoder/embed_tokens');

  // Additive mask term [b, 1, 1, s]: (1 - mask) * -10000.
  const maskF = node('Cast', [node('Unsqueeze', ['attention_mask', 'axes.12'], [], '/encoder')], [int('to', FLOAT)], '/encoder');
  const maskTerm = node('Mul', [node('Sub', ['const.one', maskF], [], '/encoder'), 'const.mask_min'], [], '/encoder');

  // Relative position buckets over the dynamic length (the length read off input_ids' shape, as
  // some exporters do; the runtime's rewrite must re-point it to inputs_embeds).
  const sc = '/encoder/block.0/layer.0/SelfAttention';
  const seqLen = node('Gather', [node('Shape', ['input_ids'], [], sc), 'const.i1'], [int('axis', 0)], sc);
  const pos = node('Range', ['const.i0', seqLen, 'const.i1'], [], sc);
  const rel = node('Sub', [node('Unsqueeze', [pos, 'axes.0'], [], sc), node('Unsqueeze', [pos, 'axes.1'], [], sc)], [], sc); // [q, k] = k - q
  const base = node('Mul', [node('Cast', [node('Greater', [rel, 'const.i0'], [], sc)], [int('to', INT64)], sc), 'const.half'], [], sc);
  const dist = node('Abs', [rel], [], sc);
  const isSmall = node('Less', [dist, 'const.max_exact'], [], sc);
  const distF = node('Cast', [dist], [int('to', FLOAT)], sc);
  const logPart = node('Mul', [node('Div', [node('Log', [node('Div', [distF, 'const.max_exact_f'], [], sc)], [], sc), 'const.log_ratio'], [], sc), 'const.large_span'], [], sc);
  const large = node('Min', [node('Add', ['const.max_exact', node('Cast', [logPart], [int('to', INT64)], sc)], [], sc), 'const.half_minus_1'], [], sc);
  const bucket = node('Add', [base, node('Where', [isSmall, dist, large], [], sc)], [], sc);
  f32(`${sc}.relative_attention_bias.weight`, [numBuckets, heads], w.relativeBias);
  const biasQKH = node('Gather', [`${sc}.relative_attention_bias.weight`, bucket], [int('axis', 0)], sc); // [q, k, h]
  const biasHQK = node('Unsqueeze', [node('Transpose', [biasQKH], [ints('perm', [2, 0, 1])], sc), 'axes.0'], [], sc);
  const positionBias = node('Add', [biasHQK, maskTerm], [], sc); // [b, h, q, k]

  const rms = (input: string, weight: string, scope: string): string => {
    const ms = node('ReduceMean', [node('Pow', [input, 'const.two'], [], scope)], [ints('axes', [-1]), int('keepdims', 1)], scope);
    const inv = node('Div', ['const.one', node('Sqrt', [node('Add', [ms, 'const.eps'], [], scope)], [], scope)], [], scope);
    return node('Mul', [weight, node('Mul', [input, inv], [], scope)], [], scope);
  };

  w.layers.forEach((L, li) => {
    const s0 = `/encoder/block.${li}/layer.0`;
    const s1 = `/encoder/block.${li}/layer.1`;
    const p = `encoder.block.${li}`;
    const h = rms(x, f32(`${p}.layer.0.layer_norm.weight`, [d], L.ln0), `${s0}/layer_norm`);
    const proj = (nm: string, wt: Float32Array, rows: number, cols: number, input: string): string =>
      node('MatMul', [input, f32(`${p}.layer.0.SelfAttention.${nm}.weight`, [rows, cols], wt)], [], `${s0}/SelfAttention/${nm}`);
    const heads4 = (t: string, perm: number[]): string =>
      node('Transpose', [node('Reshape', [t, 'shape.heads'], [], `${s0}/SelfAttention`)], [ints('perm', perm)], `${s0}/SelfAttention`);
    const q = heads4(proj('q', L.q, d, inner, h), [0, 2, 1, 3]);
    const kT = heads4(proj('k', L.k, d, inner, h), [0, 2, 3, 1]);
    const v = heads4(proj('v', L.v, d, inner, h), [0, 2, 1, 3]);
    const scores = node('Add', [node('MatMul', [q, kT], [], `${s0}/SelfAttention`), positionBias], [], `${s0}/SelfAttention`);
    const attn = node('Softmax', [scores], [int('axis', -1)], `${s0}/SelfAttention`);
    const ctx = node('Reshape', [node('Transpose', [node('MatMul', [attn, v], [], `${s0}/SelfAttention`)], [ints('perm', [0, 2, 1, 3])], `${s0}/SelfAttention`), 'shape.inner'], [], `${s0}/SelfAttention`);
    x = node('Add', [x, proj('o', L.o, inner, d, ctx)], [], s0);
    const h2 = rms(x, f32(`${p}.layer.1.layer_norm.weight`, [d], L.ln1), `${s1}/layer_norm`);
    const wi = node('MatMul', [h2, f32(`${p}.layer.1.DenseReluDense.wi.weight`, [d, dFf], L.wi)], [], `${s1}/DenseReluDense/wi`);
    const wo = node('MatMul', [node('Relu', [wi], [], `${s1}/DenseReluDense`), f32(`${p}.layer.1.DenseReluDense.wo.weight`, [dFf, d], L.wo)], [], `${s1}/DenseReluDense/wo`);
    x = node('Add', [x, wo], [], s1);
  });
  const final = rms(x, f32('encoder.final_layer_norm.weight', [d], w.finalLn), '/encoder/final_layer_norm');
  nodes.push(onnx.NodeProto.create({ name: '/encoder/output', opType: 'Identity', input: [final], output: ['last_hidden_state'] }));

  return onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'subtoken-lens',
    producerVersion: String(EMBEDDED_GENERATOR_VERSION),
    opsetImport: [{ domain: '', version: 14 }],
    graph: {
      name,
      node: nodes,
      initializer: inits,
      input: [valueInfo('input_ids', INT64, ['batch_size', 'encoder_sequence_length']), valueInfo('attention_mask', INT64, ['batch_size', 'encoder_sequence_length'])],
      output: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'encoder_sequence_length', d])],
    },
  });
}

/** config.json for a generated model, in Hugging Face form plus our random-weights marker. */
export function embeddedConfig(kind: EmbeddedModelKind): Record<string, unknown> {
  const dm = EMBEDDED_DIMS[kind];
  return {
    architectures: ['T5EncoderModel'], model_type: 't5',
    d_model: dm.dModel, d_kv: dm.dKv, num_heads: dm.heads, d_ff: dm.dFf, num_layers: dm.layers, vocab_size: dm.vocabSize,
    feed_forward_proj: 'relu', relative_attention_num_buckets: dm.numBuckets, relative_attention_max_distance: dm.maxDistance,
    layer_norm_epsilon: dm.eps, pad_token_id: 0, bos_token_id: 1, eos_token_id: 2, decoder_start_token_id: 0,
    subtoken_lens_random_weights: true,
    subtoken_lens_embedded: { kind, seed: SEED, generatorVersion: EMBEDDED_GENERATOR_VERSION },
  };
}

function isCurrent(dir: string): boolean {
  try {
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { subtoken_lens_embedded?: { generatorVersion?: number } };
    return cfg.subtoken_lens_embedded?.generatorVersion === EMBEDDED_GENERATOR_VERSION && existsSync(join(dir, 'encoder_model.onnx'));
  } catch {
    return false;
  }
}

/**
 * Writes the embedded model once into `<cacheDir>/models/embedded-<kind>/` and returns that folder.
 * Written to a temporary folder and renamed into place, so a reader never sees half a model and
 * two processes racing both end with a complete one. Also writes `embeddings.f32` (raw [vocab,
 * d_model] float32) for tools that read the embedding matrix without ONNX.
 */
export function ensureEmbeddedModel(kind: EmbeddedModelKind, cacheDir: string): string {
  if (!EMBEDDED_MODEL_KINDS.includes(kind)) throw new Error(`Unknown embedded model "${kind}". Known: ${EMBEDDED_MODEL_KINDS.join(', ')}.`);
  const modelsDir = join(cacheDir, 'models');
  const dir = join(modelsDir, `embedded-${kind}`);
  if (isCurrent(dir)) return dir;
  mkdirSync(modelsDir, { recursive: true });
  const tmp = join(modelsDir, `.embedded-${kind}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    const weights = randomT5Weights(EMBEDDED_DIMS[kind]);
    writeFileSync(join(tmp, 'encoder_model.onnx'), encodeModel(buildT5EncoderOnnx(weights, `embedded-${kind}`)));
    writeFileSync(join(tmp, 'embeddings.f32'), new Uint8Array(weights.embeddings.buffer, weights.embeddings.byteOffset, weights.embeddings.byteLength));
    writeFileSync(join(tmp, 'config.json'), `${JSON.stringify(embeddedConfig(kind), null, 2)}\n`);
    writeFileSync(join(tmp, 'README.md'), `Generated by Subtoken Lens: CodeT5-architecture encoder (${kind}) with RANDOM weights (seed ${SEED}).\nRandom weights: differences are mechanical, not semantic.\n`);
    if (existsSync(dir)) {
      if (isCurrent(dir)) return dir; // another process won the race
      rmSync(dir, { recursive: true, force: true }); // stale generator version
    }
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (!isCurrent(dir)) throw err;
    }
    return dir;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
