// The state dict every weights format is read into: tensor name → float32 values and shape.

/** Element types as safetensors names them; torch storages are mapped onto the same names. */
export type FloatDtype = 'F32' | 'F16' | 'BF16';

export interface Tensor {
  /** How the checkpoint stores the values; `data` is always float32. */
  readonly dtype: FloatDtype;
  readonly shape: readonly number[];
  /** Row-major values. Names saved as views of one storage (tied embeddings in a .bin) may share
   *  this buffer: treat it as read-only. */
  readonly data: Float32Array;
}

export type StateDict = ReadonlyMap<string, Tensor>;

/** Number of values of a shape, or undefined when it is not a list of non-negative safe integers
 *  or the product passes `limit` (so hostile shapes never overflow into a plausible number). */
export function shapeNumel(shape: unknown, limit = Number.MAX_SAFE_INTEGER): number | undefined {
  if (!Array.isArray(shape)) return undefined;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return undefined;
  if (shape.includes(0)) return 0;
  let n = 1;
  for (const d of shape as number[]) {
    n *= d;
    if (n > limit) return undefined;
  }
  return n;
}

export const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
