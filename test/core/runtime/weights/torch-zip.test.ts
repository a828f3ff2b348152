// pytorch_model.bin (torch.save zip): every tensor of every fixture against PyTorch's numbers,
// views into shared storages, and refusals of hostile, legacy, compressed and corrupt archives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEGACY_FORMAT_MESSAGE, readTorchZip, WeightsError } from '../../../../src/core/runtime/weights/index';
import { assertMatchesReference, checkpointsOf, FIXTURES, PROTO2, pk, REFERENCE, STOP, storedZip, tempDir, unicode } from './helpers';

const bin = (name: string) => join(FIXTURES, name, 'pytorch_model.bin');
const dir = tempDir('torch-zip');
let fileNo = 0;
function write(bytes: Uint8Array): string {
  const path = join(dir, `case-${fileNo++}.bin`);
  writeFileSync(path, bytes);
  return path;
}
function refusal(path: string, pattern: RegExp): void {
  assert.throws(() => readTorchZip(path), (e: unknown) => {
    assert.ok(e instanceof WeightsError, String(e));
    assert.ok(!(e as Error).message.includes('\n'), 'one line');
    assert.ok((e as Error).message.startsWith(path), `names the file: ${(e as Error).message}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

for (const name of checkpointsOf('torch-zip')) {
  test(`${name}: every tensor of pytorch_model.bin matches PyTorch`, () => {
    assertMatchesReference(readTorchZip(bin(name)), name);
  });
}

test('tied embeddings saved under four names are one storage, read once and shared', () => {
  for (const name of ['tied-relu-bin', 'untied-gated-bin']) {
    const state = readTorchZip(bin(name));
    const shared = state.get('shared.weight')!.data;
    const aliases = ['encoder.embed_tokens.weight', 'decoder.embed_tokens.weight', ...(name.startsWith('tied') ? ['lm_head.weight'] : [])];
    for (const alias of aliases) {
      const t = state.get(alias)!.data;
      assert.equal(t.buffer, shared.buffer, `${name} ${alias} shares memory with shared.weight`);
      assert.equal(t.byteOffset, shared.byteOffset);
    }
    if (name.startsWith('untied')) assert.notEqual(state.get('lm_head.weight')!.data.buffer, shared.buffer, 'an untied head has its own storage');
  }
});

test('views keep their offsets and strides: transpose, row slice, strided columns, scalar, empty', () => {
  const s = readTorchZip(bin('views-bin'));
  const base = s.get('base')!.data;
  const at = (r: number, c: number) => base[r * 4 + c]!;
  const t = s.get('transposed')!;
  assert.deepEqual(t.shape, [4, 6]);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) assert.equal(t.data[i * 6 + j], at(j, i));
  const rows = s.get('rows_2_to_4')!;
  assert.deepEqual([...rows.data], [...base.subarray(8, 16)]);
  assert.equal(rows.data.buffer, base.buffer, 'a contiguous view shares its storage');
  const odd = s.get('odd_columns')!;
  assert.deepEqual(odd.shape, [5, 2]);
  for (let i = 0; i < 5; i++) assert.deepEqual([odd.data[2 * i], odd.data[2 * i + 1]], [at(i + 1, 1), at(i + 1, 3)]);
  assert.deepEqual([s.get('scalar')!.shape, [...s.get('scalar')!.data]], [[], [3.5]]);
  assert.deepEqual([s.get('empty')!.shape, s.get('empty')!.data.length], [[0, 3], 0]);
});

test('a pickle that calls os.system is refused by name and nothing runs', () => {
  const marker = REFERENCE.pwned_marker;
  rmSync(marker, { force: true });
  refusal(bin('malicious-bin'), /\(archive\/data\.pkl\): refers to os\.system, which is not a tensor, a storage type or an OrderedDict \(all a state dict needs\); refusing to load it$/);
  assert.equal(existsSync(marker), false, 'the command in the pickle did not run');
});

test('a legacy (pre-zip) torch.save file is refused as an unsupported format', () => {
  assert.equal(readFileSync(bin('legacy-bin'))[0], 0x80, 'the fixture starts with the pickle magic');
  refusal(bin('legacy-bin'), new RegExp(`: ${LEGACY_FORMAT_MESSAGE.replace(/[().≥]/g, '\\$&')}$`));
  assert.match(LEGACY_FORMAT_MESSAGE, /^unsupported format \(legacy torch\.save\); re-save with torch ≥1\.6 or convert to safetensors$/);
});

test('compressed zip entries are refused', () => {
  refusal(bin('compressed-bin'), /zip entry archive\/\w+ is compressed \(method 8\); torch\.save writes uncompressed archives/);
});

test('a truncated or corrupt archive is refused', () => {
  const good = readFileSync(bin('tied-relu-bin'));
  refusal(write(good.subarray(0, good.length - 30)), /not a readable zip archive/);
  refusal(write(good.subarray(0, 100_000)), /not a readable zip archive \(no end-of-central-directory record: truncated\?\)$/);
  // One flipped bit inside shared.weight's values fails the entry's CRC-32.
  const first = new Float32Array(REFERENCE.checkpoints['tied-relu-bin']!.tensors['shared.weight']!.first.slice(0, 4));
  const at = good.indexOf(Buffer.from(first.buffer));
  assert.ok(at > 0, 'found the storage bytes');
  const flipped = Buffer.from(good);
  flipped[at + 5]! ^= 0x10;
  refusal(write(flipped), /zip entry pytorch_model\/data\/\d+ fails its CRC-32 check: the file is corrupt$/);
  refusal(write(Buffer.from('GIF89a not a checkpoint')), /is not a PyTorch checkpoint \(neither a torch\.save zip nor a pickle\)$/);
});

/** data.pkl of {name: _rebuild_tensor_v2(storage(type, key, numel), offset, size, stride, False, ())}. */
function tensorPickle(o: { type?: string; key?: string; numel: number; offset?: number; size: number[]; stride: number[]; name?: string }): Uint8Array {
  const int = (x: number) => pk('J', Buffer.from(new Int32Array([x]).buffer));
  const tuple = (xs: number[]) => pk('(', ...xs.map(int), 't');
  return pk(
    PROTO2, '}', unicode(o.name ?? 'w'),
    'c', 'torch._utils\n_rebuild_tensor_v2\n', '(',
    '(', unicode('storage'), 'c', `torch\n${o.type ?? 'FloatStorage'}\n`, unicode(o.key ?? '0'), unicode('cpu'), int(o.numel), 't', 'Q',
    int(o.offset ?? 0), tuple(o.size), tuple(o.stride), 0x89, ')', 't', 'R',
    's', STOP,
  );
}
const floats = (n: number) => new Uint8Array(new Float32Array(Array.from({ length: n }, (_, i) => i)).buffer);

test('a hand-built archive loads, and each inconsistency in it is refused with one line', () => {
  const ok = write(storedZip({ 'a/data.pkl': tensorPickle({ numel: 6, size: [2, 3], stride: [3, 1] }), 'a/data/0': floats(6), 'a/byteorder': 'little' }));
  assert.deepEqual([...readTorchZip(ok).get('w')!.data], [0, 1, 2, 3, 4, 5]);

  const cases: Array<[Record<string, Uint8Array | string>, RegExp]> = [
    [{ 'a/data.pkl': tensorPickle({ numel: 4, size: [2, 3], stride: [3, 1] }), 'a/data/0': floats(4) }, /tensor w of shape \[2, 3\] has more values than its storage 0 \(4\)$/],
    [{ 'a/data.pkl': tensorPickle({ numel: 6, offset: 2, size: [2, 3], stride: [3, 1] }), 'a/data/0': floats(6) }, /tensor w \(offset 2, shape \[2, 3\], stride \[3, 1\]\) reaches past its storage 0 \(6 values\)$/],
    [{ 'a/data.pkl': tensorPickle({ numel: 1, size: [1000], stride: [0] }), 'a/data/0': floats(1) }, /tensor w of shape \[1000\] has more values than its storage 0 \(1\)$/],
    [{ 'a/data.pkl': tensorPickle({ numel: 6, key: '7', size: [6], stride: [1] }), 'a/data/0': floats(6) }, /storage 7 has no zip entry a\/data\/7$/],
    [{ 'a/data.pkl': tensorPickle({ numel: 6, key: '../x', size: [6], stride: [1] }) }, /storage key "\.\.\/x" is not a plain name$/],
    [{ 'a/data.pkl': tensorPickle({ numel: 6, size: [6], stride: [1] }), 'a/data/0': floats(2) }, /storage 0 holds 8 bytes, less than its 6 F32 values need$/],
    [{ 'a/data.pkl': tensorPickle({ numel: 2, type: 'LongStorage', size: [2], stride: [1] }), 'a/data/0': new Uint8Array(16) }, /tensor w has dtype I64; only F32, F16, BF16 weights can be loaded$/],
    [{ 'a/data.pkl': tensorPickle({ numel: 2, type: 'ComplexFloatStorage', size: [2], stride: [1] }) }, /refers to torch\.ComplexFloatStorage, which is not a tensor/],
    [{ 'a/data.pkl': tensorPickle({ numel: 6, size: [6], stride: [1] }), 'a/data/0': floats(6), 'a/byteorder': 'big' }, /the checkpoint was saved big-endian; only little-endian checkpoints are supported$/],
    [{ 'a/data.pkl': pk(PROTO2, ']', STOP) }, /the pickle is not a dict of tensors$/],
    [{ 'a/data.pkl': pk(PROTO2, '}', unicode('step'), 'K', 3, 's', STOP) }, /state dict entry step is not a tensor$/],
    [{ 'a/data.pkl': pk(PROTO2, '}', 'K', 1, '}', 's', STOP) }, /the state dict has a key that is not a string \(1\)$/],
    [{ 'a/version': '3' }, /no <name>\/data\.pkl in the zip: not a torch\.save checkpoint$/],
    [{ 'a/data.pkl': pk(PROTO2, '}', STOP), 'b/data.pkl': pk(PROTO2, '}', STOP) }, /several <name>\/data\.pkl entries in the zip/],
  ];
  for (const [entries, pattern] of cases) refusal(write(storedZip(entries)), pattern);
});
