// Shared contracts of the core. Every front end (CLI, extension, webview) speaks these types;
// nothing here imports `vscode`.

/** Token ids with their source ranges, as parallel typed arrays (a 10 MB file has ~3M tokens). */
export interface Encoding {
  /** Token ids, without `<s>`/`</s>`. */
  readonly ids: Int32Array;
  /** Start offset (JS string index, UTF-16 code units) of each token in the source text. */
  readonly starts: Int32Array;
  /** End offset (exclusive) of each token. A character split over several byte-level tokens
   *  gives each of those tokens the whole character's range. */
  readonly ends: Int32Array;
  readonly length: number;
}

export interface Tokenizer {
  /** Display name, e.g. "codet5 (byte-level BPE, 32100)". */
  readonly name: string;
  /** Size of the id space the model sees (32,100 for CodeT5: 32,000 BPE + 100 sentinels). */
  readonly vocabSize: number;
  readonly specialIds: { readonly bos?: number; readonly eos?: number; readonly pad?: number; readonly unk?: number };
  /** Encodes text exactly as the Hugging Face tokenizer would (special tokens written literally
   *  in the text are matched as special tokens), without adding `<s>`/`</s>`. */
  encode(text: string): Encoding;
  /** Number of tokens `encode(text)` would return; may be faster than encode. */
  count(text: string): number;
  /** Vocabulary string of an id (e.g. "Ġget"), or undefined. */
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
}

/** What a piece of source text is, syntactically. Used to split token counts by category. */
export type SyntaxCategory = 'identifier' | 'keyword' | 'operator' | 'string' | 'comment' | 'whitespace' | 'other';
export const SYNTAX_CATEGORIES: readonly SyntaxCategory[] = [
  'identifier', 'keyword', 'operator', 'string', 'comment', 'whitespace', 'other',
];

/** One identifier (or string literal) occurrence in a source file. */
export interface SourceSpan {
  /** JS string offsets. */
  readonly start: number;
  readonly end: number;
  /** The tree-sitter node type, e.g. "property_identifier". */
  readonly nodeType: string;
  readonly kind: 'identifier' | 'string';
}

/** One category range as an object (tests, debugging: `categoryRangesToArray` in core/spans). */
export interface CategoryRange {
  readonly start: number;
  readonly end: number;
  readonly category: SyntaxCategory;
}

/** Classified, non-overlapping source ranges (tree-sitter leaves), sorted by start, packed:
 *  range i is [starts[i], ends[i]) with category SYNTAX_CATEGORIES[codes[i]]. Gaps are whitespace
 *  or unclassified text. */
export interface CategoryRanges {
  readonly length: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly codes: Uint8Array;
}

export interface SpanResult {
  /** The language id used (e.g. "python"). */
  readonly language: string;
  /** Identifier occurrences, sorted by start, each exactly once. */
  readonly identifiers: SourceSpan[];
  /** String literal contents (without quotes where the grammar separates them), sorted. */
  readonly strings: SourceSpan[];
  /** Leaf classification for syntax-category counts. */
  readonly categories: CategoryRanges;
  /** True when the tree has ERROR or MISSING nodes (spans are what tree-sitter recovered). */
  readonly hasErrors: boolean;
}
