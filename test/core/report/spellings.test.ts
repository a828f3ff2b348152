// Issue 13, item 5: an identifier's report row lists each BPE spelling (after a space BPE spells it
// differently), and their savings add up to the row's total.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMarkdown, formatTable, runReport } from '../../../src/core/report';
import { mergeIdentifierTables, sortTableSpellings } from '../../../src/core/report/aggregate';
import { spellingText } from '../../../src/core/report/spelling-text';
import { analyzeText, type IdentifierEntry } from '../../../src/core/report/stats';
import { CODET5_DIR, codet5, extractor } from '../helpers';

/** The savings a row's subtokens cell prints, added up. */
const savingsIn = (cell: string) => [...cell.matchAll(/\(saves (\d+)\)/g)].reduce((a, m) => a + Number(m[1]), 0);

// `defects` after `(` (no space) and after `= ` (a space): two spellings.
const TEXT = 'count(defects)\nx = defects\nprint(defects)\ny = defects\nz = defects\n';

async function tableOf(text: string): Promise<Record<string, IdentifierEntry>> {
  const ex = await extractor('python');
  return analyzeText({
    path: 'd.py', text, bytes: text.length, language: 'python', tokenizer: codet5(),
    spans: ex.extract(text, 'python'), scope: 'identifiers', window: { capacity: 510, specials: 2 },
  }).stats.identifierTable;
}

test('defect·s vs ␣defect·s: each spelling with its count, savings adding up to the row', { timeout: 60000 }, async () => {
  const tok = codet5();
  const split = (s: string) => { const e = tok.encode(s); return [...e.ids].map((_, t) => s.slice(e.starts[t]!, e.ends[t]!)); };
  const bare = split('defects');
  const spaced = split(' defects');
  assert.notDeepEqual(bare, spaced, 'the tokenizer spells defects differently after a space');

  const table = await tableOf(TEXT);
  sortTableSpellings(table); // a file's table keeps spellings as found; a report sorts them
  const e = table.defects!;
  assert.equal(e.occurrences, 5);
  assert.deepEqual(e.spellings, [
    { pieces: spaced, occurrences: 3, saved: 3 * (spaced.length - 1) },
    { pieces: bare, occurrences: 2, saved: 2 * (bare.length - 1) },
  ]);
  assert.equal(e.spellings!.reduce((a, x) => a + x.saved, 0), e.saved, 'savings add up');
  assert.equal(e.spellings!.reduce((a, x) => a + x.occurrences, 0), e.occurrences);
  assert.notEqual(e.saved, e.occurrences * (e.pieces.length - 1), 'one spelling times the occurrences would be wrong here');

  const row = spellingText(e);
  assert.ok(row.startsWith(`${spaced.map((p) => p.replace(' ', '␣')).join(' · ')} ×3 (saves ${3 * (spaced.length - 1)})`), row);
  assert.ok(row.includes(`${bare.join(' · ')} ×2`), row);
});

test('merging tables adds spellings, in an order that does not depend on the merge order', { timeout: 60000 }, async () => {
  const a = await tableOf('count(defects)\nprint(defects)\n');
  const b = await tableOf('x = defects\ny = defects\nz = defects\n');
  const ab: Record<string, IdentifierEntry> = Object.create(null);
  mergeIdentifierTables(ab, a); mergeIdentifierTables(ab, b);
  const ba: Record<string, IdentifierEntry> = Object.create(null);
  mergeIdentifierTables(ba, b); mergeIdentifierTables(ba, a);
  // Merging leaves spellings unsorted; sorted once, as buildReport does, the order is the same.
  sortTableSpellings(ab); sortTableSpellings(ba);
  assert.deepEqual(ab.defects, ba.defects);
  const whole = await tableOf(TEXT);
  sortTableSpellings(whole);
  assert.deepEqual(ab.defects!.spellings, whole.defects!.spellings);
  assert.equal(ab.defects!.spellings!.reduce((s, x) => s + x.saved, 0), ab.defects!.saved);

  // A table from an older version (no spellings) still merges: its pieces become one spelling.
  const old: Record<string, IdentifierEntry> = { defects: { occurrences: 1, subtokens: 3, saved: 2, pieces: ['def', 'ect', 's'] } };
  mergeIdentifierTables(ab, old);
  assert.equal(ab.defects!.spellings!.reduce((s, x) => s + x.saved, 0), ab.defects!.saved);
});

test('adopting a table gives the same merge as copying it, and copying leaves the source as it was', { timeout: 60000 }, async () => {
  const copied: Record<string, IdentifierEntry> = Object.create(null);
  const adopted: Record<string, IdentifierEntry> = Object.create(null);
  const sources = ['count(defects)\nprint(defects)\n', 'x = defects\ny = defects\nz = defects\n', 'def f(defects): return defects\n'];
  for (const text of sources) {
    const source = await tableOf(text);
    const before = JSON.stringify(source);
    mergeIdentifierTables(copied, source);
    mergeIdentifierTables(copied, await tableOf(text)); // merged into again: the copy must not share with `source`
    assert.equal(JSON.stringify(source), before, 'a copied table is not changed by later merges');
    mergeIdentifierTables(adopted, await tableOf(text), { adopt: true });
    mergeIdentifierTables(adopted, await tableOf(text), { adopt: true });
  }
  sortTableSpellings(copied); sortTableSpellings(adopted);
  assert.deepEqual(adopted, copied);
  assert.ok(copied.defects!.spellings!.length >= 2, 'the fixture has more than one spelling of "defects"');
});

test('past three spellings the row says how many others there are', () => {
  const spellings = [4, 3, 2, 1, 1].map((n, i) => ({ pieces: [`p${i}`, 'x'], occurrences: n, saved: n }));
  const text = spellingText({ occurrences: 11, subtokens: 22, saved: 11, pieces: ['p0', 'x'], spellings });
  assert.match(text, /; \+ 2 other spellings ×2 \(saves 2\)$/);
  assert.equal(savingsIn(text), 11, 'the shown spellings and the rest add up to the row');
  assert.equal(spellingText({ occurrences: 1, subtokens: 2, saved: 1, pieces: ['a', 'b'] }), 'a · b');
});

/** The identifier rows of a Markdown or table rendering: [name, subtokens, occurrences, saved]. */
function markdownRows(md: string): string[][] {
  const section = md.split('## Top identifiers by tokens saved\n\n')[1]!.split('\n\n')[0]!.split('\n').slice(2);
  return section.map((line) => line.slice(2, -2).split(' | '));
}

test('CLI Markdown and table: each identifier row lists its spellings, their savings adding up to the row', { timeout: 60000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'stl-spellings-'));
  try {
    writeFileSync(join(root, 'd.py'), TEXT);
    const r = await runReport({
      root, tokenizerDir: CODET5_DIR, tokenizerName: codet5().name, modelKey: 'codet5-base', scope: 'identifiers',
      window: { capacity: 510, specials: 2 }, maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false,
      includeUnsupported: false, jobs: 0, topLimit: 50, includeIdentifierTable: false, toolVersion: 'test',
    });
    const defects = r.topIdentifiers.find((t) => t.name === 'defects')!;
    assert.equal(defects.spellings!.length, 2);

    const rows = markdownRows(formatMarkdown(r));
    const row = rows.find((cells) => cells[0] === 'defects')!;
    assert.ok(row, rows.join('\n'));
    assert.match(row[1]!, /×3 \(saves \d+\); .*×2 \(saves \d+\)/, 'both spellings with their counts');
    assert.equal(savingsIn(row[1]!), Number(row[3]), 'spelling savings add up to the row\'s tokens saved');
    for (const cells of rows) {
      // A one-spelling row prints its pieces only (occurrences × (pieces − 1) is its saving then).
      if (cells[1]!.includes('(saves')) assert.equal(savingsIn(cells[1]!), Number(cells[3]!.replace(/,/g, '')), cells.join(' | '));
    }

    const table = formatTable(r).split('Top identifiers by tokens saved:\n')[1]!.split('\n');
    const line = table.find((l) => l.startsWith('defects '))!;
    assert.ok(line, table.join('\n'));
    assert.equal(savingsIn(line), defects.saved);
    assert.ok(line.trimEnd().endsWith(` ${defects.saved}`), line);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('past three spellings the row still adds up: the rest are counted together, with their saving', () => {
  const spellings = [5, 4, 3, 2, 1].map((n, i) => ({ pieces: [`${' '.repeat(i % 2)}sp${i}`, 'x'], occurrences: n, saved: n * (i + 1) }));
  const saved = spellings.reduce((a, x) => a + x.saved, 0);
  const entry = { name: 'manySpellings', occurrences: 15, subtokens: 30, saved, pieces: ['sp0', 'x'], spellings };
  const text = spellingText(entry);
  assert.match(text, /^sp0 · x ×5 \(saves 5\); ␣sp1 · x ×4 \(saves 8\); sp2 · x ×3 \(saves 9\); \+ 2 other spellings ×3 \(saves 13\)$/);
  assert.equal(savingsIn(text), saved);
});
