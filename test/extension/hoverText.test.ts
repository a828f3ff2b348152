import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildMergePlan } from '../../src/core/merge/plan';
import { loadTokenizer } from '../../src/core/tokenizer';
import type { SourceSpan, Tokenizer } from '../../src/core/types';
import { displayVocabToken, hoverContent, identifierAt } from '../../src/extension/hoverText';
import { legendMarkdown, scaleFor } from '../../src/extension/resultsScale';

const TOKENIZER = join(resolve(__dirname, '..', '..', '..'), 'shared', 'tokenizers', 'codet5');

describe('hoverContent', () => {
  let tok: Tokenizer;
  before(() => { tok = loadTokenizer(TOKENIZER); });

  function input(text: string, names: string[]) {
    const identifiers: SourceSpan[] = names.map((n) => {
      const start = text.indexOf(n);
      return { start, end: start + n.length, nodeType: 'identifier', kind: 'identifier' as const };
    }).sort((a, b) => a.start - b.start);
    const encoding = tok.encode(text);
    return { text, encoding, identifiers, plan: buildMergePlan(text, encoding, identifiers), windowCapacity: 510, windowSize: 512, idToToken: (id: number) => tok.idToToken(id) };
  }

  it('lists the pieces of an identifier as the tokenizer splits it, and the saving', () => {
    const text = 'x = find_active_users(y)\n';
    const inp = input(text, ['x', 'find_active_users', 'y']);
    const enc = tok.encode(' find_active_users');
    const pieces = [...enc.ids].map((_, t) => ' find_active_users'.slice(enc.starts[t]!, enc.ends[t]!).trim());
    const h = hoverContent(inp, text.indexOf('active'), 'full')!;
    assert.ok(h.markdown.includes(pieces.join(' · ')), h.markdown);
    assert.ok(h.markdown.includes(`${pieces.length} subtokens`));
    assert.ok(h.markdown.includes(`saves ${pieces.length - 1}`));
    assert.match(h.markdown, /Token ids: /);
    assert.equal(text.slice(h.start, h.end), 'find_active_users');
    assert.match(h.markdown, new RegExp(`File: ${inp.plan.tokenCount} subtokens → ${inp.plan.mergedCount} merged`));
  });

  it('compact detail leaves out token ids and the file summary, as the setting describes; a non-identifier token shows itself', () => {
    const text = 'x = find_active_users(y)\n';
    const inp = input(text, ['x', 'find_active_users', 'y']);
    const compact = hoverContent(inp, text.indexOf('active'), 'compact')!.markdown;
    assert.doesNotMatch(compact, /Token ids/);
    assert.doesNotMatch(compact, /File: /);
    assert.match(compact, /subtokens: `␣find/);
    const eq = hoverContent(inp, text.indexOf('='), 'compact')!;
    assert.match(eq.markdown, /not an identifier/);
    assert.doesNotMatch(eq.markdown, /File: |Token id/);
    assert.match(hoverContent(inp, text.indexOf('='), 'full')!.markdown, /File: \d+ subtokens/);
  });

  it('shows a leading space the same way in the pieces line and the ids line (␣raw in both, never Ġraw)', () => {
    const text = 'y = raw\n';
    const inp = input(text, ['y', 'raw']);
    const md = hoverContent(inp, text.indexOf('raw') + 1, 'full')!.markdown;
    const enc = tok.encode(' raw');
    assert.equal(enc.length, 1, 'the fixture needs " raw" to be one token');
    const piecesLine = md.split('\n\n').find((l) => /subtokens?: /.test(l))!;
    const idsLine = md.split('\n\n').find((l) => l.startsWith('Token ids'))!;
    assert.match(piecesLine, /`␣raw`/, md);
    assert.equal(idsLine, `Token ids: ${enc.ids[0]} \`␣raw\``);
    assert.doesNotMatch(md, /Ġ/);
    assert.equal(displayVocabToken('ĉĉreturnĠxĊč'), '⇥⇥return␣x⏎␍');
  });

  it('one section per hover: an analysis result (the colour legend) is part of the same section', () => {
    const text = 'x = find_active_users(y)\n';
    const md = hoverContent(input(text, ['x', 'find_active_users', 'y']), text.indexOf('active'), 'compact')!.markdown;
    assert.equal(md.match(/\*\*Subtoken Lens\*\*/g)?.length, 1);
    const legend = legendMarkdown(scaleFor({ encoderRan: true, randomWeights: true, worst: 0.02 }), 0.01234);
    assert.doesNotMatch(legend, /Subtoken Lens/);
    assert.match(legend, /1−cos 0\.0123/);
  });

  it('finds identifiers with an inclusive end', () => {
    const spans: SourceSpan[] = [{ start: 2, end: 5, nodeType: 'identifier', kind: 'identifier' }];
    assert.equal(identifierAt(spans, 5), 0);
    assert.equal(identifierAt(spans, 1), -1);
  });
});
