import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMergePlan, windowSavings, effectiveStart } from '../../../src/core/merge/plan';
import type { Encoding, SourceSpan } from '../../../src/core/types';
import { codet5, extractor } from '../helpers';

/** Hand-made encoding: tokens given as [start, end] ranges over the text. */
function enc(ranges: [number, number][]): Encoding {
  return {
    ids: Int32Array.from(ranges.map((_, i) => i)),
    starts: Int32Array.from(ranges.map((r) => r[0])),
    ends: Int32Array.from(ranges.map((r) => r[1])),
    length: ranges.length,
  };
}
const span = (start: number, end: number): SourceSpan => ({ start, end, nodeType: 'identifier', kind: 'identifier' });

test('a leading space glued on by BPE is ignored, other characters are not', () => {
  const text = 'x = getUser';
  assert.equal(effectiveStart(text, 3, 7), 4); // " get"
  assert.equal(effectiveStart(text, 3, 4), 3); // a lone space stays a space
  // " getUser" split as " get" + "User" inside span [4, 11)
  const plan = buildMergePlan(text, enc([[0, 1], [1, 3], [3, 7], [7, 11]]), [span(0, 1), span(4, 11)]);
  assert.deepEqual(plan.alignments[1], { firstToken: 2, tokenCount: 2, straddling: false });
  assert.deepEqual(plan.groups, [{ span: 1, firstToken: 2, tokenCount: 2 }]);
  assert.equal(plan.mergedCount, 3);
});

test('a token straddling a span boundary belongs to no span and flags the occurrence', () => {
  const text = 'def __init__(self):';
  // "def", " __", "init", "__(", "self", "):"
  const e = enc([[0, 3], [3, 6], [6, 10], [10, 13], [13, 17], [17, 19]]);
  const plan = buildMergePlan(text, e, [span(4, 12), span(13, 17)]);
  assert.deepEqual(plan.alignments[0], { firstToken: 1, tokenCount: 2, straddling: true });
  assert.deepEqual(plan.alignments[1], { firstToken: 4, tokenCount: 1, straddling: false });
  assert.equal(plan.groups.length, 1);
  assert.equal(plan.mergedCount, 5);
});

test('merged length is that of the sequence built by collapsing each identifier\'s tokens, on real CodeT5 tokens and tree-sitter spans', async () => {
  const text = 'def get_user_by_id(self, user_id):\n    return self.user_cache.lookup_by_id(user_id)\n';
  const ex = await extractor('python');
  const spans = ex.extract(text, 'python');
  const e = codet5().encode(text);
  const plan = buildMergePlan(text, e, spans.identifiers);
  // Built here without the plan: a token belongs to the identifier whose span holds its characters
  // (one leading space aside); consecutive tokens of one identifier become one position.
  const owner = (t: number): number => {
    const start = text[e.starts[t]!] === ' ' ? e.starts[t]! + 1 : e.starts[t]!;
    return spans.identifiers.findIndex((s) => start < e.ends[t]! && start >= s.start && e.ends[t]! <= s.end);
  };
  const merged: string[] = [];
  for (let t = 0; t < e.length; t++) {
    const s = owner(t);
    if (s >= 0 && t > 0 && owner(t - 1) === s) continue;
    merged.push(s >= 0 ? `<${text.slice(spans.identifiers[s]!.start, spans.identifiers[s]!.end)}>` : text.slice(e.starts[t]!, e.ends[t]!));
  }
  assert.equal(plan.mergedCount, merged.length, merged.join('|'));
  assert.equal(plan.tokenCount, e.length);
  // Each of the 7 identifier occurrences is one position, in source order.
  assert.deepEqual(merged.filter((m) => m.startsWith('<')),
    ['<get_user_by_id>', '<self>', '<user_id>', '<self>', '<user_cache>', '<lookup_by_id>', '<user_id>']);
  assert.ok(merged.length < e.length, 'multi-token identifiers were merged');
  // Every group's tokens lie inside its identifier, and concatenate to it (modulo one leading space).
  for (const g of plan.groups) {
    const s = spans.identifiers[g.span]!;
    const joined = text.slice(e.starts[g.firstToken]!, e.ends[g.firstToken + g.tokenCount - 1]!).replace(/^ /, '');
    assert.equal(joined, text.slice(s.start, s.end));
  }
  const names = plan.groups.map((g) => text.slice(spans.identifiers[g.span]!.start, spans.identifiers[g.span]!.end));
  assert.ok(names.includes('get_user_by_id') && names.includes('lookup_by_id'), names.join(','));
  assert.ok(!names.includes('self'), 'self is one token: no group');
});

test('self.foo, a_b, __init__ and unicode names align to their own spans', async () => {
  const text = 'class Ünïcode:\n    def __init__(self, a_b):\n        self.größe_wert = a_b\n';
  const ex = await extractor('python');
  const spans = ex.extract(text, 'python').identifiers;
  const e = codet5().encode(text);
  const plan = buildMergePlan(text, e, spans);
  for (let i = 0; i < spans.length; i++) {
    const a = plan.alignments[i]!;
    const name = text.slice(spans[i]!.start, spans[i]!.end);
    for (let t = a.firstToken; t >= 0 && t < a.firstToken + a.tokenCount; t++) {
      assert.ok(e.starts[t]! >= spans[i]!.start - 1 && e.ends[t]! <= spans[i]!.end, `${name}: token ${t} outside`);
    }
    if (name === 'größe_wert' || name === 'Ünïcode') assert.ok(a.tokenCount >= 2, `${name} should split`);
  }
});

test('window savings split groups at window boundaries', () => {
  // 10 tokens; groups [1..3], [4..7] (crosses the boundary at 5), windows of 5.
  const plan = { tokenCount: 10, mergedCount: 10 - 2 - 3, alignments: [], groups: [{ span: 0, firstToken: 1, tokenCount: 3 }, { span: 1, firstToken: 4, tokenCount: 4 }] };
  assert.deepEqual(windowSavings(plan, 5), [{ tokens: 5, merged: 3 }, { tokens: 5, merged: 3 }]);
  assert.deepEqual(windowSavings(plan, 100), [{ tokens: 10, merged: 5 }]);
  assert.deepEqual(windowSavings({ ...plan, tokenCount: 0, groups: [] }, 5), []);
});
