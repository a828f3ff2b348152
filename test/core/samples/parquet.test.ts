// Parquet datasets, read through hyparquet. The fixture is written in the test by hyparquet-writer
// (the maintained writer of the same project), with small row groups so that sharding by row group
// is exercised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combineReports, type ReportJson } from '../../../src/core/report';
import { datasetLayout, readParquetRows, shardRows, type DatasetRow } from '../../../src/core/samples/dataset';
import { DatasetError, runDatasetReport, type DatasetReportOptions } from '../../../src/core/samples/run-dataset';
import { CODET5_DIR, REPO_ROOT, codet5 } from '../helpers';

interface Writer {
  parquetWriteBuffer(o: { columnData: { name: string; data: unknown[]; type?: string }[]; rowGroupSize?: number }): ArrayBuffer;
}

const installed = ['hyparquet', 'hyparquet-writer'].every((p) => existsSync(join(REPO_ROOT, 'node_modules', p, 'package.json')));
const skip = installed ? false : 'needs hyparquet (dependency) and hyparquet-writer (devDependency) installed';

let writer: Writer | undefined;
async function loadWriter(): Promise<Writer> {
  const name = 'hyparquet-writer'; // the variable keeps type-checking independent of the package
  return (writer ??= (await import(name)) as Writer);
}

const FUNCS: (string | null)[] = [
  'static void ff_free_buffer(uint8_t *buffer_pointer) { av_freep(&buffer_pointer); }',
  'int main(void) { return 0; }',
  null,
  'static int av_get_packet_size(AVFormatContext *format_context) { return format_context->packet_size; }',
  'void qemu_free_timer(QEMUTimer *timer_state) { g_free(timer_state); }',
  '',
  'static int count_lines(const char *buffer_ptr) { return buffer_ptr[0]; }',
  'int add_numbers(int first_number, int second_number) { return first_number + second_number; }',
  'void reset_device_state(DeviceState *device_state) { device_state->reset_count = 0; }',
  'static inline int clamp_value(int input_value) { return input_value < 0 ? 0 : input_value; }',
];

async function fixture(): Promise<{ parquet: string; jsonl: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'stl-parquet-'));
  const parquet = join(dir, 'devign.parquet');
  const buffer = (await loadWriter()).parquetWriteBuffer({
    columnData: [
      { name: 'func', data: FUNCS, type: 'STRING' },
      { name: 'target', data: FUNCS.map((_, i) => i % 2), type: 'INT32' },
    ],
    rowGroupSize: 4,
  });
  writeFileSync(parquet, new Uint8Array(buffer));
  // The same rows as JSON Lines (a null field written as null).
  const jsonl = join(dir, 'devign.jsonl');
  writeFileSync(jsonl, FUNCS.map((func, i) => JSON.stringify({ func, target: i % 2 })).join('\n') + '\n');
  return { parquet, jsonl };
}

const options = (dataset: string, format: 'jsonl' | 'parquet', shard?: { index: number; count: number }): DatasetReportOptions => ({
  dataset, format, rows: { field: 'func', language: 'c' }, tokenizerDir: CODET5_DIR, tokenizerName: 'codet5', modelKey: 'codet5-base',
  scope: 'identifiers', window: { capacity: 510, specials: 2 }, topLimit: 50, includeIdentifierTable: false, toolVersion: 'test',
  tokenizer: codet5(), ...(shard ? { shard } : {}),
});

test('a Parquet file is read row by row, in row groups, one column at a time', { skip }, async () => {
  const { parquet } = await fixture();
  const layout = await datasetLayout(parquet, 'parquet');
  assert.deepEqual(layout, { rows: 10, rowGroups: [4, 4, 2], columns: new Set(['func', 'target']) });
  const rows: DatasetRow[] = [];
  for await (const r of readParquetRows(parquet, { start: 3, end: 9 }, ['func'], undefined, 4)) rows.push(r);
  assert.deepEqual(rows.map((r) => r.index), [3, 4, 5, 6, 7, 8]);
  assert.deepEqual(rows.map((r) => ('row' in r ? r.row.func : undefined)), FUNCS.slice(3, 9));
  // 3 shards of 3 row groups: one group each.
  assert.deepEqual([0, 1, 2].map((index) => shardRows(layout, { index, count: 3 })), [{ start: 0, end: 4 }, { start: 4, end: 8 }, { start: 8, end: 10 }]);
});

test('a Parquet dataset reports the same samples as the same rows in JSON Lines, and its shards combine exactly', { skip }, async () => {
  const { parquet, jsonl } = await fixture();
  const fromParquet = await runDatasetReport(options(parquet, 'parquet'));
  const fromJsonl = await runDatasetReport(options(jsonl, 'jsonl'));
  const s = fromParquet.samples!;
  assert.equal(s.totals.samples, 9);
  assert.deepEqual(s.invalidRows, [{ index: 2, reason: 'field "func" is null, not a string' }]);
  const { source: _a, ...p } = s;
  const { source: _b, ...j } = fromJsonl.samples!;
  assert.deepEqual(p, j);
  assert.deepEqual(fromParquet.totals, fromJsonl.totals);

  const parts = await Promise.all([0, 1, 2].map((index) => runDatasetReport(options(parquet, 'parquet', { index, count: 3 }))));
  assert.deepEqual(combineReports(JSON.parse(JSON.stringify(parts)) as ReportJson[]), fromParquet);
});

test('a Parquet file without the field\'s column is refused before any work', { skip }, async () => {
  const { parquet } = await fixture();
  await assert.rejects(runDatasetReport({ ...options(parquet, 'parquet'), rows: { field: 'code', language: 'c' } }), (e: unknown) => e instanceof DatasetError && /no column "code" \(--field\); its columns: func, target/.test(e.message));
});
