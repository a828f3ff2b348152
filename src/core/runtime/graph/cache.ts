// Graphs built from a checkpoint, cached beside it: `<modelDir>/.subtoken-lens/graphs-<hash>/`
// holds encoder.onnx, decoder.onnx, embeddings.f32 and graphs.json, where <hash> is the sha256 of
// the builder version, config.json and every weights file read. The build (read weights, transpose,
// encode) happens once per checkpoint; later loads only hash and read. A folder that cannot be
// written (read-only install) still works: the graphs are then built in memory each time.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { encodeModel, ModelError } from '../onnx-model';
import { WEIGHTS_FILES, loadT5Weights, readShardIndex, type WeightsFormat } from '../weights/index';
import { readRange, withFile } from '../weights/read-file';
import { buildDecoderGraph } from './decoder-graph';
import { buildEncoderGraph } from './encoder-graph';
import { decoderSpec, encoderSpec } from './from-checkpoint';

/** Bump when the graphs written change, so that cached ones are rebuilt. */
export const GRAPH_BUILDER_VERSION = 1;
/** The folder inside a model folder that the project owns. */
export const MODEL_CACHE_DIR = '.subtoken-lens';
const GRAPHS_PREFIX = 'graphs-';
const META_FILE = 'graphs.json';
const ENCODER_FILE = 'encoder.onnx';
const DECODER_FILE = 'decoder.onnx';
const EMBEDDINGS_FILE = 'embeddings.f32';
const HASH_MEMO_FILE = 'weights-hash.json';

export interface CheckpointFiles {
  readonly format: WeightsFormat;
  /** The weights file the loader reads first (the index, for sharded checkpoints). */
  readonly main: string;
  /** Names (relative to the model folder) of config.json and every weights file, sorted. */
  readonly files: readonly string[];
}

/** The checkpoint files of `dir` in the loader's order of preference, or undefined when it has none. */
export function findCheckpointFiles(dir: string): CheckpointFiles | undefined {
  for (const { file, format } of WEIGHTS_FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const shards = format.endsWith('-sharded') ? readShardIndex(path).shards : [];
    return { format, main: file, files: ['config.json', file, ...shards].sort() };
  }
  return undefined;
}

export interface GraphSetMeta {
  readonly format: 'subtoken-lens-graphs';
  readonly builderVersion: number;
  readonly weightsHash: string;
  readonly weightsFormat: WeightsFormat;
  readonly weightsFiles: readonly string[];
  readonly vocabSize: number;
  readonly dModel: number;
  readonly encoderLayers: number;
  readonly decoderLayers: number;
  readonly tiedLmHead: boolean;
  readonly decoderOutputScale: number;
  /** Byte sizes of the files written, checked before a cached set is used. */
  readonly sizes: Readonly<Record<string, number>>;
  readonly buildMs: number;
}

export interface GraphSet {
  readonly meta: GraphSetMeta;
  /** The cache folder, or undefined when the graphs live in memory only (unwritable model folder). */
  readonly dir?: string;
  /** True when this call built the graphs (false: read from the cache). */
  readonly built: boolean;
  /** Path of the encoder graph, or a description when in memory. */
  readonly encoderFile: string;
  readonly decoderFile: string;
  encoderBytes(): Uint8Array;
  decoderBytes(): Uint8Array;
  /** The shared token embedding, row-major [vocab, d_model]. */
  embeddings(): Float32Array;
}

/** Adds a file's bytes to `h`, read in chunks (checkpoints are hundreds of MB); regular files only
 *  (withFile refuses a FIFO planted under a weights name instead of blocking on it). */
function hashFileInto(h: ReturnType<typeof createHash>, path: string): void {
  withFile(path, (file) => {
    const buf = new Uint8Array(4 << 20);
    for (let off = 0; off < file.size; off += buf.length) {
      const n = Math.min(buf.length, file.size - off);
      h.update(readRange(file, off, n, buf).subarray(0, n));
    }
  });
}

interface HashMemo { builderVersion: number; files: { name: string; size: number; mtimeMs: number }[]; sha256: string }

/**
 * The hash naming a checkpoint's graphs. Hashing reads every weights byte, so the result is
 * remembered in `.subtoken-lens/weights-hash.json` against each file's size and mtime, and only
 * recomputed when one of those changes.
 */
export function checkpointHash(dir: string, files: readonly string[], cacheRoot: string | undefined): string {
  const stats = files.map((name) => {
    const st = statSync(join(dir, name));
    return { name, size: st.size, mtimeMs: st.mtimeMs };
  });
  const memoPath = cacheRoot ? join(cacheRoot, HASH_MEMO_FILE) : undefined;
  if (memoPath) {
    try {
      const memo = JSON.parse(readFileSync(memoPath, 'utf8')) as HashMemo;
      if (memo.builderVersion === GRAPH_BUILDER_VERSION && JSON.stringify(memo.files) === JSON.stringify(stats) && /^[0-9a-f]{64}$/.test(memo.sha256)) return memo.sha256;
    } catch {
      // no memo, or an unreadable one: hash the files
    }
  }
  const h = createHash('sha256');
  h.update(`subtoken-lens graphs v${GRAPH_BUILDER_VERSION}\n`);
  for (const s of stats) {
    h.update(`${s.name}\n${s.size}\n`);
    hashFileInto(h, join(dir, s.name));
  }
  const sha256 = h.digest('hex');
  if (memoPath) {
    try {
      writeFileAtomic(memoPath, JSON.stringify({ builderVersion: GRAPH_BUILDER_VERSION, files: stats, sha256 } satisfies HashMemo));
    } catch {
      // the memo only saves time
    }
  }
  return sha256;
}

function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function readFloat32File(path: string, expectedValues: number): Float32Array {
  const out = new Float32Array(expectedValues);
  const bytes = new Uint8Array(out.buffer);
  const fd = openSync(path, 'r');
  try {
    if (fstatSync(fd).size !== bytes.length) throw new ModelError(`${path} has ${fstatSync(fd).size} bytes, expected ${bytes.length}`);
    for (let off = 0; off < bytes.length; ) {
      const n = readSync(fd, bytes, off, bytes.length - off, off);
      if (n <= 0) throw new ModelError(`${path}: unexpected end of file`);
      off += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** The cached set in `graphsDir`, if complete and made by this builder from these weights. */
function readCachedSet(graphsDir: string, hash: string): GraphSetMeta | undefined {
  try {
    const meta = JSON.parse(readFileSync(join(graphsDir, META_FILE), 'utf8')) as GraphSetMeta;
    if (meta.format !== 'subtoken-lens-graphs' || meta.builderVersion !== GRAPH_BUILDER_VERSION || meta.weightsHash !== hash) return undefined;
    for (const [name, size] of Object.entries(meta.sizes)) if (statSync(join(graphsDir, name)).size !== size) return undefined;
    return meta;
  } catch {
    return undefined;
  }
}

interface BuiltBytes { meta: GraphSetMeta; files: Record<string, Uint8Array> }

/** Reads the checkpoint and writes its graphs (the slow part: seconds for a 60M-parameter model). */
function buildGraphs(dir: string, ck: CheckpointFiles, hash: string): BuiltBytes {
  const t0 = performance.now();
  const w = loadT5Weights(dir);
  const producerVersion = String(GRAPH_BUILDER_VERSION);
  const encoder = encodeModel(buildEncoderGraph(encoderSpec(w), { kind: 'inputs_embeds' }, { name: 't5-encoder', producerVersion }));
  const decoder = encodeModel(buildDecoderGraph(decoderSpec(w), { name: 't5-decoder', producerVersion }));
  const emb = w.shared.data;
  const files: Record<string, Uint8Array> = {
    [ENCODER_FILE]: encoder,
    [DECODER_FILE]: decoder,
    [EMBEDDINGS_FILE]: new Uint8Array(emb.buffer, emb.byteOffset, emb.byteLength),
  };
  const c = w.config;
  const meta: GraphSetMeta = {
    format: 'subtoken-lens-graphs', builderVersion: GRAPH_BUILDER_VERSION, weightsHash: hash, weightsFormat: ck.format, weightsFiles: ck.files,
    vocabSize: c.vocabSize, dModel: c.dModel, encoderLayers: c.numLayers, decoderLayers: c.numDecoderLayers,
    tiedLmHead: w.lmHead.tied, decoderOutputScale: w.decoderOutputScale,
    sizes: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.byteLength])),
    buildMs: performance.now() - t0,
  };
  return { meta, files };
}

function fileSet(graphsDir: string, meta: GraphSetMeta, built: boolean): GraphSet {
  return {
    meta, dir: graphsDir, built,
    encoderFile: join(graphsDir, ENCODER_FILE),
    decoderFile: join(graphsDir, DECODER_FILE),
    encoderBytes: () => readFileSync(join(graphsDir, ENCODER_FILE)),
    decoderBytes: () => readFileSync(join(graphsDir, DECODER_FILE)),
    embeddings: () => readFloat32File(join(graphsDir, EMBEDDINGS_FILE), meta.vocabSize * meta.dModel),
  };
}

function memorySet(b: BuiltBytes): GraphSet {
  const emb = b.files[EMBEDDINGS_FILE]!;
  return {
    meta: b.meta, built: true,
    encoderFile: '(encoder graph built in memory)',
    decoderFile: '(decoder graph built in memory)',
    encoderBytes: () => b.files[ENCODER_FILE]!,
    decoderBytes: () => b.files[DECODER_FILE]!,
    embeddings: () => new Float32Array(emb.buffer, emb.byteOffset, emb.byteLength / 4),
  };
}

/** Makes `<dir>/.subtoken-lens` if it can; undefined when the model folder cannot be written. */
function ensureCacheRoot(dir: string): string | undefined {
  const root = join(dir, MODEL_CACHE_DIR);
  try {
    mkdirSync(root, { recursive: true });
    return lstatSync(root).isDirectory() ? root : undefined;
  } catch {
    return undefined;
  }
}

/** A build's temporary folder older than this was left by a process that died mid-build. */
const ABANDONED_TMP_MS = 60 * 60 * 1000;

/**
 * Removes graph sets of other hashes (older weights or builder versions) and temporary folders of
 * builds that died: only entries of our own naming inside `.subtoken-lens`, never following a
 * symlink (lstat), so nothing outside the folder can be reached.
 */
function removeStaleSets(root: string, keep: string): void {
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    try {
      const st = lstatSync(path);
      if (!st.isDirectory()) continue;
      const staleSet = name.startsWith(GRAPHS_PREFIX) && name !== keep;
      const abandonedTmp = name.startsWith(`.tmp-${GRAPHS_PREFIX}`) && Date.now() - st.mtimeMs > ABANDONED_TMP_MS;
      if (staleSet || abandonedTmp) rmSync(path, { recursive: true, force: true });
    } catch {
      // another process may be removing it too
    }
  }
}

export interface EnsureGraphsOptions {
  /** Called before a build starts (it can take seconds), e.g. to print a note. */
  readonly onBuild?: (dir: string) => void;
}

/**
 * The encoder and decoder graphs of the checkpoint in `dir`, from the cache when it holds them for
 * these exact weights, else built now and installed atomically (written to a temporary folder,
 * renamed into place: readers never see half a set, and racing builders both end with a whole one).
 */
export function ensureBuiltGraphs(dir: string, opts: EnsureGraphsOptions = {}): GraphSet {
  const ck = findCheckpointFiles(dir);
  if (!ck) throw new ModelError(`no checkpoint weights in ${dir}: expected ${WEIGHTS_FILES.map((w) => w.file).join(', ')}`);
  const root = ensureCacheRoot(dir);
  const hash = checkpointHash(dir, ck.files, root);
  const name = `${GRAPHS_PREFIX}${hash.slice(0, 32)}`;
  if (root) {
    const meta = readCachedSet(join(root, name), hash);
    if (meta) return fileSet(join(root, name), meta, false);
  }
  opts.onBuild?.(dir);
  const built = buildGraphs(dir, ck, hash);
  if (!root) return memorySet(built);
  const target = join(root, name);
  const tmp = join(root, `.tmp-${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(tmp);
    for (const [file, bytes] of Object.entries(built.files)) writeFileSync(join(tmp, file), bytes);
    writeFileSync(join(tmp, META_FILE), `${JSON.stringify(built.meta, null, 2)}\n`); // last: marks the set complete
    if (existsSync(target)) {
      const winner = readCachedSet(target, hash); // another process installed it while this one built
      if (winner) return fileSet(target, winner, false);
      rmSync(target, { recursive: true, force: true }); // damaged: replace it
    }
    try {
      renameSync(tmp, target);
    } catch (err) {
      const winner = readCachedSet(target, hash); // another process installed it first
      if (!winner) throw err;
      return fileSet(target, winner, false);
    }
    removeStaleSets(root, name);
    return fileSet(target, built.meta, true);
  } catch {
    return memorySet(built); // the cache is a convenience: a failed write must not fail the load
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
