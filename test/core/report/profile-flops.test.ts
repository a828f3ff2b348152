import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combineReports, formatCsv, formatMarkdown, formatTable, reportView, runReport, type ReportJson, type ReportOptions } from '../../../src/core/report';
import { profileFlopsFromSums, checkReportProfile, type ReportProfile } from '../../../src/core/report/profile-flops';
import { modelConfig } from '../../../src/core/flops';
import { taskFlops, sumTaskFlops, ProfileError } from '../../../src/core/task-flops';
import { mulberry32 } from '../../../src/core/runtime/prng';
import { CODET5_DIR, codet5 } from '../helpers';

/** Window lengths (n before, m after merging, specials included) → the sums a report keeps. */
function sumsOf(windows: [number, number][]) {
  const before = { count: 0, sum: 0, sumSq: 0 }, after = { count: 0, sum: 0, sumSq: 0 };
  let product = 0;
  for (const [n, m] of windows) {
    before.count++; before.sum += n; before.sumSq += n * n;
    after.count++; after.sum += m; after.sumSq += m * m;
    product += n * m;
  }
  return { before, after, product };
}

test('whole-model FLOPs from window sums equal the per-window task FLOPs, summed, for every profile', () => {
  const rand = mulberry32(7);
  for (const key of ['codet5-small', 'codet5-base', 'codet5-large', 'codet5p-770m']) {
    const cfg = modelConfig(key);
    const windows: [number, number][] = Array.from({ length: 6 }, () => {
      const n = 3 + Math.floor(rand() * 510);
      return [n, n - Math.floor(rand() * (n - 2))];
    });
    const { before, after, product } = sumsOf(windows);
    const profiles: ReportProfile[] = [{ name: 'encoder' }, { name: 'classify' }, { name: 'seq2seq', outputLength: 128 }, { name: 'seq2seq', outputLength: 1 }];
    for (const p of profiles) {
      const perWindow = sumTaskFlops(windows.map(([n, m]) => taskFlops(cfg, { profile: p.name, inputTokens: n, mergedTokens: m, ...(p.name === 'seq2seq' ? { outputLength: p.outputLength } : {}) })))!;
      const got = profileFlopsFromSums(cfg, p, before, after, product);
      assert.equal(got.before, perWindow.before.total, `${key} ${p.name} before`);
      assert.equal(got.after, perWindow.after.total, `${key} ${p.name} after`);
    }
  }
});

test('the classify saving of codet5-base 512→400 is the issue\'s independent figure (10.9%); seq2seq L=128 gives 18.2%', () => {
  const cfg = modelConfig('codet5-base');
  const { before, after, product } = sumsOf([[512, 400]]);
  const saving = (p: ReportProfile) => { const f = profileFlopsFromSums(cfg, p, before, after, product); return 100 * (1 - f.after / f.before); };
  assert.equal(saving({ name: 'classify' }).toFixed(1), '10.9');
  assert.equal(saving({ name: 'seq2seq', outputLength: 128 }).toFixed(1), '18.2');
  assert.equal(saving({ name: 'encoder' }).toFixed(1), '23.6');
});

test('a decoder profile on an encoder-only shape is refused, not NaN', () => {
  assert.throws(() => checkReportProfile(modelConfig('codebert'), { name: 'classify' }), ProfileError);
  assert.throws(() => checkReportProfile(modelConfig('codebert'), { name: 'seq2seq', outputLength: 8 }), ProfileError);
  assert.throws(() => checkReportProfile(modelConfig('codet5-base'), { name: 'classify', outputLength: 8 }), ProfileError);
  assert.throws(() => checkReportProfile(modelConfig('codet5-base'), { name: 'seq2seq' }), RangeError);
});

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'stl-profile-'));
  const w = (rel: string, data: string) => { mkdirSync(join(root, rel, '..'), { recursive: true }); writeFileSync(join(root, rel), data); };
  w('a/users.py', 'class UserRepository:\n    def get_user_by_id(self, user_id):\n        return self.user_cache.lookup_by_id(user_id)\n');
  // Several windows: 2,000+ tokens.
  w('a/long.py', Array.from({ length: 120 }, (_, i) => `def compute_total_price_${i}(order_items, discount_rate):\n    return sum(item.unit_price for item in order_items) * discount_rate\n`).join(''));
  w('b/api.ts', 'export async function fetchUserProfile(userId: string): Promise<UserProfile> {\n  return httpClient.getJson(`/users/${userId}`);\n}\n');
  w('b/Main.java', 'class Main { void printUserName(String userName) { System.out.println(userName); } }\n');
  return root;
}

const root = tree();
function options(extra: Partial<ReportOptions> = {}): ReportOptions {
  return {
    root, tokenizerDir: CODET5_DIR, tokenizerName: codet5().name, modelKey: 'codet5-base', scope: 'identifiers',
    window: { capacity: 510, specials: 2 }, maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false,
    includeUnsupported: false, jobs: 0, topLimit: 50, includeIdentifierTable: false, toolVersion: 'test', ...extra,
  };
}

test('report: classify by default for CodeT5 keys, encoder for RoBERTa-shaped ones; the JSON names its profile', { timeout: 60000 }, async () => {
  const t5 = await runReport(options());
  assert.deepEqual(t5.profile, { name: 'classify' });
  assert.ok(t5.totals.modelFlopsBefore > t5.totals.flopsBefore, 'the decoder adds FLOPs');
  assert.ok(t5.totals.modelFlopSavingPct > 0 && t5.totals.modelFlopSavingPct < t5.totals.flopSavingPct, 'the whole model saves less than the encoder');
  assert.ok(t5.notes.some((n) => n.startsWith('Whole-model FLOPs are for profile classify')));
  const rb = await runReport(options({ modelKey: 'codebert' }));
  assert.deepEqual(rb.profile, { name: 'encoder' });
  assert.equal(rb.totals.modelFlopsBefore, rb.totals.flopsBefore);
  assert.equal(rb.totals.modelFlopsAfter, rb.totals.flopsAfter);
});

test('report: whole-model FLOPs of files and languages sum to the totals, and shards combine exactly', { timeout: 60000 }, async () => {
  const profile: ReportProfile = { name: 'seq2seq', outputLength: 64 };
  const whole = await runReport(options({ profile }));
  assert.deepEqual(whole.profile, profile);
  const long = whole.files.find((f) => f.path === 'a/long.py')!;
  assert.ok(long.windowsBefore.count >= 3, `a multi-window file: ${long.windowsBefore.count}`);
  const sum = (xs: { modelFlopsBefore: number; modelFlopsAfter: number }[]) => xs.reduce((a, f) => [a[0]! + f.modelFlopsBefore, a[1]! + f.modelFlopsAfter], [0, 0]);
  assert.deepEqual(sum(whole.files), [whole.totals.modelFlopsBefore, whole.totals.modelFlopsAfter]);
  assert.deepEqual(sum(Object.values(whole.languages)), [whole.totals.modelFlopsBefore, whole.totals.modelFlopsAfter]);
  const shards = await Promise.all([0, 1, 2].map((index) => runReport(options({ profile, shard: { index, count: 3 } }))));
  const combined = combineReports(shards);
  const strip = (r: ReportJson) => ({ ...r, shard: null, identifierTable: undefined, topIdentifiers: r.topIdentifiers.slice(0, 10) });
  assert.deepEqual(strip(combined).totals, strip(whole).totals);
  assert.deepEqual(combined.files, whole.files);
  assert.deepEqual(combined.profile, profile);
  assert.equal(combined.notes.filter((n) => n.startsWith('Whole-model FLOPs')).length, 1, 'the profile note once');
  // Shards made with different profiles describe different figures: refused.
  const other = await runReport(options({ profile: { name: 'classify' }, shard: { index: 1, count: 3 } }));
  assert.throws(() => combineReports([shards[0]!, other, shards[2]!]), /FLOP profile/);
});

test('report formats and the view model show the encoder and the whole-model saving side by side', { timeout: 60000 }, async () => {
  const r = await runReport(options());
  const table = formatTable(r);
  assert.match(table, /encoder FLOP saving/);
  assert.match(table, /whole-model FLOP saving \(classify\)/);
  assert.match(table, /whole model, profile classify: .* \(\d+\.\d% saved\)/);
  assert.match(formatMarkdown(r), /profile: classify/);
  const csv = formatCsv(r).split('\n');
  const header = csv[0]!.split(',');
  const col = header.indexOf('model_flop_saving_pct');
  assert.ok(col > 0);
  const row = csv.find((l) => l.startsWith('a/long.py'))!.split(',');
  assert.equal(Number(row[col]).toFixed(3), r.files.find((f) => f.path === 'a/long.py')!.modelFlopSavingPct.toFixed(3));
  assert.equal(row.length, header.length);
  const card = reportView(r).cards.find((c) => c.label.startsWith('Whole-model FLOPs saved'));
  assert.ok(card, 'a whole-model card');
  assert.match(card.label, /classify/);
});
