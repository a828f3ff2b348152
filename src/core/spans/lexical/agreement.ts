// How closely two SpanResults of the same text agree: identifier ranges as precision/recall of one
// against the other (exact start and end), string-content ranges likewise, and the share of
// non-whitespace characters given the same syntax category. Used to hold the lexical fast path
// to the tree-sitter reference (tests, bench/lexical.ts).

import type { SpanResult, SyntaxCategory } from '../../types';
import { SYNTAX_CATEGORIES } from '../../types';
import { isSpace } from './chars';

export interface AgreementCounts {
  /** Identifier ranges found by both. */
  identifiersMatched: number;
  identifiersCandidate: number;
  identifiersReference: number;
  stringsMatched: number;
  stringsCandidate: number;
  stringsReference: number;
  /** Non-whitespace characters compared, and those in the same category in both. */
  chars: number;
  charsAgreeing: number;
  /** Disagreeing characters by "reference→candidate" category pair. */
  confusion: Record<string, number>;
}

export function emptyCounts(): AgreementCounts {
  return {
    identifiersMatched: 0, identifiersCandidate: 0, identifiersReference: 0,
    stringsMatched: 0, stringsCandidate: 0, stringsReference: 0, chars: 0, charsAgreeing: 0, confusion: {},
  };
}

/** Adds the comparison of `candidate` with `reference` (both of `text`) to `into`. */
export function addAgreement(into: AgreementCounts, text: string, candidate: SpanResult, reference: SpanResult): AgreementCounts {
  into.identifiersCandidate += candidate.identifiers.length;
  into.identifiersReference += reference.identifiers.length;
  into.identifiersMatched += matchedRanges(candidate.identifiers, reference.identifiers);
  into.stringsCandidate += candidate.strings.length;
  into.stringsReference += reference.strings.length;
  into.stringsMatched += matchedRanges(candidate.strings, reference.strings);
  const a = categoryCodes(text.length, candidate), b = categoryCodes(text.length, reference);
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) continue;
    into.chars++;
    if (a[i] === b[i]) into.charsAgreeing++;
    else {
      const key = `${nameOf(b[i]!)}→${nameOf(a[i]!)}`;
      into.confusion[key] = (into.confusion[key] ?? 0) + 1;
    }
  }
  return into;
}

export interface AgreementRates {
  identifierPrecision: number;
  identifierRecall: number;
  identifierF1: number;
  stringF1: number;
  categoryAgreement: number;
}

export function rates(c: AgreementCounts): AgreementRates {
  const p = c.identifiersCandidate ? c.identifiersMatched / c.identifiersCandidate : 1;
  const r = c.identifiersReference ? c.identifiersMatched / c.identifiersReference : 1;
  const sp = c.stringsCandidate ? c.stringsMatched / c.stringsCandidate : 1;
  const sr = c.stringsReference ? c.stringsMatched / c.stringsReference : 1;
  return {
    identifierPrecision: p,
    identifierRecall: r,
    identifierF1: p + r ? (2 * p * r) / (p + r) : 0,
    stringF1: sp + sr ? (2 * sp * sr) / (sp + sr) : 0,
    categoryAgreement: c.chars ? c.charsAgreeing / c.chars : 1,
  };
}

/** Ranges (sorted by start, as SpanResult keeps them) present in both lists with the same start and end. */
function matchedRanges(a: readonly { start: number; end: number }[], b: readonly { start: number; end: number }[]): number {
  let i = 0, j = 0, matched = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!, y = b[j]!;
    if (x.start === y.start && x.end === y.end) { matched++; i++; j++; }
    else if (x.start < y.start || (x.start === y.start && x.end < y.end)) i++;
    else j++;
  }
  return matched;
}

/** Category code per character: 0 whitespace/gap, else 1 + index in SYNTAX_CATEGORIES. */
function categoryCodes(length: number, r: SpanResult): Uint8Array {
  const codes = new Uint8Array(length);
  const { starts, ends, codes: rangeCodes } = r.categories;
  for (let i = 0; i < r.categories.length; i++) codes.fill(1 + rangeCodes[i]!, Math.max(0, starts[i]!), Math.min(ends[i]!, length));
  return codes;
}

function nameOf(code: number): SyntaxCategory {
  return code === 0 ? 'whitespace' : SYNTAX_CATEGORIES[code - 1]!;
}
