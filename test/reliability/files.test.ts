// Filesystem and process reliability (issue 10): no command hangs on a FIFO, a device or an
// unreachable output folder; interrupts end a report promptly; temporary files are created
// exclusively; --jobs is capped; symlinks never lead a report out of its folder unless asked.
// Everything here works as root (CI): FIFOs, /proc and symlinks stand in for permission bits.
// Every child runs under a deadline and is killed if the test fails.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODET5_DIR, REPO_ROOT } from '../core/helpers';
import { prepareOutput, writeAtomic } from '../../src/cli/common';
import { FilePipeline } from '../../src/core/report/process-file';
import { readRegularFile, readRegularFileSync } from '../../src/core/scan/read-source';
import { walkTree, WalkRootError, type WalkOptions } from '../../src/core/scan/walk';
import { languageForPath } from '../../src/core/spans';
import type { ReportJson } from '../../src/core/report';

const BIN = join(REPO_ROOT, 'bin', 'subtoken-lens.js');
const work = mkdtempSync(join(tmpdir(), 'stl-files-'));
const PY = 'class UserRepository:\n    def get_user_by_id(self, user_id):\n        return self.user_cache.lookup_by_id(user_id)\n';

const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

interface Run { code: number | null; signal: NodeJS.Signals | null; out: string; err: string; ms: number }

/** Starts the CLI; `done` settles when it exits, or kills it and rejects after `deadlineMs`. */
function start(args: string[], deadlineMs: number): { child: ChildProcess; err: () => string; done: Promise<Run> } {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: work, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SUBTOKEN_LENS_TOKENIZER: CODET5_DIR, SUBTOKEN_LENS_CACHE: join(work, 'cache') },
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const done = new Promise<Run>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`subtoken-lens ${args.join(' ')} still running after ${deadlineMs} ms; stderr: ${err}`));
    }, deadlineMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, out, err, ms: Date.now() - t0 });
    });
  });
  return { child, err: () => err, done };
}

// Generous deadlines: a CLI start costs seconds on a busy two-core machine; a hang never ends.
const cli = (args: string[], deadlineMs = 45_000): Promise<Run> => start(args, deadlineMs).done;

function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

/** One line on stderr, `subtoken-lens: …`, and no stack trace. */
function assertOneLine(r: Run, pattern: RegExp): void {
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${r.err}`);
  assert.match(lines[0]!, /^subtoken-lens: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
}

function walkOptions(extra: Partial<WalkOptions> = {}): WalkOptions {
  return {
    maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false, includeUnsupported: false,
    languageForPath: (p) => languageForPath(p), ...extra,
  };
}

function parseReport(r: Run): ReportJson {
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as ReportJson;
}

const skipReasons = (r: ReportJson): Record<string, string> => Object.fromEntries(r.skipped.map((s) => [s.path, s.reason]));

test('tokenize, spans and analyze refuse a FIFO at once: exit 2, one line', { timeout: 180_000 }, async () => {
  const pipe = fifo(join(work, 'pipe.py'));
  for (const command of ['tokenize', 'spans', 'analyze']) {
    const r = await cli([command, pipe]);
    assert.equal(r.code, 2, `${command}: ${r.err}`);
    assertOneLine(r, /pipe\.py.*not a regular file: a FIFO/);
  }
});

test('analyze refuses invalid UTF-8 like tokenize: exit 2, one line', { timeout: 180_000 }, async () => {
  const bad = join(work, 'latin1.py');
  writeFileSync(bad, Buffer.from('name = "caf\xe9"\n', 'latin1'));
  for (const command of ['analyze', 'tokenize']) {
    const r = await cli([command, bad]);
    assert.equal(r.code, 2, `${command}: ${r.err}`);
    assertOneLine(r, /latin1\.py: not valid UTF-8 \(first bad byte at offset 11\)/);
  }
});

test('a report lists FIFOs, sockets and device symlinks as skipped, and finishes', { timeout: 180_000 }, async () => {
  const root = join(work, 'specials');
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src', 'users.py'), PY);
  fifo(join(root, 'src', 'pipe.py'));
  fifo(join(root, 'no-extension-pipe'));
  symlinkSync('/dev/null', join(root, 'src', 'null.py'));
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(join(root, 'app.sock'), r));
  try {
    const r = parseReport(await cli(['report', root, '--format', 'json', '--jobs', '0', '--no-progress']));
    assert.deepEqual(r.files.map((f) => f.path), ['src/users.py']);
    const reasons = skipReasons(r);
    assert.equal(reasons['src/pipe.py'], 'not-regular');
    assert.equal(reasons['no-extension-pipe'], 'not-regular', 'listed whatever its name');
    assert.equal(reasons['app.sock'], 'not-regular');
    assert.equal(reasons['src/null.py'], 'outside-root', '/dev/null lies outside the folder');
    assert.match(r.skipped.find((s) => s.path === 'src/pipe.py')!.detail!, /FIFO/);
    assert.match(r.skipped.find((s) => s.path === 'app.sock')!.detail!, /socket/);
    // Followed on request, the device is still never opened.
    const followed = parseReport(await cli(['report', root, '--format', 'json', '--jobs', '2', '--no-progress', '--follow-external-symlinks']));
    const dev = followed.skipped.find((s) => s.path === 'src/null.py')!;
    assert.equal(dev.reason, 'not-regular');
    assert.match(dev.detail!, /character device/);
  } finally {
    server.close();
  }
});

test('a file replaced by a FIFO after the walk is skipped by the pipeline, not waited on', { timeout: 180_000 }, async () => {
  const root = join(work, 'swap');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'a.py'), PY);
  writeFileSync(join(root, 'b.py'), PY);
  const walk = await walkTree(root, walkOptions());
  assert.deepEqual(walk.files.map((f) => f.rel), ['a.py', 'b.py']);
  rmSync(join(root, 'a.py'));
  fifo(join(root, 'a.py'));
  // b.py turns into a symlink to a device that would stream forever.
  rmSync(join(root, 'b.py'));
  symlinkSync('/dev/zero', join(root, 'b.py'));
  // Both readers: the asynchronous one (the calling thread) and the synchronous one (workers).
  for (const syncReads of [false, true]) {
    const pipeline = await FilePipeline.create({
      tokenizerDir: CODET5_DIR, spanEngine: 'lexical', scope: 'identifiers', window: { capacity: 510, specials: 2 }, includeGenerated: false,
    }, undefined, { syncReads });
    try {
      const t0 = Date.now();
      const outcomes = [];
      for (const f of walk.files) outcomes.push(await pipeline.process({ path: f.path, rel: f.rel, language: f.language, maxFileSize: 1 << 20 }));
      assert.ok(Date.now() - t0 < 5000, 'answered at once');
      assert.deepEqual(outcomes.map((o) => (o.kind === 'skip' ? [o.skipped.path, o.skipped.reason] : o.kind)), [['a.py', 'not-regular'], ['b.py', 'not-regular']], `syncReads ${syncReads}`);
    } finally {
      pipeline.dispose();
    }
  }
});

test('the source readers (asynchronous and synchronous) never read past their limit', async () => {
  const path = join(work, 'sized.py');
  writeFileSync(path, 'x'.repeat(100));
  const big = join(work, 'grown.py');
  writeFileSync(big, 'y'.repeat(300_000)); // read whole, byte for byte (/proc below grows the buffer)
  for (const read of [readRegularFile, async (p: string, max: number) => readRegularFileSync(p, max)]) {
    const exact = await read(path, 100);
    assert.ok(exact.ok && exact.bytes.length === 100);
    const over = await read(path, 99);
    assert.ok(!over.ok && over.reason === 'too-large', JSON.stringify(over));
    const whole = await read(big, 1 << 20);
    assert.ok(whole.ok && whole.bytes.length === 300_000 && whole.bytes.every((b) => b === 0x79));
    // A "regular" file whose stat says size 0 but which has content (like files in /proc).
    const proc = await read('/proc/self/status', 1 << 20);
    assert.ok(proc.ok && proc.bytes.length > 0 && /Name:/.test(proc.bytes.toString()));
    const procCapped = await read('/proc/self/status', 10);
    assert.ok(!procCapped.ok && procCapped.reason === 'too-large');
    const missing = await read(join(work, 'missing.py'), 10);
    assert.ok(!missing.ok && missing.reason === 'unreadable');
    const dir = await read(work, 1 << 20);
    assert.ok(!dir.ok && dir.reason === 'not-regular', JSON.stringify(dir));
  }
});

let busyTree: string | undefined;
/** A tree whose in-process analysis takes well over ten seconds (800 files of about 19 KB). */
function busy(): string {
  if (busyTree) return busyTree;
  const root = join(work, 'busy');
  const body = readFileSync(join(REPO_ROOT, 'examples', 'python', 'inventory.py'), 'utf8').repeat(12);
  for (let i = 0; i < 800; i++) {
    mkdirSync(join(root, `pkg${i % 20}`), { recursive: true });
    writeFileSync(join(root, `pkg${i % 20}`, `mod${i}.py`), body);
  }
  return (busyTree = root);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} ends an in-process report (--jobs 0) within 2 s: exit 130, no output`, { timeout: 90_000 }, async () => {
    const out = join(work, `busy-${signal}.json`);
    const run = start(['report', busy(), '--out', out, '--jobs', '0'], 80_000);
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => { if (/walking/.test(run.err())) { clearInterval(t); resolve(); } }, 20);
      run.done.then(() => { clearInterval(t); reject(new Error(`finished before the interrupt: ${run.err()}`)); }, reject);
    });
    // Past the start-up (the first file also loads the parser), files are being analysed one by one.
    await new Promise((r) => setTimeout(r, 3000));
    const sent = Date.now();
    run.child.kill(signal);
    const r = await run.done;
    const took = Date.now() - sent;
    assert.equal(r.code, 130, r.err);
    assert.ok(took <= 2000, `took ${took} ms after ${signal}`);
    assert.match(r.err, /^subtoken-lens: interrupted: no report written$/m);
    assert.equal(existsSync(out), false);
  });
}

test('--out under /proc fails at once: exit 2, one line', { timeout: 180_000 }, async () => {
  const root = join(work, 'small');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'a.py'), PY);
  const r = await cli(['report', root, '--out', '/proc/x/report.json', '--jobs', '0', '--no-progress']);
  assert.equal(r.code, 2, r.err);
  assertOneLine(r, /cannot write \/proc\/x\/report\.json: cannot create the folder \/proc\/x/);
  assert.doesNotMatch(r.err, /walking/, 'refused before the walk starts');
  // Also for a folder two levels down, which mkdir -p would retry forever.
  const deep = await cli(['report', root, '--out', '/proc/x/y/report.json', '--jobs', '0', '--no-progress']);
  assert.equal(deep.code, 2, deep.err);
  assertOneLine(deep, /cannot create the folder \/proc\/x\b/);
});

test('--out below an existing file: exit 2, one line, no stack trace', { timeout: 180_000 }, async () => {
  const root = join(work, 'small2');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'a.py'), PY);
  const file = join(work, 'existing-file');
  writeFileSync(file, 'not a folder');
  const r = await cli(['report', root, '--out', join(file, 'r.json'), '--jobs', '0', '--no-progress']);
  assert.equal(r.code, 2, r.err);
  assertOneLine(r, /existing-file is not a folder/);
  const deeper = await cli(['report', root, '--out', join(file, 'sub', 'r.json'), '--jobs', '0', '--no-progress']);
  assert.equal(deeper.code, 2, deeper.err);
  assertOneLine(deeper, /existing-file is not a folder/);
  assert.equal(readFileSync(file, 'utf8'), 'not a folder');
});

test('a symlink planted at the temporary name is not followed', () => {
  const outside = join(work, 'outside-sentinel.txt');
  writeFileSync(outside, 'sentinel');
  const dir = join(work, 'atomic');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, 'report.json');
  // The old, predictable name…
  symlinkSync(outside, `${target}.tmp-${process.pid}`);
  // …and the name the writer will try first (forced here so that the plant is certain).
  const planted = join(dir, '.report.json.guess.tmp');
  symlinkSync(outside, planted);
  const names = ['guess', 'fresh'];
  writeAtomic(target, '{"ok":true}', () => names.shift()!);
  assert.equal(readFileSync(target, 'utf8'), '{"ok":true}');
  assert.equal(readFileSync(outside, 'utf8'), 'sentinel', 'the file outside is untouched');
  assert.equal(readlinkSync(planted), outside, 'the planted link is left as it was');
  assert.ok(lstatSync(target).isFile() && !lstatSync(target).isSymbolicLink());
  assert.equal(existsSync(join(dir, '.report.json.fresh.tmp')), false, 'no temporary file left');
  // The pre-flight check of the output path does not follow it either.
  const probeNames = ['guess', 'probe'];
  prepareOutput(target, () => probeNames.shift()!);
  assert.equal(existsSync(join(dir, '.report.json.probe.tmp')), false, 'the probe file is removed');
  assert.equal(readFileSync(outside, 'utf8'), 'sentinel');
  // Random names by default: two writes use two different temporary files and leave none.
  writeAtomic(target, 'second');
  assert.equal(readFileSync(target, 'utf8'), 'second');
});

test('--jobs above the available cores is lowered, and says so', { timeout: 180_000 }, async () => {
  const root = join(work, 'jobs');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'a.py'), PY);
  writeFileSync(join(root, 'b.py'), PY);
  const r = await cli(['report', root, '--jobs', '500', '--format', 'json']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /--jobs 500 lowered to \d+, the number of available cores/);
  assert.equal((JSON.parse(r.out) as ReportJson).files.length, 2);
  const zero = await cli(['report', root, '--jobs', '0', '--format', 'json', '--no-progress']);
  assert.doesNotMatch(zero.err, /lowered/);
});

test('symlinks leaving the root are listed, not followed, unless asked', { timeout: 180_000 }, async () => {
  const base = join(work, 'links');
  const root = join(base, 'proj');
  const secret = join(base, 'proj-secrets'); // a sibling whose name starts with the root's: not inside
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(secret, { recursive: true });
  writeFileSync(join(root, 'src', 'users.py'), PY);
  writeFileSync(join(secret, 'keys.py'), 'def load_private_signing_key(): pass\n');
  symlinkSync(join(secret, 'keys.py'), join(root, 'src', 'keys.py'));
  symlinkSync(secret, join(root, 'secrets'));
  symlinkSync(join(root, 'src'), join(root, 'src-again')); // inside: still followed
  symlinkSync(root, join(root, 'src', 'loop')); // and loops still caught
  const r = parseReport(await cli(['report', root, '--format', 'json', '--jobs', '0', '--no-progress', '--top', '100']));
  const reasons = skipReasons(r);
  assert.equal(reasons['src/keys.py'], 'outside-root');
  assert.equal(reasons['secrets'], 'outside-root');
  assert.equal(reasons['src/loop'], 'symlink-loop');
  assert.match(r.skipped.find((s) => s.path === 'secrets')!.detail!, /--follow-external-symlinks/);
  assert.ok(!r.topIdentifiers.some((t) => t.name === 'load_private_signing_key'), 'nothing from outside in the report');
  assert.ok(r.files.some((f) => f.path === 'src/users.py'));
  assert.ok(r.files.some((f) => f.path === 'src-again/users.py') || reasons['src-again'] === 'symlink-loop', 'inside links behave as before');
  const followed = parseReport(await cli(['report', root, '--format', 'json', '--jobs', '0', '--no-progress', '--top', '100', '--follow-external-symlinks']));
  assert.ok(followed.files.some((f) => f.path === 'src/keys.py'));
  assert.ok(followed.files.some((f) => f.path === 'secrets/keys.py'));
  assert.ok(followed.topIdentifiers.some((t) => t.name === 'load_private_signing_key'));
  assert.ok(!followed.skipped.some((s) => s.reason === 'outside-root'));
});

test('an unreadable root is an error (exit 2, one line), not an empty report', { timeout: 180_000 }, async () => {
  const pipe = fifo(join(work, 'root-pipe'));
  const file = join(work, 'root-file.py');
  writeFileSync(file, PY);
  for (const root of [pipe, file, join(work, 'no-such-root')]) {
    const r = await cli(['report', root, '--jobs', '0', '--no-progress']);
    assert.equal(r.code, 2, r.err);
    assertOneLine(r, /not a directory/);
    assert.equal(r.out, '');
  }
  // Past the CLI's own check (a root that turns out not to be listable), the walk throws rather
  // than returning an empty report.
  await assert.rejects(walkTree(pipe, walkOptions()), (e: unknown) => e instanceof WalkRootError && /cannot read the folder/.test(e.message));
  await assert.rejects(walkTree(join(work, 'root-gone'), walkOptions()), WalkRootError);
});

test('encode checks --out before loading the model or encoding anything', { timeout: 180_000 }, async () => {
  const src = join(work, 'enc.py');
  writeFileSync(src, PY);
  const file = join(work, 'enc-existing-file');
  writeFileSync(file, 'x');
  // The model folder does not exist: if the output were checked after loading, that would fail first.
  for (const out of ['/proc/x/hidden.json', join(file, 'sub', 'hidden.json')]) {
    const r = await cli(['encode', src, '--model', join(work, 'no-model'), '--out', out]);
    assert.equal(r.code, 2, r.err);
    assertOneLine(r, /cannot write .*hidden\.json/);
  }
  const pipe = await cli(['encode', fifo(join(work, 'enc-pipe.py')), '--model', join(work, 'no-model'), '--out', join(work, 'h.json')]);
  assert.equal(pipe.code, 2, pipe.err);
  assertOneLine(pipe, /not a regular file: a FIFO/);
});
