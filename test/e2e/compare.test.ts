// End-to-end: Compare Strategies and Sweep Merge Layer in code-server, as a person runs them: the
// result is a webview beside the editor (not an untitled Markdown document) with a table per view,
// the sweep's chart, and readable in the light and the dark theme (screenshots of both:
// test-artifacts/vscode-compare-{strategies,sweep}-{light,dark}.png).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import {
  clearNotifications, openEditorSession, openFile, runCommand, screenshot, sleep, SLOW, TOKENIZER_DIR, useColorTheme, webviewFrame,
  type EditorSession,
} from './harness';
import { FILES_EXCLUDE } from './workspace';
import { ensureEmbeddedModel } from '../../src/core/runtime/embedded-model';

describe('Compare Strategies and the layer sweep in a real VS Code', { timeout: 600_000 }, () => {
  let session: EditorSession | undefined;
  let page: Page;
  let userDataDir = '';
  /** Encoder blocks of the embedded tiny model, read from its own config.json. */
  let layers = 0;

  before(async () => {
    const tinyCache = mkdtempSync(join(tmpdir(), 'subtoken-e2e-tiny-'));
    try {
      layers = (JSON.parse(readFileSync(join(ensureEmbeddedModel('tiny', tinyCache), 'config.json'), 'utf8')) as { num_layers: number }).num_layers;
    } finally {
      rmSync(tinyCache, { recursive: true, force: true });
    }
    assert.ok(layers >= 1);
    session = await openEditorSession({
      settings: {
        'subtokenLens.tokenizerPath': TOKENIZER_DIR,
        'files.exclude': FILES_EXCLUDE,
        // A short interleaved-timing budget keeps the sweep quick; the setting is what a person would lower too.
        'subtokenLens.timingBudgetMs': 300,
      },
      viewport: { width: 1500, height: 950 },
    });
    ({ page, userDataDir } = session);
  });

  after(() => session?.close());

  /** The first cell of each body row of a table in the webview. */
  const firstCells = (frame: Frame, table: string) => frame.locator(`#${table} tbody tr td:first-child`).allInnerTexts();

  /** The same view in both themes, for a person to look at, with the side bar and the bottom panel
   *  closed so the view has the room a person would give it. */
  async function bothThemes(name: string, frame: Frame, scrollTo: string): Promise<void> {
    // Each command exists only while its part is shown.
    if (await page.locator('.part.sidebar').isVisible()) await runCommand(page, 'View: Close Primary Side Bar');
    if (await page.locator('.part.panel').isVisible()) await runCommand(page, 'View: Hide Panel');
    await frame.evaluate((sel) => document.querySelector(sel)?.scrollIntoView(), scrollTo);
    for (const theme of ['dark', 'light'] as const) {
      try {
        await useColorTheme(page, userDataDir, theme);
      } catch (err) {
        const cls = await page.evaluate(() => document.querySelector('.monaco-workbench')?.className);
        throw new Error(`theme ${theme} not applied: workbench class "${cls}", settings ${readFileSync(join(userDataDir, 'User', 'settings.json'), 'utf8')}`, { cause: err });
      }
      await sleep(800); // the webview draws the chart again in the theme's colours
      const body = await frame.evaluate(() => document.body.className);
      assert.match(body, theme === 'light' ? /vscode-light/ : /vscode-dark/);
      await screenshot(page, `${name}-${theme}`);
    }
  }

  it('Compare Strategies opens a webview with a row for average and one for learned, and no untitled editor', async () => {
    await openFile(page, 'user_service.py');
    await runCommand(page, 'Subtoken Lens: Compare Strategies');
    // The first comparison trains the embedded model's learned merger: allow for it.
    const frame = await webviewFrame(page, '#strategy-table tbody tr', 3 * SLOW);
    assert.deepEqual(await firstCells(frame, 'strategy-table'), ['average', 'learned']);
    assert.deepEqual(await firstCells(frame, 'timing-table'), ['average', 'learned']);
    const table = await frame.locator('#timing-table').innerText();
    // Both strategies timed once, together: the same speed-up with its interval on both rows.
    const speedups = [...table.matchAll(/(\d+\.\d\dx \[\d+\.\d\d, \d+\.\d\d\])/g)].map((m) => m[1]);
    assert.equal(speedups.length, 2, table);
    assert.equal(speedups[0], speedups[1]);
    assert.match(table, /= average/);
    assert.match(await frame.locator('#random-weights').innerText(), /random weights: differences are mechanical, not semantic/i);
    const facts = await frame.locator('#facts').innerText();
    assert.match(facts, /embedded-tiny/);
    assert.match(facts, /[\d,]+ → [\d,]+/);
    assert.match(facts, /whole model, classify/);
    assert.match(await frame.locator('.view-title').innerText(), /user_service\.py/);
    assert.equal(await page.locator('.tab[aria-label^="Untitled"]').count(), 0, 'no untitled editor');
    assert.ok(await page.locator('.tab', { hasText: 'Subtoken Lens: Compare' }).first().isVisible());
    await clearNotifications(page);
    await bothThemes('vscode-compare-strategies', frame, 'header');
  });

  it('the panel\'s Sweep button runs the layer sweep: one row per K = 0..L and a chart', async () => {
    let frame = await webviewFrame(page, '#sweep', SLOW);
    await frame.locator('#sweep').click();
    frame = await webviewFrame(page, '#sweep-table tbody tr', 3 * SLOW);
    assert.deepEqual(await firstCells(frame, 'sweep-table'), Array.from({ length: layers + 1 }, (_, k) => String(k)));
    const canvas = frame.locator('canvas#sweep-chart');
    assert.ok(await canvas.isVisible(), 'the sweep chart is drawn');
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 200 && box.height > 100, JSON.stringify(box));
    assert.match(await frame.locator('#sweep-table').innerText(), /\d+\.\d%/);
    await clearNotifications(page);
    await bothThemes('vscode-compare-sweep', frame, 'figure.chart');
  });

  it('Sweep Merge Layer from the palette on a selection names the selection', async () => {
    await openFile(page, 'shoppingCart.ts');
    await page.locator('.editor-instance .view-line', { hasText: 'calculateCartTotal' }).first().click();
    await page.keyboard.press('Home');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowDown');
    await runCommand(page, 'Subtoken Lens: Sweep Merge Layer');
    const deadline = Date.now() + 3 * SLOW;
    let subject = '';
    while (Date.now() < deadline) {
      const frame = await webviewFrame(page, '#sweep-table tbody tr', SLOW);
      subject = await frame.locator('.view-title .subject').innerText().catch(() => '');
      if (/shoppingCart\.ts, lines 7–10 \(selection\)/.test(subject)) break;
      await sleep(500);
    }
    assert.match(subject, /shoppingCart\.ts, lines 7–10 \(selection\)/);
    await clearNotifications(page);
  });
});
