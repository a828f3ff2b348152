// Loading: tokenizer.json (checked against @huggingface/tokenizers on the same file), the
// vocab.json + merges.txt folder conventions, and clear errors for missing or broken files.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { TokenizerLoadError, loadTokenizer } from '../../../src/core/tokenizer';
import { BYTE_TO_UNICODE } from '../../../src/core/tokenizer/byteLevel';
import { SHARED_CODET5 } from './hfReference';

const tmp = mkdtempSync(join(tmpdir(), 'tokenizer-load-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A tiny byte-level BPE: the 256 byte symbols plus a few merges. */
function tinyTokenizerJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  BYTE_TO_UNICODE.forEach((ch, b) => (vocab[ch] = b));
  const merges = ['Ġ t', 'h e', 'Ġt he', 'i n', 'Ġ in', '1 2', '12 3', 'e r', 'Ġ w', 'o r', 'Ġw or'];
  let next = 256;
  for (const m of merges) vocab[m.replace(' ', '')] = next++;
  return {
    version: '1.0',
    added_tokens: [
      { id: 300, content: '[CLS]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: 301, content: '<tok>', single_word: false, lstrip: true, rstrip: true, normalized: false, special: true },
      { id: 302, content: 'word', single_word: true, lstrip: false, rstrip: false, normalized: true, special: false },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: null,
    model: { type: 'BPE', dropout: null, unk_token: null, vocab, merges },
    ...overrides,
  };
}

function writeJson(name: string, value: unknown): string {
  const p = join(tmp, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

function hfIds(json: Record<string, unknown>, text: string): number[] {
  return new HfTokenizer(json, {}).encode(text, { add_special_tokens: false }).ids;
}

describe('loadTokenizer: tokenizer.json', () => {
  it('matches @huggingface/tokenizers on a hand-made byte-level BPE', () => {
    const json = tinyTokenizerJson();
    const tok = loadTokenizer(writeJson('tiny.json', json));
    assert.equal(tok.vocabSize, 303);
    for (const text of ['the in 123 1234 worker', '[CLS]the  <tok>  in<tok>x', 'théâtre 🤗 in\tthe\n', '']) {
      assert.deepEqual(Array.from(tok.encode(text).ids), hfIds(json, text), JSON.stringify(text));
    }
  });

  it('honours lstrip/rstrip (the stripped spaces belong to the token) and single_word', () => {
    const tok = loadTokenizer(writeJson('tiny2.json', tinyTokenizerJson()));
    const text = 'a  <tok>  b';
    const e = tok.encode(text);
    const k = Array.from(e.ids).indexOf(301);
    assert.deepEqual([e.starts[k], e.ends[k]], [1, 10]);
    // `word` alone is the added token; inside "swordfish" it is not.
    assert.ok(Array.from(tok.encode('a word b').ids).includes(302));
    assert.ok(!Array.from(tok.encode('swordfish').ids).includes(302));
  });

  it('supports a Sequence of Digits and ByteLevel without regex, and Split', () => {
    const digits = tinyTokenizerJson({
      pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, { type: 'ByteLevel', add_prefix_space: false, use_regex: true }] },
    });
    const a = loadTokenizer(writeJson('digits.json', digits));
    const text = 'the 123 in 12';
    assert.deepEqual(Array.from(a.encode(text).ids), hfIds(digits, text));
    assert.equal(a.count('123'), 3, 'individual digits are never merged');
    const split = tinyTokenizerJson({
      pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '\\s+|[0-9]+' }, behavior: 'Isolated', invert: false }, { type: 'ByteLevel', add_prefix_space: false, use_regex: false }] },
    });
    const b = loadTokenizer(writeJson('split.json', split));
    for (const t of ['the in 1234 worker', 'thein  the']) assert.deepEqual(Array.from(b.encode(t).ids), hfIds(split, t), t);
  });

  it('applies ByteLevel add_prefix_space like HF', () => {
    const json = tinyTokenizerJson({ pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, use_regex: true } });
    const tok = loadTokenizer(writeJson('prefix.json', json));
    for (const t of ['the in', ' the', 'in[CLS]the']) assert.deepEqual(Array.from(tok.encode(t).ids), hfIds(json, t), t);
    const e = tok.encode('the');
    assert.deepEqual([e.starts[0], e.ends[0]], [0, 3], 'the invisible prefix space maps onto the text start');
  });

  const errorCases: Array<[string, unknown, RegExp]> = [
    ['corrupt JSON', '{"model": ', /invalid JSON/],
    ['WordPiece model', tinyTokenizerJson({ model: { type: 'WordPiece', vocab: {} } }), /model type "WordPiece" is not supported/],
    ['normalizer', tinyTokenizerJson({ normalizer: { type: 'NFKC' } }), /normalizer "NFKC" is not supported/],
    ['Metaspace', tinyTokenizerJson({ pre_tokenizer: { type: 'Metaspace' } }), /pre_tokenizer "Metaspace" is not supported/],
    ['no ByteLevel', tinyTokenizerJson({ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Digits' }] } }), /no ByteLevel step/],
    ['MergedWithPrevious', tinyTokenizerJson({ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithPrevious' }, { type: 'ByteLevel' }] } }), /Split behavior "MergedWithPrevious"/],
    ['Oniguruma-only regex', tinyTokenizerJson({ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '(?i:ab)' }, behavior: 'Isolated' }, { type: 'ByteLevel' }] } }), /not valid JavaScript regex syntax/],
    ['dropout', tinyTokenizerJson({ model: { ...(tinyTokenizerJson().model as object), dropout: 0.1 } }), /dropout/],
    ['merge of unknown tokens', tinyTokenizerJson({ model: { ...(tinyTokenizerJson().model as object), merges: ['x yz'] } }), /merge rule 1 \("x yz"\) uses "yz"/],
    ['not byte-level', tinyTokenizerJson({ model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [] } }), /no entry for byte 0x0/],
  ];
  for (const [name, content, message] of errorCases) {
    it(`rejects ${name} with a TokenizerLoadError naming the file`, () => {
      const p = writeJson(`bad-${name.replace(/\W/g, '_')}.json`, content);
      assert.throws(() => loadTokenizer(p), (err: unknown) => err instanceof TokenizerLoadError && message.test(err.message) && err.path === p && err.message.includes(p));
    });
  }
});

describe('loadTokenizer: vocab.json + merges.txt folders', () => {
  function folder(name: string, files: Record<string, string>, copyShared = true): string {
    const dir = join(tmp, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    if (copyShared) {
      copyFileSync(join(SHARED_CODET5, 'vocab.json'), join(dir, 'vocab.json'));
      copyFileSync(join(SHARED_CODET5, 'merges.txt'), join(dir, 'merges.txt'));
    }
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    return dir;
  }

  it('adds the CodeT5 sentinels to a plain CodeT5 folder, and not when told otherwise', () => {
    const tok = loadTokenizer(SHARED_CODET5);
    assert.equal(tok.name, 'codet5 (byte-level BPE, 32100)');
    assert.deepEqual(Array.from(tok.encode('<extra_id_0><extra_id_99>').ids), [32099, 32000]);
    const none = loadTokenizer(SHARED_CODET5, { sentinels: 0 });
    assert.equal(none.vocabSize, 32000);
    assert.ok(none.encode('<extra_id_0>').length > 1);
  });

  it('reads added_tokens.json, special_tokens_map.json and tokenizer_config.json', () => {
    const dir = folder('hub-style', {
      'added_tokens.json': JSON.stringify({ '<extra_id_0>': 32099, '<extra_id_1>': 32098 }),
      'special_tokens_map.json': JSON.stringify({ mask_token: { content: '<mask>', lstrip: false, rstrip: false, single_word: false, normalized: true } }),
      'tokenizer_config.json': JSON.stringify({ added_tokens_decoder: { '32098': { content: '<extra_id_1>', lstrip: true, rstrip: false, normalized: false, single_word: false, special: true } } }),
    });
    const tok = loadTokenizer(dir);
    assert.equal(tok.vocabSize, 32100);
    assert.equal(tok.tokenToId('<extra_id_2>'), undefined, 'added_tokens.json replaces the sentinel heuristic');
    // special_tokens_map turned lstrip off for <mask>: the space before it is its own token.
    assert.deepEqual(Array.from(tok.encode('a <mask>').ids).slice(-1), [4]);
    assert.equal(tok.encode('a <mask>').length, 3);
    // tokenizer_config turned lstrip on for <extra_id_1>.
    const e = tok.encode('a  <extra_id_1>');
    assert.deepEqual([e.length, e.ids[1], e.starts[1]], [2, 32098, 1]);
  });

  it('reports missing and corrupt files with their path', () => {
    const isLoadError = (re: RegExp) => (err: unknown) => err instanceof TokenizerLoadError && re.test(err.message);
    assert.throws(() => loadTokenizer(join(tmp, 'does-not-exist')), isLoadError(/does-not-exist: no such file or folder/));
    const onlyVocab = folder('only-vocab', { 'vocab.json': '{"a": 0}' }, false);
    assert.throws(() => loadTokenizer(onlyVocab), isLoadError(/missing merges\.txt/));
    const badVocab = folder('bad-vocab', { 'vocab.json': '[1, 2', 'merges.txt': '' }, false);
    assert.throws(() => loadTokenizer(badVocab), isLoadError(/vocab\.json: invalid JSON/));
    const badIds = folder('bad-ids', { 'vocab.json': '{"a": "zero"}', 'merges.txt': '' }, false);
    assert.throws(() => loadTokenizer(badIds), isLoadError(/has id "zero"/));
    const badMerges = folder('bad-merges', { 'merges.txt': '#version: 0.2\nĠ t\nthis line has three\n' });
    assert.throws(() => loadTokenizer(badMerges), isLoadError(/merges\.txt: line 3 is not a merge rule/));
  });
});
