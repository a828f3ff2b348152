// Number formatting shared by the text formats.
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const pct = (n: number): string => `${n.toFixed(1)}%`;

/** 1.23 TFLOP-style figure. */
export function flops(n: number): string {
  const units: [number, string][] = [[1e15, 'PFLOP'], [1e12, 'TFLOP'], [1e9, 'GFLOP'], [1e6, 'MFLOP'], [1e3, 'kFLOP']];
  for (const [scale, unit] of units) if (n >= scale) return `${(n / scale).toFixed(2)} ${unit}`;
  return `${Math.round(n)} FLOP`;
}

export function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** Histogram bucket label: "16+" for the last one. */
export function bucketLabel(i: number, buckets: number): string {
  return i === buckets - 1 ? `${i}+` : String(i);
}
