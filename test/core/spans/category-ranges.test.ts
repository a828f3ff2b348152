import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CATEGORY_CODE, CategoryRangeBuilder, EMPTY_CATEGORY_RANGES, categoryAt, categoryRangesFromArray, categoryRangesToArray,
} from '../../../src/core/spans/category-ranges';
import { SYNTAX_CATEGORIES, type CategoryRange } from '../../../src/core/types';

test('every category survives the packed form: one distinct byte-sized code each, decoded back to itself', () => {
  // One range per category, with gaps so nothing is joined: packing then unpacking (and building
  // from the codes) must give every category back, which fails if two categories share a code, a
  // code does not fit the Uint8Array, or decoding reads another table than encoding wrote.
  const ranges: CategoryRange[] = SYNTAX_CATEGORIES.map((category, i) => ({ start: 2 * i, end: 2 * i + 1, category }));
  assert.deepEqual(categoryRangesToArray(categoryRangesFromArray(ranges)), ranges);
  const b = new CategoryRangeBuilder();
  for (const r of ranges) b.add(r.start, r.end, CATEGORY_CODE[r.category]);
  assert.deepEqual(categoryRangesToArray(b.finish()), ranges);
  const codes = SYNTAX_CATEGORIES.map((c) => CATEGORY_CODE[c]);
  assert.equal(new Set(codes).size, codes.length, `codes ${codes.join(',')} repeat`);
  for (const code of codes) assert.ok(Number.isInteger(code) && code >= 0 && code <= 255, `code ${code} does not fit a byte`);
});

test('the builder drops empty ranges and joins adjacent string pieces only', () => {
  const b = new CategoryRangeBuilder(1);
  b.add(0, 3, CATEGORY_CODE.keyword);
  b.add(3, 3, CATEGORY_CODE.operator); // empty
  b.add(4, 5, CATEGORY_CODE.string); // quote
  b.add(5, 9, CATEGORY_CODE.string); // contents: joined
  b.add(9, 10, CATEGORY_CODE.string); // quote: joined
  b.add(11, 12, CATEGORY_CODE.string); // after a gap: new range
  b.add(12, 13, CATEGORY_CODE.operator);
  b.add(13, 14, CATEGORY_CODE.operator); // adjacent operators stay apart
  assert.deepEqual(categoryRangesToArray(b.finish()), [
    { start: 0, end: 3, category: 'keyword' },
    { start: 4, end: 10, category: 'string' },
    { start: 11, end: 12, category: 'string' },
    { start: 12, end: 13, category: 'operator' },
    { start: 13, end: 14, category: 'operator' },
  ]);
});

test('the builder grows past its first capacity and finish() trims to the length', () => {
  const b = new CategoryRangeBuilder(16);
  const n = 10_000;
  for (let i = 0; i < n; i++) b.add(2 * i, 2 * i + 1, i % SYNTAX_CATEGORIES.length);
  const r = b.finish();
  assert.equal(r.length, n);
  assert.equal(r.starts.length, n);
  assert.equal(r.ends.length, n);
  assert.equal(r.codes.length, n);
  for (let i = 0; i < n; i += 997) {
    assert.equal(r.starts[i], 2 * i);
    assert.equal(r.ends[i], 2 * i + 1);
    assert.equal(categoryAt(r, i), SYNTAX_CATEGORIES[i % SYNTAX_CATEGORIES.length]);
  }
  // The result is a copy: more ranges added later do not show in it.
  b.add(3 * n, 3 * n + 1, CATEGORY_CODE.other);
  assert.equal(r.length, n);
  assert.equal(b.finish().length, n + 1);
});

test('object form and packed form convert both ways', () => {
  const ranges: CategoryRange[] = [
    { start: 0, end: 2, category: 'identifier' }, { start: 2, end: 3, category: 'operator' },
    { start: 5, end: 9, category: 'comment' }, { start: 10, end: 11, category: 'other' },
  ];
  const packed = categoryRangesFromArray(ranges);
  assert.deepEqual([...packed.starts], [0, 2, 5, 10]);
  assert.deepEqual([...packed.codes], [CATEGORY_CODE.identifier, CATEGORY_CODE.operator, CATEGORY_CODE.comment, CATEGORY_CODE.other]);
  assert.deepEqual(categoryRangesToArray(packed), ranges);
  assert.deepEqual(categoryRangesToArray(EMPTY_CATEGORY_RANGES), []);
  assert.deepEqual(categoryRangesToArray(new CategoryRangeBuilder().finish()), []);
});
