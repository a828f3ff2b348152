// Training the attention-pooling merger, self-supervised from a model's own embedding matrix:
// for each BPE-built token t with pieces p_1..p_k, make the merged E[p_1..p_k] close to E[t].
// The model has d (+ position terms) parameters, so plain Adam with analytic gradients is
// enough; no ML library. Everything is deterministic for a given seed.

import { basename, resolve } from 'node:path';
import { mergerScore, softmaxInPlace } from './apply';
import { buildMergeExamples, readBpeFiles, type MergeExample } from './examples';
import {
  MERGER_FORMAT, MERGER_VERSION, type MergerParams, type ReconstructionMetrics,
} from './params';
import { mulberry32 } from '../prng';

export type MergerLoss = 'mse' | 'cosine';

/** The trainable part of a merger. `b` is left out: it cancels in the softmax. */
export interface MergerWeights {
  readonly w: Float64Array;
  /** Empty when position terms are off. */
  readonly positionBias: Float64Array;
}

export interface TrainProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly trainLoss: number;
  readonly heldOut: ReconstructionMetrics;
}

export interface GroupSizeMetrics {
  readonly pieces: number;
  readonly count: number;
  readonly learned: ReconstructionMetrics;
  readonly average: ReconstructionMetrics;
}

export interface MergerTrainingReport {
  readonly examples: { readonly train: number; readonly heldOut: number; readonly skipped: number };
  readonly heldOut: { readonly learned: ReconstructionMetrics; readonly average: ReconstructionMetrics };
  readonly train: { readonly learned: ReconstructionMetrics; readonly average: ReconstructionMetrics };
  readonly heldOutByGroupSize: readonly GroupSizeMetrics[];
  readonly history: readonly TrainProgress[];
  readonly epochs: number;
  readonly seconds: number;
  /** One sentence comparing learned and average on held-out examples. */
  readonly verdict: string;
}

export interface TrainOnExamplesOptions {
  readonly examples: readonly MergeExample[];
  readonly embeddings: Float32Array;
  readonly vocabSize: number;
  readonly dModel: number;
  readonly epochs?: number;
  readonly lr?: number;
  readonly seed?: number;
  readonly batchSize?: number;
  readonly loss?: MergerLoss;
  /** Number of position-by-index score terms (0 = none). */
  readonly positionTerms?: number;
  readonly onProgress?: (p: TrainProgress) => void;
  readonly signal?: AbortSignal;
}

export interface TrainMergerOptions extends Omit<TrainOnExamplesOptions, 'examples'> {
  readonly tokenizerDir: string;
  /** Longest training group (see buildMergeExamples). Default 4. */
  readonly maxPieces?: number;
  /** Free text recorded in trainedOn.embeddings (e.g. the model folder). */
  readonly embeddingsSource?: string;
}

/** Reproducible shuffling: the runtime's seeded PRNG. */
export const seededRandom = mulberry32;

/** Held-out membership by a hash of the target id (~10%), so every split of a token lands on the same side. */
export function isHeldOut(targetId: number): boolean {
  let h = Math.imul(targetId ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 10 === 0;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const e = new Error('merger training was cancelled');
  e.name = 'AbortError';
  return e;
}

// Reused buffers: this runs ~10⁵ times an epoch and fresh arrays per call dominated the time.
let scratch = { s: new Float64Array(8), m: new Float64Array(0), g: new Float64Array(0) };
function scratchFor(k: number, d: number): typeof scratch {
  if (scratch.s.length < k) scratch = { ...scratch, s: new Float64Array(Math.max(k, 2 * scratch.s.length)) };
  if (scratch.m.length !== d) scratch = { ...scratch, m: new Float64Array(d), g: new Float64Array(d) };
  return scratch;
}

/**
 * Loss of one example and its gradient (accumulated into gradW / gradPos, scaled by `scale`).
 * Returns the loss. With `loss: 'mse'` the loss is mean_j (m_j - y_j)²; with 'cosine', 1 - cos(m, y).
 */
export function exampleLossAndGradient(
  weights: MergerWeights, example: MergeExample, embeddings: Float32Array, d: number, loss: MergerLoss,
  gradW?: Float64Array, gradPos?: Float64Array, scale = 1,
): number {
  const k = example.pieces.length;
  const { s: sBuf, m, g } = scratchFor(k, d);
  const s = sBuf.subarray(0, k);
  for (let i = 0; i < k; i++) s[i] = mergerScore(weights.w, 0, weights.positionBias, embeddings, example.pieces[i]! * d, d, i);
  const a = softmaxInPlace(s);
  m.fill(0);
  for (let i = 0; i < k; i++) {
    const off = example.pieces[i]! * d;
    for (let j = 0; j < d; j++) m[j] = m[j]! + a[i]! * embeddings[off + j]!;
  }
  const yOff = example.target * d;
  // g = dLoss/dm
  let value: number;
  if (loss === 'mse') {
    value = 0;
    for (let j = 0; j < d; j++) {
      const diff = m[j]! - embeddings[yOff + j]!;
      value += diff * diff;
      g[j] = (2 / d) * diff;
    }
    value /= d;
  } else {
    let my = 0, mm = 0, yy = 0;
    for (let j = 0; j < d; j++) {
      const y = embeddings[yOff + j]!;
      my += m[j]! * y; mm += m[j]! * m[j]!; yy += y * y;
    }
    const nm = Math.sqrt(mm), ny = Math.sqrt(yy);
    if (nm === 0 || ny === 0) return 0; // undefined direction: no signal from this example
    const c = my / (nm * ny);
    value = 1 - c;
    for (let j = 0; j < d; j++) g[j] = -(embeddings[yOff + j]! / (nm * ny) - (c * m[j]!) / mm);
  }
  if (gradW) {
    let mg = 0;
    for (let j = 0; j < d; j++) mg += m[j]! * g[j]!;
    for (let i = 0; i < k; i++) {
      const off = example.pieces[i]! * d;
      let eg = 0;
      for (let j = 0; j < d; j++) eg += embeddings[off + j]! * g[j]!;
      const ds = a[i]! * (eg - mg) * scale; // d loss / d score_i
      for (let j = 0; j < d; j++) gradW[j] = gradW[j]! + ds * embeddings[off + j]!;
      if (gradPos && gradPos.length > 0) {
        const p = Math.min(i, gradPos.length - 1);
        gradPos[p] = gradPos[p]! + ds;
      }
    }
  }
  return value;
}

/** Held-out style metrics (MSE and cosine) of a weight setting over examples. */
export function reconstructionMetrics(
  weights: MergerWeights, examples: readonly MergeExample[], embeddings: Float32Array, d: number,
): ReconstructionMetrics {
  if (examples.length === 0) return { mse: NaN, cosine: NaN };
  let mse = 0, cos = 0;
  for (const ex of examples) {
    mse += exampleLossAndGradient(weights, ex, embeddings, d, 'mse');
    cos += 1 - exampleLossAndGradient(weights, ex, embeddings, d, 'cosine');
  }
  return { mse: mse / examples.length, cosine: cos / examples.length };
}

const zeroWeights = (d: number, p: number): MergerWeights => ({ w: new Float64Array(d), positionBias: new Float64Array(p) });

function checkInputs(o: TrainOnExamplesOptions): void {
  const { embeddings, vocabSize, dModel } = o;
  if (!Number.isInteger(dModel) || dModel <= 0) throw new RangeError(`dModel must be a positive integer, got ${dModel}`);
  if (!Number.isInteger(vocabSize) || vocabSize <= 0) throw new RangeError(`vocabSize must be a positive integer, got ${vocabSize}`);
  if (embeddings.length !== vocabSize * dModel) {
    throw new RangeError(`embedding matrix has ${embeddings.length} values, expected vocabSize × dModel = ${vocabSize} × ${dModel} = ${vocabSize * dModel}`);
  }
  for (const [name, v, min] of [['epochs', o.epochs, 1], ['batchSize', o.batchSize, 1], ['positionTerms', o.positionTerms, 0]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${v}`);
  }
  if (o.lr !== undefined && !(o.lr > 0 && Number.isFinite(o.lr))) throw new RangeError(`lr must be a positive number, got ${o.lr}`);
}

function verdictOf(learned: ReconstructionMetrics, average: ReconstructionMetrics, n: number): string {
  if (n === 0) return 'no held-out examples: nothing measured';
  const dm = ((learned.mse - average.mse) / average.mse) * 100;
  const dc = learned.cosine - average.cosine;
  const better = learned.mse < average.mse && learned.cosine > average.cosine;
  const worse = learned.mse > average.mse && learned.cosine < average.cosine;
  const word = better ? 'better than' : worse ? 'worse than' : 'mixed against';
  return `learned merger is ${word} averaging on ${n} held-out tokens: MSE ${dm >= 0 ? '+' : ''}${dm.toFixed(2)}%, mean cosine ${dc >= 0 ? '+' : ''}${dc.toFixed(4)}`;
}

/** Trains on given examples; the building block of trainMerger, exposed for tests and experiments. */
export async function trainMergerOnExamples(o: TrainOnExamplesOptions): Promise<{ weights: MergerWeights; report: MergerTrainingReport }> {
  checkInputs(o);
  const t0 = Date.now();
  const d = o.dModel;
  const epochs = o.epochs ?? 10;
  const lr = o.lr ?? 0.01;
  const batchSize = o.batchSize ?? 256;
  const lossKind = o.loss ?? 'mse';
  const P = o.positionTerms ?? 0;
  const E = o.embeddings;

  const train: MergeExample[] = [];
  const held: MergeExample[] = [];
  let skipped = 0;
  for (const ex of o.examples) {
    if (ex.pieces.length < 2 || ex.target >= o.vocabSize || ex.target < 0 || ex.pieces.some((p) => p < 0 || p >= o.vocabSize)) { skipped++; continue; }
    let yy = 0;
    for (let j = 0; j < d; j++) yy += E[ex.target * d + j]! ** 2;
    if (yy === 0) { skipped++; continue; } // an all-zero row (unused token) teaches nothing
    (isHeldOut(ex.target) ? held : train).push(ex);
  }
  if (train.length === 0) throw new Error('no usable training examples (every merge-built token is out of range or has a zero embedding)');

  const weights = zeroWeights(d, P); // w = 0 is exactly plain averaging: training starts from the baseline
  const nParam = d + P;
  const mom = new Float64Array(nParam), vel = new Float64Array(nParam);
  const gradW = new Float64Array(d), gradPos = new Float64Array(P);
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  let step = 0;
  const rand = seededRandom(o.seed ?? 1);
  const order = train.map((_, i) => i);
  const history: TrainProgress[] = [];

  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) { // Fisher–Yates with the seeded generator
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let epochLoss = 0;
    for (let start = 0, batch = 0; start < order.length; start += batchSize, batch++) {
      if (o.signal?.aborted) throw abortError(o.signal);
      if (batch % 64 === 63) await new Promise<void>((r) => setImmediate(r)); // let cancellation and I/O in
      const end = Math.min(order.length, start + batchSize);
      gradW.fill(0); gradPos.fill(0);
      const scale = 1 / (end - start);
      for (let n = start; n < end; n++) {
        epochLoss += exampleLossAndGradient(weights, train[order[n]!]!, E, d, lossKind, gradW, gradPos, scale);
      }
      step++;
      const c1 = 1 - b1 ** step, c2 = 1 - b2 ** step;
      for (let q = 0; q < nParam; q++) {
        const g = q < d ? gradW[q]! : gradPos[q - d]!;
        mom[q] = b1 * mom[q]! + (1 - b1) * g;
        vel[q] = b2 * vel[q]! + (1 - b2) * g * g;
        const upd = (lr * (mom[q]! / c1)) / (Math.sqrt(vel[q]! / c2) + eps);
        if (q < d) weights.w[q] = weights.w[q]! - upd;
        else weights.positionBias[q - d] = weights.positionBias[q - d]! - upd;
      }
    }
    const progress: TrainProgress = {
      epoch, epochs, trainLoss: epochLoss / train.length, heldOut: reconstructionMetrics(weights, held, E, d),
    };
    history.push(progress);
    o.onProgress?.(progress);
    await new Promise<void>((r) => setImmediate(r));
  }
  if (o.signal?.aborted) throw abortError(o.signal);

  const avg = zeroWeights(d, 0);
  const heldLearned = reconstructionMetrics(weights, held, E, d);
  const heldAverage = reconstructionMetrics(avg, held, E, d);
  const sizes = [...new Set(held.map((e) => e.pieces.length))].sort((x, y) => x - y);
  const report: MergerTrainingReport = {
    examples: { train: train.length, heldOut: held.length, skipped },
    heldOut: { learned: heldLearned, average: heldAverage },
    train: { learned: reconstructionMetrics(weights, train, E, d), average: reconstructionMetrics(avg, train, E, d) },
    heldOutByGroupSize: sizes.map((k) => {
      const group = held.filter((e) => e.pieces.length === k);
      return { pieces: k, count: group.length, learned: reconstructionMetrics(weights, group, E, d), average: reconstructionMetrics(avg, group, E, d) };
    }),
    history,
    epochs,
    seconds: (Date.now() - t0) / 1000,
    verdict: verdictOf(heldLearned, heldAverage, held.length),
  };
  return { weights, report };
}

/**
 * Builds examples from the tokenizer's vocab.json + merges.txt, trains, and returns the merger
 * ready for saveMergerParams together with the training report.
 */
export async function trainMerger(o: TrainMergerOptions): Promise<{ params: MergerParams; report: MergerTrainingReport }> {
  const maxPieces = o.maxPieces ?? 4;
  const bpe = readBpeFiles(o.tokenizerDir);
  const examples = buildMergeExamples(bpe, { maxPieces, vocabSize: o.vocabSize });
  const { weights, report } = await trainMergerOnExamples({ ...o, examples });
  const params: MergerParams = {
    format: MERGER_FORMAT,
    version: MERGER_VERSION,
    kind: 'attention-pool',
    dModel: o.dModel,
    w: Array.from(weights.w),
    b: 0,
    ...(weights.positionBias.length > 0 ? { positionBias: Array.from(weights.positionBias) } : {}),
    trainedOn: {
      tokenizer: basename(resolve(o.tokenizerDir)),
      ...(o.embeddingsSource !== undefined ? { embeddings: o.embeddingsSource } : {}),
      vocabSize: o.vocabSize,
      examples: { train: report.examples.train, heldOut: report.examples.heldOut },
      epochs: report.epochs,
      lr: o.lr ?? 0.01,
      seed: o.seed ?? 1,
      loss: o.loss ?? 'mse',
      maxPieces,
      positionTerms: o.positionTerms ?? 0,
    },
    metrics: { heldOut: report.heldOut, train: report.train },
  };
  return { params, report };
}
