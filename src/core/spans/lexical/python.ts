// Single-pass scanner for Python: comments, every string prefix (r, b, u, f, t and pairs), triple
// quotes, f-strings with nested interpolations and format specs, numbers, words and operators,
// classified as the tree-sitter-python grammar and grammars/python.scm classify them.

import { CHAR_CLASS, C_IDENT_PART, C_PUNCT, isDigit, isIdentStart, isSpace, scanNumber, scanOperator } from './chars';
import { SpanSink } from './sink';

const KEYWORDS = new Set(('False None True and as assert async await break class continue def del elif else except finally for ' +
  'from global if import in is lambda nonlocal not or pass raise return try while with yield').split(' '));
const MAX_NESTING = 200;

export function scanPython(text: string): SpanSink {
  return new PythonScanner(text).run();
}

/** An open f-string interpolation: bracket depth inside it, and whether it sits in a format spec. */
interface Hole {
  depth: number;
}

class PythonScanner {
  private readonly sink = new SpanSink();
  private readonly n: number;
  private i = 0;
  private readonly holes: Hole[] = [];
  /** No token yet on this logical line (soft keywords `match`, `case`, `type` start a line). */
  private lineStart = true;
  private lastKeyword = '';

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  run(): SpanSink {
    this.code();
    return this.sink;
  }

  /** Scans code to the end, or (inside an f-string hole) to the `}` or format-spec `:` ending the hole. */
  private code(): void {
    const { text, n, sink } = this;
    const hole = this.holes.length > 0 ? this.holes[this.holes.length - 1]! : undefined;
    while (this.i < n) {
      const i = this.i;
      const c = text.charCodeAt(i);
      if (c === 10) { if (!hole || hole.depth === 0) this.lineStart = true; this.i++; continue; }
      if (c < 128 ? CHAR_CLASS[c]! & 1 : isSpace(c)) { this.i++; continue; }
      const first = this.lineStart;
      this.lineStart = false;
      if (c < 128 ? CHAR_CLASS[c]! & 2 : isIdentStart(c)) { this.word(i, first); continue; }
      if (isDigit(c) || (c === 46 && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
        const e = scanNumber(text, i, n);
        sink.category(i, e, 'other');
        this.i = e;
        continue;
      }
      if (c === 35 /* # */) {
        let e = i;
        while (e < n && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13) e++;
        sink.category(i, e, 'comment');
        this.i = e;
        continue;
      }
      if (c === 34 || c === 39) { this.string(i, i, false); continue; }
      if (c === 92 /* \ line continuation */) {
        let e = i + 1;
        if (e < n && text.charCodeAt(e) === 13) e++;
        if (e < n && text.charCodeAt(e) === 10) e++;
        sink.category(i, e, 'other');
        this.i = e;
        continue;
      }
      if (hole) {
        if (c === 40 || c === 91 || c === 123) hole.depth++;
        else if (c === 41 || c === 93) hole.depth--;
        else if (c === 125) {
          if (hole.depth === 0) return;
          hole.depth--;
        } else if (hole.depth === 0) {
          if (c === 58 /* : */ && !(i + 1 < n && text.charCodeAt(i + 1) === 61)) return; // format spec
          if (c === 33 /* ! */ && i + 1 < n && text.charCodeAt(i + 1) !== 61) {
            // Conversion `!r`.
            sink.category(i, i + 2, 'other');
            this.i = i + 2;
            continue;
          }
        }
      }
      let e = c < 128 && CHAR_CLASS[c]! & C_PUNCT ? scanOperator(text, i, n) : i + 1;
      if (c === 46 && e === i + 3 && text.charCodeAt(i + 1) === 46) {
        // `...` is an ellipsis (other) except as the dots of a relative import.
        if (this.lastKeyword === 'from' || this.lastKeyword === 'import') {
          for (let k = i; k < e; k++) sink.category(k, k + 1, 'operator');
          this.i = e;
          continue;
        }
        sink.category(i, e, 'other');
        this.i = e;
        continue;
      }
      if (c === 46 && e === i + 2) e = i + 1; // `..` is not a Python operator
      sink.category(i, e, c < 128 && CHAR_CLASS[c]! & C_PUNCT ? 'operator' : 'other');
      this.i = e;
    }
  }

  private word(i: number, firstOnLine: boolean): void {
    const { text, n, sink } = this;
    let e = i + 1;
    while (e < n) {
      const c = text.charCodeAt(e);
      if (c < 128 ? (CHAR_CLASS[c]! & C_IDENT_PART) === 0 : isSpace(c)) break;
      e++;
    }
    const next = e < n ? text.charCodeAt(e) : 0;
    if ((next === 34 || next === 39) && e - i <= 2 && isStringPrefix(text, i, e)) {
      this.string(i, e, hasLetter(text, i, e, 102, 116));
      return;
    }
    this.i = e;
    if (e === i + 1 && text.charCodeAt(i) === 95 && this.lastKeyword === 'case') {
      sink.category(i, e, 'operator'); // the wildcard pattern `case _:` is an anonymous token
      return;
    }
    if (e - i <= 8) {
      const w = text.slice(i, e);
      if (KEYWORDS.has(w) || (SOFT.has(w) && this.softKeyword(w, e, firstOnLine))) {
        sink.category(i, e, 'keyword');
        this.lastKeyword = w;
        return;
      }
    }
    this.lastKeyword = '';
    sink.identifier(i, e, 'identifier');
  }

  private softKeyword(w: string, e: number, firstOnLine: boolean): boolean {
    const { text, n } = this;
    let j = e;
    while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    const c = j < n ? text.charCodeAt(j) : 0;
    if (w === 'print' || w === 'exec') {
      // Python 2 statements: `print x`, `print >>f, x`; `print(x)` is a call.
      return isIdentStart(c) || isDigit(c) || c === 34 || c === 39 || (c === 62 && text.charCodeAt(j + 1) === 62);
    }
    if (!firstOnLine) return false;
    if (w === 'type') return isIdentStart(c);
    // match / case: a statement header ends with `:` on its line.
    if (c === 61 || c === 46 || c === 44 || c === 41 || c === 58 || c === 10 || c === 0) return false;
    if (c === 40 || c === 91) {
      let k = j, last = 0;
      while (k < n && text.charCodeAt(k) !== 10 && text.charCodeAt(k) !== 35) {
        if (!isSpace(text.charCodeAt(k))) last = text.charCodeAt(k);
        k++;
      }
      return last === 58;
    }
    return true;
  }

  /** A string literal starting at `i` (prefix) whose first quote is at `q`. */
  private string(i: number, q: number, formatted: boolean): void {
    const { text, n, sink } = this;
    const quote = text.charCodeAt(q);
    const triple = q + 2 < n && text.charCodeAt(q + 1) === quote && text.charCodeAt(q + 2) === quote;
    const open = q + (triple ? 3 : 1);
    sink.category(i, open, 'string');
    let run = open, j = open;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === quote) {
        if (!triple) break;
        if (j + 2 < n && text.charCodeAt(j + 1) === quote && text.charCodeAt(j + 2) === quote) break;
      } else if (c === 92) {
        j += 2;
        continue;
      } else if (c === 10 && !triple) break;
      else if (formatted && c === 123) {
        if (j + 1 < n && text.charCodeAt(j + 1) === 123) { j += 2; continue; }
        sink.category(run, j, 'string');
        sink.stringContent(run, j, 'string');
        if (!this.hole(j)) return;
        j = run = this.i;
        continue;
      }
      j++;
    }
    j = Math.min(j, n);
    const close = j < n && text.charCodeAt(j) === quote ? j + (triple ? 3 : 1) : j;
    sink.category(run, close, 'string');
    sink.stringContent(run, j, 'string');
    this.i = Math.min(close, n);
  }

  /** An f-string interpolation from the `{` at `i` to its `}` (format spec included); false when the text ended. */
  private hole(i: number): boolean {
    const { text, n, sink } = this;
    sink.category(i, i + 1, 'operator');
    this.i = i + 1;
    if (this.holes.length >= MAX_NESTING) { this.i = n; return false; }
    this.holes.push({ depth: 0 });
    try {
      for (;;) {
        this.code();
        if (this.i >= n) return false;
        if (text.charCodeAt(this.i) === 125) {
          sink.category(this.i, this.i + 1, 'operator');
          this.i++;
          return true;
        }
        // Format spec after `:`: literal text (left unclassified, as tree-sitter leaves it) and nested holes.
        sink.category(this.i, this.i + 1, 'operator');
        let j = this.i + 1;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 125) break;
          if (c === 123) {
            if (!this.hole(j)) return false;
            j = this.i;
            continue;
          }
          j++;
        }
        this.i = j;
      }
    } finally {
      this.holes.pop();
    }
  }
}

const SOFT = new Set(['match', 'case', 'type', 'print', 'exec']);

function isStringPrefix(text: string, i: number, e: number): boolean {
  for (let k = i; k < e; k++) {
    const c = text.charCodeAt(k) | 32;
    if (c !== 114 && c !== 98 && c !== 117 && c !== 102 && c !== 116) return false;
  }
  return true;
}

function hasLetter(text: string, i: number, e: number, a: number, b: number): boolean {
  for (let k = i; k < e; k++) {
    const c = text.charCodeAt(k) | 32;
    if (c === a || c === b) return true;
  }
  return false;
}
