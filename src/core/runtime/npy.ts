// Minimal NumPy writers: .npy (format 1.0) for float32 hidden states and int64 lengths, and .npz
// (a zip of .npy files, stored uncompressed, as numpy.savez writes it), so outputs open with np.load.
import { crc32 } from './crc32';

function npy(descr: '<f4' | '<i8', body: Uint8Array, shape: readonly number[]): Buffer {
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  // magic(6) + version(2) + header length(2) + header, padded with spaces to a multiple of 64, ending in \n.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = Buffer.alloc(total + body.byteLength);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  out.set(body, total);
  return out;
}

const checkCount = (shape: readonly number[], length: number): void => {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== length) throw new RangeError(`shape [${shape}] holds ${count} values, data has ${length}`);
};

export function encodeNpyFloat32(data: Float32Array, shape: readonly number[]): Buffer {
  checkCount(shape, data.length);
  return npy('<f4', new Uint8Array(data.buffer, data.byteOffset, data.byteLength), shape);
}

export function encodeNpyInt64(values: readonly number[], shape: readonly number[] = [values.length]): Buffer {
  checkCount(shape, values.length);
  const data = BigInt64Array.from(values, (v) => BigInt(v));
  return npy('<i8', new Uint8Array(data.buffer), shape);
}

/**
 * A .npz: a zip archive of named .npy files, stored (no compression) like numpy.savez. Plain zip,
 * no zip64: each member and the whole archive must stay under 4 GiB.
 */
export function encodeNpz(members: ReadonlyArray<{ name: string; data: Uint8Array }>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    if (m.data.byteLength >= 0xffffffff || offset >= 0xffffffff) throw new RangeError(`${m.name}: too large for a .npz without zip64 (4 GiB)`);
    const crc = crc32(m.data);
    // Local file header (30 bytes + name): version 2.0, no flags, method 0 (stored), no time stamp.
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(m.data.byteLength, 18);
    local.writeUInt32LE(m.data.byteLength, 22);
    local.writeUInt16LE(name.length, 26);
    // The date field: 1980-01-01, the zip epoch (a zero date is invalid to some readers).
    local.writeUInt16LE(0x21, 12);
    // Central directory entry (46 bytes + name), pointing back at the local header.
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(m.data.byteLength, 20);
    entry.writeUInt32LE(m.data.byteLength, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, name, Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
    central.push(entry, name);
    offset += local.length + name.length + m.data.byteLength;
  }
  const centralSize = central.reduce((a, b) => a + b.length, 0);
  if (offset + centralSize >= 0xffffffff) throw new RangeError('too large for a .npz without zip64 (4 GiB)');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}
