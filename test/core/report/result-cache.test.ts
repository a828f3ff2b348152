// The report's per-file result cache (src/core/report/result-cache.ts): a hit gives the same report
// without running the pipeline, and anything an outcome depends on (content, options, tokenizer,
// version) makes a miss; a broken or unusable cache costs misses, never the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReport, type ReportJson, type ReportOptions } from '../../../src/core/report';
import { evictResultCache, resultCacheDir, type ReportCacheSummary } from '../../../src/core/report/result-cache';
import type { Tokenizer } from '../../../src/core/types';
import { CODET5_DIR, codet5 } from '../helpers';

const FILES: Record<string, string | Buffer> = {
  'app/users.py': 'class UserRepository:\n    def get_user_by_id(self, user_id):\n        return self.user_cache.lookup_by_id(user_id)\n',
  'app/orders.py': 'def place_order(order_items, customer_id):\n    return order_service.submit(order_items, customer_id)\n',
  'web/api.ts': 'export async function fetchUserProfile(userId: string) {\n  return httpClient.getJson(`/users/${userId}`);\n}\n',
  'src/Main.java': 'class Main { void printUserName(String userName) { System.out.println(userName); } }\n',
  'bad/binary.py': Buffer.from([0x64, 0x65, 0x66, 0x00, 0x01, 0x02]),
};
const ANALYSED = Object.keys(FILES).length; // the binary file's skip goes through the pipeline (and the cache) too

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'stl-rcache-'));
  for (const [rel, data] of Object.entries(FILES)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), data);
  }
  return root;
}

const newCacheDir = () => mkdtempSync(join(tmpdir(), 'stl-rcache-dir-'));

/** The tokenizer, counting every call into it: zero calls means no file went through the pipeline. */
function countingTokenizer(): { tokenizer: Tokenizer; calls: () => number } {
  let calls = 0;
  const real = codet5();
  const tokenizer = new Proxy(real, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { tokenizer, calls: () => calls };
}

function options(root: string, extra: Partial<ReportOptions> = {}): ReportOptions {
  return {
    root, tokenizerDir: CODET5_DIR, tokenizerName: 'codet5', modelKey: 'codet5-base', scope: 'identifiers',
    window: { capacity: 510, specials: 2 }, maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false,
    includeUnsupported: false, jobs: 0, topLimit: 50, includeIdentifierTable: true, toolVersion: 'test', ...extra,
  };
}

/** A run with the cache: the report, what the cache said, and how often the tokenizer was called. */
async function cached(root: string, cacheDir: string, extra: Partial<ReportOptions> = {}): Promise<{ report: ReportJson; summary: ReportCacheSummary; calls: number }> {
  const counting = countingTokenizer();
  let summary: ReportCacheSummary | undefined;
  const report = await runReport(options(root, { tokenizer: counting.tokenizer, cache: { cacheDir }, onCache: (s) => { summary = s; }, ...extra }));
  assert.ok(summary, 'onCache was not called');
  return { report, summary, calls: counting.calls() };
}

/** Every file in the cache folder's shards (entries, and temporary files if any were left). */
const entries = (cacheDir: string): string[] => {
  const dir = resultCacheDir(cacheDir);
  return readdirSync(dir).filter((d) => d.length === 2).flatMap((d) => readdirSync(join(dir, d)).map((f) => join(dir, d, f)));
};
const fileEntries = (cacheDir: string) => entries(cacheDir).filter((p) => p.endsWith('.json') && !p.endsWith('.run.json'));
const runEntries = (cacheDir: string) => entries(cacheDir).filter((p) => p.endsWith('.run.json'));

test('a second run over an unchanged tree takes every file from the cache: same JSON, no pipeline call', async () => {
  const root = tree();
  const cacheDir = newCacheDir();
  const first = await cached(root, cacheDir);
  assert.deepEqual([first.summary.hits, first.summary.analysed], [0, ANALYSED]);
  assert.ok(first.calls > 0);
  assert.equal(first.summary.warning, undefined);
  assert.equal(fileEntries(cacheDir).length, ANALYSED, 'one entry per file, the binary skip included');
  assert.equal(runEntries(cacheDir).length, 1, 'and one for the whole run');
  assert.ok(entries(cacheDir).every((p) => !p.endsWith('.tmp')), 'no temporary file left behind');

  const second = await cached(root, cacheDir);
  assert.deepEqual([second.summary.hits, second.summary.analysed], [ANALYSED, 0]);
  assert.equal(second.calls, 0, 'the tokenizer was called on a full hit');
  assert.equal(JSON.stringify(second.report), JSON.stringify(first.report));
  // And the cached report is the report: the same as a run without any cache.
  assert.equal(JSON.stringify(await runReport(options(root))), JSON.stringify(first.report));
});

test('a changed file is analysed again, the others still hit', async () => {
  const root = tree();
  const cacheDir = newCacheDir();
  await cached(root, cacheDir);
  writeFileSync(join(root, 'app/orders.py'), 'def cancel_order(order_id, refund_policy):\n    return billing_gateway.refund(order_id, refund_policy)\n');
  const after = await cached(root, cacheDir);
  assert.deepEqual([after.summary.hits, after.summary.analysed], [ANALYSED - 1, 1]);
  assert.ok(after.report.files.some((f) => f.path === 'app/orders.py'));
  assert.equal(JSON.stringify(after.report), JSON.stringify(await runReport(options(root))));
});

test('changing scope, window or span engine misses; going back hits again', async () => {
  const root = tree();
  const cacheDir = newCacheDir();
  const base = await cached(root, cacheDir);
  const variants: Partial<ReportOptions>[] = [
    { scope: 'identifiers+strings' },
    { window: { capacity: 32, specials: 2 } },
    { spanEngine: 'lexical' },
  ];
  for (const v of variants) {
    const run = await cached(root, cacheDir, v);
    assert.deepEqual([run.summary.hits, run.summary.analysed], [0, ANALYSED], `no miss for ${JSON.stringify(v)}`);
    assert.equal(JSON.stringify(run.report), JSON.stringify(await runReport(options(root, v))), JSON.stringify(v));
  }
  const again = await cached(root, cacheDir);
  assert.deepEqual([again.summary.hits, again.summary.analysed], [ANALYSED, 0]);
  assert.equal(JSON.stringify(again.report), JSON.stringify(base.report));
});

test('a different tokenizer (one merge removed) misses, and its report is its own', async () => {
  const root = tree();
  const cacheDir = newCacheDir();
  const base = await cached(root, cacheDir);
  const tokDir = mkdtempSync(join(tmpdir(), 'stl-rcache-tok-'));
  cpSync(CODET5_DIR, tokDir, { recursive: true });
  const merges = readFileSync(join(tokDir, 'merges.txt'), 'utf8').split('\n');
  const dropped = merges.findIndex((l) => l.replace(' ', '') === 'user'); // the merge that makes `user` (user_id, get_user_by_id, …)
  assert.ok(dropped > 0);
  merges.splice(dropped, 1);
  writeFileSync(join(tokDir, 'merges.txt'), merges.join('\n'));
  // tokenizer: undefined, so the pipeline loads the changed copy from tokenizerDir.
  const changed = await cached(root, cacheDir, { tokenizerDir: tokDir, tokenizer: undefined });
  assert.deepEqual([changed.summary.hits, changed.summary.analysed], [0, ANALYSED]);
  assert.equal(JSON.stringify(changed.report), JSON.stringify(await runReport(options(root, { tokenizerDir: tokDir }))));
  assert.notDeepEqual(changed.report.totals, base.report.totals, 'the removed merge should change the counts');
});

test('a different tool version misses', async () => {
  const root = tree();
  const cacheDir = newCacheDir();
  await cached(root, cacheDir);
  const next = await cached(root, cacheDir, { toolVersion: 'test-next' });
  assert.deepEqual([next.summary.hits, next.summary.analysed], [0, ANALYSED]);
});

test('corrupt, truncated or foreign entries are ignored and rewritten', async () => {
  const root = tree();
  const cacheDir = newCacheDir();
  const base = await cached(root, cacheDir);
  const files = fileEntries(cacheDir);
  const [a, b, c] = files as [string, string, string];
  writeFileSync(runEntries(cacheDir)[0]!, '{"format":1,"key":"x","value":'); // the run's entry too: each file is looked up
  writeFileSync(a, 'not json at all {');
  writeFileSync(b, readFileSync(b, 'utf8').slice(0, 40)); // a half-written entry
  // A whole, valid entry under another file's name: its key does not match the name.
  writeFileSync(c, readFileSync(files[3]!, 'utf8'));
  const run = await cached(root, cacheDir);
  assert.deepEqual([run.summary.hits, run.summary.analysed], [ANALYSED - 3, 3]);
  assert.equal(JSON.stringify(run.report), JSON.stringify(base.report));
  const healed = await cached(root, cacheDir);
  assert.deepEqual([healed.summary.hits, healed.summary.analysed], [ANALYSED, 0], 'the bad entries were replaced');
  // The run's entry was rewritten too: without any file entry, the unchanged tree still hits.
  for (const p of fileEntries(cacheDir)) rmSync(p);
  const fromRun = await cached(root, cacheDir);
  assert.deepEqual([fromRun.summary.hits, fromRun.summary.analysed, fromRun.calls], [ANALYSED, 0, 0]);
  assert.equal(JSON.stringify(fromRun.report), JSON.stringify(base.report));
});

test('a file that changes while the run analyses it does not leave a run entry for the bytes looked up', async () => {
  const root = tree();
  const cacheDir = newCacheDir();
  await cached(root, cacheDir);
  const target = join(root, 'app/orders.py');
  const v2 = 'def refund_order(order_id):\n    return payment_gateway.refund(order_id)\n';
  const v3 = 'def archive_order(order_id, archive_bucket):\n    return storage_client.put(archive_bucket, order_id)\n';
  writeFileSync(target, v2);
  // The lookup reads v2 (a miss); the other files' progress comes before the pipeline reads it, and
  // that is when it becomes v3: the pipeline analyses v3.
  let edited = false;
  const during = await cached(root, cacheDir, {
    onProgress: (p) => {
      if (!edited && p.phase === 'analyzing' && p.current !== 'app/orders.py') { edited = true; writeFileSync(target, v3); }
    },
  });
  assert.ok(edited);
  assert.equal(during.summary.analysed, 1);
  // Back to v2: no entry may claim to know v2's outcome (the pipeline never saw v2).
  writeFileSync(target, v2);
  const back = await cached(root, cacheDir);
  assert.deepEqual([back.summary.hits, back.summary.analysed], [ANALYSED - 1, 1]);
  assert.equal(JSON.stringify(back.report), JSON.stringify(await runReport(options(root))));
});

test('an unusable cache folder (under a regular file) gives a warning and the full report', async () => {
  const root = tree();
  const blocker = join(newCacheDir(), 'a-file');
  writeFileSync(blocker, 'x');
  const run = await cached(root, join(blocker, 'cache'));
  assert.match(run.summary.warning ?? '', /report cache off, cannot use .*a-file/);
  assert.deepEqual([run.summary.hits, run.summary.analysed], [0, ANALYSED]);
  assert.equal(JSON.stringify(run.report), JSON.stringify(await runReport(options(root))));
});

test('entries written by worker threads are found by the next run', { timeout: 120_000 }, async () => {
  const root = tree();
  const cacheDir = newCacheDir();
  const first = await cached(root, cacheDir, { jobs: 2 });
  assert.equal(first.summary.analysed, ANALYSED);
  const second = await cached(root, cacheDir);
  assert.deepEqual([second.summary.hits, second.summary.analysed], [ANALYSED, 0]);
  assert.equal(second.calls, 0);
  assert.equal(JSON.stringify(second.report), JSON.stringify(first.report));
});

test('two runs at once on one cache folder both succeed and agree', async () => {
  const root = tree();
  const cacheDir = newCacheDir();
  const [x, y] = await Promise.all([cached(root, cacheDir), cached(root, cacheDir)]);
  assert.equal(JSON.stringify(x.report), JSON.stringify(y.report));
  assert.ok(entries(cacheDir).every((p) => !p.endsWith('.tmp')));
  const after = await cached(root, cacheDir);
  assert.equal(after.summary.hits, ANALYSED);
});

test('eviction keeps the most recently used entries under the cap, at most once an hour', async () => {
  const cacheDir = newCacheDir();
  const dir = resultCacheDir(cacheDir);
  mkdirSync(join(dir, 'ab'), { recursive: true });
  const now = Date.now() / 1000;
  for (let i = 0; i < 10; i++) {
    const p = join(dir, 'ab', `ab${i}.json`);
    writeFileSync(p, 'x'.repeat(1000));
    utimesSync(p, now - 1000 + i, now - 1000 + i); // entry 9 used last
  }
  const stray = join(dir, 'ab', 'ab0.json.1.0.1.tmp');
  writeFileSync(stray, 'half');
  utimesSync(stray, now - 7200, now - 7200);
  const swept = await evictResultCache(dir, 5000, 0);
  assert.equal(swept.swept, true);
  const left = readdirSync(join(dir, 'ab')).sort();
  assert.deepEqual(left, ['ab6.json', 'ab7.json', 'ab8.json', 'ab9.json'], 'under 80% of the cap, newest kept, stale temp file gone');
  // Within the hour and with little written, the next call does not list the folder again.
  writeFileSync(join(dir, 'ab', 'abx.json'), 'x'.repeat(9000));
  assert.equal((await evictResultCache(dir, 5000, 10)).swept, false);
  assert.ok(statSync(join(dir, 'ab', 'abx.json')).isFile());
  // A run that wrote a lot sweeps at once.
  assert.equal((await evictResultCache(dir, 5000, 5000)).swept, true);
});
