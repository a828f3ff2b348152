// Character classes of the GPT-2/RoBERTa pre-tokenization regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// The reference (Rust `tokenizers`, Oniguruma) reads `\s` as the Unicode White_Space property, which
// differs from JavaScript's `\s` (JS adds U+FEFF and lacks U+0085), so whitespace is White_Space here.
// Lone surrogates are neither letters, numbers nor spaces (as in a JS `u` regex) and are encoded as
// U+FFFD, which is a symbol too, so the class and the bytes agree.

export const OTHER = 0;
export const LETTER = 1;
export const NUMBER = 2;
export const SPACE = 3;

const LETTER_RE = /^\p{L}$/u;
const NUMBER_RE = /^\p{N}$/u;
const SPACE_RE = /^\p{White_Space}$/u;

function computeClass(cp: number): number {
  const s = String.fromCodePoint(cp);
  if (LETTER_RE.test(s)) return LETTER;
  if (NUMBER_RE.test(s)) return NUMBER;
  if (SPACE_RE.test(s)) return SPACE;
  return OTHER;
}

/** Class of each ASCII character, precomputed for the fast path. */
export const ASCII_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = computeClass(c);
  return t;
})();

// Non-ASCII classes are computed on first sight and remembered (value = class + 1; 0 = unknown).
const bmpMemo = new Uint8Array(65536);
const astralMemo = new Map<number, number>();

/** Class of a code point (a lone surrogate's code unit counts as OTHER). */
export function classOfCodePoint(cp: number): number {
  if (cp < 128) return ASCII_CLASS[cp]!;
  if (cp < 65536) {
    const m = bmpMemo[cp]!;
    if (m !== 0) return m - 1;
    const c = computeClass(cp);
    bmpMemo[cp] = c + 1;
    return c;
  }
  let c = astralMemo.get(cp);
  if (c === undefined) {
    c = computeClass(cp);
    astralMemo.set(cp, c);
  }
  return c;
}

/** Unicode White_Space, as Rust's `char::is_whitespace` / regex `\s` (used for lstrip/rstrip). */
export function isWhiteSpaceCode(c: number): boolean {
  return c < 128 ? ASCII_CLASS[c] === SPACE : classOfCodePoint(c) === SPACE;
}
