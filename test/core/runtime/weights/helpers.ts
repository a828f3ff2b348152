// The T5 checkpoint fixtures (scripts/fixtures/make_t5_checkpoints.py) and PyTorch's reference
// numbers for them, with one comparison every weights test uses.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as zlib from 'node:zlib';
import type { StateDict } from '../../../../src/core/runtime/weights/index';

export const FIXTURES = resolve(__dirname, '..', '..', '..', 'fixtures', 't5-checkpoints');

export interface TensorReference {
  dtype: string;
  shape: number[];
  sum: number;
  sum_sq: number;
  weighted_sum: number;
  first: number[];
  last: number[];
}
export interface CheckpointReference {
  format: 'safetensors' | 'safetensors-sharded' | 'torch-zip';
  tensors: Record<string, TensorReference>;
}
export interface Reference {
  pwned_marker: string;
  checkpoints: Record<string, CheckpointReference>;
}

export const REFERENCE = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as Reference;

export const checkpointsOf = (format: CheckpointReference['format']): string[] =>
  Object.keys(REFERENCE.checkpoints).filter((k) => REFERENCE.checkpoints[k]!.format === format);

function near(got: number, want: number, what: string): void {
  assert.ok(Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${what}: got ${got}, PyTorch ${want}`);
}

/** Every tensor of `state` against PyTorch's numbers: names, dtype, shape, sums (1e-5 relative),
 *  first and last values bit-exact (fp16/bf16 converted exactly as torch does). */
export function assertMatchesReference(state: StateDict, checkpoint: string): void {
  const ref = REFERENCE.checkpoints[checkpoint]!;
  assert.deepEqual([...state.keys()].sort(), Object.keys(ref.tensors).sort(), `${checkpoint}: tensor names`);
  for (const [name, want] of Object.entries(ref.tensors)) {
    const t = state.get(name)!;
    const at = `${checkpoint} ${name}`;
    assert.equal(t.dtype, want.dtype, `${at}: dtype`);
    assert.deepEqual([...t.shape], want.shape, `${at}: shape`);
    assert.equal(t.data.length, want.shape.reduce((a, b) => a * b, 1), `${at}: value count`);
    let sum = 0, sumSq = 0, weighted = 0;
    for (let i = 0; i < t.data.length; i++) {
      const v = t.data[i]!;
      sum += v;
      sumSq += v * v;
      weighted += v * ((i % 1000) + 1);
    }
    near(sum, want.sum, `${at}: sum`);
    near(sumSq, want.sum_sq, `${at}: sum of squares`);
    near(weighted, want.weighted_sum, `${at}: index-weighted sum`);
    assert.deepEqual([...t.data.subarray(0, 8)], want.first, `${at}: first values`);
    assert.deepEqual([...t.data.subarray(Math.max(0, t.data.length - 8))], want.last, `${at}: last values`);
  }
}

export const tempDir = (tag: string): string => mkdtempSync(join(tmpdir(), `sl-weights-${tag}-`));

/** A copy of fixture folder `name` in a temp dir, with `config` (when given) as its config.json. */
export function copyFixture(name: string, config?: unknown): string {
  const dir = tempDir(name);
  for (const f of readdirSync(join(FIXTURES, name))) copyFileSync(join(FIXTURES, name, f), join(dir, f));
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

export const fixtureConfig = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, name, 'config.json'), 'utf8')) as Record<string, unknown>;

type Part = number | number[] | string | Uint8Array;
/** Pickle bytes from opcodes (numbers), raw bytes (arrays, Uint8Arrays) and latin1 strings. */
export const pk = (...parts: Part[]): Uint8Array =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : Array.isArray(p) ? Buffer.from(p) : typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))));
export const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
/** BINUNICODE. */
export const unicode = (s: string): Buffer => { const b = Buffer.from(s, 'utf8'); return Buffer.concat([Buffer.from('X'), u32(b.length), b]); };
export const PROTO2 = [0x80, 2];
export const STOP = '.';

/** A zip of STORED entries, as torch.save writes them (without zip64: the tests stay small). */
export function storedZip(entries: Record<string, Uint8Array | string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
    const nameBytes = Buffer.from(name);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
