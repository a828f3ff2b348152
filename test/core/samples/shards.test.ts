// `--shard K/N` then `combine`: the same report as one unsharded run, samples section included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combineReports, formatMarkdown, formatTable, runReport, type ReportJson } from '../../../src/core/report';
import { runDatasetReport, type DatasetReportOptions } from '../../../src/core/samples/run-dataset';
import { CODET5_DIR, codet5 } from '../helpers';

const WINDOW = { capacity: 510, specials: 2 };

function devignLike(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stl-shards-'));
  const long = 'static int decode_frame_header(AVCodecContext *avctx, GetBitContext *gb) {\n' +
    Array.from({ length: 60 }, (_, i) => `    avctx->frame_number_${i} = get_bits_long(gb, ${i});\n`).join('') + '}\n';
  const rows: unknown[] = [
    { func: 'static void ff_free_buffer(uint8_t *buffer_pointer) { av_freep(&buffer_pointer); }', lang: 'c' },
    { func: long, lang: 'c' },
    { lang: 'c' },
    { func: 17, lang: 'c' },
    { func: 'def read_config_file(config_path):\n    return load_yaml(config_path)\n', lang: 'python' },
    { func: 'int main(void) { return 0; }', lang: 'c' },
    { func: 'public int getUserCount() { return userRepository.countAll(); }', lang: 'java' },
    { func: 'x', lang: 'cobol' },
    { func: 'static int av_get_packet_size(AVFormatContext *format_context) { return format_context->packet_size; }', lang: 'C' },
    { func: '', lang: 'c' },
    { func: 'def f(a):\n    return a\n', lang: 'Python' },
  ];
  const path = join(dir, 'devign.jsonl');
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n\nnot json\n');
  return path;
}

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'stl-shards-tree-'));
  const w = (rel: string, text: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  w('a/users.py', 'import os\n\nclass UserRepository:\n    def get_user_by_id(self, user_id):\n        def cache_key(raw_id):\n            return f"user:{raw_id}"\n        return self.user_cache.lookup(cache_key(user_id))\n\nDEFAULT_TIMEOUT_SECONDS = 30\n');
  w('a/api.ts', 'export async function fetchUserProfile(userId: string) {\n  const parseBody = (responseText: string) => JSON.parse(responseText);\n  return parseBody(await httpClient.getText(`/users/${userId}`));\n}\n');
  w('b/Main.java', 'class Main {\n  void printUserName(String userName) { System.out.println(userName); }\n  int countOrders() { return orderList.size(); }\n}\n');
  w('b/util.c', '#include <stdio.h>\nstatic int count_lines(const char *buffer_ptr) { return buffer_ptr[0]; }\nint global_counter_value = 0;\n');
  w('c/lib.rs', 'fn compute_checksum(input_bytes: &[u8]) -> u32 { input_bytes.len() as u32 }\nstruct Point { x_coord: i32 }\n');
  w('c/main.go', 'package main\n\nfunc parseConfigFile(path string) error { return nil }\n');
  w('c/notes.py', 'print("no functions here at all")\n');
  return root;
}

function datasetOptions(path: string, shard?: { index: number; count: number }): DatasetReportOptions {
  return {
    dataset: path, format: 'jsonl', rows: { field: 'func', languageField: 'lang' }, tokenizerDir: CODET5_DIR, tokenizerName: 'codet5', modelKey: 'codet5-base',
    scope: 'identifiers', window: WINDOW, sampleWindow: { maxLength: 128, truncate: true }, topLimit: 50, includeIdentifierTable: false, toolVersion: 'test',
    tokenizer: codet5(), ...(shard ? { shard } : {}),
  };
}

test('a dataset in 3 shards combines to exactly the unsharded report', async () => {
  const path = devignLike();
  const whole = await runDatasetReport(datasetOptions(path));
  const parts = await Promise.all([0, 1, 2].map((index) => runDatasetReport(datasetOptions(path, { index, count: 3 }))));
  for (const p of parts) assert.ok(p.samples?.parts && p.identifierTable, 'shards carry what combine needs');
  const combined = combineReports(JSON.parse(JSON.stringify(parts)) as ReportJson[]);
  assert.deepEqual(combined, whole);

  // And the report itself says what the unsharded run saw.
  const s = whole.samples!;
  assert.equal(s.unit, 'row');
  assert.equal(s.totals.samples, 8);
  assert.equal(s.totals.truncated, 1);
  assert.deepEqual(Object.keys(s.languages), ['c', 'java', 'python']);
  assert.deepEqual(s.invalidRows!.map((x) => x.index), [2, 3, 7, 11]);
  assert.match(s.invalidRows![1]!.reason, /field "func" is a number/);
  assert.equal(whole.totals.files, 8);
  assert.deepEqual(whole.files, []);
  assert.equal(s.source.kind === 'dataset' && s.source.rows, 12);
  // The truncated row is read as 128 positions: 126 content tokens.
  assert.equal(s.top.find((t) => t.row === 1)!.tokens, 126);
  assert.equal(whole.totals.tokens, s.totals.tokens);
});

test('a tree with --unit function in 3 shards combines to exactly the unsharded report', async () => {
  const root = tree();
  const options = (shard?: { index: number; count: number }) => ({
    root, tokenizerDir: CODET5_DIR, tokenizerName: 'codet5', modelKey: 'codet5-base', scope: 'identifiers' as const, window: WINDOW,
    maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false, includeUnsupported: false, jobs: 0, topLimit: 50,
    includeIdentifierTable: false, toolVersion: 'test', tokenizer: codet5(), unit: 'function' as const, ...(shard ? { shard } : {}),
  });
  const whole = await runReport(options());
  const parts: ReportJson[] = [];
  for (const index of [0, 1, 2]) parts.push(await runReport(options({ index, count: 3 })));
  assert.ok(parts.every((p) => p.files.length < whole.files.length), 'every shard holds part of the tree');
  assert.deepEqual(combineReports(JSON.parse(JSON.stringify(parts)) as ReportJson[]), whole);

  const s = whole.samples!;
  assert.equal(s.unit, 'function');
  // Files are still reported whole.
  assert.equal(whole.files.length, 7);
  const names = s.top.map((t) => `${t.path}:${t.name}`);
  // Nested functions and lambdas are samples of their own.
  assert.ok(names.includes('a/users.py:get_user_by_id') && names.includes('a/users.py:cache_key'), names.join(', '));
  assert.ok(names.includes('a/api.ts:parseBody'), names.join(', '));
  assert.ok(s.outside && s.outside.files >= 5 && s.outside.tokens > 0);
  // The table and Markdown show the samples, the top ones and the outside code.
  assert.match(formatTable(whole), /Samples: each function is one sample, read as <s> \+ the first 510 content tokens \+ <\/s>/);
  assert.match(formatTable(whole), /Code outside any function/);
  assert.match(formatMarkdown(whole), /## Samples[\s\S]*### Top samples by tokens saved[\s\S]*a\/users\.py:\d+ get\\_user\\_by\\_id/, 'Markdown escapes the underscores');
  // Every token of a file is in exactly one sample or in the outside code... up to BPE at the cuts.
  assert.ok(Math.abs(s.totals.tokens + s.outside.tokens - whole.totals.tokens) < 0.1 * whole.totals.tokens);
});

test('shards that disagree on the samples are refused', async () => {
  const path = devignLike();
  const a = await runDatasetReport(datasetOptions(path, { index: 0, count: 2 }));
  const b = await runDatasetReport({ ...datasetOptions(path, { index: 1, count: 2 }), sampleWindow: { maxLength: 512, truncate: true } });
  assert.throws(() => combineReports([a, b]), /shards disagree on the samples/);
});

test('a dataset analysed on worker threads gives the same report as in the calling thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stl-rows-workers-'));
  const path = join(dir, 'many.jsonl');
  const rows = Array.from({ length: 600 }, (_, i) => JSON.stringify(i % 97 === 5 ? { other: i } : { func: `static int read_field_${i % 13}(Context *parse_context) { return parse_context->field_value_${i % 7} + ${i}; }`, lang: i % 3 ? 'c' : 'cpp' }));
  writeFileSync(path, rows.join('\n'));
  const inThread = await runDatasetReport(datasetOptions(path));
  const onWorkers = await runDatasetReport({ ...datasetOptions(path), jobs: 2, tokenizer: undefined });
  assert.deepEqual(onWorkers, inThread);
  assert.equal(inThread.samples!.totals.samples + inThread.samples!.invalidRows!.length, 600);
  assert.deepEqual(Object.keys(inThread.languages), ['c', 'cpp']);
});

test('the calling thread analysing batches the worker has no room for (the CLI) gives the same report', async () => {
  // 2,000 rows: 8 batches, more than the 4 one worker holds, so the calling thread takes some.
  const dir = mkdtempSync(join(tmpdir(), 'stl-rows-caller-'));
  const path = join(dir, 'many.jsonl');
  const rows = Array.from({ length: 2000 }, (_, i) => JSON.stringify(i % 211 === 7 ? { func: i } : { func: `int parse_header_${i % 17}(Buffer *input_buffer) { return input_buffer->byte_count_${i % 5} * ${i}; }`, lang: 'c' }));
  writeFileSync(path, rows.join('\n'));
  const inThread = await runDatasetReport(datasetOptions(path));
  let progressed = 0;
  const together = await runDatasetReport({ ...datasetOptions(path), jobs: 2, callerWorks: true, onProgress: (p) => { progressed = p.done; } });
  assert.deepEqual(together, inThread);
  assert.equal(progressed, 2000, 'every row counted once, valid or not');
  assert.equal(inThread.samples!.totals.samples + inThread.samples!.invalidRows!.length, 2000);
});
