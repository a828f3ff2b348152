// Single-pass scanner for PHP: inline HTML outside `<?php … ?>` (category other, as tree-sitter's
// `text`), comments (`//`, `#`, `/* */`), `$variables` (one identifier with the `$`, as
// grammars/php.scm captures `variable_name`), names, case-insensitive keywords, single-quoted,
// double-quoted and backtick strings with `$x`, `$x->y`, `$x[0]` and `{$…}` interpolation,
// heredocs and nowdocs (classified whole, their `$names` still identifiers).

import { CHAR_CLASS, C_PUNCT, isDigit, isIdentPart, isIdentStart, isSpace, scanNumber, scanOperator } from './chars';
import { SpanSink } from './sink';

const KEYWORDS = new Set(('abstract and array as break callable case catch class clone const continue declare default do echo else ' +
  'elseif enddeclare endfor endforeach endif endswitch endwhile enum exit extends final finally fn for foreach ' +
  'function global goto if implements include include_once instanceof insteadof interface list match namespace new null or ' +
  'print private protected public readonly require require_once return static switch throw trait try unset use var while xor yield ' +
  'self parent int float bool string void mixed iterable object never double integer boolean real binary').split(' '));
/** Literal constants the PHP grammar names `boolean` (category other). */
const OTHER_WORDS = new Set(['true', 'false']);
const MAX_NESTING = 200;

export function scanPhp(text: string): SpanSink {
  return new PhpScanner(text).run();
}

class PhpScanner {
  private readonly sink = new SpanSink();
  private readonly n: number;
  private i = 0;
  private afterArrow = false;
  private readonly braces: number[] = [];

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  run(): SpanSink {
    while (this.i < this.n) {
      this.html();
      this.code();
    }
    return this.sink;
  }

  /** Inline HTML up to `<?php` / `<?=` / `<?`, which are `other` too. */
  private html(): void {
    const { text, n, sink } = this;
    const start = this.i;
    let j = text.indexOf('<?', start);
    if (j < 0) j = n;
    trimmedOther(sink, text, start, j);
    if (j >= n) { this.i = n; return; }
    let e = j + 2;
    if (text.startsWith('php', e) || text.startsWith('PHP', e)) e += 3;
    else if (e < n && text.charCodeAt(e) === 61) e++;
    sink.category(j, e, 'other');
    this.i = e;
  }

  /** Code up to `?>` (or, in a `{$…}` hole, to its `}`). */
  private code(): void {
    const { text, n, sink } = this;
    while (this.i < n) {
      const i = this.i;
      const c = text.charCodeAt(i);
      if (c < 128 ? CHAR_CLASS[c]! & 1 : isSpace(c)) { this.i++; continue; }
      const c1 = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c === 63 && c1 === 62 && this.braces.length === 0) { sink.category(i, i + 2, 'other'); this.i = i + 2; return; }
      if (c === 36 && isIdentStart(c1)) { this.variable(i, false); continue; }
      if (c < 128 ? CHAR_CLASS[c]! & 2 : isIdentStart(c)) { this.word(i); continue; }
      this.afterArrow = false;
      if (isDigit(c) || (c === 46 && isDigit(c1))) {
        const e = scanNumber(text, i, n);
        sink.category(i, e, 'other');
        this.i = e;
        continue;
      }
      if ((c === 35 && c1 !== 91) || (c === 47 && c1 === 47)) { this.lineComment(i); continue; }
      if (c === 47 && c1 === 42) {
        const j = text.indexOf('*/', i + 2);
        const e = j < 0 ? n : j + 2;
        sink.category(i, e, 'comment');
        this.i = e;
        continue;
      }
      if (c === 39) { this.single(i, i + 1); continue; }
      if (c === 34 || c === 96) { this.double(i, i + 1, c, c === 34 ? 'encapsed_string' : 'shell_command_expression'); continue; }
      if (c === 60 && c1 === 60 && text.startsWith('<<<', i)) { if (this.heredoc(i)) continue; }
      if (this.braces.length > 0) {
        if (c === 123) this.braces[this.braces.length - 1]!++;
        else if (c === 125) {
          if (this.braces[this.braces.length - 1] === 0) return;
          this.braces[this.braces.length - 1]!--;
        }
      }
      const e = c < 128 && CHAR_CLASS[c]! & C_PUNCT ? scanOperator(text, i, n) : i + 1;
      sink.category(i, e, c < 128 && CHAR_CLASS[c]! & C_PUNCT ? 'operator' : 'other');
      this.afterArrow = (e === i + 2 && ((c === 45 && c1 === 62) || (c === 58 && c1 === 58))) || (c === 63 && text.startsWith('?->', i));
      this.i = e;
    }
  }

  private lineComment(i: number): void {
    const { text, n } = this;
    let e = i;
    while (e < n) {
      const c = text.charCodeAt(e);
      if (c === 10 || c === 13 || (c === 63 && e + 1 < n && text.charCodeAt(e + 1) === 62)) break;
      e++;
    }
    this.sink.category(i, e, 'comment');
    this.i = e;
  }

  private variable(i: number, inString: boolean): number {
    let e = i + 2;
    while (e < this.n && isIdentPart(this.text.charCodeAt(e))) e++;
    if (inString) return e;
    this.sink.identifier(i, e, 'variable_name');
    this.i = e;
    this.afterArrow = false;
    return e;
  }

  private word(i: number): void {
    const { text, n, sink } = this;
    let e = i + 1;
    while (e < n && isIdentPart(text.charCodeAt(e))) e++;
    this.i = e;
    const afterArrow = this.afterArrow;
    this.afterArrow = false;
    if (!afterArrow && e - i <= 12) {
      const w = text.slice(i, e).toLowerCase();
      const cast = i > 0 && text.charCodeAt(i - 1) === 40 && e < n && text.charCodeAt(e) === 41;
      if (OTHER_WORDS.has(w) || (cast && KEYWORDS.has(w))) { sink.category(i, e, 'other'); return; }
      if (KEYWORDS.has(w) && !(e < n && text.charCodeAt(e) === 92)) { sink.category(i, e, 'keyword'); return; }
    }
    sink.identifier(i, e, 'name');
  }

  private single(i: number, open: number): void {
    const { text, n, sink } = this;
    let j = open;
    while (j < n && text.charCodeAt(j) !== 39) j += text.charCodeAt(j) === 92 ? 2 : 1;
    j = Math.min(j, n);
    const end = Math.min(j + 1, n);
    sink.category(i, end, 'string');
    sink.stringContent(open, j, 'string');
    this.i = end;
  }

  /** `"…"` or `` `…` `` with interpolation; tree-sitter's delimiters are the quotes. */
  private double(i: number, open: number, quote: number, nodeType: string): void {
    const { text, n, sink } = this;
    sink.category(i, open, 'string');
    let run = open, j = open;
    const flush = (at: number): void => {
      sink.category(run, at, 'string');
      sink.stringContent(run, at, nodeType);
    };
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === quote) break;
      if (c === 92) { j += 2; continue; }
      if (c === 36 && j + 1 < n && isIdentStart(text.charCodeAt(j + 1))) {
        flush(j);
        j = run = this.simpleInterpolation(j);
        continue;
      }
      if (c === 123 && j + 1 < n && text.charCodeAt(j + 1) === 36) {
        flush(j);
        sink.category(j, j + 1, 'operator');
        if (this.braces.length >= MAX_NESTING) { this.i = n; return; }
        this.i = j + 1;
        this.braces.push(0);
        this.code();
        this.braces.pop();
        if (this.i >= n) return;
        sink.category(this.i, this.i + 1, 'operator');
        j = run = this.i + 1;
        continue;
      }
      j++;
    }
    j = Math.min(j, n);
    const end = Math.min(j + 1, n);
    flush(j);
    sink.category(j, end, 'string');
    this.i = end;
  }

  /** `$x`, `$x->y`, `$x[0]` inside a double-quoted string; returns where the literal resumes. */
  private simpleInterpolation(j: number): number {
    const { text, n, sink } = this;
    const e = this.variable(j, true);
    sink.identifier(j, e, 'variable_name');
    if (text.startsWith('->', e) && e + 2 < n && isIdentStart(text.charCodeAt(e + 2))) {
      let f = e + 3;
      while (f < n && isIdentPart(text.charCodeAt(f))) f++;
      sink.category(e, e + 2, 'operator');
      sink.identifier(e + 2, f, 'name');
      return f;
    }
    if (e < n && text.charCodeAt(e) === 91) {
      const close = text.indexOf(']', e);
      if (close > e && close - e < 64) {
        sink.category(e, e + 1, 'operator');
        const k = e + 1;
        if (text.charCodeAt(k) === 36) sink.identifier(k, this.variable(k, true), 'variable_name');
        else if (isDigit(text.charCodeAt(k))) sink.category(k, close, 'other');
        else sink.identifier(k, close, 'name');
        sink.category(close, close + 1, 'operator');
        return close + 1;
      }
    }
    return e;
  }

  /** `<<<ID` / `<<<"ID"` heredoc or `<<<'ID'` nowdoc: one string range; `$names` in a heredoc are identifiers. */
  private heredoc(i: number): boolean {
    const { text, n, sink } = this;
    let k = i + 3;
    while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    const q = text.charCodeAt(k);
    const nowdoc = q === 39;
    if (q === 39 || q === 34) k++;
    const idStart = k;
    while (k < n && isIdentPart(text.charCodeAt(k))) k++;
    if (k === idStart) return false;
    const id = text.slice(idStart, k);
    if (q === 39 || q === 34) k++;
    const bodyStart = k;
    // The terminator: the identifier alone (after indentation) at the start of a line.
    let j = text.indexOf('\n', bodyStart);
    let close = -1;
    while (j >= 0 && j < n) {
      let s = j + 1;
      while (s < n && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
      if (text.startsWith(id, s) && !isIdentPart(text.charCodeAt(s + id.length))) { close = s; break; }
      j = text.indexOf('\n', j + 1);
    }
    const bodyEnd = close < 0 ? n : close;
    const end = close < 0 ? n : close + id.length;
    if (q === 39 || q === 34) {
      // The quotes around the identifier are anonymous tokens inside the literal: operators.
      sink.category(i, idStart - 1, 'string');
      sink.category(idStart - 1, idStart, 'operator');
      sink.category(idStart, bodyStart - 1, 'string');
      sink.category(bodyStart - 1, bodyStart, 'operator');
      sink.category(bodyStart, end, 'string');
    } else sink.category(i, end, 'string');
    if (!nowdoc) {
      for (let m = bodyStart; m < bodyEnd; m++) {
        const c = text.charCodeAt(m);
        if (c === 92) { m++; continue; }
        if (c === 36 && isIdentStart(text.charCodeAt(m + 1))) {
          const e = this.variable(m, true);
          sink.identifierOnly(m, e, 'variable_name');
          if (text.startsWith('->', e) && isIdentStart(text.charCodeAt(e + 2))) {
            let f = e + 3;
            while (f < n && isIdentPart(text.charCodeAt(f))) f++;
            sink.identifierOnly(e + 2, f, 'name');
            m = f - 1;
          } else m = e - 1;
        }
      }
    }
    // Contents run from the end of the opening line to the terminator line's indentation.
    sink.stringContent(bodyStart, close < 0 ? n : lineStartOf(text, close), nowdoc ? 'nowdoc' : 'heredoc');
    this.i = end;
    return true;
  }
}

function lineStartOf(text: string, at: number): number {
  let s = at;
  while (s > 0 && text.charCodeAt(s - 1) !== 10) s--;
  return s;
}

function trimmedOther(sink: SpanSink, text: string, start: number, end: number): void {
  let s = start;
  while (s < end && isSpace(text.charCodeAt(s))) s++;
  sink.category(s, end, 'other');
}
