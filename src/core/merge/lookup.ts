// Position queries over an analysed document: "what is under the cursor?" for hovers. Everything
// is precomputed once per document version; each query is a binary search.
import type { Encoding, SourceSpan } from '../types';
import type { MergePlan } from './plan';

export interface TokenAt {
  /** Token indices [first, first + count) under the query (one token, or an identifier's tokens). */
  first: number;
  count: number;
  /** The identifier span under the offset, if any, and its index in the plan's spans. */
  span?: SourceSpan;
  spanIndex?: number;
  /** Whether those tokens form a merge group (2+ subtokens of one identifier). */
  merged: boolean;
  straddling: boolean;
}

/** Index of the last element whose key is ≤ x, or -1. */
function lastAtOrBefore(n: number, key: (i: number) => number, x: number): number {
  let lo = 0, hi = n - 1, ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(mid) <= x) { ans = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return ans;
}

export class DocumentIndex {
  constructor(
    readonly text: string,
    readonly encoding: Encoding,
    readonly spans: readonly SourceSpan[],
    readonly plan: MergePlan,
  ) {}

  /** The identifier containing `offset` (start ≤ offset < end, or at its end for a cursor right after it). */
  spanAt(offset: number): number {
    const i = lastAtOrBefore(this.spans.length, (k) => this.spans[k]!.start, offset);
    if (i < 0) return -1;
    const s = this.spans[i]!;
    return offset < s.end ? i : -1;
  }

  /** Token containing `offset`. */
  tokenAt(offset: number): number {
    const e = this.encoding;
    const i = lastAtOrBefore(e.length, (k) => e.starts[k]!, offset);
    return i >= 0 && offset < e.ends[i]! ? i : -1;
  }

  at(offset: number): TokenAt | undefined {
    const si = this.spanAt(offset);
    if (si >= 0) {
      const a = this.plan.alignments[si]!;
      if (a.tokenCount > 0) {
        return { first: a.firstToken, count: a.tokenCount, span: this.spans[si], spanIndex: si, merged: a.tokenCount >= 2, straddling: a.straddling };
      }
    }
    const t = this.tokenAt(offset);
    if (t < 0) return undefined;
    // A character split over several byte-level tokens: report all of them.
    let first = t, last = t;
    while (first > 0 && this.encoding.starts[first - 1] === this.encoding.starts[t]) first--;
    while (last + 1 < this.encoding.length && this.encoding.starts[last + 1] === this.encoding.starts[t]) last++;
    return { first, count: last - first + 1, merged: false, straddling: false, ...(si >= 0 ? { span: this.spans[si], spanIndex: si } : {}) };
  }
}
