// A minimal zip reader for the archives torch.save writes (since torch 1.6): the central directory
// (zip64 included: torch writes zip64 records) and STORED entries, read one at a time by offset.
// Compressed or encrypted entries are refused: torch never writes them, and refusing keeps a hostile
// archive from choosing how much memory a decompressor would take.
import { crc32 } from '../crc32';
import { WeightsError } from './errors';
import { readRange, type OpenFile } from './read-file';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** A torch archive has a few entries per tensor; its directory is far below this. */
const MAX_DIRECTORY_BYTES = 256 * 1024 * 1024;

const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
/** A 64-bit size or offset; values beyond 2^53 cannot address a real file and are refused. */
function u64(b: Uint8Array, at: number, file: OpenFile): number {
  const v = u32(b, at) + u32(b, at + 4) * 2 ** 32;
  if (!Number.isSafeInteger(v)) throw new WeightsError(`${file.path}: corrupt zip (a 64-bit field is out of range)`);
  return v;
}


interface Directory {
  readonly offset: number;
  readonly size: number;
  readonly count: number;
}

/** The central directory's place, from the end-of-central-directory record (zip64 when present). */
function findDirectory(file: OpenFile): Directory {
  const corrupt = (why: string) => new WeightsError(`${file.path}: not a readable zip archive (${why})`);
  const tailLength = Math.min(file.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = file.size - tailLength;
  const tail = readRange(file, tailStart, tailLength);
  let at = -1;
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (u32(tail, i) === EOCD_SIG && i + EOCD_SIZE + u16(tail, i + 20) <= tailLength) {
      at = i;
      break;
    }
  }
  if (at < 0) throw corrupt('no end-of-central-directory record: truncated?');
  let count = u16(tail, at + 10);
  let size = u32(tail, at + 12);
  let offset = u32(tail, at + 16);
  if (u16(tail, at + 4) !== 0 && u16(tail, at + 4) !== 0xffff) throw corrupt('multi-disk archive');
  const locatorAt = at - 20;
  if (locatorAt >= 0 && u32(tail, locatorAt) === ZIP64_LOCATOR_SIG) {
    const recordOffset = u64(tail, locatorAt + 8, file);
    const record = readRange(file, recordOffset, 56);
    if (u32(record, 0) !== ZIP64_EOCD_SIG) throw corrupt('bad zip64 end-of-central-directory record');
    count = u64(record, 32, file);
    size = u64(record, 40, file);
    offset = u64(record, 48, file);
  } else if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    throw corrupt('zip64 sizes without a zip64 record');
  }
  if (size > MAX_DIRECTORY_BYTES) throw corrupt(`central directory of ${size} bytes`);
  if (offset + size > tailStart + at) throw corrupt('central directory beyond its end record');
  return { offset, size, count };
}

/** Every entry of the archive's central directory, by name. */
export function readZipDirectory(file: OpenFile): Map<string, ZipEntry> {
  const dir = findDirectory(file);
  const bytes = readRange(file, dir.offset, dir.size);
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder('utf-8');
  let p = 0;
  for (let i = 0; i < dir.count; i++) {
    if (p + 46 > bytes.length || u32(bytes, p) !== CENTRAL_SIG) {
      throw new WeightsError(`${file.path}: corrupt zip central directory (entry ${i} of ${dir.count})`);
    }
    const nameLength = u16(bytes, p + 28);
    const extraLength = u16(bytes, p + 30);
    const commentLength = u16(bytes, p + 32);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > bytes.length) throw new WeightsError(`${file.path}: corrupt zip central directory (entry ${i} runs past it)`);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    let size = u32(bytes, p + 24);
    let compressedSize = u32(bytes, p + 20);
    let localHeaderOffset = u32(bytes, p + 42);
    // zip64 extended information: the 64-bit values of the fields saturated above, in this order.
    const extra = bytes.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    for (let q = 0; q + 4 <= extra.length;) {
      const id = u16(extra, q);
      const len = u16(extra, q + 2);
      if (id === 0x0001) {
        let r = q + 4;
        const next = (): number => {
          if (r + 8 > q + 4 + len) throw new WeightsError(`${file.path}: corrupt zip64 field of entry ${name}`);
          const v = u64(extra, r, file);
          r += 8;
          return v;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      q += 4 + len;
    }
    if (entries.has(name)) throw new WeightsError(`${file.path}: zip entry ${name} appears twice`);
    entries.set(name, {
      name, method: u16(bytes, p + 10), flags: u16(bytes, p + 8), crc32: u32(bytes, p + 16), compressedSize, size, localHeaderOffset,
    });
    p = end;
  }
  return entries;
}

/**
 * The bytes of a STORED entry, checked against its CRC-32. The
 * returned array starts at offset 0 of its own buffer, so float32 data can be viewed in place.
 */
export function readStoredEntry(file: OpenFile, entry: ZipEntry): Uint8Array {
  if (entry.flags & 0x1) throw new WeightsError(`${file.path}: zip entry ${entry.name} is encrypted`);
  if (entry.method !== 0) {
    throw new WeightsError(
      `${file.path}: zip entry ${entry.name} is compressed (method ${entry.method}); torch.save writes uncompressed archives: re-save it with torch.save or convert it to safetensors`,
    );
  }
  if (entry.compressedSize !== entry.size) throw new WeightsError(`${file.path}: zip entry ${entry.name} is stored with two different sizes`);
  const local = readRange(file, entry.localHeaderOffset, 30);
  if (u32(local, 0) !== LOCAL_SIG) throw new WeightsError(`${file.path}: corrupt zip (no local header for ${entry.name})`);
  const dataStart = entry.localHeaderOffset + 30 + u16(local, 26) + u16(local, 28);
  const data = readRange(file, dataStart, entry.size);
  if (crc32(data) !== entry.crc32) throw new WeightsError(`${file.path}: zip entry ${entry.name} fails its CRC-32 check: the file is corrupt`);
  return data;
}
