// A plain TypeScript T5 encoder forward pass, written from transformers' modeling_t5.py
// (T5LayerNorm, T5Attention with bidirectional relative position buckets, T5DenseReluDense,
// T5Stack). It is slow (float64 loops) and exists only to check ONNX graphs independently: first
// against the PyTorch reference outputs in shared/reference/t5-tiny, then against the ONNX models
// this project generates. A test oracle, so it lives under test/, not in the runtime.
import type { T5Weights } from '../../src/core/runtime/t5-graph-weights';

export type { T5Dims, T5LayerWeights, T5Weights } from '../../src/core/runtime/t5-graph-weights';

/**
 * HF `_relative_position_bucket` for the bidirectional (encoder) case, in float32 arithmetic for the
 * log branch as the exported graph computes it (Div → Log → Div → Mul → Cast).
 */
export function relativePositionBucket(rel: number, numBuckets = 32, maxDistance = 128): number {
  const half = numBuckets / 2;
  let bucket = rel > 0 ? half : 0;
  const n = Math.abs(rel);
  const maxExact = half / 2;
  if (n < maxExact) return bucket + n;
  const f = Math.fround;
  const scaled = f(f(f(Math.log(f(n / maxExact))) / f(Math.log(maxDistance / maxExact))) * (half - maxExact));
  bucket += Math.min(maxExact + Math.trunc(scaled), half - 1);
  return bucket;
}

function rmsNorm(x: Float64Array, n: number, d: number, w: Float32Array, eps: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let j = 0; j < d; j++) ss += x[i * d + j]! ** 2;
    const inv = 1 / Math.sqrt(ss / d + eps);
    for (let j = 0; j < d; j++) out[i * d + j] = w[j]! * x[i * d + j]! * inv;
  }
  return out;
}

/** x [n, a] · W [a, b] → [n, b]. */
function matmul(x: Float64Array, n: number, a: number, w: Float32Array, b: number): Float64Array {
  const out = new Float64Array(n * b);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < a; k++) {
      const xv = x[i * a + k]!;
      if (xv === 0) continue;
      const row = k * b;
      for (let j = 0; j < b; j++) out[i * b + j]! += xv * w[row + j]!;
    }
  }
  return out;
}

/**
 * Encoder output [n, d] for one sequence given its input embeddings [n, d] and an optional 0/1
 * mask over keys (masked keys get −10000 added to their scores, as in transformers 4.19).
 */
export function t5EncoderForward(w: T5Weights, embeds: Float32Array, n: number, mask?: ArrayLike<number>): Float32Array {
  const { dModel: d, dKv, heads, dFf, eps, numBuckets, maxDistance } = w.dims;
  const inner = heads * dKv;
  // Position bias + mask term, shared by all layers: [heads, n, n].
  const bias = new Float64Array(heads * n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const b = relativePositionBucket(j - i, numBuckets, maxDistance);
      const m = mask && mask[j] === 0 ? -10000 : 0;
      for (let h = 0; h < heads; h++) bias[(h * n + i) * n + j] = w.relativeBias[b * heads + h]! + m;
    }
  }
  let x: Float64Array = Float64Array.from(embeds);
  for (const L of w.layers) {
    const hN = rmsNorm(x, n, d, L.ln0, eps);
    const q = matmul(hN, n, d, L.q, inner);
    const k = matmul(hN, n, d, L.k, inner);
    const v = matmul(hN, n, d, L.v, inner);
    const ctx = new Float64Array(n * inner);
    const scores = new Float64Array(n);
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < n; i++) {
        let max = -Infinity;
        for (let j = 0; j < n; j++) {
          let s = bias[(h * n + i) * n + j]!; // no 1/sqrt(d_kv) scaling in T5
          for (let c = 0; c < dKv; c++) s += q[i * inner + h * dKv + c]! * k[j * inner + h * dKv + c]!;
          scores[j] = s;
          if (s > max) max = s;
        }
        let z = 0;
        for (let j = 0; j < n; j++) { scores[j] = Math.exp(scores[j]! - max); z += scores[j]!; }
        for (let j = 0; j < n; j++) {
          const p = scores[j]! / z;
          for (let c = 0; c < dKv; c++) ctx[i * inner + h * dKv + c]! += p * v[j * inner + h * dKv + c]!;
        }
      }
    }
    const attnOut = matmul(ctx, n, inner, L.o, d);
    for (let i = 0; i < x.length; i++) x[i]! += attnOut[i]!;
    const h2 = rmsNorm(x, n, d, L.ln1, eps);
    const ff = matmul(h2, n, d, L.wi, dFf);
    for (let i = 0; i < ff.length; i++) if (ff[i]! < 0) ff[i] = 0;
    const ffOut = matmul(ff, n, dFf, L.wo, d);
    for (let i = 0; i < x.length; i++) x[i]! += ffOut[i]!;
  }
  x = rmsNorm(x, n, d, w.finalLn, eps);
  return Float32Array.from(x);
}
