// Sharded checkpoints: `model.safetensors.index.json` (or `pytorch_model.bin.index.json`) maps each
// tensor name to the shard file holding it ({"metadata": {...}, "weight_map": {name: file}}). The
// index comes from the model's publisher, so its file names are refused unless they are plain names
// of files inside the folder, and every shard must hold exactly the tensors the index gives it.
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { WeightsError } from './errors';
import { readRange, withFile } from './read-file';
import type { StateDict, Tensor } from './tensor';

/** Index files are names and file names only; anything near this size is not an index. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

export interface ShardIndex {
  /** Tensor name → shard file name. */
  readonly weightMap: ReadonlyMap<string, string>;
  /** Shard file names, in the order they first appear. */
  readonly shards: readonly string[];
}

/** A shard name the index may use: a file directly inside the folder, nothing else. */
function isPlainFileName(dir: string, name: string): boolean {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) return false;
  const rel = relative(dir, resolve(dir, name));
  return rel === name && !rel.startsWith('..') && !isAbsolute(rel);
}

export function parseShardIndex(raw: unknown, dir: string, source: string): ShardIndex {
  const map = (raw as { weight_map?: unknown } | null)?.weight_map;
  if (!map || typeof map !== 'object' || Array.isArray(map)) throw new WeightsError(`${source} has no "weight_map" object`);
  const weightMap = new Map<string, string>();
  const shards: string[] = [];
  for (const [name, file] of Object.entries(map as Record<string, unknown>)) {
    if (typeof file !== 'string' || !isPlainFileName(dir, file)) {
      throw new WeightsError(`${source}: tensor ${name} is mapped to ${JSON.stringify(file)}, which is not a plain file name in the model folder`);
    }
    weightMap.set(name, file);
    if (!shards.includes(file)) shards.push(file);
  }
  if (weightMap.size === 0) throw new WeightsError(`${source}: "weight_map" lists no tensors`);
  return { weightMap, shards };
}

export function readShardIndex(indexPath: string): ShardIndex {
  const text = withFile(indexPath, (file) => {
    if (file.size > MAX_INDEX_BYTES) throw new WeightsError(`${indexPath} is ${file.size} bytes, too large for a shard index`);
    return Buffer.from(readRange(file, 0, file.size)).toString('utf8');
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new WeightsError(`${indexPath} is not valid JSON: ${(e as Error).message}`);
  }
  return parseShardIndex(raw, dirname(indexPath), indexPath);
}

/** All tensors of a sharded checkpoint, each shard read with `readShard`, checked against the index. */
export function readSharded(indexPath: string, readShard: (path: string) => StateDict): StateDict {
  const dir = dirname(indexPath);
  const index = readShardIndex(indexPath);
  const out = new Map<string, Tensor>();
  for (const shard of index.shards) {
    const tensors = readShard(join(dir, shard));
    for (const [name, tensor] of tensors) {
      const mapped = index.weightMap.get(name);
      if (mapped !== shard) {
        throw new WeightsError(`${indexPath}: shard ${shard} holds tensor ${name}, which the index ${mapped ? `maps to ${mapped}` : 'does not list'}`);
      }
      out.set(name, tensor);
    }
  }
  for (const [name, shard] of index.weightMap) {
    if (!out.has(name)) throw new WeightsError(`${indexPath}: tensor ${name} is mapped to ${shard}, which does not hold it`);
  }
  return out;
}
