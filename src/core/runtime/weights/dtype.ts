// Element types of checkpoints and their conversion to float32. Only the float types a T5
// checkpoint uses are converted; every other type is named in a clear refusal. All formats store
// little-endian values.
import { WeightsError } from './errors';
import type { FloatDtype } from './tensor';

/** Bytes per element of every safetensors dtype (torch storages map onto the same names). */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
};

export const FLOAT_DTYPES: readonly FloatDtype[] = ['F32', 'F16', 'BF16'];

export function isFloatDtype(dtype: string): dtype is FloatDtype {
  return (FLOAT_DTYPES as readonly string[]).includes(dtype);
}

/** Refuses, naming `what`, an element type that is not converted to float32. */
export function assertFloatDtype(dtype: string, what: string): asserts dtype is FloatDtype {
  if (!isFloatDtype(dtype)) throw new WeightsError(`${what} has dtype ${dtype}; only ${FLOAT_DTYPES.join(', ')} weights can be loaded`);
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float16 bits → float32 bits, exact for every pattern: ±0, subnormals (normalised, since every
 *  half subnormal is a float normal), normals, ±inf and NaN (payload kept). */
export function halfBitsToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // Subnormal: value = mant · 2^-24. Shift the leading one up to bit 10 and lower the exponent.
  let e = 113;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

let halfTable: Uint32Array | undefined;
/** All 65536 conversions, built once (256 KiB): a table lookup per value beats bit fiddling. */
function halfToFloatTable(): Uint32Array {
  if (!halfTable) {
    halfTable = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfBitsToFloatBits(h);
  }
  return halfTable;
}

/** 16-bit little-endian words of `bytes` (a copy only when misaligned or on a big-endian host). */
function words16(bytes: Uint8Array, count: number): Uint16Array {
  if (HOST_LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, count);
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i++) out[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return out;
}

/**
 * Float32 values of `count` little-endian elements of `dtype` in `bytes`. F32 bytes that are
 * aligned are viewed, not copied: the caller hands over a buffer it will not reuse. `what` names the
 * tensor in the refusal of a non-float type.
 */
export function toFloat32(bytes: Uint8Array, dtype: string, count: number, what: string): Float32Array {
  assertFloatDtype(dtype, what);
  if (bytes.byteLength < count * DTYPE_BYTES[dtype]!) {
    throw new WeightsError(`${what}: ${bytes.byteLength} bytes cannot hold ${count} ${dtype} values`);
  }
  if (dtype === 'F32') {
    if (HOST_LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, count);
    const out = new Float32Array(count);
    const view = new DataView(bytes.buffer, bytes.byteOffset, count * 4);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  }
  const src = words16(bytes, count);
  const out = new Float32Array(count);
  const bits = new Uint32Array(out.buffer);
  if (dtype === 'BF16') {
    // bfloat16 is the top half of a float32.
    for (let i = 0; i < count; i++) bits[i] = src[i]! << 16;
  } else {
    const table = halfToFloatTable();
    for (let i = 0; i < count; i++) bits[i] = table[src[i]!]!;
  }
  return out;
}
