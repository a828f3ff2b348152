// Added (special) tokens such as `<s>` or `<extra_id_0>` are found in the raw text before
// pre-tokenization, with Hugging Face's rules (tokenizers' AddedVocabulary::find_matches):
// leftmost-longest matching, `single_word` discards a match touching a word character, `lstrip` /
// `rstrip` make the token swallow the whitespace before / after it (that whitespace is part of the
// token's range), and tokens with `normalized: false` are split out before those with `normalized: true`.
import { isWhiteSpaceCode } from './charClass';

export interface AddedTokenSpec {
  readonly content: string;
  readonly id: number;
  readonly special?: boolean;
  readonly lstrip?: boolean;
  readonly rstrip?: boolean;
  readonly singleWord?: boolean;
  /** Matched in a second pass, after the non-normalized tokens (there is no normalizer to apply). */
  readonly normalized?: boolean;
}

/** One added-token occurrence: text[start, end) (including stripped whitespace) is token `id`. */
export interface AddedTokenMatch {
  start: number;
  end: number;
  id: number;
}

/** Rust regex `\w`: Alphabetic, Mark, Decimal_Number, Connector_Punctuation, Join_Control. */
const WORD_CHAR = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

class MatchingSet {
  private readonly re: RegExp;
  private readonly byContent: Map<string, AddedTokenSpec>;

  constructor(tokens: readonly AddedTokenSpec[]) {
    this.byContent = new Map(tokens.map((t) => [t.content, t]));
    // Longest alternatives first: at the leftmost position the longest token wins (leftmost-longest).
    const sorted = [...this.byContent.keys()].sort((a, b) => b.length - a.length);
    this.re = new RegExp(sorted.map(escapeRegExp).join('|'), 'gu');
  }

  /** Matches in `piece` (which starts at `base` in the whole text), in order, non-overlapping. */
  find(piece: string, base: number, out: AddedTokenMatch[]): void {
    const re = this.re;
    const to = piece.length;
    re.lastIndex = 0;
    let startOffset = 0; // end of the previous accepted match
    for (;;) {
      const m = re.exec(piece);
      if (m === null) break;
      let start = m.index;
      let stop = start + m[0].length;
      const token = this.byContent.get(m[0])!;
      if (token.singleWord) {
        const before = start > 0 && WORD_CHAR.test(charBefore(piece, start));
        const after = stop < to && WORD_CHAR.test(charAt(piece, stop));
        if (before || after) continue;
      }
      // A match starting inside whitespace that an earlier rstrip swallowed cannot be honoured
      // (HF would produce overlapping pieces); it stays plain text.
      if (start < startOffset) continue;
      if (token.lstrip) {
        while (start > startOffset && isWhiteSpaceCode(piece.charCodeAt(start - 1))) start--;
      }
      if (token.rstrip) {
        while (stop < to && isWhiteSpaceCode(piece.charCodeAt(stop))) stop++;
      }
      out.push({ start: base + start, end: base + stop, id: token.id });
      startOffset = stop;
    }
  }
}

function charBefore(text: string, i: number): string {
  const c = text.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) return text.slice(i - 2, i);
  return text[i - 1]!;
}
function charAt(text: string, i: number): string {
  return String.fromCodePoint(text.codePointAt(i)!);
}

export class AddedTokenMatcher {
  private readonly raw: MatchingSet | null;
  private readonly normalized: MatchingSet | null;
  /** First UTF-16 unit of every token; text without any of them needs no regex search. */
  private readonly firstUnits: Set<number>;

  constructor(tokens: readonly AddedTokenSpec[]) {
    const usable = tokens.filter((t) => t.content.length > 0);
    const raw = usable.filter((t) => !t.normalized);
    const norm = usable.filter((t) => t.normalized);
    this.raw = raw.length ? new MatchingSet(raw) : null;
    this.normalized = norm.length ? new MatchingSet(norm) : null;
    this.firstUnits = new Set(usable.map((t) => t.content.charCodeAt(0)));
  }

  get isEmpty(): boolean {
    return this.raw === null && this.normalized === null;
  }

  /** All added-token matches in text, sorted, non-overlapping. */
  findAll(text: string): AddedTokenMatch[] {
    const out: AddedTokenMatch[] = [];
    if (this.isEmpty || !this.mayContain(text)) return out;
    if (this.raw) this.raw.find(text, 0, out);
    if (!this.normalized) return out;
    // Second pass over the gaps the first pass left.
    const merged: AddedTokenMatch[] = [];
    let pos = 0;
    for (const m of out) {
      if (m.start > pos) this.normalized.find(text.slice(pos, m.start), pos, merged);
      merged.push(m);
      pos = m.end;
    }
    if (pos < text.length) this.normalized.find(text.slice(pos), pos, merged);
    return merged;
  }

  private mayContain(text: string): boolean {
    for (const u of this.firstUnits) if (text.indexOf(String.fromCharCode(u)) >= 0) return true;
    return false;
  }
}
