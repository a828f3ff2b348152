// The learned-vs-average comparison: a bootstrap interval over held-out tokens, "no difference"
// when it covers zero, and the random-weights caveat whatever the numbers say.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureEmbeddedModel } from '../../../../src/core/runtime/embedded-model';
import { modelEmbeddings } from '../../../../src/core/runtime/learned';
import { trainMerger } from '../../../../src/core/runtime/merger';
import {
  bootstrapMeanInterval, compareOnHeldOut, describeComparison, verdictOfInterval, type HeldOutComparison,
} from '../../../../src/core/runtime/merger/heldout-ci';
import { seededRandom } from '../../../../src/core/runtime/merger';
import { CODET5_DIR } from '../../helpers';

const noise = (n: number, shift: number, seed: number) => {
  const r = seededRandom(seed);
  return Float64Array.from({ length: n }, () => shift + (r() - 0.5));
};

describe('merger held-out comparison', () => {
  it('brackets the mean and is deterministic for a seed', () => {
    const v = noise(500, 0.2, 3);
    const a = bootstrapMeanInterval(v, { seed: 7 });
    assert.ok(a.low < a.mean && a.mean < a.high, JSON.stringify(a));
    assert.deepEqual(bootstrapMeanInterval(v, { seed: 7 }), a);
    assert.equal(a.n, 500);
    assert.equal(a.level, 0.95);
  });

  it('calls pure noise "no difference" and a clear shift a difference, in the right direction', () => {
    assert.equal(verdictOfInterval(bootstrapMeanInterval(noise(400, 0, 11))), 'no difference');
    assert.equal(verdictOfInterval(bootstrapMeanInterval(noise(400, -0.3, 12))), 'learned better');
    assert.equal(verdictOfInterval(bootstrapMeanInterval(noise(400, 0.3, 13))), 'averaging better');
    assert.equal(verdictOfInterval(bootstrapMeanInterval([])), 'no difference');
  });

  it('describes the interval, says "no difference" when it covers zero, and always adds the random-weights caveat', () => {
    const base: HeldOutComparison = {
      learnedMse: 1, averageMse: 1, verdict: 'no difference', randomWeights: true,
      relativeDiff: { mean: -0.001, low: -0.004, high: 0.002, level: 0.95, resamples: 2000, n: 1234 },
    };
    const text = describeComparison(base);
    assert.match(text, /held-out MSE learned vs average -0\.10% \(95% CI -0\.40% to \+0\.20%, 1,234 tokens\): no difference: the interval covers zero/);
    assert.match(text, /Random weights: this says nothing about how merging behaves in a real \(trained\) model/);
    const better = describeComparison({ ...base, verdict: 'learned better', relativeDiff: { ...base.relativeDiff, high: -0.001 } });
    assert.match(better, /the learned merger reconstructs better\. Random weights/, 'the caveat stays even when the interval excludes zero');
    assert.doesNotMatch(describeComparison({ ...base, randomWeights: false }), /Random weights/);
  });

  describe('on the embedded random-weight model', () => {
    let cache = '';
    before(() => { cache = mkdtempSync(join(tmpdir(), 'sl-heldout-')); });
    after(() => rmSync(cache, { recursive: true, force: true }));

    it('compares the trained merger with averaging on the held-out tokens', { timeout: 120_000 }, async () => {
      const m = modelEmbeddings(ensureEmbeddedModel('tiny', cache));
      const { params, report } = await trainMerger({ tokenizerDir: CODET5_DIR, embeddings: m.embeddings, vocabSize: m.vocabSize, dModel: m.dModel, epochs: 1 });
      const c = compareOnHeldOut({ params, tokenizerDir: CODET5_DIR, embeddings: m.embeddings, vocabSize: m.vocabSize, dModel: m.dModel, randomWeights: true, resamples: 300 });
      assert.equal(c.relativeDiff.n, report.examples.heldOut, 'the same held-out tokens as training set aside');
      assert.ok(Math.abs(c.averageMse - report.heldOut.average.mse) < 1e-9 * Math.max(1, report.heldOut.average.mse));
      assert.ok(Math.abs(c.learnedMse - report.heldOut.learned.mse) < 1e-6 * Math.max(1, report.heldOut.learned.mse));
      assert.match(describeComparison(c), /Random weights/);
    });
  });
});
