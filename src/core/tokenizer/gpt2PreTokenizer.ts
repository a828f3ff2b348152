// A hand-written scanner equivalent to the GPT-2/RoBERTa pre-tokenization regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// (with `\s` = Unicode White_Space, see charClass.ts). It is several times faster than running the
// regex and allocates nothing. Equality with the regex is tested on random and real text.
import { ASCII_CLASS as ASCII_CLASS_TABLE, SPACE as SPACE_CLASS, classOfCodePoint as classOfCodePointFn } from './charClass';

// Local bindings: CommonJS transpilers turn imported bindings into property getters, which would
// cost a call per character in these loops.
const ASCII_CLASS = ASCII_CLASS_TABLE;
const SPACE = SPACE_CLASS;
const classOfCodePoint = classOfCodePointFn;

/** Class of the character starting at i (a surrogate pair is one code point). */
function classAt(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return ASCII_CLASS[c]!;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return classOfCodePoint(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
  }
  return classOfCodePoint(c);
}

/** End of the run of characters of class `cls` starting at i. */
function runEnd(text: string, i: number, end: number, cls: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (ASCII_CLASS[c] !== cls) return i;
      i++;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        if (classOfCodePoint(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000) !== cls) return i;
        i += 2;
        continue;
      }
    }
    if (classOfCodePoint(c) !== cls) return i;
    i++;
  }
  return i;
}

/** End (exclusive) of the pre-token that starts at `i` in text[..end). Requires i < end. */
export function gpt2PreTokenEnd(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c === 39 /* ' */ && i + 1 < end) {
    const c1 = text.charCodeAt(i + 1);
    // 's 't 'm 'd
    if (c1 === 115 || c1 === 116 || c1 === 109 || c1 === 100) return i + 2;
    if (i + 2 < end) {
      const c2 = text.charCodeAt(i + 2);
      // 're 've 'll
      if ((c2 === 101 && (c1 === 114 || c1 === 118)) || (c1 === 108 && c2 === 108)) return i + 3;
    }
  }
  if (c === 32 && i + 1 < end) {
    // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: a single space joins the run after it.
    const next = classAt(text, i + 1, end);
    if (next !== SPACE) return runEnd(text, i + 1, end, next);
  }
  const cls = c < 128 ? ASCII_CLASS[c]! : classAt(text, i, end);
  if (cls !== SPACE) return runEnd(text, i, end, cls);
  // Whitespace (every White_Space character is a single UTF-16 unit).
  const k = runEnd(text, i + 1, end, SPACE);
  if (k === end) return end; // `\s+(?!\S)` at the end of the text
  // `\s+(?!\S)` backtracks one character so the last space can lead the next word; if that leaves
  // nothing, `\s+` takes the single character.
  return k - 1 > i ? k - 1 : k;
}
