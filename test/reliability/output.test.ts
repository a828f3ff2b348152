// Issue 10, output safety: a hostile file name cannot inject a spreadsheet formula, break a Markdown
// table, or send escape sequences to the terminal; a hostile ONNX file cannot read outside its folder
// or fail with onnxruntime's words; and the no-tokenizer message is one line with the way forward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { onnx } from 'onnx-proto';
import { formatCsv, formatMarkdown, formatTable, runReport, type ReportJson } from '../../src/core/report';
import { modelConfig } from '../../src/core/flops';
import { makeCountingModel } from '../../src/core/runtime/graph-flops';
import { encodeModel, graphOf, inlineExternalData, readModelFile, valueInfo } from '../../src/core/runtime/onnx-model';
import { loadEncoder } from '../../src/core/runtime/encoder';
import { rewriteToInputsEmbeds } from '../../src/core/runtime/rewrite';
import { terminalLine, terminalSafeJson } from '../../src/core/safe-text';
import { CODET5_DIR, REPO_ROOT, codet5 } from '../core/helpers';
import { REF_DIR, tinyModelDir } from '../core/runtime/helpers';

const BIN = join(REPO_ROOT, 'bin', 'subtoken-lens.js');
const work = mkdtempSync(join(tmpdir(), 'stl-output-'));
const PY = 'class UserRepository:\n    def get_user_by_id(self, user_id):\n        return self.user_cache.lookup_by_id(user_id)\n';

// The first is a folder `=cmd|' ` holding `C calc'!A0.py`: its report path is the classic payload.
const FORMULA_NAMES = ["=cmd|' /C calc'!A0.py", '+x.py', '@x.py', '-x.py'];
const MD_NAME = 'a|b\n<img src=x onerror=alert(1)>.py';
const ESC_NAMES = ['\x1b]0;pwned\x07.py', '\x1b[31mred.py'];
const SKIPPED_NAME = '=skipped.py'; // empty: a skipped row with a formula-like path

/** A tree whose root folder name and file names carry the hostile characters. */
const root = join(work, 'tree-\x1b]0;pwned\x07-\x1b[31m');
mkdirSync(root);
for (const name of [...FORMULA_NAMES, MD_NAME, ...ESC_NAMES, 'plain.py']) {
  mkdirSync(dirname(join(root, name)), { recursive: true });
  writeFileSync(join(root, name), PY);
}
writeFileSync(join(root, SKIPPED_NAME), '');

let reportPromise: Promise<ReportJson> | undefined;
function report(): Promise<ReportJson> {
  const cfg = modelConfig('codet5-base');
  return (reportPromise ??= runReport({
    root, tokenizerDir: CODET5_DIR, tokenizerName: codet5().name, modelKey: cfg.key, scope: 'identifiers',
    window: { capacity: 510, specials: 2 }, maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false,
    includeUnsupported: false, jobs: 0, topLimit: 50, includeIdentifierTable: false, toolVersion: 'test',
  }));
}

function cli(args: string[], env: Record<string, string> = {}, cwd = work) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd, timeout: 60_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20,
    env: { ...process.env, SUBTOKEN_LENS_CACHE: join(work, 'cache'), SUBTOKEN_LENS_TOKENIZER: CODET5_DIR, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** RFC 4180 records → fields (quotes removed), so assertions see what a spreadsheet would get. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  return rows;
}

const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/; // anything a terminal could act on (tab/LF aside)

test('CSV: formula-like text cells are neutralised and quoted; numbers, negative ones too, stay numbers', { timeout: 60_000 }, async () => {
  const r = structuredClone(await report());
  const plain = r.files.find((f) => f.path === 'plain.py')!;
  plain.reductionPct = -3.5;
  plain.flopsBefore = -12;
  const csv = formatCsv(r);
  const rows = parseCsv(csv);
  const header = rows[0]!;
  const col = (name: string) => header.indexOf(name);
  assert.equal(rows.length, 1 + r.files.length + r.skipped.length, 'one record per line: no cell spans lines');
  const byPath = new Map(rows.slice(1).map((row) => [row[col('path')]!, row]));
  for (const name of [...FORMULA_NAMES, SKIPPED_NAME]) {
    assert.ok(byPath.has(`'${name}`), `${name} is written as '${name}`);
    assert.ok(csv.includes(`"'${name.replace(/"/g, '""')}"`), `${name} is quoted`);
  }
  for (const row of rows.slice(1)) {
    for (const name of ['path', 'language', 'status', 'skip_reason']) {
      assert.doesNotMatch(row[col(name)]!, /^[=+\-@\t\r]/, `text cell ${name} of ${row[0]} could run as a formula`);
    }
  }
  const plainRow = byPath.get('plain.py')!;
  assert.equal(plainRow[col('reduction_pct')], '-3.500', 'negative numbers are not prefixed');
  assert.equal(plainRow[col('flops_before')], '-12');
  assert.match(csv, /^plain\.py,python,.*,-12,/m, 'numeric cells are written unquoted');
  assert.doesNotMatch(csv, RAW_CONTROL, 'control characters in names are spelled out');
  assert.ok(byPath.has('\\x1b]0;pwned\\x07.py'));
});

test('Markdown: a name with |, a newline and raw HTML stays one escaped row', { timeout: 60_000 }, async () => {
  const r = await report();
  const md = formatMarkdown(r);
  const files = md.split('## Files\n\n')[1]!.split('\n\n')[0]!.split('\n');
  assert.equal(files.length, 2 + r.files.length, 'header, separator and one line per file');
  const row = files.find((l) => l.includes('onerror'))!;
  assert.ok(row, 'the row is there');
  // As many cells as the header (file, language, status, subtokens, merged, reduction, encoder and whole-model FLOP saving).
  assert.equal(row.split(/(?<!\\)\|/).length - 2, files[0]!.split('|').length - 2, 'every | in the name is escaped');
  assert.equal(files[0]!.split('|').length - 2, 8);
  assert.ok(row.startsWith('| a\\|b &lt;img src=x onerror=alert(1)&gt;.py | python |'), row);
  assert.doesNotMatch(md, /<img/, 'no raw HTML');
  assert.doesNotMatch(md, RAW_CONTROL);
  assert.match(md, /\| \\x1b\\\]0;pwned\\x07\.py \| python \|/, 'escape sequences are shown spelled out (`]` Markdown-escaped)');
});

test('table: names with escape sequences are printed inert and the columns still line up', { timeout: 60_000 }, async () => {
  const r = structuredClone(await report());
  r.topIdentifiers.unshift({ ...r.topIdentifiers[0]!, name: '\x1b[31mevil\x07', pieces: ['\x1b[31m', 'evil\x9b'] });
  const table = formatTable(r);
  assert.doesNotMatch(table, RAW_CONTROL);
  assert.match(table, /Subtoken Lens report: .*tree-\\x1b\]0;pwned\\x07-\\x1b\[31m/);
  const top = table.split('Top identifiers by tokens saved:\n')[1]!.split('\n');
  assert.ok(top[2]!.startsWith('\\x1b[31mevil\\x07 '), top[2]);
  assert.equal(top[2]!.length, top[3]!.length, 'escaped cells are measured as printed');
});

test('CLI: report output and messages never carry raw ESC/BEL bytes; JSON keeps the exact names', { timeout: 120_000 }, () => {
  for (const format of ['table', 'md', 'csv', 'json']) {
    const r = cli(['report', root, '--jobs', '0', '--format', format]);
    assert.equal(r.code, 0, r.err.toString());
    const bytes = Buffer.concat([r.out, r.err]);
    assert.ok(!bytes.includes(0x1b) && !bytes.includes(0x07), `${format}: no raw ESC or BEL`);
    if (format === 'json') {
      const paths = (JSON.parse(r.out.toString()) as ReportJson).files.map((f) => f.path);
      for (const name of ESC_NAMES) assert.ok(paths.includes(name), `JSON keeps ${JSON.stringify(name)} exactly`);
    }
  }
  const outFile = join(work, 'out-\x1b]0;pwned\x07.json');
  const wrote = cli(['report', root, '--jobs', '0', '--no-progress', '--out', outFile]);
  assert.equal(wrote.code, 0, wrote.err.toString());
  assert.ok(existsSync(outFile), 'written under the exact name');
  assert.ok(!wrote.err.includes(0x1b) && !wrote.err.includes(0x07));
  assert.match(wrote.err.toString(), /^wrote .*out-\\x1b\]0;pwned\\x07\.json$/m);
  const missing = cli(['report', join(work, 'nope-\x1b[31m'), '--jobs', '0']);
  assert.equal(missing.code, 2);
  assert.ok(!missing.err.includes(0x1b), 'error messages quote paths inertly');
  assert.match(missing.err.toString(), /not a directory: .*nope-\\x1b\[31m/);
  const tokenize = cli(['tokenize', join(root, ESC_NAMES[0]!)]);
  assert.equal(tokenize.code, 0, tokenize.err.toString());
  assert.ok(!tokenize.out.includes(0x1b) && !tokenize.out.includes(0x07));
});

test('JSON stays exact but inert: DEL, C1 and bidi controls become \\u escapes that parse back', () => {
  const names = ['a\x7fb.py', 'csi\x9b31m.py', 'evil\u202etxt.py', 'ls\u2028x.py'];
  const json = terminalSafeJson(JSON.stringify({ names }, null, 1));
  assert.doesNotMatch(json, /[\x7f-\x9f\u202a-\u202e\u2028\u2029]/);
  assert.deepEqual((JSON.parse(json) as { names: string[] }).names, names);
  assert.equal(terminalLine('a\x1b[2Jb\r\n\u202e'), 'a\\x1b[2Jb\\r\\n\\u202e');
});

/** The embedded tiny model in `dir`, with its embedding matrix moved to an external file at `location`. */
function externalModel(location: string, dir = mkdtempSync(join(work, 'model-'))): { dir: string; raw: Buffer } {
  const model = readModelFile(join(tinyModelDir(), 'encoder_model.onnx'));
  const emb = graphOf(model).initializer.find((t) => t.name === 'shared.weight')!;
  const raw = Buffer.from(emb.rawData!);
  emb.rawData = null as unknown as Uint8Array;
  emb.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  emb.externalData = [{ key: 'location', value: location }, { key: 'offset', value: '0' }, { key: 'length', value: String(raw.length) }];
  writeFileSync(join(dir, 'encoder_model.onnx'), encodeModel(model));
  writeFileSync(join(dir, 'config.json'), readFileSync(join(tinyModelDir(), 'config.json')));
  return { dir, raw };
}

test('ONNX external data: a sibling folder sharing the name prefix, and absolute paths, are refused', { timeout: 120_000 }, async () => {
  const inside = externalModel('w.bin');
  writeFileSync(join(inside.dir, 'w.bin'), inside.raw);
  const ok = readModelFile(join(inside.dir, 'encoder_model.onnx'));
  inlineExternalData(ok, join(inside.dir, 'encoder_model.onnx'));
  assert.equal(graphOf(ok).initializer.find((t) => t.name === 'shared.weight')!.rawData!.length, inside.raw.length, 'data inside the folder is read');

  const dir = mkdtempSync(join(work, 'm-'));
  const sibling = `${dir}_x`; // same name prefix as the model folder: a startsWith check lets it through
  mkdirSync(sibling);
  writeFileSync(join(sibling, 'w.bin'), inside.raw);
  externalModel(`../${basename(dir)}_x/w.bin`, dir);
  await assert.rejects(loadEncoder(dir, { device: 'cpu', probe: false }), (err: Error) => {
    assert.equal(err.name, 'ModelError');
    assert.match(err.message, /external data location "\.\.\/m-\w+_x\/w\.bin" of initializer shared\.weight points outside the model folder/);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
  const abs = externalModel(join(sibling, 'w.bin'));
  const absModel = readModelFile(join(abs.dir, 'encoder_model.onnx'));
  assert.throws(() => inlineExternalData(absModel, join(abs.dir, 'encoder_model.onnx')), /is an absolute path; external data must be a relative path inside the model folder/);
});

/** input_ids → Gather(embeddings) → Identity → last_hidden_state: an ONNX model with no matrix multiply. */
function noMatMulModel(): onnx.ModelProto {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INT64 = onnx.TensorProto.DataType.INT64;
  const emb = new Float32Array(32100 * 64).fill(0.5);
  return onnx.ModelProto.create({
    irVersion: 7, opsetImport: [{ domain: '', version: 14 }],
    graph: {
      name: 'no-matmul',
      node: [
        onnx.NodeProto.create({ name: 'embed', opType: 'Gather', input: ['shared.weight', 'input_ids'], output: ['h'] }),
        onnx.NodeProto.create({ name: 'out', opType: 'Identity', input: ['h'], output: ['last_hidden_state'] }),
      ],
      initializer: [onnx.TensorProto.create({ name: 'shared.weight', dims: [32100, 64], dataType: FLOAT, rawData: new Uint8Array(emb.buffer) })],
      input: [valueInfo('input_ids', INT64, ['batch', 'seq']), valueInfo('attention_mask', INT64, ['batch', 'seq'])],
      output: [valueInfo('last_hidden_state', FLOAT, ['batch', 'seq', 64])],
    },
  });
}

test('ONNX without MatMul: one clear line saying what graph was expected', { timeout: 120_000 }, () => {
  const expected = /^not a T5 encoder graph this tool can use: expected inputs input_ids and attention_mask, output last_hidden_state and MatMul nodes.*found inputs input_ids, attention_mask, outputs last_hidden_state, 0 MatMul\/Gemm nodes$/;
  assert.throws(() => rewriteToInputsEmbeds(noMatMulModel()), (err: Error) => err.name === 'ModelError' && expected.test(err.message));
  assert.throws(() => makeCountingModel(noMatMulModel()), /not a T5 encoder graph this tool can use: it has no MatMul\/Gemm nodes/);

  const dir = mkdtempSync(join(work, 'nomatmul-'));
  writeFileSync(join(dir, 'encoder_model.onnx'), encodeModel(noMatMulModel()));
  writeFileSync(join(dir, 'config.json'), readFileSync(join(REF_DIR, 'config.json')));
  const src = join(work, 'users.py');
  writeFileSync(src, PY);
  const r = cli(['analyze', src, '--model', dir, '--provider', 'cpu', '--runs', '1']);
  const err = r.err.toString();
  assert.equal(r.code, 2, err); // an unusable model folder is an input error, like a bad flag
  assert.doesNotMatch(err, /fetches/);
  assert.match(err, /^subtoken-lens: not a T5 encoder graph this tool can use: .*0 MatMul\/Gemm nodes\n$/);
});

test('no tokenizer: one line naming `tokenizer fetch` and --tokenizer DIR', { timeout: 60_000 }, () => {
  const emptyCache = mkdtempSync(join(work, 'empty-cache-'));
  const env = { SUBTOKEN_LENS_TOKENIZER: '', SUBTOKEN_LENS_CACHE: emptyCache, SUBTOKEN_LENS_NO_DEV_SHARED: '1' };
  for (const args of [['report', root, '--jobs', '0'], ['tokenize', join(root, 'plain.py')]]) {
    const r = cli(args, env, emptyCache);
    const err = r.err.toString();
    assert.equal(r.code, 2, err);
    assert.equal(err.split('\n').length, 2, `exactly one line: ${JSON.stringify(err)}`);
    assert.match(err, /^subtoken-lens: No "codet5" tokenizer found \(looked in .*\): run `subtoken-lens tokenizer fetch` .*--tokenizer DIR/);
    assert.ok(err.includes(join(emptyCache, 'tokenizers', 'codet5')), 'names the cache folder it looked in');
  }
});
