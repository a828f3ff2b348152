import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossAttentionFlops, encoderFlops, flopsFromSums, modelConfig, MODEL_CONFIGS, windowLengths } from '../../src/core/flops';
import { windowSums } from '../../src/core/report/stats';

test('CodeT5-small at 512 tokens, checked by hand', () => {
  // d_model 512, d_ff 2048, 6 layers, 8 heads × d_kv 64 (inner 512); 1 multiply-add = 2 FLOPs.
  // Projections per layer: 2·512·(3·512·512 + 512·512) = 1,073,741,824 → × 6 = 6,442,450,944.
  // Scores (QKᵀ) per layer: 2·512·512·512 = 268,435,456 → × 6 = 1,610,612,736; context the same.
  // FFN (wi, wo) per layer: 2·512·512·2048·2 = 2,147,483,648 → × 6 = 12,884,901,888.
  const f = encoderFlops(modelConfig('codet5-small'), 512);
  assert.equal(f.projections, 6_442_450_944);
  assert.equal(f.attentionScores, 1_610_612_736);
  assert.equal(f.attentionContext, 1_610_612_736);
  assert.equal(f.feedForward, 12_884_901_888);
  assert.equal(f.total, 22_548_578_304);
});

test('decoder cross-attention over 512 memory positions for 128 output tokens, by hand', () => {
  // Per layer: K,V of the memory 2·2·512·512·512 = 536,870,912; Q 2·128·512·512 = 67,108,864;
  // scores + context 2·2·128·512·512 = 134,217,728; output 2·128·512·512 = 67,108,864 → 805,306,368 × 6.
  assert.equal(crossAttentionFlops(modelConfig('codet5-small'), 512, 128), 4_831_838_208);
  assert.equal(crossAttentionFlops(modelConfig('codebert'), 512, 128), 0, 'encoder-only models have no decoder');
});

test('window packing and FLOPs from window sums', () => {
  const cfg = modelConfig('codet5-base');
  assert.deepEqual(windowLengths(cfg, 1000), [512, 492]);
  assert.deepEqual(windowLengths(cfg, 0), []);
  const sums = windowSums(1000, { capacity: 510, specials: 2 });
  assert.deepEqual(sums, { count: 2, sum: 1004, sumSq: 512 * 512 + 492 * 492 });
  assert.equal(flopsFromSums(cfg, sums), encoderFlops(cfg, 512).total + encoderFlops(cfg, 492).total);
});

test('every known configuration matches its published shape', () => {
  const shape = (k: string) => { const c = modelConfig(k); return [c.dModel, c.dFf, c.layers, c.heads, c.dKv]; };
  assert.deepEqual(shape('codet5-small'), [512, 2048, 6, 8, 64]);
  assert.deepEqual(shape('codet5-base'), [768, 3072, 12, 12, 64]);
  assert.deepEqual(shape('codet5p-220m'), [768, 3072, 12, 12, 64]);
  assert.deepEqual(shape('codet5-large'), [1024, 4096, 24, 16, 64]);
  assert.deepEqual(shape('codet5p-770m'), [1024, 4096, 24, 16, 64]);
  for (const k of ['codebert', 'graphcodebert', 'unixcoder']) assert.deepEqual(shape(k), [768, 3072, 12, 12, 64]);
  for (const c of MODEL_CONFIGS.filter((m) => m.family === 't5')) assert.equal(c.vocabSize, 32100);
  assert.throws(() => modelConfig('gpt-5'), /Unknown model "gpt-5"/);
  assert.throws(() => encoderFlops(modelConfig('codet5-small'), -1), RangeError);
});
