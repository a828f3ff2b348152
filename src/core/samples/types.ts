// Samples: the unit a code model reads. A report over a tree counts files; the paper's benchmarks
// (defect/clone detection, translation, summarisation) are datasets of single functions, each
// truncated to the model's window. A sample is one function of a file (`--unit function`), the
// code of a file outside any function, or one row of a dataset (`--dataset`).
import type { SourceSpan } from '../types';

/** Half-open range of JS string offsets. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/**
 * One function, method or lambda found by tree-sitter (see function-units.ts for the node types
 * per language). Nested definitions are samples of their own and are cut out of the enclosing
 * one (`holes`), so every character of a file belongs to exactly one sample.
 */
export interface FunctionUnit extends TextRange {
  /** The definition's name where it has one ("<lambda>" / "<anonymous>" otherwise). */
  readonly name: string;
  /** The tree-sitter node type, e.g. "function_definition". */
  readonly nodeType: string;
  /** 1-based line of `start`. */
  readonly line: number;
  /** Ranges of directly nested units, sorted, inside [start, end). */
  readonly holes: readonly TextRange[];
}

/** A sample's own text with the identifier/string spans that fall inside it, offsets rebased. */
export interface SampleText {
  readonly text: string;
  readonly identifiers: SourceSpan[];
  readonly strings: SourceSpan[];
}

/** Where a sample came from: a function of a file, a file's code outside functions, or a dataset row. */
export type SampleOrigin =
  | { readonly kind: 'function'; readonly path: string; readonly name: string; readonly line: number }
  | { readonly kind: 'outside'; readonly path: string }
  | { readonly kind: 'row'; readonly index: number };

/** The window rule of a sample: `<s>` + the first `maxLength - 2` content tokens + `</s>`. */
export interface SampleWindow {
  /** Total positions, specials included (512 for CodeT5: 510 content tokens). */
  readonly maxLength: number;
  /** false with --no-truncate: every content token counts. */
  readonly truncate: boolean;
}
