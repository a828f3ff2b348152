// Merging a group of subtoken vectors into one: plain averaging (the paper's baseline) and the
// learned attention pooling whose weights live in merger.json.

import type { MergerParams } from './params';

function checkRows(rows: readonly Float32Array[], d: number, what: string): void {
  if (!Number.isInteger(d) || d <= 0) throw new RangeError(`${what}: d must be a positive integer, got ${d}`);
  if (rows.length === 0) throw new RangeError(`${what}: cannot merge an empty group`);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.length !== d) throw new RangeError(`${what}: row ${i} has ${rows[i]!.length} values, expected ${d}`);
  }
}

/**
 * Float32 mean of the rows: accumulate in float32, then divide, as `torch.mean` does on a float32
 * tensor for short groups; the t5-tiny reference merge case reproduces bit for bit this way.
 */
export function averageRows(rows: readonly Float32Array[], d: number): Float32Array {
  checkRows(rows, d, 'averageRows');
  const sum = new Float32Array(d);
  for (const row of rows) for (let j = 0; j < d; j++) sum[j] = sum[j]! + row[j]!;
  const k = Math.fround(rows.length);
  for (let j = 0; j < d; j++) sum[j] = sum[j]! / k;
  return sum;
}

/** Score of the row at index `i` in its group, before the softmax. */
export function mergerScore(
  w: ArrayLike<number>, b: number, positionBias: ArrayLike<number> | undefined,
  row: ArrayLike<number>, offset: number, d: number, i: number,
): number {
  let s = b;
  for (let j = 0; j < d; j++) s += w[j]! * row[offset + j]!;
  if (positionBias && positionBias.length > 0) s += positionBias[Math.min(i, positionBias.length - 1)]!;
  return s;
}

/** Numerically stable softmax, in place. */
export function softmaxInPlace(s: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of s) if (v > max) max = v;
  let z = 0;
  for (let i = 0; i < s.length; i++) { s[i] = Math.exp(s[i]! - max); z += s[i]!; }
  for (let i = 0; i < s.length; i++) s[i] = s[i]! / z;
  return s;
}

/** The attention weights the merger gives each row of a group (they sum to 1). */
export function mergerWeights(params: MergerParams, rows: readonly Float32Array[], d: number): Float64Array {
  checkRows(rows, d, 'applyMerger');
  if (params.dModel !== d) {
    throw new RangeError(`applyMerger: merger was trained for d_model ${params.dModel}, rows have ${d}`);
  }
  const s = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) s[i] = mergerScore(params.w, params.b, params.positionBias, rows[i]!, 0, d, i);
  return softmaxInPlace(s);
}

/** Learned merge: Σ softmax(w·e_i + b + pos_i) e_i, computed in float64, returned as float32. */
export function applyMerger(params: MergerParams, rows: readonly Float32Array[], d: number): Float32Array {
  const a = mergerWeights(params, rows, d);
  const out = new Float64Array(d);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const ai = a[i]!;
    for (let j = 0; j < d; j++) out[j] = out[j]! + ai * row[j]!;
  }
  return Float32Array.from(out);
}
