// Small helpers every CLI command shares: tokenizer resolution with a helpful failure, safe source
// reading, atomic output, size parsing, the error classes behind the exit statuses (FatalError: 2,
// InterruptedError: 130; see failure.ts) and Ctrl-C/SIGTERM handling.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { capJobs } from '../core/report/run';
import { readSourceText } from '../core/scan/read-source';
import { hasTokenizerFiles, loadTokenizer, locateTokenizer } from '../core/tokenizer';
import type { Tokenizer } from '../core/types';

/** A usage or input error: one line `subtoken-lens: message`, exit 2. */
export class FatalError extends Error {}

/** The run was stopped by Ctrl-C or SIGTERM: one line `subtoken-lens: interrupted: message` (what was
 *  left undone or kept), exit 130. */
export class InterruptedError extends Error {}

/**
 * The tokenizer for a runnable model: --tokenizer, else the model folder's own files (a Hub
 * checkpoint carries the vocabulary it was trained with), else wherever locateTokenizer finds one.
 */
export function openModelTokenizer(explicit: string | undefined, modelDir: string, cacheDir?: string): ReturnType<typeof openTokenizer> {
  return openTokenizer(explicit ?? (hasTokenizerFiles(modelDir) ? modelDir : undefined), cacheDir);
}

export function openTokenizer(explicit?: string, cacheDir?: string): { tokenizer: Tokenizer; dir: string; source: string } {
  let located;
  try {
    located = locateTokenizer({ explicit, ...(cacheDir !== undefined ? { cacheDir } : {}) });
  } catch (e) {
    throw new FatalError(e instanceof Error ? e.message : String(e));
  }
  try {
    return { tokenizer: loadTokenizer(located.dir), dir: located.dir, source: located.source };
  } catch (e) {
    throw new FatalError(`cannot load the tokenizer in ${located.dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Largest source file the single-file commands (tokenize, spans, analyze, encode) read. */
export const MAX_SOURCE_FILE_BYTES = 64 * 1024 * 1024;

/** A source file's text for a single-file command: regular files only (a FIFO or a device is
 *  refused at once instead of blocking), bounded in size, valid UTF-8; anything else is one line. */
export async function readSourceFile(file: string): Promise<string> {
  const read = await readSourceText(file, MAX_SOURCE_FILE_BYTES);
  if (read.ok) return read.text;
  if (read.reason === 'invalid-utf8') throw new FatalError(`${file}: ${read.detail}`);
  throw new FatalError(`cannot read ${file}: ${read.detail}`);
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const errCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/**
 * Creates `dir` and its missing parents, one level at a time. Not mkdirSync({recursive}): that
 * retries forever where a folder can neither be created nor found (e.g. under /proc). Each
 * missing level is tried once; the first that fails ends it with a one-line Error.
 */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  for (let cur = resolve(dir); ; ) {
    let isDir: boolean;
    try {
      isDir = statSync(cur).isDirectory();
    } catch (e) {
      const parent = dirname(cur);
      // ENOTDIR: some level above is a file; walk up to it to say which.
      const code = errCode(e);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === cur) throw new Error(`cannot use the folder ${cur}: ${errText(e)}`, { cause: e });
      missing.push(cur);
      cur = parent;
      continue;
    }
    if (!isDir) throw new Error(`${cur} is not a folder`);
    break;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (e) {
      // Someone else created it meanwhile: fine if it is a folder.
      if (errCode(e) === 'EEXIST' && statSync(level, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw new Error(`cannot create the folder ${level}: ${errText(e)}`, { cause: e });
    }
  }
}

const randomSuffix = (): string => randomBytes(8).toString('hex');

/**
 * Creates a new, empty temporary file next to `target`, exclusively ('wx': O_CREAT|O_EXCL never
 * follows a symlink someone planted at the name, nor truncates anyone's file) under an
 * unpredictable name. `suffix` is replaceable for tests.
 */
function createTemp(target: string, suffix: () => string): { fd: number; path: string } {
  const dir = dirname(target);
  const base = basename(target).slice(0, 200); // room for the suffix within NAME_MAX
  for (let attempt = 0; ; attempt++) {
    const path = join(dir, `.${base}.${suffix()}.tmp`);
    try {
      return { fd: openSync(path, 'wx', 0o666), path };
    } catch (e) {
      if (errCode(e) !== 'EEXIST' || attempt >= 8) throw e;
    }
  }
}

/**
 * Checks, before any work, that `path` can be written: its folder exists or is created, holds
 * new files (a temporary file is created and removed), and `path` is not a folder.
 */
export function prepareOutput(path: string, suffix: () => string = randomSuffix): void {
  const target = resolve(path);
  try {
    ensureDir(dirname(target));
    if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw new Error('it is a folder');
    const probe = createTemp(target, suffix);
    closeSync(probe.fd);
    rmSync(probe.path, { force: true });
  } catch (e) {
    throw new FatalError(`cannot write ${path}: ${errText(e)}`);
  }
}

/** Writes through a new temporary file and a rename, so a failed or interrupted run leaves no half file. */
export function writeAtomic(path: string, data: string | Uint8Array, suffix: () => string = randomSuffix): void {
  const target = resolve(path);
  let tmp: string | undefined;
  try {
    ensureDir(dirname(target));
    const created = createTemp(target, suffix);
    tmp = created.path;
    try {
      writeFileSync(created.fd, data);
      fsyncSync(created.fd);
    } finally {
      closeSync(created.fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    if (tmp) rmSync(tmp, { force: true }); // ours: created exclusively above
    throw new FatalError(`cannot write ${path}: ${errText(e)}`);
  }
}

/** --jobs as used: at most the available cores, said on stderr when lowered. */
export function jobsWithinCores(requested: number): number {
  const jobs = capJobs(requested);
  if (jobs < requested) process.stderr.write(`subtoken-lens: --jobs ${requested} lowered to ${jobs}, the number of available cores\n`);
  return jobs;
}

/** "1048576", "512k", "1M", "2MB", "1.5MiB" → bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(i?b)?$/i.exec(text.trim());
  if (!m) throw new FatalError(`not a size: "${text}" (e.g. 1048576, 512k, 2M)`);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * scale);
}

export function parseIntOption(name: string, min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new FatalError(`${name} must be an integer ≥ ${min}, got "${text}"`);
    return n;
  };
}

/** "K/N" with 1 ≤ K ≤ N → 0-based index. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new FatalError(`--shard takes K/N with 1 ≤ K ≤ N, got "${text}"`);
  return { index: k - 1, count: n };
}

/**
 * An AbortController tied to SIGINT/SIGTERM: the first stops the work cleanly, a second exits at
 * once. (process.exit can only be prompt because no read ever blocks forever: see read-source.ts.)
 * `graceMs`: also exit that long after the first signal if the work has not wound down by then
 * (a download waiting on a silent server).
 */
export function interruptSignal(opts: { graceMs?: number } = {}): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSignal = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\nsubtoken-lens: stopping (interrupt again to quit at once)…\n');
    ac.abort(new Error('interrupted'));
    if (opts.graceMs !== undefined) setTimeout(() => process.exit(130), opts.graceMs).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: ac.signal, dispose: () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); } };
}

export function isAbort(e: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (e instanceof Error && e.name === 'AbortError');
}

/**
 * Runs a long command body under interruptSignal: Ctrl-C or SIGTERM ends it with an
 * InterruptedError saying `undone` (e.g. "no report written"), so the command exits 130 and writes
 * nothing (outputs are written last, atomically).
 */
export async function cancellable<T>(undone: string, body: (signal: AbortSignal) => Promise<T>, opts: { graceMs?: number } = {}): Promise<T> {
  const { signal, dispose } = interruptSignal(opts);
  try {
    const result = await body(signal);
    if (signal.aborted) throw new InterruptedError(undone); // stopped during the last, uninterruptible step
    return result;
  } catch (e) {
    if (isAbort(e, signal)) throw new InterruptedError(undone);
    throw e;
  } finally {
    dispose();
  }
}
