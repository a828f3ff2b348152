// Checkpoint weights without Python: a model folder's state dict from safetensors (single or
// sharded) or a torch.save zip (pytorch_model.bin, single or sharded), then the typed T5 record.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WeightsError } from './errors';
import { readRange, withFile } from './read-file';
import { readSafetensors } from './safetensors';
import { readSharded } from './sharded';
import type { StateDict } from './tensor';
import { readTorchZip } from './torch-zip';
import { t5WeightsFromStateDict, type T5CheckpointWeights } from './t5-weights';

export { WeightsError } from './errors';
export { DTYPE_BYTES, FLOAT_DTYPES, halfBitsToFloatBits, toFloat32 } from './dtype';
export { parseSafetensorsHeader, readSafetensors, readSafetensorsHeader, type SafetensorsEntry, type SafetensorsHeader } from './safetensors';
export { parseShardIndex, readShardIndex, readSharded, type ShardIndex } from './sharded';
export { LEGACY_FORMAT_MESSAGE, readTorchZip } from './torch-zip';
export { unpickle, PickleDict, PickleGlobal, type UnpicklePolicy } from './pickle';
export type { FloatDtype, StateDict, Tensor } from './tensor';
export {
  parseT5CheckpointConfig, t5WeightsFromStateDict, type T5AttentionWeights, type T5CheckpointConfig, type T5CheckpointWeights,
  type T5DecoderBlockWeights, type T5EncoderBlockWeights, type T5FeedForwardWeights, type T5StackWeights,
} from './t5-weights';

export type WeightsFormat = 'safetensors' | 'safetensors-sharded' | 'torch-zip' | 'torch-zip-sharded';

/** Weights files in the order they are preferred (safetensors cannot run code even in Python). */
export const WEIGHTS_FILES: ReadonlyArray<{ readonly file: string; readonly format: WeightsFormat; read(path: string): StateDict }> = [
  { file: 'model.safetensors', format: 'safetensors', read: readSafetensors },
  { file: 'model.safetensors.index.json', format: 'safetensors-sharded', read: (p) => readSharded(p, readSafetensors) },
  { file: 'pytorch_model.bin', format: 'torch-zip', read: readTorchZip },
  { file: 'pytorch_model.bin.index.json', format: 'torch-zip-sharded', read: (p) => readSharded(p, readTorchZip) },
];

export interface LoadedStateDict {
  readonly format: WeightsFormat;
  /** The file read (the index, for sharded checkpoints). */
  readonly path: string;
  readonly tensors: StateDict;
}

/**
 * The state dict of the model folder `dir`, from the first weights file present in the order of
 * WEIGHTS_FILES. A file that is present but unreadable is an error, not a reason to try the next:
 * silently loading other weights than the ones asked for would be worse.
 */
export function loadStateDict(dir: string): LoadedStateDict {
  for (const { file, format, read } of WEIGHTS_FILES) {
    const path = join(dir, file);
    if (existsSync(path)) return { format, path, tensors: read(path) };
  }
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new WeightsError(`cannot read model folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const shown = names.length === 0 ? 'nothing' : names.slice(0, 12).join(', ') + (names.length > 12 ? `, … (${names.length} entries)` : '');
  throw new WeightsError(`no weights in ${dir}: expected ${WEIGHTS_FILES.map((w) => w.file).join(', ')}; the folder has ${shown}`);
}

/** config.json holds sizes only; a file near this size is not one. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export function readConfigJson(dir: string): unknown {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) throw new WeightsError(`no config.json in ${dir}`);
  const text = withFile(path, (f) => {
    if (f.size > MAX_CONFIG_BYTES) throw new WeightsError(`${path} is ${f.size} bytes, too large for a config`);
    return Buffer.from(readRange(f, 0, f.size)).toString('utf8');
  });
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new WeightsError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A T5 model folder's weights (config.json + the first weights file present), checked and typed. */
export function loadT5Weights(dir: string): T5CheckpointWeights & { readonly format: WeightsFormat; readonly path: string } {
  const config = readConfigJson(dir);
  const loaded = loadStateDict(dir);
  return { ...t5WeightsFromStateDict(loaded.tensors, config, join(dir, 'config.json')), format: loaded.format, path: loaded.path };
}
