import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encoderFlops, modelConfig } from '../../../src/core/flops';
import { sampleCounts, sampleFlops, sampleStats, keptTokenCount } from '../../../src/core/samples/analyze-sample';
import type { SourceSpan } from '../../../src/core/types';
import { codet5 } from '../helpers';

const TRUNCATE = { maxLength: 512, truncate: true };
const NO_TRUNCATE = { maxLength: 512, truncate: false };

/** `count` one-token words: " x" is one byte-level BPE token, and BPE never merges across a space. */
const xs = (count: number) => ' x'.repeat(count);

function identifier(text: string, name: string): SourceSpan {
  const start = text.indexOf(name);
  return { start, end: start + name.length, nodeType: 'identifier', kind: 'identifier' };
}

test('a sample of 600 content tokens is read as <s> + 510 + </s>: 512 positions before merging', () => {
  const text = xs(600);
  assert.equal(codet5().encode(text).length, 600);
  const c = sampleCounts({ text, tokenizer: codet5(), window: TRUNCATE, specials: 2, mergeSpans: [] });
  assert.deepEqual(c, { contentTokens: 600, tokens: 510, merged: 510 });
  const f = sampleFlops(modelConfig('codet5-base'), { name: 'encoder' }, 2, c.tokens, c.merged);
  assert.equal(f.lengthBefore, 512);
  assert.equal(f.flopsBefore, encoderFlops(modelConfig('codet5-base'), 512).total);
});

test('--no-truncate counts every token as one sequence', () => {
  const text = xs(600);
  const c = sampleCounts({ text, tokenizer: codet5(), window: NO_TRUNCATE, specials: 2, mergeSpans: [] });
  assert.deepEqual(c, { contentTokens: 600, tokens: 600, merged: 600 });
  assert.equal(sampleFlops(modelConfig('codet5-base'), { name: 'encoder' }, 2, c.tokens, c.merged).lengthBefore, 602);
  assert.equal(keptTokenCount(600, { maxLength: 100, truncate: true }, 2), 98);
});

test('a merge group cut by the truncation keeps only its kept pieces', () => {
  const pieces = codet5().encode(' get_user_by_id');
  assert.equal(pieces.length, 7); // ' get', '_', 'user', '_', 'by', '_', 'id'
  const counts = (before: number) => {
    const text = xs(before) + ' get_user_by_id';
    return sampleCounts({ text, tokenizer: codet5(), window: TRUNCATE, specials: 2, mergeSpans: [identifier(text, 'get_user_by_id')] });
  };
  // All 7 pieces kept: they merge into one position (6 saved).
  assert.deepEqual(counts(503), { contentTokens: 510, tokens: 510, merged: 504 });
  // 2 pieces kept (' get', '_'): they merge into one (1 saved); the 5 cut off are not seen.
  assert.deepEqual(counts(508), { contentTokens: 515, tokens: 510, merged: 509 });
  // 1 piece kept: nothing to merge.
  assert.deepEqual(counts(509), { contentTokens: 516, tokens: 510, merged: 510 });
  // A span wholly past the window changes nothing.
  assert.deepEqual(counts(520), { contentTokens: 527, tokens: 510, merged: 510 });
});

test('sampleStats sums what the model sees, as one window, and agrees with sampleCounts', () => {
  const text = xs(508) + ' get_user_by_id' + ' other_name';
  const spans = { language: 'python', identifiers: [identifier(text, 'get_user_by_id'), identifier(text, 'other_name')], strings: [], categories: { length: 0, starts: new Int32Array(), ends: new Int32Array(), codes: new Uint8Array() }, hasErrors: false };
  const { stats, contentTokens } = sampleStats({ text, tokenizer: codet5(), window: TRUNCATE, specials: 2, path: 'row 0', bytes: text.length, language: 'python', spans, scope: 'identifiers' });
  const counts = sampleCounts({ text, tokenizer: codet5(), window: TRUNCATE, specials: 2, mergeSpans: spans.identifiers });
  assert.equal(contentTokens, counts.contentTokens);
  assert.equal(stats.tokens, 510);
  assert.equal(stats.merged, counts.merged);
  assert.deepEqual(stats.windowsBefore, { count: 1, sum: 512, sumSq: 512 * 512 });
  assert.deepEqual(stats.windows, [[510, 509]]);
  // Only the identifier that reaches into the window counts; the one past it is not seen.
  assert.equal(stats.identifiers, 1);
  assert.deepEqual(Object.keys(stats.identifierTable), ['get_user_by_id']);
});

test('an empty sample runs nothing', () => {
  const c = sampleCounts({ text: '', tokenizer: codet5(), window: TRUNCATE, specials: 2, mergeSpans: [] });
  assert.deepEqual(c, { contentTokens: 0, tokens: 0, merged: 0 });
  assert.equal(sampleFlops(modelConfig('codet5-base'), { name: 'classify' }, 2, 0, 0).modelFlopsBefore, 0);
});
