// Downloading a model folder from the Hugging Face Hub (or a mirror with the same URL layout):
//   GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true   → commit sha + file list
//   GET {endpoint}/{repo}/resolve/{commit}/{path}                      → file bytes (LFS files
//       answer with a redirect to a CDN, which fetch follows)
// Files go to a staging folder as .part files (resumable with Range requests), are checked
// against the size and hash the Hub lists, and the folder is renamed into place only when every
// file is verified, so a model folder in the cache is always complete.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  checkRepo, checkRevision, lockPath, MANIFEST_FILE_NAME, modelDir, modelsRoot, readManifest, stagingDir,
  type ModelManifest, type ModelManifestFile,
} from './cache';
import { FetchModelError, isOfflineError, networkErrorCode } from './errors';
import { acquireLock } from './lock';

export const DEFAULT_MODEL_REPO = 'Xenova/codet5-small';
export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** What a model folder for the runtime needs: fetched when `files` is not given. */
export const DEFAULT_REQUIRED_FILES: readonly string[] = ['config.json', 'onnx/encoder_model.onnx'];
/** Fetched when the repo has them; absent ones are skipped. */
export const DEFAULT_OPTIONAL_FILES: readonly string[] = [
  'onnx/encoder_model.onnx_data', 'vocab.json', 'merges.txt', 'tokenizer.json', 'tokenizer_config.json',
  'special_tokens_map.json', 'added_tokens.json',
];

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
}

export interface FetchModelOptions {
  readonly repo: string;
  readonly revision?: string;
  /** Files that must exist in the repo. Default: DEFAULT_REQUIRED_FILES (+ DEFAULT_OPTIONAL_FILES). */
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
}

export interface FetchModelResult {
  readonly dir: string;
  readonly repo: string;
  readonly revision: string;
  readonly commit?: string;
  readonly files: readonly ModelManifestFile[];
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

const STAGING_COMMIT_FILE = '.commit';

function checkFilePath(p: string): void {
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new FetchModelError('bad-input', `file path ${JSON.stringify(p)} is not a relative path inside the repo`);
  }
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new FetchModelError('aborted', `download of ${what} was cancelled; partial files are kept for resuming, nothing was installed`);
}

export async function fetchModel(o: FetchModelOptions): Promise<FetchModelResult> {
  const revision = o.revision ?? 'main';
  checkRepo(o.repo);
  checkRevision(revision);
  const endpoint = (o.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(endpoint)) throw new FetchModelError('bad-input', `endpoint must be an http(s) URL, got ${JSON.stringify(o.endpoint)}`);
  const required = o.files ?? DEFAULT_REQUIRED_FILES;
  const optional = o.optionalFiles ?? (o.files ? [] : DEFAULT_OPTIONAL_FILES);
  [...required, ...optional].forEach(checkFilePath);
  const retries = o.retries ?? 3;
  const what = `${o.repo}@${revision}`;
  const target = modelDir(o.cacheDir, o.repo, revision);
  const staging = stagingDir(o.cacheDir, o.repo, revision);
  const headers: Record<string, string> = o.token ? { authorization: `Bearer ${o.token}` } : {};

  throwIfAborted(o.signal, what);
  const release = acquireLock(lockPath(o.cacheDir, o.repo, revision), what);
  try {
    // 1. What is there: commit and file list with sizes and hashes.
    const apiUrl = `${endpoint}/api/models/${o.repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
    const res = await request(apiUrl, headers, o.signal, { what, target, kind: 'repo' });
    let info: { sha?: unknown; siblings?: unknown };
    try {
      info = (await res.json()) as typeof info;
    } catch (e) {
      throw new FetchModelError('http', `${apiUrl} did not return JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(info.siblings)) throw new FetchModelError('http', `${apiUrl}: the answer has no file list (siblings)`);
    const commit = typeof info.sha === 'string' && /^[0-9a-f]{40}$/.test(info.sha) ? info.sha : undefined;
    const siblings = new Map<string, Sibling>();
    for (const s of info.siblings as Sibling[]) if (s && typeof s.rfilename === 'string') siblings.set(s.rfilename, s);
    const missing = required.filter((f) => !siblings.has(f));
    if (missing.length > 0) {
      const present = [...siblings.keys()].slice(0, 30).join(', ');
      throw new FetchModelError('not-found', `${what} has no ${missing.join(', ')} (files there: ${present || 'none'})`);
    }
    const wanted: Expected[] = [...new Set([...required, ...optional.filter((f) => siblings.has(f))])].map((path) => {
      const s = siblings.get(path)!;
      const size = s.lfs?.size ?? s.size;
      return {
        path,
        ...(typeof size === 'number' ? { size } : {}),
        ...(typeof s.lfs?.sha256 === 'string' ? { sha256: s.lfs.sha256.toLowerCase() } : {}),
        ...(!s.lfs && typeof s.blobId === 'string' ? { gitBlobId: s.blobId.toLowerCase() } : {}),
      };
    });

    // 2. Already cached at this commit?
    if (!o.force && commit && existsSync(target)) {
      const m = readManifest(target);
      const have = new Map(m?.files.map((f) => [f.path, f]));
      const complete = m?.commit === commit && wanted.every((w) => {
        const f = have.get(w.path);
        const p = join(target, w.path);
        return f && existsSync(p) && statSync(p).size === f.size;
      });
      if (m && complete) {
        return { dir: target, repo: o.repo, revision, commit, files: m.files, fromCache: true, resumedBytes: 0, downloadedBytes: 0 };
      }
    }

    // 3. Staging: parts from another commit cannot be resumed.
    const stagedCommit = existsSync(join(staging, STAGING_COMMIT_FILE)) ? readFileSync(join(staging, STAGING_COMMIT_FILE), 'utf8') : undefined;
    if (existsSync(staging) && stagedCommit !== (commit ?? '')) rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, STAGING_COMMIT_FILE), commit ?? '');

    const total = wanted.every((w) => w.size !== undefined) ? wanted.reduce((a, w) => a + w.size!, 0) : undefined;
    let doneBytes = 0;
    let resumedBytes = 0;
    let downloadedBytes = 0;
    const installed: ModelManifestFile[] = [];
    for (let i = 0; i < wanted.length; i++) {
      const exp = wanted[i]!;
      const finalPath = join(staging, exp.path);
      const report = (fileBytes: number, fileTotal: number | undefined, phase: FetchProgress['phase']) =>
        o.onProgress?.({
          file: exp.path, fileIndex: i, fileCount: wanted.length, fileBytes,
          ...(fileTotal !== undefined ? { fileTotal } : {}), bytes: doneBytes + fileBytes,
          ...(total !== undefined ? { total } : {}), phase,
        });
      mkdirSync(dirname(finalPath), { recursive: true });
      let verified: ModelManifestFile | undefined;
      if (existsSync(finalPath)) {
        // verified in an earlier, interrupted run; check again (cheap next to downloading)
        verified = await verifyFile(finalPath, exp, what).catch(() => undefined);
        if (!verified) rmSync(finalPath, { force: true });
      }
      if (!verified) {
        const url = `${endpoint}/${o.repo}/resolve/${encodeURIComponent(commit ?? revision)}/${encodePath(exp.path)}`;
        const r = await downloadToPart(url, finalPath + '.part', exp, headers, o.signal, retries, { what, target }, (n, t) => report(n, t, 'download'));
        resumedBytes += r.resumed;
        downloadedBytes += r.downloaded;
        report(r.size, r.size, 'verify');
        try {
          verified = await verifyFile(finalPath + '.part', exp, what);
        } catch (e) {
          rmSync(finalPath + '.part', { force: true }); // a corrupt part must not be resumed
          throw e;
        }
        renameSync(finalPath + '.part', finalPath);
      }
      report(verified.size, verified.size, 'done');
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
    return { dir: target, repo: o.repo, revision, ...(commit ? { commit } : {}), files: installed, fromCache: false, resumedBytes, downloadedBytes };
  } finally {
    release();
  }
}

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
  rmSync(trash, { recursive: true, force: true });
}

interface ErrorContext { what: string; target: string; kind?: 'repo' | 'file'; file?: string }

function offlineError(e: unknown, url: string, ctx: ErrorContext): FetchModelError {
  return new FetchModelError(
    'offline',
    `no network (${networkErrorCode(e)} reaching ${new URL(url).host}): copy the model folder by hand to ${ctx.target} or use --model DIR`,
    { cause: e },
  );
}

/** A GET that turns HTTP and network failures into FetchModelErrors with actionable messages. */
async function request(url: string, headers: Record<string, string>, signal: AbortSignal | undefined, ctx: ErrorContext): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: 'follow', ...(signal ? { signal } : {}) });
  } catch (e) {
    throwIfAborted(signal, ctx.what);
    if (isOfflineError(e)) throw offlineError(e, url, ctx);
    const cause = (e as { cause?: { message?: unknown } }).cause;
    const detail = networkErrorCode(e) ?? (typeof cause?.message === 'string' ? cause.message : undefined);
    throw new FetchModelError('http', `request to ${url} failed: ${(e as Error).message}${detail ? ` (${detail})` : ''}`, { cause: e });
  }
  if (res.ok) return res;
  await res.body?.cancel().catch(() => undefined);
  const thing = ctx.kind === 'file' ? `file ${ctx.file} of ${ctx.what}` : ctx.what;
  if (res.status === 401 || res.status === 403) {
    throw new FetchModelError('unauthorized', `${thing}: HTTP ${res.status} — the repo is gated or private, or the token is not accepted; pass a token with access (--token or HF_TOKEN) after accepting the model's terms on the Hub`);
  }
  if (res.status === 404) {
    throw new FetchModelError('not-found', ctx.kind === 'file'
      ? `${thing} not found (HTTP 404)`
      : `${thing} not found (HTTP 404): check the repo name and the revision (branch, tag or commit)`);
  }
  return res; // 206 / 416 / 5xx are for the caller to judge
}

async function downloadToPart(
  url: string, part: string, exp: Expected, headers: Record<string, string>, signal: AbortSignal | undefined,
  retries: number, ctx: ErrorContext, onBytes: (bytes: number, total: number | undefined) => void,
): Promise<{ size: number; resumed: number; downloaded: number }> {
  let resumed = -1;
  let downloaded = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    throwIfAborted(signal, ctx.what);
    let have = existsSync(part) ? statSync(part).size : 0;
    if (exp.size !== undefined && have > exp.size) { rmSync(part, { force: true }); have = 0; }
    if (resumed < 0) resumed = have;
    if (exp.size !== undefined && have === exp.size) return { size: have, resumed, downloaded };
    const res = await request(url, have > 0 ? { ...headers, range: `bytes=${have}-` } : headers, signal, { ...ctx, kind: 'file', file: exp.path });
    let append = false;
    if (res.status === 206) {
      const m = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
      if (m && Number(m[1]) === have) append = true;
      else { // a range we did not ask for: start over rather than guess
        await res.body?.cancel().catch(() => undefined);
        rmSync(part, { force: true });
        continue;
      }
    } else if (res.status === 416) { // our part does not fit the remote file any more
      await res.body?.cancel().catch(() => undefined);
      rmSync(part, { force: true });
      continue;
    } else if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      lastError = new FetchModelError('http', `file ${exp.path} of ${ctx.what}: HTTP ${res.status} ${res.statusText}`);
      if (res.status >= 500 && attempt < retries) continue;
      throw lastError;
    } // 200 with a part on disk: the server ignored Range, so the body is the whole file
    if (!res.body) throw new FetchModelError('http', `file ${exp.path} of ${ctx.what}: empty response`);
    const linked = Number(res.headers.get('x-linked-size') ?? NaN);
    const length = Number(res.headers.get('content-length') ?? NaN);
    const fileTotal = exp.size ?? (Number.isFinite(linked) ? linked : Number.isFinite(length) ? length + (append ? have : 0) : undefined);
    let written = append ? have : 0;
    onBytes(written, fileTotal);
    try {
      await pipeline(
        Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            written += chunk.length;
            downloaded += chunk.length;
            onBytes(written, fileTotal);
            yield chunk;
          }
        },
        createWriteStream(part, { flags: append ? 'a' : 'w' }),
        ...(signal ? [{ signal }] : []),
      );
      return { size: written, resumed, downloaded };
    } catch (e) {
      throwIfAborted(signal, ctx.what);
      if (isOfflineError(e) && attempt === retries) throw offlineError(e, url, ctx);
      lastError = e; // dropped connection: the part stays, the next attempt resumes it
    }
  }
  throw new FetchModelError('http', `file ${exp.path} of ${ctx.what}: download kept failing (${(lastError as Error)?.message ?? 'unknown error'}); run again to resume`, { cause: lastError });
}

/** Checks size and hash of a downloaded file against what the Hub listed. */
async function verifyFile(path: string, exp: Expected, what: string): Promise<ModelManifestFile> {
  const size = statSync(path).size;
  if (exp.size !== undefined && size !== exp.size) {
    throw new FetchModelError('size', `file ${exp.path} of ${what}: got ${size} bytes, the Hub lists ${exp.size}`);
  }
  const sha256 = createHash('sha256');
  const git = createHash('sha1').update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) {
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
  return { path: exp.path, size, ...(exp.sha256 ? { sha256: exp.sha256 } : {}), ...(exp.gitBlobId ? { gitBlobId: exp.gitBlobId } : {}) };
}
