// Where to draw subtoken boundaries in an editor: for a range of lines, one piece per token (split
// at line breaks, which are never drawn), its colour parity, whether it starts inside an identifier
// (a boundary the model sees but the reader does not), and one bracket per merge group. Pure, so the
// extension's decorations (src/extension/boundaries.ts) only map these onto editor ranges.
//
// Edge cases:
// - Line breaks: `\n`, `\r\n` and a lone `\r` end a line (as in VS Code); a token holding a break
//   (`\r\n`, `\n    ` indentation after a newline) is split into one piece per line, and the
//   break characters are left out (a zero-width piece is not drawn).
// - Tabs are one character, so columns are string offsets (what VS Code positions use too).
// - A character split over several byte-level tokens (emoji, CJK) gives each of them its range:
//   tokens with the same or an overlapping range are drawn as one piece (the first one's parity),
//   so no piece is drawn twice and surrogate pairs are never cut.
// - Tokens straddling the first or last visible line are clipped to the visible lines.
// - The parity alternates over distinct pieces of the whole file (not of the visible range), so
//   scrolling does not flip the colours.
import type { Encoding, SourceSpan } from '../types';
import type { MergeGroup } from './plan';

/** Per analysed text, built once and reused for every visible-range update. */
export interface BoundaryIndex {
  /** Offset of each line's first character. */
  readonly lineStarts: Int32Array;
  /** Offset where each line's content ends (before its line break). */
  readonly contentEnds: Int32Array;
  /** Per token: 0 or 1, alternating over distinct pieces. */
  readonly parity: Uint8Array;
}

/** One token's part on one line, as a line and a [startChar, endChar) column range. */
export interface PieceRange {
  readonly line: number;
  readonly startChar: number;
  readonly endChar: number;
  readonly parity: 0 | 1;
  /** The piece starts a token strictly inside an identifier: a boundary within a name. */
  readonly insideIdentifier: boolean;
}

/** One merge group (an identifier of 2+ subtokens that merging folds into one position), per line. */
export interface BracketRange {
  readonly line: number;
  readonly startChar: number;
  readonly endChar: number;
  /** Subtokens the group folds into one. */
  readonly tokenCount: number;
}

export interface VisibleBoundaries {
  readonly pieces: PieceRange[];
  readonly brackets: BracketRange[];
}

export function buildBoundaryIndex(text: string, enc: Encoding): BoundaryIndex {
  const starts: number[] = [0];
  const ends: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      ends.push(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  ends.push(text.length);
  const parity = new Uint8Array(enc.length);
  let p = 1;
  let prevEnd = -1;
  for (let t = 0; t < enc.length; t++) {
    // A token whose range begins before the previous piece ends (a split character) continues it.
    if (enc.starts[t]! >= prevEnd) p ^= 1;
    parity[t] = p;
    if (enc.ends[t]! > prevEnd) prevEnd = enc.ends[t]!;
  }
  return { lineStarts: Int32Array.from(starts), contentEnds: Int32Array.from(ends), parity };
}

/** Index of the line holding `offset` (a line-break offset belongs to the line it ends). */
export function lineOf(index: BoundaryIndex, offset: number): number {
  const ls = index.lineStarts;
  let lo = 0;
  let hi = ls.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ls[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** First index i < count with endAt(i) > value (endAt nondecreasing), or `count`. */
function firstEndingAfter(count: number, endAt: (i: number) => number, value: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endAt(mid) > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Pieces and merge brackets of the lines `firstLine..lastLine` (inclusive; clamped to the text).
 * `identifiers` and `groups` are those the merge plan was built from (sorted, as the plan keeps them).
 */
export function visibleBoundaries(
  enc: Encoding, index: BoundaryIndex, identifiers: readonly SourceSpan[], groups: readonly MergeGroup[],
  firstLine: number, lastLine: number,
): VisibleBoundaries {
  const pieces: PieceRange[] = [];
  const brackets: BracketRange[] = [];
  const lineCount = index.lineStarts.length;
  firstLine = Math.max(0, firstLine);
  lastLine = Math.min(lineCount - 1, lastLine);
  if (firstLine > lastLine) return { pieces, brackets };
  const from = index.lineStarts[firstLine]!;
  const to = index.contentEnds[lastLine]!;

  // Each segment of [s, e) on a visible line, clipped to the line's content.
  const eachLineSegment = (s: number, e: number, push: (line: number, a: number, b: number) => void) => {
    for (let line = Math.max(firstLine, lineOf(index, s)); line <= lastLine && index.lineStarts[line]! < e; line++) {
      const ls = index.lineStarts[line]!;
      const a = Math.max(s, ls);
      const b = Math.min(e, index.contentEnds[line]!);
      if (b > a) push(line, a - ls, b - ls);
    }
  };

  let id = firstEndingAfter(identifiers.length, (i) => identifiers[i]!.end, from);
  let prevEnd = -1;
  for (let t = firstEndingAfter(enc.length, (i) => enc.ends[i]!, from); t < enc.length && enc.starts[t]! < to; t++) {
    const s = Math.max(enc.starts[t]!, prevEnd);
    const e = enc.ends[t]!;
    if (e <= s) continue; // the rest of a character already drawn with the token before
    prevEnd = e;
    while (id < identifiers.length && identifiers[id]!.end <= s) id++;
    const span = identifiers[id];
    const inside = span !== undefined && span.start < s && s < span.end;
    const parity = index.parity[t] as 0 | 1;
    let first = true;
    eachLineSegment(s, e, (line, a, b) => {
      pieces.push({ line, startChar: a, endChar: b, parity, insideIdentifier: inside && first });
      first = false;
    });
  }

  // Groups are in token order, so their spans are sorted too.
  for (let g = firstEndingAfter(groups.length, (i) => identifiers[groups[i]!.span]?.end ?? 0, from); g < groups.length; g++) {
    const group = groups[g]!;
    const span = identifiers[group.span];
    if (!span) continue;
    if (span.start >= to) break;
    eachLineSegment(span.start, span.end, (line, a, b) => brackets.push({ line, startChar: a, endChar: b, tokenCount: group.tokenCount }));
  }
  return { pieces, brackets };
}

/** Subtokens per character of each line (where the model spends its window): a token counts on
 *  the line it starts on, once per distinct piece (an emoji's byte tokens count each, they are
 *  each a position); characters exclude the line break. A line without characters is 0. */
export function lineDensity(enc: Encoding, index: BoundaryIndex): Float32Array {
  const lines = index.lineStarts.length;
  const counts = new Float32Array(lines);
  let line = 0;
  for (let t = 0; t < enc.length; t++) {
    const s = enc.starts[t]!;
    while (line + 1 < lines && index.lineStarts[line + 1]! <= s) line++;
    if (s < index.contentEnds[line]!) counts[line]!++;
  }
  for (let l = 0; l < lines; l++) {
    const chars = index.contentEnds[l]! - index.lineStarts[l]!;
    counts[l] = chars > 0 ? counts[l]! / chars : 0;
  }
  return counts;
}

/** Subtokens per character from which a line is marked low, medium, high (code averages ~0.25). */
export const DENSITY_LEVELS = [0.35, 0.5, 0.7] as const;

/** The level of a line's density: -1 (not marked) or an index into DENSITY_LEVELS. */
export function densityLevel(density: number): number {
  let level = -1;
  for (let i = 0; i < DENSITY_LEVELS.length; i++) if (density >= DENSITY_LEVELS[i]!) level = i;
  return level;
}
