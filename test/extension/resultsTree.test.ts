import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compactPieces, formatChange, groupByIdentifier, groupDescription, groupTooltip, occurrenceDescription, occurrenceLabel,
} from '../../src/extension/resultsTree';

const occ = (name: string, pieces: string[], line: number, change?: number) => ({ name, pieces, line, ...(change === undefined ? {} : { change }) });

describe('results view rows', () => {
  const occurrences = [
    occ('user_id', ['user', '_', 'id'], 9, 0.002),
    occ('getUserById', ['get', 'User', 'By', 'Id'], 41, 0.0104),
    occ('user_id', ['user', '_', 'id'], 2, 0.004),
    occ('user_id', ['user', '_', 'id'], 5, 0.001),
    occ('connection_pool', ['connection', '_', 'pool'], 3, 0.0104),
  ];

  it('lists each identifier once, most changed first, with its occurrences in line order', () => {
    const groups = groupByIdentifier(occurrences);
    // getUserById and connection_pool tie on the change and on occurrences: by name.
    assert.deepEqual(groups.map((g) => g.name), ['connection_pool', 'getUserById', 'user_id']);
    const user = groups[2]!;
    assert.deepEqual(user.occurrences.map((o) => o.line), [2, 5, 9]);
    assert.equal(user.maxChange, 0.004);
    assert.equal(groupDescription(user), '3 subtokens · 3× · 1−cos 0.00400');
    assert.match(groupTooltip(user), /user_id: 3 subtokens, 3 occurrences in the analysed range\nLargest output change after merging: 1−cos 0\.00400/);
    assert.deepEqual(groupByIdentifier(occurrences, 1).map((g) => g.name), ['connection_pool']);
  });

  it('labels an occurrence with its 1-based line and its pieces', () => {
    const o = occ('getUserById', ['get', 'User', 'By', 'Id'], 41, 0.0104);
    assert.equal(occurrenceLabel(o), 'line 42: get·User·By·Id');
    assert.equal(occurrenceDescription(o), '1−cos 0.0104');
    assert.equal(occurrenceDescription(occ('x', ['x'], 0)), '');
    // Whitespace inside a piece shows as the hover shows it.
    assert.equal(compactPieces(['\tfoo', 'Bar']), '⇥foo·Bar');
  });

  it('says when one name is split differently in different places, and sorts by subtokens without an encoder run', () => {
    const groups = groupByIdentifier([occ('defects', ['def', 'ects'], 1), occ('defects', ['defect', 's', 'x'], 4), occ('ab', ['a', 'b'], 0)]);
    assert.deepEqual(groups.map((g) => g.name), ['defects', 'ab']);
    assert.equal(groups[0]!.maxChange, undefined);
    assert.equal(groupDescription(groups[0]!), '2–3 subtokens · 2×');
    assert.equal(groupDescription(groups[1]!), '2 subtokens · 1×');
    assert.doesNotMatch(groupTooltip(groups[1]!), /change/);
  });

  it('keeps every description short enough for a narrow view', () => {
    const long = groupByIdentifier(Array.from({ length: 1234 }, (_, i) => occ('x', Array.from({ length: 12 }, () => 'p'), i, 0.123456789)));
    const d = groupDescription(long[0]!);
    assert.equal(d, '12 subtokens · 1,234× · 1−cos 0.123');
    assert.ok(d.length <= 40, d);
    assert.equal(formatChange(0), '1−cos 0');
    assert.equal(formatChange(1e-9), '1−cos 0');
  });
});
