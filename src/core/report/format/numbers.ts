// The one number formatter: every count, percentage, FLOP figure, byte size and duration the CLI,
// the extension and the report renderer (webview and HTML export) print goes through here, so the
// same figure reads the same everywhere. Pure, with no Node API: it also runs in the webview bundle.

/** 12345.6 → "12,346" */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** 12.345 → "12.3%" (the value is already in percent). */
export const pct = (n: number, digits = 1): string => `${n.toFixed(digits)}%`;

/** Share of `before` removed going to `after`, signed like a change: "−25.0%" (U+2212), or "0%"
 *  when nothing was removed, so a longer "after" never reads as a saving. */
export function reduction(before: number, after: number): string {
  if (!(before > 0) || !(after < before)) return '0%';
  return `−${(((before - after) / before) * 100).toFixed(1)}%`;
}

const SI: readonly [number, string][] = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];

/** The largest SI prefix `n` reaches and its scale: 1.5e9 → G (1e9); below 1000 → no prefix (1). */
function siPrefix(n: number): { scale: number; prefix: string } {
  for (const [scale, prefix] of SI) if (Math.abs(n) >= scale) return { scale, prefix };
  return { scale: 1, prefix: '' };
}

/** Floating-point operations with an SI prefix: 1.5e9 → "1.50 GFLOP", 999 → "999 FLOP". */
export function flops(n: number, digits = 2): string {
  const { scale, prefix } = siPrefix(n);
  return prefix ? `${(n / scale).toFixed(digits)} ${prefix}FLOP` : `${Math.round(n)} FLOP`;
}

/** Bytes with an SI (decimal) prefix, as download sizes and disk tools print them: 512 → "512 B",
 *  1.5e6 → "1.5 MB". */
export function bytes(n: number): string {
  const { scale, prefix } = siPrefix(n);
  return prefix ? `${(n / scale).toFixed(1)} ${prefix}B` : `${Math.round(n)} B`;
}

/** Progress of a transfer in one unit, the total's: (3e5, 1e6) → "0.3/1.0 MB"; without a total,
 *  just the bytes done. */
export function bytesOf(done: number, total?: number): string {
  if (total === undefined) return bytes(done);
  const { scale, prefix } = siPrefix(total);
  const digits = prefix ? 1 : 0;
  return `${(done / scale).toFixed(digits)}/${(total / scale).toFixed(digits)} ${prefix}B`;
}

/** Milliseconds with the precision their size deserves: "1234 ms", "12.3 ms", "1.23 ms". */
export function ms(n: number): string {
  return n >= 100 ? `${n.toFixed(0)} ms` : n >= 10 ? `${n.toFixed(1)} ms` : `${n.toFixed(2)} ms`;
}

/** Histogram bucket label: "16+" for the last one. */
export function bucketLabel(i: number, buckets: number): string {
  return i === buckets - 1 ? `${i}+` : String(i);
}
