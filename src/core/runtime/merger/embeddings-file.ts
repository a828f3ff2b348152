// Reads a raw embedding matrix (`embeddings.f32`: little-endian float32, row-major
// [vocab_size, d_model], no header) with the shape taken from the folder's config.json.
// A stop-gap for train-merger: ONNX model folders need the runtime's own loader, which finds
// the embedding initializer inside the graph.

import { existsSync, readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';

export interface EmbeddingMatrix {
  readonly embeddings: Float32Array;
  readonly vocabSize: number;
  readonly dModel: number;
  readonly source: string;
}

export const EMBEDDINGS_FILE_NAME = 'embeddings.f32';

export function readEmbeddingsFile(modelDir: string): EmbeddingMatrix {
  const configPath = join(modelDir, 'config.json');
  const dataPath = join(modelDir, EMBEDDINGS_FILE_NAME);
  if (!existsSync(configPath)) throw new Error(`${modelDir} has no config.json (needed for vocab_size and d_model)`);
  if (!existsSync(dataPath)) {
    throw new Error(`${modelDir} has no ${EMBEDDINGS_FILE_NAME}; this reader only handles raw float32 embedding files (ONNX folders need the runtime's loader)`);
  }
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${configPath}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const vocabSize = config.vocab_size;
  const dModel = config.d_model ?? config.hidden_size;
  if (typeof vocabSize !== 'number' || !Number.isInteger(vocabSize) || vocabSize <= 0) throw new Error(`${configPath}: vocab_size missing or not a positive integer`);
  if (typeof dModel !== 'number' || !Number.isInteger(dModel) || dModel <= 0) throw new Error(`${configPath}: d_model (or hidden_size) missing or not a positive integer`);
  const bytes = readFileSync(dataPath);
  const expected = vocabSize * dModel * 4;
  if (bytes.length !== expected) {
    throw new Error(`${dataPath} has ${bytes.length} bytes, expected vocab_size × d_model × 4 = ${vocabSize} × ${dModel} × 4 = ${expected}`);
  }
  const embeddings = new Float32Array(vocabSize * dModel);
  if (endianness() === 'LE') {
    new Uint8Array(embeddings.buffer).set(bytes);
  } else {
    for (let i = 0; i < embeddings.length; i++) embeddings[i] = bytes.readFloatLE(i * 4);
  }
  return { embeddings, vocabSize, dModel, source: dataPath };
}
