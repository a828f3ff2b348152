import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildBoundaryIndex, densityLevel, lineDensity, visibleBoundaries, type PieceRange } from '../../../src/core/merge/boundaries';
import { buildMergePlan } from '../../../src/core/merge/plan';
import { loadTokenizer } from '../../../src/core/tokenizer';
import type { Encoding, SourceSpan, Tokenizer } from '../../../src/core/types';

const TOKENIZER = join(resolve(__dirname, '..', '..', '..', '..'), 'shared', 'tokenizers', 'codet5');

function spansOf(text: string, names: string[]): SourceSpan[] {
  return names.map((n) => {
    const start = text.indexOf(n);
    assert.ok(start >= 0, n);
    return { start, end: start + n.length, nodeType: 'identifier', kind: 'identifier' as const };
  }).sort((a, b) => a.start - b.start);
}

/** A hand-made encoding, for token shapes the real tokenizer does not produce on short inputs. */
function encodingOf(ranges: [number, number][]): Encoding {
  return {
    ids: Int32Array.from(ranges.map((_, i) => i)),
    starts: Int32Array.from(ranges.map((r) => r[0])),
    ends: Int32Array.from(ranges.map((r) => r[1])),
    length: ranges.length,
  };
}

/** The text each piece covers, as `line:text`. */
function texts(text: string, pieces: readonly { line: number; startChar: number; endChar: number }[]): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  return pieces.map((p) => `${p.line}:${lines[p.line]!.slice(p.startChar, p.endChar)}`);
}

function assertAlternates(pieces: readonly PieceRange[]): void {
  for (let i = 1; i < pieces.length; i++) {
    const [a, b] = [pieces[i - 1]!, pieces[i]!];
    if (a.line === b.line && a.endChar === b.startChar) assert.notEqual(a.parity, b.parity, `pieces ${i - 1} and ${i} touch with one colour`);
  }
}

describe('visibleBoundaries', () => {
  let tok: Tokenizer;
  before(() => { tok = loadTokenizer(TOKENIZER); });

  function all(text: string, names: string[], firstLine = 0, lastLine = 1e9) {
    const enc = tok.encode(text);
    const identifiers = spansOf(text, names);
    const plan = buildMergePlan(text, enc, identifiers);
    return visibleBoundaries(enc, buildBoundaryIndex(text, enc), identifiers, plan.groups, firstLine, lastLine);
  }

  it('CRLF: columns count from each line start and no piece holds \\r or \\n', () => {
    const text = 'a\r\nb = 1\r\n';
    const { pieces } = all(text, ['a', 'b']);
    assert.deepEqual(texts(text, pieces), ['0:a', '1:b', '1: =', '1: 1']);
    assert.deepEqual(pieces.map((p) => [p.line, p.startChar, p.endChar]), [[0, 0, 1], [1, 0, 1], [1, 1, 3], [1, 3, 5]]);
    assertAlternates(pieces);
  });

  it('a lone \\r ends a line as in VS Code', () => {
    const text = 'ab\rcd';
    const enc = encodingOf([[0, 2], [2, 3], [3, 5]]);
    const { pieces } = visibleBoundaries(enc, buildBoundaryIndex(text, enc), [], [], 1, 1);
    assert.deepEqual(pieces.map((p) => [p.line, p.startChar, p.endChar]), [[1, 0, 2]]);
  });

  it('tabs are one column each, drawn as their own tokens', () => {
    const text = '\tif x:\n\t\treturn y\n';
    const { pieces } = all(text, ['x', 'y']);
    assert.deepEqual(texts(text, pieces), ['0:\t', '0:if', '0: x', '0::', '1:\t', '1:\t', '1:return', '1: y']);
    const ret = pieces[6]!;
    assert.deepEqual([ret.line, ret.startChar, ret.endChar], [1, 2, 8]);
    assertAlternates(pieces);
  });

  it('an emoji split over four byte-level tokens is one piece, with its surrogate pair whole', () => {
    const text = 'x = "😀"\nok\n';
    const enc = tok.encode(text);
    assert.ok([...enc.starts].filter((s) => s === text.indexOf('😀')).length >= 2, 'the emoji spans several tokens');
    const { pieces } = all(text, ['x', 'ok']);
    assert.deepEqual(texts(text, pieces), ['0:x', '0: =', '0: "', '0:😀', '0:"', '1:ok']);
    assertAlternates(pieces);
  });

  it('a token overlapping the previous one (a split character glued to a letter) is drawn from where the previous ends', () => {
    const text = 'é1';
    const enc = encodingOf([[0, 1], [0, 2]]);
    const { pieces } = visibleBoundaries(enc, buildBoundaryIndex(text, enc), [], [], 0, 0);
    assert.deepEqual(pieces.map((p) => [p.startChar, p.endChar, p.parity]), [[0, 1, pieces[0]!.parity], [1, 2, pieces[0]!.parity]]);
  });

  it('a token straddling the visible range is clipped to the visible lines, one piece per line', () => {
    const text = 'abc\ndef\nghi\njkl';
    const enc = encodingOf([[0, 1], [1, 10], [10, 15]]);
    const index = buildBoundaryIndex(text, enc);
    assert.deepEqual(texts(text, visibleBoundaries(enc, index, [], [], 1, 1).pieces), ['1:def']);
    assert.deepEqual(texts(text, visibleBoundaries(enc, index, [], [], 2, 3).pieces), ['2:gh', '2:i', '3:jkl']);
    assert.deepEqual(texts(text, visibleBoundaries(enc, index, [], [], 0, 0).pieces), ['0:a', '0:bc']);
    assert.deepEqual(visibleBoundaries(enc, index, [], [], 7, 9).pieces, [], 'lines past the end draw nothing');
  });

  it('colours do not flip when scrolling: a line has the same parities alone as in the whole file', () => {
    const text = 'def get_user_name(user_id):\n    return lookupUserName(user_id)\n';
    const names = ['get_user_name', 'user_id', 'lookupUserName'];
    const whole = all(text, names).pieces.filter((p) => p.line === 1);
    const alone = all(text, names, 1, 1).pieces;
    assert.deepEqual(alone, whole);
  });

  it('marks boundaries inside identifiers, including a token straddling an identifier\'s edge', () => {
    const text = 'x = find_active_users()\n';
    const { pieces } = all(text, ['x', 'find_active_users']);
    const marked = pieces.filter((p) => p.insideIdentifier);
    assert.ok(marked.length >= 1, JSON.stringify(pieces));
    const line = text.split('\n')[0]!;
    for (const p of marked) {
      assert.ok(p.startChar > line.indexOf('find_active_users') && p.startChar < line.indexOf('('), `${p.startChar} is inside the name`);
    }
    assert.equal(pieces.find((p) => line.slice(p.startChar, p.endChar) === ' find')?.insideIdentifier, false, 'the first piece is not a boundary inside');

    // `foo` in `a.foo(`, tokens `a`, `.f`, `oo(`: `.f` starts outside, `oo(` starts inside and straddles the end.
    const t2 = 'a.foo(';
    const enc = encodingOf([[0, 1], [1, 3], [3, 6]]);
    const p2 = visibleBoundaries(enc, buildBoundaryIndex(t2, enc), spansOf(t2, ['foo']), [], 0, 0).pieces;
    assert.deepEqual(p2.map((p) => p.insideIdentifier), [false, false, true]);
  });

  it('draws one bracket per merge group, only for visible lines', () => {
    const text = 'x = find_active_users()\n\ny = 1\n';
    const enc = tok.encode(text);
    const identifiers = spansOf(text, ['x', 'find_active_users', 'y']);
    const plan = buildMergePlan(text, enc, identifiers);
    const index = buildBoundaryIndex(text, enc);
    const group = plan.groups.find((g) => g.span === 1)!;
    assert.ok(group, 'find_active_users is a merge group');
    const { brackets } = visibleBoundaries(enc, index, identifiers, plan.groups, 0, 0);
    assert.deepEqual(brackets, [{ line: 0, startChar: 4, endChar: 21, tokenCount: group.tokenCount }]);
    assert.deepEqual(visibleBoundaries(enc, index, identifiers, plan.groups, 1, 2).brackets, []);
  });
});

describe('lineDensity', () => {
  it('counts the tokens starting on each line per character, line breaks and empty lines excluded', () => {
    const text = 'abcd\r\n\r\nxy';
    // a | bc d | \r\n | \r\n | x y
    const enc = encodingOf([[0, 1], [1, 3], [3, 4], [4, 6], [6, 8], [8, 9], [9, 10]]);
    const d = lineDensity(enc, buildBoundaryIndex(text, enc));
    assert.deepEqual([...d], [3 / 4, 0, 2 / 2]);
    assert.deepEqual([...d].map(densityLevel), [2, -1, 2]);
    assert.equal(densityLevel(0.2), -1);
    assert.equal(densityLevel(0.4), 0);
  });
});
