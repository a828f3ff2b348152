// Keeps an analysed range on its code while the person edits: VS Code does not move a CodeLens or
// a stored range when text is inserted above it, so a result left where it was sits on the wrong
// line after the first Enter above it. Each text change maps the range's ends the way the editor's
// own "never grows at the edges" decorations move. Pure: no `vscode` import (unit-tested under
// node:test); positions are VS Code's line/character, in UTF-16 code units, with CRLF counted as one
// line break as VS Code does.
import { endOfInsertion, type TextChange } from './edits';

export interface LinePosition {
  readonly line: number;
  readonly character: number;
}

export interface LineRange {
  readonly start: LinePosition;
  readonly end: LinePosition;
}

/** The parts of a VS Code content change the mapping needs (a `TextDocumentContentChangeEvent`). */
export type RangeChange = Pick<TextChange, 'start' | 'end' | 'text'>;

export interface TrackedRange {
  readonly range: LineRange;
  /** True when the change replaced or inserted text inside the range (its text is no longer the one analysed). */
  readonly touched: boolean;
}

function compare(a: LinePosition, b: LinePosition): number {
  return a.line - b.line || a.character - b.character;
}

/** Where `p` lies after `change`, for a position at or after the change's end. */
function shift(p: LinePosition, change: RangeChange): LinePosition {
  const newEnd = endOfInsertion({ row: change.start.line, column: change.start.character }, change.text);
  if (p.line === change.end.line) {
    return { line: newEnd.row, character: newEnd.column + (p.character - change.end.character) };
  }
  return { line: p.line + (newEnd.row - change.end.line), character: p.character };
}

/**
 * Maps `p` through one change. `edge` says what happens to text inserted exactly at `p`: a range's
 * start is pushed after it (`'after'`), its end stays before it (`'before'`), so typing at either
 * edge does not grow the range. A position inside replaced text goes to the start of the change
 * (start) or the end of the new text (end).
 */
export function trackPosition(p: LinePosition, change: RangeChange, edge: 'before' | 'after'): LinePosition {
  const atStart = compare(p, change.start);
  const atEnd = compare(p, change.end);
  if (atStart < 0) return p;
  const isInsertion = compare(change.start, change.end) === 0;
  // At the change's start: only text inserted before a range's start pushes it; a replacement
  // that starts here leaves `p` where it is (the replaced text lies after it).
  if (atStart === 0) return isInsertion && edge === 'after' ? shift(p, change) : p;
  if (atEnd >= 0) return shift(p, change);
  // Inside the replaced text.
  if (edge === 'after') return change.start;
  const newEnd = endOfInsertion({ row: change.start.line, column: change.start.character }, change.text);
  return { line: newEnd.row, character: newEnd.column };
}

/** Maps a range through one change, saying whether the change touched its text. */
export function trackRange(range: LineRange, change: RangeChange): TrackedRange {
  const start = trackPosition(range.start, change, 'after');
  let end = trackPosition(range.end, change, 'before');
  if (compare(end, start) < 0) end = start;
  // Touched: the change overlaps the range's inside (an insertion strictly inside, or a
  // replacement that intersects it); a change that only abuts an edge leaves the text alone.
  const isInsertion = compare(change.start, change.end) === 0;
  const touched = isInsertion
    ? compare(change.start, range.start) > 0 && compare(change.start, range.end) < 0
    : compare(change.start, range.end) < 0 && compare(change.end, range.start) > 0;
  return { range: { start, end }, touched };
}

/** Maps a range through the changes of one edit event, in the order VS Code gives them (applying
 *  them in turn is correct). */
export function trackRangeThrough(range: LineRange, changes: readonly RangeChange[]): TrackedRange {
  let current = range;
  let touched = false;
  for (const c of changes) {
    const r = trackRange(current, c);
    current = r.range;
    touched ||= r.touched;
  }
  return { range: current, touched };
}
