// The one number formatter (src/core/report/format/numbers.ts), which the CLI, the extension and
// the report renderer all print through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketLabel, bytes, bytesOf, flops, int, ms, pct, reduction } from '../../../src/core/report/format/numbers';

test('counts group thousands and round', () => {
  assert.equal(int(1234567.6), '1,234,568');
  assert.equal(int(0), '0');
});

test('percentages keep one decimal unless asked', () => {
  assert.equal(pct(12.345), '12.3%');
  assert.equal(pct(5, 0), '5%');
});

test('a reduction is signed with U+2212 and never negative', () => {
  assert.equal(reduction(200, 150), '−25.0%');
  assert.equal(reduction(0, 0), '0%');
  assert.equal(reduction(10, 12), '0%', 'a longer result is not a saving');
  assert.equal(reduction(Number.NaN, 1), '0%');
});

test('FLOPs take the largest SI prefix they reach', () => {
  assert.equal(flops(9.41e12), '9.41 TFLOP');
  assert.equal(flops(1.5e9), '1.50 GFLOP');
  assert.equal(flops(2.5e6), '2.50 MFLOP');
  assert.equal(flops(1500), '1.50 kFLOP');
  assert.equal(flops(999), '999 FLOP');
  assert.equal(flops(3.2e15), '3.20 PFLOP');
  assert.equal(flops(1.23456e9, 3), '1.235 GFLOP');
  assert.equal(flops(-2e9), '-2.00 GFLOP', 'the prefix follows the magnitude');
});

test('bytes use decimal SI prefixes; a transfer shows both figures in the total\'s unit', () => {
  assert.equal(bytes(512), '512 B');
  assert.equal(bytes(1500), '1.5 kB');
  assert.equal(bytes(207.1e6), '207.1 MB');
  assert.equal(bytes(2.5e9), '2.5 GB');
  assert.equal(bytesOf(3e5, 1e6), '0.3/1.0 MB');
  assert.equal(bytesOf(2.5e6, 1e7), '2.5/10.0 MB');
  assert.equal(bytesOf(100, 900), '100/900 B');
  assert.equal(bytesOf(2.5e6), '2.5 MB');
});

test('durations and histogram buckets', () => {
  assert.equal(ms(1234.4), '1234 ms');
  assert.equal(ms(12.34), '12.3 ms');
  assert.equal(ms(1.234), '1.23 ms');
  assert.equal(bucketLabel(3, 17), '3');
  assert.equal(bucketLabel(16, 17), '16+');
});
