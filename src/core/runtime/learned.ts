// The learned strategy needs merger.json in the model folder. Embedded random-weight models get
// one trained on first use (a few epochs from their own embedding matrix), so that the whole
// path runs out of the box; a real model's merger is only ever trained when the user asks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadEmbeddingMatrix } from './encoder';
import { learnedReducer, type GroupReducer } from './merge';
import { MERGER_FILE_NAME, loadMergerParams, readEmbeddingsFile, saveMergerParams, trainMerger, type TrainProgress } from './merger/index';

/** Embedding matrix of a model folder: from the ONNX graph, or a raw `embeddings.f32`. */
export function modelEmbeddings(dir: string): { embeddings: Float32Array; vocabSize: number; dModel: number; source: string } {
  try {
    return loadEmbeddingMatrix(dir);
  } catch (onnxError) {
    if (existsSync(join(dir, 'embeddings.f32'))) return readEmbeddingsFile(dir);
    throw onnxError;
  }
}

export interface LearnedReducerOptions {
  /** Train when merger.json is missing (embedded models). */
  trainIfMissing: boolean;
  tokenizerDir: string;
  epochs?: number;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export async function loadOrTrainLearnedReducer(dir: string, dModel: number, opts: LearnedReducerOptions): Promise<{ reducer: GroupReducer; trained: boolean }> {
  const existing = loadMergerParams(dir, dModel);
  if (existing) return { reducer: learnedReducer(existing), trained: false };
  if (!opts.trainIfMissing) throw new Error(`no learned merger in ${dir} (${MERGER_FILE_NAME}); run \`subtoken-lens train-merger --model ${dir}\``);
  const m = modelEmbeddings(dir);
  const { params } = await trainMerger({
    embeddings: m.embeddings, vocabSize: m.vocabSize, dModel: m.dModel, tokenizerDir: opts.tokenizerDir,
    epochs: opts.epochs ?? 3, embeddingsSource: m.source, onProgress: opts.onProgress, signal: opts.signal,
  });
  saveMergerParams(dir, params);
  return { reducer: learnedReducer(params), trained: true };
}
