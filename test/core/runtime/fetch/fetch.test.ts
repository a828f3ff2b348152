import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clearModelCache, fetchModel, FetchModelError, listCachedModels, MANIFEST_FILE_NAME, modelDir, removeCachedModel,
  type FetchProgress,
} from '../../../../src/core/runtime/fetch/index';

// A tiny model folder in the Hub's layout, served from loopback. The "onnx" bytes are random:
// these tests are about transport, not models.
const COMMIT = 'a'.repeat(40);
const ONNX = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24));
const FILES: Record<string, Buffer> = {
  'config.json': Buffer.from(JSON.stringify({ model_type: 't5', d_model: 8, vocab_size: 10 })),
  'vocab.json': Buffer.from('{"a": 0, "b": 1}'),
  'onnx/encoder_model.onnx': ONNX,
  'onnx/decoder_model.onnx': Buffer.from('not wanted'),
};
const LFS = new Set(['onnx/encoder_model.onnx', 'onnx/decoder_model.onnx']);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitBlob = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

interface Behaviour {
  /** Close the socket after this many body bytes, on the first N requests of the onnx file. */
  dropAfter?: number; drops?: number;
  ignoreRange?: boolean;
  /** Redirect LFS files to /cdn/… on this server or on another origin (as the Hub does). */
  redirect?: 'same' | 'other';
  requireToken?: string;
  /** Advertise a wrong sha256 for the onnx file. */
  wrongSha?: boolean;
  /** Send the onnx file slowly (ms between 16 KB chunks). */
  slowMs?: number;
}
let behaviour: Behaviour = {};
const log: Array<{ url: string; range?: string; auth?: string }> = [];
let server: Server;
let cdn: Server;
let endpoint: string;
let cdnEndpoint: string;

function sendFile(req: IncomingMessage, res: ServerResponse, path: string): void {
  const body = FILES[path]!;
  let start = 0;
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
  if (LFS.has(path)) { headers['x-linked-size'] = body.length; headers['x-linked-etag'] = `"${sha256(body)}"`; }
  if (range && !behaviour.ignoreRange) {
    start = Number(range[1]);
    if (start >= body.length) { res.writeHead(416, { 'content-range': `bytes */${body.length}` }); res.end(); return; }
    headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
  }
  headers['content-length'] = body.length - start;
  res.writeHead(start > 0 ? 206 : 200, headers);
  const rest = body.subarray(start);
  if (path === 'onnx/encoder_model.onnx' && behaviour.dropAfter !== undefined && (behaviour.drops ?? 0) > 0) {
    behaviour.drops = behaviour.drops! - 1;
    // Wait before cutting: undici drops body chunks still queued when the socket errors, and the
    // test wants a part on disk to resume from.
    res.write(rest.subarray(0, behaviour.dropAfter), () => setTimeout(() => res.socket?.destroy(), 400));
    return;
  }
  if (path === 'onnx/encoder_model.onnx' && behaviour.slowMs) {
    let at = 0;
    const tick = () => {
      if (res.destroyed) return;
      if (at >= rest.length) { res.end(); return; }
      res.write(rest.subarray(at, at + 16384));
      at += 16384;
      setTimeout(tick, behaviour.slowMs);
    };
    tick();
    return;
  }
  res.end(rest);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url!, 'http://x');
  log.push({ url: url.pathname, ...(req.headers.range ? { range: req.headers.range } : {}), ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
  if (behaviour.requireToken && req.headers.authorization !== `Bearer ${behaviour.requireToken}` && !url.pathname.startsWith('/cdn/')) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Access to model test/tiny is restricted."}');
    return;
  }
  let m = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
  if (m) {
    if (m[1] !== 'test/tiny' || (m[2] !== 'main' && m[2] !== COMMIT)) { res.writeHead(404).end('{"error":"Repository not found"}'); return; }
    assert.equal(url.searchParams.get('blobs'), 'true');
    const siblings = Object.entries(FILES).map(([rfilename, b]) => ({
      rfilename, size: b.length, blobId: LFS.has(rfilename) ? 'f'.repeat(40) : gitBlob(b),
      ...(LFS.has(rfilename) ? { lfs: { size: b.length, sha256: behaviour.wrongSha && rfilename === 'onnx/encoder_model.onnx' ? '0'.repeat(64) : sha256(b), pointerSize: 130 } } : {}),
    }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'test/tiny', sha: COMMIT, siblings }));
    return;
  }
  m = /^\/test\/tiny\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (m && FILES[decodeURIComponent(m[2]!)]) {
    const path = decodeURIComponent(m[2]!);
    if (behaviour.redirect && LFS.has(path)) {
      const base = behaviour.redirect === 'other' ? cdnEndpoint : '';
      res.writeHead(302, { location: `${base}/cdn/${encodeURIComponent(path)}` }).end();
      return;
    }
    sendFile(req, res, path);
    return;
  }
  m = /^\/cdn\/(.+)$/.exec(url.pathname);
  if (m && FILES[decodeURIComponent(m[1]!)]) { sendFile(req, res, decodeURIComponent(m[1]!)); return; }
  res.writeHead(404).end('Entry not found');
}

before(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cdn = createServer(handle);
  await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r));
  cdnEndpoint = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
});
after(async () => {
  for (const s of [server, cdn]) await new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });
});

function freshCache(): string {
  behaviour = {};
  log.length = 0;
  return mkdtempSync(join(tmpdir(), 'fetch-model-'));
}

const WANT = ['config.json', 'onnx/encoder_model.onnx'];

test('a normal download: progress, verified files, manifest, nothing else fetched; a second call uses the cache', async (t) => {
  const cache = freshCache();
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const progress: FetchProgress[] = [];
  const r = await fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint, onProgress: (p) => progress.push(p) });
  assert.equal(r.dir, join(cache, 'models', 'test--tiny', 'main'));
  assert.equal(r.commit, COMMIT);
  assert.equal(r.fromCache, false);
  // default selection: required config + encoder, optional vocab.json present; decoder not wanted
  assert.deepEqual(r.files.map((f) => f.path).sort(), ['config.json', 'onnx/encoder_model.onnx', 'vocab.json']);
  for (const f of r.files) assert.deepEqual(readFileSync(join(r.dir, f.path)), FILES[f.path]);
  assert.ok(!existsSync(join(r.dir, 'onnx', 'decoder_model.onnx')));
  assert.equal(r.files.find((f) => f.path === 'onnx/encoder_model.onnx')!.sha256, sha256(ONNX));
  const total = r.files.reduce((a, f) => a + f.size, 0);
  const last = progress.at(-1)!;
  assert.equal(last.bytes, total);
  assert.equal(last.total, total);
  const onnxSteps = progress.filter((p) => p.file === 'onnx/encoder_model.onnx' && p.phase === 'download');
  assert.ok(onnxSteps.length > 2, 'progress is reported during the file, not only at its end');
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.bytes >= progress[i - 1]!.bytes, 'overall bytes never go back');
  assert.deepEqual(readdirSync(join(cache, 'models')).sort(), ['.locks', '.partial', 'test--tiny']);
  assert.deepEqual(readdirSync(join(cache, 'models', '.partial')), [], 'staging is consumed by the install');
  assert.deepEqual(readdirSync(join(cache, 'models', '.locks')), [], 'the lock is released');
  assert.equal(log.filter((l) => l.url.includes('/resolve/')).every((l) => l.url.includes(`/resolve/${COMMIT}/`)), true, 'files are pinned to the listed commit');

  log.length = 0;
  const again = await fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint });
  assert.equal(again.fromCache, true);
  assert.equal(log.filter((l) => l.url.includes('/resolve/')).length, 0);

  const listed = listCachedModels(cache);
  assert.equal(listed.length, 1);
  assert.equal(listed[0]!.repo, 'test/tiny');
  assert.equal(listed[0]!.manifest?.commit, COMMIT);
  assert.ok(listed[0]!.bytes >= total);
});

test('a dropped connection mid-file is resumed with a Range request; a server that ignores Range restarts the file', async (t) => {
  const cache = freshCache();
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  behaviour = { dropAfter: 100_000, drops: 1 };
  const r = await fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint, files: WANT });
  assert.deepEqual(readFileSync(join(r.dir, 'onnx/encoder_model.onnx')), ONNX);
  const onnxReqs = log.filter((l) => l.url.endsWith('encoder_model.onnx'));
  assert.equal(onnxReqs.length, 2);
  assert.equal(onnxReqs[0]!.range, undefined);
  assert.match(onnxReqs[1]!.range ?? '', /^bytes=\d+-$/);
  assert.ok(Number(/\d+/.exec(onnxReqs[1]!.range!)![0]) >= 100_000 - 65536, 'resumed from where the part ended');
  assert.ok(r.downloadedBytes < ONNX.length + 2000, `the resumed part was not downloaded twice (${r.downloadedBytes})`);

  // Interrupted run (no retries) leaves a .part; the next run with a Range-ignoring server starts over.
  const cache2 = freshCache();
  t.after(() => rmSync(cache2, { recursive: true, force: true }));
  behaviour = { dropAfter: 50_000, drops: 1 };
  await assert.rejects(fetchModel({ repo: 'test/tiny', cacheDir: cache2, endpoint, files: WANT, retries: 0 }), FetchModelError);
  assert.ok(!existsSync(modelDir(cache2, 'test/tiny')), 'nothing installed after the failure');
  behaviour = { ignoreRange: true };
  log.length = 0;
  const r2 = await fetchModel({ repo: 'test/tiny', cacheDir: cache2, endpoint, files: WANT });
  assert.ok(log.some((l) => l.url.endsWith('encoder_model.onnx') && l.range), 'a Range was asked for');
  assert.deepEqual(readFileSync(join(r2.dir, 'onnx/encoder_model.onnx')), ONNX, 'and the whole-file answer replaced the part, not appended to it');
});

test('a wrong checksum is rejected and nothing is left in place', async (t) => {
  const cache = freshCache();
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  behaviour = { wrongSha: true };
  await assert.rejects(
    fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint, files: WANT }),
    (e: FetchModelError) => e.code === 'checksum' && /sha256 [0-9a-f]{64} does not match/.test(e.message),
  );
  assert.ok(!existsSync(modelDir(cache, 'test/tiny')));
  const staged = join(cache, 'models', '.partial', 'test--tiny--main', 'onnx');
  assert.ok(!existsSync(join(staged, 'encoder_model.onnx.part')) && !existsSync(join(staged, 'encoder_model.onnx')), 'the bad bytes are discarded');
  assert.deepEqual(readdirSync(join(cache, 'models', '.locks')), []);
});

test('404 for a missing repo, revision or file; 401 without a token, success with one', async (t) => {
  const cache = freshCache();
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  await assert.rejects(fetchModel({ repo: 'test/nope', cacheDir: cache, endpoint }), (e: FetchModelError) => e.code === 'not-found' && /test\/nope@main not found/.test(e.message));
  await assert.rejects(fetchModel({ repo: 'test/tiny', revision: 'v9', cacheDir: cache, endpoint }), (e: FetchModelError) => e.code === 'not-found' && /revision/.test(e.message));
  await assert.rejects(fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint, files: ['config.json', 'onnx/model.onnx'] }),
    (e: FetchModelError) => e.code === 'not-found' && /has no onnx\/model\.onnx/.test(e.message));
  await assert.rejects(fetchModel({ repo: '../etc', cacheDir: cache, endpoint }), (e: FetchModelError) => e.code === 'bad-input');

  behaviour = { requireToken: 'hf_secret', redirect: 'same' };
  await assert.rejects(fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint, files: WANT }),
    (e: FetchModelError) => e.code === 'unauthorized' && /gated or private/.test(e.message) && /token/.test(e.message));
  const r = await fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint, files: WANT, token: 'hf_secret' });
  assert.deepEqual(readFileSync(join(r.dir, 'onnx/encoder_model.onnx')), ONNX);
  assert.ok(!existsSync(join(cache, 'models', '.partial', 'test--tiny--main')));
});

test('redirects to another origin (the CDN hop) are followed, without sending the token there', async (t) => {
  const cache = freshCache();
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  behaviour = { redirect: 'other', requireToken: 'hf_secret' };
  const r = await fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint, files: WANT, token: 'hf_secret' });
  const cdnHits = log.filter((l) => l.url.startsWith('/cdn/'));
  assert.equal(cdnHits.length, 1, 'the redirect target was fetched');
  assert.equal(cdnHits[0]!.auth, undefined, 'the Hub token is not sent to another origin');
  assert.deepEqual(readFileSync(join(r.dir, 'onnx/encoder_model.onnx')), ONNX);
});

test('cancellation leaves nothing in the final place, releases the lock, and the next run resumes', async (t) => {
  const cache = freshCache();
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  behaviour = { slowMs: 15 };
  const ac = new AbortController();
  await assert.rejects(
    fetchModel({
      repo: 'test/tiny', cacheDir: cache, endpoint, files: WANT, signal: ac.signal,
      onProgress: (p) => { if (p.file === 'onnx/encoder_model.onnx' && p.fileBytes > 60_000) ac.abort(); },
    }),
    (e: FetchModelError) => e.code === 'aborted',
  );
  assert.ok(!existsSync(modelDir(cache, 'test/tiny')), 'no model folder after cancelling');
  assert.deepEqual(readdirSync(join(cache, 'models', '.locks')), []);
  behaviour = {};
  log.length = 0;
  const r = await fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint, files: WANT });
  assert.ok(r.resumedBytes > 0, 'the kept part was resumed');
  assert.deepEqual(readFileSync(join(r.dir, 'onnx/encoder_model.onnx')), ONNX);
});

test('offline (connection refused) gives the copy-by-hand message; a live lock blocks, a stale one is taken over', async (t) => {
  const cache = freshCache();
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  await assert.rejects(fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint: `http://127.0.0.1:${port}` }),
    (e: FetchModelError) => e.code === 'offline' && /no network \(ECONNREFUSED/.test(e.message) && e.message.includes(modelDir(cache, 'test/tiny')) && /--model DIR/.test(e.message));

  const lock = join(cache, 'models', '.locks', 'test--tiny--main.lock');
  mkdirSync(join(cache, 'models', '.locks'), { recursive: true });
  writeFileSync(lock, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), started: 'now' }));
  await assert.rejects(fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint, files: WANT }), (e: FetchModelError) => e.code === 'locked');
  writeFileSync(lock, JSON.stringify({ pid: 2 ** 30, host: (await import('node:os')).hostname(), started: 'long ago' }));
  const r = await fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint, files: WANT });
  assert.ok(existsSync(join(r.dir, MANIFEST_FILE_NAME)));
});

test('removeCachedModel and clearModelCache', async (t) => {
  const cache = freshCache();
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  await fetchModel({ repo: 'test/tiny', cacheDir: cache, endpoint, files: WANT });
  await fetchModel({ repo: 'test/tiny', revision: COMMIT, cacheDir: cache, endpoint, files: WANT });
  mkdirSync(join(cache, 'models', 'hand--copied', 'main'), { recursive: true });
  assert.deepEqual(listCachedModels(cache).map((m) => `${m.repo}@${m.revision}`), ['hand/copied@main', `test/tiny@${COMMIT}`, 'test/tiny@main']);
  assert.deepEqual(removeCachedModel(cache, 'test/tiny', 'main'), [modelDir(cache, 'test/tiny', 'main')]);
  assert.deepEqual(listCachedModels(cache).map((m) => m.revision), ['main', COMMIT]);
  const cleared = clearModelCache(cache);
  assert.equal(cleared.removed, 2);
  assert.ok(cleared.bytes > ONNX.length);
  assert.deepEqual(listCachedModels(cache), []);
  assert.ok(existsSync(cache), 'only the models folder is removed, not the cache folder itself');
});
