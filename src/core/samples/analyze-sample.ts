// One sample as the model reads it: `<s>` + the first `maxLength − specials` content tokens +
// `</s>` (CodeT5: 510 of them), or every token with --no-truncate. Tokens past the window are not
// seen by the model, so they are neither counted nor merged: a merge group cut by the truncation
// keeps only its kept pieces (the same rule as a group cut by a window boundary, merge/plan.ts).
import type { Encoding, SourceSpan, SpanResult, Tokenizer } from '../types';
import { buildMergePlan } from '../merge/plan';
import { spansForScope, type MergeScope } from '../merge/scope';
import { flopsFromSums, type EncoderConfig } from '../flops';
import { profileFlopsFromSums, type ReportProfile } from '../report/profile-flops';
import { analyzeText, type FileStats } from '../report/stats';
import type { SampleOrigin, SampleWindow } from './types';

/** What one sample contributes, small enough to cross threads by the hundred thousand. */
export interface SampleRecord {
  readonly origin: SampleOrigin;
  readonly language: string;
  /** Content tokens of the whole sample, before truncation. */
  readonly contentTokens: number;
  /** Content tokens the model sees (≤ maxLength − specials unless --no-truncate). */
  readonly tokens: number;
  /** `tokens` after merging. */
  readonly merged: number;
}

/** Content tokens a sample keeps: all of them with --no-truncate. */
export function keptTokenCount(contentTokens: number, window: SampleWindow, specials: number): number {
  if (!window.truncate) return contentTokens;
  return Math.min(contentTokens, Math.max(0, window.maxLength - specials));
}

/** The first `keep` tokens of an encoding (views, no copies). */
export function encodingPrefix(enc: Encoding, keep: number): Encoding {
  if (keep >= enc.length) return enc;
  return { ids: enc.ids.subarray(0, keep), starts: enc.starts.subarray(0, keep), ends: enc.ends.subarray(0, keep), length: keep };
}

/** Spans that begin before the last kept token ends: a span running past it keeps its inside tokens. */
function spansBefore(spans: readonly SourceSpan[], end: number): SourceSpan[] {
  let n = 0;
  while (n < spans.length && spans[n]!.start < end) n++;
  return n === spans.length ? (spans as SourceSpan[]) : spans.slice(0, n);
}

export interface SampleInput {
  readonly text: string;
  readonly tokenizer: Tokenizer;
  readonly window: SampleWindow;
  /** Special tokens the model adds (`<s>`, `</s>`: 2). */
  readonly specials: number;
}

/** Tokens before/after merging of one sample; `mergeSpans` are already chosen by scope and sorted. */
export function sampleCounts(input: SampleInput & { readonly mergeSpans: readonly SourceSpan[] }): { contentTokens: number; tokens: number; merged: number } {
  const enc = input.tokenizer.encode(input.text);
  const keep = keptTokenCount(enc.length, input.window, input.specials);
  const kept = encodingPrefix(enc, keep);
  const cutoff = keep > 0 ? kept.ends[keep - 1]! : 0;
  const plan = buildMergePlan(input.text, kept, spansBefore(input.mergeSpans, cutoff));
  return { contentTokens: enc.length, tokens: plan.tokenCount, merged: plan.mergedCount };
}

/**
 * A sample's full per-file statistics (identifiers, histogram, categories, identifier table) over
 * the tokens the model sees, as one window: what a dataset report sums per language. `bytes` and
 * `chars` are the whole sample's.
 */
export function sampleStats(input: SampleInput & {
  readonly path: string;
  readonly bytes: number;
  readonly language: string;
  /** Undefined for a language without a grammar: tokens counted, nothing merged. */
  readonly spans: SpanResult | undefined;
  readonly scope: MergeScope;
}): { stats: FileStats; contentTokens: number } {
  const enc = input.tokenizer.encode(input.text);
  const keep = keptTokenCount(enc.length, input.window, input.specials);
  const kept = encodingPrefix(enc, keep);
  const cutoff = keep > 0 ? kept.ends[keep - 1]! : 0;
  const spans: SpanResult | undefined = input.spans && {
    ...input.spans,
    identifiers: spansBefore(input.spans.identifiers, cutoff),
    strings: spansBefore(input.spans.strings, cutoff),
  };
  // analyzeText encodes through the tokenizer it is given: hand it the kept prefix computed above.
  const truncated: Tokenizer = Object.create(input.tokenizer, { encode: { value: () => kept } }) as Tokenizer;
  const { stats } = analyzeText({
    path: input.path, text: input.text, bytes: input.bytes, language: input.language, tokenizer: truncated, spans, scope: input.scope,
    // One window holding every kept token: a sample is never cut into windows.
    window: { capacity: Math.max(1, keep), specials: input.specials },
  });
  return { stats, contentTokens: enc.length };
}

/** The spans a sample merges under a scope (identifiers, or identifiers and strings). */
export function mergeSpansOf(spans: SpanResult | undefined, scope: MergeScope): readonly SourceSpan[] {
  return spans ? spansForScope(spans, scope) : [];
}

/** Sequence lengths the encoder runs, specials included; an empty sample runs nothing. */
export function sampleLengths(tokens: number, merged: number, specials: number): { before: number; after: number } {
  return tokens > 0 ? { before: tokens + specials, after: merged + specials } : { before: 0, after: 0 };
}

export interface SampleFlops {
  /** Sequence lengths, specials included. */
  readonly lengthBefore: number;
  readonly lengthAfter: number;
  /** Analytic encoder FLOPs (flops.ts). */
  readonly flopsBefore: number;
  readonly flopsAfter: number;
  /** Whole-model FLOPs of the report's profile (profile-flops.ts). */
  readonly modelFlopsBefore: number;
  readonly modelFlopsAfter: number;
}

/** FLOPs of one sample: one sequence of n positions before merging and m after. */
export function sampleFlops(cfg: EncoderConfig, profile: ReportProfile, specials: number, tokens: number, merged: number): SampleFlops {
  const { before: n, after: m } = sampleLengths(tokens, merged, specials);
  const count = n > 0 ? 1 : 0;
  const before = { count, sum: n, sumSq: n * n };
  const after = { count, sum: m, sumSq: m * m };
  const model = profileFlopsFromSums(cfg, profile, before, after, n * m);
  return {
    lengthBefore: n, lengthAfter: m,
    flopsBefore: flopsFromSums(cfg, before), flopsAfter: flopsFromSums(cfg, after),
    modelFlopsBefore: model.before, modelFlopsAfter: model.after,
  };
}
