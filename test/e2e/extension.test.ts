// End-to-end: the packaged VSIX in code-server (VS Code 1.100.3), driven through Chromium as a
// person would: open files, hover identifiers, run commands from the palette, read what appears.
// Run with `node scripts/test.mjs --e2e` (installs code-server/Chromium on first run).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import {
  buildVsix, clearNotifications, clickNotificationButton, editorText, ensureTools, findFiles, hoverWord, installVsix, launchBrowser,
  makeSandbox, noSubtokenHover, openFile, removeSandbox, runCommand, screenshot, sleep, SLOW, startCodeServer, statusBarItem,
  toggleSettingInUi, TOKENIZER_DIR, waitForNotification, webviewFrame, writeUserSettings, type CodeServer,
} from './harness';
import { startLoopbackHub, type LoopbackHub } from './hub';
import { FILES_EXCLUDE, IGNORED_FILES, SAMPLE_FILES, writeSampleWorkspace } from './workspace';
import { ensureEmbeddedModel } from '../../src/core/runtime/embedded-model';
import { loadTokenizer } from '../../src/core/tokenizer';

const KEEP = process.env.E2E_KEEP === '1';

// A person's first contact: a fresh profile, the VSIX installed, not one setting written (no
// settings.json at all; code-server's --disable-workspace-trust flag stands in for the trust
// dialog a person would click away). Everything must work from what the VSIX carries.
describe('Subtoken Lens on first run, with no settings at all', { timeout: 420_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let sandboxRoot = '';
  let workspace = '';
  /** Every session's log (a window reload starts a new one). */
  const extensionLog = () => {
    const logs = findFiles(join(sandboxRoot, 'user-data', 'logs'), /Subtoken Lens\.log$/);
    assert.ok(logs.length > 0, 'no Subtoken Lens log file');
    return logs.map((f) => readFileSync(f, 'utf8')).join('\n');
  };

  before(async () => {
    ensureTools();
    const vsix = buildVsix();
    const sandbox = makeSandbox();
    sandboxRoot = sandbox.root;
    workspace = writeSampleWorkspace(sandbox.root);
    assert.ok(!existsSync(join(sandbox.userDataDir, 'User', 'settings.json')), 'no settings at all');
    installVsix(vsix, sandbox);
    server = await startCodeServer(sandbox, workspace);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: SLOW });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (server && process.env.E2E_LOGS === '1') process.stderr.write(server.logs());
    await server?.stop();
    if (!KEEP && sandboxRoot) removeSandbox(sandboxRoot);
  });

  it('shows the pieces of an identifier on hover, with the tokenizer the VSIX carries', async () => {
    await openFile(page, 'user_service.py');
    const name = 'find_active_users';
    const pieces = expectedPieces(name);
    const text = await hoverWord(page, name, 2 * SLOW);
    await screenshot(page, 'first-run-hover');
    assert.ok(text.includes(pieces.join(' · ')), `hover should list ${pieces.join(' · ')}:\n${text}`);
    assert.ok(text.includes(`${pieces.length} subtokens`), text);
    await statusBarItem(page, /[\d,]+ → [\d,]+ subtokens \(/);
    const log = extensionLog();
    assert.match(log, /tokenizer: .*dist[\\/]tokenizer[\\/]codet5 \(bundled\)/, log);
    assert.doesNotMatch(log, /tokenizer not found|hover: /, log);
  });

  it('analyses the file with the embedded model', async () => {
    await runCommand(page, 'Subtoken Lens: Analyze Token Merging in File');
    const lens = page.locator('.codelens-decoration').filter({ hasText: /positions/ }).first();
    await lens.waitFor({ timeout: 3 * SLOW });
    assert.match(await lens.innerText(), /embedded-tiny, random weights/);
    await screenshot(page, 'first-run-analysis');
    await clearNotifications(page);
  });

  it('opens the report, a click on a file opens that file of the workspace, and the report exports', async () => {
    await runCommand(page, 'Subtoken Lens: Open Workspace Report');
    const frame = await webviewFrame(page, '#file-table .file-link', 2 * SLOW);
    await screenshot(page, 'first-run-report');
    await frame.locator('#file-table .file-link', { hasText: 'http_handler.go' }).first().click();
    // The file opens in an editor of its own, from the workspace folder.
    await page.locator('.tab[aria-label^="http_handler.go"]').first().waitFor({ timeout: SLOW });
    const text = await editorText(page, 'handleHealthCheck');
    assert.ok(text.includes('func handleHealthCheck(responseWriter http.ResponseWriter'), text);
    // Nothing was refused: the link named a file of the report, inside the folder.
    assert.doesNotMatch(extensionLog(), /report link .* refused/);
    await screenshot(page, 'first-run-report-link');
    const reportFrame = await webviewFrame(page, '#totals .card', SLOW);
    const exported = await exportReportJson(page, reportFrame, join(workspace, 'first-run-report.json'));
    // No files.exclude in this profile, so only .gitignore keeps a file out.
    assert.deepEqual(exported.files.map((f) => f.path).sort(), [...Object.keys(SAMPLE_FILES), 'build/generated_stub.py'].sort());
    await clearNotifications(page);
  });

  it('keeps the report after the window reloads', async () => {
    await runCommand(page, 'Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: SLOW });
    const frame = await webviewFrame(page, '#totals .card', 2 * SLOW);
    assert.match(await frame.locator('#totals').innerText(), /files/i); // card labels are upper-cased by CSS
    await screenshot(page, 'first-run-report-restored');
    assert.match(extensionLog(), /workspace report restored after reload \(/);
  });
});

describe('Subtoken Lens in a real VS Code', { timeout: 420_000 }, () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let sandboxRoot = '';
  let workspace = '';
  let hub: LoopbackHub | undefined;
  let hubModelSource = '';
  const settingsFile = () => join(sandboxRoot, 'user-data', 'User', 'settings.json');
  /** User settings, plus the machine settings a remote window writes machine-scoped keys to. */
  const userSettings = () => {
    const machine = join(sandboxRoot, 'user-data', 'Machine', 'settings.json');
    // The editor may be rewriting a file at this very moment (truncated, then written): read a
    // file that does not parse as empty, and let the caller's polling loop read it again.
    const read = (file: string): Record<string, unknown> => {
      if (!existsSync(file)) return {};
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch {
        return {};
      }
    };
    return { ...read(machine), ...read(settingsFile()) };
  };
  /** The extension's model cache: HOME is the sandbox, so ~/.cache/subtoken-lens lies inside it. */
  const modelCache = () => join(sandboxRoot, '.cache', 'subtoken-lens', 'models');
  const extensionLog = () => {
    const logs = findFiles(join(sandboxRoot, 'user-data', 'logs'), /Subtoken Lens\.log$/);
    assert.ok(logs.length > 0, 'no Subtoken Lens log file');
    return readFileSync(logs[0]!, 'utf8');
  };

  before(async () => {
    assert.ok(existsSync(join(TOKENIZER_DIR, 'vocab.json')), `the CodeT5 tokenizer is expected at ${TOKENIZER_DIR}`);
    ensureTools();
    const vsix = buildVsix();
    const sandbox = makeSandbox();
    sandboxRoot = sandbox.root;
    workspace = writeSampleWorkspace(sandbox.root);
    // A random-weight tiny model served as "Salesforce/codet5-small" by a loopback Hub.
    hubModelSource = mkdtempSync(join(tmpdir(), 'subtoken-e2e-hub-'));
    const tiny = ensureEmbeddedModel('tiny', hubModelSource);
    hub = await startLoopbackHub({
      'Salesforce/codet5-small': {
        files: {
          'config.json': readFileSync(join(tiny, 'config.json')),
          'onnx/encoder_model.onnx': readFileSync(join(tiny, 'encoder_model.onnx')),
          'README.md': Buffer.from('served by the e2e test\n'),
        },
      },
    });
    writeUserSettings(sandbox.userDataDir, {
      'subtokenLens.tokenizerPath': TOKENIZER_DIR,
      'subtokenLens.hubEndpoint': hub.endpoint,
      'files.exclude': FILES_EXCLUDE,
      // The comparison table is read from the editor's lines: keep each row on one line.
      '[markdown]': { 'editor.wordWrap': 'off' },
    });
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
    await hub?.close();
    if (hubModelSource) rmSync(hubModelSource, { recursive: true, force: true });
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
    const lens = page.locator('.codelens-decoration').filter({ hasText: /positions/ }).first();
    await lens.waitFor({ timeout: 90_000 });
    const lensText = await lens.innerText();
    // Three short lenses on one line: lengths and FLOPs | latency and provider | output change.
    assert.match(lensText, /File [\d,]+ → [\d,]+ positions \(−[\d.]+%\), FLOPs −[\d.]+%/, lensText);
    assert.match(lensText, /[\d.]+ → [\d.]+ ms \([\d.]+×, cpu\)/, lensText);
    assert.match(lensText, /cos (0\.\d{4}|1\.0000) \(average\)/, lensText);
    // The default model is the embedded one: its numbers must say so.
    assert.match(lensText, /embedded-tiny, random weights/, lensText);
    assert.equal(await lensFits(lens), 3, lensText);
    const coloured = await page.locator('.editor-instance .view-overlays .cdr[class*="ced-"]').count();
    assert.ok(coloured > 0, 'merged identifiers should be decorated');
    await page.locator('.pane-header', { hasText: 'Token Merging' }).first().click().catch(() => undefined);
    const row = page.locator('.monaco-list-row', { hasText: /1−cos/ }).first();
    await row.waitFor({ timeout: SLOW });
    await screenshot(page, 'inline-analysis');
  });

  it('marks the results stale after an edit', async () => {
    await page.locator('.editor-instance .view-line').last().click();
    await page.keyboard.press('End');
    await page.keyboard.type('\nnew_helper_value = 1\n');
    await page.locator('.codelens-decoration', { hasText: /stale/ }).first().waitFor({ timeout: SLOW });
    assert.equal(await page.locator('.editor-instance .view-overlays .cdr[class*="ced-"]').count(), 0, 'stale colours must go');
  });

  it('opens the workspace report webview and exports it', async () => {
    await runCommand(page, 'Subtoken Lens: Open Workspace Report');
    const frame = await webviewFrame(page, '#totals .card', 90_000);
    const totals = await frame.locator('#totals').innerText();
    assert.match(totals, /files/i); // card labels are upper-cased by CSS
    const languages = await frame.locator('#language-table').innerText();
    for (const lang of ['python', 'typescript', 'go', 'java']) assert.match(languages, new RegExp(lang), languages);
    assert.ok(await frame.locator('#histogram').isVisible(), 'histogram chart should render');
    await screenshot(page, 'workspace-report');
    const exported = await exportReportJson(page, frame, join(workspace, 'exported-report.json'));
    assert.equal(exported.schema, 'subtoken-lens/report');
    // The four sample files; not the one .gitignore names nor the one under files.exclude.
    assert.equal(exported.totals.files, Object.keys(SAMPLE_FILES).length);
    const paths = exported.files.map((f: { path: string }) => f.path).sort();
    assert.deepEqual(paths, Object.keys(SAMPLE_FILES).sort());
    for (const ignored of Object.keys(IGNORED_FILES)) assert.ok(!JSON.stringify(exported).includes(ignored), ignored);
    // It ran on worker threads inside the extension host (piscina from the VSIX).
    assert.match(extensionLog(), /workspace report: 4 files, \d+ skipped, in \d+ ms on \d+ worker threads?/);
  });

  it('analyses a selection', async () => {
    await openFile(page, 'OrderProcessor.java');
    await page.locator('.editor-instance .view-line', { hasText: 'processPendingOrder' }).first().click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+End');
    await runCommand(page, 'Subtoken Lens: Analyze Token Merging in Selection');
    const lens = page.locator('.codelens-decoration', { hasText: /Selection [\d,]+ → / }).first();
    await lens.waitFor({ timeout: 60_000 });
    const text = await lens.innerText();
    const m = /Selection ([\d,]+) → ([\d,]+) positions/.exec(text);
    assert.ok(m, text);
    const full = SAMPLE_FILES['OrderProcessor.java']!;
    const lines = full.split('\n');
    const i = lines.findIndex((l) => l.includes('processPendingOrder'));
    // Home goes to the first non-blank character, so the selection starts at "public".
    const selected = lines.slice(i, i + 3).join('\n').trimStart();
    // Positions = the selection's own tokens + <s></s>, independently tokenized here.
    assert.equal(Number(m[1]!.replace(/,/g, '')), loadTokenizer(TOKENIZER_DIR).encode(selected).length + 2, text);
    assert.ok(Number(m[2]!.replace(/,/g, '')) < Number(m[1]!.replace(/,/g, '')), text);
  });

  it('compares average and learned merging side by side, training the learned merger on first use', async () => {
    await runCommand(page, 'Subtoken Lens: Compare Strategies');
    // A webview beside the editor (test/e2e/compare.test.ts covers it in full).
    const frame = await webviewFrame(page, '#strategy-table tbody tr', 120_000);
    await screenshot(page, 'compare-strategies');
    assert.match(await frame.locator('#random-weights').innerText(), /random weights/i);
    assert.match(await frame.locator('#facts').innerText(), /embedded-tiny/);
    assert.deepEqual(await frame.locator('#strategy-table tbody tr td:first-child').allInnerTexts(), ['average', 'learned']);
    assert.match(extensionLog(), /trained the learned merger for embedded-tiny on first use: .*merger\.json/);
    assert.equal(findFiles(modelCache(), /^merger\.json$/).length, 1);
    await runCommand(page, 'View: Close Editors in Other Groups');
    await clearNotifications(page);
  });

  it('trains the learned merger on request and says how it compares', async () => {
    const merger = findFiles(modelCache(), /^merger\.json$/)[0]!;
    const before = statSync(merger).mtimeMs;
    await runCommand(page, 'Subtoken Lens: Train Learned Merger');
    const toast = await waitForNotification(page, /learned merger for embedded-tiny trained on/, 120_000);
    // An interval, not a bare difference, and on random weights the caveat whatever it says.
    assert.match(toast, /trained on [\d,]+ examples and saved; held-out MSE learned vs average [+-][\d.]+% \(95% CI [+-][\d.]+% to [+-][\d.]+%, [\d,]+ tokens\): /, toast);
    assert.match(toast, /no difference: the interval covers zero|the learned merger reconstructs better|averaging reconstructs better/, toast);
    assert.match(toast, /Random weights: this says nothing about how merging behaves in a real \(trained\) model/, toast);
    assert.ok(statSync(merger).mtimeMs > before, 'merger.json should be rewritten');
    await clearNotifications(page);
  });

  it('refuses to download while downloads are off, then a person turns them on in the Settings UI', async () => {
    await runCommand(page, 'Subtoken Lens: Download Model...');
    await waitForNotification(page, /downloads are off, so nothing was downloaded/);
    assert.deepEqual(hub!.requests, [], 'nothing may reach the Hub while downloads are off');
    // The notification's button opens the Settings editor at the setting.
    await clickNotificationButton(page, /downloads are off/, 'Open Setting');
    await toggleSettingInUi(page, 'subtokenLens.allowDownloads', 'to fetch weights and tokenizers');
    await screenshot(page, 'settings-allow-downloads');
    for (let i = 0; i < 20 && userSettings()['subtokenLens.allowDownloads'] !== true; i++) await sleep(250);
    assert.equal(userSettings()['subtokenLens.allowDownloads'], true);
    await clearNotifications(page);
  });

  it('downloads a model from the Hub endpoint (a loopback mirror) and analyses with it', async () => {
    await openFile(page, 'user_service.py');
    await runCommand(page, 'Subtoken Lens: Download Model...');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'codet5-small' }).first();
    await row.waitFor({ timeout: SLOW });
    await row.click();
    await clickNotificationButton(page, /Salesforce\/codet5-small is downloaded/, 'Use It', 60_000);
    await waitForNotification(page, /model set to codet5-small/);
    assert.ok(hub!.requests.includes('/api/models/Salesforce/codet5-small/revision/main'), hub!.requests.join('\n'));
    assert.ok(hub!.requests.some((r) => /^\/Salesforce\/codet5-small\/resolve\/[0-9a-f]{40}\/onnx\/encoder_model\.onnx$/.test(r)), hub!.requests.join('\n'));
    for (let i = 0; i < 20 && userSettings()['subtokenLens.model'] !== 'codet5-small'; i++) await sleep(250);
    assert.equal(userSettings()['subtokenLens.model'], 'codet5-small');
    await runCommand(page, 'Subtoken Lens: Analyze Token Merging in File');
    // The served weights are random and its config says so: the lens must say so too.
    await page.locator('.codelens-decoration', { hasText: /codet5-small, random weights/ }).first().waitFor({ timeout: 60_000 });
    await clearNotifications(page);
  });

  it('says clearly when the selected model folder is corrupt, and the editor keeps working', async () => {
    const onnx = findFiles(join(modelCache()), /^encoder_model\.onnx$/).filter((f) => f.includes('Salesforce--codet5-small'));
    assert.equal(onnx.length, 1, onnx.join('\n'));
    writeFileSync(onnx[0]!, 'this is not an ONNX model');
    // Selecting the model again drops the loaded session, so the next analysis reads the folder.
    await runCommand(page, 'Subtoken Lens: Select Model...');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'codet5-small' }).filter({ hasText: 'downloaded' }).first();
    await row.waitFor({ timeout: SLOW });
    await row.click();
    await waitForNotification(page, /model set to codet5-small/);
    await runCommand(page, 'Subtoken Lens: Analyze Token Merging in File');
    const toast = await waitForNotification(page, /the encoder did not run: .*encoder_model\.onnx is not a readable ONNX model/, 60_000);
    assert.match(toast, /showing token counts and analytic FLOPs only/);
    const lens = page.locator('.codelens-decoration', { hasText: /encoder not run/ }).first();
    await lens.waitFor({ timeout: SLOW });
    assert.equal(await lensFits(lens), 2, await lens.innerText());
    await screenshot(page, 'corrupt-model');
    const hover = await hoverWord(page, 'find_active_users');
    assert.match(hover, /identifier find_active_users/);
    await statusBarItem(page, /subtokens \(/);
    await clearNotifications(page);
  });

  it('clears the model cache after asking', async () => {
    assert.ok(existsSync(modelCache()));
    await runCommand(page, 'Subtoken Lens: Clear Model Cache');
    const dialog = page.locator('.monaco-dialog-box', { hasText: /Delete every downloaded and generated model/ });
    await dialog.waitFor({ timeout: SLOW });
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    // The downloaded codet5-small and the generated embedded-tiny.
    const toast = await waitForNotification(page, /removed \d+ downloaded and \d+ generated model folder\(s\), [\d.]+ MB/);
    assert.match(toast, /removed 1 downloaded and 1 generated model folder/);
    assert.equal(findFiles(modelCache(), /\.onnx$/).length, 0, 'no model may remain in the cache');
    await clearNotifications(page);
  });

  it('stays quiet on a file without a grammar', async () => {
    await clearNotifications(page);
    await openFile(page, 'README.md');
    const item = await statusBarItem(page, /no subtokens/);
    assert.match(item, /no subtokens/);
    assert.ok(await noSubtokenHover(page, 'connection', 2_500), 'no Subtoken Lens hover on a file without a grammar');
    const toasts = await page.locator('.notification-toast').allInnerTexts();
    assert.deepEqual(toasts, [], 'no notification for an unsupported file');
  });

  it('turns the hover off when a person unticks it in the Settings UI', async () => {
    await toggleSettingInUi(page, 'subtokenLens.hover.enabled', 'Show the subtokens of the identifier under the mouse');
    for (let i = 0; i < 20 && userSettings()['subtokenLens.hover.enabled'] !== false; i++) await sleep(250);
    assert.equal(userSettings()['subtokenLens.hover.enabled'], false);
    await openFile(page, 'shoppingCart.ts');
    assert.ok(await noSubtokenHover(page, 'calculateCartTotal', 2_500), 'the hover should be off');
  });

  it('writes its activation to the log', () => {
    const text = extensionLog();
    const m = /activated in ([\d.]+) ms/.exec(text);
    assert.ok(m, `log:\n${text}`);
    process.stderr.write(`[e2e] activation took ${m[1]} ms\n`);
  });
});

/** Presses "Export JSON" in the report, saves to `target` through the save dialog and returns the file's JSON. */
async function exportReportJson(page: Page, frame: Frame, target: string): Promise<{ schema: string; totals: { files: number }; files: { path: string }[] }> {
  await frame.locator('button[data-export="json"]').click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: SLOW });
  // The save dialog fills in its default path after it opens; replace it only once it is there.
  await page.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.includes('subtoken-report.json'), undefined, { timeout: SLOW });
  await input.fill(target);
  await sleep(500);
  assert.equal(await input.inputValue(), target);
  await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first().click();
  await waitForNotification(page, new RegExp(`Report saved to .*${basename(target).replace(/\./g, '\\.')}`));
  return JSON.parse(readFileSync(target, 'utf8'));
}

/** Asserts the CodeLens line ends inside the editor (nothing cut off at the window edge) and
 *  returns how many lenses it holds. */
async function lensFits(lens: Locator): Promise<number> {
  const fit = await lens.evaluate((el) => {
    const editor = el.closest('.monaco-editor')!.getBoundingClientRect();
    const links = Array.from(el.querySelectorAll('a')).map((a) => a.getBoundingClientRect().right);
    return { right: Math.max(el.getBoundingClientRect().right, ...links), editorRight: editor.right - 14 /* scrollbar */, links: links.length };
  });
  assert.ok(fit.right <= fit.editorRight, `CodeLens ends at ${fit.right}px, past the editor's edge at ${fit.editorRight}px: ${await lens.innerText()}`);
  return fit.links;
}

/** Pieces of ` name` by the same tokenizer the extension is told to use, computed here. */
function expectedPieces(name: string): string[] {
  const tok = loadTokenizer(TOKENIZER_DIR);
  const enc = tok.encode(` ${name}`);
  const out: string[] = [];
  for (let t = 0; t < enc.length; t++) out.push(` ${name}`.slice(enc.starts[t]!, enc.ends[t]!).replace(/^ /, ''));
  return out;
}
