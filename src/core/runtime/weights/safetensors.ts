// safetensors: an 8-byte little-endian header length, a JSON header (tensor name → dtype, shape,
// data_offsets into the data area; optional "__metadata__" of strings), then the raw little-endian
// data. The header is validated completely before any tensor is read, and each tensor is then read
// on its own, so a large file is never loaded whole and a corrupt one fails with one clear line.
import { assertFloatDtype, DTYPE_BYTES, toFloat32 } from './dtype';
import { WeightsError } from './errors';
import { readRange, withFile, type OpenFile } from './read-file';
import { formatShape, shapeNumel, type StateDict, type Tensor } from './tensor';

/** The reference implementation's limit on the header (it holds names and numbers only). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Byte range in the data area (which starts right after the header). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Validates a parsed header against the size of the data area: known dtypes, shapes of non-negative
 * integers, offsets inside the data area, byte length = values × dtype size, no two tensors sharing
 * bytes. `source` prefixes every message.
 */
export function parseSafetensorsHeader(raw: unknown, dataSize: number, source: string): SafetensorsHeader {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new WeightsError(`${source}: the header is not a JSON object`);
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, spec] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(spec, source);
      continue;
    }
    entries.set(name, parseEntry(name, spec, dataSize, source));
  }
  const byStart = [...entries.values()].filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byStart.length; i++) {
    const prev = byStart[i - 1]!;
    const cur = byStart[i]!;
    if (cur.begin < prev.end) {
      throw new WeightsError(`${source}: tensors ${prev.name} and ${cur.name} overlap (bytes ${prev.begin}..${prev.end} and ${cur.begin}..${cur.end})`);
    }
  }
  return { entries, metadata };
}

function parseMetadata(spec: unknown, source: string): Record<string, string> {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new WeightsError(`${source}: "__metadata__" is not an object`);
  for (const [k, v] of Object.entries(spec)) {
    if (typeof v !== 'string') throw new WeightsError(`${source}: "__metadata__" value of "${k}" is not a string`);
  }
  return spec as Record<string, string>;
}

function parseEntry(name: string, spec: unknown, dataSize: number, source: string): SafetensorsEntry {
  const at = `${source}: tensor ${name}`;
  if (!spec || typeof spec !== 'object') throw new WeightsError(`${at} is not described by an object`);
  const { dtype, shape, data_offsets: offsets } = spec as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) throw new WeightsError(`${at} has an unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new WeightsError(`${at} has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new WeightsError(`${at} has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw new WeightsError(`${at} has data_offsets [${begin}, ${end}] that end before they begin`);
  if (end > dataSize) {
    throw new WeightsError(`${at} has data_offsets [${begin}, ${end}] beyond the data area (${dataSize} bytes): the file is truncated or corrupt`);
  }
  // Counting stops past the data area, so a hostile shape cannot overflow into a plausible size.
  const numel = shapeNumel(shape, dataSize);
  const bytes = numel === undefined ? undefined : numel * DTYPE_BYTES[dtype]!;
  if (bytes !== end - begin) {
    throw new WeightsError(`${at}: shape ${formatShape(shape as number[])} of ${dtype} needs ${bytes ?? `more than ${dataSize}`} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads and validates the header of an open safetensors file; returns it with where data starts. */
export function readHeader(file: OpenFile): SafetensorsHeader & { readonly dataStart: number } {
  const source = file.path;
  if (file.size < 8) throw new WeightsError(`${source} is not a safetensors file: ${file.size} bytes, less than the 8-byte header length`);
  const lenBytes = readRange(file, 0, 8);
  const headerLength = new DataView(lenBytes.buffer).getBigUint64(0, true);
  if (headerLength > BigInt(file.size - 8)) {
    throw new WeightsError(`${source}: header length ${headerLength} exceeds the file (${file.size} bytes): truncated or not a safetensors file`);
  }
  const n = Number(headerLength);
  if (n > MAX_HEADER_BYTES) throw new WeightsError(`${source}: header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit`);
  const headerBytes = readRange(file, 8, n);
  let raw: unknown;
  try {
    raw = JSON.parse(utf8.decode(headerBytes));
  } catch (e) {
    // The parser quotes the text it choked on: keep the message on one line.
    const why = (e as Error).message.replace(/\s+/g, ' ');
    throw new WeightsError(`${source}: the header is not valid JSON (${why}): corrupt or not a safetensors file`);
  }
  const dataStart = 8 + n;
  return { ...parseSafetensorsHeader(raw, file.size - dataStart, source), dataStart };
}

export function readSafetensorsHeader(path: string): SafetensorsHeader {
  return withFile(path, (file) => {
    const { entries, metadata } = readHeader(file);
    return { entries, metadata };
  });
}

/** Every tensor of a safetensors file, converted to float32 (F32, F16 or BF16 only). */
export function readSafetensors(path: string): StateDict {
  return withFile(path, (file) => {
    const header = readHeader(file);
    // Refuse a non-float tensor before reading any data.
    for (const e of header.entries.values()) assertFloatDtype(e.dtype, `${path}: tensor ${e.name}`);
    const out = new Map<string, Tensor>();
    for (const e of header.entries.values()) {
      const count = e.shape.reduce((a, b) => a * b, 1);
      const bytes = readRange(file, header.dataStart + e.begin, e.end - e.begin);
      const data = toFloat32(bytes, e.dtype, count, `${path}: tensor ${e.name}`);
      out.set(e.name, { dtype: e.dtype as Tensor['dtype'], shape: e.shape, data });
    }
    return out;
  });
}
