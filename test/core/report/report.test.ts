import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReport, combineReports, formatCsv, formatHtml, formatMarkdown, formatTable, type ReportJson, type ReportOptions } from '../../../src/core/report';
import { encoderFlops, modelConfig } from '../../../src/core/flops';
import { CODET5_DIR, codet5 } from '../helpers';

function sampleTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'stl-report-'));
  const w = (rel: string, data: string | Buffer) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), data);
  };
  w('app/users.py', 'class UserRepository:\n    def get_user_by_id(self, user_id):\n        return self.user_cache.lookup_by_id(user_id)\n');
  w('app/broken.py', 'def half_written(x:\n    return x +\n');
  w('web/api.ts', 'export async function fetchUserProfile(userId: string): Promise<UserProfile> {\n  return httpClient.getJson(`/users/${userId}`);\n}\n');
  w('web/App.tsx', 'export const App = () => <UserCard userName={currentUser.displayName} />;\n');
  w('src/Main.java', 'class Main { void printUserName(String userName) { System.out.println(userName); } }\n');
  w('src/main.go', 'package main\n\nfunc parseConfigFile(path string) (*ConfigFile, error) { return nil, nil }\n');
  w('src/lib.rs', 'fn compute_checksum(input_bytes: &[u8]) -> u32 { input_bytes.len() as u32 }\n');
  w('src/util.c', 'int count_lines(const char *buffer_ptr) { return buffer_ptr[0]; }\n');
  w('src/util.cpp', 'class LineCounter { int countLines(const std::string& inputText); };\n');
  w('src/Prog.cs', 'class Program { static void PrintUserName(string userName) { Console.WriteLine(userName); } }\n');
  w('src/tool.rb', 'class UserMailer\n  def send_welcome_email(user_record)\n    deliver_now(user_record)\n  end\nend\n');
  w('src/index.php', '<?php function renderUserList($userList) { return count($userList); }\n');
  w('src/Build.kt', 'fun buildProjectGraph(projectName: String) = projectName.length\n');
  w('bad/binary.py', Buffer.from([0x64, 0x65, 0x66, 0x00, 0x01, 0x02]));
  w('bad/latin1.py', Buffer.from('x = "caf\xe9"\n', 'latin1'));
  w('bad/empty.py', '');
  w('bad/big.js', 'var a=1;'.repeat(200_000));
  w('bad/min.js', 'var someLongName=1;'.repeat(2000));
  w('node_modules/dep/index.js', 'module.exports = 1;\n');
  w('ignored/skip.py', 'print(1)\n');
  w('.gitignore', 'ignored/\n');
  w('README.md', '# docs are not code\n');
  symlinkSync(root, join(root, 'loop'));
  return root;
}

function options(root: string, extra: Partial<ReportOptions> = {}): ReportOptions {
  const cfg = modelConfig('codet5-base');
  return {
    root, tokenizerDir: CODET5_DIR, tokenizerName: codet5().name, modelKey: cfg.key, scope: 'identifiers',
    window: { capacity: 510, specials: 2 }, maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false,
    includeUnsupported: true, jobs: 0, topLimit: 50, includeIdentifierTable: false, toolVersion: 'test', ...extra,
  };
}

const root = sampleTree();
let single: ReportJson;

test('a report covers every language, and gives every bad file a status', async () => {
  single = await runReport(options(root));
  const langs = Object.keys(single.languages).sort();
  for (const l of ['c', 'cpp', 'csharp', 'go', 'java', 'php', 'python', 'ruby', 'rust', 'tsx', 'typescript']) assert.ok(langs.includes(l), `missing ${l}: ${langs}`);
  assert.ok(langs.includes('unsupported:kotlin') || langs.includes('kotlin'));
  const skip = Object.fromEntries(single.skipped.map((s) => [s.path, s.reason]));
  assert.equal(skip['bad/binary.py'], 'binary');
  assert.equal(skip['bad/latin1.py'], 'invalid-utf8');
  assert.equal(skip['bad/empty.py'], 'empty');
  assert.equal(skip['bad/big.js'], 'too-large');
  assert.equal(skip['bad/min.js'], 'minified');
  assert.equal(skip['node_modules'], 'vendored');
  assert.equal(skip['loop'], 'symlink-loop');
  assert.ok(!single.files.some((f) => f.path.startsWith('ignored/')), '.gitignore honoured');
  assert.ok(!single.files.some((f) => f.path === 'README.md'));
  const broken = single.files.find((f) => f.path === 'app/broken.py')!;
  assert.equal(broken.status, 'parse-errors');
  assert.ok(broken.identifiers >= 2, 'recovered spans still count');
});

test('totals are the sums of the files, and derived figures follow from them', () => {
  const t = single.totals;
  const sum = (k: 'tokens' | 'merged' | 'identifiers' | 'splitIdentifiers') => single.files.reduce((s, f) => s + f[k], 0);
  assert.equal(t.tokens, sum('tokens'));
  assert.equal(t.merged, sum('merged'));
  assert.equal(t.identifiers, sum('identifiers'));
  assert.equal(t.histogram.reduce((a, b) => a + b, 0), t.identifiers);
  assert.equal(Object.values(t.categories).reduce((a, b) => a + b, 0), t.tokens);
  assert.ok(t.merged < t.tokens);
  assert.equal(t.tokens - t.merged, t.savedByIdentifiers);
  // FLOPs: each file is one window here; the total is the sum of per-window encoder FLOPs.
  const cfg = modelConfig('codet5-base');
  const expect = single.files.reduce((s, f) => s + encoderFlops(cfg, f.tokens + 2).total, 0);
  assert.equal(t.flopsBefore, expect);
  assert.ok(t.flopSavingPct > 0 && t.flopSavingPct < t.reductionPct + 1);
  // The file's token count matches tokenizing it directly.
  const users = single.files.find((f) => f.path === 'app/users.py')!;
  const text = 'class UserRepository:\n    def get_user_by_id(self, user_id):\n        return self.user_cache.lookup_by_id(user_id)\n';
  assert.equal(users.tokens, codet5().encode(text).length);
  const top = single.topIdentifiers.map((x) => x.name);
  assert.ok(top.includes('get_user_by_id') && top.includes('UserRepository'), top.join(','));
});

test('worker threads give the same report as in-process analysis', async () => {
  const pooled = await runReport(options(root, { jobs: 2 }));
  assert.deepEqual(pooled, single);
});

test('the calling thread analysing beside a worker (the CLI) gives the same report, every file once', async () => {
  // 200 files: several batches (at most 64 files each), so both the caller and the worker take some.
  const many = mkdtempSync(join(tmpdir(), 'stl-report-many-'));
  for (let i = 0; i < 200; i++) {
    const body = i % 2
      ? `def handle_request_${i}(request_body, user_id):\n    return request_body.get_user_by_id(user_id) + ${i}\n`
      : `export function renderUserCard${i}(userProfile) { return userProfile.displayName + ${i}; }\n`;
    writeFileSync(join(many, `f${i}.${i % 2 ? 'py' : 'js'}`), body);
  }
  const inThread = await runReport(options(many));
  let progressed = 0;
  const together = await runReport(options(many, { jobs: 2, callerWorks: true, onProgress: (p) => { if (p.phase === 'analyzing') progressed = p.done; } }));
  assert.equal(inThread.files.length, 200);
  assert.deepEqual(together, inThread);
  assert.equal(progressed, 200);
  assert.deepEqual(await runReport(options(many, { jobs: 1, callerWorks: true })), inThread, 'jobs 1 with the caller working: no worker at all');
});

test('shards combine into exactly the unsharded report', async () => {
  const parts: ReportJson[] = [];
  for (let k = 0; k < 3; k++) parts.push(await runReport(options(root, { shard: { index: k, count: 3 } })));
  assert.equal(parts.reduce((s, p) => s + p.files.length, 0), single.files.length);
  const combined = combineReports(parts.map((p) => JSON.parse(JSON.stringify(p)) as ReportJson), { topLimit: 50 });
  assert.deepEqual(combined, single);
  assert.throws(() => combineReports([parts[0]!, parts[0]!]), /more than one shard/);
  assert.throws(() => combineReports([{ ...parts[0]!, identifierTable: undefined }]), /identifierTable/);
});

test('every format renders the same numbers', () => {
  const table = formatTable(single);
  assert.match(table, new RegExp(single.totals.tokens.toLocaleString('en-US')));
  const md = formatMarkdown(single);
  assert.match(md, /\| python \|/);
  const csv = formatCsv(single).trim().split('\n');
  assert.equal(csv.length, 1 + single.files.length + single.skipped.length);
  const html = formatHtml(single, { script: '/* renderer */', style: '' });
  assert.match(html, /<script type="application\/json" id="report-data">/);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3)/, 'no remote resources');
  const data = JSON.parse(html.split('id="report-data">')[1]!.split('</script>')[0]!) as ReportJson;
  assert.equal(data.totals.tokens, single.totals.tokens);
});

test('include patterns narrow the report to matching files', async () => {
  const r = await runReport(options(root, { include: ['app/**', '*.go'] }));
  assert.deepEqual(r.files.map((f) => f.path), ['app/broken.py', 'app/users.py', 'src/main.go']);
});

test('the lexical span engine gives nearly the same report, and says so', async () => {
  const fast = await runReport(options(root, { spanEngine: 'lexical' }));
  assert.equal(fast.spanEngine, 'lexical');
  assert.ok(fast.notes.some((n) => /lexical scanner/.test(n)));
  assert.equal(fast.totals.tokens, single.totals.tokens, 'tokens do not depend on spans');
  // Kotlin has no lexical scanner: it falls back to tree-sitter; broken.py is not flagged.
  assert.equal(fast.files.find((f) => f.path === 'app/broken.py')!.status, 'ok');
  const rel = Math.abs(fast.totals.merged - single.totals.merged) / single.totals.merged;
  assert.ok(rel < 0.01, `merged ${fast.totals.merged} vs ${single.totals.merged}`);
  assert.throws(() => combineReports([{ ...fast, identifierTable: {} }, { ...single, identifierTable: {} }]), /disagree on spanEngine/);
});

test('a cancelled run stops with an abort error', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(runReport(options(root, { signal: ac.signal })), { name: 'AbortError' });
  // The signal's own reason is what the run rejects with, so a caller can tell its cancel apart.
  const withReason = new AbortController();
  const reason = new Error('stopped by the user');
  withReason.abort(reason);
  await assert.rejects(runReport(options(root, { signal: withReason.signal })), (e: unknown) => e === reason);
});
