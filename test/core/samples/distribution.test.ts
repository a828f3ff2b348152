import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelConfig } from '../../../src/core/flops';
import { distributionOf, PointSet, sampleFigures, weightedQuantile, HISTOGRAM_BINS } from '../../../src/core/samples/distribution';

test('weighted quantiles interpolate like NumPy on the expanded list', () => {
  // np.percentile([1, 2, 2, 3, 10], [10, 50, 90]) → 1.4, 2, 7.2
  const v: [number, number][] = [[1, 1], [2, 2], [3, 1], [10, 1]];
  assert.ok(Math.abs(weightedQuantile(v, 0.1) - 1.4) < 1e-12);
  assert.equal(weightedQuantile(v, 0.5), 2);
  assert.ok(Math.abs(weightedQuantile(v, 0.9) - 7.2) < 1e-12);
  assert.equal(weightedQuantile([], 0.5), 0);
});

test('the histogram has 5-point bins and puts 100% in the last', () => {
  const d = distributionOf([[0, 2], [4.99, 1], [5, 1], [100, 3]]);
  assert.equal(d.histogram.length, HISTOGRAM_BINS);
  assert.equal(d.histogram[0], 3);
  assert.equal(d.histogram[1], 1);
  assert.equal(d.histogram[HISTOGRAM_BINS - 1], 3);
});

test('figures depend only on the multiset of samples, not on how it was split or ordered', () => {
  const samples: [number, number][] = [[510, 400], [12, 12], [100, 80], [510, 400], [33, 20], [0, 0], [250, 190]];
  const whole = new PointSet();
  for (const [t, m] of samples) whole.add(t, m);
  const a = new PointSet(), b = new PointSet(), c = new PointSet();
  samples.forEach(([t, m], i) => [c, a, b][i % 3]!.add(t, m));
  const united = new PointSet();
  for (const part of [b, c, a]) united.addAll(part.toArray());
  assert.deepEqual(united.toArray(), whole.toArray());
  const cfg = modelConfig('codet5-base');
  const figures = sampleFigures(whole.toArray(), cfg, { name: 'classify' }, 2);
  assert.deepEqual(sampleFigures(united.toArray(), cfg, { name: 'classify' }, 2), figures);
  assert.equal(figures.samples, 7);
  assert.equal(figures.tokens, 1415);
  assert.equal(figures.merged, 1102);
  // Median of the per-sample token savings: 0, 0, 20, 21.57 (x2), 24, 39.4 → 21.57%.
  assert.ok(Math.abs(figures.distribution.tokenSavingPct.median - (100 * 110) / 510) < 1e-9);
  assert.ok(figures.modelFlopSavingPct < figures.flopSavingPct, 'classify keeps the decoder over the unmerged source');
});
