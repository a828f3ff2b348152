// Single-pass scanner for the C-like languages (JavaScript, TypeScript, TSX, Java, Go, Rust, C,
// C++, C#): comments, string/char/template/raw literals, regex literals, preprocessor lines,
// numbers, words (identifier or keyword) and operators, classified the way the tree-sitter path
// classifies the leaves they become (see grammars/README.md). Char codes and lookup tables only:
// no regular expression and no allocation per character; one slice per word of keyword length.

import { CHAR_CLASS, C_IDENT_PART, C_PUNCT, isDigit, isIdentPart, isIdentStart, isSpace, opKey, scanNumber, scanOperator } from './chars';
import { SpanSink } from './sink';
import type { WordSets } from './words';

export interface CLikeProfile {
  readonly words: WordSets;
  /** Words that tree-sitter makes named leaves of category `other` (Rust `mut`). */
  readonly otherWords?: ReadonlySet<string>;
  /** JS/TS: a word after `.`/`?.` is a property name even when reserved (`x.default`). */
  readonly propertyAfterDot: boolean;
  /** `$` is a name character (JavaScript, Java, C#? no). */
  readonly dollarInName: boolean;
  /** JS `#private` names. */
  readonly hashNames: boolean;
  readonly preprocessor: 'c' | 'csharp' | undefined;
  /** JS/TS template strings with `${}`; Go raw strings. */
  readonly backtick: 'template' | 'raw' | undefined;
  readonly regexLiterals: boolean;
  /** What `'` starts: a string (JS), a char literal (C, Java, C#, Go rune), or char-or-lifetime (Rust). */
  readonly singleQuote: 'string' | 'char' | 'rust';
  /** Char literals are leaves in the grammar: their string span keeps the quotes (Java, Go, Rust, C#). */
  readonly charIsLeaf: boolean;
  readonly rustStrings: boolean;
  readonly cppRawStrings: boolean;
  readonly csharpStrings: boolean;
  readonly javaTextBlocks: boolean;
  readonly nestedBlockComments: boolean;
  /** Node types reported for identifiers (informational: agreement is measured on ranges). */
  readonly identifierType: string;
  readonly stringType: string;
}

const PREV_NONE = 0, PREV_OPERAND = 1, PREV_OPERATOR = 2, PREV_DOT = 3, PREV_KEYWORD = 4;

/** Keywords after which an expression (so a regex literal) starts. */
const EXPRESSION_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);
const NOT_OPERATOR_2 = new Set([opKey('//')]);
const MAX_NESTING = 256;

export function scanCLike(text: string, profile: CLikeProfile): SpanSink {
  return new CLikeScanner(text, profile).run();
}

class CLikeScanner {
  private readonly sink = new SpanSink();
  private readonly n: number;
  private i = 0;
  private prev = PREV_NONE;
  /** Last word emitted as keyword (for the regex heuristic). */
  private prevKeyword = '';
  /** Brace depth per open template substitution (JS `${`) or C# interpolation. */
  private readonly holes: number[] = [];
  private atLineStart = true;

  constructor(private readonly text: string, private readonly p: CLikeProfile) {
    this.n = text.length;
  }

  run(): SpanSink {
    this.code();
    return this.sink;
  }

  /** Scans code until the end, or (when a hole is open) until the `}` closing it. */
  private code(): void {
    const { text, n, p, sink } = this;
    while (this.i < n) {
      const i = this.i;
      const c = text.charCodeAt(i);
      if (c === 10) { this.atLineStart = true; this.i++; continue; }
      if (c < 128 ? CHAR_CLASS[c]! & 1 : isSpace(c)) { this.i++; continue; }
      const lineStart = this.atLineStart;
      this.atLineStart = false;

      if (c < 128 ? CHAR_CLASS[c]! & 2 : isIdentStart(c)) {
        if (!this.prefixedLiteral(i, c)) this.word(i);
        continue;
      }
      if (isDigit(c) || (c === 46 && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
        const e = scanNumber(text, i, n);
        sink.category(i, e, 'other');
        this.i = e;
        this.prev = PREV_OPERAND;
        continue;
      }
      const c1 = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c === 47 /* / */) {
        if (c1 === 47) { this.lineComment(i); continue; }
        if (c1 === 42) { this.blockComment(i); continue; }
        if (p.regexLiterals && this.regexAllowed()) { this.regex(i); continue; }
      }
      if (c === 34 /* " */) { this.quoted(i, i + 1, 34, p.stringType); continue; }
      if (c === 39 /* ' */) { this.singleQuote(i); continue; }
      if (c === 96 /* ` */ && p.backtick) {
        if (p.backtick === 'template') this.template(i);
        else this.rawBacktick(i);
        continue;
      }
      if (c === 35 /* # */) {
        if (lineStart && p.preprocessor) { this.preprocessor(i); continue; }
        if (p.hashNames && i + 1 < n && isIdentStart(c1)) { this.word(i + 1, i); continue; }
        if (i === 0 && c1 === 33 && !(i + 2 < n && text.charCodeAt(i + 2) === 91)) { const e = this.lineEnd(i); sink.category(i, e, 'other'); this.i = e; continue; }
      }
      if (c === 36 /* $ */ && p.dollarInName) { this.word(i); continue; }
      if (c === 36 && p.rustStrings && isIdentStart(c1)) { this.word(i + 1, i); continue; } // macro metavariable `$name`
      if (c === 64 /* @ */ && p.csharpStrings) {
        if (c1 === 34) { this.verbatim(i, i + 2, 'verbatim_string_literal'); continue; }
        if (c1 === 36 && i + 2 < n && text.charCodeAt(i + 2) === 34) { this.interpolated(i, i + 3, true); continue; }
        if (isIdentStart(c1)) { this.word(i + 1, i); continue; } // @class: a name
      }
      if (c === 36 && p.csharpStrings) {
        if (c1 === 34) { this.interpolated(i, i + 2, false); continue; }
        if (c1 === 64 && i + 2 < n && text.charCodeAt(i + 2) === 34) { this.interpolated(i, i + 3, true); continue; }
      }
      if (this.holes.length > 0) {
        if (c === 123) this.holes[this.holes.length - 1]!++;
        else if (c === 125) {
          if (this.holes[this.holes.length - 1] === 0) return; // the caller takes the `}`
          this.holes[this.holes.length - 1]!--;
        }
      }
      // Punctuation and operators.
      const e = c < 128 && CHAR_CLASS[c]! & C_PUNCT ? scanOperator(text, i, n, NOT_OPERATOR_2) : i + 1;
      sink.category(i, e, c < 128 && CHAR_CLASS[c]! & C_PUNCT ? 'operator' : 'other');
      this.i = e;
      this.prev = c === 46 && e === i + 1 ? PREV_DOT : (c === 63 && e === i + 2 && c1 === 46) ? PREV_DOT
        : c === 41 || c === 93 || c === 125 ? PREV_OPERAND : PREV_OPERATOR;
      if (!p.propertyAfterDot && c === 45 && c1 === 62) this.prev = PREV_DOT;
    }
  }

  private lineEnd(i: number): number {
    const { text, n } = this;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) break;
      i++;
    }
    return i;
  }

  private lineComment(i: number): void {
    let e = this.lineEnd(i);
    // A C line comment continues over a trailing backslash.
    while (this.p.preprocessor === 'c' && e < this.n && e > i && this.text.charCodeAt(e - 1) === 92) e = this.lineEnd(e + 1);
    this.sink.category(i, e, 'comment');
    this.i = e;
  }

  private blockComment(i: number): void {
    const { text, n } = this;
    let j = i + 2, depth = 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 42 && j + 1 < n && text.charCodeAt(j + 1) === 47) {
        j += 2;
        if (--depth === 0) break;
        continue;
      }
      if (c === 47 && this.p.nestedBlockComments && j + 1 < n && text.charCodeAt(j + 1) === 42) { depth++; j += 2; continue; }
      j++;
    }
    this.sink.category(i, Math.min(j, n), 'comment');
    this.i = Math.min(j, n);
  }

  private regexAllowed(): boolean {
    if (this.prev === PREV_OPERAND || this.prev === PREV_DOT) return false;
    if (this.prev === PREV_KEYWORD) return EXPRESSION_KEYWORDS.has(this.prevKeyword);
    return true;
  }

  /** JS regex literal `/.../flags`. Tree-sitter splits off the flags: `/`, pattern, `/` operator, flags. */
  private regex(i: number): void {
    const { text, n, sink } = this;
    let j = i + 1, inClass = false;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 10 || c === 13) break; // not a regex after all: let the slash be an operator
      if (c === 92) { j += 2; continue; }
      if (c === 91) inClass = true;
      else if (c === 93) inClass = false;
      else if (c === 47 && !inClass) break;
      j++;
    }
    if (j >= n || text.charCodeAt(j) !== 47) {
      sink.category(i, i + 1, 'operator');
      this.i = i + 1;
      this.prev = PREV_OPERATOR;
      return;
    }
    let f = j + 1;
    while (f < n && isIdentPart(text.charCodeAt(f))) f++;
    if (f > j + 1) {
      sink.category(i, j, 'string');
      sink.stringContent(i + 1, j, 'regex');
      sink.category(j, j + 1, 'operator');
      sink.category(j + 1, f, 'string');
      sink.stringContent(j + 1, f, 'regex');
    } else {
      sink.category(i, f, 'string');
      sink.stringContent(i + 1, j, 'regex');
    }
    this.i = f;
    this.prev = PREV_OPERAND;
  }

  /** A word at `i` (or at `nameStart` when a sigil such as `#`/`@` precedes it). */
  private word(i: number, nameStart = i): void {
    const { text, n, p, sink } = this;
    let e = i + 1;
    while (e < n) {
      const c = text.charCodeAt(e);
      if (c < 128 ? (CHAR_CLASS[c]! & C_IDENT_PART) === 0 && !(c === 36 && p.dollarInName) : isSpace(c)) break;
      e++;
    }
    if (e < n && text.charCodeAt(e) === 33 && e - i === 11 && text.startsWith('macro_rules', i)) e++;
    this.i = e;
    const afterDot = this.prev === PREV_DOT;
    if (nameStart === i && e - i <= 16 && !(afterDot && p.propertyAfterDot)) {
      const w = text.slice(i, e);
      if (p.otherWords && p.otherWords.has(w)) {
        sink.category(i, e, 'other');
        this.prev = PREV_KEYWORD;
        this.prevKeyword = w;
        return;
      }
      if ((p.words.reserved.has(w) || (p.words.contextual.has(w) && this.contextualIsKeyword(e))) && !(p.propertyAfterDot && this.isObjectKey(i, e))) {
        sink.category(i, e, 'keyword');
        this.prev = w === 'this' || w === 'super' || w === 'true' || w === 'false' || w === 'null' || w === 'undefined' || w === 'self'
          ? PREV_OPERAND : PREV_KEYWORD;
        this.prevKeyword = w;
        return;
      }
    }
    sink.identifier(nameStart, e, p.identifierType);
    this.prev = PREV_OPERAND;
  }

  /** JS `{ default: 1 }`: a word between `{`/`,` and `:` is a property name. */
  private isObjectKey(i: number, e: number): boolean {
    const { text, n } = this;
    let j = e;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (j >= n || text.charCodeAt(j) !== 58) return false;
    let k = i - 1;
    while (k >= 0 && isSpace(text.charCodeAt(k))) k--;
    return k >= 0 && (text.charCodeAt(k) === 123 || text.charCodeAt(k) === 44);
  }

  /** A contextual keyword is one when a name, a literal, `{`, `*` or `[` follows on the same statement. */
  private contextualIsKeyword(e: number): boolean {
    const { text, n } = this;
    let j = e;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (j >= n) return false;
    const c = text.charCodeAt(j);
    return isIdentStart(c) || c === 34 || c === 39 || c === 96 || c === 123 || c === 42 || c === 91 || c === 35 || c === 36;
  }

  /** String prefixes that are part of the literal: C/C++ `L"`, `u8"`, `R"(`; Rust `b"`, `r#"`; ... */
  private prefixedLiteral(i: number, c: number): boolean {
    const { text, n, p } = this;
    if (p.rustStrings) {
      let j = i;
      if (c === 98 /* b */ || c === 99 /* c */) j++;
      if (j < n && text.charCodeAt(j) === 114 /* r */ && j + 1 < n && (text.charCodeAt(j + 1) === 34 || text.charCodeAt(j + 1) === 35)) {
        let k = j + 1, hashes = 0;
        while (k < n && text.charCodeAt(k) === 35) { hashes++; k++; }
        if (k < n && text.charCodeAt(k) === 34) { this.rustRaw(i, k + 1, hashes); return true; }
        return false;
      }
      if (j > i && j < n && text.charCodeAt(j) === 34) { this.quoted(i, j + 1, 34, p.stringType); return true; }
      if (c === 98 && j < n && text.charCodeAt(j) === 39) { this.quoted(i, j + 1, 39, 'char_literal', true); return true; }
      return false;
    }
    if (p.preprocessor === 'c') {
      // L u U u8 prefixes, optionally R (C++ raw).
      let j = i;
      if (c === 117 /* u */ && j + 1 < n && text.charCodeAt(j + 1) === 56 /* 8 */) j += 2;
      else if (c === 76 || c === 117 || c === 85) j++;
      if (p.cppRawStrings && j < n && text.charCodeAt(j) === 82 /* R */ && j + 1 < n && text.charCodeAt(j + 1) === 34) {
        return this.cppRaw(i, j + 2);
      }
      if (j === i || j >= n) return false;
      const q = text.charCodeAt(j);
      if (q === 34) { this.quoted(i, j + 1, 34, p.stringType); return true; }
      if (q === 39) { this.quoted(i, j + 1, 39, 'char_literal'); return true; }
    }
    return false;
  }

  private singleQuote(i: number): void {
    const { p } = this;
    if (p.singleQuote === 'string') { this.quoted(i, i + 1, 39, p.stringType); return; }
    if (p.singleQuote === 'rust') {
      // 'a' / '\n' / '\u{1F600}' is a char; 'a (no closing quote right after) is a lifetime or label.
      const { text, n } = this;
      const c1 = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c1 !== 92 && !(i + 2 < n && text.charCodeAt(i + 2) === 39) && !(c1 >= 0xd800 && c1 < 0xdc00 && i + 3 < n && text.charCodeAt(i + 3) === 39)) {
        if (isIdentStart(c1)) {
          // Lifetime `'a`: tree-sitter gives `'` (operator) and the name (identifier).
          this.sink.category(i, i + 1, 'operator');
          this.word(i + 1);
          return;
        }
      }
    }
    this.quoted(i, i + 1, 39, 'char_literal', this.p.charIsLeaf);
  }

  /**
   * A literal from `i` whose opening delimiter ends at `open`, closed by `quote` (backslash escapes).
   * `leaf`: the grammar does not split the literal, so its string span keeps the delimiters.
   */
  private quoted(i: number, open: number, quote: number, nodeType: string, leaf = false): void {
    const { text, n, sink, p } = this;
    if (quote === 34 && p.javaTextBlocks && open + 1 < n && text.charCodeAt(open) === 34 && text.charCodeAt(open + 1) === 34) {
      this.tripleQuoted(i, open + 2);
      return;
    }
    let j = open;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === quote) break;
      if (c === 92) { j += 2; continue; }
      if (c === 10 && !(p.rustStrings && quote === 34)) break; // unterminated: stop at the line end
      j++;
    }
    const closed = j < n && text.charCodeAt(j) === quote;
    const end = closed ? j + 1 : Math.min(j, n);
    sink.category(i, end, 'string');
    if (leaf) sink.stringContent(i, end, nodeType);
    else sink.stringContent(open, Math.min(j, n), nodeType);
    this.i = end;
    this.prev = PREV_OPERAND;
  }

  /** Java text block `"""…"""`. */
  private tripleQuoted(i: number, open: number): void {
    const { text, n, sink } = this;
    let j = open;
    while (j < n && !(text.charCodeAt(j) === 34 && j + 2 < n && text.charCodeAt(j + 1) === 34 && text.charCodeAt(j + 2) === 34)) {
      j += text.charCodeAt(j) === 92 ? 2 : 1;
    }
    const end = Math.min(j + 3, n);
    sink.category(i, end, 'string');
    sink.stringContent(open, Math.min(j, n), this.p.stringType);
    this.i = end;
    this.prev = PREV_OPERAND;
  }

  private rawBacktick(i: number): void {
    const { text, n, sink } = this;
    let j = i + 1;
    while (j < n && text.charCodeAt(j) !== 96) j++;
    const end = Math.min(j + 1, n);
    sink.category(i, end, 'string');
    sink.stringContent(i + 1, Math.min(j, n), 'raw_string_literal');
    this.i = end;
    this.prev = PREV_OPERAND;
  }

  private rustRaw(i: number, open: number, hashes: number): void {
    const { text, n, sink } = this;
    let j = open;
    for (; j < n; j++) {
      if (text.charCodeAt(j) !== 34) continue;
      let k = 0;
      while (k < hashes && j + 1 + k < n && text.charCodeAt(j + 1 + k) === 35) k++;
      if (k === hashes) break;
    }
    const end = Math.min(j + 1 + hashes, n);
    sink.category(i, end, 'string');
    // The grammar does not split a raw string: its span keeps `r#"` and `"#`.
    sink.stringContent(i, end, 'raw_string_literal');
    this.i = end;
    this.prev = PREV_OPERAND;
  }

  /** C++ `R"delim(…)delim"`: tree-sitter gives `R"`, delimiter, `(` operator, content, `)` operator, delimiter, `"`. */
  private cppRaw(i: number, open: number): boolean {
    const { text, n, sink } = this;
    let d = open;
    while (d < n && d - open <= 16 && text.charCodeAt(d) !== 40 && !isSpace(text.charCodeAt(d))) d++;
    if (d >= n || text.charCodeAt(d) !== 40) return false;
    const close = ')' + text.slice(open, d) + '"';
    const j = text.indexOf(close, d + 1);
    const contentEnd = j < 0 ? n : j;
    sink.category(i, d, 'string');
    sink.stringContent(open, d, 'raw_string_literal');
    sink.category(d, d + 1, 'operator');
    sink.category(d + 1, contentEnd, 'string');
    sink.stringContent(d + 1, contentEnd, 'raw_string_literal');
    if (j >= 0) {
      sink.category(j, j + 1, 'operator');
      sink.category(j + 1, j + close.length, 'string');
      sink.stringContent(j + 1, j + close.length - 1, 'raw_string_literal');
    }
    this.i = j < 0 ? n : j + close.length;
    this.prev = PREV_OPERAND;
    return true;
  }

  /** C# verbatim `@"…"` (`""` escapes a quote): one leaf in the grammar, quotes included in the span. */
  private verbatim(i: number, open: number, nodeType: string): void {
    const { text, n, sink } = this;
    let j = open;
    while (j < n) {
      if (text.charCodeAt(j) === 34) {
        if (j + 1 < n && text.charCodeAt(j + 1) === 34) { j += 2; continue; }
        break;
      }
      j++;
    }
    const end = Math.min(j + 1, n);
    sink.category(i, end, 'string');
    sink.stringContent(i, end, nodeType);
    this.i = end;
    this.prev = PREV_OPERAND;
  }

  /** C# `$"…{expr}…"` / `$@"…"`: contents between holes, holes are code. */
  private interpolated(i: number, open: number, verbatim: boolean): void {
    const { text, n, sink } = this;
    // The grammar's delimiter is `$`/`$@` (interpolation_start); the quote after it is an anonymous token.
    sink.category(i, open - 1, 'string');
    sink.category(open - 1, open, 'operator');
    let run = open;
    let j = open;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 34) {
        if (verbatim && j + 1 < n && text.charCodeAt(j + 1) === 34) { j += 2; continue; }
        break;
      }
      if (c === 92 && !verbatim) { j += 2; continue; }
      if (c === 123) {
        if (j + 1 < n && text.charCodeAt(j + 1) === 123) { j += 2; continue; }
        sink.category(run, j, 'string');
        sink.stringContent(run, j, 'interpolated_string_expression');
        if (!this.hole(j)) return;
        j = this.i;
        run = j;
        continue;
      }
      if (c === 10 && !verbatim) break;
      j++;
    }
    const end = j < n && text.charCodeAt(j) === 34 ? j + 1 : Math.min(j, n);
    sink.category(run, end, 'string');
    sink.stringContent(run, Math.min(j, n), 'interpolated_string_expression');
    this.i = end;
    this.prev = PREV_OPERAND;
  }

  /** Interpolated code from the `{`/`${` at `i` (of `openLen` chars) to its `}`; false when the text ended. */
  private hole(i: number, openLen = 1): boolean {
    const { sink, n } = this;
    sink.category(i, i + openLen, 'operator');
    if (this.holes.length >= MAX_NESTING) { this.i = n; return false; }
    this.i = i + openLen;
    this.prev = PREV_OPERATOR;
    this.holes.push(0);
    this.code();
    this.holes.pop();
    if (this.i >= n) return false;
    sink.category(this.i, this.i + 1, 'operator');
    this.i++;
    return true;
  }

  /** JS/TS template string. */
  private template(i: number): void {
    const { text, n, sink } = this;
    let run = i + 1;
    let j = i + 1;
    sink.category(i, i + 1, 'string');
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 96) break;
      if (c === 92) { j += 2; continue; }
      if (c === 36 && j + 1 < n && text.charCodeAt(j + 1) === 123) {
        sink.category(run, j, 'string');
        sink.stringContent(run, j, 'template_string');
        if (!this.hole(j, 2)) return;
        j = this.i;
        run = j;
        continue;
      }
      j++;
    }
    const end = Math.min(j + 1, n);
    sink.category(run, end, 'string');
    sink.stringContent(run, Math.min(j, n), 'template_string');
    this.i = end;
    this.prev = PREV_OPERAND;
  }

  /** C/C++ (and C#) preprocessor line starting with `#` at `i`. */
  private preprocessor(i: number): void {
    const { text, n, sink } = this;
    let j = i + 1;
    while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    let e = j;
    while (e < n && isIdentPart(text.charCodeAt(e))) e++;
    const directive = text.slice(j, e);
    if (this.p.preprocessor === 'csharp') {
      sink.category(i, e, 'keyword');
      this.i = e;
      if (directive === 'region' || directive === 'endregion' || directive === 'pragma' || directive === 'error' || directive === 'warning') this.preprocArg(e);
      return;
    }
    switch (directive) {
      case 'include': case 'import': case 'include_next': {
        sink.category(i, e, directive === 'include' ? 'keyword' : 'other');
        let k = e;
        while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
        if (k < n && text.charCodeAt(k) === 60 /* < */) {
          let m = k + 1;
          while (m < n && text.charCodeAt(m) !== 62 && text.charCodeAt(m) !== 10) m++;
          const end = m < n && text.charCodeAt(m) === 62 ? m + 1 : m;
          sink.category(k, end, 'string');
          sink.stringContent(k, end, 'system_lib_string');
          this.i = end;
        } else this.i = k;
        return;
      }
      case 'define': {
        sink.category(i, e, 'keyword');
        let k = e;
        while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
        let m = k;
        while (m < n && isIdentPart(text.charCodeAt(m))) m++;
        sink.identifier(k, m, 'identifier');
        if (m < n && text.charCodeAt(m) === 40) {
          // Parameters: names, commas, `...`.
          let q = m;
          while (q < n) {
            const c = text.charCodeAt(q);
            if (c === 10) break;
            if (isIdentStart(c)) {
              let r = q + 1;
              while (r < n && isIdentPart(text.charCodeAt(r))) r++;
              sink.identifier(q, r, 'identifier');
              q = r;
              continue;
            }
            if (c === 46 && text.startsWith('...', q)) { sink.category(q, q + 3, 'operator'); q += 3; continue; }
            if (!isSpace(c)) sink.category(q, q + 1, 'operator');
            q++;
            if (c === 41) break;
          }
          m = q;
        }
        this.preprocArg(m);
        return;
      }
      case 'if': case 'elif': case 'ifdef': case 'ifndef': case 'else': case 'endif': case 'elifdef': case 'elifndef':
        sink.category(i, e, 'keyword');
        this.i = e;
        this.prev = PREV_OPERATOR;
        return;
      default:
        // #pragma, #undef, #error, #line: a directive (other) and an argument (other).
        sink.category(i, e, 'other');
        this.preprocArg(e);
    }
  }

  /** Rest of a preprocessor line (backslash continuations included) as `other`, comments apart. */
  private preprocArg(from: number): void {
    const { text, n, sink } = this;
    let k = from;
    while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    let start = k;
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === 10) {
        if (k > from && (text.charCodeAt(k - 1) === 92 || (text.charCodeAt(k - 1) === 13 && text.charCodeAt(k - 2) === 92))) { k++; continue; }
        break;
      }
      if (c === 47 && k + 1 < n && (text.charCodeAt(k + 1) === 42 || text.charCodeAt(k + 1) === 47)) {
        sink.category(start, trimEnd(text, start, k), 'other');
        this.i = k;
        if (text.charCodeAt(k + 1) === 47) { this.lineComment(k); return; }
        this.blockComment(k);
        k = this.i;
        while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
        start = k;
        continue;
      }
      if (c === 34 || c === 39) {
        // Quotes inside a macro body hide comment markers.
        let q = k + 1;
        while (q < n && text.charCodeAt(q) !== c && text.charCodeAt(q) !== 10) q += text.charCodeAt(q) === 92 ? 2 : 1;
        k = Math.min(q + 1, n);
        continue;
      }
      k++;
    }
    sink.category(start, trimEnd(text, start, k), 'other');
    this.i = k;
    this.prev = PREV_OPERATOR;
  }
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}
