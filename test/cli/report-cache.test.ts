// `report --cache` from the command line: off unless asked, the same JSON from the cache, a warning
// (never a failure) when the cache folder cannot be used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { CODET5_DIR, REPO_ROOT } from '../core/helpers';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'stl-cli-rcache-'));
  mkdirSync(join(root, 'app'));
  writeFileSync(join(root, 'app', 'users.py'), 'def get_user_by_id(user_id):\n    return user_cache.lookup_by_id(user_id)\n');
  writeFileSync(join(root, 'app', 'api.ts'), 'export const fetchUserProfile = (userId: string) => httpClient.getJson(userId);\n');
  return root;
}

const report = (root: string, cacheDir: string, ...extra: string[]) =>
  runCli(['report', root, '--jobs', '0', '--format', 'json', '--tokenizer', CODET5_DIR, '--cache-dir', cacheDir, ...extra], { cwd: REPO_ROOT, timeoutMs: 120_000 });

test('report --cache reuses every file on the second run and prints the same JSON', { timeout: 300_000 }, async () => {
  const root = tree();
  const cacheDir = mkdtempSync(join(tmpdir(), 'stl-cli-rcache-dir-'));
  const first = await report(root, cacheDir, '--cache');
  assert.equal(first.code, 0, first.err);
  assert.match(first.err, /^cache: 0 files reused, 2 analysed \(.*report-cache\)$/m);
  const second = await report(root, cacheDir, '--cache');
  assert.equal(second.code, 0, second.err);
  assert.match(second.err, /^cache: 2 files reused, 0 analysed/m);
  assert.equal(second.out, first.out);
  // --no-progress keeps stderr quiet about the cache too.
  const quiet = await report(root, cacheDir, '--cache', '--no-progress');
  assert.equal(quiet.err, '');
  assert.equal(quiet.out, first.out);
});

test('report without --cache (or with --no-cache) neither reads nor writes the cache', { timeout: 300_000 }, async () => {
  const root = tree();
  const cacheDir = mkdtempSync(join(tmpdir(), 'stl-cli-rcache-dir-'));
  for (const flags of [[], ['--no-cache']]) {
    const run = await report(root, cacheDir, ...flags);
    assert.equal(run.code, 0, run.err);
    assert.doesNotMatch(run.err, /cache:/);
  }
  assert.equal(existsSync(join(cacheDir, 'report-cache')), false);
});

test('report --cache with an unusable cache folder warns and still reports', { timeout: 300_000 }, async () => {
  const root = tree();
  const cacheDir = mkdtempSync(join(tmpdir(), 'stl-cli-rcache-dir-'));
  writeFileSync(join(cacheDir, 'report-cache'), 'a regular file where the folder would be');
  const run = await report(root, cacheDir, '--cache');
  assert.equal(run.code, 0, run.err);
  assert.match(run.err, /^subtoken-lens: warning: report cache off, cannot use .*report-cache: /m);
  const plain = await report(root, cacheDir);
  assert.equal(run.out, plain.out);
});
