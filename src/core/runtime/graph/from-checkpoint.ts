// A checkpoint's typed weights as graph specs: PyTorch keeps nn.Linear weights as [out, in]
// (y = x·Wᵀ); a MatMul wants its weight operand as [in, out], so each matrix is transposed once
// here. Transposing at build time keeps weights as initializers, so the FLOP counter sees every
// projection as a product with a weight.
import type { T5AttentionWeights, T5CheckpointWeights, T5FeedForwardWeights, Tensor } from '../weights/index';
import type { DecoderGraphSpec } from './decoder-graph';
import type { EncoderGraphSpec } from './encoder-graph';
import type { AttentionMatrices, FeedForwardMatrices, T5GraphDims } from './t5-layers';

/** [rows, cols] row-major → [cols, rows] row-major. */
export function transposed(t: Tensor): Float32Array {
  if (t.shape.length !== 2) throw new Error(`cannot transpose a tensor of shape [${t.shape.join(', ')}]`);
  const [rows, cols] = t.shape as [number, number];
  const out = new Float32Array(rows * cols);
  const src = t.data;
  // Blocked, so both sides stay in cache for the large matrices (vocab × d_model).
  const B = 64;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = src[r * cols + c]!;
    }
  }
  return out;
}

export function graphDims(w: T5CheckpointWeights): T5GraphDims {
  const c = w.config;
  return {
    dModel: c.dModel, dKv: c.dKv, heads: c.numHeads, dFf: c.dFf, vocabSize: c.vocabSize,
    numBuckets: c.relativeAttentionNumBuckets, maxDistance: c.relativeAttentionMaxDistance, eps: c.layerNormEpsilon,
    activation: c.activation,
  };
}

const attention = (a: T5AttentionWeights): AttentionMatrices => ({ q: transposed(a.q), k: transposed(a.k), v: transposed(a.v), o: transposed(a.o) });

const feedForward = (f: T5FeedForwardWeights): FeedForwardMatrices =>
  f.gated ? { gated: true, wi0: transposed(f.wi0), wi1: transposed(f.wi1), wo: transposed(f.wo) } : { gated: false, wi: transposed(f.wi), wo: transposed(f.wo) };

export function encoderSpec(w: T5CheckpointWeights): EncoderGraphSpec {
  return {
    dims: graphDims(w),
    relativeBias: w.encoder.relativeAttentionBias.data,
    layers: w.encoder.blocks.map((blk) => ({
      selfAttentionNorm: blk.selfAttentionNorm.data, selfAttention: attention(blk.selfAttention),
      feedForwardNorm: blk.feedForwardNorm.data, feedForward: feedForward(blk.feedForward),
    })),
    finalNorm: w.encoder.finalNorm.data,
  };
}

export function decoderSpec(w: T5CheckpointWeights): DecoderGraphSpec {
  return {
    dims: graphDims(w),
    embeddings: w.shared.data,
    relativeBias: w.decoder.relativeAttentionBias.data,
    layers: w.decoder.blocks.map((blk) => ({
      selfAttentionNorm: blk.selfAttentionNorm.data, selfAttention: attention(blk.selfAttention),
      crossAttentionNorm: blk.crossAttentionNorm.data, crossAttention: attention(blk.crossAttention),
      feedForwardNorm: blk.feedForwardNorm.data, feedForward: feedForward(blk.feedForward),
    })),
    finalNorm: w.decoder.finalNorm.data,
    lmHead: transposed(w.lmHead.weight),
    outputScale: w.decoderOutputScale,
  };
}
