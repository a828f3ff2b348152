// The hand-written GPT-2 pre-tokenizer scanner must split exactly like the regex it replaces
// (with `\s` read as Unicode White_Space, as Oniguruma does in the Rust reference).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { gpt2PreTokenEnd } from '../../../src/core/tokenizer/gpt2PreTokenizer';

const GPT2_REGEX = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

function scan(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const j = gpt2PreTokenEnd(text, i, text.length);
    assert.ok(j > i, `no progress at ${i}`);
    out.push(text.slice(i, j));
    i = j;
  }
  return out;
}

describe('GPT-2 pre-tokenizer scanner', () => {
  it('splits random text exactly like the regex', () => {
    const alphabet = ['a', 'Z', 'é', '日', '1', '٣', '²', 'Ⅻ', ' ', ' ', '\t', '\n', '\r', '\u0085', '\ufeff', '\u00a0', '\u2028', '\u3000', '\u200b', '\u001c', "'", 's', 't', 'r', 'e', 'l', 'v', 'd', 'm', '.', '(', '_', '🤗', '𝔘', '𝟙', '\ud800', '\udfff', '\u0301'];
    let seed = 99;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000);
    for (let t = 0; t < 20000; t++) {
      let s = '';
      const len = Math.floor(rnd() * 16);
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      assert.deepEqual(scan(s), s.match(GPT2_REGEX) ?? [], JSON.stringify(s));
    }
  });

  it('splits real code exactly like the regex', () => {
    const text = readFileSync(resolve(__dirname, '..', '..', '..', 'node_modules', 'typescript', 'lib', 'lib.dom.d.ts'), 'utf8').slice(0, 400_000);
    assert.deepEqual(scan(text), text.match(GPT2_REGEX));
  });

  it('keeps a surrogate pair together and honours the section end', () => {
    assert.deepEqual(scan('x🤗🤗 y'), ['x', '🤗🤗', ' y']);
    // The scanner must not look past `end` (sections stop at added tokens).
    assert.equal(gpt2PreTokenEnd("ab's", 0, 2), 2);
    assert.equal(gpt2PreTokenEnd("'s", 0, 1), 1);
    assert.equal(gpt2PreTokenEnd('  x', 0, 2), 2);
  });
});
