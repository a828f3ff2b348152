// Text the extension shows: subtoken pieces, window counts, change colours. Pure (no `vscode`), so
// test/extension/format.test.ts covers it under plain node:test. Numbers (counts, percentages,
// FLOPs, sizes, durations) go through the one formatter, core/report/format/numbers.ts.

/** Byte-level BPE writes a leading space as "Ġ" and a newline as "Ċ"; show the source text instead,
 *  with a visible mark for whitespace so ` get` and `get` look different. */
export function displayPiece(sourceText: string): string {
  return sourceText
    .replace(/ /g, '␣')
    .replace(/\t/g, '⇥')
    .replace(/\r?\n/g, '⏎');
}

/** `get · User · By · Id` */
export function joinPieces(pieces: readonly string[]): string {
  return pieces.map(displayPiece).join(' · ');
}

/** Sequence lengths of windows, e.g. "3 × 512-token windows". */
export function formatWindows(count: number, size: number): string {
  return `${count} × ${size}-token window${count === 1 ? '' : 's'}`;
}

/**
 * Colour of a merged identifier by how much merging changed the model's output there
 * (1 − cosine similarity of the pooled/aligned hidden states): green when nearly unchanged,
 * through amber, to red at `worst` and beyond. Returns an rgba() string.
 */
export function changeColour(change: number, worst: number, alpha = 0.35): string {
  const t = worst > 0 ? Math.min(1, Math.max(0, change / worst)) : 0;
  // green (46,160,67) → amber (219,171,9) → red (207,34,46)
  const stops: [number, number, number][] = [[46, 160, 67], [219, 171, 9], [207, 34, 46]];
  const seg = t < 0.5 ? 0 : 1;
  const local = t < 0.5 ? t / 0.5 : (t - 0.5) / 0.5;
  const [a, b] = [stops[seg]!, stops[seg + 1]!];
  const mix = (i: number) => Math.round(a[i]! + (b[i]! - a[i]!) * local);
  return `rgba(${mix(0)}, ${mix(1)}, ${mix(2)}, ${alpha})`;
}

/** Index of the bucket of `change` among `bucketCount` equal buckets up to `worst`. */
export function changeBucket(change: number, worst: number, bucketCount: number): number {
  if (worst <= 0) return 0;
  return Math.min(bucketCount - 1, Math.max(0, Math.floor((change / worst) * bucketCount)));
}

/** Escapes text for a MarkdownString (VS Code renders markdown in hovers). */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

export { findContaining } from '../core/merge/lookup';
