import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyMerger, averageRows, bpeSplitWithout, buildMergeExamples, exampleLossAndGradient, loadMergerParams,
  MERGER_FORMAT, MergerFormatError, mergerWeights, readBpeFiles, readEmbeddingsFile, saveMergerParams,
  seededRandom, trainMerger, trainMergerOnExamples, type MergeExample, type MergerParams, type MergerWeights,
} from '../../../../src/core/runtime/merger/index';

const SHARED = join(__dirname, '..', '..', '..', '..', '..', 'shared');
const TOKENIZER = join(SHARED, 'tokenizers', 'codet5');
const TINY = join(SHARED, 'reference', 't5-tiny');

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function params(w: number[], extra: Partial<MergerParams> = {}): MergerParams {
  return { format: MERGER_FORMAT, version: 1, kind: 'attention-pool', dModel: w.length, w, b: 0, trainedOn: {}, metrics: {}, ...extra };
}

test('averageRows reproduces the float32 group means of the t5-tiny reference merge case bit for bit', () => {
  const { embeddings, dModel } = readEmbeddingsFile(TINY);
  const mc = JSON.parse(readFileSync(join(TINY, 'merge_cases.json'), 'utf8')).cases[0];
  const ids: number[] = mc.input_ids[0];
  const expected: number[] = mc.merged_inputs_embeds.data;
  const row = (id: number) => embeddings.subarray(id * dModel, (id + 1) * dModel);
  let checked = 0;
  mc.merged_positions.forEach((orig: number, outIdx: number) => {
    const group: number[] | undefined = mc.groups.find((g: number[]) => g[0] === orig);
    if (!group) return;
    const mean = averageRows(group.map((p) => row(ids[p]!)), dModel);
    assert.deepEqual(Array.from(mean), expected.slice(outIdx * dModel, (outIdx + 1) * dModel).map(Math.fround));
    checked++;
  });
  assert.equal(checked, 3);
});

test('applyMerger: w = 0 is the average, a strong w picks the highest-scoring row, bad input is refused', () => {
  const rows = [Float32Array.of(1, 0, 2), Float32Array.of(0, 3, -1), Float32Array.of(5, 5, 5)];
  const avg = averageRows(rows, 3);
  const zero = applyMerger(params([0, 0, 0]), rows, 3);
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(zero[j]! - avg[j]!) < 1e-6);
  // score = 100·e[1]: row 2 (5) beats row 1 (3) by 200 → weights ≈ one-hot on row 2
  const picked = applyMerger(params([0, 100, 0]), rows, 3);
  assert.deepEqual(Array.from(picked), [5, 5, 5]);
  const wts = mergerWeights(params([0.3, -0.2, 0.1], { positionBias: [0.5, -0.5] }), rows, 3);
  assert.ok(Math.abs(wts.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.throws(() => applyMerger(params([0, 0, 0]), [], 3), /empty group/);
  assert.throws(() => applyMerger(params([0, 0, 0]), [Float32Array.of(1, 2)], 3), /row 0 has 2 values/);
  assert.throws(() => applyMerger(params([0, 0]), rows, 3), /d_model 2/);
});

test('analytic gradients match finite differences (mse and cosine, with position terms)', () => {
  const rand = seededRandom(7);
  const d = 6, V = 5;
  const E = Float32Array.from({ length: V * d }, () => gaussian(rand));
  const ex: MergeExample = { target: 4, pieces: [0, 2, 1, 3] };
  const w = Float64Array.from({ length: d }, () => gaussian(rand) * 0.7);
  const pos = Float64Array.of(0.2, -0.4, 0.1);
  for (const loss of ['mse', 'cosine'] as const) {
    const gw = new Float64Array(d), gp = new Float64Array(3);
    exampleLossAndGradient({ w, positionBias: pos }, ex, E, d, loss, gw, gp);
    const f = (wt: MergerWeights) => exampleLossAndGradient(wt, ex, E, d, loss);
    const h = 1e-6;
    for (let q = 0; q < d + 3; q++) {
      const plus = { w: Float64Array.from(w), positionBias: Float64Array.from(pos) };
      const minus = { w: Float64Array.from(w), positionBias: Float64Array.from(pos) };
      if (q < d) { plus.w[q]! += h; minus.w[q]! -= h; } else { plus.positionBias[q - d]! += h; minus.positionBias[q - d]! -= h; }
      const numeric = (f(plus) - f(minus)) / (2 * h);
      const analytic = q < d ? gw[q]! : gp[q - d]!;
      assert.ok(Math.abs(numeric - analytic) < 1e-6 * Math.max(1, Math.abs(numeric)), `${loss} param ${q}: numeric ${numeric} vs analytic ${analytic}`);
    }
    assert.ok(gw.some((v) => Math.abs(v) > 1e-4), 'gradient is not trivially zero');
  }
});

test('merger.json: atomic save, load round trip, missing → undefined, corrupt and mismatched → clear errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'merger-params-'));
  try {
    assert.equal(loadMergerParams(dir), undefined);
    const p = params([0.5, -1.25, 3], { positionBias: [0.1], trainedOn: { tokenizer: 'codet5' }, metrics: { note: 1 } });
    saveMergerParams(dir, p);
    assert.deepEqual(readdirSync(dir), ['merger.json'], 'no temp file is left behind');
    assert.deepEqual(loadMergerParams(dir), p);

    writeFileSync(join(dir, 'config.json'), JSON.stringify({ d_model: 64 }));
    assert.throws(() => loadMergerParams(dir), (e: Error) => e instanceof MergerFormatError && /d_model 3 but the model has d_model 64/.test(e.message));
    assert.deepEqual(loadMergerParams(dir, 3), p, 'an explicit expected d_model overrides config.json');

    writeFileSync(join(dir, 'merger.json'), '{"format": "subtoken-lens-merger", "ver');
    assert.throws(() => loadMergerParams(dir, 3), (e: Error) => e instanceof MergerFormatError && /not valid JSON/.test(e.message));
    writeFileSync(join(dir, 'merger.json'), JSON.stringify({ ...p, version: 2 }));
    assert.throws(() => loadMergerParams(dir, 3), /version 2 is not supported/);
    writeFileSync(join(dir, 'merger.json'), JSON.stringify({ ...p, w: [1, 2] }));
    assert.throws(() => loadMergerParams(dir, 3), /w has 2 entries but dModel is 3/);
    assert.throws(() => saveMergerParams(dir, { ...p, w: [1, Number.NaN, 2] }), /finite/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('BPE splits: the final merge is turned off, deeper splits reach maxPieces, pieces spell the target', () => {
  const ranks = new Map([['a b', 0], ['b c', 1], ['ab c', 2], ['a bc', 3]]);
  assert.deepEqual(bpeSplitWithout('abc', ranks), ['ab', 'c']);
  assert.deepEqual(bpeSplitWithout('ab', ranks), ['a', 'b']);

  const bpe = readBpeFiles(TOKENIZER);
  const examples = buildMergeExamples(bpe, { maxPieces: 3 });
  const inv = new Map([...bpe.vocab].map(([t, id]) => [id, t]));
  const counts = new Map<number, number>();
  for (const ex of examples) {
    assert.equal(ex.pieces.map((p) => inv.get(p)).join(''), inv.get(ex.target));
    assert.ok(ex.pieces.length >= 2 && ex.pieces.length <= 3);
    counts.set(ex.pieces.length, (counts.get(ex.pieces.length) ?? 0) + 1);
  }
  assert.equal(counts.get(2), bpe.merges.length, 'one primary (2-piece) split per merge rule');
  assert.ok((counts.get(3) ?? 0) > 20000);
  assert.ok(!examples.some((e) => e.target < 5), 'special tokens are never targets');
  assert.throws(() => readBpeFiles(tmpdir()), /missing vocab\.json/);
});

test('synthetic embeddings built by a known attention pooling: training recovers w* and beats averaging', async () => {
  const d = 16;
  const bpe = readBpeFiles(TOKENIZER);
  const vocabSize = 32000;
  const examples = buildMergeExamples(bpe, { maxPieces: 2 });
  const inv = new Map([...bpe.vocab].map(([t, id]) => [id, t]));
  const rand = seededRandom(42);
  const E = Float32Array.from({ length: vocabSize * d }, () => gaussian(rand));
  const wStar = Array.from({ length: d }, () => gaussian(rand) * 0.6);
  const truth = params(wStar);
  // Compose shortest tokens first, so every piece already holds its own composed vector.
  const byLength = [...examples].sort((x, y) => inv.get(x.target)!.length - inv.get(y.target)!.length);
  for (const ex of byLength) {
    const merged = applyMerger(truth, ex.pieces.map((p) => E.subarray(p * d, (p + 1) * d)), d);
    E.set(merged, ex.target * d);
  }
  const { weights, report } = await trainMergerOnExamples({ examples, embeddings: E, vocabSize, dModel: d, epochs: 6, lr: 0.05, seed: 3 });
  let dot = 0, nw = 0, ns = 0;
  for (let j = 0; j < d; j++) { dot += weights.w[j]! * wStar[j]!; nw += weights.w[j]! ** 2; ns += wStar[j]! ** 2; }
  const cos = dot / Math.sqrt(nw * ns);
  assert.ok(cos > 0.99, `learned w is aligned with w* (cos ${cos})`);
  assert.ok(Math.abs(Math.sqrt(nw / ns) - 1) < 0.1, `and has its length (ratio ${Math.sqrt(nw / ns)})`);
  const { learned, average } = report.heldOut;
  assert.ok(report.examples.heldOut > 2000 && report.examples.train > 25000);
  assert.ok(learned.mse < average.mse * 0.05, `held-out MSE ${learned.mse} vs average ${average.mse}`);
  assert.ok(learned.cosine > average.cosine, `held-out cosine ${learned.cosine} vs average ${average.cosine}`);
  assert.match(report.verdict, /better than averaging/);
});

test('real CodeT5 vocabulary + t5-tiny (random) embeddings: training runs and reports honestly', async () => {
  const { embeddings, vocabSize, dModel } = readEmbeddingsFile(TINY);
  const seen: number[] = [];
  const { params: p, report } = await trainMerger({
    embeddings, vocabSize, dModel, tokenizerDir: TOKENIZER, epochs: 2, maxPieces: 2, seed: 5,
    onProgress: (pr) => seen.push(pr.epoch),
  });
  assert.deepEqual(seen, [1, 2]);
  assert.equal(p.w.length, 64);
  assert.equal(report.examples.train + report.examples.heldOut, 31739);
  // Random embeddings carry no compositional signal: the learned merger cannot do much better
  // than averaging, and starting from w = 0 it must not drift far worse either.
  const { learned, average } = report.heldOut;
  assert.ok(Number.isFinite(learned.mse) && Number.isFinite(average.mse));
  assert.ok(Math.abs(learned.mse - average.mse) / average.mse < 0.02, `${learned.mse} vs ${average.mse}`);
  assert.ok(Math.abs(average.cosine) < 0.02, 'random targets are uncorrelated with their pieces');
  const dir = mkdtempSync(join(tmpdir(), 'merger-real-'));
  try {
    writeFileSync(join(dir, 'config.json'), readFileSync(join(TINY, 'config.json')));
    saveMergerParams(dir, p);
    assert.deepEqual(loadMergerParams(dir), JSON.parse(JSON.stringify(p)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('training is deterministic for a seed and cancellable', async () => {
  const rand = seededRandom(1);
  const d = 4, V = 400;
  const E = Float32Array.from({ length: V * d }, () => gaussian(rand));
  const examples: MergeExample[] = Array.from({ length: 300 }, (_, i) => ({ target: 100 + i, pieces: [i % 50, 50 + (i % 37), (i * 7) % 100] }));
  const run = () => trainMergerOnExamples({ examples, embeddings: E, vocabSize: V, dModel: d, epochs: 3, seed: 9, batchSize: 16 });
  const [a, b] = [await run(), await run()];
  assert.deepEqual(Array.from(a.weights.w), Array.from(b.weights.w));
  const ac = new AbortController();
  await assert.rejects(
    trainMergerOnExamples({ examples, embeddings: E, vocabSize: V, dModel: d, epochs: 50, signal: ac.signal, onProgress: () => ac.abort() }),
    (e: Error) => e.name === 'AbortError',
  );
  await assert.rejects(trainMergerOnExamples({ examples, embeddings: E.subarray(1), vocabSize: V, dModel: d }), /expected vocabSize × dModel/);
  assert.ok(existsSync(TINY));
});
