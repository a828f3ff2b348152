// Merge plans: which subtokens of an encoding belong to which identifier occurrence, and how
// long the sequence becomes when each identifier's subtokens collapse into one position
// (Saad et al. 2025: one merged position per identifier).
//
// Alignment rule. A token belongs to a span when its characters lie inside the span, ignoring
// one leading space that byte-level BPE glued onto it (` foo` inside `foo`). Edge cases:
// - A token that straddles a span boundary (`__(` at the end of `__init__(`, or ` $` before a
//   PHP variable) belongs to no span: merging it would fold punctuation into the identifier.
//   The occurrence is flagged `straddling` and keeps only its inside tokens.
// - A single inside token is not a group (nothing to merge); groups have 2+ tokens.
// - `self.foo` is two spans (`self`, `foo`) separated by a `.` token; `a_b`, `__init__` and
//   unicode names are single spans whose pieces all lie inside.
// - A character split over several byte-level tokens gives them all its range, so they are
//   all inside or all outside together.
import type { Encoding, SourceSpan } from '../types';

export interface SpanAlignment {
  /** Index of the first token inside the span, or -1 when none is. */
  readonly firstToken: number;
  /** Tokens inside the span. */
  readonly tokenCount: number;
  /** A token crosses the span's start or end. */
  readonly straddling: boolean;
}

export interface MergeGroup {
  /** Index into the spans the plan was built from. */
  readonly span: number;
  readonly firstToken: number;
  /** 2 or more. */
  readonly tokenCount: number;
}

export interface MergePlan {
  readonly tokenCount: number;
  readonly mergedCount: number;
  readonly alignments: SpanAlignment[];
  /** Groups in token order. */
  readonly groups: MergeGroup[];
}

/** Start of a token's text once a single leading space glued on by BPE is ignored. */
export function effectiveStart(text: string, start: number, end: number): number {
  return end - start > 1 && text.charCodeAt(start) === 0x20 ? start + 1 : start;
}

/**
 * Aligns tokens to spans (both sorted by start; spans must not overlap) in one linear pass.
 */
export function buildMergePlan(text: string, enc: Encoding, spans: readonly SourceSpan[]): MergePlan {
  const alignments: SpanAlignment[] = new Array(spans.length);
  const groups: MergeGroup[] = [];
  let saved = 0;
  let t = 0;
  const n = enc.length;
  for (let s = 0; s < spans.length; s++) {
    const span = spans[s]!;
    // Skip tokens that end at or before the span's start.
    while (t < n && enc.ends[t]! <= span.start) t++;
    let straddling = false;
    let first = -1;
    let count = 0;
    let k = t;
    for (; k < n && enc.starts[k]! < span.end; k++) {
      const start = effectiveStart(text, enc.starts[k]!, enc.ends[k]!);
      if (start >= span.start && enc.ends[k]! <= span.end) {
        if (first < 0) first = k;
        count++;
      } else if (enc.ends[k]! > span.start) {
        straddling = true;
      }
    }
    alignments[s] = { firstToken: first, tokenCount: count, straddling };
    if (count >= 2) {
      groups.push({ span: s, firstToken: first, tokenCount: count });
      saved += count - 1;
    }
    // The next span starts at or after this one's end, but a straddling token may be shared.
    t = Math.max(t, k - 1);
  }
  return { tokenCount: n, mergedCount: n - saved, alignments, groups };
}

/** Per-window view: the original token windows, each shortened by the groups inside it. */
export interface WindowSaving {
  readonly tokens: number;
  readonly merged: number;
}

/**
 * Splits the token sequence into consecutive windows of `capacity` tokens and counts each
 * window's length after merging. A group cut by a window boundary merges within each part.
 */
export function windowSavings(plan: MergePlan, capacity: number): WindowSaving[] {
  const out: WindowSaving[] = [];
  let g = 0;
  for (let w0 = 0; w0 < plan.tokenCount; w0 += capacity) {
    const w1 = Math.min(plan.tokenCount, w0 + capacity);
    let saved = 0;
    while (g < plan.groups.length && plan.groups[g]!.firstToken < w1) {
      const grp = plan.groups[g]!;
      const a = Math.max(grp.firstToken, w0);
      const b = Math.min(grp.firstToken + grp.tokenCount, w1);
      if (b - a >= 2) saved += b - a - 1;
      if (grp.firstToken + grp.tokenCount > w1) break; // continues in the next window
      g++;
    }
    out.push({ tokens: w1 - w0, merged: w1 - w0 - saved });
  }
  return out;
}
