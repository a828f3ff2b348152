// A whole report run: walk the tree, analyse files on a pool of worker threads, fold the results.
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { basename, join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { languageForPath } from '../spans';
import { walkTree, type WalkFile } from '../scan/walk';
import { buildReport, type ReportMeta } from './aggregate';
import { FilePipeline, type FileTask, type PipelineConfig, type ReportWorkerData } from './process-file';
import { ByteLevelBpeTokenizer, loadTokenizer } from '../tokenizer';
import { addBatch, addOutcome, emptyBatchResult, makeBatches, type BatchResult } from './batch';
import type { ReportJson, SpanEngine } from './schema';
import type { MergeScope } from '../merge/scope';
import type { WindowConfig } from './stats';
import type { ReportProfile } from './profile-flops';
import type { Tokenizer } from '../types';
import type { SampleWindow } from '../samples/types';
import type { SampleRecord } from '../samples/analyze-sample';
import { treeSamples } from '../samples/tree-samples';
import { RunResultCache, type ReportCacheOptions, type ReportCacheSummary } from './result-cache';

export interface ReportOptions {
  root: string;
  tokenizerDir: string;
  /** Display name of the tokenizer recorded in the report. */
  tokenizerName: string;
  modelKey: string;
  /** Task profile of the whole-model FLOPs (default: the model's, see profile-flops.ts). */
  profile?: ReportProfile;
  scope: MergeScope;
  /** Default tree-sitter. */
  spanEngine?: SpanEngine;
  window: WindowConfig;
  maxFileSize: number;
  includeVendored: boolean;
  includeGenerated: boolean;
  includeUnsupported: boolean;
  /** Follow symlinks that lead outside the root (default: list them as skipped). */
  followExternalSymlinks?: boolean;
  exclude?: string[];
  /** Only files matching one of these gitignore-style patterns. */
  include?: string[];
  shard?: { index: number; count: number };
  /** Worker threads, at most the available cores (see capJobs); 0 runs everything in the calling thread. */
  jobs: number;
  topLimit: number;
  includeIdentifierTable: boolean;
  toolVersion: string;
  grammarDirs?: string[];
  runtimeWasm?: string;
  /** Bundled worker script; found next to this module by default. */
  workerFile?: string;
  /** Reused in-thread when jobs is 0 or `callerWorks` (the extension already has one loaded). */
  tokenizer?: Tokenizer;
  /** The calling thread analyses files too, as one of the `jobs`, with jobs − 1 workers: one
   *  thread fewer to start (each loads its own tokenizer and compiles its own code). Only for a
   *  caller with nothing else to do meanwhile, like the CLI; never the extension host. */
  callerWorks?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: ReportProgress) => void;
  /** Keep each file's outcome and reuse it while nothing it depends on changed (result-cache.ts). */
  cache?: ReportCacheOptions;
  /** 'function' (--unit function): each function is also a sample, with the `samples` section. */
  unit?: 'file' | 'function';
  /** The samples' window rule (default: the model's window, truncated). */
  sampleWindow?: SampleWindow;
  /** Every sample's record, once the run is done (--per-sample). */
  onSamples?: (records: readonly SampleRecord[]) => void;
  /** Told at the end what the cache did, or why it was off (then the run went on without it). */
  onCache?: (s: ReportCacheSummary) => void;
}

export interface ReportProgress {
  phase: 'walking' | 'analyzing';
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
  current?: string;
  /** What `done`/`total` count (default files). */
  items?: 'files' | 'rows';
}

/** The samples' window: as asked, else the model's (capacity + specials), truncated. */
function sampleWindowOf(opts: Pick<ReportOptions, 'sampleWindow' | 'window'>): SampleWindow {
  return opts.sampleWindow ?? { maxLength: opts.window.capacity + opts.window.specials, truncate: true };
}

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** Worker threads actually used: each holds its own tokenizer and parsers (tens of MB), so more
 *  threads than cores only costs memory. 0 (in-process) stays 0. */
export function capJobs(jobs: number): number {
  return Math.min(Math.max(0, Math.floor(jobs)), defaultJobs());
}

export function workerEntry(explicit?: string): string {
  if (explicit) return explicit;
  const bundled = join(__dirname, 'report-worker.js');
  if (existsSync(bundled)) return bundled;
  return join(__dirname, 'worker-dev.js');
}

/** Worker threads for `jobs` threads of work: one fewer when the calling thread is one of them. */
export const workerThreads = (jobs: number, callerWorks: boolean | undefined) => (callerWorks ? jobs - 1 : jobs);

/** Batches queued in each worker: while the calling thread analyses a file of its own it hands
 *  out nothing, so its workers then need more than the one next batch in hand. */
export const queuedPerWorker = (callerWorks: boolean | undefined) => (callerWorks ? 4 : 2);

/**
 * A pool of `threads` workers, each building its pipeline (tokenizer, parser) as soon as it starts.
 * Given a tokenizer of this thread, the workers get it as a snapshot (its built tables) instead of
 * parsing the tokenizer files again: ~0.3 CPU-s less per worker before its first file.
 */
export function startPool(config: PipelineConfig, threads: number, opts: Pick<ReportOptions, 'workerFile' | 'callerWorks' | 'tokenizer'>): Piscina {
  const tokenizer = opts.tokenizer instanceof ByteLevelBpeTokenizer ? opts.tokenizer.snapshot() : undefined;
  const workerData: ReportWorkerData = { config, ...(tokenizer ? { tokenizer } : {}) };
  return new Piscina({
    filename: workerEntry(opts.workerFile),
    workerData,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
    // Further batches wait in each worker's queue, so no worker idles while the main thread
    // collects a result and hands out the next batch.
    concurrentTasksPerWorker: queuedPerWorker(opts.callerWorks),
  });
}

/** Resolves true once one of the pool's workers has its pipeline (an empty task is the probe),
 *  false if it cannot start one; never rejects. */
export function workerCanStart(pool: Piscina, signal?: AbortSignal): Promise<boolean> {
  return (pool.run([], { signal }) as Promise<unknown>).then(() => true, () => false);
}

export async function runReport(opts: ReportOptions): Promise<ReportJson> {
  const root = resolve(opts.root);
  const config: PipelineConfig = {
    tokenizerDir: opts.tokenizerDir,
    grammarDirs: opts.grammarDirs,
    runtimeWasm: opts.runtimeWasm,
    scope: opts.scope,
    spanEngine: opts.spanEngine ?? 'tree-sitter',
    window: opts.window,
    includeGenerated: opts.includeGenerated,
    ...(opts.unit === 'function' ? { unit: 'function' as const, sampleWindow: sampleWindowOf(opts) } : {}),
  };
  const jobs = capJobs(opts.jobs);
  const poolThreads = workerThreads(jobs, opts.callerWorks);
  // The calling thread that works needs a tokenizer anyway: loaded first, its workers get a copy.
  if (opts.callerWorks && poolThreads > 0 && !opts.tokenizer) opts = { ...opts, tokenizer: loadTokenizer(opts.tokenizerDir) };
  // Without a cache every file found goes to the workers: they start now and load the tokenizer
  // and the parser while the tree is walked (on a 10 MB tree that start is a tenth of the run).
  // With a cache most files may be hits, so workers start only once the misses are known.
  const workers = new Workers(!opts.cache && poolThreads > 0 ? startPool(config, poolThreads, opts) : undefined);
  try {
    return await reportWith(opts, root, config, poolThreads, workers);
  } finally {
    await workers.stop();
  }
}

/** The run's worker pool, if one is started; stopped as soon as the files are done. */
class Workers {
  constructor(public pool: Piscina | undefined) {}

  async stop(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}

/** `poolThreads`: worker threads to use (0: the calling thread analyses everything). */
async function reportWith(opts: ReportOptions, root: string, config: PipelineConfig, poolThreads: number, workers: Workers): Promise<ReportJson> {
  opts.onProgress?.({ phase: 'walking', done: 0, total: 0, bytesDone: 0, bytesTotal: 0 });
  const walk = await walkTree(root, {
    maxFileSize: opts.maxFileSize,
    includeVendored: opts.includeVendored,
    includeGenerated: opts.includeGenerated,
    includeUnsupported: opts.includeUnsupported,
    exclude: opts.exclude,
    include: opts.include,
    shard: opts.shard,
    followExternalSymlinks: opts.followExternalSymlinks,
    languageForPath: (p) => languageForPath(p),
    signal: opts.signal,
  });
  const all = emptyBatchResult();
  const bytesTotal = walk.files.reduce((s, f) => s + f.size, 0);
  let done = 0;
  let bytesDone = 0;
  const progress = (f: WalkFile) => {
    done++;
    bytesDone += f.size;
    opts.onProgress?.({ phase: 'analyzing', done, total: walk.files.length, bytesDone, bytesTotal, current: f.rel });
  };
  const task = (f: WalkFile): FileTask => ({ path: f.path, rel: f.rel, language: f.language, maxFileSize: opts.maxFileSize });
  // Files whose outcome is cached are done here; the pipeline (and its workers) only sees the rest.
  const cache = opts.cache && await RunResultCache.open(opts.cache, config, opts.toolVersion, new Set(walk.files.map((f) => f.language)));
  if (cache?.config) config.resultCache = cache.config;
  const pending = cache ? await cache.takeHits(walk.files, task, all, progress, opts.signal) : walk.files;

  if (pending.length === 0) {
    // Every outcome came from the cache: no tokenizer to load, no worker to start.
  } else if (poolThreads <= 0 || pending.length <= 1) {
    // One file is not worth a worker's start; a pool started early is stopped unused.
    await workers.stop();
    const pipeline = await FilePipeline.create(config, opts.tokenizer);
    try {
      for (const f of pending) {
        // Checked between files; reading a file awaits real I/O, so a signal handler gets to run.
        opts.signal?.throwIfAborted();
        addOutcome(all, await pipeline.process(task(f)));
        progress(f);
      }
    } finally {
      pipeline.dispose();
    }
  } else {
    const batches = makeBatches(pending);
    const pool = (workers.pool ??= startPool(config, Math.min(poolThreads, batches.length), opts));
    // Only as many batches are handed to the pool as its workers can hold (see startPool): the
    // rest wait here as plain file lists, not as queued tasks, and every task in flight listens
    // to the one signal. Workers take batches from the front (largest first), the calling thread
    // from the back: the small ones, between which it hands the workers their next.
    const inFlight = pool.options.maxThreads * queuedPerWorker(opts.callerWorks);
    if (opts.signal) setMaxListeners(inFlight + 10, opts.signal);
    let next = 0;
    let end = batches.length;
    let failed = false;
    // With the calling thread working, a worker is handed files only once it can analyse them
    // (tokenizer loaded): until then the caller takes them, and on a small tree it takes them all
    // while the worker is still starting, which is then stopped unused.
    let callerFinished = (): void => undefined;
    const callerDone = new Promise<boolean>((resolve) => { callerFinished = () => resolve(false); });
    const workerReady = opts.callerWorks ? workerCanStart(pool, opts.signal) : Promise.resolve(true);
    const lane = async (): Promise<void> => {
      if (!(await Promise.race([workerReady, callerDone]))) return;
      while (next < end && !failed) {
        opts.signal?.throwIfAborted();
        const batch = batches[next++]!;
        const out: BatchResult = await pool.run(batch.map(task), { signal: opts.signal }).catch((e: unknown) => {
          failed = true; // the other lanes stop handing out work
          throw e;
        });
        addBatch(all, out);
        for (const f of batch) progress(f);
      }
    };
    // After each file the calling thread lets the workers' results in, so the lanes above hand
    // them their next batch.
    const callerLane = async (): Promise<void> => {
      const pipeline = await FilePipeline.create(config, opts.tokenizer, { syncReads: true });
      try {
        while (next < end && !failed) {
          const batch = batches[--end]!;
          for (const f of batch) {
            opts.signal?.throwIfAborted();
            addOutcome(all, await pipeline.process(task(f)));
            progress(f);
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      } catch (e) {
        failed = true;
        throw e;
      } finally {
        callerFinished();
        pipeline.dispose();
      }
    };
    await Promise.all([...Array.from({ length: Math.min(inFlight, batches.length) }, lane), ...(opts.callerWorks ? [callerLane()] : [])]);
    await workers.stop();
  }
  if (cache) opts.onCache?.(await cache.finish(all, pending.length, pending.reduce((s, f) => s + f.size, 0)));
  const files = all.results.flatMap((r) => (r.kind === 'file' ? [r.stats] : []));
  const skipped = [...walk.skipped, ...all.results.flatMap((r) => (r.kind === 'skip' ? [r.skipped] : []))];
  const meta = runMeta(opts, basename(root));
  const samples = opts.unit === 'function' ? treeSamples(all.results, {
    modelKey: opts.modelKey, profile: opts.profile, specials: opts.window.specials, window: sampleWindowOf(opts),
    topLimit: opts.topLimit, includeParts: meta.includeIdentifierTable,
  }) : undefined;
  if (samples) opts.onSamples?.(samples.records);
  return buildReport(files, all.table, skipped, {
    ...meta,
    ...(samples ? { samples: samples.section } : {}),
    // Recorded so that `combine` can refuse shards whose files were chosen differently.
    selection: {
      maxFileSize: opts.maxFileSize, includeVendored: opts.includeVendored, includeGenerated: opts.includeGenerated,
      includeUnsupported: opts.includeUnsupported, followExternalSymlinks: opts.followExternalSymlinks ?? false,
      include: opts.include ?? [], exclude: opts.exclude ?? [],
    },
  });
}

/** What a report records of how it was run, the same for a tree and a dataset (`root`: the folder's
 *  or the dataset file's name). A shard keeps its identifier table, which `combine` needs. */
export function runMeta(
  opts: Pick<ReportOptions, 'toolVersion' | 'tokenizerName' | 'modelKey' | 'profile' | 'scope' | 'spanEngine' | 'window' | 'shard' | 'topLimit' | 'includeIdentifierTable'>,
  root: string,
): ReportMeta {
  return {
    toolVersion: opts.toolVersion,
    tokenizer: opts.tokenizerName,
    modelKey: opts.modelKey,
    ...(opts.profile ? { profile: opts.profile } : {}),
    scope: opts.scope,
    spanEngine: opts.spanEngine ?? 'tree-sitter',
    window: opts.window,
    root,
    shard: opts.shard ?? null,
    topLimit: opts.topLimit,
    includeIdentifierTable: opts.includeIdentifierTable || !!opts.shard,
  };
}
