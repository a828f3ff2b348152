// `report --unit function` and `report --dataset`, end to end through the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { CODET5_DIR } from '../core/helpers';
import type { ReportJson } from '../../src/core/report';

const work = mkdtempSync(join(tmpdir(), 'stl-report-samples-'));
const cache = join(work, 'cache');
const env = { SUBTOKEN_LENS_CACHE: cache, SUBTOKEN_LENS_TOKENIZER: CODET5_DIR };
const cli = (args: string[]) => runCli(args, { cwd: work, env, timeoutMs: 120_000 });

/** A small Devign-like dataset: C functions under "func", with a label, and two broken rows. */
function devign(): string {
  const path = join(work, 'devign.jsonl');
  const body = Array.from({ length: 80 }, (_, i) => `    packet_buffer_size += av_read_packet_field(format_context, stream_index_${i});\n`).join('');
  const rows = [
    { project: 'FFmpeg', func: 'static int av_get_packet_size(AVFormatContext *format_context, int stream_index) {\n    return format_context->streams[stream_index]->codecpar->frame_size;\n}\n', target: 1 },
    { project: 'qemu', func: 'void qemu_free_timer(QEMUTimer *timer_state) { g_free(timer_state); }', target: 0 },
    { project: 'qemu', target: 0 },
    { project: 'FFmpeg', func: `static int read_all_packets(AVFormatContext *format_context) {\n    int packet_buffer_size = 0;\n${body}    return packet_buffer_size;\n}\n`, target: 1 },
    { project: 'qemu', func: { nested: true }, target: 1 },
    { project: 'FFmpeg', func: 'int main(void) { return 0; }', target: 0 },
  ];
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

function tree(): string {
  const root = join(work, 'tree');
  const w = (rel: string, text: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  w('pkg/users.py', 'class UserRepository:\n    def get_user_by_id(self, user_id):\n        return self.user_cache.lookup_by_id(user_id)\n\nMAX_USER_COUNT = 10\n');
  w('pkg/orders.py', 'def total_order_value(order_lines):\n    line_total = lambda order_line: order_line.unit_price * order_line.quantity\n    return sum(map(line_total, order_lines))\n');
  w('src/Main.java', 'class Main { void printUserName(String userName) { System.out.println(userName); } }\n');
  w('src/util.c', 'static int count_lines(const char *buffer_ptr) { return buffer_ptr[0]; }\n');
  w('web/api.ts', 'export function fetchUserProfile(userId: string) { return httpClient.getJson(`/users/${userId}`); }\n');
  return root;
}

const json = (out: string) => JSON.parse(out) as ReportJson;

test('report --dataset devign.jsonl --field func --language c --unit function: per sample and overall', async () => {
  const data = devign();
  const per = join(work, 'per.jsonl');
  const r = await cli(['report', '--dataset', data, '--field', 'func', '--language', 'c', '--unit', 'function', '--json', '--no-progress', '--per-sample', per]);
  assert.equal(r.code, 0, r.err);
  const report = json(r.out);
  const s = report.samples!;
  assert.equal(s.unit, 'row');
  assert.deepEqual(s.window, { maxLength: 512, truncate: true });
  assert.equal(s.totals.samples, 4);
  assert.equal(s.totals.truncated, 1, 'the 80-line function is longer than 510 tokens');
  assert.deepEqual(s.invalidRows, [{ index: 2, reason: 'field "func" missing' }, { index: 4, reason: 'field "func" is an object, not a string' }]);
  assert.ok(s.totals.tokenSavingPct > 0 && s.totals.distribution.tokenSavingPct.median > 0);
  assert.equal(s.totals.distribution.flopSavingPct.histogram.reduce((a, b) => a + b, 0), 4);
  assert.deepEqual(report.files, []);
  assert.equal(report.totals.files, 4);
  const lines = readFileSync(per, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines.map((l) => l.row), [0, 1, 2, 3, 4, 5]);
  assert.equal(lines[3]!.lengthBefore, 512);
  assert.equal(lines[3]!.truncated, true);
  assert.ok((lines[3]!.contentTokens as number) > 510);
  assert.equal(lines[2]!.invalid, 'field "func" missing');
  // The table names the samples section and the rows that are no sample.
  const table = await cli(['report', '--dataset', data, '--field', 'func', '--language', 'c', '--no-progress']);
  assert.equal(table.code, 0, table.err);
  assert.match(table.out, /Samples: each row of devign\.jsonl \(field "func"\) is one sample/);
  assert.match(table.out, /row 4: field "func" is an object, not a string/);
});

test('--no-truncate and --max-length change the window rule', async () => {
  const data = devign();
  const r = await cli(['report', '--dataset', data, '--field', 'func', '--language', 'c', '--no-truncate', '--json', '--no-progress']);
  assert.equal(r.code, 0, r.err);
  const s = json(r.out).samples!;
  assert.equal(s.totals.truncated, 0);
  assert.equal(s.totals.tokens, s.totals.contentTokens);
  const short = await cli(['report', '--dataset', data, '--field', 'func', '--language', 'c', '--max-length', '16', '--json', '--no-progress']);
  assert.equal(short.code, 0, short.err);
  // 16 positions: 14 content tokens of each row, but `int main(void) { return 0; }` has only 10.
  assert.equal(json(short.out).samples!.totals.tokens, 14 * 3 + 10);
});

test('--language-field reads the language of each row', async () => {
  const path = join(work, 'mixed.jsonl');
  writeFileSync(path, [
    { code: 'def load_user_record(user_id):\n    return user_table[user_id]\n', language: 'python' },
    { code: 'func parseConfigFile(path string) error { return nil }', language: 'go' },
    { code: 'x', language: 'brainfuck' },
  ].map((r) => JSON.stringify(r)).join('\n'));
  const r = await cli(['report', '--dataset', path, '--field', 'code', '--language-field', 'language', '--json', '--no-progress']);
  assert.equal(r.code, 0, r.err);
  const report = json(r.out);
  assert.deepEqual(Object.keys(report.samples!.languages), ['go', 'python']);
  assert.deepEqual(Object.keys(report.languages), ['go', 'python']);
  assert.match(report.samples!.invalidRows![0]!.reason, /brainfuck/);
});

test('report --dataset FILE.parquet reads Parquet (written here by hyparquet-writer)', async () => {
  const name = 'hyparquet-writer'; // the variable keeps type-checking independent of the devDependency
  const { parquetWriteBuffer } = (await import(name)) as { parquetWriteBuffer(o: { columnData: { name: string; data: unknown[]; type?: string }[] }): ArrayBuffer };
  const path = join(work, 'train.parquet');
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData: [
    { name: 'code', data: ['def load_user_record(user_id):\n    return user_table[user_id]\n', null, 'def f(x):\n    return x\n'], type: 'STRING' },
    { name: 'language', data: ['python', 'python', 'python'], type: 'STRING' },
  ] })));
  const per = join(work, 'parquet-per.jsonl');
  const r = await cli(['report', '--dataset', path, '--field', 'code', '--language-field', 'language', '--json', '--no-progress', '--per-sample', per]);
  assert.equal(r.code, 0, r.err);
  const s = json(r.out).samples!;
  assert.deepEqual(s.source, { kind: 'dataset', file: 'train.parquet', format: 'parquet', field: 'code', languageField: 'language', rows: 3 });
  assert.equal(s.totals.samples, 2);
  assert.deepEqual(s.invalidRows, [{ index: 1, reason: 'field "code" is null, not a string' }]);
  assert.equal(readFileSync(per, 'utf8').trim().split('\n').length, 3);
  const wrong = await cli(['report', '--dataset', path, '--field', 'func', '--language', 'python']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.err, /train\.parquet has no column "func" \(--field\); its columns: code, language/);
});

test('usage errors: a folder and --dataset, neither, and options that do not fit', async () => {
  const data = devign();
  const cases: [string[], RegExp][] = [
    [['report', work, '--dataset', data, '--field', 'func', '--language', 'c'], /give a folder or --dataset, not both/],
    [['report'], /report needs a folder, or --dataset FILE/],
    [['report', '--dataset', data, '--language', 'c'], /--dataset needs --field NAME/],
    [['report', '--dataset', data, '--field', 'func'], /--language L .* or --language-field NAME/],
    [['report', '--dataset', data, '--field', 'func', '--language', 'cobol'], /--language must be one of/],
    [['report', '--dataset', data, '--field', 'func', '--language', 'c', '--unit', 'file'], /--unit file does not apply to --dataset/],
    [['report', '--dataset', join(work, 'nothing.jsonl'), '--field', 'func', '--language', 'c'], /not a file/],
    [['report', work, '--max-length', '256'], /--max-length applies to samples/],
    [['report', work, '--field', 'func', '--unit', 'function'], /--field applies to --dataset only/],
    [['report', '--dataset', data, '--field', 'func', '--language', 'c', '--exclude', '*.c'], /--exclude applies to a folder, not to --dataset/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
  }
});

test('--unit function over a tree, in 3 shards (with workers) combined, equals the unsharded run', async () => {
  const root = tree();
  const whole = await cli(['report', root, '--unit', 'function', '--json', '--no-progress', '--jobs', '0']);
  assert.equal(whole.code, 0, whole.err);
  const parts: string[] = [];
  for (const k of [1, 2, 3]) {
    const out = join(work, `tree-part-${k}.json`);
    const r = await cli(['report', root, '--unit', 'function', '--shard', `${k}/3`, '--out', out, '--no-progress', '--jobs', '2']);
    assert.equal(r.code, 0, r.err);
    parts.push(out);
  }
  const combined = await cli(['combine', ...parts, '--json']);
  assert.equal(combined.code, 0, combined.err);
  assert.deepEqual(json(combined.out), json(whole.out));
  const s = json(whole.out).samples!;
  assert.ok(s.top.some((t) => t.path === 'pkg/orders.py' && t.line === 2), 'a lambda inside a function is a sample of its own');
  assert.ok(s.top.some((t) => t.path === 'pkg/orders.py' && t.line === 1));
  assert.ok(s.outside!.files >= 2 && s.outside!.tokens > 0, 'class lines and module constants are code outside functions');
});

test('a dataset in 3 shards through the command line combines to the unsharded report', async () => {
  const data = devign();
  const whole = await cli(['report', '--dataset', data, '--field', 'func', '--language', 'c', '--json', '--no-progress']);
  assert.equal(whole.code, 0, whole.err);
  const parts: string[] = [];
  for (const k of [1, 2, 3]) {
    const out = join(work, `data-part-${k}.json`);
    const r = await cli(['report', '--dataset', data, '--field', 'func', '--language', 'c', '--shard', `${k}/3`, '--out', out, '--no-progress']);
    assert.equal(r.code, 0, r.err);
    parts.push(out);
  }
  const combined = await cli(['combine', ...parts, '--json']);
  assert.equal(combined.code, 0, combined.err);
  assert.deepEqual(json(combined.out), json(whole.out));
});

