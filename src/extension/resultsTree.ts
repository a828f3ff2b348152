// What the Token Merging results view lists: one row per identifier name (listed once however often
// it occurs), with its subtoken count, how often it occurs and the largest output change, and one
// child per occurrence with its line number and pieces. Pure (no `vscode`): the grouping, order
// and wording are unit-tested in test/extension/resultsTree.test.ts.
import { int as formatInt } from '../core/report/format/numbers';
import { displayPiece } from './format';

/** One analysed occurrence, as the view needs it. */
export interface Occurrence {
  readonly name: string;
  readonly pieces: readonly string[];
  /** 0-based line of the occurrence's start. */
  readonly line: number;
  /** 1 − cosine after merging; undefined when the encoder did not run. */
  readonly change?: number;
}

export interface IdentifierGroup<T extends Occurrence> {
  readonly name: string;
  /** Occurrences in document order. */
  readonly occurrences: readonly T[];
  /** Fewest and most subtokens over the occurrences (a name can be split differently, e.g. after a space). */
  readonly minPieces: number;
  readonly maxPieces: number;
  /** Largest change over the occurrences, or undefined when the encoder did not run. */
  readonly maxChange?: number;
}

/** Groups occurrences by name, most changed first (most subtokens when the encoder did not run),
 *  then by name; at most `limit` groups. */
export function groupByIdentifier<T extends Occurrence>(occurrences: readonly T[], limit = 200): IdentifierGroup<T>[] {
  const byName = new Map<string, T[]>();
  for (const o of occurrences) {
    const list = byName.get(o.name);
    if (list) list.push(o);
    else byName.set(o.name, [o]);
  }
  const groups: IdentifierGroup<T>[] = [];
  for (const [name, list] of byName) {
    list.sort((a, b) => a.line - b.line);
    const counts = list.map((o) => o.pieces.length);
    const changes = list.map((o) => o.change).filter((c): c is number => c !== undefined);
    groups.push({
      name, occurrences: list, minPieces: Math.min(...counts), maxPieces: Math.max(...counts),
      ...(changes.length ? { maxChange: Math.max(...changes) } : {}),
    });
  }
  const key = (g: IdentifierGroup<T>) => g.maxChange ?? g.maxPieces;
  groups.sort((a, b) => key(b) - key(a) || b.occurrences.length - a.occurrences.length || a.name.localeCompare(b.name));
  return groups.slice(0, limit);
}

/** `1−cos 0.00123`: the change with 3 significant digits (the scale's resolution), in the view and the legend. */
export function formatChange(change: number): string {
  return `1−cos ${change < 1e-6 ? '0' : change.toPrecision(3)}`;
}

function subtokenCount(g: IdentifierGroup<Occurrence>): string {
  return g.minPieces === g.maxPieces
    ? `${g.maxPieces} subtoken${g.maxPieces === 1 ? '' : 's'}`
    : `${g.minPieces}–${g.maxPieces} subtokens`;
}

/** The group row's description: `4 subtokens · 3× · 1−cos 0.00123` (short: the view may be narrow). */
export function groupDescription(g: IdentifierGroup<Occurrence>): string {
  const parts = [subtokenCount(g), `${formatInt(g.occurrences.length)}×`];
  if (g.maxChange !== undefined) parts.push(formatChange(g.maxChange));
  return parts.join(' · ');
}

/** The group row's tooltip: the full wording of its description. */
export function groupTooltip(g: IdentifierGroup<Occurrence>): string {
  const n = g.occurrences.length;
  const lines = [`${g.name}: ${subtokenCount(g)}, ${formatInt(n)} occurrence${n === 1 ? '' : 's'} in the analysed range`];
  if (g.maxChange !== undefined) lines.push(`Largest output change after merging: ${formatChange(g.maxChange)}`);
  return lines.join('\n');
}

/** Pieces joined compactly for a row (`get·User·By·Id`), whitespace shown as the hover shows it. */
export function compactPieces(pieces: readonly string[]): string {
  return pieces.map(displayPiece).join('·');
}

/** The occurrence row: `line 42: get·User·By·Id` (1-based line, as the editor numbers it). */
export function occurrenceLabel(o: Occurrence): string {
  return `line ${o.line + 1}: ${compactPieces(o.pieces)}`;
}

/** The occurrence row's description: its own change, when the encoder ran. */
export function occurrenceDescription(o: Occurrence): string {
  return o.change === undefined ? '' : formatChange(o.change);
}
