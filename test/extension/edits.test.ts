import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanExtractor } from '../../src/core/spans';
import { endOfInsertion, treeEditFor } from '../../src/extension/edits';

describe('treeEditFor', () => {
  it('converts a single-line replacement', () => {
    const e = treeEditFor({ rangeOffset: 10, rangeLength: 3, start: { line: 1, character: 4 }, end: { line: 1, character: 7 }, text: 'abcde' });
    assert.deepEqual(e, {
      startIndex: 10, oldEndIndex: 13, newEndIndex: 15,
      startPosition: { row: 1, column: 4 }, oldEndPosition: { row: 1, column: 7 }, newEndPosition: { row: 1, column: 9 },
    });
  });

  it('puts the new end after the last inserted line break', () => {
    assert.deepEqual(endOfInsertion({ row: 2, column: 5 }, 'x\nyy\nzzz'), { row: 4, column: 3 });
    assert.deepEqual(endOfInsertion({ row: 2, column: 5 }, ''), { row: 2, column: 5 });
    assert.deepEqual(endOfInsertion({ row: 0, column: 0 }, 'a\n'), { row: 1, column: 0 });
  });

  it('lets an incremental parse reproduce a full parse', async () => {
    // Real check against web-tree-sitter: edit the old tree, re-parse, compare with a fresh parse.
    const ex = await SpanExtractor.create();
    await ex.ensureLanguage('python');
    const before = 'def f(a):\n    return a\n';
    const { tree } = ex.parse(before, 'python');
    const insert = 'long_name_here, ';
    const offset = before.indexOf('a)');
    const after = before.slice(0, offset) + insert + before.slice(offset);
    tree.edit(treeEditFor({ rangeOffset: offset, rangeLength: 0, start: { line: 0, character: offset }, end: { line: 0, character: offset }, text: insert }));
    const inc = ex.parse(after, 'python', tree);
    const full = ex.parse(after, 'python');
    assert.deepEqual(inc.result.identifiers, full.result.identifiers);
    assert.ok(inc.result.identifiers.some((s) => after.slice(s.start, s.end) === 'long_name_here'));
    for (const t of [tree, inc.tree, full.tree]) t.delete();
    ex.dispose();
  });
});
