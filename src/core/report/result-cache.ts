// The report's per-file result cache: what FilePipeline.process returned for a file, stored under
// `<cacheDir>/report-cache/` and keyed by everything that outcome depends on, so a second report
// over an unchanged tree reads the files, hashes them and parses no code.
//
// Key of one file = sha256 of: the file's bytes, its path in the report and its language, and a
// per-language prefix that covers the tokenizer files' contents, the grammar .wasm and query .scm
// of that language, web-tree-sitter's runtime, the tool version, the code that computes the
// outcome (source files' size+mtime in a checkout, the bundle's when built) and the JSON of the
// pipeline options without their paths (so an option added to PipelineConfig becomes part of the
// key by itself). Anything not in the key must not change an outcome.
//
// A run whose every file has a key also gets one entry for the whole run (its folded result, keyed by
// all the file keys in walk order): an unchanged tree then costs one entry instead of one per file.
//
// Entries are written to a temporary name and renamed, so a reader (another worker, another run)
// sees a whole entry or none; an entry that does not parse or does not carry its own key is
// ignored and recomputed. Every failure of the cache is a miss, never a failed report.
import { createHash } from 'node:crypto';
import { constants as fsConstants, promises as fsp, readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { GRAMMAR_FILES, isSupportedLanguage } from '../spans/languages';
import { locateGrammarWasm, locateQuery, locateRuntimeWasm } from '../spans/locate';
import { errorText } from '../error-text';
import { readRegularFile } from '../scan/read-source';
import type { FileOutcome, FileTask, PipelineConfig } from './process-file';
import { addBatch, addOutcome, type BatchResult } from './batch';

/** Bumped when the entry layout or the meaning of a cached outcome changes. */
const ENTRY_FORMAT = 1;
/** Default size cap of `report-cache/` (least recently used entries go first, see evictResultCache). */
export const DEFAULT_RESULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;
/** A hit refreshes an entry's mtime (its "last used") at most this often: warm runs stay read-only. */
const TOUCH_AFTER_MS = 60 * 60 * 1000;
/** The folder is swept at most this often, unless a run writes more than a sixteenth of the cap. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;
const SWEEP_MARKER = 'last-sweep';

export function resultCacheDir(cacheDir: string): string {
  return join(cacheDir, 'report-cache');
}

/** What a worker needs to store entries: plain data, so it travels in workerData. */
export interface ResultCacheConfig {
  dir: string;
  /** Key prefix per language (tokenizer, grammar, version, code and options already folded in). */
  prefixes: Record<string, string>;
}

const sha256 = (...parts: (string | Uint8Array)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
};

// Tokenizer and grammar files are hashed by content, once per process per (path, size, mtime): the
// extension re-runs reports in one process, and hashing them all costs a few tens of ms.
const digests = new Map<string, string>();
function fileDigest(path: string | undefined): string {
  if (!path) return 'none';
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return 'missing';
  }
  const memo = `${path}\0${st.size}\0${st.mtimeMs}`;
  let d = digests.get(memo);
  if (d === undefined) {
    try {
      d = st.isFile() ? sha256(readFileSync(path)) : 'not-a-file';
    } catch (e) {
      d = `unreadable ${errorText(e)}`;
    }
    digests.set(memo, d);
  }
  return d;
}

/** Every file loadTokenizer may read for this path (a tokenizer.json, or a folder). */
const TOKENIZER_FILES = ['tokenizer.json', 'vocab.json', 'merges.txt', 'added_tokens.json', 'special_tokens_map.json', 'tokenizer_config.json'];
function tokenizerIdentity(path: string): string {
  let isFile = false;
  try { isFile = statSync(path).isFile(); } catch { /* hashed as missing below */ }
  if (isFile) return fileDigest(path);
  return sha256(...TOKENIZER_FILES.map((f) => `${f}=${fileDigest(join(path, f))}`));
}

/** The code that computes outcomes: from sources (a checkout, tsx), every core .ts file by size and
 *  mtime, so an edit invalidates without a version bump; from a bundle, the bundle file itself. */
let codeStampMemo: string | undefined;
function codeStamp(): string {
  if (codeStampMemo !== undefined) return codeStampMemo;
  const parts: string[] = [];
  if (__filename.endsWith('.ts')) {
    const core = dirname(__dirname);
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|js)$/.test(e.name)) {
          const st = statSync(p);
          parts.push(`${p.slice(core.length)}:${st.size}:${st.mtimeMs}`);
        }
      }
    };
    try { walk(core); } catch (e) { parts.push(`unlisted ${errorText(e)}`); }
  } else {
    try {
      const st = statSync(__filename);
      parts.push(`${__filename}:${st.size}:${st.mtimeMs}`);
    } catch (e) {
      parts.push(`unstatted ${errorText(e)}`);
    }
  }
  return (codeStampMemo = sha256(...parts.sort()));
}

/** JSON with sorted keys: the same options give the same text whatever order they were built in. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** Options that only say where files are: their contents are in the key instead. */
const PATH_OPTIONS = new Set<string>(['tokenizerDir', 'grammarDirs', 'runtimeWasm', 'resultCache']);

/**
 * The key prefixes of a run, one per language in `languages`. Computed once, on the calling thread;
 * workers receive them in their PipelineConfig.
 */
export function resultCachePrefixes(config: PipelineConfig, toolVersion: string, languages: Iterable<string>): Record<string, string> {
  const options = Object.fromEntries(Object.entries(config).filter(([k]) => !PATH_OPTIONS.has(k)));
  const dirs = config.grammarDirs ?? [];
  const base = sha256(
    `format=${ENTRY_FORMAT}`, `version=${toolVersion}`, `code=${codeStamp()}`, `tokenizer=${tokenizerIdentity(config.tokenizerDir)}`,
    `runtime=${fileDigest(locateRuntimeWasm(config.runtimeWasm, dirs).found)}`, `options=${stableJson(options)}`,
  );
  const prefixes: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const language of languages) {
    if (language in prefixes) continue;
    prefixes[language] = isSupportedLanguage(language)
      ? sha256(base, language, fileDigest(locateGrammarWasm(GRAMMAR_FILES[language], dirs).found), fileDigest(locateQuery(language, dirs).found))
      : sha256(base, language, 'no grammar');
  }
  return prefixes;
}

/** Skips that say something about this moment rather than about the bytes are not kept. */
function cacheable(o: FileOutcome): boolean {
  return o.kind === 'file' || o.skipped.reason !== 'error';
}

/** Enough of an outcome's shape to trust it came from us (the key check does the rest). */
function looksLikeOutcome(o: unknown, rel: string): o is FileOutcome {
  const x = o as { kind?: unknown; stats?: { path?: unknown; tokens?: unknown; identifierTable?: unknown }; skipped?: { path?: unknown; reason?: unknown } } | null;
  if (!x || typeof x !== 'object') return false;
  if (x.kind === 'file') return !!x.stats && x.stats.path === rel && typeof x.stats.tokens === 'number' && !!x.stats.identifierTable && typeof x.stats.identifierTable === 'object';
  if (x.kind === 'skip') return !!x.skipped && x.skipped.path === rel && typeof x.skipped.reason === 'string';
  return false;
}

let tmpCounter = 0;

export class ResultCache {
  private readonly madeDirs = new Set<string>();

  constructor(private readonly config: ResultCacheConfig) {}

  /** The entry key of a file with these bytes; undefined for a language without a prefix. */
  keyOf(task: Pick<FileTask, 'rel' | 'language'>, bytes: Uint8Array): string | undefined {
    const prefix = this.config.prefixes[task.language];
    return prefix === undefined ? undefined : sha256(prefix, task.rel, task.language, bytes);
  }

  private pathOf(key: string): string {
    return join(this.config.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The outcome stored under a key keyOf made for the file at `rel`, or undefined when there is
   *  none or it cannot be used. */
  getByKey(key: string, rel: string): Promise<FileOutcome | undefined> {
    return readEntry(this.pathOf(key), key, (o): o is FileOutcome => looksLikeOutcome(o, rel));
  }

  /** Stores an outcome atomically (temp + rename); a failure only costs the next run a miss. */
  async put(task: Pick<FileTask, 'rel' | 'language'>, bytes: Uint8Array, outcome: FileOutcome): Promise<void> {
    if (!cacheable(outcome)) return;
    const key = this.keyOf(task, bytes);
    if (key) await writeEntry(this.pathOf(key), key, outcome, this.madeDirs);
  }
}

/** An entry's value when the file holds a whole entry of this format for this key, else undefined. */
async function readEntry<T>(path: string, key: string, check: (value: unknown) => value is T): Promise<T | undefined> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(path, 'r');
    const [st, text] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
    const entry = JSON.parse(text) as { format?: unknown; key?: unknown; value?: unknown };
    if (entry.format !== ENTRY_FORMAT || entry.key !== key || !check(entry.value)) return undefined;
    // "Last used" for eviction; throttled so that repeated warm runs write nothing.
    if (Date.now() - st.mtimeMs > TOUCH_AFTER_MS) {
      const now = new Date();
      await handle.utimes(now, now).catch(() => undefined);
    }
    return entry.value;
  } catch {
    return undefined; // absent, unreadable or corrupt: recomputed
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Writes an entry to a temporary name and renames it into place: readers see all of it or none.
 *  Concurrent writers of one key write the same entry, so whichever rename comes last is right. */
async function writeEntry(path: string, key: string, value: unknown, madeDirs?: Set<string>): Promise<void> {
  const tmp = `${path}.${process.pid}.${threadId}.${++tmpCounter}.tmp`;
  try {
    const dir = dirname(path);
    if (!madeDirs?.has(dir)) {
      await fsp.mkdir(dir, { recursive: true });
      madeDirs?.add(dir);
    }
    await fsp.writeFile(tmp, JSON.stringify({ format: ENTRY_FORMAT, key, value }));
    await fsp.rename(tmp, path);
  } catch {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** Creates the folder (or says why it cannot be used). */
export async function openResultCacheDir(dir: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await fsp.mkdir(dir, { recursive: true });
    await fsp.access(dir, fsConstants.W_OK);
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: errorText(e) };
  }
}

/**
 * Keeps the folder under `maxBytes`: the least recently used entries (by mtime, which a hit
 * refreshes) are deleted until it is under 80% of the cap; stray temporary files older than an hour
 * (a killed run) go too. Runs at most once an hour unless `wroteBytes` is large, since listing a full
 * cache costs a stat per entry. Safe against concurrent runs: whatever vanished meanwhile is skipped.
 */
export async function evictResultCache(dir: string, maxBytes: number, wroteBytes: number): Promise<{ swept: boolean; removed: number }> {
  const marker = join(dir, SWEEP_MARKER);
  try {
    const last = await fsp.stat(marker).then((s) => s.mtimeMs, () => 0);
    if (wroteBytes < maxBytes / 16 && Date.now() - last < SWEEP_EVERY_MS) return { swept: false, removed: 0 };
    await fsp.writeFile(marker, new Date().toISOString());
    const entries: { path: string; size: number; used: number }[] = [];
    let removed = 0;
    for (const sub of await fsp.readdir(dir)) {
      if (sub === SWEEP_MARKER) continue;
      const names = await fsp.readdir(join(dir, sub)).catch(() => [] as string[]);
      for (const name of names) {
        const path = join(dir, sub, name);
        const st = await fsp.stat(path).catch(() => undefined);
        if (!st?.isFile()) continue;
        if (name.endsWith('.tmp')) {
          if (Date.now() - st.mtimeMs > SWEEP_EVERY_MS) { await fsp.rm(path, { force: true }).catch(() => undefined); removed++; }
          continue;
        }
        entries.push({ path, size: st.size, used: st.mtimeMs });
      }
    }
    let total = entries.reduce((s, e) => s + e.size, 0);
    if (total > maxBytes) {
      entries.sort((a, b) => a.used - b.used);
      for (const e of entries) {
        if (total <= maxBytes * 0.8) break;
        await fsp.rm(e.path, { force: true }).catch(() => undefined);
        total -= e.size;
        removed++;
      }
    }
    return { swept: true, removed };
  } catch {
    return { swept: false, removed: 0 };
  }
}

/** What a report run's cache did, told once at the end of the run. */
export interface ReportCacheSummary {
  dir: string;
  /** Files whose outcome came from the cache. */
  hits: number;
  /** Files analysed (and stored, when the folder is writable). */
  analysed: number;
  /** Set when the cache could not be used: the report ran without it. */
  warning?: string;
}

export interface ReportCacheOptions {
  /** The cache folder (`--cache-dir`); entries go to its `report-cache/`. */
  cacheDir: string;
  /** Size cap of `report-cache/` (default DEFAULT_RESULT_CACHE_MAX_BYTES). */
  maxBytes?: number;
}

/** How many files the calling thread reads and looks up at once. */
const LOOKUP_CONCURRENCY = 16;

/** A file as the lookup saw it: its key, and its size and mtime from before it was read. */
interface Seen { key: string; size: number; mtimeMs: number }

function looksLikeBatch(b: unknown): b is BatchResult {
  const x = b as Partial<BatchResult> | null;
  return !!x && typeof x === 'object' && Array.isArray(x.results) && !!x.table && typeof x.table === 'object';
}

/**
 * One report run's side of the cache. Before anything is analysed it reads and keys every walked
 * file; when the whole tree is unchanged one entry holds the run's folded result (the per-file
 * results and the merged identifier table: what the workers would have sent), so a warm run parses
 * one table instead of every file's. Otherwise each file is looked up on its own and only the
 * misses go to the pipeline. After the run the folded result is stored for the next one.
 */
export class RunResultCache {
  private hits = 0;
  private seen: (Seen | undefined)[] = [];
  private paths: string[] = [];
  private runKey: string | undefined;
  private runHit = false;

  private constructor(
    private readonly opts: ReportCacheOptions,
    /** Undefined when the folder cannot be used (see warning). */
    readonly config: ResultCacheConfig | undefined,
    private readonly warning?: string,
  ) {}

  /** Never throws: a cache that cannot be used leaves the run as it would be without one. */
  static async open(opts: ReportCacheOptions, pipeline: PipelineConfig, toolVersion: string, languages: Iterable<string>): Promise<RunResultCache> {
    const dir = resultCacheDir(opts.cacheDir);
    const ready = await openResultCacheDir(dir);
    if (!ready.ok) return new RunResultCache(opts, undefined, `report cache off, cannot use ${dir}: ${ready.reason}`);
    try {
      return new RunResultCache(opts, { dir, prefixes: resultCachePrefixes(pipeline, toolVersion, languages) });
    } catch (e) {
      return new RunResultCache(opts, undefined, `report cache off: ${errorText(e)}`);
    }
  }

  private runPath(key: string): string {
    return join(this.config!.dir, key.slice(0, 2), `${key}.run.json`);
  }

  /**
   * Adds the cached outcomes to `into` (calling `done` for each file they cover) and returns the
   * files that still need the pipeline, in their original order.
   */
  async takeHits<F>(files: readonly F[], task: (f: F) => FileTask, into: BatchResult, done: (f: F) => void, signal?: AbortSignal): Promise<F[]> {
    const config = this.config;
    if (!config) return [...files];
    const cache = new ResultCache(config);
    this.seen = new Array(files.length);
    this.paths = files.map((f) => task(f).path);
    await eachConcurrently(files.length, async (i) => {
      signal?.throwIfAborted();
      const t = task(files[i]!);
      // Size and mtime from before the read: finish() stores the run only if they still hold.
      const st = await fsp.stat(t.path).catch(() => undefined);
      const r = await readRegularFile(t.path, t.maxFileSize);
      const key = r.ok ? cache.keyOf(t, r.bytes) : undefined; // unreadable now: the pipeline says why
      if (r.ok && key && st) {
        this.seen[i] = { key, size: st.size, mtimeMs: st.mtimeMs };
      }
    });
    if (this.seen.every((s) => s !== undefined)) {
      this.runKey = sha256('run', ...this.seen.map((s) => s!.key));
      const batch = await readEntry(this.runPath(this.runKey), this.runKey, looksLikeBatch);
      if (batch && batch.results.length === files.length) {
        addBatch(into, batch);
        this.hits = files.length;
        this.runHit = true;
        files.forEach(done);
        return [];
      }
    }
    const found: (FileOutcome | undefined)[] = new Array(files.length);
    await eachConcurrently(files.length, async (i) => {
      signal?.throwIfAborted();
      const seen = this.seen[i];
      if (seen) found[i] = await cache.getByKey(seen.key, task(files[i]!).rel);
    });
    const misses: F[] = [];
    files.forEach((f, i) => {
      const outcome = found[i];
      if (outcome) {
        this.hits++;
        addOutcome(into, outcome);
        done(f);
      } else misses.push(f);
    });
    return misses;
  }

  /**
   * After the run: stores its folded result (unless a file changed while it ran, or a file failed
   * in a way that may not last) and keeps the folder within its cap.
   */
  async finish(all: BatchResult, analysed: number, analysedBytes: number): Promise<ReportCacheSummary> {
    const dir = resultCacheDir(this.opts.cacheDir);
    if (this.config && this.runKey && !this.runHit && all.results.every((r) => r.kind === 'file' || r.skipped.reason !== 'error')
      && await this.unchangedSinceLookup()) {
      await writeEntry(this.runPath(this.runKey), this.runKey, all);
    }
    if (this.config && analysed > 0) await evictResultCache(dir, this.opts.maxBytes ?? DEFAULT_RESULT_CACHE_MAX_BYTES, analysedBytes);
    return { dir, hits: this.hits, analysed, ...(this.warning ? { warning: this.warning } : {}) };
  }

  /** Whether every file still has the size and mtime it had before the lookup read it (so the
   *  pipeline analysed the bytes the run key was made from). */
  private async unchangedSinceLookup(): Promise<boolean> {
    const same = await Promise.all(this.seen.map(async (s, i) => {
      const st = await fsp.stat(this.paths[i]!).catch(() => undefined);
      return !!s && !!st && st.size === s.size && st.mtimeMs === s.mtimeMs;
    }));
    return same.every(Boolean);
  }
}

async function eachConcurrently(count: number, body: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await body(next++);
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, count) }, lane));
}
