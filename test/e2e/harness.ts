// Runs the packaged extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3, with a
// real Node extension host) and drives it through Debian's Chromium with playwright-core, as a
// person would. See notes/real-vscode.md for why this setup and not @vscode/test-electron
// (which downloads VS Code at run time). Every process started here is stopped by PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { writeSampleWorkspace } from './workspace';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

export const REPO = resolve(__dirname, '..', '..');
export const SHARED = resolve(REPO, '..', 'shared');
export const TOKENIZER_DIR = join(SHARED, 'tokenizers', 'codet5');
export const ARTIFACTS = join(REPO, 'test-artifacts');
export const CODE_SERVER = join(REPO, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = '/usr/bin/chromium';

const log = (msg: string) => process.stderr.write(`[e2e] ${msg}\n`);

/** Installs code-server and Chromium when missing (scripts/e2e-setup.sh is idempotent). */
export function ensureTools(): void {
  if (existsSync(CODE_SERVER) && existsSync(CHROMIUM)) return;
  log('installing code-server / chromium (scripts/e2e-setup.sh)');
  const r = spawnSync('bash', [join(REPO, 'scripts', 'e2e-setup.sh')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('scripts/e2e-setup.sh failed');
}

let builtVsix: string | undefined;

/** Builds and packages the extension (once per process), unless E2E_VSIX names an existing package. */
export function buildVsix(): string {
  builtVsix ??= buildVsixOnce();
  return builtVsix;
}

function buildVsixOnce(): string {
  const given = process.env.E2E_VSIX;
  if (given) {
    if (!existsSync(given)) throw new Error(`E2E_VSIX=${given} does not exist`);
    return resolve(given);
  }
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  };
  run(['--import', 'tsx', 'scripts/build.mjs']);
  const out = join(REPO, '.cache', 'e2e', 'subtoken-lens-e2e.vsix');
  mkdirSync(join(REPO, '.cache', 'e2e'), { recursive: true });
  run(['scripts/package-vsix.mjs', '--target', 'linux-x64', '--out', out]);
  log(`packaged ${out} (${(statSync(out).size / 1e6).toFixed(1)} MB)`);
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

export interface CodeServer {
  readonly url: string;
  readonly root: string;
  readonly userDataDir: string;
  readonly logs: () => string;
  stop(): Promise<void>;
}

/** Private folders for one code-server: user data, extensions, XDG dirs. */
export function makeSandbox(): { root: string; userDataDir: string; extensionsDir: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), 'subtoken-e2e-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  for (const d of [userDataDir, extensionsDir, join(root, 'config'), join(root, 'data'), join(root, 'cache'), join(userDataDir, 'User')]) {
    mkdirSync(d, { recursive: true });
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_DATA_HOME: join(root, 'data'),
    XDG_CACHE_HOME: join(root, 'cache'),
    HOME: root,
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  return { root, userDataDir, extensionsDir, env };
}

export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): void {
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    // Without this the trust dialog blocks the page and the extension runs restricted.
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'editor.hover.delay': 150,
    'editor.minimap.enabled': false,
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...settings,
  }, null, 2));
}

export type ColorTheme = 'light' | 'dark';

/**
 * Switches the running window to VS Code's default light or dark theme, as a person would, through
 * "Preferences: Color Theme" (code-server in this sandbox does not notice an outside write to
 * settings.json, and its web default is the light theme), and waits until the workbench has
 * repainted. Screenshots of a view are taken in both, since a colour that reads on one may vanish
 * on the other.
 */
export async function useColorTheme(page: Page, _userDataDir: string, theme: ColorTheme): Promise<void> {
  // The picker's label of the theme whose setting value is "Default Light Modern" / "Default Dark Modern".
  const name = theme === 'light' ? 'Light Modern' : 'Dark Modern';
  // The workbench root carries `vs` (light) or `vs-dark` once the theme is applied.
  const cls = theme === 'light' ? /(^|\s)vs(\s|$)/ : /(^|\s)vs-dark(\s|$)/;
  const applied = () => page.evaluate((src) => new RegExp(src).test(document.querySelector('.monaco-workbench')?.className ?? ''), cls.source);
  if (!(await applied())) {
    // Ctrl+K Ctrl+T opens the theme picker itself (the palette can pick "Browse Color Themes in Marketplace").
    await page.locator('.part.editor').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    try {
      // The theme picker replaces the palette and lists the installed themes; typing would turn it
      // into a Marketplace search (no network here), so the theme's row is clicked.
      const picker = page.locator('.quick-input-widget input[placeholder*="Color Theme"]');
      await picker.waitFor({ state: 'visible', timeout: 30_000 });
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
      await row.waitFor({ timeout: 30_000 });
      await sleep(150);
      await row.click();
    } catch (err) {
      await screenshot(page, `color-theme-picker-${theme}`);
      throw err;
    }
  }
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('.monaco-workbench')?.className ?? ''), cls.source, { timeout: 30_000 });
  await sleep(500); // webviews repaint after the workbench
}

export function installVsix(vsix: string, sandbox: ReturnType<typeof makeSandbox>): void {
  const r = spawnSync(CODE_SERVER, ['--extensions-dir', sandbox.extensionsDir, '--user-data-dir', sandbox.userDataDir,
    '--install-extension', vsix], { env: sandbox.env, encoding: 'utf8' });
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
    throw new Error(`install-extension failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  const installed = readdirSync(sandbox.extensionsDir).filter((d) => !d.startsWith('.') && d !== 'extensions.json');
  log(`installed ${installed.join(', ')}`);
}

export async function startCodeServer(sandbox: ReturnType<typeof makeSandbox>, workspace: string): Promise<CodeServer> {
  const port = await freePort();
  let out = '';
  const child: ChildProcess = spawn(CODE_SERVER, [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--user-data-dir', sandbox.userDataDir, '--extensions-dir', sandbox.extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    workspace,
  ], { env: sandbox.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      await killTree(child);
      throw new Error(`code-server did not answer /healthz within 60 s:\n${out}`);
    }
    await sleep(250);
  }
  return {
    url, root: sandbox.root, userDataDir: sandbox.userDataDir,
    logs: () => out,
    stop: () => killTree(child),
  };
}

/** Stops a process we started and its children (code-server forks the extension host etc.):
 *  it was spawned detached, so it leads its own process group, which we signal by its PID. */
async function killTree(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
  const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5_000);
  await Promise.race([exited, sleep(8_000)]);
  clearTimeout(timer);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const p = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: p });
  log(`screenshot ${p}`);
  return p;
}

export function removeSandbox(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

// ---- Driving the workbench as a person would ----

/** The visible text editors (the Settings editor's search box is a Monaco editor too: not it). */
export const TEXT_EDITOR = '.editor-instance .monaco-editor:not(.settings-editor .monaco-editor)';

function visibleTextEditor(page: Page) {
  return page.locator(TEXT_EDITOR).filter({ visible: true }).first();
}

/**
 * Waits on conditions, not clocks: on a busy machine the workbench can take far longer than usual
 * to react, so every wait here is for something a person would see, with a generous limit that
 * only a real failure reaches.
 */
export const SLOW = 60_000;

/** Opens a file through Quick Open (Ctrl+P), as a person who knows its name would; a key press
 *  the busy workbench swallowed is repeated, as a person would. */
export async function openFile(page: Page, name: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const tab = page.locator(`.tab[aria-label^="${name}"]`).first();
  const deadline = Date.now() + 2 * SLOW;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    try {
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(name);
      // The row for this very file (the list may still show the recently opened ones).
      await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 20_000 });
      await sleep(200);
      await page.keyboard.press('Enter');
      await tab.waitFor({ timeout: SLOW });
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await screenshot(page, `open-file-failed-${name.replace(/[^\w.-]/g, '_')}`);
        throw err;
      }
      process.stderr.write(`[e2e] opening ${name}: attempt ${attempt} did not open the tab, trying again\n`);
      await page.keyboard.press('Escape');
    }
  }
  await page.locator(`${TEXT_EDITOR} .view-lines`).filter({ visible: true }).first().waitFor({ timeout: SLOW });
  await sleep(300);
}

/** Runs a command from the palette (F1, type the title, Enter). */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // F1 opens the palette from wherever focus is in the workbench; a person whose key press went
  // nowhere (focus left on a closed editor or a dismissed notification) presses Escape and tries
  // again with the other shortcut.
  for (const key of ['F1', 'Control+Shift+P', 'F1']) {
    await page.keyboard.press(key);
    try {
      await input.waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch {
      await page.keyboard.press('Escape');
      await page.locator('.part.editor').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    }
  }
  try {
    await input.waitFor({ state: 'visible', timeout: 30_000 });
  } catch (err) {
    await screenshot(page, 'palette-did-not-open');
    throw err;
  }
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 30_000 });
  await sleep(150);
  await page.keyboard.press('Enter');
}

/** Moves the mouse over the first occurrence of `word` in the visible editor and waits for a hover. */
export async function hoverWord(page: Page, word: string, timeout = SLOW): Promise<string> {
  const editor = visibleTextEditor(page);
  const token = editor.locator('.view-line span span', { hasText: word }).first();
  // Only a Subtoken Lens hover about this word counts (language hovers may show too).
  const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'Subtoken Lens' }).filter({ hasText: word }).first();
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    await token.waitFor();
    // Aim at the word itself (a span may hold neighbours too); measured every try because the
    // layout can still move while the workbench settles.
    const at = await token.evaluate((el, w) => {
      const node = el.firstChild!;
      const i = Math.max(0, (el.textContent ?? '').indexOf(w));
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + w.length);
      const r = range.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }, word);
    // The first hover may come before the extension has loaded its tokenizer: move away and back.
    await page.mouse.move(at.x, at.y - 60);
    await sleep(100);
    await page.mouse.move(at.x, at.y);
    try {
      await hover.waitFor({ state: 'visible', timeout: 4_000 });
      return (await hover.innerText()).trim();
    } catch { /* retry */ }
  }
  throw new Error(`no Subtoken Lens hover over "${word}" within ${timeout} ms`);
}

export async function statusBarItem(page: Page, pattern: RegExp, timeout = SLOW): Promise<string> {
  const item = page.locator('.statusbar-item', { hasText: pattern }).first();
  await item.waitFor({ timeout });
  return (await item.innerText()).trim();
}

export async function waitForNotification(page: Page, pattern: RegExp, timeout = SLOW): Promise<string> {
  const toast = page.locator('.notification-toast', { hasText: pattern }).first();
  await toast.waitFor({ timeout });
  return (await toast.innerText()).trim();
}

/** The innermost frame of a webview whose document contains `selector` (webviews nest two iframes). */
export async function webviewFrame(page: Page, selector: string, timeout = SLOW): Promise<Frame> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      try {
        if (await f.locator(selector).count() > 0) return f;
      } catch { /* frame detached while we looked */ }
    }
    await sleep(300);
  }
  throw new Error(`no webview frame with ${selector} within ${timeout} ms`);
}

/** Hovers `word` for `ms` and returns true when no Subtoken Lens hover appeared. */
export async function noSubtokenHover(page: Page, word: string, ms = 3_000): Promise<boolean> {
  const editor = visibleTextEditor(page);
  const token = editor.locator('.view-line span span', { hasText: word }).first();
  await token.waitFor();
  const box = (await token.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y - 60);
  await sleep(100);
  await page.mouse.move(box.x + Math.min(box.width / 2, 20), box.y + box.height / 2);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'Subtoken Lens' }).count() > 0) return false;
    await sleep(200);
  }
  return true;
}

/** Clicks a button of the notification whose text matches `pattern`. */
export async function clickNotificationButton(page: Page, pattern: RegExp, button: string, timeout = SLOW): Promise<void> {
  const toast = page.locator('.notification-toast', { hasText: pattern }).first();
  await toast.waitFor({ timeout });
  await toast.locator('.monaco-button', { hasText: button }).first().click();
}

export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await sleep(300);
}

/** The text of the visible editor holding `marker` (view lines joined by newlines). */
export async function editorText(page: Page, marker: string, timeout = SLOW): Promise<string> {
  const editor = page.locator(TEXT_EDITOR, { hasText: marker }).filter({ visible: true }).first();
  await editor.waitFor({ timeout });
  await sleep(300);
  const lines = await editor.locator('.view-line').evaluateAll((els) => els
    .map((e) => ({ top: parseFloat((e as HTMLElement).style.top || '0'), text: (e.textContent ?? '').replace(/\u00a0/g, ' ') }))
    .sort((a, b) => a.top - b.top).map((l) => l.text));
  return lines.join('\n');
}

/** Opens the Settings editor searched for `query` and clicks the checkbox of the boolean setting
 *  whose description contains `description`, as a person would. */
export async function toggleSettingInUi(page: Page, query: string, description: string): Promise<void> {
  // The Settings editor may be opening already (a notification's "Open Setting" button).
  const settings = page.locator('.settings-editor').filter({ visible: true }).first();
  try {
    await settings.waitFor({ timeout: 5_000 });
  } catch {
    await runCommand(page, 'Preferences: Open Settings (UI)');
    await settings.waitFor({ timeout: SLOW });
  }
  await sleep(500);
  const search = page.locator('.settings-editor .search-container .suggest-input-container').first();
  await search.waitFor({ timeout: SLOW });
  await search.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(query);
  const item = page.locator('.settings-editor .setting-item-bool', { hasText: description }).first();
  try {
    await item.waitFor({ timeout: 8_000 });
  } catch {
    // A machine-scoped setting in a remote window (code-server is one) is listed only under the
    // Remote tab: the User tab says "No Settings Found", and a person switches tabs.
    await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: /^Remote/ }).first().click();
    await item.waitFor({ timeout: SLOW });
  }
  await item.locator('.setting-value-checkbox').first().click();
}

/** Every file under `dir` (recursively) whose name matches `pattern`. */
export function findFiles(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findFiles(p, pattern));
    else if (pattern.test(name)) out.push(p);
  }
  return out;
}

/** One editor window on the sample workspace with the VSIX installed: what most e2e files start from. */
export interface EditorSession {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
  readonly sandboxRoot: string;
  readonly userDataDir: string;
  readonly workspace: string;
  /** The extension's log, every session of it (a window reload starts a new file). */
  extensionLog(): string;
  /** Stops browser and server; removes the sandbox unless E2E_KEEP=1. */
  close(): Promise<void>;
}

export interface EditorSessionOptions {
  /** User settings beside the harness's defaults (writeUserSettings). */
  readonly settings: Record<string, unknown>;
  /** Adds files to the sample workspace before the window opens. */
  readonly prepare?: (workspace: string) => void;
  readonly viewport?: { width: number; height: number };
  /** The browser's colour scheme (with `window.autoDetectColorScheme` the window follows it). */
  readonly colorScheme?: 'light' | 'dark';
}

/**
 * Builds and installs the VSIX into a fresh sandbox, starts code-server on the sample workspace and
 * opens it in Chromium, waiting until the workbench is there.
 */
export async function openEditorSession(opts: EditorSessionOptions): Promise<EditorSession> {
  assert.ok(existsSync(join(TOKENIZER_DIR, 'vocab.json')), `the CodeT5 tokenizer is expected at ${TOKENIZER_DIR}`);
  ensureTools();
  const vsix = buildVsix();
  const sandbox = makeSandbox();
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    if (server && process.env.E2E_LOGS === '1') process.stderr.write(server.logs());
    await server?.stop();
    if (process.env.E2E_KEEP !== '1') removeSandbox(sandbox.root);
  };
  try {
    const workspace = writeSampleWorkspace(sandbox.root);
    opts.prepare?.(workspace);
    writeUserSettings(sandbox.userDataDir, opts.settings);
    installVsix(vsix, sandbox);
    server = await startCodeServer(sandbox, workspace);
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 }, ...(opts.colorScheme ? { colorScheme: opts.colorScheme } : {}) });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: SLOW });
    await sleep(1_500);
    return {
      server, browser, page, workspace, sandboxRoot: sandbox.root, userDataDir: sandbox.userDataDir,
      extensionLog: () => findFiles(join(sandbox.root, 'user-data', 'logs'), /Subtoken Lens\.log$/).map((f) => readFileSync(f, 'utf8')).join('\n'),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
