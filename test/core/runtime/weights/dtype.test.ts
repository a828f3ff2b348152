// float16 / bfloat16 → float32 conversion: hand-checked bit patterns, and every float16 pattern
// against PyTorch's own conversion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { halfBitsToFloatBits, readSafetensors, toFloat32, WeightsError } from '../../../../src/core/runtime/weights/index';
import { FIXTURES } from './helpers';

const bitsOf = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0]!;
const le16 = (...words: number[]) => new Uint8Array(new Uint16Array(words).buffer);

test('float16 special values convert exactly: zeros, subnormals, normals, infinities, NaN', () => {
  const cases: Array<[number, number]> = [
    [0x0000, 0], [0x8000, -0], [0x3c00, 1], [0xbc00, -1], [0x3555, 0.333251953125],
    [0x0001, 2 ** -24], // smallest subnormal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0400, 2 ** -14], // smallest normal
    [0x7bff, 65504], // largest finite
    [0x7c00, Infinity], [0xfc00, -Infinity],
  ];
  for (const [h, want] of cases) {
    assert.equal(halfBitsToFloatBits(h), bitsOf(want), `0x${h.toString(16)}`);
    assert.ok(Object.is(toFloat32(le16(h), 'F16', 1, 't')[0], want), `0x${h.toString(16)} → ${want}`);
  }
  const nan = toFloat32(le16(0x7e00, 0xfd01), 'F16', 2, 't');
  assert.ok(Number.isNaN(nan[0]) && Number.isNaN(nan[1]));
});

test('bfloat16 is the top half of a float32', () => {
  const got = toFloat32(le16(0x3f80, 0xc000, 0x0001, 0x7f80, 0xff80), 'BF16', 5, 't');
  assert.deepEqual([...got], [1, -2, 2 ** -133, Infinity, -Infinity]);
});

test('F32 bytes are read little-endian, also from an unaligned offset', () => {
  const bytes = new Uint8Array(9);
  new DataView(bytes.buffer).setFloat32(1, 1.5, true);
  new DataView(bytes.buffer).setFloat32(5, -0.25, true);
  assert.deepEqual([...toFloat32(bytes.subarray(1), 'F32', 2, 't')], [1.5, -0.25]);
});

test('every float16 pattern and a spread of bfloat16 patterns match PyTorch\'s float32 conversion', () => {
  const values = readSafetensors(join(FIXTURES, 'dtype-values.safetensors'));
  for (const [src, ref] of [['f16_bits', 'f16_as_f32'], ['bf16_bits', 'bf16_as_f32']] as const) {
    const got = values.get(src)!.data;
    const want = values.get(ref)!.data;
    assert.equal(values.get(ref)!.dtype, 'F32');
    assert.equal(got.length, want.length);
    if (src === 'f16_bits') assert.equal(got.length, 65536);
    let nans = 0;
    for (let i = 0; i < got.length; i++) {
      if (Number.isNaN(want[i]!)) {
        assert.ok(Number.isNaN(got[i]!), `${src}[${i}] should be NaN`);
        nans++;
      } else {
        assert.ok(Object.is(got[i], want[i]), `${src}[${i}]: got ${got[i]}, PyTorch ${want[i]}`);
      }
    }
    assert.ok(nans > 0, `${src} covers NaN patterns`);
  }
});

test('other element types are refused by name', () => {
  for (const dtype of ['I64', 'F64', 'U8', 'BOOL']) {
    assert.throws(() => toFloat32(new Uint8Array(8), dtype, 1, 'tensor x'), (e: unknown) => {
      assert.ok(e instanceof WeightsError);
      assert.match((e as Error).message, new RegExp(`^tensor x has dtype ${dtype}; only F32, F16, BF16 weights can be loaded$`));
      return true;
    });
  }
});
