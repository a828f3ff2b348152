// Pre-tokenizer pipelines beyond plain GPT-2 ByteLevel (tokenizer.json `Sequence`s of `Split`,
// `Digits` and `ByteLevel`). Each step maps a list of [start, end) ranges to finer ranges.
import { gpt2PreTokenEnd } from './gpt2PreTokenizer';
import { NUMBER, classOfCodePoint } from './charClass';

export type SplitBehavior = 'isolated' | 'removed' | 'contiguous';

export type PreTokenizerStep =
  /** ByteLevel with use_regex: the GPT-2 regex, via the hand-written scanner. */
  | { readonly kind: 'gpt2' }
  /** Split on a (JavaScript-compatible) regex or literal. */
  | { readonly kind: 'split'; readonly regex: RegExp; readonly behavior: SplitBehavior; readonly invert: boolean }
  /** Digits: every Unicode number character isolated, or runs of them. */
  | { readonly kind: 'digits'; readonly individual: boolean };

export interface PreTokenizerConfig {
  readonly steps: readonly PreTokenizerStep[];
  /** ByteLevel add_prefix_space: each section gets a leading space unless it starts with one. */
  readonly addPrefixSpace: boolean;
}

export const GPT2_PRE_TOKENIZER: PreTokenizerConfig = { steps: [{ kind: 'gpt2' }], addPrefixSpace: false };

/** True for the one configuration the fast path handles directly. */
export function isPlainGpt2(config: PreTokenizerConfig): boolean {
  return !config.addPrefixSpace && config.steps.length === 1 && config.steps[0]!.kind === 'gpt2';
}

/** Applies all steps to text[start, end); returns flat [s0, e0, s1, e1, ...]. */
export function preTokenizeRanges(text: string, start: number, end: number, steps: readonly PreTokenizerStep[]): number[] {
  let ranges = [start, end];
  for (const step of steps) {
    const next: number[] = [];
    for (let k = 0; k < ranges.length; k += 2) applyStep(text, ranges[k]!, ranges[k + 1]!, step, next);
    ranges = next;
  }
  return ranges;
}

function applyStep(text: string, s: number, e: number, step: PreTokenizerStep, out: number[]): void {
  if (s >= e) return;
  switch (step.kind) {
    case 'gpt2':
      for (let i = s; i < e; ) {
        const j = gpt2PreTokenEnd(text, i, e);
        out.push(i, j);
        i = j;
      }
      return;
    case 'digits':
      splitPieces(digitMatches(text, s, e, step.individual), s, e, step.individual ? 'isolated' : 'contiguous', false, out);
      return;
    case 'split':
      splitPieces(regexMatches(text, s, e, step.regex), s, e, step.behavior, step.invert, out);
      return;
  }
}

function digitMatches(text: string, s: number, e: number, individual: boolean): number[] {
  const m: number[] = [];
  for (let i = s; i < e; ) {
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    if (classOfCodePoint(cp) === NUMBER) {
      if (!individual && m.length && m[m.length - 1] === i) m[m.length - 1] = i + w;
      else m.push(i, i + w);
    }
    i += w;
  }
  return m;
}

function regexMatches(text: string, s: number, e: number, regex: RegExp): number[] {
  const piece = text.slice(s, e);
  const m: number[] = [];
  for (const match of piece.matchAll(regex)) {
    if (match[0].length === 0) continue; // HF skips empty matches
    m.push(s + match.index!, s + match.index! + match[0].length);
  }
  return m;
}

/** Turns match ranges into pieces the way HF's SplitDelimiterBehavior does. */
function splitPieces(matches: number[], s: number, e: number, behavior: SplitBehavior, invert: boolean, out: number[]): void {
  // Whole cover of [s, e) as (range, isMatch).
  const pieces: Array<[number, number, boolean]> = [];
  let pos = s;
  for (let k = 0; k < matches.length; k += 2) {
    const matchStart = matches[k]!;
    const matchEnd = matches[k + 1]!;
    if (matchStart > pos) pieces.push([pos, matchStart, invert]);
    pieces.push([matchStart, matchEnd, !invert]);
    pos = matchEnd;
  }
  if (pos < e) pieces.push([pos, e, invert]);
  let prevMatch = false;
  for (const [a, b, isMatch] of pieces) {
    if (behavior === 'removed' && isMatch) continue;
    if (behavior === 'contiguous' && isMatch && prevMatch && out.length) out[out.length - 1] = b;
    else out.push(a, b);
    prevMatch = isMatch;
  }
}
