// The pieces of a T5 stack as ONNX nodes, in the order of operations of transformers'
// modeling_t5.py: RMS layer norm (no mean subtraction, no bias), attention without score scaling
// whose scores get the relative position bias (and the mask) added, ReLU / GELU / gated feed-forward,
// residual adds. The encoder and decoder graph builders (and the embedded random-weight model)
// are written with these, so every graph the project makes computes T5 the same way.
import { type GraphBuilder, FLOAT, INT64, intAttr, intsAttr } from './builder';

export type T5Activation = 'relu' | 'gelu' | 'gelu_new' | 'silu';

/** Sizes a graph needs (transformers' T5Config names in comments). */
export interface T5GraphDims {
  readonly dModel: number; // d_model
  readonly dKv: number; // d_kv
  readonly heads: number; // num_heads
  readonly dFf: number; // d_ff
  readonly vocabSize: number; // vocab_size
  readonly numBuckets: number; // relative_attention_num_buckets
  readonly maxDistance: number; // relative_attention_max_distance
  readonly eps: number; // layer_norm_epsilon
  /** dense_act_fn: "gated-gelu" checkpoints use gelu_new (the tanh approximation). */
  readonly activation: T5Activation;
}

/** Projection matrices in [in, out] layout (y = x·W), as a MatMul's weight operand holds them. */
export interface AttentionMatrices {
  /** [d_model, heads·d_kv] each. */
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  /** [heads·d_kv, d_model]. */
  readonly o: Float32Array;
}

export type FeedForwardMatrices =
  /** wi [d_model, d_ff], wo [d_ff, d_model]: act(x·wi)·wo. */
  | { readonly gated: false; readonly wi: Float32Array; readonly wo: Float32Array }
  /** (act(x·wi0) ⊙ x·wi1)·wo. */
  | { readonly gated: true; readonly wi0: Float32Array; readonly wi1: Float32Array; readonly wo: Float32Array };

export interface EncoderLayerMatrices {
  /** RMS norm weights [d_model], before the sub-layer they name. */
  readonly selfAttentionNorm: Float32Array;
  readonly selfAttention: AttentionMatrices;
  readonly feedForwardNorm: Float32Array;
  readonly feedForward: FeedForwardMatrices;
}

export interface DecoderLayerMatrices extends EncoderLayerMatrices {
  readonly crossAttentionNorm: Float32Array;
  readonly crossAttention: AttentionMatrices;
}

/** Added to the scores of keys a query must not see (padding, future positions). As transformers
 *  4.19's T5: −10000, far enough below any real score that its softmax weight is exactly 0 in float32. */
const MASKED_SCORE = -10000;

/** T5's layers on a GraphBuilder; the constants they share are added once. */
export class T5Layers {
  readonly inner: number;

  constructor(readonly b: GraphBuilder, readonly dims: T5GraphDims) {
    this.inner = dims.heads * dims.dKv;
    b.scalar('const.one', 1);
    b.scalar('const.mask_min', MASKED_SCORE);
    b.scalar('const.two', 2);
    b.scalar('const.eps', dims.eps);
    b.int64Scalar('const.i0', 0);
    b.int64Scalar('const.i1', 1);
    b.int64s('axes.0', [0]);
    b.int64s('axes.1', [1]);
    b.int64s('axes.12', [1, 2]);
    b.int64s('shape.heads', [0, 0, dims.heads, dims.dKv]);
    b.int64s('shape.inner', [0, 0, this.inner]);
  }

  /** Dim 1 (the sequence length) of `tensor`'s shape, as an int64 scalar. */
  seqLen(tensor: string, scope: string): string {
    return this.b.node('Gather', [this.b.node('Shape', [tensor], [], scope), 'const.i1'], [intAttr('axis', 0)], scope);
  }

  /** x · w / sqrt(mean(x²) + eps), over the last axis. */
  rmsNorm(x: string, weight: string, scope: string): string {
    const { b } = this;
    const ms = b.node('ReduceMean', [b.node('Pow', [x, 'const.two'], [], scope)], [intsAttr('axes', [-1]), intAttr('keepdims', 1)], scope);
    const inv = b.node('Div', ['const.one', b.node('Sqrt', [b.node('Add', [ms, 'const.eps'], [], scope)], [], scope)], [], scope);
    return b.node('Mul', [weight, b.node('Mul', [x, inv], [], scope)], [], scope);
  }

  /** Additive mask over keys [b, 1, 1, s] from a 0/1 int64 mask [b, s]: (1 − mask)·(−10000). */
  keyMaskTerm(mask: string, scope: string): string {
    const { b } = this;
    const maskF = b.node('Cast', [b.node('Unsqueeze', [mask, 'axes.12'], [], scope)], [intAttr('to', FLOAT)], scope);
    return b.node('Mul', [b.node('Sub', ['const.one', maskF], [], scope), 'const.mask_min'], [], scope);
  }

  /**
   * Relative position bias [1, heads, len, len] for a sequence of `len` (an int64 scalar) positions,
   * from `table` [num_buckets, heads]: transformers' `_relative_position_bucket` in graph form.
   * Bidirectional (encoder): half the buckets for keys after the query. Unidirectional (decoder):
   * only distances to earlier keys count. The log branch runs in float32 as torch does, and the
   * bucket of every position is computed from the actual length (no table of fixed size).
   * Also returns the causal term [len, len] (−10000 where the key is after the query).
   */
  relativeBias(len: string, table: string, bidirectional: boolean, scope: string): { bias: string; causal: string } {
    const { b, dims } = this;
    const tag = bidirectional ? 'bidirectional' : 'unidirectional';
    const nb = bidirectional ? Math.floor(dims.numBuckets / 2) : dims.numBuckets;
    const maxExact = Math.floor(nb / 2);
    const c = (name: string, make: (n: string) => string): string => {
      const n = `const.${tag}.${name}`;
      return b.has(n) ? n : make(n);
    };
    const maxExactI = c('max_exact', (n) => b.int64Scalar(n, maxExact));
    const maxExactF = c('max_exact_f', (n) => b.scalar(n, maxExact));
    const logRatio = c('log_ratio', (n) => b.scalar(n, Math.fround(Math.log(dims.maxDistance / maxExact))));
    const largeSpan = c('large_span', (n) => b.scalar(n, nb - maxExact));
    const lastBucket = c('last_bucket', (n) => b.int64Scalar(n, nb - 1));

    const pos = b.node('Range', ['const.i0', len, 'const.i1'], [], scope);
    const rel = b.node('Sub', [b.node('Unsqueeze', [pos, 'axes.0'], [], scope), b.node('Unsqueeze', [pos, 'axes.1'], [], scope)], [], scope); // [q, k] = k − q
    const keyAfterQuery = b.node('Cast', [b.node('Greater', [rel, 'const.i0'], [], scope)], [intAttr('to', INT64)], scope);
    let base: string | undefined;
    let dist: string;
    if (bidirectional) {
      base = b.node('Mul', [keyAfterQuery, c('half', (n) => b.int64Scalar(n, nb))], [], scope);
      dist = b.node('Abs', [rel], [], scope);
    } else {
      dist = b.node('Max', [b.node('Neg', [rel], [], scope), 'const.i0'], [], scope); // −min(rel, 0)
    }
    const isSmall = b.node('Less', [dist, maxExactI], [], scope);
    const distF = b.node('Cast', [dist], [intAttr('to', FLOAT)], scope);
    const logPart = b.node('Mul', [b.node('Div', [b.node('Log', [b.node('Div', [distF, maxExactF], [], scope)], [], scope), logRatio], [], scope), largeSpan], [], scope);
    const large = b.node('Min', [b.node('Add', [maxExactI, b.node('Cast', [logPart], [intAttr('to', INT64)], scope)], [], scope), lastBucket], [], scope);
    const small = b.node('Where', [isSmall, dist, large], [], scope);
    const bucket = base ? b.node('Add', [base, small], [], scope) : small;
    const biasQKH = b.node('Gather', [table, bucket], [intAttr('axis', 0)], scope); // [q, k, h]
    const bias = b.node('Unsqueeze', [b.node('Transpose', [biasQKH], [intsAttr('perm', [2, 0, 1])], scope), 'axes.0'], [], scope);
    const causal = bidirectional ? '' : b.node('Mul', [b.node('Cast', [keyAfterQuery], [intAttr('to', FLOAT)], scope), 'const.mask_min'], [], scope);
    return { bias, causal };
  }

  /**
   * One attention sub-layer's output [b, q, d_model] (before the residual add): queries from `x`
   * (already normed), keys and values from `kv` (x itself, or the encoder output for cross-
   * attention), scores plus `scoreBias` (broadcast to [b, heads, q, k]), no 1/sqrt(d_kv) scaling.
   * Weight initializers are named `<prefix>.{q,k,v,o}.weight` (holding the [in, out] matrices).
   */
  attention(x: string, kv: string, w: AttentionMatrices, scoreBias: string, prefix: string, scope: string): string {
    const { b, dims, inner } = this;
    const d = dims.dModel;
    const proj = (nm: 'q' | 'k' | 'v' | 'o', input: string, rows: number, cols: number): string =>
      b.node('MatMul', [input, b.floats(`${prefix}.${nm}.weight`, [rows, cols], w[nm])], [], `${scope}/${nm}`);
    const heads = (t: string, perm: number[]): string =>
      b.node('Transpose', [b.node('Reshape', [t, 'shape.heads'], [], scope)], [intsAttr('perm', perm)], scope);
    const q = heads(proj('q', x, d, inner), [0, 2, 1, 3]); // [b, h, q, d_kv]
    const kT = heads(proj('k', kv, d, inner), [0, 2, 3, 1]); // [b, h, d_kv, k]
    const v = heads(proj('v', kv, d, inner), [0, 2, 1, 3]); // [b, h, k, d_kv]
    const scores = b.node('Add', [b.node('MatMul', [q, kT], [], scope), scoreBias], [], scope);
    const weights = b.node('Softmax', [scores], [intAttr('axis', -1)], scope);
    const context = b.node('MatMul', [weights, v], [], scope);
    const merged = b.node('Reshape', [b.node('Transpose', [context], [intsAttr('perm', [0, 2, 1, 3])], scope), 'shape.inner'], [], scope);
    return proj('o', merged, inner, d);
  }

  /** The feed-forward sub-layer's output (before the residual add); initializers `<prefix>.{wi,wi_0,wi_1,wo}.weight`. */
  feedForward(x: string, ff: FeedForwardMatrices, prefix: string, scope: string): string {
    const { b, dims } = this;
    const { dModel: d, dFf } = dims;
    const dense = (nm: string, input: string, rows: number, cols: number, data: Float32Array): string =>
      b.node('MatMul', [input, b.floats(`${prefix}.${nm}.weight`, [rows, cols], data)], [], `${scope}/${nm}`);
    const hidden = ff.gated
      ? b.node('Mul', [this.activation(dense('wi_0', x, d, dFf, ff.wi0), scope), dense('wi_1', x, d, dFf, ff.wi1)], [], scope)
      : this.activation(dense('wi', x, d, dFf, ff.wi), scope);
    return dense('wo', hidden, dFf, d, ff.wo);
  }

  private activation(x: string, scope: string): string {
    const { b } = this;
    const constant = (name: string, v: number): string => (b.has(name) ? name : b.scalar(name, v));
    switch (this.dims.activation) {
      case 'relu':
        return b.node('Relu', [x], [], scope);
      case 'silu':
        return b.node('Mul', [x, b.node('Sigmoid', [x], [], scope)], [], scope);
      case 'gelu': {
        // 0.5·x·(1 + erf(x/√2)), torch's exact GELU.
        const erf = b.node('Erf', [b.node('Div', [x, constant('const.sqrt2', Math.SQRT2)], [], scope)], [], scope);
        return b.node('Mul', [b.node('Mul', [x, constant('const.half_f', 0.5)], [], scope), b.node('Add', [erf, 'const.one'], [], scope)], [], scope);
      }
      case 'gelu_new': {
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), transformers' NewGELUActivation.
        const cube = b.node('Pow', [x, constant('const.three', 3)], [], scope);
        const inner = b.node('Add', [x, b.node('Mul', [cube, constant('const.gelu_coeff', 0.044715)], [], scope)], [], scope);
        const tanh = b.node('Tanh', [b.node('Mul', [inner, constant('const.sqrt_2_over_pi', Math.sqrt(2 / Math.PI))], [], scope)], [], scope);
        return b.node('Mul', [b.node('Mul', [x, constant('const.half_f', 0.5)], [], scope), b.node('Add', [tanh, 'const.one'], [], scope)], [], scope);
      }
    }
  }
}
