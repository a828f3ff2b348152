import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSpeedup, relativeHalfWidth, speedupInterval, verdictOf } from '../../../src/core/runtime/speedup-interval';
import { mulberry32, normalSampler } from '../../../src/core/runtime/prng';

/** n timings around `center` ms with relative noise `sd` and a few slow outliers. */
function samples(n: number, center: number, sd: number, seed: number): number[] {
  const normal = normalSampler(mulberry32(seed));
  return Array.from({ length: n }, (_, i) => center * (1 + sd * normal()) * (i % 17 === 3 ? 3 : 1));
}

test('a clear speed-up: the interval contains the true ratio, excludes 1.0x, verdict faster', () => {
  const i = speedupInterval([{ unmergedMs: samples(60, 10, 0.05, 1), mergedMs: samples(60, 8, 0.05, 2) }]);
  assert.ok(i.low < 1.25 && 1.25 < i.high, `${i.low}..${i.high} holds 1.25`);
  assert.ok(i.low > 1);
  assert.equal(i.verdict, 'faster');
  assert.ok(relativeHalfWidth(i) < 0.05, `tight with 60 runs at 5% noise: ±${relativeHalfWidth(i)}`);
  assert.doesNotMatch(describeSpeedup(i), /noise/);
});

test('equal configurations: the interval covers 1.0x and the verdict is "within noise", even with outliers', () => {
  const i = speedupInterval([{ unmergedMs: samples(15, 10, 0.3, 3), mergedMs: samples(15, 10, 0.3, 4) }]);
  assert.ok(i.low <= 1 && i.high >= 1, `${i.low}..${i.high}`);
  assert.equal(i.verdict, 'within noise');
  assert.match(describeSpeedup(i), /within noise$/);
});

test('more runs give a narrower interval; a slower merged run is called slower', () => {
  const few = speedupInterval([{ unmergedMs: samples(8, 10, 0.2, 5), mergedMs: samples(8, 10, 0.2, 6) }]);
  const many = speedupInterval([{ unmergedMs: samples(200, 10, 0.2, 5), mergedMs: samples(200, 10, 0.2, 6) }]);
  assert.ok(relativeHalfWidth(many) < relativeHalfWidth(few) / 2, `${relativeHalfWidth(many)} vs ${relativeHalfWidth(few)}`);
  const slower = speedupInterval([{ unmergedMs: samples(50, 10, 0.05, 7), mergedMs: samples(50, 14, 0.05, 8) }]);
  assert.equal(slower.verdict, 'slower');
  assert.ok(slower.high < 1);
});

test('several windows: the ratio of summed medians, deterministic for the same samples', () => {
  const w = [{ unmergedMs: [10, 11, 12], mergedMs: [5, 6, 7] }, { unmergedMs: [4, 4, 4], mergedMs: [4, 4, 4] }];
  const a = speedupInterval(w);
  assert.equal(a.speedup, (11 + 4) / (6 + 4));
  assert.deepEqual(speedupInterval(w), a, 'seeded: the same interval every time');
  assert.ok(a.low <= a.speedup && a.speedup <= a.high);
  assert.throws(() => speedupInterval([{ unmergedMs: [], mergedMs: [1] }]), RangeError);
  assert.equal(verdictOf(0.9, 1.1), 'within noise');
  assert.equal(verdictOf(1.01, 1.1), 'faster');
});
