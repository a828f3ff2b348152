// Whole-model FLOPs per task profile, against a formula written here from each model's shapes
// (not from the code under test), and against PyTorch's FlopCounterMode totals recorded by
// scripts/fixtures/make_t5_checkpoints.py (flop-counter.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { modelConfig } from '../../src/core/flops';
import { ProfileError, defaultProfile, taskFlops } from '../../src/core/task-flops';

const KEYS = ['codet5-small', 'codet5-base', 'codet5-large', 'codet5p-220m', 'codet5p-770m'] as const;
/** d_model, d_ff, layers, heads from each model's config.json; d_kv 64, vocab 32100, relu, tied head. */
const SHAPES: Record<(typeof KEYS)[number], [number, number, number, number]> = {
  'codet5-small': [512, 2048, 6, 8], 'codet5-base': [768, 3072, 12, 12], 'codet5p-220m': [768, 3072, 12, 12],
  'codet5-large': [1024, 4096, 24, 16], 'codet5p-770m': [1024, 4096, 24, 16],
};
const V = 32100;

/** One transformer layer, by hand: 2·(rows × in × out) per weight product, 2·q·k·inner twice for attention. */
function independent(key: (typeof KEYS)[number], n: number, m: number, L: number, K: number) {
  const [d, ff, layers, heads] = SHAPES[key];
  const h = heads * 64;
  const encLayer = (t: number) => 2 * t * d * h * 4 + 2 * t * t * h * 2 + 2 * t * d * ff * 2;
  const encoder = K * encLayer(n) + (layers - K) * encLayer(m);
  const self = layers * (2 * L * d * h * 4 + 2 * L * L * h * 2);
  const cross = (s: number) => layers * (2 * L * d * h * 2 + 2 * s * d * h * 2 + 2 * L * s * h * 2);
  const ffn = layers * 2 * L * d * ff * 2;
  const head = 2 * L * d * V;
  return { encoder, before: layers * encLayer(n) + self + cross(n) + ffn + head, after: encoder + self + cross(m) + ffn + head, self, cross: cross(m), ffn, head };
}

describe('task-profile FLOPs', () => {
  const cases = [[512, 400, 128], [512, 300, 16], [100, 77, 1], [37, 37, 5]] as const;
  for (const key of KEYS) {
    it(`${key}: encoder, seq2seq and classify equal the independent formula at several (n, m, L) and K`, () => {
      const cfg = modelConfig(key);
      for (const [n, m, L] of cases) {
        for (const K of [0, 1, cfg.layers]) {
          const s2s = taskFlops(cfg, { profile: 'seq2seq', inputTokens: n, mergedTokens: m, outputLength: L, mergeLayer: K });
          const want = independent(key, n, m, L, K);
          assert.equal(s2s.after.encoder, want.encoder);
          assert.equal(s2s.after.decoderSelfAttention, want.self);
          assert.equal(s2s.after.crossAttention, want.cross);
          assert.equal(s2s.after.decoderFeedForward, want.ffn);
          assert.equal(s2s.after.lmHead, want.head);
          assert.equal(s2s.before.total, want.before);
          assert.equal(s2s.after.total, want.after);
          const cls = taskFlops(cfg, { profile: 'classify', inputTokens: n, mergedTokens: m, mergeLayer: K });
          const wantCls = independent(key, n, m, n, K);
          assert.equal(cls.outputTokens, n);
          assert.equal(cls.before.total, wantCls.before);
          assert.equal(cls.after.total, wantCls.after);
          const enc = taskFlops(cfg, { profile: 'encoder', inputTokens: n, mergedTokens: m, mergeLayer: K });
          assert.equal(enc.after.total, want.encoder);
          assert.equal(enc.before.lmHead + enc.after.crossAttention, 0);
        }
      }
    });
  }

  it("reproduces the issue's codet5-base 512→400 figures: encoder 23.6%, seq2seq L=128 18.2%, classify 10.9%", () => {
    const cfg = modelConfig('codet5-base');
    const pct = (x: number) => Math.round(x * 1000) / 10;
    assert.equal(pct(taskFlops(cfg, { profile: 'encoder', inputTokens: 512, mergedTokens: 400 }).totalSaving), 23.6);
    assert.equal(pct(taskFlops(cfg, { profile: 'seq2seq', inputTokens: 512, mergedTokens: 400, outputLength: 128 }).totalSaving), 18.2);
    assert.equal(pct(taskFlops(cfg, { profile: 'classify', inputTokens: 512, mergedTokens: 400 }).totalSaving), 10.9);
  });

  it("equals PyTorch FlopCounterMode's totals (flop-counter.json) for every CodeT5 key", () => {
    const file = resolve(__dirname, '..', 'fixtures', 't5-checkpoints', 'flop-counter.json');
    const rec = JSON.parse(readFileSync(file, 'utf8')) as { models: Record<string, { n: number; L: number; encoder: number; total: number }[]> };
    for (const key of KEYS) {
      const rows = rec.models[key]!;
      assert.ok(rows.length >= 3, key);
      for (const r of rows) {
        const t = taskFlops(modelConfig(key), { profile: 'seq2seq', inputTokens: r.n, mergedTokens: r.n, outputLength: r.L });
        assert.equal(t.before.encoder, r.encoder, `${key} n=${r.n}: encoder`);
        assert.equal(t.before.total, r.total, `${key} n=${r.n} L=${r.L}: whole model`);
      }
    }
  });

  it('refuses decoder profiles and output lengths for encoder-only (RoBERTa-shaped) keys', () => {
    for (const key of ['codebert', 'graphcodebert', 'unixcoder']) {
      const cfg = modelConfig(key);
      assert.equal(defaultProfile(cfg), 'encoder');
      assert.throws(() => taskFlops(cfg, { profile: 'seq2seq', inputTokens: 10, mergedTokens: 8, outputLength: 128 }), (e: unknown) => e instanceof ProfileError && /encoder-only/.test((e as Error).message));
      assert.throws(() => taskFlops(cfg, { profile: 'classify', inputTokens: 10, mergedTokens: 8 }), /encoder-only/);
      assert.throws(() => taskFlops(cfg, { profile: 'encoder', inputTokens: 10, mergedTokens: 8, outputLength: 128 }), /encoder-only.*no decoder/);
      assert.ok(taskFlops(cfg, { profile: 'encoder', inputTokens: 10, mergedTokens: 8 }).totalSaving > 0);
    }
    assert.equal(defaultProfile(modelConfig('codet5-base')), 'classify');
    assert.throws(() => taskFlops(modelConfig('codet5-base'), { profile: 'seq2seq', inputTokens: 10, mergedTokens: 8 }), /output length/);
    assert.throws(() => taskFlops(modelConfig('codet5-base'), { profile: 'encoder', inputTokens: 10, mergedTokens: 8, mergeLayer: 13 }), /merge layer/);
  });
});
