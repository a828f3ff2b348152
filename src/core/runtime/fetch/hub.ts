// Downloading a model folder from the Hugging Face Hub (or a mirror with the same URL layout):
//   GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true   → commit sha + file list
//   GET {endpoint}/{repo}/resolve/{commit}/{path}                      → file bytes (LFS files
//       answer with a redirect to a CDN, which transport.ts follows hop by hop)
// Files go to a staging folder as .part files (resumable with Range requests), are checked
// against the size and hash the Hub lists, and the folder is renamed into place only when every
// file is verified, so a model folder in the cache is always complete.
// The server is not trusted to behave: the file list is read up to MAX_API_ANSWER_BYTES, a file
// body is cut off at its listed size, silence past the idle timeout ends the request, and a file
// listed with neither size nor hash is refused unless the caller accepts unverified files.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  checkRepo, checkRevision, lockPath, MANIFEST_FILE_NAME, modelDir, modelsRoot, readManifest, stagingDir,
  type ModelManifest, type ModelManifestFile,
} from './cache';
import { FetchModelError, isOfflineError, networkErrorCode } from './errors';
import { acquireLock } from './lock';
import { chooseWeights, COMPANION_FILES, CONFIG_FILE, shardsOf, type FetchedWeightsFormat } from './weights-choice';
import { removeInside } from './safe-remove';
import {
  DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, httpGet, readCapped, TransportError, type HttpResponse, type Timeouts,
} from './transport';

export const DEFAULT_MODEL_REPO = 'Salesforce/codet5-small';
export const DEFAULT_ENDPOINT = 'https://huggingface.co';
/** The Hub's file list of even a large repo is well under 1 MiB; anything past this is not a file list. */
export const MAX_API_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * When `files` is not given: config.json, the weights of the first usable format the repo has
 * (weights-choice.ts), and these when the repo has them.
 */
export const DEFAULT_OPTIONAL_FILES: readonly string[] = COMPANION_FILES;

export interface FetchProgress {
  readonly file: string;
  readonly fileIndex: number;
  readonly fileCount: number;
  readonly fileBytes: number;
  readonly fileTotal?: number;
  /** Bytes of all selected files on disk so far (including resumed parts). */
  readonly bytes: number;
  readonly total?: number;
  readonly phase: 'download' | 'verify' | 'done';
  /** With phase 'done': true when the Hub listed neither size nor hash, so nothing was checked. */
  readonly unverified?: boolean;
}

export interface FetchModelOptions {
  readonly repo: string;
  readonly revision?: string;
  /**
   * Files that must exist in the repo. Default: config.json and the first usable weights format
   * (safetensors, sharded safetensors, pytorch_model.bin, sharded .bin, else an ONNX encoder export),
   * plus DEFAULT_OPTIONAL_FILES.
   */
  readonly files?: readonly string[];
  /** Files fetched only if the repo has them. Default: DEFAULT_OPTIONAL_FILES when `files` is not given, else none. */
  readonly optionalFiles?: readonly string[];
  readonly cacheDir: string;
  readonly endpoint?: string;
  readonly token?: string;
  readonly onProgress?: (p: FetchProgress) => void;
  readonly signal?: AbortSignal;
  /** Attempts per file after a dropped connection (each resumes with Range). Default 3. */
  readonly retries?: number;
  /** Download again even when the cached folder is already at the remote commit. */
  readonly force?: boolean;
  /**
   * Accept files the Hub lists with neither size nor hash (nothing can be checked about them; the
   * manifest marks them `unverified`). Default: such files are refused.
   */
  readonly allowUnverified?: boolean;
  /** Longest wait for a connection. Default 30 s. */
  readonly connectTimeoutMs?: number;
  /** What to do when the Hub cannot be reached (default: copy the model folder by hand, or use --model DIR). */
  readonly offlineHint?: string;
  /** Longest wait for any byte once connected (answer headers, then between body chunks). Default 60 s. */
  readonly idleTimeoutMs?: number;
}

export interface FetchModelResult {
  readonly dir: string;
  readonly repo: string;
  readonly revision: string;
  readonly commit?: string;
  readonly files: readonly ModelManifestFile[];
  /** The weights format chosen when `files` was not given. */
  readonly weightsFormat?: FetchedWeightsFormat;
  /** True when the cache already held this commit and nothing was downloaded. */
  readonly fromCache: boolean;
  /** Bytes that were already on disk from an earlier, interrupted download. */
  readonly resumedBytes: number;
  readonly downloadedBytes: number;
}

interface Sibling {
  rfilename: string;
  size?: number;
  blobId?: string;
  lfs?: { sha256?: string; size?: number };
}

interface Expected { path: string; size?: number; sha256?: string; gitBlobId?: string }

/** What the Hub says about one file, keeping only values that can be checked against. */
function expectedOf(path: string, s: Sibling): Expected {
  const size = s.lfs?.size ?? s.size;
  const sha256 = typeof s.lfs?.sha256 === 'string' ? s.lfs.sha256.toLowerCase() : undefined;
  const gitBlobId = !s.lfs && typeof s.blobId === 'string' ? s.blobId.toLowerCase() : undefined;
  return {
    path,
    ...(Number.isSafeInteger(size) && (size as number) >= 0 ? { size: size as number } : {}),
    ...(sha256 && /^[0-9a-f]{64}$/.test(sha256) ? { sha256 } : {}),
    ...(gitBlobId && /^[0-9a-f]{40}$/.test(gitBlobId) ? { gitBlobId } : {}),
  };
}

const isUnverifiable = (e: Expected) => e.size === undefined && !e.sha256 && !e.gitBlobId;

const STAGING_COMMIT_FILE = '.commit';

function checkFilePath(p: string): void {
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new FetchModelError('bad-input', `file path ${JSON.stringify(p)} is not a relative path inside the repo`);
  }
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

const abortedError = (what: string) =>
  new FetchModelError('aborted', `download of ${what} was cancelled; partial files are kept for resuming, nothing was installed`);

function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortedError(what);
}

export async function fetchModel(o: FetchModelOptions): Promise<FetchModelResult> {
  const revision = o.revision ?? 'main';
  checkRepo(o.repo);
  checkRevision(revision);
  const endpoint = (o.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(endpoint)) throw new FetchModelError('bad-input', `endpoint must be an http(s) URL, got ${JSON.stringify(o.endpoint)}`);
  const chooseFromRepo = o.files === undefined;
  let required: readonly string[] = o.files ?? [CONFIG_FILE];
  let optional = o.optionalFiles ?? (o.files ? [] : DEFAULT_OPTIONAL_FILES);
  [...required, ...optional].forEach(checkFilePath);
  const retries = o.retries ?? 3;
  const what = `${o.repo}@${revision}`;
  const target = modelDir(o.cacheDir, o.repo, revision);
  const staging = stagingDir(o.cacheDir, o.repo, revision);
  const headers: Record<string, string> = { 'user-agent': 'subtoken-lens', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) };
  const timeouts: Timeouts = {
    connectMs: positive(o.connectTimeoutMs, 'connectTimeoutMs') ?? DEFAULT_CONNECT_TIMEOUT_MS,
    idleMs: positive(o.idleTimeoutMs, 'idleTimeoutMs') ?? DEFAULT_IDLE_TIMEOUT_MS,
  };
  const offlineHint = o.offlineHint ?? `copy the model folder by hand to ${target} or use --model DIR`;
  const net: Transfer = { headers, signal: o.signal, timeouts, ctx: { what, target, offlineHint } };

  throwIfAborted(o.signal, what);
  const release = acquireLock(lockPath(o.cacheDir, o.repo, revision), what);
  try {
    // 1. What is there: commit and file list with sizes and hashes.
    const apiUrl = `${endpoint}/api/models/${o.repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
    const info = await readFileList(apiUrl, { ...net, ctx: { ...net.ctx, kind: 'repo' } });
    const commit = typeof info.sha === 'string' && /^[0-9a-f]{40}$/.test(info.sha) ? info.sha : undefined;
    const siblings = new Map<string, Sibling>();
    for (const s of info.siblings as Sibling[]) if (s && typeof s.rfilename === 'string') siblings.set(s.rfilename, s);
    const choice = chooseFromRepo ? chooseWeights(new Set(siblings.keys()), what) : undefined;
    if (choice) {
      required = [...required, ...choice.files];
      optional = [...choice.optionalFiles, ...optional];
    }
    const missing = required.filter((f) => !siblings.has(f));
    if (missing.length > 0) {
      const present = [...siblings.keys()].slice(0, 30).join(', ');
      throw new FetchModelError('not-found', `${what} has no ${missing.join(', ')} (files there: ${present || 'none'})`);
    }
    // A shard index goes first: its shards join the list once it is read (step 3).
    const shardIndex = choice?.sharded ? choice.files[0] : undefined;
    const ordered = shardIndex ? [shardIndex, ...required.filter((f) => f !== shardIndex)] : required;
    const wanted = [...new Set([...ordered, ...optional.filter((f) => siblings.has(f))])].map((path) => expectedOf(path, siblings.get(path)!));
    const refuseUnverifiable = (list: readonly Expected[]) => {
      const unverifiable = list.filter(isUnverifiable).map((w) => w.path);
      if (unverifiable.length > 0 && !o.allowUnverified) {
        throw new FetchModelError('unverified', `${what}: the Hub lists neither a size nor a hash for ${unverifiable.join(', ')}, so nothing about it could be checked; refusing it (--allow-unverified / allowUnverified accepts such files, marked unverified)`);
      }
    };
    refuseUnverifiable(wanted);
    const format = choice ? { weightsFormat: choice.format } : {};

    // 2. Already cached at this commit?
    if (!o.force && commit && existsSync(target)) {
      const m = readManifest(target);
      const have = new Map(m?.files.map((f) => [f.path, f]));
      // Every wanted file in the manifest (shards were added to it at install) and every listed file intact.
      const complete = m?.commit === commit && wanted.every((w) => have.has(w.path)) && m.files.every((f) => {
        const p = join(target, f.path);
        return existsSync(p) && statSync(p).size === f.size;
      });
      if (m && complete) {
        return { dir: target, repo: o.repo, revision, commit, files: m.files, ...format, fromCache: true, resumedBytes: 0, downloadedBytes: 0 };
      }
    }

    // 3. Staging: parts from another commit cannot be resumed.
    const stagedCommit = existsSync(join(staging, STAGING_COMMIT_FILE)) ? readFileSync(join(staging, STAGING_COMMIT_FILE), 'utf8') : undefined;
    if (existsSync(staging) && stagedCommit !== (commit ?? '')) removeInside(modelsRoot(o.cacheDir), staging);
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, STAGING_COMMIT_FILE), commit ?? '');

    let total = totalOf(wanted);
    let doneBytes = 0;
    let resumedBytes = 0;
    let downloadedBytes = 0;
    const installed: ModelManifestFile[] = [];
    for (let i = 0; i < wanted.length; i++) {
      const exp = wanted[i]!;
      const finalPath = join(staging, exp.path);
      const report = (fileBytes: number, fileTotal: number | undefined, phase: FetchProgress['phase'], unverified?: boolean) =>
        o.onProgress?.({
          file: exp.path, fileIndex: i, fileCount: wanted.length, fileBytes,
          ...(fileTotal !== undefined ? { fileTotal } : {}), bytes: doneBytes + fileBytes,
          ...(total !== undefined ? { total } : {}), phase, ...(unverified ? { unverified } : {}),
        });
      mkdirSync(dirname(finalPath), { recursive: true });
      let verified: ModelManifestFile | undefined;
      if (existsSync(finalPath)) {
        // verified in an earlier, interrupted run; check again (cheap next to downloading)
        verified = await verifyFile(finalPath, exp, what, o.signal).catch(() => undefined);
        if (!verified) rmSync(finalPath, { force: true });
      }
      if (!verified) {
        const url = `${endpoint}/${o.repo}/resolve/${encodeURIComponent(commit ?? revision)}/${encodePath(exp.path)}`;
        const r = await downloadToPart(url, finalPath + '.part', exp, net, retries, (n, t) => report(n, t, 'download'));
        resumedBytes += r.resumed;
        downloadedBytes += r.downloaded;
        report(r.size, r.size, 'verify');
        try {
          verified = await verifyFile(finalPath + '.part', exp, what, o.signal);
        } catch (e) {
          throwIfAborted(o.signal, what); // cancelled while hashing: the part is fine, keep it
          rmSync(finalPath + '.part', { force: true }); // a corrupt part must not be resumed
          throw e;
        }
        renameSync(finalPath + '.part', finalPath);
      }
      if (exp.path === shardIndex) {
        const known = new Set(wanted.map((w) => w.path));
        const shards = shardsOf(finalPath, exp.path, new Set(siblings.keys()), what).filter((s) => !known.has(s));
        const more = shards.map((path) => expectedOf(path, siblings.get(path)!));
        refuseUnverifiable(more);
        wanted.splice(i + 1, 0, ...more);
        total = totalOf(wanted);
      }
      report(verified.size, verified.size, 'done', verified.unverified === true);
      doneBytes += verified.size;
      installed.push(verified);
      throwIfAborted(o.signal, what);
    }

    // 4. Manifest, then the atomic swap into place.
    const manifest: ModelManifest = {
      format: 'subtoken-lens-model', version: 1, repo: o.repo, revision, ...(commit ? { commit } : {}),
      endpoint, fetchedAt: new Date().toISOString(), files: installed,
    };
    writeFileSync(join(staging, MANIFEST_FILE_NAME), JSON.stringify(manifest, null, 2) + '\n');
    rmSync(join(staging, STAGING_COMMIT_FILE), { force: true });
    installFolder(staging, target, o.cacheDir);
    return { dir: target, repo: o.repo, revision, ...(commit ? { commit } : {}), files: installed, ...format, fromCache: false, resumedBytes, downloadedBytes };
  } finally {
    release();
  }
}

/** Bytes of all files when the Hub lists every size. */
const totalOf = (list: readonly Expected[]): number | undefined =>
  list.every((w) => w.size !== undefined) ? list.reduce((a, w) => a + w.size!, 0) : undefined;

/** Moves a finished staging folder onto the target, replacing an older copy. */
function installFolder(staging: string, target: string, cacheDir: string): void {
  mkdirSync(dirname(target), { recursive: true });
  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  // A merger trained into the old folder belongs to the same model: carry it over.
  const oldMerger = join(target, 'merger.json');
  if (existsSync(oldMerger) && !existsSync(join(staging, 'merger.json'))) renameSync(oldMerger, join(staging, 'merger.json'));
  const trash = join(modelsRoot(cacheDir), '.trash', `${Date.now().toString(36)}-${process.pid}`);
  mkdirSync(dirname(trash), { recursive: true });
  renameSync(target, trash);
  renameSync(staging, target);
  removeInside(modelsRoot(cacheDir), trash);
}

function positive(ms: number | undefined, name: string): number | undefined {
  if (ms === undefined) return undefined;
  if (!(ms > 0) || !Number.isFinite(ms)) throw new FetchModelError('bad-input', `${name} must be a positive number of milliseconds, got ${ms}`);
  return ms;
}

/** What every request of one fetchModel call shares. */
interface Transfer {
  readonly headers: Record<string, string>;
  readonly signal: AbortSignal | undefined;
  readonly timeouts: Timeouts;
  readonly ctx: ErrorContext;
}

/** The commit and file list, read only up to MAX_API_ANSWER_BYTES. */
async function readFileList(apiUrl: string, net: Transfer): Promise<{ sha?: unknown; siblings: unknown[] }> {
  const res = await request(apiUrl, net);
  let text: string;
  try {
    text = (await readCapped(res, MAX_API_ANSWER_BYTES, () => new FetchModelError('too-large',
      `${net.ctx.what}: the file list from ${apiUrl} is larger than ${MAX_API_ANSWER_BYTES / 1024 / 1024} MiB, which no Hub file list is; refusing it (is the endpoint a Hub or a mirror of one?)`))).toString('utf8');
  } catch (e) {
    throw transferError(e, apiUrl, net);
  }
  let info: { sha?: unknown; siblings?: unknown };
  try {
    info = JSON.parse(text) as typeof info;
  } catch (e) {
    throw new FetchModelError('http', `${apiUrl} did not return JSON (${(e as Error).message})`);
  }
  if (!info || !Array.isArray(info.siblings)) throw new FetchModelError('http', `${apiUrl}: the answer has no file list (siblings)`);
  return info as { sha?: unknown; siblings: unknown[] };
}

interface ErrorContext { what: string; target: string; offlineHint: string; kind?: 'repo' | 'file'; file?: string }

function offlineError(e: unknown, url: string, ctx: ErrorContext): FetchModelError {
  return new FetchModelError(
    'offline',
    `no network (${networkErrorCode(e)} reaching ${new URL(url).host}): ${ctx.offlineHint}`,
    { cause: e },
  );
}

/** Any failure of a request or of reading its body, as a FetchModelError with a message a user can act on. */
function transferError(e: unknown, url: string, net: Transfer): FetchModelError {
  if (net.signal?.aborted) return abortedError(net.ctx.what);
  if (e instanceof FetchModelError) return e;
  const thing = net.ctx.kind === 'file' ? `file ${net.ctx.file} of ${net.ctx.what}` : net.ctx.what;
  if (e instanceof TransportError) {
    if (e.kind === 'redirect') return new FetchModelError('redirect', `${thing}: ${e.message}`, { cause: e });
    const hint = e.kind === 'connect-timeout' ? `; check the network and the endpoint, or ${net.ctx.offlineHint}` : '';
    return new FetchModelError('timeout', `${thing}: ${e.message}${hint}`, { cause: e });
  }
  if (isOfflineError(e)) return offlineError(e, url, net.ctx);
  const code = networkErrorCode(e);
  return new FetchModelError('http', `request to ${url} failed: ${(e as Error).message}${code ? ` (${code})` : ''}`, { cause: e });
}

/** A GET that turns HTTP and network failures into FetchModelErrors with actionable messages. */
async function request(url: string, net: Transfer, extraHeaders: Record<string, string> = {}): Promise<HttpResponse> {
  let res: HttpResponse;
  try {
    res = await httpGet(url, { ...net.headers, ...extraHeaders }, { ...(net.signal ? { signal: net.signal } : {}), timeouts: net.timeouts });
  } catch (e) {
    throw transferError(e, url, net);
  }
  if (res.status >= 200 && res.status < 300) return res;
  res.discard();
  const { ctx } = net;
  const thing = ctx.kind === 'file' ? `file ${ctx.file} of ${ctx.what}` : ctx.what;
  if (res.status === 401 || res.status === 403) {
    throw new FetchModelError('unauthorized', `${thing}: HTTP ${res.status} — the repo is gated or private, or the token is not accepted; pass a token with access (--token or HF_TOKEN) after accepting the model's terms on the Hub`);
  }
  if (res.status === 404) {
    throw new FetchModelError('not-found', ctx.kind === 'file'
      ? `${thing} not found (HTTP 404)`
      : `${thing} not found (HTTP 404): check the repo name and the revision (branch, tag or commit)`);
  }
  if (res.status === 416) return res; // for downloadToPart to judge
  if (res.status >= 300 && res.status < 400) {
    throw new FetchModelError('redirect', `${thing}: HTTP ${res.status} without a usable Location header`);
  }
  return res; // 5xx are for the caller to judge
}

async function downloadToPart(
  url: string, part: string, exp: Expected, base: Transfer, retries: number,
  onBytes: (bytes: number, total: number | undefined) => void,
): Promise<{ size: number; resumed: number; downloaded: number }> {
  const net: Transfer = { ...base, ctx: { ...base.ctx, kind: 'file', file: exp.path } };
  const { what } = net.ctx;
  const thing = `file ${exp.path} of ${what}`;
  let resumed = -1;
  let downloaded = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    throwIfAborted(net.signal, what);
    let have = existsSync(part) ? statSync(part).size : 0;
    if (exp.size !== undefined && have > exp.size) { rmSync(part, { force: true }); have = 0; }
    if (resumed < 0) resumed = have;
    if (exp.size !== undefined && have === exp.size) return { size: have, resumed, downloaded };
    const res = await request(url, net, have > 0 ? { range: `bytes=${have}-` } : {});
    let append = false;
    if (res.status === 206) {
      const m = /^bytes (\d+)-/.exec(res.header('content-range') ?? '');
      if (m && Number(m[1]) === have) append = true;
      else { // a range we did not ask for: start over rather than guess
        res.discard();
        rmSync(part, { force: true });
        continue;
      }
    } else if (res.status === 416) { // our part does not fit the remote file any more
      res.discard();
      rmSync(part, { force: true });
      continue;
    } else if (res.status !== 200) {
      res.discard();
      lastError = new FetchModelError('http', `${thing}: HTTP ${res.status} ${res.statusText}`);
      if (res.status >= 500 && attempt < retries) continue;
      throw lastError;
    } // 200 with a part on disk: the server ignored Range, so the body is the whole file
    let written = append ? have : 0;
    const linked = Number(res.header('x-linked-size') ?? NaN);
    const length = Number(res.header('content-length') ?? NaN);
    // A body announced longer than the listed size is refused before a byte of it is read.
    if (exp.size !== undefined && Number.isFinite(length) && written + length > exp.size) {
      res.discard();
      rmSync(part, { force: true });
      throw new FetchModelError('size', `${thing}: the server announces ${written + length} bytes, the Hub lists ${exp.size} bytes; refused`);
    }
    const fileTotal = exp.size ?? (Number.isFinite(linked) ? linked : Number.isFinite(length) ? length + written : undefined);
    onBytes(written, fileTotal);
    try {
      await pipeline(
        res.body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            // Cut off at the listed size: a longer body is refused without reading the rest (the
            // pipeline's teardown closes the connection).
            if (exp.size !== undefined && written + chunk.length > exp.size) {
              throw new FetchModelError('size', `${thing}: the server sent more than the ${exp.size} bytes the Hub lists; refused and closed the connection`);
            }
            written += chunk.length;
            downloaded += chunk.length;
            onBytes(written, fileTotal);
            yield chunk;
          }
        },
        createWriteStream(part, { flags: append ? 'a' : 'w' }),
        ...(net.signal ? [{ signal: net.signal }] : []),
      );
      return { size: written, resumed, downloaded };
    } catch (e) {
      res.discard();
      throwIfAborted(net.signal, what);
      if (e instanceof FetchModelError && e.code === 'size') {
        rmSync(part, { force: true }); // bytes from a server that lies about the file are not resumed
        throw e;
      }
      const err = transferError(e, url, net);
      if (err.code === 'offline' && attempt === retries) throw err;
      lastError = err; // dropped connection or silence: the part stays, the next attempt resumes it
    }
  }
  const last = lastError instanceof FetchModelError ? lastError : undefined;
  throw new FetchModelError(last?.code === 'timeout' ? 'timeout' : 'http',
    `${thing}: download kept failing after ${retries + 1} attempts (${(lastError as Error)?.message ?? 'unknown error'}); run again to resume`, { cause: lastError });
}

/** Checks size and hash of a downloaded file against what the Hub listed. */
async function verifyFile(path: string, exp: Expected, what: string, signal?: AbortSignal): Promise<ModelManifestFile> {
  const size = statSync(path).size;
  if (exp.size !== undefined && size !== exp.size) {
    throw new FetchModelError('size', `file ${exp.path} of ${what}: got ${size} bytes, the Hub lists ${exp.size}`);
  }
  const sha256 = createHash('sha256');
  const git = createHash('sha1').update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) {
    throwIfAborted(signal, what); // hashing a large file must not hold up a Ctrl-C
    if (exp.sha256) sha256.update(chunk as Buffer);
    if (exp.gitBlobId) git.update(chunk as Buffer);
  }
  if (exp.sha256) {
    const got = sha256.digest('hex');
    if (got !== exp.sha256) throw new FetchModelError('checksum', `file ${exp.path} of ${what}: sha256 ${got} does not match the Hub's ${exp.sha256}; the download was discarded`);
  }
  if (exp.gitBlobId) {
    const got = git.digest('hex');
    if (got !== exp.gitBlobId) throw new FetchModelError('checksum', `file ${exp.path} of ${what}: git blob id ${got} does not match the Hub's ${exp.gitBlobId}; the download was discarded`);
  }
  return {
    path: exp.path, size, ...(exp.sha256 ? { sha256: exp.sha256 } : {}), ...(exp.gitBlobId ? { gitBlobId: exp.gitBlobId } : {}),
    ...(isUnverifiable(exp) ? { unverified: true as const } : {}),
  };
}
