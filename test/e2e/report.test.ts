// End-to-end: the workspace report webview in code-server, as a person uses it (issue 13, items 2
// and 4): every chart drawn, the histogram's long tail visible beside a bar of thousands (log
// axis), no card value wrapped, a top identifier's occurrences found from the report, an export
// saved where the person picks through the save dialog (code-server's simple dialog: type the
// path, press Enter) with one notification that can open the file, and the report read in the
// light and the dark theme (screenshots in test-artifacts/report-{light,dark}.png).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import {
  clearNotifications, openEditorSession, openFile, runCommand, screenshot, sleep, SLOW, statusBarItem, TOKENIZER_DIR,
  waitForNotification, webviewFrame, type ColorTheme, type EditorSession,
} from './harness';
import { FILES_EXCLUDE } from './workspace';

/** A file that gives the histogram the shape the issue met: thousands of one-subtoken names
 *  (`a = b + c`) and a few names of many subtokens, so the tail is tiny next to the head. */
const MANY_NAMES = 'many_names.py';
const LONG_NAME = 'extraordinarily_verbose_configuration_parameter_identifier';
function manyNames(): string {
  const lines: string[] = [];
  for (let i = 0; i < 1500; i++) lines.push('a = b + c');
  for (let i = 0; i < 3; i++) lines.push(`${LONG_NAME} = a`);
  return `${lines.join('\n')}\n`;
}

const CHART_IDS = ['histogram', 'language-chart', 'identifier-chart', 'file-chart', 'categories'];

describe('the workspace report in a real VS Code', { timeout: 480_000 }, () => {
  let session: EditorSession | undefined;
  let page: Page;
  let workspace = '';
  let frame: Frame;
  const extensionLog = () => session!.extensionLog();

  before(async () => {
    session = await openEditorSession({
      settings: { 'subtokenLens.tokenizerPath': TOKENIZER_DIR, 'files.exclude': FILES_EXCLUDE },
      prepare: (dir) => writeFileSync(join(dir, MANY_NAMES), manyNames()),
    });
    ({ page, workspace } = session);
  });

  after(() => session?.close());

  it('draws all five charts, the histogram\'s tail visible on a log axis, every card on one line', async () => {
    // A person opens a file first; the workbench has then loaded the extension's contributions.
    await openFile(page, 'user_service.py');
    await statusBarItem(page, /subtokens \(/);
    await runCommand(page, 'Subtoken Lens: Open Workspace Report');
    frame = await webviewFrame(page, '#histogram[data-bar-px]', 2 * SLOW);
    // The scan's progress notification would cover the bottom of the report in the screenshots.
    await clearNotifications(page);
    const drawn = await frame.evaluate(() => Array.from(document.querySelectorAll('canvas')).filter((c) => {
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return true;
      return false;
    }).map((c) => c.id));
    assert.deepEqual(drawn, CHART_IDS, 'every chart has pixels');

    const bars = await frame.locator('#histogram').evaluate((c) => ({ scale: c.dataset.valueScale, px: c.dataset.barPx!.split(',').map(Number) }));
    assert.equal(bars.scale, 'log');
    const labels = await frame.locator('#histogram').getAttribute('aria-label');
    assert.match(labels ?? '', /log scale/);
    // Bar k − 1 is bucket k; the many_names.py file makes bucket 1 thousands strong.
    assert.ok(bars.px.length >= 6, `bars: ${bars.px.join(',')}`);
    const note = await frame.locator('#charts figure', { has: frame.locator('#histogram') }).locator('.note').innerText();
    const single = Number(/([\d,]+) occurrences \([\d.]+%\) are one subtoken/.exec(note)![1]!.replace(/,/g, ''));
    assert.ok(single >= 4500, `the one-subtoken bucket holds ${single}`);
    const tail = bars.px.slice(3); // 4 subtokens and more
    assert.ok(tail.some((px) => px > 0), `the 4+ tail is drawn: ${bars.px.join(',')}`);
    for (const px of tail) assert.ok(px === 0 || px >= 3, `a tail bar is ${px} px high: ${bars.px.join(',')}`);

    const cards = await frame.$$eval('#totals .card .value', (els) => els.map((e) => ({
      text: (e as HTMLElement).innerText.replace(/\n/g, ' '), lines: e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight),
    })));
    assert.ok(cards.some((c) => /FLOP → /.test(c.text)), cards.map((c) => c.text).join(' | '));
    for (const c of cards) assert.ok(c.lines < 1.5, `"${c.text}" wraps onto ${c.lines.toFixed(1)} lines`);
  });

  it('reads well in the dark and the light theme (screenshots)', async () => {
    // The room a person would give the report: side bar and bottom panel closed.
    if (await page.locator('.part.sidebar').isVisible()) await runCommand(page, 'View: Close Primary Side Bar');
    if (await page.locator('.part.panel').isVisible()) await runCommand(page, 'View: Hide Panel');
    for (const theme of ['dark', 'light'] as const) {
      await switchTheme(page, theme);
      await sleep(1_000); // the report draws its charts again in the theme's colours
      const colours = await frame.evaluate(() => ({ body: document.body.className, bg: getComputedStyle(document.body).backgroundColor }));
      assert.match(colours.body, theme === 'light' ? /vscode-light/ : /vscode-dark/);
      const [r, g, b] = colours.bg.match(/\d+/g)!.map(Number);
      const luminance = (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
      assert.ok(theme === 'light' ? luminance > 0.8 : luminance < 0.25, `${theme} background ${colours.bg}`);
      // The chart titles are drawn in the theme's foreground: light on dark, dark on light.
      await frame.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, `report-${theme}`);
      await frame.evaluate(() => document.getElementById('charts')!.scrollIntoView());
      await screenshot(page, `report-${theme}-charts`);
      await frame.evaluate(() => document.getElementById('identifiers')!.scrollIntoView());
      await screenshot(page, `report-${theme}-tables`);
      await frame.evaluate(() => window.scrollTo(0, 0));
    }
  });

  it('a top identifier\'s name finds its occurrences in the workspace', async () => {
    const link = frame.locator('#identifier-table .find-link', { hasText: LONG_NAME }).first();
    await link.waitFor({ timeout: SLOW });
    await link.click();
    // The search view opens with the name, whole word and case, and lists the file.
    const result = page.locator('.search-view .monaco-list-row', { hasText: MANY_NAMES }).first();
    await result.waitFor({ timeout: SLOW });
    const query = await page.evaluate(() => {
      const box = document.querySelector('.search-view .search-widget .monaco-findInput textarea, .search-view .search-widget .monaco-findInput input') as HTMLInputElement | null;
      return box?.value ?? '';
    });
    await screenshot(page, 'report-find-occurrences');
    assert.equal(query, LONG_NAME);
    const view = await page.locator('.search-view').innerText();
    assert.match(view, /\b3 results in 1 file\b/, view);
    assert.match(extensionLog(), new RegExp(`report: finding the occurrences of ${LONG_NAME}`));
  });

  it('exports through the save dialog: cancel writes nothing; a saved file gets one notification with Open', async () => {
    // Cancel: Escape in the dialog.
    await frame.locator('button[data-export="csv"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: SLOW });
    await page.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.endsWith('subtoken-report.csv'), undefined, { timeout: SLOW });
    await page.keyboard.press('Escape');
    for (let i = 0; i < 40 && !/report export \(csv\) cancelled: nothing written/.test(extensionLog()); i++) await sleep(250);
    assert.match(extensionLog(), /report export \(csv\) cancelled: nothing written/);
    assert.ok(!existsSync(join(workspace, 'subtoken-report.csv')));

    // Save: the dialog proposes the workspace folder and a name by format; type another path, Enter.
    const target = join(workspace, 'reports-e2e.md');
    await frame.locator('button[data-export="md"]').click();
    await input.waitFor({ state: 'visible', timeout: SLOW });
    await page.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.endsWith('subtoken-report.md'), undefined, { timeout: SLOW });
    const proposed = await input.inputValue();
    assert.ok(proposed.startsWith(workspace), `the dialog starts in the workspace: ${proposed}`);
    await input.fill(target);
    await sleep(500);
    await page.keyboard.press('Enter');
    const toastText = await waitForNotification(page, /Report saved to .*reports-e2e\.md/);
    assert.ok(existsSync(target), `${target} was written`);
    const md = readFileSync(target, 'utf8');
    assert.match(md, /^# Subtoken Lens report: workspace/);
    assert.ok(md.includes(`| ${LONG_NAME.replace(/_/g, '\\_')} |`), 'the identifier rows are there (Markdown-escaped)');
    assert.deepEqual(readdirSync(workspace).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
    const toasts = page.locator('.notification-toast', { hasText: /Report saved to/ });
    assert.equal(await toasts.count(), 1, `one notification: ${toastText}`);
    const buttons = await toasts.first().locator('.monaco-button').allInnerTexts();
    assert.deepEqual(buttons.map((b) => b.trim()).filter((b) => b === 'Open' || b === 'Reveal'), ['Open', 'Reveal'], buttons.join(','));
    assert.equal(await page.locator('.notification-toast', { hasText: /report exported|Report saved/i }).count(), 1, 'no stacked notifications');
    await screenshot(page, 'report-export-saved');

    // Open shows the Markdown as a document.
    await toasts.first().locator('.monaco-button', { hasText: 'Open' }).first().click();
    await page.locator('.tab[aria-label^="reports-e2e.md"]').first().waitFor({ timeout: SLOW });
    await screenshot(page, 'report-export-opened');
  });
});

/**
 * The theme as a person picks it: the Color Theme picker (Ctrl+K Ctrl+T), then the theme's row.
 * Its rows (both themes are listed) are waited for before the name is typed; focus is taken out of
 * the webview first, so the keys go to the workbench.
 */
async function switchTheme(page: Page, to: ColorTheme): Promise<void> {
  const cls = to === 'light' ? /(^|\s)vs(\s|$)/ : /(^|\s)vs-dark(\s|$)/;
  const applied = () => page.evaluate((src) => new RegExp(src).test(document.querySelector('.monaco-workbench')?.className ?? ''), cls.source);
  if (await applied()) return;
  const name = to === 'light' ? 'Light Modern' : 'Dark Modern';
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  for (let attempt = 1; attempt <= 3 && !(await applied()); attempt++) {
    await page.keyboard.press('Escape');
    await page.locator('.statusbar').first().click({ position: { x: 400, y: 5 } }).catch(() => undefined);
    try {
      // Ctrl+K Ctrl+T opens the picker itself (the palette's first match for "Color Theme" can
      // be "Browse Color Themes in Marketplace", which needs a network).
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+T');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: /Modern/ }).first().waitFor({ timeout: 20_000 });
      await input.fill(name);
      await row.waitFor({ timeout: 10_000 });
      await sleep(150);
      await page.keyboard.press('Enter');
      await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('.monaco-workbench')?.className ?? ''), cls.source, { timeout: 15_000 });
    } catch (err) {
      await screenshot(page, `report-theme-${to}-attempt-${attempt}`);
      process.stderr.write(`[e2e] switching to the ${to} theme, attempt ${attempt}: ${(err as Error).message.split('\n')[0]}\n`);
    }
  }
  assert.ok(await applied(), `the ${to} theme is applied`);
  await sleep(500); // webviews repaint after the workbench
}
