// A tokenizer sent to a report worker as a snapshot (plain data through structured clone) must be
// the same tokenizer: same ids and offsets on real code and on the awkward cases, same tables.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ByteLevelBpeTokenizer, loadTokenizer } from '../../../src/core/tokenizer';
import { SHARED_CODET5 } from './hfReference';

const REPO = join(__dirname, '..', '..', '..');

/** Real code every checkout has: the examples and this project's tokenizer sources. */
function realCode(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else out.push(readFileSync(join(dir, e.name), 'utf8'));
    }
  };
  walk(join(REPO, 'examples'));
  walk(join(REPO, 'src', 'core', 'tokenizer'));
  return out;
}

test('a tokenizer rebuilt from its snapshot after structured clone encodes exactly as the original', () => {
  const original = loadTokenizer(SHARED_CODET5);
  const snapshot = structuredClone(original.snapshot());
  const copy = new ByteLevelBpeTokenizer(snapshot);
  assert.equal(copy.name, original.name);
  assert.equal(copy.vocabSize, original.vocabSize);
  assert.deepEqual(copy.specialIds, original.specialIds);
  const texts = [
    ...realCode(),
    '<s>getUserById</s> <pad> <extra_id_0> x<mask>y',
    'naïve café — 日本語の識別子 🙂🙂 \u0085\ufeff\r\n\t  trailing   ',
    'a'.repeat(5000),
    '',
  ];
  assert.ok(texts.length > 15, 'real code to compare on');
  for (const text of texts) {
    const a = original.encode(text), b = copy.encode(text);
    assert.deepEqual([...b.ids], [...a.ids]);
    assert.deepEqual([...b.starts], [...a.starts]);
    assert.deepEqual([...b.ends], [...a.ends]);
    assert.equal(copy.count(text), original.count(text));
  }
  for (const id of [0, 1, 2, 3, 100, 5000, 32000, original.vocabSize - 1, original.vocabSize]) {
    assert.equal(copy.idToToken(id), original.idToToken(id), `id ${id}`);
    const tok = original.idToToken(id);
    if (tok !== undefined) assert.equal(copy.tokenToId(tok), original.tokenToId(tok));
  }
});
