// Is the learned merger really better than averaging? A mean difference on held-out tokens says
// little by itself: on random weights, or with few examples, it is noise. This gives the paired
// difference (learned − average, per held-out token) with a bootstrap confidence interval, and
// calls it "no difference" whenever the interval covers zero.
import { readBpeFiles, buildMergeExamples, type MergeExample } from './examples';
import type { MergerParams } from './params';
import { exampleLossAndGradient, isHeldOut, seededRandom, type MergerWeights } from './train';

export interface BootstrapInterval {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  /** e.g. 0.95 */
  readonly level: number;
  readonly resamples: number;
  readonly n: number;
}

/** Percentile bootstrap interval of the mean of `values` (deterministic for a seed). */
export function bootstrapMeanInterval(
  values: ArrayLike<number>, options: { resamples?: number; level?: number; seed?: number } = {},
): BootstrapInterval {
  const n = values.length;
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  if (n === 0) return { mean: NaN, low: NaN, high: NaN, level, resamples, n };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const rand = seededRandom(options.seed ?? 1);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(rand() * n)]!;
    means[r] = s / n;
  }
  means.sort();
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return { mean: sum / n, low: at((1 - level) / 2), high: at(1 - (1 - level) / 2), level, resamples, n };
}

export type MergerVerdict = 'learned better' | 'averaging better' | 'no difference';

/** Lower error is better: an interval wholly below zero means the learned merger wins. */
export function verdictOfInterval(diff: BootstrapInterval): MergerVerdict {
  if (!(diff.n > 0) || !(diff.low <= diff.high)) return 'no difference';
  if (diff.high < 0) return 'learned better';
  if (diff.low > 0) return 'averaging better';
  return 'no difference';
}

export interface HeldOutComparison {
  /** Mean held-out MSE of each merger. */
  readonly learnedMse: number;
  readonly averageMse: number;
  /** learned − average MSE per held-out token, relative to the average's mean MSE (so −0.05 = 5 % lower). */
  readonly relativeDiff: BootstrapInterval;
  readonly verdict: MergerVerdict;
  /** Said of every result on random weights: the numbers are about this matrix only. */
  readonly randomWeights: boolean;
}

export interface CompareHeldOutOptions {
  readonly params: MergerParams;
  readonly tokenizerDir: string;
  readonly embeddings: Float32Array;
  readonly vocabSize: number;
  readonly dModel: number;
  readonly randomWeights: boolean;
  readonly resamples?: number;
  readonly seed?: number;
}

/** The held-out tokens training left aside, rebuilt from the tokenizer as training built them. */
export function heldOutExamples(tokenizerDir: string, maxPieces: number, vocabSize: number, embeddings: Float32Array, d: number): MergeExample[] {
  const examples = buildMergeExamples(readBpeFiles(tokenizerDir), { maxPieces, vocabSize });
  return examples.filter((ex) => {
    if (!isHeldOut(ex.target) || ex.pieces.length < 2) return false;
    let yy = 0;
    for (let j = 0; j < d; j++) yy += embeddings[ex.target * d + j]! ** 2;
    return yy > 0; // training skips all-zero rows too
  });
}

export function compareOnHeldOut(o: CompareHeldOutOptions): HeldOutComparison {
  const d = o.dModel;
  const trainedMax = (o.params.trainedOn as { maxPieces?: unknown }).maxPieces;
  // The same group sizes training used (trainMerger's default is 4).
  const maxPieces = typeof trainedMax === 'number' ? trainedMax : 4;
  const held = heldOutExamples(o.tokenizerDir, maxPieces, o.vocabSize, o.embeddings, d);
  const learned: MergerWeights = { w: Float64Array.from(o.params.w), positionBias: Float64Array.from(o.params.positionBias ?? []) };
  const average: MergerWeights = { w: new Float64Array(d), positionBias: new Float64Array(0) };
  const diffs = new Float64Array(held.length);
  let sumL = 0, sumA = 0;
  held.forEach((ex, i) => {
    const l = exampleLossAndGradient(learned, ex, o.embeddings, d, 'mse');
    const a = exampleLossAndGradient(average, ex, o.embeddings, d, 'mse');
    sumL += l;
    sumA += a;
    diffs[i] = l - a;
  });
  const averageMse = held.length ? sumA / held.length : NaN;
  // Relative to the average's mean error, so the interval reads as a percentage of the baseline.
  const rel = diffs.map((x) => x / averageMse);
  const relativeDiff = bootstrapMeanInterval(rel, { resamples: o.resamples, seed: o.seed });
  return {
    learnedMse: held.length ? sumL / held.length : NaN, averageMse, relativeDiff,
    verdict: verdictOfInterval(relativeDiff), randomWeights: o.randomWeights,
  };
}

/** One honest sentence about the comparison. */
export function describeComparison(c: HeldOutComparison): string {
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;
  const ci = c.relativeDiff;
  const numbers = `held-out MSE learned vs average ${pct(ci.mean)} (${Math.round(ci.level * 100)}% CI ${pct(ci.low)} to ${pct(ci.high)}, ${ci.n.toLocaleString('en-US')} tokens)`;
  const verdict = c.verdict === 'no difference'
    ? 'no difference: the interval covers zero'
    : c.verdict === 'learned better' ? 'the learned merger reconstructs better' : 'averaging reconstructs better';
  const caveat = c.randomWeights ? '. Random weights: this says nothing about how merging behaves in a real (trained) model' : '';
  return `${numbers}: ${verdict}${caveat}.`;
}
