// Collects what a lexical scanner finds into the arrays of a SpanResult, with the conventions of
// the tree-sitter walk (fused-walk.ts): adjacent string pieces (quote, contents, escapes) read as
// one category range, empty ranges are dropped, identifiers are also category ranges.

import type { CategoryRange, SourceSpan, SyntaxCategory } from '../../types';

export class SpanSink {
  readonly identifiers: SourceSpan[] = [];
  readonly strings: SourceSpan[] = [];
  readonly categories: CategoryRange[] = [];

  category(start: number, end: number, category: SyntaxCategory): void {
    if (end <= start) return;
    const cats = this.categories;
    const n = cats.length;
    if (n > 0 && category === 'string') {
      const last = cats[n - 1]!;
      if (last.category === 'string' && last.end === start) {
        cats[n - 1] = { start: last.start, end, category };
        return;
      }
    }
    cats.push({ start, end, category });
  }

  identifier(start: number, end: number, nodeType: string): void {
    if (end <= start) return;
    this.identifiers.push({ start, end, nodeType, kind: 'identifier' });
    this.categories.push({ start, end, category: 'identifier' });
  }

  /** An identifier inside text classified whole (PHP `$name` in a heredoc): the query still
   *  captures it, but its characters keep the category around it. */
  identifierOnly(start: number, end: number, nodeType: string): void {
    if (end > start) this.identifiers.push({ start, end, nodeType, kind: 'identifier' });
  }

  /** Contents of a string literal (delimiters and interpolated code excluded). */
  stringContent(start: number, end: number, nodeType: string): void {
    if (end > start) this.strings.push({ start, end, nodeType, kind: 'string' });
  }
}
