// Whole-model FLOPs of a report, per task profile (../task-flops.ts), from window sums alone.
//
// A report keeps, per file, the sums Σn, Σn², Σm, Σm² and Σn·m over its input windows (n = a
// window's length before merging, m = after; both with special tokens). Every profile's cost per
// window is a polynomial in (n, m) of degree 2, so those integer sums give the exact total for any
// set of files, and shards still combine exactly (aggregate.ts).
//   encoder  = encoder(n → m)
//   classify = encoder(n → m) + decoder pass over t = n positions reading a memory of s = m
//   seq2seq  = encoder(n → m) + decoder pass over t = L positions (L per window) reading s = m
// and "before" is the same with m = n. Merging happens at the embeddings in a report.
import { checkProfile, defaultProfile } from '../task-flops';
import { decoderPassFlops } from '../decoder-flops';
import { type EncoderConfig, flopsFromSums } from '../flops';
import type { WindowSums } from './stats';
import type { ReportProfile } from './profile-label';

export type { ReportProfile } from './profile-label';

export function defaultReportProfile(cfg: EncoderConfig): ReportProfile {
  return { name: defaultProfile(cfg) };
}

/** Throws a ProfileError (from ../task-flops) when the profile does not fit the model. */
export function checkReportProfile(cfg: EncoderConfig, p: ReportProfile): ReportProfile {
  if (p.name === 'seq2seq' && p.outputLength === undefined) checkProfile(cfg, 'seq2seq', 0); // the encoder-only refusal first
  checkProfile(cfg, p.name, p.name === 'seq2seq' ? undefined : p.outputLength);
  if (p.name === 'seq2seq' && (!Number.isInteger(p.outputLength) || p.outputLength! < 0)) {
    throw new RangeError(`profile seq2seq needs a whole-number output length ≥ 0, got ${String(p.outputLength)}`);
  }
  return p;
}

/** A decoder pass costs A·t + B·t² + C·s + D·t·s (t decoder positions, s memory positions). */
function decoderCoefficients(cfg: EncoderConfig): { A: number; B: number; C: number; D: number } {
  const shape = {
    dModel: cfg.dModel, dFf: cfg.dFf, heads: cfg.heads, dKv: cfg.dKv, vocabSize: cfg.vocabSize, decoderLayers: cfg.decoderLayers,
    gatedFeedForward: cfg.ffn === 'gated-gelu' || cfg.ffn === 'gated-silu',
  };
  const f = (t: number, s: number) => decoderPassFlops(shape, t, s).total;
  const B = (f(2, 0) - 2 * f(1, 0)) / 2;
  const A = f(1, 0) - B;
  const C = f(0, 1);
  const D = f(1, 1) - f(1, 0) - f(0, 1);
  return { A, B, C, D };
}

export interface ProfileFlops {
  readonly before: number;
  readonly after: number;
}

/**
 * Whole-model FLOPs of `profile` over windows summarised by `before`/`after` (same windows, see
 * stats.ts) and `product` = Σ n·m.
 */
export function profileFlopsFromSums(cfg: EncoderConfig, profile: ReportProfile, before: WindowSums, after: WindowSums, product: number): ProfileFlops {
  const encBefore = flopsFromSums(cfg, before);
  const encAfter = flopsFromSums(cfg, after);
  if (profile.name === 'encoder') return { before: encBefore, after: encAfter };
  const { A, B, C, D } = decoderCoefficients(cfg);
  if (profile.name === 'classify') {
    // The decoder reads the unmerged source (t = n) in both runs; only its memory shrinks.
    const decoderT = A * before.sum + B * before.sumSq;
    return { before: encBefore + decoderT + C * before.sum + D * before.sumSq, after: encAfter + decoderT + C * after.sum + D * product };
  }
  const L = profile.outputLength ?? 0;
  const decoderT = before.count * (A * L + B * L * L);
  return { before: encBefore + decoderT + C * before.sum + D * L * before.sum, after: encAfter + decoderT + C * after.sum + D * L * after.sum };
}

export { profileLabel } from './profile-label';
