// Position queries over an analysed document — "what is under the cursor?" for hovers — and the
// display form of a subtoken. Binary searches over the sorted spans and token ranges.
import type { Encoding, SourceSpan } from '../types';

/** Index of the identifier span containing `offset` (end inclusive, so a cursor right after a
 *  name still counts), or -1. */
export function identifierAt(identifiers: readonly SourceSpan[], offset: number): number {
  let lo = 0;
  let hi = identifiers.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = identifiers[mid]!;
    if (s.end < offset) lo = mid + 1;
    else if (s.start > offset) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** Index of the range [starts[i], ends[i]) containing `offset` among `count` sorted ranges, or -1. */
export function findContaining(starts: ArrayLike<number>, ends: ArrayLike<number>, count: number, offset: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid]! <= offset) lo = mid + 1;
    else if (starts[mid]! > offset) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** Source text of token `t`, without the one leading space byte-level BPE glues onto words. */
export function tokenPiece(text: string, enc: Encoding, t: number): string {
  const s = text.slice(enc.starts[t]!, enc.ends[t]!);
  return s.length > 1 && s.startsWith(' ') ? s.slice(1) : s;
}
