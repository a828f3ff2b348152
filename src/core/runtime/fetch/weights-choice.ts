// Which weights of a Hub repo `model fetch` downloads: the first usable format, in the loader's
// order of preference (safetensors cannot run code even in Python, then PyTorch's zip .bin), else
// an ONNX encoder export. Only that format's files are fetched, never every file of the repo: a
// real CodeT5 repo also carries TF/Flax copies of the same weights, several hundred MB each.
import { WEIGHTS_FILES, type WeightsFormat } from '../weights/index';
import { readShardIndex } from '../weights/sharded';
import { WeightsError } from '../weights/errors';
import { FetchModelError } from './errors';

export type FetchedWeightsFormat = WeightsFormat | 'onnx-export';

export const ONNX_ENCODER_FILE = 'onnx/encoder_model.onnx';

export interface WeightsChoice {
  readonly format: FetchedWeightsFormat;
  /** Files to fetch first (for sharded checkpoints: the index, whose shards are known only after reading it). */
  readonly files: readonly string[];
  /** Fetched if the repo has them (the external-data file of an ONNX export). */
  readonly optionalFiles: readonly string[];
  /** True when `files[0]` is a shard index: its shards are added once it is on disk (`shardsOf`). */
  readonly sharded: boolean;
}

/** Every model folder needs its config; generation settings and tokenizer files when the repo has them. */
export const CONFIG_FILE = 'config.json';
export const COMPANION_FILES: readonly string[] = [
  'generation_config.json', 'vocab.json', 'merges.txt', 'tokenizer.json', 'tokenizer_config.json',
  'special_tokens_map.json', 'added_tokens.json',
];

/** What a repo needs to offer, for the message when it has none of it. */
const NEEDED = `${WEIGHTS_FILES.map((w) => w.file).join(', ')} (with its shards) or ${ONNX_ENCODER_FILE}`;

/** Weights-like files (by extension), to name what an unusable repo has instead. */
const WEIGHTS_LIKE = /\.(safetensors|bin|onnx|onnx_data|h5|msgpack|ckpt|pt|pth|gguf|ot)$|\.index\.json$/;

/** The weights to fetch from a repo whose files are `present`, or a FetchModelError naming what it has and needs. */
export function chooseWeights(present: ReadonlySet<string>, what: string): WeightsChoice {
  for (const { file, format } of WEIGHTS_FILES) {
    if (present.has(file)) return { format, files: [file], optionalFiles: [], sharded: format.endsWith('-sharded') };
  }
  if (present.has(ONNX_ENCODER_FILE)) {
    return { format: 'onnx-export', files: [ONNX_ENCODER_FILE], optionalFiles: [`${ONNX_ENCODER_FILE}_data`], sharded: false };
  }
  const weightsLike = [...present].filter((f) => WEIGHTS_LIKE.test(f));
  const has = weightsLike.length > 0 ? weightsLike : [...present];
  const shown = has.slice(0, 20).join(', ') + (has.length > 20 ? `, … (${has.length - 20} more)` : '');
  throw new FetchModelError('not-found', `${what} has no weights this tool can load: it has ${shown || 'no files'}; needed: ${NEEDED}`);
}

/**
 * The shard files a downloaded index names. The index comes from the repo's publisher: each shard
 * must be a plain file name in the folder (readShardIndex refuses paths) and a file the repo lists.
 */
export function shardsOf(indexPath: string, indexName: string, present: ReadonlySet<string>, what: string): string[] {
  let shards: readonly string[];
  try {
    shards = readShardIndex(indexPath).shards;
  } catch (e) {
    if (e instanceof WeightsError) throw new FetchModelError('bad-input', `${what}: ${indexName} is not a usable shard index (${e.message})`);
    throw e;
  }
  const absent = shards.filter((s) => !present.has(s));
  if (absent.length > 0) {
    throw new FetchModelError('not-found', `${what}: ${indexName} names shard(s) the repo does not have: ${absent.slice(0, 10).join(', ')}`);
  }
  return [...shards];
}
