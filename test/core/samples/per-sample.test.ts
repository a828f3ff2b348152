import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encoderFlops, modelConfig } from '../../../src/core/flops';
import { perSampleLines, writeLinesAtomic } from '../../../src/core/samples/per-sample';
import type { SampleRecord } from '../../../src/core/samples/analyze-sample';

const cfg = modelConfig('codet5-base');

test('one line per sample, rows by index with the invalid ones among them, lengths and FLOPs before/after', () => {
  const records: SampleRecord[] = [
    { origin: { kind: 'row', index: 4 }, language: 'c', contentTokens: 600, tokens: 510, merged: 450 },
    { origin: { kind: 'row', index: 0 }, language: 'c', contentTokens: 20, tokens: 20, merged: 15 },
  ];
  const lines = perSampleLines(records, [{ index: 2, reason: 'field "func" missing' }], { cfg, profile: { name: 'encoder' }, specials: 2 });
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(parsed.map((p) => p.row), [0, 2, 4]);
  assert.deepEqual(parsed[1], { row: 2, invalid: 'field "func" missing' });
  assert.equal(parsed[2]!.truncated, true);
  assert.equal(parsed[2]!.lengthBefore, 512);
  assert.equal(parsed[2]!.lengthAfter, 452);
  assert.equal(parsed[2]!.flopsBefore, encoderFlops(cfg, 512).total);
  assert.equal(parsed[2]!.flopsAfter, encoderFlops(cfg, 452).total);
  assert.equal(parsed[2]!.profile, 'encoder');
  assert.equal(parsed[2]!.modelFlopsBefore, parsed[2]!.flopsBefore, 'profile encoder: the whole model is the encoder');
});

test('functions are listed by path, line and name', () => {
  const fn = (path: string, name: string, line: number): SampleRecord => ({ origin: { kind: 'function', path, name, line }, language: 'python', contentTokens: 5, tokens: 5, merged: 4 });
  const lines = perSampleLines([fn('b.py', 'z', 1), fn('a.py', 'y', 9), fn('a.py', 'x', 3)], [], { cfg, profile: { name: 'classify' }, specials: 2 });
  assert.deepEqual(lines.map((l) => { const p = JSON.parse(l) as { path: string; function: string; line: number }; return `${p.path}:${p.line}:${p.function}`; }), ['a.py:3:x', 'a.py:9:y', 'b.py:1:z']);
});

test('the file is replaced whole, with no temporary file left', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stl-per-sample-'));
  const out = join(dir, 'per.jsonl');
  writeFileSync(out, 'old\n');
  writeLinesAtomic(out, ['{"row":0}', '{"row":1}']);
  assert.equal(readFileSync(out, 'utf8'), '{"row":0}\n{"row":1}\n');
  assert.deepEqual(readdirSync(dir), ['per.jsonl']);
  assert.throws(() => writeLinesAtomic(join(dir, 'missing', 'x.jsonl'), ['{}']));
  assert.deepEqual(readdirSync(dir), ['per.jsonl']);
});
