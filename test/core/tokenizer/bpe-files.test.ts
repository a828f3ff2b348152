// One parser of vocab.json/merges.txt and tokenizer.json: the tokenizer and the merger's training
// data read the same vocabulary and rules, in either layout, and agree on a rule listed twice.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TokenizerLoadError, loadTokenizer } from '../../../src/core/tokenizer';
import { BYTE_TO_UNICODE } from '../../../src/core/tokenizer/byteLevel';
import { readBpeFiles } from '../../../src/core/tokenizer/load';
import { buildMergeExamples } from '../../../src/core/runtime/merger';
import { SHARED_CODET5, buildCodeT5TokenizerJson } from './hfReference';

const tmp = mkdtempSync(join(tmpdir(), 'bpe-files-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('readBpeFiles', () => {
  it('reads the same vocabulary and rules from tokenizer.json as from vocab.json + merges.txt', () => {
    const fromFolder = readBpeFiles(SHARED_CODET5);
    const json = join(tmp, 'tokenizer.json');
    writeFileSync(json, JSON.stringify(buildCodeT5TokenizerJson()));
    const fromJson = readBpeFiles(json);
    assert.ok(fromFolder.merges.length > 31_000, 'the real CodeT5 merges are read');
    assert.deepEqual([...fromJson.vocab].slice(0, 500), [...fromFolder.vocab].slice(0, 500));
    assert.equal(fromJson.vocab.size, fromFolder.vocab.size);
    assert.deepEqual(fromJson.merges, fromFolder.merges);
  });

  it('refuses what the tokenizer refuses (a truncated merges.txt)', () => {
    const dir = join(tmp, 'truncated');
    mkdirSync(dir);
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify({ a: 0, b: 1, ab: 2, c: 3, abc: 4 }));
    writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\na b\nab');
    assert.throws(() => readBpeFiles(dir), TokenizerLoadError);
    assert.throws(() => loadTokenizer(dir), TokenizerLoadError);
  });

  it('a rule listed twice takes its later rank in the merger, as in the tokenizer', () => {
    // "b c" first, "a b" second, "b c" again: with the later rank of "b c", "a b" wins on "abc".
    const dir = join(tmp, 'repeated');
    mkdirSync(dir);
    // A byte-level vocabulary: every byte's character, then the three merged tokens.
    const bytes = Object.fromEntries(BYTE_TO_UNICODE.map((ch, i) => [ch, i]));
    const vocab = { ...bytes, a: bytes.a!, b: bytes.b!, c: bytes.c!, bc: 256, ab: 257, abc: 258 };
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocab));
    writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\nb c\na b\nb c\nab c\n');
    const tokenizer = loadTokenizer(dir);
    const pieces = Array.from(tokenizer.encode('abc').ids);
    assert.deepEqual(pieces, [vocab.abc], 'the tokenizer merges "a b" first, then "ab c"');
    // The merger's example for "abc" is the split BPE makes without the rule that builds it:
    // "ab" + "c" (with the first rank of "b c" it would be "a" + "bc").
    const examples = buildMergeExamples(readBpeFiles(dir), { maxPieces: 2 });
    assert.deepEqual(examples.find((e) => e.target === vocab.abc)?.pieces, [vocab.ab, vocab.c]);
  });
});
