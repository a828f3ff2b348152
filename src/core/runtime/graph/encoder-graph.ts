// The T5 encoder as an ONNX graph: embeddings in (or token ids, for the embedded model that stands
// in for an exporter's graph), last_hidden_state out, the relative position bias computed inside
// from the actual sequence length.
import type { onnx } from 'onnx-proto';
import { FLOAT, GraphBuilder, INT64 } from './builder';
import { type EncoderLayerMatrices, type T5GraphDims, T5Layers } from './t5-layers';

export interface EncoderGraphSpec {
  readonly dims: T5GraphDims;
  /** Block 0's table [num_buckets, heads], used by every block. */
  readonly relativeBias: Float32Array;
  readonly layers: readonly EncoderLayerMatrices[];
  /** [d_model]. */
  readonly finalNorm: Float32Array;
}

/**
 * What the graph starts from: `inputs_embeds` [batch, seq, d_model] (the runtime looks embeddings
 * up and merges them itself), or `input_ids` with the embedding Gather inside the graph, as torch
 * exports T5 (the embedded model, whose graph goes through the same rewrite as exported ones).
 */
export type EncoderGraphInput =
  | { readonly kind: 'inputs_embeds' }
  | { readonly kind: 'input_ids'; readonly embeddings: Float32Array };

/**
 * Which blocks a graph runs, for merging after block K: part A = blocks [0, K) without the final
 * norm (output `hidden_states`), part B = blocks [K, L) and the final norm (`last_hidden_state`).
 * Each part computes the relative position bias from its own input length, so part B, run on the
 * merged sequence, gets the bias for m positions numbered 0..m-1.
 */
export interface EncoderBlockRange {
  readonly from: number;
  readonly to: number;
  readonly finalNorm: boolean;
}

/** The output of a part that stops before the final norm. */
export const HIDDEN_STATES = 'hidden_states';
export const LAST_HIDDEN_STATE = 'last_hidden_state';

export function buildEncoderGraph(
  spec: EncoderGraphSpec, input: EncoderGraphInput, o: { name: string; producerVersion: string },
  range: EncoderBlockRange = { from: 0, to: spec.layers.length, finalNorm: true },
): onnx.ModelProto {
  const L = spec.layers.length;
  if (!(Number.isInteger(range.from) && Number.isInteger(range.to) && range.from >= 0 && range.from <= range.to && range.to <= L)) {
    throw new RangeError(`encoder blocks [${range.from}, ${range.to}) are not a range inside [0, ${L}]`);
  }
  const b = new GraphBuilder();
  const t5 = new T5Layers(b, spec.dims);
  const d = spec.dims.dModel;

  let x: string;
  let lengthSource: string;
  if (input.kind === 'input_ids') {
    // As exporters write it: a Gather on the tied embedding, and the length read off input_ids'
    // shape (the runtime's rewrite must re-point that reader to inputs_embeds).
    x = b.node('Gather', [b.floats('shared.weight', [spec.dims.vocabSize, d], input.embeddings), 'input_ids'], [], '/encoder/embed_tokens');
    lengthSource = 'input_ids';
  } else {
    x = 'inputs_embeds';
    lengthSource = 'inputs_embeds';
  }

  const blocks = spec.layers.slice(range.from, range.to);
  let positionBias = '';
  if (blocks.length > 0) {
    const maskTerm = t5.keyMaskTerm('attention_mask', '/encoder');
    const sc = `/encoder/block.${range.from}/layer.0/SelfAttention`;
    const table = b.floats('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', [spec.dims.numBuckets, spec.dims.heads], spec.relativeBias);
    const { bias } = t5.relativeBias(t5.seqLen(lengthSource, sc), table, true, sc);
    positionBias = b.node('Add', [bias, maskTerm], [], sc); // [b, h, q, k]
  }

  blocks.forEach((layer, j) => {
    const i = range.from + j;
    const s0 = `/encoder/block.${i}/layer.0`;
    const s1 = `/encoder/block.${i}/layer.1`;
    const p = `encoder.block.${i}.layer`;
    const h = t5.rmsNorm(x, b.floats(`${p}.0.layer_norm.weight`, [d], layer.selfAttentionNorm), `${s0}/layer_norm`);
    x = b.node('Add', [x, t5.attention(h, h, layer.selfAttention, positionBias, `${p}.0.SelfAttention`, `${s0}/SelfAttention`)], [], s0);
    const h2 = t5.rmsNorm(x, b.floats(`${p}.1.layer_norm.weight`, [d], layer.feedForwardNorm), `${s1}/layer_norm`);
    x = b.node('Add', [x, t5.feedForward(h2, layer.feedForward, `${p}.1.DenseReluDense`, `${s1}/DenseReluDense`)], [], s1);
  });
  const outName = range.finalNorm ? LAST_HIDDEN_STATE : HIDDEN_STATES;
  const out = range.finalNorm ? t5.rmsNorm(x, b.floats('encoder.final_layer_norm.weight', [d], spec.finalNorm), '/encoder/final_layer_norm') : x;
  b.output(out, outName, '/encoder');

  const first = input.kind === 'input_ids'
    ? { name: 'input_ids', elemType: INT64, dims: ['batch_size', 'encoder_sequence_length'] }
    : { name: 'inputs_embeds', elemType: FLOAT, dims: ['batch_size', 'encoder_sequence_length', d] };
  return b.model({
    ...o,
    inputs: [first, { name: 'attention_mask', elemType: INT64, dims: ['batch_size', 'encoder_sequence_length'] }],
    outputs: [{ name: outName, elemType: FLOAT, dims: ['batch_size', 'encoder_sequence_length', d] }],
  });
}
