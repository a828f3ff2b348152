// Collects what a lexical scanner finds into the arrays of a SpanResult, with the conventions of
// the tree-sitter walk (fused-walk.ts): adjacent string pieces (quote, contents, escapes) read as
// one category range, empty ranges are dropped, identifiers are also category ranges. Category
// ranges go straight into packed typed arrays (no object per token).

import type { SourceSpan, SyntaxCategory } from '../../types';
import { CATEGORY_CODE, CategoryRangeBuilder } from '../category-ranges';

const IDENTIFIER = CATEGORY_CODE.identifier;

export class SpanSink {
  readonly identifiers: SourceSpan[] = [];
  readonly strings: SourceSpan[] = [];
  readonly categories = new CategoryRangeBuilder();

  category(start: number, end: number, category: SyntaxCategory): void {
    this.categories.add(start, end, CATEGORY_CODE[category]);
  }

  identifier(start: number, end: number, nodeType: string): void {
    if (end <= start) return;
    this.identifiers.push({ start, end, nodeType, kind: 'identifier' });
    this.categories.add(start, end, IDENTIFIER);
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
