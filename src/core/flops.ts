// Analytic FLOP model of a transformer encoder, as a function of sequence length.
//
// Convention: one multiply-add = 2 FLOPs. Counted: the matrix multiplications that dominate the
// cost — Q/K/V/output projections, attention scores (QKᵀ) and context (softmax·V), and the feed-
// forward block. Left out (all O(n·d) elementwise work, < 1% at these sizes): layer norms, softmax,
// residual adds, activations, biases, dropout, the relative-position bias, the embedding lookup
// (a gather, no arithmetic) and any LM head. `onnx-graph` counting in the runtime uses the same
// convention over MatMul/Gemm nodes, so the two agree exactly on the counted terms.

export type FfnKind = 'relu' | 'gelu' | 'gated-gelu' | 'gated-silu';

export interface EncoderConfig {
  /** Stable key, e.g. "codet5-base". */
  readonly key: string;
  readonly label: string;
  readonly family: 't5' | 'roberta';
  readonly dModel: number;
  readonly dFf: number;
  readonly layers: number;
  readonly heads: number;
  readonly dKv: number;
  readonly ffn: FfnKind;
  readonly vocabSize: number;
  /** Input window in tokens, including the special tokens the model adds. */
  readonly maxInputTokens: number;
  /** Special tokens added per window (<s> … </s> = 2). */
  readonly specialTokensPerWindow: number;
  /** Decoder layers, for the optional cross-attention estimate (0 = encoder-only model). */
  readonly decoderLayers: number;
  /** Which tokenizer the model uses; the report warns when another tokenizer's counts are used. */
  readonly tokenizer: string;
}

const t5 = (key: string, label: string, d: number, ff: number, layers: number, heads: number): EncoderConfig => ({
  key, label, family: 't5', dModel: d, dFf: ff, layers, heads, dKv: 64, ffn: 'relu', vocabSize: 32100,
  maxInputTokens: 512, specialTokensPerWindow: 2, decoderLayers: layers, tokenizer: 'codet5',
});
const roberta = (key: string, label: string, tokenizer: string): EncoderConfig => ({
  key, label, family: 'roberta', dModel: 768, dFf: 3072, layers: 12, heads: 12, dKv: 64, ffn: 'gelu',
  vocabSize: 50265, maxInputTokens: 512, specialTokensPerWindow: 2, decoderLayers: 0, tokenizer,
});

/** Known configurations (from each model's config.json on the Hugging Face Hub). */
export const MODEL_CONFIGS: readonly EncoderConfig[] = [
  t5('codet5-small', 'CodeT5-small (60M)', 512, 2048, 6, 8),
  t5('codet5-base', 'CodeT5-base (220M)', 768, 3072, 12, 12),
  t5('codet5p-220m', 'CodeT5+ 220M', 768, 3072, 12, 12),
  t5('codet5-large', 'CodeT5-large (770M)', 1024, 4096, 24, 16),
  t5('codet5p-770m', 'CodeT5+ 770M', 1024, 4096, 24, 16),
  roberta('codebert', 'CodeBERT (125M)', 'codebert'),
  roberta('graphcodebert', 'GraphCodeBERT (125M)', 'codebert'),
  { ...roberta('unixcoder', 'UniXcoder (125M)', 'unixcoder'), vocabSize: 51416, maxInputTokens: 1024 },
];

export const DEFAULT_MODEL_KEY = 'codet5-base';

export function modelConfig(key: string): EncoderConfig {
  const cfg = MODEL_CONFIGS.find((c) => c.key === key);
  if (!cfg) {
    throw new Error(`Unknown model "${key}". Known: ${MODEL_CONFIGS.map((c) => c.key).join(', ')}.`);
  }
  return cfg;
}

const POSITIVE_FIELDS = ['dModel', 'dFf', 'layers', 'heads', 'dKv', 'vocabSize', 'maxInputTokens'] as const;

/**
 * Throws a RangeError naming the field unless every size is a whole number ≥ 1 (and the window
 * holds more than its special tokens). The built-in table passes; a config read from a file may
 * say anything, and `num_layers: -3` would otherwise give negative FLOPs.
 */
export function checkEncoderConfig(cfg: EncoderConfig): EncoderConfig {
  for (const k of POSITIVE_FIELDS) {
    const v = cfg[k];
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${cfg.key}: ${k} must be a whole number ≥ 1, got ${String(v)}`);
  }
  for (const k of ['decoderLayers', 'specialTokensPerWindow'] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 0) throw new RangeError(`${cfg.key}: ${k} must be a whole number ≥ 0, got ${String(cfg[k])}`);
  }
  if (cfg.specialTokensPerWindow >= cfg.maxInputTokens) {
    throw new RangeError(`${cfg.key}: a window of ${cfg.maxInputTokens} tokens leaves no room beside ${cfg.specialTokensPerWindow} special tokens`);
  }
  return cfg;
}

/** Per-term FLOPs of one encoder pass over `n` tokens (all layers). */
export interface FlopBreakdown {
  readonly tokens: number;
  readonly projections: number;
  readonly attentionScores: number;
  readonly attentionContext: number;
  readonly feedForward: number;
  readonly total: number;
}

export function encoderFlops(cfg: EncoderConfig, n: number): FlopBreakdown {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sequence length must be a non-negative integer, got ${n}`);
  // Cheap, and a negative or fractional size must never turn into a FLOP count.
  if (!(cfg.layers >= 1 && cfg.heads >= 1 && cfg.dKv >= 1 && cfg.dModel >= 1 && cfg.dFf >= 1)) checkEncoderConfig(cfg);
  const inner = cfg.heads * cfg.dKv;
  const L = cfg.layers;
  // Q, K, V: d→inner each; output: inner→d.
  const projections = L * 2 * n * (3 * cfg.dModel * inner + inner * cfg.dModel);
  // QKᵀ: per head n×dKv · dKv×n; softmax·V: n×n · n×dKv.
  const attentionScores = L * 2 * n * n * inner;
  const attentionContext = L * 2 * n * n * inner;
  const ffnMatrices = cfg.ffn === 'gated-gelu' || cfg.ffn === 'gated-silu' ? 3 : 2;
  const feedForward = L * 2 * n * cfg.dModel * cfg.dFf * ffnMatrices;
  return {
    tokens: n, projections, attentionScores, attentionContext, feedForward,
    total: projections + attentionScores + attentionContext + feedForward,
  };
}

/**
 * Cost of the decoder's cross-attention over an encoder memory of `n` positions while generating
 * `outputLength` tokens (K/V of the memory projected once per layer, cached; queries per output
 * token). Only this part of the decoder depends on the encoder length, so it is what merging saves.
 */
export function crossAttentionFlops(cfg: EncoderConfig, n: number, outputLength: number): number {
  if (cfg.decoderLayers === 0) return 0;
  const inner = cfg.heads * cfg.dKv;
  const kv = 2 * 2 * n * cfg.dModel * inner;
  const q = 2 * outputLength * cfg.dModel * inner;
  const scoresAndContext = 2 * 2 * outputLength * n * inner;
  const out = 2 * outputLength * inner * cfg.dModel;
  return cfg.decoderLayers * (kv + q + scoresAndContext + out);
}

/** Content tokens that fit in one window beside the special tokens. */
export function windowCapacity(cfg: Pick<EncoderConfig, 'maxInputTokens' | 'specialTokensPerWindow'>): number {
  return cfg.maxInputTokens - cfg.specialTokensPerWindow;
}

/** Lengths (with special tokens) of the windows needed to encode `contentTokens` tokens. */
export function windowLengths(cfg: EncoderConfig, contentTokens: number): number[] {
  const cap = windowCapacity(cfg);
  const out: number[] = [];
  for (let left = contentTokens; left > 0; left -= cap) out.push(Math.min(cap, left) + cfg.specialTokensPerWindow);
  return out;
}

/** Total encoder FLOPs to encode `contentTokens` tokens packed into consecutive windows. */
export function windowedEncoderFlops(cfg: EncoderConfig, contentTokens: number): number {
  let total = 0;
  for (const len of windowLengths(cfg, contentTokens)) total += encoderFlops(cfg, len).total;
  return total;
}

/**
 * encoderFlops(cfg, n).total = linear·n + quadratic·n². Summing window lengths and their
 * squares (integers) keeps totals exact however they are split (shards, files, windows).
 */
export function flopCoefficients(cfg: EncoderConfig): { linear: number; quadratic: number } {
  const one = encoderFlops(cfg, 1).total;
  const two = encoderFlops(cfg, 2).total;
  const quadratic = (two - 2 * one) / 2;
  return { linear: one - quadratic, quadratic };
}

export function flopsFromSums(cfg: EncoderConfig, sums: { sum: number; sumSq: number }): number {
  const { linear, quadratic } = flopCoefficients(cfg);
  return linear * sums.sum + quadratic * sums.sumSq;
}

/**
 * Encoder FLOPs when merging after block `mergeLayer` (0 = at the embeddings): blocks before it run
 * on `n` positions, the rest on `m`. Every term of encoderFlops is layers × a per-layer cost, so
 * the split is exact: (K/L)·encoderFlops(n) + ((L−K)/L)·encoderFlops(m), term by term.
 */
export function encoderFlopsAtLayer(cfg: EncoderConfig, n: number, m: number, mergeLayer: number): FlopBreakdown {
  const L = cfg.layers;
  if (!Number.isInteger(mergeLayer) || mergeLayer < 0 || mergeLayer > L) {
    throw new RangeError(`merge layer must be a whole number from 0 to ${L} for ${cfg.key}, got ${mergeLayer}`);
  }
  const a = encoderFlops(cfg, n);
  const b = encoderFlops(cfg, m);
  const mix = (x: number, y: number): number => (x / L) * mergeLayer + (y / L) * (L - mergeLayer);
  const projections = mix(a.projections, b.projections);
  const attentionScores = mix(a.attentionScores, b.attentionScores);
  const attentionContext = mix(a.attentionContext, b.attentionContext);
  const feedForward = mix(a.feedForward, b.feedForward);
  return { tokens: m, projections, attentionScores, attentionContext, feedForward, total: projections + attentionScores + attentionContext + feedForward };
}
