import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countJsonlRows, datasetFormat, readJsonlRows, shardRows, type DatasetRow } from '../../../src/core/samples/dataset';
import { isInvalidRow, languageId, rowSample } from '../../../src/core/samples/rows';
import { DatasetError, runDatasetReport } from '../../../src/core/samples/run-dataset';
import { CODET5_DIR } from '../helpers';

function jsonl(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'stl-dataset-'));
  const path = join(dir, 'rows.jsonl');
  writeFileSync(path, text);
  return path;
}

async function collect(gen: AsyncGenerator<DatasetRow>): Promise<DatasetRow[]> {
  const out: DatasetRow[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

test('JSON Lines rows are the non-blank lines, numbered from 0; a line that is not a JSON object is a row with an error', async () => {
  const path = jsonl('{"a":1}\n\n{"a":2}\r\n  \n[1]\nnot json\n{"a":3}');
  assert.equal(await countJsonlRows(path), 5);
  const rows = await collect(readJsonlRows(path, { start: 0, end: 5 }));
  assert.deepEqual(rows.map((r) => r.index), [0, 1, 2, 3, 4]);
  assert.deepEqual(rows[1], { index: 1, row: { a: 2 } });
  assert.match((rows[2] as { error: string }).error, /not a JSON object \(an array\)/);
  assert.match((rows[3] as { error: string }).error, /^not JSON/);
  assert.deepEqual(rows[4], { index: 4, row: { a: 3 } });
  // A range reads only its rows.
  assert.deepEqual((await collect(readJsonlRows(path, { start: 1, end: 2 }))).map((r) => r.index), [1]);
  assert.equal(await countJsonlRows(jsonl('')), 0);
  assert.equal(await countJsonlRows(jsonl('{}\n')), 1);
});

test('shards are contiguous row ranges that cover every row once', () => {
  for (const rows of [0, 1, 2, 7, 10, 1001]) {
    for (const count of [1, 2, 3, 8]) {
      const ranges = Array.from({ length: count }, (_, index) => shardRows({ rows }, { index, count }));
      let next = 0;
      for (const r of ranges) {
        assert.equal(r.start, next, `rows ${rows}, ${count} shards`);
        assert.ok(r.end >= r.start);
        next = r.end;
      }
      assert.equal(next, rows);
    }
  }
  assert.deepEqual(shardRows({ rows: 10 }, undefined), { start: 0, end: 10 });
});

test('a Parquet file with enough row groups is cut at row-group boundaries', () => {
  const layout = { rows: 100, rowGroups: [30, 30, 30, 10] };
  const ranges = [0, 1, 2].map((index) => shardRows(layout, { index, count: 3 }));
  assert.deepEqual(ranges, [{ start: 0, end: 30 }, { start: 30, end: 60 }, { start: 60, end: 100 }]);
  // Fewer groups than shards: rows.
  assert.deepEqual(shardRows({ rows: 100, rowGroups: [100] }, { index: 1, count: 2 }), { start: 50, end: 100 });
});

test('a row whose field is missing or not a string is an invalid row with its index and reason', () => {
  const spec = { field: 'func', language: 'c' as const };
  assert.deepEqual(rowSample({ index: 0, row: { func: 'int f(void);' } }, spec), { index: 0, text: 'int f(void);', language: 'c' });
  assert.deepEqual(rowSample({ index: 1, row: { code: 'x' } }, spec), { index: 1, reason: 'field "func" missing' });
  assert.deepEqual(rowSample({ index: 2, row: { func: null } }, spec), { index: 2, reason: 'field "func" is null, not a string' });
  assert.deepEqual(rowSample({ index: 3, row: { func: ['a'] } }, spec), { index: 3, reason: 'field "func" is an array, not a string' });
  assert.deepEqual(rowSample({ index: 4, error: 'not JSON' }, spec), { index: 4, reason: 'not JSON' });
  // An empty string is a sample (of no tokens), not an invalid row.
  assert.equal(isInvalidRow(rowSample({ index: 5, row: { func: '' } }, spec)), false);
});

test('--language-field reads each row\'s language, in the spellings datasets use', () => {
  const spec = { field: 'code', languageField: 'lang' };
  assert.deepEqual(rowSample({ index: 0, row: { code: 'x = 1', lang: 'Python' } }, spec), { index: 0, text: 'x = 1', language: 'python' });
  assert.deepEqual(rowSample({ index: 1, row: { code: 'int x;', lang: 'C++' } }, spec), { index: 1, text: 'int x;', language: 'cpp' });
  assert.deepEqual(rowSample({ index: 2, row: { code: 'x' } }, spec), { index: 2, reason: 'language field "lang" missing' });
  assert.deepEqual(rowSample({ index: 3, row: { code: 'x', lang: 'cobol' } }, spec), { index: 3, reason: 'language "cobol" has no grammar here' });
  assert.deepEqual(rowSample({ index: 4, row: { code: 'x', lang: 7 } }, spec), { index: 4, reason: 'language field "lang" is a number, not a string' });
  assert.equal(languageId('c_sharp'), 'csharp');
  assert.equal(languageId('Go'), 'go');
});

test('the format comes from the file name', () => {
  assert.equal(datasetFormat('train.jsonl'), 'jsonl');
  assert.equal(datasetFormat('data/TRAIN-00000-of-00001.parquet'), 'parquet');
  assert.equal(datasetFormat('notes.txt'), undefined);
});

test('a JSON array where JSON Lines are read is refused before any work', async () => {
  const path = jsonl('[{"func": "int f(void);"}]');
  await assert.rejects(runDatasetReport({
    dataset: path, format: 'jsonl', rows: { field: 'func', language: 'c' }, tokenizerDir: CODET5_DIR, tokenizerName: 'codet5', modelKey: 'codet5-base',
    scope: 'identifiers', window: { capacity: 510, specials: 2 }, topLimit: 50, includeIdentifierTable: false, toolVersion: 'test',
  }), (e: unknown) => e instanceof DatasetError && /holds a JSON array, not JSON Lines/.test(e.message));
});
