// The encoder graph spec read back from a graph this project built (a checkpoint's cached
// encoder.onnx, or the embedded model's): the builder names every weight initializer after the
// checkpoint tensor it holds, so the blocks can be rebuilt into parts (merge after block K) without
// reading the checkpoint again. Torch exports name their weights differently (`onnx::MatMul_123`):
// for those this reports which weight it could not find, and the caller refuses merge layers > 0.
import { ModelError, type ModelProto, tensorToFloat32 } from '../onnx-model';
import type { T5Config } from '../model-dir';
import type { EncoderGraphSpec } from './encoder-graph';
import type { AttentionMatrices, FeedForwardMatrices, T5Activation, T5GraphDims } from './t5-layers';

/** The graph dims of a config.json (the activation as transformers' T5Config reads feed_forward_proj). */
export function graphDimsOfConfig(c: T5Config): T5GraphDims {
  const proj = c.feed_forward_proj;
  const activation = (proj === 'gated-gelu' ? 'gelu_new' : proj.replace(/^gated-/, '')) as T5Activation;
  return {
    dModel: c.d_model, dKv: c.d_kv, heads: c.num_heads, dFf: c.d_ff, vocabSize: c.vocab_size,
    numBuckets: c.relative_attention_num_buckets, maxDistance: c.relative_attention_max_distance, eps: c.layer_norm_epsilon, activation,
  };
}

export class NotABuiltGraphError extends ModelError {}

export function encoderSpecFromGraph(model: ModelProto, config: T5Config, source: string): EncoderGraphSpec {
  const inits = new Map((model.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  const get = (name: string): Float32Array => {
    const t = inits.get(name);
    if (!t) throw new NotABuiltGraphError(`${source} has no initializer ${name}: it was not built by this tool from a checkpoint`);
    return tensorToFloat32(t);
  };
  const gated = config.feed_forward_proj.startsWith('gated-');
  const attention = (p: string): AttentionMatrices => ({ q: get(`${p}.q.weight`), k: get(`${p}.k.weight`), v: get(`${p}.v.weight`), o: get(`${p}.o.weight`) });
  const feedForward = (p: string): FeedForwardMatrices => gated
    ? { gated: true, wi0: get(`${p}.wi_0.weight`), wi1: get(`${p}.wi_1.weight`), wo: get(`${p}.wo.weight`) }
    : { gated: false, wi: get(`${p}.wi.weight`), wo: get(`${p}.wo.weight`) };
  return {
    dims: graphDimsOfConfig(config),
    relativeBias: get('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight'),
    layers: Array.from({ length: config.num_layers }, (_, i) => {
      const p = `encoder.block.${i}.layer`;
      return {
        selfAttentionNorm: get(`${p}.0.layer_norm.weight`), selfAttention: attention(`${p}.0.SelfAttention`),
        feedForwardNorm: get(`${p}.1.layer_norm.weight`), feedForward: feedForward(`${p}.1.DenseReluDense`),
      };
    }),
    finalNorm: get('encoder.final_layer_norm.weight'),
  };
}
