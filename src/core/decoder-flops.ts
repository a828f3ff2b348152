// Analytic FLOPs of a T5 decoder with its LM head, with the conventions of ./flops.ts (one
// multiply-add = 2 FLOPs; only matrix products counted). Merging shortens the encoder output the
// decoder attends to, so the cross-attention terms are where generation saves.

export interface DecoderShape {
  readonly dModel: number;
  readonly dFf: number;
  readonly heads: number;
  readonly dKv: number;
  /** Gated feed-forward (wi_0, wi_1, wo: three matrices) or not (wi, wo). */
  readonly gatedFeedForward: boolean;
  readonly vocabSize: number;
  readonly decoderLayers: number;
}

export interface DecoderPassFlops {
  /** Decoder positions run (the whole prefix). */
  readonly decoderTokens: number;
  /** Encoder output positions attended to. */
  readonly encoderTokens: number;
  /** Q/K/V/O projections of the prefix, causal scores and context. */
  readonly selfAttention: number;
  /** Q/O projections of the prefix, K/V projections of the encoder output, scores and context. */
  readonly crossAttention: number;
  readonly feedForward: number;
  readonly lmHead: number;
  readonly total: number;
}

function checkLength(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/** One decoder pass over `t` positions (all of them, as the graph runs) with an encoder memory of `s`. */
export function decoderPassFlops(cfg: DecoderShape, t: number, s: number): DecoderPassFlops {
  checkLength('decoder length', t);
  checkLength('encoder length', s);
  const L = cfg.decoderLayers;
  const d = cfg.dModel;
  const inner = cfg.heads * cfg.dKv;
  // Full score matrices are computed (the causal mask zeroes half of them after the fact).
  const selfAttention = L * (2 * t * 4 * d * inner + 2 * 2 * t * t * inner);
  const crossAttention = L * (2 * t * 2 * d * inner + 2 * s * 2 * d * inner + 2 * 2 * t * s * inner);
  const feedForward = L * 2 * t * d * cfg.dFf * (cfg.gatedFeedForward ? 3 : 2);
  const lmHead = 2 * t * d * cfg.vocabSize;
  return { decoderTokens: t, encoderTokens: s, selfAttention, crossAttention, feedForward, lmHead, total: selfAttention + crossAttention + feedForward + lmHead };
}

/**
 * Greedy decoding of `steps` tokens as this project runs it: step k runs the decoder over the whole
 * prefix of k positions (start token + k − 1 generated), so the cost is Σ_{k=1..steps} pass(k, s).
 */
export function greedyDecodeFlops(cfg: DecoderShape, s: number, steps: number): number {
  checkLength('steps', steps);
  let total = 0;
  for (let k = 1; k <= steps; k++) total += decoderPassFlops(cfg, k, s).total;
  return total;
}

/**
 * The same decoding with a key/value cache, as an incremental decoder would run it: the encoder
 * output's K/V projected once, then one new position per step (attending to k cached positions).
 * Reported beside the as-run figure because it is what a deployed decoder costs.
 */
export function cachedDecodeFlops(cfg: DecoderShape, s: number, steps: number): number {
  checkLength('encoder length', s);
  checkLength('steps', steps);
  if (steps === 0) return 0;
  const d = cfg.dModel;
  const inner = cfg.heads * cfg.dKv;
  const perLayerOnce = 2 * s * 2 * d * inner;
  let perLayerSteps = 0;
  for (let k = 1; k <= steps; k++) {
    perLayerSteps += 2 * 4 * d * inner + 2 * 2 * k * inner; // self: projections of the new position, scores/context over k
    perLayerSteps += 2 * 2 * d * inner + 2 * 2 * s * inner; // cross: Q/O of the new position, scores/context over s
    perLayerSteps += 2 * d * cfg.dFf * (cfg.gatedFeedForward ? 3 : 2);
  }
  return cfg.decoderLayers * (perLayerOnce + perLayerSteps) + steps * 2 * d * cfg.vocabSize;
}
