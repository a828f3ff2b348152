// Packed syntax-category ranges (SpanResult.categories): three parallel typed arrays instead of
// one object per leaf. A large file has millions of leaves; as objects they all survive until the
// report's statistics read them, so the young-generation GC copies and promotes every one, and
// worker threads of one process then contend for the shared V8 heap machinery. Typed arrays are
// a handful of allocations per file.

import type { CategoryRange, CategoryRanges, SyntaxCategory } from '../types';
import { SYNTAX_CATEGORIES } from '../types';

/** Code of each category in CategoryRanges.codes: its index in SYNTAX_CATEGORIES. */
export const CATEGORY_CODE: Readonly<Record<SyntaxCategory, number>> = Object.freeze(
  Object.fromEntries(SYNTAX_CATEGORIES.map((c, i) => [c, i])) as Record<SyntaxCategory, number>,
);
const STRING_CODE = CATEGORY_CODE.string;

export const EMPTY_CATEGORY_RANGES: CategoryRanges = Object.freeze({
  length: 0, starts: new Int32Array(0), ends: new Int32Array(0), codes: new Uint8Array(0),
});

/** Collects ranges in source order into doubling typed arrays, with the conventions every
 *  producer shares: empty ranges are dropped, and adjacent pieces of one string literal (quote,
 *  contents, escape) read as one range. */
export class CategoryRangeBuilder {
  private starts: Int32Array;
  private ends: Int32Array;
  private codes: Uint8Array;
  private n = 0;

  /** `capacity`: a first guess of the range count (it grows as needed). */
  constructor(capacity = 1024) {
    const c = Math.max(16, capacity | 0);
    this.starts = new Int32Array(c);
    this.ends = new Int32Array(c);
    this.codes = new Uint8Array(c);
  }

  get length(): number {
    return this.n;
  }

  /** Adds [start, end) with category code `code` (CATEGORY_CODE). */
  add(start: number, end: number, code: number): void {
    if (end <= start) return;
    const n = this.n;
    if (code === STRING_CODE && n > 0 && this.codes[n - 1] === STRING_CODE && this.ends[n - 1] === start) {
      this.ends[n - 1] = end;
      return;
    }
    if (n === this.starts.length) this.grow();
    this.starts[n] = start;
    this.ends[n] = end;
    this.codes[n] = code;
    this.n = n + 1;
  }

  /** The ranges so far, trimmed to size (copies, so the builder may be dropped or reused). */
  finish(): CategoryRanges {
    const n = this.n;
    return { length: n, starts: this.starts.slice(0, n), ends: this.ends.slice(0, n), codes: this.codes.slice(0, n) };
  }

  private grow(): void {
    const c = this.starts.length * 2;
    const starts = new Int32Array(c), ends = new Int32Array(c), codes = new Uint8Array(c);
    starts.set(this.starts);
    ends.set(this.ends);
    codes.set(this.codes);
    this.starts = starts;
    this.ends = ends;
    this.codes = codes;
  }
}

/** Category of range `i`. */
export function categoryAt(r: CategoryRanges, i: number): SyntaxCategory {
  return SYNTAX_CATEGORIES[r.codes[i]!]!;
}

/** One object per range: for tests, debugging and small outputs, never the hot path. */
export function categoryRangesToArray(r: CategoryRanges): CategoryRange[] {
  const out: CategoryRange[] = new Array(r.length);
  for (let i = 0; i < r.length; i++) out[i] = { start: r.starts[i]!, end: r.ends[i]!, category: categoryAt(r, i) };
  return out;
}

/** Packs object ranges (sorted, non-overlapping) as they are, merging nothing. */
export function categoryRangesFromArray(ranges: readonly CategoryRange[]): CategoryRanges {
  const n = ranges.length;
  const starts = new Int32Array(n), ends = new Int32Array(n), codes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = ranges[i]!;
    starts[i] = r.start;
    ends[i] = r.end;
    codes[i] = CATEGORY_CODE[r.category];
  }
  return { length: n, starts, ends, codes };
}
