// End-to-end: the packaged VSIX in code-server (VS Code 1.100.3), driven through Chromium as a
// person would: open files, hover identifiers, run commands from the palette, read what appears.
// Run with `node scripts/test.mjs --e2e` (installs code-server/Chromium on first run).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  buildVsix, ensureTools, hoverWord, installVsix, launchBrowser, makeSandbox, openFile, removeSandbox,
  screenshot, sleep, startCodeServer, statusBarItem, TOKENIZER_DIR, writeUserSettings, type CodeServer,
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
