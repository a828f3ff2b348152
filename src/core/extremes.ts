// Largest / smallest of many numbers. `Math.max(...xs)` passes every element as an argument and
// throws a RangeError once there are more than the engine's argument limit (around 120k-200k in
// V8), which a vocabulary or a per-token list easily exceeds; these loop instead.

/** Math.max over any number of values: -Infinity when there are none, NaN if any is NaN. */
export function maxOf(values: Iterable<number>): number {
  let best = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v > best) best = v;
  }
  return best;
}

/** Math.min over any number of values: Infinity when there are none, NaN if any is NaN. */
export function minOf(values: Iterable<number>): number {
  let best = Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v < best) best = v;
  }
  return best;
}
