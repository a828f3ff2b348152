// Comparing encoder outputs of an unmerged and a merged run, position by position.

export function cosine(a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, d: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < d; j++) {
    const x = a[aOff + j]!;
    const y = b[bOff + j]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 && nb === 0) return 1;
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

/** Mean of rows `positions` of a [n, d] matrix (float64). */
export function meanRows(m: ArrayLike<number>, d: number, positions: Iterable<number>): Float64Array {
  const out = new Float64Array(d);
  let k = 0;
  for (const p of positions) {
    for (let j = 0; j < d; j++) out[j]! += m[p * d + j]!;
    k++;
  }
  if (k > 0) for (let j = 0; j < d; j++) out[j]! /= k;
  return out;
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolated quantile (numpy's default). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
