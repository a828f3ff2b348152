import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportView } from '../../../src/core/report/view-model';
import { runDatasetReport } from '../../../src/core/samples/run-dataset';
import { CODET5_DIR, codet5 } from '../helpers';

test('a report with samples shows the samples tables after the languages; one without shows none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stl-samples-view-'));
  const path = join(dir, 'rows.jsonl');
  writeFileSync(path, [{ func: 'static int count_lines(const char *buffer_ptr) { return buffer_ptr[0]; }' }, { other: 1 }, { func: 'int main(void) { return 0; }' }].map((r) => JSON.stringify(r)).join('\n'));
  const r = await runDatasetReport({
    dataset: path, format: 'jsonl', rows: { field: 'func', language: 'c' }, tokenizerDir: CODET5_DIR, tokenizerName: 'codet5', modelKey: 'codet5-base',
    scope: 'identifiers', window: { capacity: 510, specials: 2 }, topLimit: 50, includeIdentifierTable: false, toolVersion: 'test', tokenizer: codet5(),
  });
  const view = reportView(r);
  assert.deepEqual(view.tables.map((t) => t.id).slice(0, 3), ['language-table', 'sample-table', 'top-sample-table']);
  const samples = view.tables[1]!;
  assert.match(samples.title, /one per dataset row, read as <s> \+ the first 510 content tokens \+ <\/s>/);
  assert.equal(samples.footer![1]!.text, '2');
  assert.match(samples.note!, /^1 row is no sample/);
  const top = view.tables[2]!;
  assert.deepEqual(top.rows.map((row) => row[0]!.text), ['row 0'], 'only samples that merging shortens');

  const { samples: _, ...withoutSamples } = r;
  assert.ok(!reportView(withoutSamples).tables.some((t) => t.id === 'sample-table' || t.id === 'top-sample-table'));
});
