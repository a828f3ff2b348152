// FLOPs of the whole model for a task, not just the encoder: merging shortens the encoder's input,
// but a CodeT5 model also runs its decoder, whose cost merging barely touches, so the saving on the
// whole model is smaller than the encoder's. Three profiles:
//   encoder   the encoder alone (embeddings, search, RoBERTa-shaped classifiers);
//   seq2seq   encoder + one teacher-forced decoder pass over L output positions (self-attention
//             over L, cross-attention over the encoder's output, feed-forward, LM head d_model×vocab
//             per position);
//   classify  CodeT5's classification recipe: seq2seq with L = the unmerged source length (the
//             decoder reads the source ids, unmerged; its cross-attention reads the merged memory).
// Conventions as ./flops.ts: 1 multiply-add = 2 FLOPs; attention scores and context in full (no
// causal halving, as PyTorch's FlopCounterMode counts eager attention); norms, softmax, biases out.
import { type DecoderPassFlops, decoderPassFlops } from './decoder-flops';
import { type EncoderConfig, encoderFlopsAtLayer } from './flops';

export const FLOP_PROFILES = ['encoder', 'seq2seq', 'classify'] as const;
export type FlopProfile = (typeof FLOP_PROFILES)[number];

/** A profile that needs a decoder asked of an encoder-only model. */
export class ProfileError extends RangeError {}

/** classify for encoder-decoder (CodeT5) keys, encoder for encoder-only (RoBERTa-shaped) ones. */
export function defaultProfile(cfg: EncoderConfig): FlopProfile {
  return cfg.decoderLayers > 0 ? 'classify' : 'encoder';
}

export function parseProfile(s: string): FlopProfile {
  if (!(FLOP_PROFILES as readonly string[]).includes(s)) throw new ProfileError(`unknown profile "${s}" (expected ${FLOP_PROFILES.join(', ')})`);
  return s as FlopProfile;
}

/** FLOPs of each part of the model for one input. */
export interface TaskFlopParts {
  readonly encoder: number;
  readonly decoderSelfAttention: number;
  readonly crossAttention: number;
  readonly decoderFeedForward: number;
  readonly lmHead: number;
  readonly total: number;
}

export interface TaskFlops {
  readonly profile: FlopProfile;
  /** Encoder positions before merging (n) and after (m). */
  readonly inputTokens: number;
  readonly mergedTokens: number;
  /** Decoder positions (0 for the encoder profile). */
  readonly outputTokens: number;
  readonly mergeLayer: number;
  readonly before: TaskFlopParts;
  readonly after: TaskFlopParts;
  /** 1 − after/before, of the encoder part and of the whole model. */
  readonly encoderSaving: number;
  readonly totalSaving: number;
}

export interface TaskFlopsRequest {
  readonly profile: FlopProfile;
  readonly inputTokens: number;
  readonly mergedTokens: number;
  /** seq2seq only: decoder positions L. */
  readonly outputLength?: number;
  /** 0 (default) = merge at the embeddings. */
  readonly mergeLayer?: number;
}

/** Throws a ProfileError when `profile` (or an output length) makes no sense for `cfg`. */
export function checkProfile(cfg: EncoderConfig, profile: FlopProfile, outputLength?: number): void {
  if (profile !== 'encoder' && cfg.decoderLayers === 0) {
    throw new ProfileError(`${cfg.key} is an encoder-only model: profile ${profile} needs a decoder; use --profile encoder`);
  }
  if (outputLength !== undefined && profile !== 'seq2seq') {
    throw new ProfileError(profile === 'encoder' && cfg.decoderLayers === 0
      ? `${cfg.key} is an encoder-only model: it has no decoder to produce ${outputLength} output tokens`
      : `an output length applies to profile seq2seq only (profile is ${profile})`);
  }
}

function parts(encoder: number, dec: DecoderPassFlops | undefined): TaskFlopParts {
  const p = {
    encoder,
    decoderSelfAttention: dec?.selfAttention ?? 0,
    crossAttention: dec?.crossAttention ?? 0,
    decoderFeedForward: dec?.feedForward ?? 0,
    lmHead: dec?.lmHead ?? 0,
  };
  return { ...p, total: p.encoder + p.decoderSelfAttention + p.crossAttention + p.decoderFeedForward + p.lmHead };
}

const saving = (before: number, after: number): number => (before > 0 ? 1 - after / before : 0);

/** Every part's FLOPs before and after merging, for one sequence of n → m positions. */
export function taskFlops(cfg: EncoderConfig, req: TaskFlopsRequest): TaskFlops {
  const { profile, inputTokens: n, mergedTokens: m } = req;
  const k = req.mergeLayer ?? 0;
  if (profile === 'seq2seq' && req.outputLength === undefined) throw new ProfileError('profile seq2seq needs an output length (--output-length L)');
  checkProfile(cfg, profile, profile === 'seq2seq' ? undefined : req.outputLength);
  if (!Number.isInteger(m) || m < 0 || m > n) throw new RangeError(`merged length must be a whole number from 0 to ${n}, got ${m}`);
  const L = profile === 'encoder' ? 0 : profile === 'classify' ? n : req.outputLength!;
  if (!Number.isInteger(L) || L < 0) throw new RangeError(`output length must be a non-negative integer, got ${L}`);
  const shape = {
    dModel: cfg.dModel, dFf: cfg.dFf, heads: cfg.heads, dKv: cfg.dKv, vocabSize: cfg.vocabSize, decoderLayers: cfg.decoderLayers,
    gatedFeedForward: cfg.ffn === 'gated-gelu' || cfg.ffn === 'gated-silu',
  };
  const dec = (s: number): DecoderPassFlops | undefined => (profile === 'encoder' ? undefined : decoderPassFlops(shape, L, s));
  const before = parts(encoderFlopsAtLayer(cfg, n, n, 0).total, dec(n));
  const after = parts(encoderFlopsAtLayer(cfg, n, m, k).total, dec(m));
  return {
    profile, inputTokens: n, mergedTokens: m, outputTokens: L, mergeLayer: k, before, after,
    encoderSaving: saving(before.encoder, after.encoder), totalSaving: saving(before.total, after.total),
  };
}

/** Adds per-window results (same profile and merge layer) into one. */
export function sumTaskFlops(items: readonly TaskFlops[]): TaskFlops | undefined {
  if (items.length === 0) return undefined;
  const add = (a: TaskFlopParts, b: TaskFlopParts): TaskFlopParts => ({
    encoder: a.encoder + b.encoder, decoderSelfAttention: a.decoderSelfAttention + b.decoderSelfAttention, crossAttention: a.crossAttention + b.crossAttention,
    decoderFeedForward: a.decoderFeedForward + b.decoderFeedForward, lmHead: a.lmHead + b.lmHead, total: a.total + b.total,
  });
  const [first, ...rest] = items;
  let acc = first!;
  for (const t of rest) {
    const before = add(acc.before, t.before);
    const after = add(acc.after, t.after);
    acc = {
      ...acc, inputTokens: acc.inputTokens + t.inputTokens, mergedTokens: acc.mergedTokens + t.mergedTokens, outputTokens: acc.outputTokens + t.outputTokens,
      before, after, encoderSaving: saving(before.encoder, after.encoder), totalSaving: saving(before.total, after.total),
    };
  }
  return acc;
}
