// End-to-end: the packaged VSIX in code-server (VS Code 1.100.3), driven through Chromium as a
// person would: open files, hover identifiers, run commands from the palette, read what appears.
// Run with `node scripts/test.mjs --e2e` (installs code-server/Chromium on first run).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  buildVsix, ensureTools, hoverWord, installVsix, launchBrowser, makeSandbox, openFile, removeSandbox, runCommand,
  screenshot, sleep, startCodeServer, statusBarItem, TOKENIZER_DIR, waitForNotification, webviewFrame, writeUserSettings,
  type CodeServer,
} from './harness';
import { writeSampleWorkspace } from './workspace';
import { loadTokenizer } from '../../src/core/tokenizer';

const KEEP = process.env.E2E_KEEP === '1';

describe('Subtoken Lens in a real VS Code', { timeout: 300_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let sandboxRoot = '';
  let workspace = '';

  before(async () => {
    assert.ok(existsSync(join(TOKENIZER_DIR, 'vocab.json')), `the CodeT5 tokenizer is expected at ${TOKENIZER_DIR}`);
    ensureTools();
    const vsix = buildVsix();
    const sandbox = makeSandbox();
    sandboxRoot = sandbox.root;
    workspace = writeSampleWorkspace(sandbox.root);
    writeUserSettings(sandbox.userDataDir, { 'subtokenLens.tokenizerPath': TOKENIZER_DIR });
    installVsix(vsix, sandbox);
    server = await startCodeServer(sandbox, workspace);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await sleep(1_500);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (server && process.env.E2E_LOGS === '1') process.stderr.write(server.logs());
    await server?.stop();
    if (!KEEP && sandboxRoot) removeSandbox(sandboxRoot);
  });

  it('shows the subtoken pieces and counts when hovering an identifier', async () => {
    await openFile(page, 'user_service.py');
    const name = 'find_active_users';
    const pieces = expectedPieces(name);
    assert.ok(pieces.length >= 3, `pick an identifier the tokenizer splits: ${pieces.join(' ')}`);
    const text = await hoverWord(page, name);
    await screenshot(page, 'hover-identifier');
    assert.match(text, new RegExp(`identifier ${name}`));
    assert.ok(text.includes(pieces.join(' · ')), `hover should list ${pieces.join(' · ')}:\n${text}`);
    assert.ok(text.includes(`${pieces.length} subtokens`), text);
    assert.ok(text.includes(`After merging: 1 position (saves ${pieces.length - 1})`), text);
    assert.match(text, /File: [\d,]+ subtokens → [\d,]+ merged/);
  });

  it('shows the file count in the status bar', async () => {
    const item = await statusBarItem(page, /subtokens \(/);
    const m = /([\d,]+) → ([\d,]+) subtokens \(−([\d.]+)%\)/.exec(item);
    assert.ok(m, `status bar text: ${item}`);
    const [before, afterMerge] = [Number(m[1]!.replace(/,/g, '')), Number(m[2]!.replace(/,/g, ''))];
    assert.ok(afterMerge < before, `merging should shorten the file: ${item}`);
  });

  it('analyses the file from the palette: CodeLens numbers, coloured identifiers, results view', async () => {
    await runCommand(page, 'Subtoken Lens: Analyze Token Merging in File');
    const lens = page.locator('.contentWidgets .codelens-decoration, .codelens-decoration').filter({ hasText: /positions/ }).first();
    await lens.waitFor({ timeout: 90_000 });
    const lensText = (await page.locator('.codelens-decoration').allInnerTexts()).join(' | ');
    assert.match(lensText, /File: [\d,]+ → [\d,]+ positions \(−[\d.]+%\)/, lensText);
    assert.match(lensText, /FLOPs .* analytic, −[\d.]+% counted/, lensText);
    assert.match(lensText, /Latency [\d.]+ ms → [\d.]+ ms/, lensText);
    assert.match(lensText, /Pooled cosine 0?\.\d{4}|Pooled cosine 1\.0000/, lensText);
    // The default model is the embedded one: its numbers must say so.
    assert.match(lensText, /random weights/, lensText);
    const coloured = await page.locator('.editor-instance .view-overlays .cdr[class*="ced-"]').count();
    assert.ok(coloured > 0, 'merged identifiers should be decorated');
    await page.locator('.pane-header', { hasText: 'Token Merging' }).first().click().catch(() => undefined);
    const row = page.locator('.monaco-list-row', { hasText: /1−cos/ }).first();
    await row.waitFor({ timeout: 15_000 });
    await screenshot(page, 'inline-analysis');
  });

  it('marks the results stale after an edit', async () => {
    await page.locator('.editor-instance .view-line').last().click();
    await page.keyboard.press('End');
    await page.keyboard.type('\nnew_helper_value = 1\n');
    await page.locator('.codelens-decoration', { hasText: /stale/ }).first().waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('.editor-instance .view-overlays .cdr[class*="ced-"]').count(), 0, 'stale colours must go');
  });

  it('opens the workspace report webview and exports it', async () => {
    await runCommand(page, 'Subtoken Lens: Open Workspace Report');
    const frame = await webviewFrame(page, '#totals .card', 90_000);
    const totals = await frame.locator('#totals').innerText();
    assert.match(totals, /Files/);
    const languages = await frame.locator('#language-table').innerText();
    for (const lang of ['python', 'typescript', 'go', 'java']) assert.match(languages, new RegExp(lang), languages);
    assert.ok(await frame.locator('#histogram').isVisible(), 'histogram chart should render');
    await screenshot(page, 'workspace-report');
    await frame.locator('button[data-export="json"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    const target = join(workspace, 'exported-report.json');
    // The save dialog fills in its default path after it opens; replace it only once it is there.
    await page.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.includes('subtoken-report.json'));
    await input.fill(target);
    await sleep(500);
    assert.equal(await input.inputValue(), target);
    await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first().click();
    await waitForNotification(page, /report exported to .*exported-report\.json/, 20_000);
    const exported = JSON.parse(readFileSync(target, 'utf8'));
    assert.equal(exported.schema, 'subtoken-lens/report');
    assert.equal(exported.totals.files, 4);
  });

  it('changes the model setting through Select Model... and the next analysis uses it', async () => {
    const settingsFile = join(sandboxRoot, 'user-data', 'User', 'settings.json');
    await openFile(page, 'shoppingCart.ts');
    await runCommand(page, 'Subtoken Lens: Select Model...');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'embedded-small' }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await waitForNotification(page, /model set to embedded-small/);
    assert.match(readFileSync(settingsFile, 'utf8'), /"subtokenLens\.model": "embedded-small"/);
    await runCommand(page, 'Subtoken Lens: Analyze Token Merging in File');
    const lens = page.locator('.codelens-decoration', { hasText: /embedded-small · random weights/ }).first();
    await lens.waitFor({ timeout: 120_000 });
  });

  it('writes its activation to the log', () => {
    const logs = findFiles(join(sandboxRoot, 'user-data', 'logs'), /Subtoken Lens\.log$/);
    assert.ok(logs.length > 0, 'no Subtoken Lens log file');
    const text = readFileSync(logs[0]!, 'utf8');
    const m = /activated in ([\d.]+) ms/.exec(text);
    assert.ok(m, `log:\n${text}`);
    process.stderr.write(`[e2e] activation took ${m[1]} ms\n`);
  });
});

/** Pieces of ` name` by the same tokenizer the extension is told to use, computed here. */
function expectedPieces(name: string): string[] {
  const tok = loadTokenizer(TOKENIZER_DIR);
  const enc = tok.encode(` ${name}`);
  const out: string[] = [];
  for (let t = 0; t < enc.length; t++) out.push(` ${name}`.slice(enc.starts[t]!, enc.ends[t]!).replace(/^ /, ''));
  return out;
}

function findFiles(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findFiles(p, pattern));
    else if (pattern.test(name)) out.push(p);
  }
  return out;
}
