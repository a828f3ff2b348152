// The on-disk form of a trained merger (`merger.json` in a model folder) and its validation.
// A merger file is small, versioned JSON so that a model folder can carry its own merger and a
// newer program can refuse a format it does not understand instead of silently misreading it.

import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MERGER_FILE_NAME = 'merger.json';
export const MERGER_FORMAT = 'subtoken-lens-merger';
export const MERGER_VERSION = 1;

/** Reconstruction quality of one merging rule over a set of examples. */
export interface ReconstructionMetrics {
  /** Mean over examples of the per-dimension squared error, mean_j (merged_j - target_j)². */
  readonly mse: number;
  /** Mean cosine similarity between merged and target vectors. */
  readonly cosine: number;
}

export interface MergerMetrics {
  readonly heldOut: { readonly learned: ReconstructionMetrics; readonly average: ReconstructionMetrics };
  readonly train: { readonly learned: ReconstructionMetrics; readonly average: ReconstructionMetrics };
}

export interface MergerTrainedOn {
  /** Where the tokenizer files came from (a path or a name). */
  readonly tokenizer: string;
  /** Optional description of the embedding matrix (model folder, file). */
  readonly embeddings?: string;
  readonly vocabSize: number;
  readonly examples: { readonly train: number; readonly heldOut: number };
  readonly epochs: number;
  readonly lr: number;
  readonly seed: number;
  readonly loss: 'mse' | 'cosine';
  readonly maxPieces: number;
  readonly positionTerms: number;
}

/**
 * Attention pooling over a group of subtoken vectors e_1..e_k:
 * score_i = w·e_i + b + positionBias[min(i, P-1)], weights = softmax(score), merged = Σ weights_i e_i.
 * `b` is kept for the file format but cancels in the softmax (it shifts every score equally).
 */
export interface MergerParams {
  readonly format: typeof MERGER_FORMAT;
  readonly version: typeof MERGER_VERSION;
  readonly kind: 'attention-pool';
  readonly dModel: number;
  readonly w: number[];
  readonly b: number;
  /** Optional score term by index in the group; the last entry is used for every later index. */
  readonly positionBias?: number[];
  readonly trainedOn: MergerTrainedOn | Record<string, unknown>;
  readonly metrics: MergerMetrics | Record<string, unknown>;
}

export class MergerFormatError extends Error {
  override readonly name = 'MergerFormatError';
}

const isFiniteNumberArray = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Checks an already-parsed value; throws MergerFormatError saying what is wrong. */
export function validateMergerParams(value: unknown, where = 'merger params', expectedDModel?: number): MergerParams {
  const fail = (why: string): never => {
    throw new MergerFormatError(`${where}: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('not a JSON object');
  const v = value as Record<string, unknown>;
  if (v.format !== MERGER_FORMAT) fail(`format is ${JSON.stringify(v.format)}, expected "${MERGER_FORMAT}"`);
  if (v.version !== MERGER_VERSION) fail(`version ${JSON.stringify(v.version)} is not supported (this program reads version ${MERGER_VERSION})`);
  if (v.kind !== 'attention-pool') fail(`kind ${JSON.stringify(v.kind)} is not supported (expected "attention-pool")`);
  const d = v.dModel;
  if (typeof d !== 'number' || !Number.isInteger(d) || d <= 0) fail(`dModel must be a positive integer, got ${JSON.stringify(d)}`);
  if (!isFiniteNumberArray(v.w)) fail('w must be an array of finite numbers');
  if ((v.w as number[]).length !== d) fail(`w has ${(v.w as number[]).length} entries but dModel is ${d}`);
  if (typeof v.b !== 'number' || !Number.isFinite(v.b)) fail('b must be a finite number');
  if (v.positionBias !== undefined) {
    if (!isFiniteNumberArray(v.positionBias) || v.positionBias.length === 0) fail('positionBias must be a non-empty array of finite numbers');
  }
  if (typeof v.trainedOn !== 'object' || v.trainedOn === null) fail('trainedOn must be an object');
  if (typeof v.metrics !== 'object' || v.metrics === null) fail('metrics must be an object');
  if (expectedDModel !== undefined && d !== expectedDModel) {
    fail(`merger was trained for d_model ${d} but the model has d_model ${expectedDModel}; retrain it with train-merger`);
  }
  return v as unknown as MergerParams;
}

/** d_model from a Hugging Face config.json in the folder, if there is one that says. */
function configDModel(modelDir: string): number | undefined {
  const p = join(modelDir, 'config.json');
  if (!existsSync(p)) return undefined;
  try {
    const c = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
    const d = c.d_model ?? c.hidden_size;
    return typeof d === 'number' ? d : undefined;
  } catch {
    return undefined; // a broken config.json is the model loader's error to report, not ours
  }
}

/**
 * Reads `<modelDir>/merger.json`. Returns undefined when there is no such file; throws
 * MergerFormatError when it is corrupt or its dModel differs from `expectedDModel` (default: the
 * d_model in the folder's config.json, when present).
 */
export function loadMergerParams(modelDir: string, expectedDModel?: number): MergerParams | undefined {
  const p = join(modelDir, MERGER_FILE_NAME);
  if (!existsSync(p)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    throw new MergerFormatError(`${p}: not valid JSON (${(e as Error).message}); delete it or retrain with train-merger`);
  }
  return validateMergerParams(parsed, p, expectedDModel ?? configDModel(modelDir));
}

/** Writes `<modelDir>/merger.json` atomically (temp file in the same folder, then rename). */
export function saveMergerParams(modelDir: string, params: MergerParams): string {
  validateMergerParams(params, 'merger params to save');
  const target = join(modelDir, MERGER_FILE_NAME);
  const tmp = `${target}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(params, null, 2) + '\n');
    renameSync(tmp, target);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  return target;
}
