// Token ids back to text: the inverse of the byte-level BPE encoding, special tokens dropped.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeIds, isSpecialId } from '../../../src/core/runtime/decode-text';
import { loadTokenizer } from '../../../src/core/tokenizer';
import { codet5 } from '../helpers';
import { TOKENIZER_100 } from './graph/helpers';

it('decodes what the CodeT5 tokenizer encodes, multi-byte characters included', () => {
  const tok = codet5();
  for (const text of ['def get_user_by_id(self, user_id):\n    return self.cache[user_id]', 'naïve → “quotes” 日本語 🎉', '  leading spaces\tand tabs\n']) {
    assert.equal(decodeIds(tok, Array.from(tok.encode(text).ids)), text);
  }
});

it('drops special tokens (<s>, </s>, <pad>, <unk>, <extra_id_N>) as skip_special_tokens does', () => {
  const tok = codet5();
  const ids = [tok.specialIds.bos!, ...tok.encode('return x').ids, tok.tokenToId('<extra_id_0>')!, tok.specialIds.eos!, tok.specialIds.pad!];
  assert.equal(decodeIds(tok, ids), 'return x');
  assert.ok(isSpecialId(tok, tok.tokenToId('<extra_id_99>')!));
  assert.ok(!isSpecialId(tok, tok.encode('x').ids[0]!));
});

it('a sequence cut inside a UTF-8 character shows U+FFFD; an id without a token is skipped', () => {
  const tok = codet5();
  const ids = Array.from(tok.encode('日').ids);
  assert.ok(ids.length > 1, 'a character split over byte tokens');
  assert.equal(decodeIds(tok, ids.slice(0, 1)), '\uFFFD');
  assert.equal(decodeIds(tok, ids), '日');
  const small = loadTokenizer(TOKENIZER_100);
  assert.equal(decodeIds(small, [...small.encode('ab').ids, 12345]), 'ab');
  // "é" is two bytes; the 100-id tokenizer has neither, so it encodes as <unk> and decodes to nothing.
  assert.equal(decodeIds(small, Array.from(small.encode('aéb').ids)), 'ab');
});
