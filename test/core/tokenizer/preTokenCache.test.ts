// The tokenizer's range-keyed pre-token cache (preTokenCache.ts) and the in-place merges.txt
// parser: both replaced simpler code for speed, so each is checked against what it replaced.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PreTokenCache } from '../../../src/core/tokenizer/preTokenCache';
import { parseMergesTxt } from '../../../src/core/tokenizer/mergesTxt';
import { codet5 } from '../helpers';

test('a range of the text finds what was stored under the same characters anywhere else', () => {
  const cache = new PreTokenCache(1000);
  const text = 'foo bar foo Foo fo';
  assert.equal(cache.get(text, 0, 3), undefined);
  cache.set(text, 0, 3, 7);
  assert.equal(cache.get(text, 8, 11), 7, 'the second "foo"');
  assert.equal(cache.get(text, 12, 15), undefined, '"Foo" differs in case');
  assert.equal(cache.get(text, 16, 18), undefined, '"fo" is a prefix, not the key');
  assert.equal(cache.get('xfoox', 1, 4), 7, 'another string with the same characters');
  const ids = Int32Array.of(1, 2);
  assert.equal(cache.get(text, 3, 7), undefined);
  cache.set(text, 3, 7, ids);
  assert.equal(cache.get(' bar', 0, 4), ids);
  assert.equal(cache.size, 2);
});

test('grows past its first capacity and empties itself at the entry limit', () => {
  const cache = new PreTokenCache(10_000);
  const key = (i: number) => `k${i.toString(36)}`;
  for (let i = 0; i < 9_999; i++) {
    const k = key(i);
    assert.equal(cache.get(k, 0, k.length), undefined);
    cache.set(k, 0, k.length, i);
  }
  assert.equal(cache.size, 9_999);
  for (let i = 0; i < 9_999; i += 97) assert.equal(cache.get(key(i), 0, key(i).length), i);
  const extra = ['x1', 'x2'];
  for (const k of extra) if (cache.get(k, 0, k.length) === undefined) cache.set(k, 0, k.length, -1);
  assert.equal(cache.size, 1, 'the 10,001st entry starts a fresh table');
  assert.equal(cache.get('x2', 0, 2), -1);
  assert.equal(cache.get(key(0), 0, key(0).length), undefined);
});

test('encode gives the same ids and offsets with a cold cache and a warm one', () => {
  const tok = codet5();
  const text = 'def get_user_by_id(user_id):\n    return users[user_id]  # café ✓\n'.repeat(20);
  const a = tok.encode(text);
  const b = tok.encode(text);
  assert.deepEqual([...b.ids], [...a.ids]);
  assert.deepEqual([...b.starts], [...a.starts]);
  assert.deepEqual([...b.ends], [...a.ends]);
  assert.equal(tok.count(text), a.length);
});

/** The split-based parser parseMergesTxt replaced (rules and error text). */
function splitParse(text: string): Array<[string, string]> | string {
  const merges: Array<[string, string]> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if ((i === 0 && line.startsWith('#version')) || line === '') continue;
    const parts = line.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      const cut = !text.endsWith('\n') && i === lines.length - 1 ? ' (the last line, with no newline after it: the file looks truncated)' : '';
      return `line ${i + 1} is not a merge rule "A B"${cut}: ${JSON.stringify(line.slice(0, 80))}`;
    }
    merges.push([parts[0], parts[1]]);
  }
  return merges;
}

test('merges.txt: the in-place parser reads and refuses exactly what split(/\\r?\\n/) and split(" ") did', () => {
  const parse = (text: string) => {
    try {
      return parseMergesTxt(text, 'merges.txt');
    } catch (e) {
      return (e as Error).message.replace(/^.*merges\.txt: /, '');
    }
  };
  const cases = ['', '\n', '#version: 0.2\n', '#version\r\na b\r\n', 'a b', 'a b\n\n\nc d', 'a  b\n', ' a\n', 'a \n', 'a b c\n',
    'a\n', 'a b\rc\n', 'a b\r', '\r\n\r\n', 'x y\n#version\n', '#versio\nn a\n', 'a b\nc', 'ab\r\n', 'a b\r\r\n', 'Ġ t\nĠt h\n'];
  // Plus every short string over an alphabet of the characters that matter, in a fixed order.
  const alphabet = ['a', ' ', '\n', '\r', '#'];
  for (let n = 1; n <= 6; n++) {
    for (let code = 0; code < alphabet.length ** n; code++) {
      let s = '';
      for (let k = 0, c = code; k < n; k++, c = Math.floor(c / alphabet.length)) s += alphabet[c % alphabet.length];
      cases.push(s);
    }
  }
  for (const text of cases) assert.deepEqual(parse(text), splitParse(text), JSON.stringify(text));
});
