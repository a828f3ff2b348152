import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trackRange, trackRangeThrough, type LineRange, type RangeChange } from '../../src/extension/resultsRange';

const range = (sl: number, sc: number, el: number, ec: number): LineRange => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const change = (sl: number, sc: number, el: number, ec: number, text: string): RangeChange => ({ start: { line: sl, character: sc }, end: { line: el, character: ec }, text });

/**
 * Applies `c` to `text` (lines split on `eol`) as VS Code would, so each expectation is checked
 * against the text itself: the tracked range must still hold the analysed code.
 */
function offsetOf(text: string, eol: string, p: { line: number; character: number }): number {
  return text.split(eol).slice(0, p.line).reduce((n, l) => n + l.length + eol.length, 0) + p.character;
}
function apply(text: string, eol: string, c: RangeChange): string {
  return text.slice(0, offsetOf(text, eol, c.start)) + c.text + text.slice(offsetOf(text, eol, c.end));
}
function slice(text: string, eol: string, r: LineRange): string {
  return text.slice(offsetOf(text, eol, r.start), offsetOf(text, eol, r.end));
}

describe('trackRange: the analysed range follows its code through edits', () => {
  const text = 'import os\n\ndef get_user_by_id(user_id):\n    return user_id\n\nprint(1)\n';
  // The analysed selection: the function (lines 2-3), from "def" to the end of "return user_id".
  const analysed = range(2, 0, 3, 18);

  it('moves down by the lines inserted above (the stale CodeLens stays on its line)', () => {
    const c = change(0, 9, 0, 9, '\nimport sys');
    const t = trackRange(analysed, c);
    assert.deepEqual(t.range, range(3, 0, 4, 18));
    assert.equal(t.touched, false);
    const after = apply(text, '\n', c);
    assert.equal(slice(after, '\n', t.range), slice(text, '\n', analysed));
  });

  it('moves up when lines above are deleted, and sideways for an edit on its first line before it', () => {
    const del = change(0, 0, 1, 0, '');
    assert.deepEqual(trackRange(analysed, del).range, range(1, 0, 2, 18));
    const indented = range(3, 4, 3, 18); // "return user_id"
    const c = change(3, 0, 3, 0, '  ');
    const t = trackRange(indented, c);
    assert.deepEqual(t.range, range(3, 6, 3, 20));
    assert.equal(slice(apply(text, '\n', c), '\n', t.range), 'return user_id');
  });

  it('grows and shrinks with an edit inside, and says the text was touched', () => {
    const c = change(2, 4, 2, 8, 'fetch\n');
    const t = trackRange(analysed, c);
    assert.equal(t.touched, true);
    assert.deepEqual(t.range.start, analysed.start);
    assert.deepEqual(t.range.end, { line: 4, character: 18 });
    assert.equal(slice(apply(text, '\n', c), '\n', t.range), 'def fetch\nuser_by_id(user_id):\n    return user_id');
  });

  it('stays put for an edit below, and for typing at either edge does not grow', () => {
    const below = change(5, 0, 5, 8, 'print(2)\nprint(3)');
    assert.deepEqual(trackRange(analysed, below), { range: analysed, touched: false });
    // Typing right at the start pushes the range (the new text is not what was analysed)...
    const atStart = change(2, 0, 2, 0, '@cache\n');
    const t = trackRange(analysed, atStart);
    assert.deepEqual(t.range, range(3, 0, 4, 18));
    assert.equal(t.touched, false);
    // ... and typing right at the end leaves it out.
    assert.deepEqual(trackRange(analysed, change(3, 18, 3, 18, ' + 1')), { range: analysed, touched: false });
  });

  it('collapses onto the edit when the whole range is deleted', () => {
    const t = trackRange(analysed, change(1, 0, 4, 0, ''));
    assert.deepEqual(t.range, range(1, 0, 1, 0));
    assert.equal(t.touched, true);
  });

  it('counts a CRLF line break as one line, as VS Code does', () => {
    const crlf = text.replace(/\n/g, '\r\n');
    // VS Code inserts the document's own line ending.
    const c = change(0, 9, 0, 9, '\r\nimport sys\r\nimport re');
    const t = trackRange(analysed, c);
    assert.deepEqual(t.range, range(4, 0, 5, 18));
    assert.equal(slice(apply(crlf, '\r\n', c), '\r\n', t.range), 'def get_user_by_id(user_id):\r\n    return user_id');
    // Joining the first two lines (deleting "\r\n", which VS Code reports as line 0's end to line 1's start).
    const join = change(0, 9, 1, 0, '');
    assert.deepEqual(trackRange(analysed, join).range, range(1, 0, 2, 18));
  });

  it('applies the changes of one event in turn (several cursors)', () => {
    // VS Code gives multi-cursor changes last first, so each applies to the text the previous left.
    const changes = [change(5, 0, 5, 0, '#\n'), change(1, 0, 1, 0, '#\n'), change(0, 0, 0, 0, '#\n')];
    const t = trackRangeThrough(analysed, changes);
    assert.deepEqual(t.range, range(4, 0, 5, 18));
    assert.equal(t.touched, false);
    let after = text;
    for (const c of changes) after = apply(after, '\n', c);
    assert.equal(slice(after, '\n', t.range), slice(text, '\n', analysed));
  });
});
