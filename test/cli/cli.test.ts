// The CLI as a user runs it: a child process per command, asserting outputs and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODET5_DIR, REPO_ROOT, SHARED, codet5 } from '../core/helpers';

const BIN = join(REPO_ROOT, 'bin', 'subtoken-lens.js');
const work = mkdtempSync(join(tmpdir(), 'stl-cli-'));
const cache = join(work, 'cache');

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8', cwd: work, maxBuffer: 64 << 20,
    env: { ...process.env, SUBTOKEN_LENS_CACHE: cache, SUBTOKEN_LENS_TOKENIZER: CODET5_DIR, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const pyFile = join(work, 'users.py');
const pyText = 'class UserRepository:\n    def get_user_by_id(self, user_id):\n        return self.user_cache.lookup_by_id(user_id)  # <s> literal\n';
writeFileSync(pyFile, pyText);

test('tokenize --json gives the exact ids and source ranges', () => {
  const r = cli(['tokenize', pyFile, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { tokenizer: string; ids: number[]; tokens: { id: number; text: string; start: number; end: number }[] };
  const enc = codet5().encode(pyText);
  assert.deepEqual(j.ids, Array.from(enc.ids));
  assert.equal(j.tokens.length, j.ids.length);
  assert.ok(j.ids.includes(1), 'a literal <s> in code is the special token');
  for (const t of j.tokens) assert.ok(t.start >= 0 && t.end <= pyText.length && t.start < t.end);
  assert.equal(j.tokens.map((t) => pyText.slice(t.start, t.end)).join(''), pyText);
});

test('spans --json lists identifiers with their subtokens and groups', () => {
  const r = cli(['spans', pyFile, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { tokens: number; merged: number; groups: number[][]; spans: { text: string; subtokens: { text: string }[]; group: number | null }[] };
  const byName = new Map(j.spans.map((s) => [s.text, s]));
  const g = byName.get('get_user_by_id')!;
  assert.ok(g.subtokens.length >= 2 && g.group !== null);
  assert.equal(g.subtokens.map((t) => t.text).join(''), 'get_user_by_id');
  assert.equal(byName.get('self')!.group, null);
  assert.equal(j.tokens - j.merged, j.groups.reduce((s, x) => s + x.length - 1, 0));
});

function tree(): string {
  const root = join(work, 'tree');
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src', 'a.py'), pyText);
  writeFileSync(join(root, 'src', 'b.ts'), 'export function parseHeaderValue(rawHeader: string) { return rawHeader.trimStart(); }\n');
  writeFileSync(join(root, 'src', 'c.go'), 'package main\nfunc readConfigFile(configPath string) {}\n');
  writeFileSync(join(root, 'src', 'bad.py'), Buffer.from([0xff, 0xfe, 0x41]));
  return root;
}

test('report writes every format atomically; shards combine to the whole', () => {
  const root = tree();
  const json = join(work, 'r.json');
  const r = cli(['report', root, '--out', json, '--jobs', '0', '--no-progress']);
  assert.equal(r.code, 0, r.err);
  const whole = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(whole.schema, 'subtoken-lens/report');
  assert.equal(whole.files.length, 3);
  assert.deepEqual(whole.skipped.map((s: { reason: string }) => s.reason), ['invalid-utf8']);
  for (const fmt of ['md', 'csv', 'html']) {
    const out = join(work, `r.${fmt}`);
    assert.equal(cli(['report', root, '--out', out, '--jobs', '0', '--no-progress']).code, 0);
    assert.ok(readFileSync(out, 'utf8').length > 200);
  }
  assert.match(readFileSync(join(work, 'r.html'), 'utf8'), /Chart/);
  const table = cli(['report', root, '--jobs', '0', '--no-progress', '--arch', 'codet5-small']);
  assert.match(table.out, /CodeT5-small/);
  const parts = ['1/2', '2/2'].map((s, i) => {
    const out = join(work, `shard${i}.json`);
    assert.equal(cli(['report', root, '--shard', s, '--out', out, '--jobs', '0', '--no-progress']).code, 0);
    return out;
  });
  const combined = cli(['combine', ...parts, '--format', 'json']);
  assert.equal(combined.code, 0, combined.err);
  assert.deepEqual(JSON.parse(combined.out).totals, whole.totals);
});

test('fatal errors exit non-zero with a clear message and write nothing', () => {
  const noTok = cli(['report', tree(), '--jobs', '0'], { SUBTOKEN_LENS_TOKENIZER: '', SUBTOKEN_LENS_CACHE: join(work, 'empty-cache'), SUBTOKEN_LENS_NO_DEV_SHARED: '1' });
  assert.equal(noTok.code, 2);
  assert.match(noTok.err, /No "codet5" tokenizer found[\s\S]*Salesforce\/codet5-small/);
  const bad = cli(['tokenize', pyFile, '--tokenizer', join(work, 'nowhere')]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /nowhere/);
  // Unwritable for root too (CI runs as root, which ignores permission bits): a path below a
  // regular file, and a folder that cannot be created under /proc.
  const plainFile = join(work, 'plain-file');
  writeFileSync(plainFile, 'x');
  for (const out of [join(plainFile, 'sub', 'x.json'), '/proc/self/subtoken-lens-out/x.json']) {
    const unwritable = cli(['report', tree(), '--out', out, '--jobs', '0', '--no-progress']);
    assert.equal(unwritable.code, 2, `${out}: ${unwritable.err}`);
    assert.match(unwritable.err, /^subtoken-lens: cannot write [^\n]*\n$/, out);
    assert.equal(unwritable.out, '', `${out}: nothing on stdout`);
  }
  assert.equal(existsSync(join(plainFile, 'sub')), false);
  assert.equal(cli(['report', join(work, 'missing-dir'), '--jobs', '0']).code, 2);
  assert.equal(cli(['report', tree(), '--format', 'pdf']).code, 2);
  assert.equal(cli(['report', tree(), '--shard', '3/2']).code, 2);
  assert.equal(cli(['spans', join(work, 'notes.xyz')]).code, 2);
});

test('encode --ids --groups reproduces the PyTorch reference merge', () => {
  const refDir = join(SHARED, 'reference', 't5-tiny');
  const ref = JSON.parse(readFileSync(join(refDir, 'merge_cases.json'), 'utf8'));
  const c = ref.cases?.[0] ?? ref;
  const seq33 = JSON.parse(readFileSync(join(refDir, 'cases.json'), 'utf8')).cases.find((x: { name: string }) => x.name === 'seq33');
  const out = join(work, 'merged.json');
  const r = cli(['encode', '--ids', JSON.stringify(seq33.input_ids[0]), '--groups', JSON.stringify([[3, 4, 5], [10, 11], [20, 21, 22, 23]]), '--strategy', 'average', '--model', refDir, '--provider', 'cpu', '--out', out]);
  assert.equal(r.code, 0, r.err);
  const got = JSON.parse(readFileSync(out, 'utf8'));
  const want = c.last_hidden_state;
  assert.deepEqual(got.shape, want.shape);
  let max = 0;
  for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs(got.data[i] - want.data[i]));
  assert.ok(max < 1e-5, `max abs diff ${max}`);
});

test('analyze runs the embedded model and labels random weights', () => {
  const r = cli(['analyze', pyFile, '--json', '--runs', '1', '--provider', 'cpu']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.randomWeights, true);
  assert.match(j.note, /random weights/);
  assert.equal(j.provider.used, 'cpu');
  assert.ok(j.totals.lengthAfter < j.totals.lengthBefore);
  assert.equal(j.totals.analyticFlopsBefore, j.totals.graphFlopsBefore);
  const empty = join(work, 'empty.py');
  writeFileSync(empty, '');
  const e = cli(['analyze', empty]);
  assert.equal(e.code, 0);
  assert.match(e.out, /empty/);
  assert.ok(existsSync(cache));
});

test('Ctrl-C stops a report cleanly: exit 130, no output file', async () => {
  const root = join(work, 'big');
  const body = readFileSync(join(REPO_ROOT, 'examples', 'python', 'inventory.py'), 'utf8').repeat(12);
  for (let i = 0; i < 400; i++) {
    mkdirSync(join(root, `pkg${i % 20}`), { recursive: true });
    writeFileSync(join(root, `pkg${i % 20}`, `mod${i}.py`), body);
  }
  const out = join(work, 'interrupted.json');
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [BIN, 'report', root, '--out', out, '--jobs', '2'], {
    env: { ...process.env, SUBTOKEN_LENS_CACHE: cache, SUBTOKEN_LENS_TOKENIZER: CODET5_DIR }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  // Interrupt once the walk has started and workers are busy.
  await new Promise<void>((r) => { const t = setInterval(() => { if (/walking/.test(err)) { clearInterval(t); r(); } }, 20); });
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 130, err);
  assert.match(err, /^subtoken-lens: interrupted: no report written$/m);
  assert.equal(existsSync(out), false);
});
