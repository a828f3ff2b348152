// Downloads against a hostile Hub (issue 10): a download may not delete what it does not own, read
// past what the Hub listed, hang on a silent server, follow redirect games, blow up on a huge
// answer, or leave its lock behind when interrupted. The CLI runs as a child process, as a user
// runs it; the server is a loopback one (support/hostile-hub.ts) in this process, so children are
// spawned asynchronously.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fetchModel, MANIFEST_FILE_NAME, modelDir, removeCachedModel, type FetchModelError } from '../../src/core/runtime/fetch/index';
import { escapes, removeInside } from '../../src/core/runtime/fetch/safe-remove';
import { REPO_ROOT } from '../core/helpers';
import { COMMIT, REPO, startHostileHub, type HostileFile } from './support/hostile-hub';

const BIN = join(REPO_ROOT, 'bin', 'subtoken-lens.js');
const LOCK = (cache: string) => join(cache, 'models', '.locks', 'hostile--repo--main.lock');
const LOCKS = (cache: string) => join(cache, 'models', '.locks');

function tempDir(t: { after: (fn: () => void) => void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface CliRun { code: number | null; signal: NodeJS.Signals | null; out: string; err: string }

/** Starts the CLI; `done` settles when it exits (killed after `limitMs`, so a hang fails the test instead of stalling it). */
function startCli(args: string[], cwd: string, limitMs = 30_000): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd, env: { ...process.env, HF_TOKEN: '', SUBTOKEN_LENS_CACHE: join(cwd, 'unused-cache') }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const done = new Promise<CliRun>((ok) => child.on('close', (code, signal) => { clearTimeout(killer); ok({ code, signal, out, err }); }));
  return { child, done };
}

const runCli = (args: string[], cwd: string) => startCli(args, cwd).done;

async function until(what: string, cond: () => boolean, limitMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The one line a refused command prints, and nothing after it. */
function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one line expected, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
}

const TOKENIZER_FILES: Record<string, HostileFile> = {
  'vocab.json': { bytes: Buffer.from('{"a": 0, "b": 1, "ab": 2}') },
  'merges.txt': { bytes: Buffer.from('#version: 0.2\na b\n') },
};

test('tokenizer fetch --name "..", "../..", ".", "a/b": exit 2 with one line, nothing read or deleted', { timeout: 90_000 }, async (t) => {
  // An honest Hub: without the name check each run would download and then replace
  // <cache>/tokenizers/<name>, i.e. the cache, the folder holding it, or every tokenizer.
  const hub = await startHostileHub(TOKENIZER_FILES);
  t.after(() => hub.close());
  const work = tempDir(t, 'stl-dl-names-');
  const box = join(work, 'box');
  const cache = join(box, 'cache');
  const sentinels = [join(box, 'beside-the-cache.txt'), join(cache, 'models', 'keep', 'sentinel.txt'), join(cache, 'tokenizers', 'other', 'sentinel.txt')];
  for (const s of sentinels) { mkdirSync(join(s, '..'), { recursive: true }); writeFileSync(s, 'keep me'); }

  for (const name of ['..', '../..', '.', 'a/b']) {
    const r = await runCli(['tokenizer', 'fetch', REPO, '--name', name, '--cache-dir', cache, '--endpoint', hub.endpoint], work);
    assert.equal(r.code, 2, `--name ${name}: ${r.err}`);
    assertOneLine(r.err, /^subtoken-lens: tokenizer name must be one folder name .*got "/);
    for (const s of sentinels) assert.equal(readFileSync(s, 'utf8'), 'keep me', `--name ${name} left ${s} alone`);
  }
  assert.deepEqual(hub.requests, [], 'a bad name is refused before any request');

  // The same command with a plain name works against this Hub, and leaves no temp folder behind.
  const ok = await runCli(['tokenizer', 'fetch', REPO, '--name', 'mine', '--cache-dir', cache, '--endpoint', hub.endpoint], work);
  assert.equal(ok.code, 0, ok.err);
  assert.equal(readFileSync(join(cache, 'tokenizers', 'mine', 'merges.txt'), 'utf8'), '#version: 0.2\na b\n');
  assert.deepEqual(readdirSync(join(cache, 'tokenizers')).sort(), ['mine', 'other']);
  for (const s of sentinels) assert.equal(readFileSync(s, 'utf8'), 'keep me');
});

test('recursive removes are contained by path segments (path.relative), not string prefixes', (t) => {
  const work = tempDir(t, 'stl-dl-contain-');
  const owner = join(work, 'models');
  const lookalike = join(work, 'models-old');
  mkdirSync(join(owner, 'a'), { recursive: true });
  mkdirSync(lookalike);
  writeFileSync(join(lookalike, 'sentinel'), 'keep me');
  assert.equal(escapes(owner, lookalike), true, 'a sibling that shares the prefix is outside');
  for (const p of [owner, work, lookalike, join(owner, '..'), join(owner, 'a', '..'), `${owner}${sep}`]) {
    assert.throws(() => removeInside(owner, p), (e: FetchModelError) => e.code === 'bad-input' && /refusing to delete/.test(e.message), p);
  }
  assert.ok(existsSync(join(lookalike, 'sentinel')) && existsSync(join(owner, 'a')));
  removeInside(owner, join(owner, 'a'));
  assert.ok(!existsSync(join(owner, 'a')) && existsSync(owner));

  // A revision "." would name the repo folder that holds every revision.
  const cache = join(work, 'cache');
  const kept = join(cache, 'models', 'o--r', 'main', 'sentinel');
  mkdirSync(join(kept, '..'), { recursive: true });
  writeFileSync(kept, 'keep me');
  assert.throws(() => removeCachedModel(cache, 'o/r', '.'), (e: FetchModelError) => e.code === 'bad-input');
  assert.throws(() => removeCachedModel(cache, 'o/r', '..'), (e: FetchModelError) => e.code === 'bad-input');
  assert.equal(readFileSync(kept, 'utf8'), 'keep me');
});

test('a body longer than the listed size is cut off at that size and refused, never read to its end', { timeout: 30_000 }, async (t) => {
  const LISTED = 2_000_000;
  const bytes = Buffer.alloc(LISTED, 1);
  // 'endless': chunked, no length; 'announced': a content-length of 419 MB, refused from the headers.
  for (const body of ['endless', { contentLength: 419_000_000 }] as const) {
    const hub = await startHostileHub({ 'big.bin': { bytes, listed: { size: LISTED }, body } });
    t.after(() => hub.close());
    const cache = tempDir(t, 'stl-dl-size-');
    const start = Date.now();
    await assert.rejects(
      fetchModel({ repo: REPO, cacheDir: cache, endpoint: hub.endpoint, files: ['big.bin'] }),
      (e: FetchModelError) => e.code === 'size' && /2000000 bytes/.test(e.message),
    );
    const path = `/${REPO}/resolve/${COMMIT}/big.bin`;
    await until('the server to see the connection close', () => hub.cutOff.has(path), 5000);
    assert.ok(Date.now() - start < 5000, `refused quickly (${Date.now() - start} ms)`);
    assert.ok((hub.sent.get(path) ?? 0) < 64 * 1024 * 1024, `the client stopped reading (${hub.sent.get(path)} bytes sent)`);
    assert.equal(hub.requests.filter((p) => p === path).length, 1, 'a lying server is not retried');
    assert.ok(!existsSync(modelDir(cache, REPO)), 'nothing installed');
    assert.ok(!existsSync(join(cache, 'models', '.partial', 'hostile--repo--main', 'big.bin.part')), 'the refused bytes are not kept for resuming');
    assert.deepEqual(readdirSync(LOCKS(cache)), [], 'lock released');
  }
});

test('a file listed with neither size nor hash is refused unless allowed, and then recorded as unverified', { timeout: 60_000 }, async (t) => {
  const hub = await startHostileHub({
    'config.json': { bytes: Buffer.from('{"model_type":"t5"}') },
    'notes.txt': { bytes: Buffer.from('anything at all'), listed: {} },
  });
  t.after(() => hub.close());
  const cache = tempDir(t, 'stl-dl-unverified-');
  const files = ['config.json', 'notes.txt'];
  await assert.rejects(
    fetchModel({ repo: REPO, cacheDir: cache, endpoint: hub.endpoint, files }),
    (e: FetchModelError) => e.code === 'unverified' && /neither a size nor a hash for notes\.txt/.test(e.message) && /--allow-unverified/.test(e.message),
  );
  assert.ok(!hub.requests.some((p) => p.includes('/resolve/')), 'refused before downloading anything');
  assert.ok(!existsSync(modelDir(cache, REPO)));

  const r = await fetchModel({ repo: REPO, cacheDir: cache, endpoint: hub.endpoint, files, allowUnverified: true });
  const manifest = JSON.parse(readFileSync(join(r.dir, MANIFEST_FILE_NAME), 'utf8')) as { files: Array<Record<string, unknown>> };
  const notes = manifest.files.find((f) => f.path === 'notes.txt')!;
  assert.deepEqual(notes, { path: 'notes.txt', size: 15, unverified: true }, 'no hash claimed, marked unverified');
  assert.equal(manifest.files.find((f) => f.path === 'config.json')!.unverified, undefined, 'a checked file is not marked');
  assert.equal(readFileSync(join(r.dir, 'notes.txt'), 'utf8'), 'anything at all');

  // The CLI refuses without the flag (a runtime failure: exit 1, one line) and says UNVERIFIED with it.
  const cliCache = join(cache, 'cli');
  const args = ['model', 'fetch', REPO, '--files', files.join(','), '--cache-dir', cliCache, '--endpoint', hub.endpoint];
  const refused = await runCli(args, cache);
  assert.equal(refused.code, 1, refused.err);
  assertOneLine(refused.err, /^subtoken-lens: .*neither a size nor a hash for notes\.txt.*--allow-unverified/);
  const allowed = await runCli([...args, '--allow-unverified'], cache);
  assert.equal(allowed.code, 0, allowed.err);
  assert.match(allowed.out, /2 files \(1 UNVERIFIED\)/);
  assert.match(allowed.err, /notes\.txt .*UNVERIFIED/);
  assert.match(allowed.err, /warning: 1 file\(s\) UNVERIFIED .*: notes\.txt/);
  assert.doesNotMatch(allowed.err, /notes\.txt [\d.]+ [kMG]?B ok/);
});

test('a huge file-list answer is refused at 16 MiB with a clear error, and the lock is released', { timeout: 60_000 }, async (t) => {
  const hub = await startHostileHub({}, { hugeBytes: 256 * 1024 * 1024 });
  t.after(() => hub.close());
  const work = tempDir(t, 'stl-dl-huge-');
  const cache = join(work, 'cache');
  const r = await runCli(['model', 'fetch', REPO, '--files', 'a.bin', '--cache-dir', cache, '--endpoint', hub.endpoint], work);
  assert.equal(r.code, 1, r.err);
  assertOneLine(r.err, /^subtoken-lens: hostile\/repo@main: .*larger than 16 MiB.*refusing it/);
  assert.ok(hub.cutOff.has(`/api/models/${REPO}/revision/main`), 'the client hung up instead of reading 256 MiB');
  assert.ok(hub.sent.get(`/api/models/${REPO}/revision/main`)! < 128 * 1024 * 1024);
  assert.ok(!existsSync(LOCK(cache)), 'no stale lock');
  assert.deepEqual(readdirSync(LOCKS(cache)), []);
});

test('silence ends a request: idle timeout on a dripping body and on a server that never answers', { timeout: 30_000 }, async (t) => {
  const drip = await startHostileHub({ 'slow.bin': { bytes: Buffer.alloc(1000), body: { dripMs: 3000 } } });
  const silent = await startHostileHub({}, 'silent');
  t.after(() => drip.close());
  t.after(() => silent.close());
  const cache = tempDir(t, 'stl-dl-idle-');

  let start = Date.now();
  await assert.rejects(
    fetchModel({ repo: REPO, cacheDir: cache, endpoint: drip.endpoint, files: ['slow.bin'], idleTimeoutMs: 300, retries: 1 }),
    (e: FetchModelError) => e.code === 'timeout' && /no data from 127\.0\.0\.1:\d+ for 0\.3 s \(idle timeout\)/.test(e.message) && /2 attempts/.test(e.message),
  );
  assert.ok(Date.now() - start < 2500, `gave up after the idle timeouts, not the drip (${Date.now() - start} ms)`);
  assert.equal(drip.requests.filter((p) => p.endsWith('/slow.bin')).length, 2, 'one retry, resuming');
  assert.deepEqual(readdirSync(LOCKS(cache)), []);

  start = Date.now();
  await assert.rejects(
    fetchModel({ repo: REPO, cacheDir: cache, endpoint: silent.endpoint, files: ['a.bin'], idleTimeoutMs: 300 }),
    (e: FetchModelError) => e.code === 'timeout' && /sent no answer for 0\.3 s \(idle timeout\)/.test(e.message),
  );
  assert.ok(Date.now() - start < 2000, `${Date.now() - start} ms`);
  assert.deepEqual(readdirSync(LOCKS(cache)), []);
});

test('redirect games: a loop and a redirect to file:// fail with a clear message', { timeout: 30_000 }, async (t) => {
  const bytes = Buffer.from('payload');
  const hub = await startHostileHub({
    'loop.bin': { bytes, body: 'redirect-loop' },
    'scheme.bin': { bytes, body: 'redirect-file-scheme' },
  });
  t.after(() => hub.close());
  const cache = tempDir(t, 'stl-dl-redirect-');
  await assert.rejects(
    fetchModel({ repo: REPO, cacheDir: cache, endpoint: hub.endpoint, files: ['loop.bin'] }),
    (e: FetchModelError) => e.code === 'redirect' && /^file loop\.bin of hostile\/repo@main: redirect loop: .*\/loop\/b sends back to .*\/loop\/a/.test(e.message),
  );
  assert.ok(hub.requests.filter((p) => p.startsWith('/loop/')).length <= 3, 'the loop was seen at once, not run to a limit');
  await assert.rejects(
    fetchModel({ repo: REPO, cacheDir: cache, endpoint: hub.endpoint, files: ['scheme.bin'] }),
    (e: FetchModelError) => e.code === 'redirect' && /redirected to "file:\/\/\/etc\/passwd", which is not an http\(s\) URL/.test(e.message),
  );
  assert.ok(!existsSync(modelDir(cache, REPO)));
  assert.deepEqual(readdirSync(LOCKS(cache)), []);
});

test('SIGTERM (like SIGINT) during model fetch / tokenizer fetch: exit 130 within 2 s, no lock left', { timeout: 120_000 }, async (t) => {
  const dripping = await startHostileHub({
    ...TOKENIZER_FILES,
    'vocab.json': { bytes: Buffer.alloc(100_000), listed: { size: 100_000 }, body: { dripMs: 50 } },
    'weights.bin': { bytes: Buffer.alloc(100_000), listed: { size: 100_000 }, body: { dripMs: 50 } },
  });
  const silent = await startHostileHub({}, 'silent');
  t.after(() => dripping.close());
  t.after(() => silent.close());
  const cases = [
    { name: 'model fetch, SIGTERM mid-file', signal: 'SIGTERM', hub: dripping, file: 'weights.bin', args: ['model', 'fetch', REPO, '--files', 'weights.bin'] },
    { name: 'tokenizer fetch, SIGTERM mid-file', signal: 'SIGTERM', hub: dripping, file: 'vocab.json', args: ['tokenizer', 'fetch', REPO, '--name', 'tok'] },
    { name: 'model fetch, SIGINT mid-file', signal: 'SIGINT', hub: dripping, file: 'weights.bin', args: ['model', 'fetch', REPO, '--files', 'weights.bin'] },
    { name: 'model fetch, SIGTERM while the server is silent', signal: 'SIGTERM', hub: silent, file: undefined, args: ['model', 'fetch', REPO, '--files', 'weights.bin'] },
  ] as const;
  for (const c of cases) {
    const work = tempDir(t, 'stl-dl-signal-');
    const cache = join(work, 'cache');
    const path = c.file ? `/${REPO}/resolve/${COMMIT}/${c.file}` : `/api/models/${REPO}/revision/main`;
    const before = c.hub.sent.get(path) ?? 0;
    const { child, done } = startCli([...c.args, '--cache-dir', cache, '--endpoint', c.hub.endpoint], work);
    await until(`${c.name}: the download to be under way`,
      () => existsSync(LOCK(cache)) && c.hub.requests.filter((p) => p === path).length > 0 && (!c.file || (c.hub.sent.get(path) ?? 0) > before + 3));
    const sentAt = Date.now();
    child.kill(c.signal);
    const r = await done;
    const took = Date.now() - sentAt;
    assert.equal(r.code, 130, `${c.name}: ${r.err}`);
    assert.ok(took <= 2000, `${c.name}: exited ${took} ms after the signal`);
    assert.match(r.err, /^subtoken-lens: interrupted: partial files are kept and the next fetch resumes them$/m, c.name);
    assert.ok(!existsSync(LOCK(cache)), `${c.name}: no lock file left`);
    assert.ok(!existsSync(modelDir(cache, REPO)) && !existsSync(join(cache, 'tokenizers', 'tok')), `${c.name}: nothing installed`);
    if (c.file) assert.ok(existsSync(join(cache, 'models', '.partial', 'hostile--repo--main', `${c.file}.part`)), `${c.name}: the part is kept for resuming`);
  }
});

test('a process that leaves through process.exit() while holding a download lock removes the lock', { timeout: 30_000 }, (t) => {
  const cache = tempDir(t, 'stl-dl-exit-');
  const lock = LOCK(cache);
  // process.exit() is the path of a second Ctrl-C and of the CLI's interrupt backstop: no finally runs.
  const script = `const { acquireLock } = require(${JSON.stringify(join(REPO_ROOT, 'src', 'core', 'runtime', 'fetch', 'lock.ts'))});
    acquireLock(${JSON.stringify(lock)}, 'test');
    if (!require('node:fs').existsSync(${JSON.stringify(lock)})) process.exit(5);
    process.exit(3);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 3, r.stderr);
  assert.ok(!existsSync(lock), 'the lock went with the process');
});
