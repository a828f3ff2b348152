// The T5 decoder with its LM head as an ONNX graph: decoder token ids, the encoder's output and its
// attention mask in, logits for every decoder position out. Self-attention is causal with its own
// (unidirectional) relative position bias; cross-attention has no position bias, only the
// encoder mask; the final RMS norm is followed, for tied heads, by the d_model^-0.5 rescaling.
import type { onnx } from 'onnx-proto';
import { FLOAT, GraphBuilder, INT64 } from './builder';
import { type DecoderLayerMatrices, type T5GraphDims, T5Layers } from './t5-layers';

export interface DecoderGraphSpec {
  readonly dims: T5GraphDims;
  /** The shared token embedding [vocab, d_model]. */
  readonly embeddings: Float32Array;
  /** Decoder block 0's table [num_buckets, heads]. */
  readonly relativeBias: Float32Array;
  readonly layers: readonly DecoderLayerMatrices[];
  readonly finalNorm: Float32Array;
  /** The LM head in [in, out] layout [d_model, vocab]. */
  readonly lmHead: Float32Array;
  /** Factor on the final hidden states before the head (d_model^-0.5 for tied heads, else 1). */
  readonly outputScale: number;
}

export const DECODER_INPUT_IDS = 'decoder_input_ids';
export const ENCODER_HIDDEN_STATES = 'encoder_hidden_states';
export const ENCODER_ATTENTION_MASK = 'encoder_attention_mask';
export const LOGITS = 'logits';

export function buildDecoderGraph(spec: DecoderGraphSpec, o: { name: string; producerVersion: string }): onnx.ModelProto {
  const b = new GraphBuilder();
  const t5 = new T5Layers(b, spec.dims);
  const { dModel: d, vocabSize, numBuckets, heads } = spec.dims;

  let x = b.node('Gather', [b.floats('shared.weight', [vocabSize, d], spec.embeddings), DECODER_INPUT_IDS], [], '/decoder/embed_tokens');
  const sc = '/decoder/block.0/layer.0/SelfAttention';
  const table = b.floats('decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', [numBuckets, heads], spec.relativeBias);
  const { bias, causal } = t5.relativeBias(t5.seqLen(DECODER_INPUT_IDS, sc), table, false, sc);
  const selfBias = b.node('Add', [bias, causal], [], sc); // [1, h, t, t]
  const crossBias = t5.keyMaskTerm(ENCODER_ATTENTION_MASK, '/decoder'); // [b, 1, 1, s]

  spec.layers.forEach((layer, i) => {
    const s = (k: number) => `/decoder/block.${i}/layer.${k}`;
    const p = `decoder.block.${i}.layer`;
    const h0 = t5.rmsNorm(x, b.floats(`${p}.0.layer_norm.weight`, [d], layer.selfAttentionNorm), `${s(0)}/layer_norm`);
    x = b.node('Add', [x, t5.attention(h0, h0, layer.selfAttention, selfBias, `${p}.0.SelfAttention`, `${s(0)}/SelfAttention`)], [], s(0));
    const h1 = t5.rmsNorm(x, b.floats(`${p}.1.layer_norm.weight`, [d], layer.crossAttentionNorm), `${s(1)}/layer_norm`);
    x = b.node('Add', [x, t5.attention(h1, ENCODER_HIDDEN_STATES, layer.crossAttention, crossBias, `${p}.1.EncDecAttention`, `${s(1)}/EncDecAttention`)], [], s(1));
    const h2 = t5.rmsNorm(x, b.floats(`${p}.2.layer_norm.weight`, [d], layer.feedForwardNorm), `${s(2)}/layer_norm`);
    x = b.node('Add', [x, t5.feedForward(h2, layer.feedForward, `${p}.2.DenseReluDense`, `${s(2)}/DenseReluDense`)], [], s(2));
  });
  let final = t5.rmsNorm(x, b.floats('decoder.final_layer_norm.weight', [d], spec.finalNorm), '/decoder/final_layer_norm');
  if (spec.outputScale !== 1) final = b.node('Mul', [final, b.scalar('const.decoder_output_scale', spec.outputScale)], [], '/decoder');
  const logits = b.node('MatMul', [final, b.floats('lm_head.weight', [d, vocabSize], spec.lmHead)], [], '/lm_head');
  b.output(logits, LOGITS, '/lm_head');

  return b.model({
    ...o,
    inputs: [
      { name: DECODER_INPUT_IDS, elemType: INT64, dims: ['batch_size', 'decoder_sequence_length'] },
      { name: ENCODER_HIDDEN_STATES, elemType: FLOAT, dims: ['batch_size', 'encoder_sequence_length', d] },
      { name: ENCODER_ATTENTION_MASK, elemType: INT64, dims: ['batch_size', 'encoder_sequence_length'] },
    ],
    outputs: [{ name: LOGITS, elemType: FLOAT, dims: ['batch_size', 'decoder_sequence_length', vocabSize] }],
  });
}
