// End-to-end: the workspace report's result cache (issue 11, item 4) in code-server. The report
// fills the cache on its first scan; saving a file of the folder refreshes the open report in the
// background, and only that file is analysed again (the others come from the cache); a re-run of
// an unchanged folder analyses nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import {
  findFiles, openEditorSession, openFile, runCommand, screenshot, sleep, SLOW, statusBarItem, TOKENIZER_DIR, webviewFrame,
  type EditorSession,
} from './harness';
import { FILES_EXCLUDE } from './workspace';

describe('the workspace report with its result cache', { timeout: 480_000 }, () => {
  let session: EditorSession | undefined;
  let page: Page;
  let sandboxRoot = '';
  let frame: Frame;
  const extensionLog = () => session!.extensionLog();
  /** The cache lines of the log, as [from the cache, analysed]. */
  const cacheLines = () => [...extensionLog().matchAll(/workspace report: (\d+) file\(s\) from the cache, (\d+) analysed/g)].map((m): [number, number] => [Number(m[1]), Number(m[2])]);
  const waitForCacheLines = async (count: number) => {
    const deadline = Date.now() + 2 * SLOW;
    while (cacheLines().length < count) {
      if (Date.now() > deadline) assert.fail(`waited for ${count} cache lines, log:\n${extensionLog().slice(-3000)}`);
      await sleep(250);
    }
    return cacheLines();
  };
  /** The report's files, from the webview's saved state (what the panel last posted). */
  const reportedTokens = (path: string) => frame.evaluate((p) => {
    const rows = Array.from(document.querySelectorAll('tr'));
    return rows.filter((r) => r.textContent?.includes(p)).map((r) => r.textContent ?? '').join('\n');
  }, path);

  before(async () => {
    session = await openEditorSession({ settings: { 'subtokenLens.tokenizerPath': TOKENIZER_DIR, 'files.exclude': FILES_EXCLUDE } });
    ({ page, sandboxRoot } = session);
  });

  after(() => session?.close());

  it('fills the cache on the first scan, in the cache folder under HOME', async () => {
    await openFile(page, 'user_service.py');
    await statusBarItem(page, /subtokens \(/);
    await runCommand(page, 'Subtoken Lens: Open Workspace Report');
    frame = await webviewFrame(page, '#totals .card', 2 * SLOW);
    const [first] = await waitForCacheLines(1);
    assert.equal(first![0], 0, 'nothing cached yet');
    assert.ok(first![1] >= 3, `analysed ${first![1]}`);
    // HOME is the sandbox: the default cache folder is inside it.
    const entries = findFiles(join(sandboxRoot, '.cache', 'subtoken-lens', 'report-cache'), /\.json$/);
    assert.ok(entries.length >= first![1], `${entries.length} cache entries`);
  });

  it('refreshes the open report on save, analysing only the saved file', async () => {
    const before = await reportedTokens('user_service.py');
    const [analysedFirst] = cacheLines();
    await openFile(page, 'user_service.py');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\ndef archive_inactive_accounts(retention_policy_days):\n    return retention_policy_days\n');
    await page.keyboard.press('Control+S');
    const lines = await waitForCacheLines(2);
    const total = analysedFirst![0] + analysedFirst![1];
    assert.deepEqual(lines[1], [total - 1, 1], `after the save: ${JSON.stringify(lines)}`);
    // Back on the report's tab (its webview was let go while hidden), the refreshed report shows:
    // the saved file's row changed.
    await page.locator('.tab', { hasText: 'Subtoken Lens Report' }).first().click();
    frame = await webviewFrame(page, '#totals .card', SLOW);
    const deadline = Date.now() + SLOW;
    while ((await reportedTokens('user_service.py').catch(() => before)) === before) {
      if (Date.now() > deadline) assert.fail(`the report row of user_service.py did not change: ${before}`);
      await sleep(250);
    }
    await screenshot(page, 'report-cache-after-save');
  });

  it('a re-run of the unchanged folder analyses nothing', async () => {
    await frame.locator('#rerun').click();
    const lines = await waitForCacheLines(3);
    const [hits, analysed] = lines[2]!;
    assert.equal(analysed, 0, JSON.stringify(lines));
    assert.equal(hits, lines[1]![0] + lines[1]![1]);
  });
});
