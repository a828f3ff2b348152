// Single-pass scanner for Ruby: `#` and `=begin`/`=end` comments, sigils (`@count`, `@@total`,
// `$stdout`, `:symbol`: one identifier with the sigil, as grammars/ruby.scm captures them),
// method names ending in `?`/`!`, strings with `#{}` interpolation, `%w[]`/`%i[]` arrays,
// `%q()`-style literals, regex literals, `?c` characters and heredocs.

import { CHAR_CLASS, C_IDENT_PART, C_PUNCT, isDigit, isIdentPart, isIdentStart, isSpace, scanNumber, scanOperator } from './chars';
import { SpanSink } from './sink';

const KEYWORDS = new Set(('alias and begin BEGIN break case class def defined? do else elsif end END ensure for if in module next nil ' +
  'not or redo rescue retry return self super then true false undef unless until when while yield __FILE__ __LINE__ __ENCODING__').split(' '));
/** Keywords after which an expression (so a regex, `?c`, heredoc or symbol) starts. */
const EXPRESSION_KEYWORDS = new Set(['and', 'or', 'not', 'if', 'unless', 'while', 'until', 'return', 'when', 'in', 'case', 'elsif', 'then', 'do', 'else', 'puts', 'yield']);
const MAX_NESTING = 200;
const PREV_NONE = 0, PREV_OPERAND = 1, PREV_OPERATOR = 2, PREV_DOT = 3;

export function scanRuby(text: string): SpanSink {
  return new RubyScanner(text).run();
}

interface PendingHeredoc { id: string; squiggly: boolean; raw: boolean }

class RubyScanner {
  private readonly sink = new SpanSink();
  private readonly n: number;
  private i = 0;
  private prev = PREV_NONE;
  /** A space came before the current token (`foo /re/` vs `a / b`). */
  private spaced = true;
  private readonly braces: number[] = [];
  private readonly heredocs: PendingHeredoc[] = [];

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  run(): SpanSink {
    this.code();
    return this.sink;
  }

  private expressionStarts(): boolean {
    return this.prev !== PREV_OPERAND && this.prev !== PREV_DOT;
  }

  private code(): void {
    const { text, n, sink } = this;
    let lineStart = true;
    while (this.i < n) {
      const i = this.i;
      const c = text.charCodeAt(i);
      if (c === 10) {
        this.i++;
        if (this.heredocs.length) this.heredocBodies();
        lineStart = true;
        this.spaced = true;
        continue;
      }
      if (c < 128 ? CHAR_CLASS[c]! & 1 : isSpace(c)) { this.i++; this.spaced = true; continue; }
      const first = lineStart;
      lineStart = false;
      const spaced = this.spaced;
      this.spaced = false;
      const c1 = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (first && c === 61 && text.startsWith('=begin', i)) {
        const j = text.indexOf('\n=end', i);
        const e = j < 0 ? n : Math.min(n, lineEnd(text, j + 1));
        sink.category(i, e, 'comment');
        this.i = e;
        continue;
      }
      if (c === 35) { const e = lineEnd(text, i); sink.category(i, e, 'comment'); this.i = e; continue; }
      if (c < 128 ? CHAR_CLASS[c]! & 2 : isIdentStart(c)) { this.word(i, i); continue; }
      if (isDigit(c)) {
        const e = scanNumber(text, i, n);
        sink.category(i, e, 'other');
        this.i = e;
        this.prev = PREV_OPERAND;
        continue;
      }
      if (c === 64 /* @ */) {
        const s = c1 === 64 ? i + 2 : i + 1;
        if (s < n && isIdentStart(text.charCodeAt(s))) { this.word(s, i, true); continue; }
      }
      if (c === 36 /* $ */ && c1 !== 0 && !isSpace(c1)) {
        if (isIdentStart(c1)) { this.word(i + 1, i, true); continue; }
        sink.identifier(i, i + 2, 'global_variable');
        this.i = i + 2;
        this.prev = PREV_OPERAND;
        continue;
      }
      if (c === 58 /* : */ && c1 !== 58 && this.prev !== PREV_DOT) {
        if (isIdentStart(c1) && (this.expressionStarts() || spaced)) { this.word(i + 1, i, true, true); continue; }
        if (c1 === 34 && (this.expressionStarts() || spaced)) { this.interpolated(i, i + 2, 34, 'delimited_symbol'); continue; }
      }
      if (c === 34 || c === 96) { this.interpolated(i, i + 1, c, c === 34 ? 'string' : 'subshell'); continue; }
      if (c === 39) { this.plain(i, i + 1, 39, 'string'); continue; }
      if (c === 47 && (this.expressionStarts() || (spaced && c1 !== 32 && c1 !== 61))) { this.interpolated(i, i + 1, 47, 'regex'); continue; }
      if (c === 37 /* % */ && this.percentLiteral(i, spaced)) continue;
      if (c === 63 /* ? */ && this.expressionStarts() && c1 !== 0 && !isSpace(c1) && !(i + 2 < n && isIdentPart(text.charCodeAt(i + 2)) && isIdentPart(c1))) {
        const e = c1 === 92 ? Math.min(i + 3, n) : i + 2;
        sink.category(i, e, 'string');
        sink.stringContent(i, e, 'character');
        this.i = e;
        this.prev = PREV_OPERAND;
        continue;
      }
      if (c === 60 && c1 === 60 && (this.expressionStarts() || spaced) && this.heredocStart(i)) continue;
      if (this.braces.length > 0) {
        if (c === 123) this.braces[this.braces.length - 1]!++;
        else if (c === 125) {
          if (this.braces[this.braces.length - 1] === 0) return;
          this.braces[this.braces.length - 1]!--;
        }
      }
      const e = c < 128 && CHAR_CLASS[c]! & C_PUNCT ? scanOperator(text, i, n) : i + 1;
      sink.category(i, e, c < 128 && CHAR_CLASS[c]! & C_PUNCT ? 'operator' : 'other');
      this.i = e;
      this.prev = (c === 46 && e === i + 1) || (c === 38 && c1 === 46) ? PREV_DOT
        : c === 41 || c === 93 || c === 125 ? PREV_OPERAND : PREV_OPERATOR;
      if (c === 58 && c1 === 58) this.prev = PREV_DOT;
    }
  }

  /** A name from `nameStart` (after any sigil at `start`). */
  private word(nameStart: number, start: number, sigil = false, symbol = false): void {
    const { text, n, sink } = this;
    let e = nameStart + 1;
    while (e < n) {
      const c = text.charCodeAt(e);
      if (c < 128 ? (CHAR_CLASS[c]! & C_IDENT_PART) === 0 : isSpace(c)) break;
      e++;
    }
    // Method names may end in ? or ! (not `?=`/`!=`, not `x ? a : b`), symbols also in =.
    if (!sigil || symbol) {
      const c = e < n ? text.charCodeAt(e) : 0, d = e + 1 < n ? text.charCodeAt(e + 1) : 0;
      if ((c === 63 || c === 33) && d !== 61) e++;
    }
    this.i = e;
    const afterDot = this.prev === PREV_DOT;
    if (!sigil && !afterDot) {
      const next = e < n ? text.charCodeAt(e) : 0;
      // `key:` of a hash (not `::`) is a name even when it is a keyword.
      const hashKey = next === 58 && (e + 1 >= n || text.charCodeAt(e + 1) !== 58);
      if (!hashKey && e - nameStart <= 12) {
        const w = text.slice(nameStart, e);
        if (KEYWORDS.has(w)) {
          sink.category(nameStart, e, 'keyword');
          this.prev = w === 'self' || w === 'nil' || w === 'true' || w === 'false' || w === 'end' || w === 'super' ? PREV_OPERAND : PREV_OPERATOR;
          return;
        }
        if (EXPRESSION_KEYWORDS.has(w)) {
          sink.identifier(nameStart, e, 'identifier');
          this.prev = PREV_OPERATOR;
          return;
        }
      }
    }
    const upper = text.charCodeAt(nameStart) >= 65 && text.charCodeAt(nameStart) <= 90;
    sink.identifier(start, e, symbol ? 'simple_symbol' : sigil ? 'instance_variable' : upper ? 'constant' : 'identifier');
    // A bare name followed by a space and an argument-looking token is a command call (`puts /x/`).
    this.prev = PREV_OPERAND;
  }

  /** `'…'`-like literal without interpolation. */
  private plain(i: number, open: number, close: number, nodeType: string, openCh = -1): void {
    const { text, n, sink } = this;
    let j = open, depth = 0;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 92) { j += 2; continue; }
      if (c === openCh) depth++;
      else if (c === close) { if (depth === 0) break; depth--; }
      j++;
    }
    j = Math.min(j, n);
    const end = Math.min(j + 1, n);
    sink.category(i, end, 'string');
    sink.stringContent(open, j, nodeType);
    this.i = end;
    this.prev = PREV_OPERAND;
  }

  /** A literal with `#{}` interpolation closed by `close` (nesting `openCh` pairs). Regex flags stay in the literal. */
  private interpolated(i: number, open: number, close: number, nodeType: string, openCh = -1): void {
    const { text, n, sink } = this;
    sink.category(i, open, 'string');
    let run = open, j = open, depth = 0;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 92) { j += 2; continue; }
      if (c === openCh) depth++;
      else if (c === close) { if (depth === 0) break; depth--; }
      else if (c === 35 && j + 1 < n && text.charCodeAt(j + 1) === 123) {
        sink.category(run, j, 'string');
        sink.stringContent(run, j, nodeType);
        if (!this.hole(j)) return;
        j = run = this.i;
        continue;
      }
      j++;
    }
    j = Math.min(j, n);
    let end = Math.min(j + 1, n);
    if (close === 47 || nodeType === 'regex') while (end < n && isIdentPart(text.charCodeAt(end)) && text.charCodeAt(end) < 128) end++;
    sink.category(run, end, 'string');
    sink.stringContent(run, j, nodeType);
    this.i = end;
    this.prev = PREV_OPERAND;
  }

  private hole(j: number): boolean {
    const { sink, n } = this;
    sink.category(j, j + 2, 'operator');
    if (this.braces.length >= MAX_NESTING) { this.i = n; return false; }
    this.i = j + 2;
    this.prev = PREV_OPERATOR;
    this.braces.push(0);
    this.code();
    this.braces.pop();
    if (this.i >= n) return false;
    sink.category(this.i, this.i + 1, 'operator');
    this.i++;
    return true;
  }

  /** `%w[a b]`, `%i(…)`, `%q{…}`, `%Q<…>`, `%(…)`, `%r{…}`. */
  private percentLiteral(i: number, spaced: boolean): boolean {
    const { text, n, sink } = this;
    if (!(this.expressionStarts() || spaced)) return false;
    let k = i + 1;
    let kind = 0;
    const c1 = k < n ? text.charCodeAt(k) : 0;
    if (c1 === 119 || c1 === 87 || c1 === 105 || c1 === 73 || c1 === 113 || c1 === 81 || c1 === 114 || c1 === 115 || c1 === 120) { kind = c1; k++; }
    if (k >= n) return false;
    const o = text.charCodeAt(k);
    const close = o === 40 ? 41 : o === 91 ? 93 : o === 123 ? 125 : o === 60 ? 62 : (o < 128 && CHAR_CLASS[o]! & C_PUNCT) ? o : -1;
    if (close < 0 || (kind === 0 && (o === 61 || isSpace(o)))) return false;
    const openCh = close === o ? -1 : o;
    if (kind === 119 || kind === 87 || kind === 105 || kind === 73) {
      // Word arrays: `%w[` is a keyword-like token, the words are `other`, the closer an operator.
      sink.category(i, k + 1, 'keyword');
      let j = k + 1;
      while (j < n && text.charCodeAt(j) !== close) {
        if (isSpace(text.charCodeAt(j))) { j++; continue; }
        const s = j;
        while (j < n && !isSpace(text.charCodeAt(j)) && text.charCodeAt(j) !== close) j += text.charCodeAt(j) === 92 ? 2 : 1;
        sink.category(s, Math.min(j, n), 'other');
      }
      if (j < n) sink.category(j, j + 1, 'operator');
      this.i = Math.min(j + 1, n);
      this.prev = PREV_OPERAND;
      return true;
    }
    const nodeType = kind === 114 ? 'regex' : kind === 120 ? 'subshell' : kind === 115 ? 'delimited_symbol' : 'string';
    if (kind === 113 || kind === 115) this.plain(i, k + 1, close, nodeType, openCh);
    else this.interpolated(i, k + 1, close, nodeType, openCh);
    return true;
  }

  /** `<<~ID`, `<<-ID`, `<<ID`, quoted IDs: the opener is a string token; the body follows the line. */
  private heredocStart(i: number): boolean {
    const { text, n, sink } = this;
    let k = i + 2;
    const m = text.charCodeAt(k);
    const squiggly = m === 126;
    if (m === 126 || m === 45) k++;
    const q = text.charCodeAt(k);
    const quoted = q === 39 || q === 34 || q === 96;
    if (quoted) k++;
    const s = k;
    while (k < n && isIdentPart(text.charCodeAt(k))) k++;
    if (k === s) return false;
    const id = text.slice(s, k);
    // `<<ID` without `~`/`-` needs an uppercase id, or it is a shift / append (`a << b`).
    if (!quoted && m !== 126 && m !== 45 && !(text.charCodeAt(s) >= 65 && text.charCodeAt(s) <= 90)) return false;
    if (quoted) { if (text.charCodeAt(k) !== q) return false; k++; }
    sink.category(i, k, 'string');
    this.heredocs.push({ id, squiggly: squiggly || m === 45, raw: q === 39 });
    this.i = k;
    this.prev = PREV_OPERAND;
    return true;
  }

  /** After the newline ending a line that opened heredocs: their bodies, one after the other. */
  private heredocBodies(): void {
    const { text, n, sink } = this;
    const pending = this.heredocs.splice(0);
    for (const h of pending) {
      // Body contents start at the newline before it (tree-sitter's heredoc_body does).
      const bodyStart = this.i - 1;
      let line = this.i, closeAt = -1;
      while (line < n) {
        let s = line;
        while (s < n && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
        const le = lineEnd(text, line);
        if (text.startsWith(h.id, s) && s + h.id.length === le) { closeAt = s; break; }
        line = le + 1;
      }
      const contentEnd = closeAt < 0 ? n : closeAt;
      let run = bodyStart, j = bodyStart;
      while (j < contentEnd && !h.raw) {
        const c = text.charCodeAt(j);
        if (c === 92) { j += 2; continue; }
        if (c === 35 && text.charCodeAt(j + 1) === 123) {
          sink.category(run, j, 'string');
          sink.stringContent(run, j, 'heredoc_body');
          if (!this.hole(j)) return;
          j = run = this.i;
          continue;
        }
        j++;
      }
      const end = closeAt < 0 ? n : closeAt + h.id.length;
      sink.category(run, end, 'string');
      sink.stringContent(run, contentEnd, 'heredoc_body');
      this.i = Math.min(end + 1, n);
    }
  }
}

function lineEnd(text: string, i: number): number {
  const j = text.indexOf('\n', i);
  return j < 0 ? text.length : j;
}

