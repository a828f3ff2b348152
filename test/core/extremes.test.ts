// maxOf/minOf replace `Math.max(...xs)`, which throws past the engine's argument limit; the
// tokenizer loader takes the largest vocabulary id with it, so a big vocab.json must still load.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { maxOf, minOf } from '../../src/core/extremes';
import { loadTokenizer } from '../../src/core/tokenizer';
import { BYTE_TO_UNICODE } from '../../src/core/tokenizer/byteLevel';

const BIG = 300_000;

test('maxOf/minOf agree with Math.max/Math.min, including empty input and NaN', () => {
  for (const xs of [[3, -1, 7, 7, 0], [-5], [-Infinity, -2], [1, NaN, 2], []]) {
    assert.equal(maxOf(xs), Math.max(...xs), `max of ${xs}`);
    assert.equal(minOf(xs), Math.min(...xs), `min of ${xs}`);
  }
  assert.equal(maxOf(new Set([2, 9, 4]).values()), 9, 'takes any iterable');
});

test(`maxOf/minOf take ${BIG} values from a Map, where spreading them into Math.max throws`, () => {
  const ids = new Map<string, number>();
  for (let i = 0; i < BIG; i++) ids.set(`t${i}`, (i * 7919) % BIG);
  assert.equal(maxOf(ids.values()), BIG - 1);
  assert.equal(minOf(ids.values()), 0);
});

test(`a vocab.json of ${BIG} entries loads, and a sentinel takes the id after the largest`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-big-vocab-'));
  try {
    const vocab: Record<string, number> = {};
    BYTE_TO_UNICODE.forEach((ch, b) => (vocab[ch] = b));
    vocab['ab'] = 256;
    // Bracketed tokens count as special, so the one merge rule below is a complete merges.txt.
    for (let id = 257; id < BIG; id++) vocab[`<w${id}>`] = id;
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocab));
    writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\na b\n');
    const tok = loadTokenizer(dir, { sentinels: 1 });
    assert.equal(tok.tokenToId('<extra_id_0>'), BIG);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
