// The embedded default model: a CodeT5-architecture encoder with random weights, written as ONNX
// from TypeScript so the tool works offline with no download. The graph is built the way torch
// exports T5 (input_ids → embedding Gather, RMS norm, in-graph bidirectional relative position
// buckets, unscaled attention, ReLU FFN, final RMS norm; opset 14) by the same builder that makes
// real checkpoints' graphs (graph/), so the runtime's rewrite and counting paths see the same
// structure as for a real model. Weights are drawn with a fixed seed,
// using Hugging Face's T5 initialisation scales, and every result carries `randomWeights: true`.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { onnx } from 'onnx-proto';
import { buildEncoderGraph, type EncoderGraphSpec } from './graph/encoder-graph';
import { encodeModel } from './onnx-model';
import { mulberry32, normalArray, normalSampler } from './prng';
import type { T5Dims, T5Weights } from './t5-graph-weights';

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

/** Builds the ONNX graph of a T5 encoder with the given weights, starting from input_ids as torch exports do. */
export function buildT5EncoderOnnx(w: T5Weights, name = 'subtoken-lens-embedded-t5'): onnx.ModelProto {
  const { dModel, dKv, heads, dFf, numBuckets, maxDistance, eps, vocabSize } = w.dims;
  const spec: EncoderGraphSpec = {
    dims: { dModel, dKv, heads, dFf, numBuckets, maxDistance, eps, vocabSize, activation: 'relu' },
    relativeBias: w.relativeBias,
    layers: w.layers.map((L) => ({
      selfAttentionNorm: L.ln0, selfAttention: { q: L.q, k: L.k, v: L.v, o: L.o },
      feedForwardNorm: L.ln1, feedForward: { gated: false, wi: L.wi, wo: L.wo },
    })),
    finalNorm: w.finalLn,
  };
  return buildEncoderGraph(spec, { kind: 'input_ids', embeddings: w.embeddings }, { name, producerVersion: String(EMBEDDED_GENERATOR_VERSION) });
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
/** Where ensureEmbeddedModel writes model `kind` (what `model list/remove/clear` look at). */
export const embeddedModelDir = (kind: EmbeddedModelKind, cacheDir: string): string => join(cacheDir, 'models', `embedded-${kind}`);

export function ensureEmbeddedModel(kind: EmbeddedModelKind, cacheDir: string): string {
  if (!EMBEDDED_MODEL_KINDS.includes(kind)) throw new Error(`Unknown embedded model "${kind}". Known: ${EMBEDDED_MODEL_KINDS.join(', ')}.`);
  const modelsDir = join(cacheDir, 'models');
  const dir = embeddedModelDir(kind, cacheDir);
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
