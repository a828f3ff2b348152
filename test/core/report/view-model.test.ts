// The report's view model: what the webview and the HTML export both draw. Checked against the
// ReportJson of a real run (and a partial combine), not against its own formulas.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { combineReports, runReport, type ReportJson, type ReportOptions } from '../../../src/core/report';
import { reportView, TABLE_ROW_LIMIT, type ReportView, type TableView } from '../../../src/core/report/view-model';
import { CODET5_DIR, codet5 } from '../helpers';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'stl-view-'));
  const w = (rel: string, text: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  w('app/users.py', 'class UserRepository:\n    def get_user_by_id(self, user_id):\n        return self.user_cache.lookup_by_id(user_id)\n');
  w('web/api.ts', 'export async function fetchUserProfile(userId: string): Promise<UserProfile> {\n  return httpClient.getJson(`/users/${userId}`);\n}\n');
  w('src/Main.java', 'class Main { void printUserName(String userName) { System.out.println(userName); } }\n');
  w('src/main.go', 'package main\n\nfunc parseConfigFile(path string) (*ConfigFile, error) { return nil, nil }\n');
  w('bad/empty.py', '');
  return root;
}

function options(root: string, extra: Partial<ReportOptions> = {}): ReportOptions {
  return {
    root, tokenizerDir: CODET5_DIR, tokenizerName: codet5().name, modelKey: 'codet5-base', scope: 'identifiers',
    window: { capacity: 510, specials: 2 }, maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false,
    includeUnsupported: false, jobs: 0, topLimit: 50, includeIdentifierTable: false, toolVersion: 'test', ...extra,
  };
}

let report: ReportJson;
let view: ReportView;
let partial: ReportJson;
const table = (v: ReportView, id: TableView['id']) => v.tables.find((t) => t.id === id)!;
const texts = (t: TableView, column: number) => t.rows.map((r) => r[column]!.text);

before(async () => {
  const root = tree();
  report = await runReport(options(root));
  view = reportView(report);
  const shards: ReportJson[] = [];
  for (let k = 0; k < 3; k++) shards.push(await runReport(options(root, { shard: { index: k, count: 3 } })));
  partial = combineReports([shards[0]!, shards[2]!], { allowPartial: true });
});

test('the notes are the report\'s own, every one, in order', () => {
  assert.ok(report.notes.length >= 2);
  assert.deepEqual(view.notes, report.notes);
  assert.ok(view.notes.some((n) => n.startsWith('FLOPs are analytic')));
});

test('five charts, each with its data from the report', () => {
  assert.deepEqual(view.charts.map((c) => c.id), ['histogram', 'language-chart', 'identifier-chart', 'file-chart', 'categories']);
  for (const c of view.charts) {
    assert.equal(c.empty, false, c.id);
    assert.ok(c.datasets.length >= 1 && c.datasets.every((d) => d.data.length === c.labels.length), c.id);
  }
  const langs = view.charts.find((c) => c.id === 'language-chart')!;
  assert.deepEqual([...langs.labels].sort(), Object.keys(report.languages).sort());
  assert.equal(langs.datasets.length, 2, 'sequence reduction and FLOP saving');
  const python = langs.labels.indexOf('python');
  assert.ok(Math.abs(langs.datasets[0]!.data[python]! - report.languages.python!.reductionPct) < 0.05);
  const top = view.charts.find((c) => c.id === 'identifier-chart')!;
  assert.deepEqual(top.labels, report.topIdentifiers.slice(0, 15).map((t) => t.name));
  assert.deepEqual(top.clickTargets, { kind: 'identifier', values: top.labels }, 'a bar finds its identifier\'s occurrences');
  const longName = 'extraordinarily_verbose_configuration_parameter_identifier';
  const long = reportView({ ...report, topIdentifiers: [{ ...report.topIdentifiers[0]!, name: longName }] }).charts.find((c) => c.id === 'identifier-chart')!;
  assert.equal(long.labels[0], `${longName.slice(0, 31)}…`, 'a long name is cut for the axis');
  assert.deepEqual(long.clickTargets!.values, [longName], 'and kept whole for the click and the tooltip');
  const cats = view.charts.find((c) => c.id === 'categories')!;
  assert.equal(cats.kind, 'doughnut');
  assert.equal(cats.datasets[0]!.data.reduce((a, b) => a + b, 0), report.totals.tokens, 'every subtoken has a category');
});

test('the histogram shows every bucket from 1 on a log axis, the one-subtoken bar muted and counted in the note', () => {
  const h = view.charts.find((c) => c.id === 'histogram')!;
  const hist = report.totals.histogram;
  assert.equal(h.valueScale, 'log');
  assert.equal(h.valueLabels, true, 'each bar carries its count');
  assert.equal(h.labels[0], '1');
  assert.ok(hist[1]! > 0, 'the sample has single-subtoken identifiers');
  assert.deepEqual(h.dimmed, [0], 'the one-subtoken bar is muted');
  const data = h.datasets[0]!.data;
  assert.deepEqual(data, hist.slice(1, 1 + data.length), 'bucket k is bar k − 1');
  // Every occurrence is drawn: none silently lost (bucket 0 is always empty).
  assert.equal(data.reduce((a, b) => a + b, 0) + hist[0]!, report.totals.identifiers);
  assert.equal(data.slice(1).reduce((a, b) => a + b, 0), report.totals.splitIdentifiers);
  assert.match(h.note!, new RegExp(`${hist[1]} occurrences \\([\\d.]+%\\) are one subtoken already`));
  assert.notEqual(data.at(-1), 0, 'empty trailing buckets are trimmed');
});

test('the per-file chart: the files that save most, each bar the file\'s subtokens split into merged and saved', () => {
  const c = view.charts.find((x) => x.id === 'file-chart')!;
  assert.equal(c.kind, 'bar');
  assert.equal(c.stacked, true);
  assert.equal(c.horizontal, true);
  const [merged, saved] = [c.datasets[0]!, c.datasets[1]!];
  assert.equal(c.clickTargets?.kind, 'file');
  const paths = c.clickTargets!.values;
  assert.equal(paths.length, c.labels.length);
  paths.forEach((p, i) => {
    const f = report.files.find((x) => x.path === p)!;
    assert.ok(f, p);
    assert.equal(merged.data[i], f.merged, p);
    assert.equal(merged.data[i]! + saved.data[i]!, f.tokens, `${p}: the bar is the file's subtokens before merging`);
  });
  assert.deepEqual([...saved.data], [...saved.data].sort((a, b) => b - a), 'most positions saved first');
  assert.ok(saved.data.every((n) => n > 0), 'files that save nothing are left out');
  // A long path is cut from the left; the click target keeps it whole.
  const long = reportView({ ...report, files: [{ ...report.files[0]!, path: `${'deep/'.repeat(12)}file_name.py`, merged: report.files[0]!.tokens - 3 }] });
  const lc = long.charts.find((x) => x.id === 'file-chart')!;
  assert.match(lc.labels[0]!, /^….*file_name\.py$/);
  assert.ok(lc.labels[0]!.length <= 36);
  assert.equal(lc.clickTargets!.values[0], `${'deep/'.repeat(12)}file_name.py`);
});

test('identifier rows find their occurrences: the name cell carries it', () => {
  const ids = table(view, 'identifier-table');
  assert.deepEqual(ids.rows.map((r) => r[0]!.find), report.topIdentifiers.slice(0, ids.rows.length).map((t) => t.name));
  assert.equal(table(view, 'file-table').rows[0]![0]!.find, undefined);
});

test('cards show the totals; a long value breaks only between its parts', () => {
  const t = report.totals;
  const card = (label: string) => view.cards.find((c) => c.label === label)!;
  assert.deepEqual(card('Files').value, [String(t.files)]);
  assert.deepEqual(card('Subtokens → merged').value, [t.tokens.toLocaleString('en-US'), `→ ${t.merged.toLocaleString('en-US')}`]);
  const fl = card('Encoder FLOPs (est.)').value;
  assert.equal(fl.length, 2);
  assert.match(fl[0]!, /^\d+\.\d\d [kMGTP]FLOP$/);
  assert.match(fl[1]!, /^→ \d+\.\d\d [kMGTP]FLOP$/);
  assert.deepEqual(card('512-token windows').value, [String(t.windowsBefore.count), `→ ${t.windowsAfter.count}`]);
  assert.equal(view.coverage, undefined, 'a whole-tree report has no coverage banner');
});

test('tables: languages with a TOTAL row, files by tokens saved with links, skipped files', () => {
  const langs = table(view, 'language-table');
  assert.deepEqual([...texts(langs, 0)].sort(), Object.keys(report.languages).sort());
  assert.equal(langs.footer![0]!.text, 'TOTAL');
  assert.equal(langs.footer![4]!.sortKey, report.totals.tokens);
  const files = table(view, 'file-table');
  const saved = files.rows.map((r) => (r[3]!.sortKey as number) - (r[4]!.sortKey as number));
  assert.deepEqual(saved, [...saved].sort((a, b) => b - a), 'most tokens saved first');
  assert.deepEqual(files.rows.map((r) => r[0]!.link).sort(), report.files.map((f) => f.path).sort());
  assert.equal(files.note, undefined, 'nothing cut');
  assert.deepEqual(texts(table(view, 'skipped-table'), 0), report.skipped.map((s) => s.path));
  assert.ok(report.skipped.some((s) => s.path === 'bad/empty.py'));
});

test('a partial combine shows a coverage banner and keeps its Partial: note', () => {
  const v = reportView(partial);
  assert.match(v.coverage!, /^Partial report: it holds shards 1, 3\/3\./);
  assert.ok(v.notes.some((n) => n.startsWith('Partial:')), v.notes.join('\n'));
  assert.deepEqual(v.notes, partial.notes);
  const shard = reportView({ ...report, shard: { index: 1, count: 3 } });
  assert.match(shard.coverage!, /shard 2\/3 of the tree/);
  assert.match(shard.meta, /shard 2\/3/);
});

test('long lists are cut at the row limit, and the table says so', () => {
  const many: ReportJson = {
    ...report,
    files: Array.from({ length: TABLE_ROW_LIMIT + 20 }, (_, i) => ({ ...report.files[0]!, path: `gen/f${i}.py`, merged: report.files[0]!.tokens - (i % 7) })),
  };
  const files = table(reportView(many), 'file-table');
  assert.equal(files.rows.length, TABLE_ROW_LIMIT);
  assert.equal(files.note, `The files with the most tokens saved: ${TABLE_ROW_LIMIT} of ${TABLE_ROW_LIMIT + 20}.`);
  // 75 of the 520 files save nothing; the 20 cut are among them.
  const savingNothing = files.rows.filter((r) => r[3]!.sortKey === r[4]!.sortKey).length;
  assert.equal(savingNothing, 75 - 20, 'the cut drops the files that save least');
});

test('an empty report draws no empty charts: each says why instead', () => {
  const empty: ReportJson = {
    ...report, files: [], languages: {}, topIdentifiers: [],
    totals: { ...report.totals, files: 0, identifiers: 0, splitIdentifiers: 0, tokens: 0, merged: 0,
      histogram: report.totals.histogram.map(() => 0), categories: Object.fromEntries(Object.keys(report.totals.categories).map((k) => [k, 0])) as ReportJson['totals']['categories'] },
  };
  const v = reportView(empty);
  assert.equal(v.charts.length, 5);
  for (const c of v.charts) {
    assert.equal(c.empty, true, c.id);
    assert.ok(c.note && c.note.length > 5, c.id);
  }
});
