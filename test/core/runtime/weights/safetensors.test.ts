// safetensors, single and sharded: every tensor of every fixture against PyTorch's numbers, and
// strict refusals of corrupt, truncated and hostile files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  readSafetensors, readSafetensorsHeader, readSharded, WeightsError,
} from '../../../../src/core/runtime/weights/index';
import { assertMatchesReference, checkpointsOf, copyFixture, FIXTURES, tempDir } from './helpers';

const SINGLE = join(FIXTURES, 'tied-relu', 'model.safetensors');

/** A fixture file split into its header (parsed) and data area, to re-assemble with edits. */
function splitFile(path: string): { header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>; data: Buffer } {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')), data: bytes.subarray(8 + n) };
}

function assemble(header: unknown, data: Uint8Array, headerLength?: bigint): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(headerLength ?? BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

const dir = tempDir('safetensors');
let fileNo = 0;
function refusal(bytes: Uint8Array, pattern: RegExp): void {
  const path = join(dir, `case-${fileNo++}.safetensors`);
  writeFileSync(path, bytes);
  assert.throws(() => readSafetensors(path), (e: unknown) => {
    assert.ok(e instanceof WeightsError, String(e));
    const message = (e as Error).message;
    assert.ok(!message.includes('\n'), 'one line');
    assert.ok(message.startsWith(path), `names the file: ${message}`);
    assert.match(message, pattern);
    return true;
  });
}

for (const name of checkpointsOf('safetensors')) {
  test(`${name}: every tensor of model.safetensors matches PyTorch`, () => {
    assertMatchesReference(readSafetensors(join(FIXTURES, name, 'model.safetensors')), name);
  });
}

for (const name of checkpointsOf('safetensors-sharded')) {
  test(`${name}: every tensor of the shards matches PyTorch and equals the single file`, () => {
    const sharded = readSharded(join(FIXTURES, name, 'model.safetensors.index.json'), readSafetensors);
    assertMatchesReference(sharded, name);
    const single = readSafetensors(join(FIXTURES, name.replace(/-sharded$/, ''), 'model.safetensors'));
    assert.deepEqual([...sharded.keys()].sort(), [...single.keys()].sort());
    for (const [tensorName, t] of single) {
      const s = sharded.get(tensorName)!;
      assert.deepEqual(s.shape, t.shape, tensorName);
      assert.deepEqual(s.data, t.data, tensorName);
    }
  });
}

test('the header and its __metadata__ are read without the data', () => {
  const header = readSafetensorsHeader(SINGLE);
  assert.deepEqual(header.metadata, { format: 'pt' });
  const shared = header.entries.get('shared.weight')!;
  assert.deepEqual([shared.dtype, shared.shape, shared.end - shared.begin], ['F32', [100, 32], 100 * 32 * 4]);
});

test('a header length beyond the file is refused', () => {
  const { header, data } = splitFile(SINGLE);
  const bytes = assemble(header, data);
  refusal(assemble(header, data, BigInt(bytes.length)), /header length \d+ exceeds the file \(\d+ bytes\): truncated or not a safetensors file$/);
  refusal(assemble(header, data, 2n ** 63n), /header length 9223372036854775808 exceeds the file/);
  refusal(new Uint8Array([1, 2, 3]), /is not a safetensors file: 3 bytes, less than the 8-byte header length$/);
});

test('a truncated file is refused, naming the tensor past the end', () => {
  const bytes = readFileSync(SINGLE);
  const { header } = splitFile(SINGLE);
  const lastEnd = Math.max(...Object.values(header).filter((e) => 'data_offsets' in e).map((e) => e.data_offsets[1]));
  const last = Object.entries(header).find(([, e]) => 'data_offsets' in e && e.data_offsets[1] === lastEnd)![0];
  refusal(bytes.subarray(0, bytes.length - 100), new RegExp(`tensor ${last.replace(/\./g, '\\.')} has data_offsets \\[\\d+, ${lastEnd}\\] beyond the data area \\(\\d+ bytes\\): the file is truncated or corrupt$`));
});

test('offsets out of range, overlapping, or not matching shape × dtype are refused', () => {
  const { header, data } = splitFile(SINGLE);
  const edit = (change: (h: typeof header) => void) => {
    const h = structuredClone(header);
    change(h);
    return assemble(h, data);
  };
  refusal(edit((h) => { h['shared.weight']!.data_offsets = [0, data.length + 4]; }), /tensor shared\.weight has data_offsets \[0, \d+\] beyond the data area/);
  refusal(edit((h) => { h['shared.weight']!.data_offsets = [10, 5]; }), /tensor shared\.weight has data_offsets \[10, 5\] that end before they begin$/);
  refusal(edit((h) => { h['shared.weight']!.data_offsets = [-4, 12796] as [number, number]; }), /tensor shared\.weight has invalid data_offsets/);
  const q = 'encoder.block.0.layer.0.SelfAttention.q.weight';
  const k = 'encoder.block.0.layer.0.SelfAttention.k.weight';
  refusal(edit((h) => { h[k]!.data_offsets = h[q]!.data_offsets; }), /tensors .*SelfAttention\.[qk]\.weight and .*SelfAttention\.[qk]\.weight overlap/);
  refusal(edit((h) => { h[q]!.shape = [32, 33]; }), /tensor encoder\.block\.0\.layer\.0\.SelfAttention\.q\.weight: shape \[32, 33\] of F32 needs 4224 bytes, data_offsets \[\d+, \d+\] hold 4096$/);
  refusal(edit((h) => { h[q]!.shape = [2 ** 40, 2 ** 40]; }), /shape \[1099511627776, 1099511627776\] of F32 needs more than \d+ bytes/);
  refusal(edit((h) => { h[q]!.shape = [32, -32]; }), /has an invalid shape \[32,-32\]$/);
  refusal(edit((h) => { h[q]!.dtype = 'F4X'; }), /has an unknown dtype "F4X"$/);
  refusal(edit((h) => { (h as Record<string, unknown>).__metadata__ = { format: 1 }; }), /"__metadata__" value of "format" is not a string$/);
});

test('a header that is not JSON, or not an object, is refused', () => {
  const data = new Uint8Array(4);
  const broken = Buffer.concat([Buffer.from([6, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{\n"a":'), data]);
  refusal(broken, /the header is not valid JSON .*: corrupt or not a safetensors file$/);
  refusal(assemble([1, 2], data), /the header is not a JSON object$/);
});

test('tensors of non-float types are refused by name when read', () => {
  const data = new Uint8Array(16);
  refusal(assemble({ ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data), /tensor ids has dtype I64; only F32, F16, BF16 weights can be loaded$/);
});

test('a FIFO in place of the file is refused at once instead of blocking', { timeout: 20000 }, () => {
  const fifo = join(dir, 'fifo.safetensors');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  assert.throws(() => readSafetensors(fifo), /fifo\.safetensors is not a regular file$/);
});

test('a shard index naming files outside the folder is refused before anything is read', () => {
  const d = copyFixture('tied-relu-sharded');
  const index = JSON.parse(readFileSync(join(d, 'model.safetensors.index.json'), 'utf8')) as { weight_map: Record<string, string> };
  for (const bad of ['../model.safetensors', '/etc/passwd', 'sub/model-00001-of-00004.safetensors', '..', 'a\\b.safetensors']) {
    const edited = structuredClone(index);
    edited.weight_map['shared.weight'] = bad;
    writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify(edited));
    let shardsRead = 0;
    assert.throws(
      () => readSharded(join(d, 'model.safetensors.index.json'), (p) => { shardsRead++; return readSafetensors(p); }),
      new RegExp(`tensor shared\\.weight is mapped to ${JSON.stringify(bad).replace(/[.\\/[\]]/g, '\\$&')}, which is not a plain file name in the model folder$`),
    );
    assert.equal(shardsRead, 0);
  }
});

test('an index that does not match its shards is refused, naming the tensor', () => {
  const d = copyFixture('tied-relu-sharded');
  const indexPath = join(d, 'model.safetensors.index.json');
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { weight_map: Record<string, string> };
  const shards = [...new Set(Object.values(index.weight_map))];
  const moved = structuredClone(index);
  const holder = moved.weight_map['shared.weight']!;
  moved.weight_map['shared.weight'] = shards.find((s) => s !== holder)!;
  writeFileSync(indexPath, JSON.stringify(moved));
  assert.throws(() => readSharded(indexPath, readSafetensors), /shard model-\d+-of-\d+\.safetensors holds tensor shared\.weight, which the index maps to model-/);

  const missing = structuredClone(index);
  missing.weight_map['extra.weight'] = holder;
  writeFileSync(indexPath, JSON.stringify(missing));
  assert.throws(() => readSharded(indexPath, readSafetensors), /tensor extra\.weight is mapped to model-\d+-of-\d+\.safetensors, which does not hold it$/);

  const dropped = structuredClone(index);
  delete dropped.weight_map['shared.weight'];
  writeFileSync(indexPath, JSON.stringify(dropped));
  assert.throws(() => readSharded(indexPath, readSafetensors), /holds tensor shared\.weight, which the index does not list$/);

  copyFileSync(join(FIXTURES, 'tied-relu-sharded', 'model.safetensors.index.json'), indexPath);
  writeFileSync(join(d, holder), 'x');
  assert.throws(() => readSharded(indexPath, readSafetensors), /is not a safetensors file: 1 bytes/);
});
