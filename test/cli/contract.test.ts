// The CLI contract (README, "The command line"), checked on every command and subcommand: `--help`
// exits 0; a usage error (unknown option, missing argument) and an input error (a missing file, a
// bad name) exit 2 with one `subtoken-lens: ` line; a runtime failure exits 1 with one line (the
// stack only with SUBTOKEN_LENS_DEBUG=1); an interrupt exits 130 and leaves no output; outputs are
// written atomically; one flag and one description per concept; model names are the extension's.
// The list of commands comes from the program itself, so a command added without its rows here
// fails the first test.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { buildProgram } from '../../src/cli/main';
import { bytes } from '../../src/core/report/format/numbers';
import { CODET5_DIR, REPO_ROOT } from '../core/helpers';

const BIN = join(REPO_ROOT, 'bin', 'subtoken-lens.js');
const DRIVER = join(__dirname, 'support', 'run-in-process.ts');
const work = mkdtempSync(join(tmpdir(), 'stl-contract-'));
const cache = join(work, 'cache');
const ENV = { ...process.env, SUBTOKEN_LENS_CACHE: cache, SUBTOKEN_LENS_TOKENIZER: CODET5_DIR, SUBTOKEN_LENS_DEBUG: '', HF_TOKEN: '' };

const PY = readFileSync(join(REPO_ROOT, 'examples', 'python', 'inventory.py'), 'utf8');
const small = join(work, 'inventory.py');
writeFileSync(small, PY);
const threeWindows = join(work, 'three-windows.py'); // ~450 tokens per copy: 3 copies need 3 windows of 510
writeFileSync(threeWindows, PY.repeat(3));
const aFile = join(work, 'a-file');
writeFileSync(aFile, 'not a folder');

interface Result { code: number | null; out: string; err: string }

/** Runs `cases` through main() in one child process (see support/run-in-process.ts). */
function inProcess(cases: string[][], timeoutMs = 120_000): Result[] {
  const dir = mkdtempSync(join(work, 'batch-'));
  writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases));
  const r = spawnSync(process.execPath, ['--import', 'tsx', DRIVER, join(dir, 'cases.json'), join(dir, 'results.json')], {
    cwd: REPO_ROOT, env: ENV, encoding: 'utf8', timeout: timeoutMs, // (where `--import tsx` resolves; every path given is absolute) killSignal: 'SIGKILL', maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, `driver failed: ${r.stderr}`);
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Result[];
}

/** The real executable, as a user runs it. */
function real(args: string[], env: Record<string, string> = {}): Result {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: work, env: { ...ENV, ...env }, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Exactly one stderr line, with the prefix, matching `pattern`, and no stack trace. */
function assertOneLine(r: Result, code: number, pattern: RegExp, what: string): void {
  assert.equal(r.code, code, `${what}: exit ${r.code}, stderr:\n${r.err}`);
  const lines = r.err.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `${what}: one line expected, got:\n${r.err}`);
  assert.match(lines[0]!, /^subtoken-lens: /, what);
  assert.match(lines[0]!, pattern, what);
}

/** Every command and subcommand of the program, as the words a user types ('model fetch'). */
function commandPaths(command: Command = buildProgram(), prefix: string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

function commandAt(path: string[]): Command {
  let c = buildProgram();
  for (const name of path) c = c.commands.find((s) => s.name() === name)!;
  return c;
}

const tempFilesIn = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.tmp') || n.startsWith('.'));

/** Per command: extra usage errors beyond an unknown option, one input error (leaf commands), and
 *  the mandatory options (commander reports a missing one before an unknown one). */
const CONTRACT: Record<string, { usage: Array<[args: string[], pattern: RegExp]>; input?: [args: string[], pattern: RegExp]; mandatory?: string[] }> = {
  tokenize: { usage: [[[], /missing required argument 'file'/]], input: [[join(work, 'missing.py')], /cannot read .*missing\.py/] },
  spans: { usage: [[[], /missing required argument 'file'/], [[small, '--scope', 'all'], /'all' is invalid/]], input: [[work], /not a regular file: a directory/] },
  report: { usage: [[[], /report needs a folder, or --dataset FILE/], [[work, '--arch', 'gpt-9'], /'gpt-9' is invalid.*codet5-base/]], input: [[join(work, 'missing-dir')], /not a directory/] },
  combine: { usage: [[[], /missing required argument 'reports'/]], input: [[join(work, 'missing.json')], /cannot read report .*missing\.json/] },
  flops: { mandatory: ['--tokens', '1'], usage: [[[], /required option '--tokens <n>' not specified/], [['--tokens', 'many'], /--tokens must be an integer/]], input: [['--tokens', '512', '--merged', '600'], /--merged 600 is more than --tokens 512/] },
  analyze: { usage: [[[], /missing required argument 'file'/], [[small, '--provider', 'tpu'], /'tpu' is invalid/]], input: [[join(work, 'missing.py')], /cannot read .*missing\.py/] },
  encode: { mandatory: ['--out', join(work, 'never.json')], usage: [[[small], /required option '--out <file>' not specified/]], input: [[join(work, 'missing.py'), '--out', join(work, 'never.json')], /cannot read .*missing\.py/] },
  generate: { usage: [[[small, '--strategy', 'none'], /'none' is invalid/]], input: [[join(work, 'missing.py'), '--model', join(work, 'no-model')], /cannot read .*missing\.py/] },
  'train-merger': { mandatory: ['--model', 'embedded-tiny'], usage: [[[], /required option '--model <model>' not specified/]], input: [['--model', join(work, 'no-model')], /model ".*no-model" is not a folder, an embedded model/] },
  model: { usage: [[['frob'], /unknown command 'frob'/]] },
  'model fetch': { usage: [[['a/b', 'c/d'], /too many arguments/]], input: [['not a repo'], /repo must look like "owner\/name"/] },
  'model list': { usage: [], input: [['--cache-dir', aFile], /--cache-dir .*a-file is not a folder/] },
  'model remove': { usage: [[[], /missing required argument 'model'/]], input: [['acme/never-fetched'], /acme\/never-fetched is not in the cache/] },
  'model clear': { usage: [], input: [['--cache', aFile], /--cache-dir .*a-file is not a folder/] },
  tokenizer: { usage: [[['frob'], /unknown command 'frob'/]] },
  'tokenizer fetch': { usage: [], input: [['--name', '..'], /tokenizer name must be one folder name/] },
};

test('every command: --help exits 0; usage and input errors exit 2 with one `subtoken-lens:` line', { timeout: 180_000 }, () => {
  const paths = commandPaths().filter((p) => p.at(-1) !== 'help');
  assert.deepEqual(paths.map((p) => p.join(' ')).sort(), Object.keys(CONTRACT).sort(), 'every command has its contract rows');
  const cases: Array<{ args: string[]; check: (r: Result) => void }> = [];
  for (const path of paths) {
    const name = path.join(' ');
    const row = CONTRACT[name]!;
    const leaf = commandAt(path).commands.length === 0;
    cases.push({ args: [...path, '--help'], check: (r) => {
      assert.equal(r.code, 0, `${name} --help: ${r.err}`);
      assert.match(r.out, new RegExp(`^Usage: subtoken-lens ${name} `), name);
      assert.equal(r.err, '', name);
    } });
    cases.push({ args: [...path, ...(row.mandatory ?? []), '--no-such-option'], check: (r) => assertOneLine(r, 2, new RegExp(`unknown option '--no-such-option' \\(see \`subtoken-lens ${name} --help\`\\)$`), `${name} --no-such-option`) });
    for (const [args, pattern] of row.usage) cases.push({ args: [...path, ...args], check: (r) => assertOneLine(r, 2, pattern, `${name} ${args.join(' ')}`) });
    if (leaf) assert.ok(row.input, `${name}: a leaf command needs an input-error row`);
    if (row.input) {
      const [args, pattern] = row.input;
      cases.push({ args: [...path, ...args], check: (r) => assertOneLine(r, 2, pattern, `${name} ${args.join(' ')}`) });
    }
  }
  const results = inProcess(cases.map((c) => c.args));
  cases.forEach((c, i) => c.check(results[i]!));
  assert.equal(existsSync(join(work, 'never.json')), false, 'a refused encode writes nothing');
});

test('the real executable: a usage error exits 2 and a runtime failure 1, one line each; SUBTOKEN_LENS_DEBUG=1 adds the stack', { timeout: 120_000 }, async () => {
  assertOneLine(real(['tokenize']), 2, /missing required argument 'file'/, 'tokenize');
  // A port nothing listens on: the Hub cannot be reached, a runtime failure.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const p = (server.address() as { port: number }).port;
      server.close(() => resolve(p));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const tok = real(['tokenizer', 'fetch', '--endpoint', endpoint]);
  // Offline, `tokenizer fetch` says what to do for a tokenizer, not for a model folder.
  assertOneLine(tok, 1, /no network .*copy vocab\.json and merges\.txt by hand into .*tokenizers.codet5, or use --tokenizer DIR$/, 'tokenizer fetch offline');
  assert.doesNotMatch(tok.err, /model folder|--model/);
  assertOneLine(real(['model', 'fetch', 'codet5-small', '--endpoint', endpoint]), 1,
    /no network .*models.Salesforce--codet5-small.main or use --model DIR$/, 'model fetch offline (a named model)');
  const debug = real(['model', 'fetch', '--endpoint', endpoint], { SUBTOKEN_LENS_DEBUG: '1' });
  assert.equal(debug.code, 1);
  assert.match(debug.err, /^subtoken-lens: no network[^\n]*\n[^\n]*FetchModelError[\s\S]*\n\s+at /, 'the stack follows the one line');
});

// --- .npy / .npz reading, written independently of the writer ---------------------------------

interface NpyArray { descr: string; shape: number[]; data: Buffer }

function parseNpy(buf: Buffer): NpyArray {
  assert.equal(buf.subarray(0, 6).toString('latin1'), '\x93NUMPY', 'npy magic');
  const headerLength = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + headerLength).toString('latin1');
  assert.equal((10 + headerLength) % 64, 0, 'header padded to 64 bytes');
  const descr = /'descr': '([^']+)'/.exec(header)![1]!;
  assert.match(header, /'fortran_order': False/);
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { descr, shape, data: buf.subarray(10 + headerLength) };
}

/** The members of a zip written with method 0 (stored), as numpy.savez writes them. */
function parseStoredZip(buf: Buffer): Map<string, Buffer> {
  const members = new Map<string, Buffer>();
  let p = 0;
  while (buf.readUInt32LE(p) === 0x04034b50) {
    assert.equal(buf.readUInt16LE(p + 8), 0, 'stored, not compressed');
    const size = buf.readUInt32LE(p + 18);
    const nameLength = buf.readUInt16LE(p + 26);
    const extra = buf.readUInt16LE(p + 28);
    const name = buf.subarray(p + 30, p + 30 + nameLength).toString('utf8');
    const start = p + 30 + nameLength + extra;
    members.set(name, buf.subarray(start, start + size));
    p = start + size;
  }
  assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory after the members');
  assert.equal(buf.readUInt32LE(buf.length - 22), 0x06054b50, 'end of central directory record');
  assert.equal(buf.readUInt16LE(buf.length - 22 + 10), members.size, 'the directory counts every member');
  return members;
}

const floats = (a: NpyArray): Float32Array => new Float32Array(a.data.buffer.slice(a.data.byteOffset, a.data.byteOffset + a.data.byteLength));
const int64s = (a: NpyArray): number[] => Array.from(new BigInt64Array(a.data.buffer.slice(a.data.byteOffset, a.data.byteOffset + a.data.byteLength)), Number);

test('outputs are written atomically; encode writes multi-window .npz and .npy as [windows, length, d] + lengths', { timeout: 240_000 }, () => {
  const out = join(work, 'out');
  mkdirSync(out);
  const tree = join(work, 'tree');
  mkdirSync(tree);
  writeFileSync(join(tree, 'a.py'), PY);
  writeFileSync(join(out, 'hidden.npz'), 'an older file, replaced whole');
  const enc = (file: string) => ['encode', threeWindows, '--model', 'embedded-tiny', '--provider', 'cpu', '--out', join(out, file)];
  const results = inProcess([
    ['report', tree, '--jobs', '0', '--no-progress', '--out', join(out, 'r.json')],
    ['report', tree, '--jobs', '0', '--no-progress', '--shard', '1/1', '--out', join(out, 'shard.json')],
    ['combine', join(out, 'shard.json'), '--out', join(out, 'combined.json')],
    enc('hidden.json'), enc('hidden.npz'), enc('hidden.npy'),
  ]);
  results.forEach((r, i) => assert.equal(r.code, 0, `case ${i}: ${r.err}`));
  assert.deepEqual(readdirSync(out).sort(), ['combined.json', 'hidden.json', 'hidden.lengths.npy', 'hidden.npy', 'hidden.npz', 'r.json', 'shard.json']);
  assert.deepEqual(tempFilesIn(out), [], 'no temporary file left');
  assert.equal(JSON.parse(readFileSync(join(out, 'combined.json'), 'utf8')).totals.files, 1);

  const json = JSON.parse(readFileSync(join(out, 'hidden.json'), 'utf8')) as { windows: Array<{ shape: number[]; data: number[] }> };
  assert.equal(json.windows.length, 3, 'the file spans three windows');
  const lengths = json.windows.map((w) => w.shape[1]!);
  const d = json.windows[0]!.shape[2]!;
  const longest = Math.max(...lengths);
  assert.ok(Math.min(...lengths) < longest, 'the last window is shorter, so padding is exercised');

  const zip = parseStoredZip(readFileSync(join(out, 'hidden.npz')));
  assert.deepEqual([...zip.keys()], ['hidden.npy', 'lengths.npy']);
  const hidden = parseNpy(zip.get('hidden.npy')!);
  assert.equal(hidden.descr, '<f4');
  assert.deepEqual(hidden.shape, [3, longest, d]);
  const lengthsNpy = parseNpy(zip.get('lengths.npy')!);
  assert.equal(lengthsNpy.descr, '<i8');
  assert.deepEqual(lengthsNpy.shape, [3]);
  assert.deepEqual(int64s(lengthsNpy), lengths);
  // Window w's rows are the JSON output's, then zeros up to the longest window.
  const values = floats(hidden);
  json.windows.forEach((w, i) => {
    const row = values.subarray(i * longest * d, (i + 1) * longest * d);
    assert.deepEqual(Array.from(row.subarray(0, w.data.length)), Array.from(Float32Array.from(w.data)), `window ${i}`);
    assert.ok(row.subarray(w.data.length).every((x) => x === 0), `window ${i} is zero-padded`);
  });
  // .npy: the same array, the lengths in a sidecar.
  const npy = parseNpy(readFileSync(join(out, 'hidden.npy')));
  assert.deepEqual(npy.shape, [3, longest, d]);
  assert.deepEqual(Buffer.compare(npy.data, hidden.data), 0);
  assert.deepEqual(int64s(parseNpy(readFileSync(join(out, 'hidden.lengths.npy')))), lengths);
});

test('one flag per concept: --model takes the extension names, --arch the FLOP table, --cache the old --cache-dir', { timeout: 180_000 }, () => {
  const cacheB = join(work, 'cache-b');
  const [arch, old, both, named, short, notFetched, modelOnReport] = inProcess([
    ['flops', '--tokens', '512', '--merged', '300', '--arch', 'codet5-small', '--json'],
    ['flops', '--tokens', '512', '--merged', '300', '--model', 'codet5-small', '--json'],
    ['flops', '--tokens', '512', '--arch', 'codet5-small', '--model', 'codet5-base'],
    ['encode', '--ids', '[1, 100, 200, 2]', '--model', 'embedded-tiny', '--cache-dir', cacheB, '--out', join(work, 'named.json')],
    ['encode', '--ids', '[1, 100, 200, 2]', '--model', 'tiny', '--cache', cacheB, '--out', join(work, 'short.json')],
    ['analyze', small, '--model', 'codet5-small'],
    ['report', join(work, 'tree'), '--jobs', '0', '--no-progress', '--format', 'json', '--model', 'codet5-small'],
  ]);
  assert.equal(arch!.code, 0, arch!.err);
  assert.equal(arch!.err, '');
  // The deprecated alias still works for one release, with a one-line notice.
  assert.equal(old!.code, 0, old!.err);
  assert.deepEqual(JSON.parse(old!.out), JSON.parse(arch!.out));
  assertOneLine(old!, 0, /--model codet5-small is deprecated here, use --arch codet5-small/, 'flops --model');
  assertOneLine(both!, 2, /give --arch only/, 'flops --arch --model');
  assert.equal(JSON.parse(modelOnReport!.out).model.key, 'codet5-small');
  // embedded-tiny (the extension's name) and tiny are one model, in the --cache-dir given (or --cache).
  for (const r of [named!, short!]) assert.equal(r.code, 0, r.err);
  const a = JSON.parse(readFileSync(join(work, 'named.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(work, 'short.json'), 'utf8'));
  assert.equal(a.model, join(cacheB, 'models', 'embedded-tiny'));
  assert.equal(b.model, a.model);
  assert.deepEqual(b.data, a.data);
  // A named download that is not in the cache says how to get it.
  assertOneLine(notFetched!, 2, /Salesforce\/codet5-small.*not in the cache.*subtoken-lens model fetch Salesforce\/codet5-small/, 'analyze --model codet5-small');
});

test('help text: sentence case, no trailing period, defaults only in the (choices; default) tail, one description per shared flag', () => {
  const program = buildProgram();
  const seen = new Map<string, string>();
  const SHARED = ['--model', '--arch', '--tokenizer', '--cache-dir', '--json', '--provider', '--strategy', '--ids', '--endpoint', '--allow-unverified', '--format', '--top'];
  const walk = (c: Command): void => {
    const help = c.createHelp();
    const texts: Array<[string, string]> = [[`${c.name()} description`, c.description()]];
    for (const o of help.visibleOptions(c) as Option[]) {
      texts.push([`${c.name()} ${o.flags}`, o.description]);
      assert.doesNotMatch(o.description, /default/i, `${c.name()} ${o.flags}: defaults go in .default(), shown the same way everywhere`);
      const flag = o.long ?? o.flags;
      if (SHARED.includes(flag)) {
        const first = seen.get(flag);
        if (first === undefined) seen.set(flag, o.description);
        else assert.equal(o.description, first, `${c.name()} ${flag}: the same description in every command`);
      }
    }
    for (const a of c.registeredArguments) texts.push([`${c.name()} <${a.name()}>`, a.description]);
    for (const [where, text] of texts) {
      assert.match(text, /^[A-Z]/, `${where}: sentence case: ${JSON.stringify(text)}`);
      assert.doesNotMatch(text, /\.$/, `${where}: no trailing period`);
    }
    c.commands.forEach(walk);
  };
  walk(program);
  assert.ok(seen.has('--cache-dir') && seen.has('--model') && seen.has('--arch'));
});

test('model list / remove / clear know the embedded models and count what they remove', { timeout: 180_000 }, () => {
  const c = join(work, 'cache-models');
  // A downloaded model as `model fetch` lays it out (no network needed to list or remove it).
  mkdirSync(join(c, 'models', 'acme--coder', 'main'), { recursive: true });
  writeFileSync(join(c, 'models', 'acme--coder', 'main', 'config.json'), '{}');
  const flags = ['--cache-dir', c];
  const [generate, list, listJson, remove, again, clearSetup, clear, empty] = inProcess([
    ['encode', '--ids', '[1, 100, 2]', '--model', 'embedded-small', ...flags, '--out', join(work, 'small.json')],
    ['model', 'list', ...flags],
    ['model', 'list', ...flags, '--json'],
    ['model', 'remove', 'embedded-small', ...flags],
    ['model', 'remove', 'embedded-small', ...flags],
    ['encode', '--ids', '[1, 100, 2]', '--model', 'embedded-tiny', ...flags, '--out', join(work, 'tiny.json')],
    ['model', 'clear', ...flags],
    ['model', 'list', ...flags, '--json'],
  ], 240_000);
  assert.equal(generate!.code, 0, generate!.err);
  const smallDir = join(c, 'models', 'embedded-small');
  assert.equal(list!.code, 0, list!.err);
  assert.match(list!.out, new RegExp(`^embedded-small  [\\d.]+ MB  embedded, random weights  ${smallDir.replace(/[/\\]/g, '.')}$`, 'm'));
  assert.match(list!.out, /^embedded-tiny {2}\(not generated yet\) {2}embedded, random weights; generated on first use$/m);
  assert.match(list!.out, /^acme\/coder@main \(no manifest: copied by hand\?\) {2}2 B {2}/m);
  const listed = JSON.parse(listJson!.out) as { embedded: Array<{ name: string; generated: boolean; bytes: number }>; downloaded: unknown[] };
  const smallEntry = listed.embedded.find((m) => m.name === 'embedded-small')!;
  assert.equal(smallEntry.generated, true);
  assert.ok(smallEntry.bytes > 1e6, 'the small model is tens of MB');
  assert.equal(listed.downloaded.length, 1);
  // remove: the generated folder goes (it is generated again on next use); a second remove finds nothing.
  assert.equal(remove!.code, 0, remove!.err);
  assert.match(remove!.out, /removed .*embedded-small \(embedded-small is generated again on next use\)/);
  assertOneLine(again!, 2, /embedded-small is not generated in .*: nothing to remove/, 'second remove');
  // clear: one downloaded and one embedded folder (tiny, generated just before), and their bytes.
  assert.equal(clearSetup!.code, 0, clearSetup!.err);
  assert.equal(clear!.code, 0, clear!.err);
  const tinyBytes = JSON.parse(empty!.out).embedded.find((m: { name: string }) => m.name === 'embedded-tiny').bytes;
  assert.equal(tinyBytes, 0, 'gone after clear');
  assert.match(clear!.out, /^removed 1 downloaded and 1 embedded model folder\(s\), [\d.]+ MB in all/);
  assert.equal(existsSync(join(c, 'models')), false);
});

test('model clear reports the bytes it removed', { timeout: 60_000 }, () => {
  const c = join(work, 'cache-bytes');
  const dir = join(c, 'models', 'embedded-tiny');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'encoder_model.onnx'), Buffer.alloc(1_234_567));
  mkdirSync(join(c, 'models', 'acme--m', 'main'), { recursive: true });
  writeFileSync(join(c, 'models', 'acme--m', 'main', 'w.bin'), Buffer.alloc(100_000));
  const total = statSync(join(dir, 'encoder_model.onnx')).size + 100_000;
  const r = real(['model', 'clear', '--cache-dir', c]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `removed 1 downloaded and 1 embedded model folder(s), ${bytes(total)} in all (partial downloads included)\n`);
});

/** Starts the CLI; resolves when it exits, killed after `limitMs` so a hang fails instead of stalling. */
function startCli(args: string[], limitMs = 90_000) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const done = new Promise<Result & { signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => {
    clearTimeout(killer);
    resolve({ code, signal, out, err });
  }));
  const waitFor = async (re: RegExp): Promise<void> => {
    const t0 = Date.now();
    while (!re.test(err)) {
      if (child.exitCode !== null || Date.now() - t0 > limitMs) throw new Error(`never saw ${re}: ${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, done, waitFor };
}

test('Ctrl-C stops analyze and SIGTERM stops encode: exit 130, nothing printed or written', { timeout: 240_000 }, async () => {
  const big = join(work, 'big.py');
  writeFileSync(big, PY.repeat(40)); // ~40 windows: many seconds of timed runs
  const analyze = startCli(['analyze', big, '--model', 'embedded-tiny', '--provider', 'cpu', '--runs', '20', '--json']);
  await analyze.waitFor(/running the encoder/);
  analyze.child.kill('SIGINT');
  const a = await analyze.done;
  assert.equal(a.code, 130, a.err);
  assert.equal(a.out, '', 'no partial output');
  assert.match(a.err, /^subtoken-lens: interrupted: nothing printed$/m);

  const out = join(work, 'interrupted.npz');
  writeFileSync(out, 'the previous result');
  const huge = join(work, 'huge.py');
  writeFileSync(huge, PY.repeat(150));
  const encode = startCli(['encode', huge, '--model', 'embedded-tiny', '--provider', 'cpu', '--out', out]);
  await encode.waitFor(/encoding \d+ window/);
  encode.child.kill('SIGTERM');
  const e = await encode.done;
  assert.equal(e.code, 130, e.err);
  assert.match(e.err, /^subtoken-lens: interrupted: nothing written$/m);
  assert.equal(readFileSync(out, 'utf8'), 'the previous result', 'the old output is untouched');
  assert.deepEqual(tempFilesIn(work).filter((n) => n.includes('interrupted')), [], 'no temporary file left');
});

after(() => rmSync(work, { recursive: true, force: true }));
