import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changeBucket, changeColour, displayPiece, findContaining, joinPieces } from '../../src/extension/format';

describe('format', () => {
  it('joins pieces with visible whitespace', () => {
    assert.equal(joinPieces(['get', 'User', 'By', 'Id']), 'get · User · By · Id');
    assert.equal(displayPiece(' x\n'), '␣x⏎');
  });

  it('maps change onto buckets and colours monotonically from green to red', () => {
    assert.equal(changeBucket(0, 1, 5), 0);
    assert.equal(changeBucket(1, 1, 5), 4);
    assert.equal(changeBucket(5, 1, 5), 4);
    assert.equal(changeBucket(0.5, 0, 5), 0);
    const red = (c: string) => Number(/rgba\((\d+)/.exec(c)![1]);
    const green = (c: string) => Number(/rgba\(\d+, (\d+)/.exec(c)![1]);
    assert.ok(red(changeColour(0, 1)) < red(changeColour(1, 1)));
    assert.ok(green(changeColour(0, 1)) > green(changeColour(1, 1)));
  });

  it('finds the range containing an offset', () => {
    const starts = [0, 3, 7];
    const ends = [3, 7, 9];
    assert.equal(findContaining(starts, ends, 3, 0), 0);
    assert.equal(findContaining(starts, ends, 3, 3), 1);
    assert.equal(findContaining(starts, ends, 3, 8), 2);
    assert.equal(findContaining(starts, ends, 3, 9), -1);
  });
});
