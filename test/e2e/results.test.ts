// End-to-end: the in-editor results of an analysis, as a person sees them in a real VS Code
// (code-server + Chromium, see harness.ts): the Token Merging view in its own panel container
// (identifiers once each, occurrence children with line numbers, a click that reveals the code),
// the colour legend in the hover (a neutral scale for random weights, green to red for a trained
// model), the CodeLens header that stays on its line through an edit above it, and the subtoken
// boundaries with the overview-ruler heat map. Screenshots of each view in light and dark themes.
// Run with `node scripts/test.mjs --e2e test/e2e/results.test.ts`.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  clearNotifications, hoverWord, openEditorSession, openFile, runCommand, screenshot, sleep, SLOW, statusBarItem, TEXT_EDITOR,
  TOKENIZER_DIR, waitForNotification, type ColorTheme, type EditorSession,
} from './harness';
import { SAMPLE_FILES } from './workspace';
import { colorContributions } from '../../src/extension/colors';
import { ensureEmbeddedModel } from '../../src/core/runtime/embedded-model';

const THEMES: readonly ColorTheme[] = ['dark', 'light'];
/** The theme the window shows now (the decorations' colours depend on it). */
let theme: ColorTheme = 'light';

describe('Subtoken Lens results in the editor: view, legend, CodeLens, boundaries', { timeout: 480_000 }, () => {
  let session: EditorSession | undefined;
  let page: Page;
  let trainedLookalike = '';

  before(async () => {
    session = await openEditorSession({
      // The window follows the browser's colour scheme (switchTheme), starting light.
      settings: { 'subtokenLens.tokenizerPath': TOKENIZER_DIR, 'window.autoDetectColorScheme': true },
      colorScheme: 'light',
    });
    ({ page } = session);
  });

  after(async () => {
    await session?.close();
    if (trainedLookalike) rmSync(trainedLookalike, { recursive: true, force: true });
  });

  it('lists the results in a panel of their own: each identifier once, occurrences with line numbers, a click reveals the code', async () => {
    await openFile(page, 'user_service.py');
    await runCommand(page, 'Subtoken Lens: Analyze Token Merging in File');
    const lens = page.locator('.codelens-decoration').filter({ hasText: /positions/ }).first();
    await lens.waitFor({ timeout: 3 * SLOW });
    // The random-weights caveat is the first lens, so no clipping can cut it.
    assert.equal((await lens.locator('a').first().innerText()).trim(), 'embedded-tiny, random weights');
    await lensFits(lens);

    // The analysis opens the view in the panel (not the Explorer), the most changed identifier expanded.
    const panel = page.locator('.part.panel');
    const rows = panel.locator('.monaco-list-row');
    await rows.filter({ hasText: /^line \d+: / }).first().waitFor({ timeout: SLOW });
    assert.equal(await page.locator('.part.sidebar .monaco-list-row', { hasText: /subtokens? · \d+×/ }).count(), 0, 'no results in the side bar');
    const groups = await panel.locator('.monaco-list-row[aria-level="1"]').evaluateAll((els) => els.map((e) => ({
      label: e.querySelector('.label-name')?.textContent ?? '',
      description: e.querySelector('.label-description')?.textContent ?? '',
      // A description cut with an ellipsis is wider inside than its box.
      cut: Array.from(e.querySelectorAll('.monaco-icon-label-container')).some((c) => c.scrollWidth > c.clientWidth + 1),
    })));
    assert.ok(groups.length >= 5, JSON.stringify(groups));
    const names = groups.map((g) => g.label);
    assert.deepEqual(names, [...new Set(names)], 'each identifier appears once');
    for (const g of groups) {
      assert.match(g.description, /^\d+(–\d+)? subtokens? · \d+× · 1−cos [\d.e-]+$/, JSON.stringify(g));
      assert.equal(g.cut, false, `description cut: ${JSON.stringify(g)}`);
    }
    const pool = groups.find((g) => g.label === 'connection_pool');
    assert.ok(pool, names.join(', '));
    const source = SAMPLE_FILES['user_service.py']!.split('\n');
    const linesWith = (word: string) => source.flatMap((l, i) => (new RegExp(`\\b${word}\\b`).test(l) ? [i + 1] : []));
    // connection_pool occurs twice on line 3: one row per occurrence.
    const occurrences = source.reduce((n, l) => n + (l.match(/\bconnection_pool\b/g)?.length ?? 0), 0);
    assert.match(pool.description, new RegExp(`· ${occurrences}× ·`), pool.description);

    // Expand it by its twistie: one child per occurrence, "line N: pieces", the lines of the file.
    const poolRow = panel.locator('.monaco-list-row[aria-level="1"]', { hasText: /^connection_pool/ }).first();
    if (await poolRow.getAttribute('aria-expanded') !== 'true') await poolRow.locator('.monaco-tl-twistie').click();
    const children = panel.locator('.monaco-list-row[aria-level="2"]', { hasText: /connection·_·pool/ });
    await children.first().waitFor({ timeout: SLOW });
    // The list draws only the rows in view: the panel maximised holds them all.
    await runCommand(page, 'View: Toggle Maximized Panel');
    await sleep(800);
    const childLabels = await children.locator('.label-name').allInnerTexts();
    await runCommand(page, 'View: Toggle Maximized Panel');
    await sleep(800);
    assert.equal(childLabels.length, occurrences, childLabels.join(' | '));
    const childLines = childLabels.map((t) => Number(/^line (\d+): connection·_·pool$/.exec(t)?.[1]));
    assert.deepEqual([...new Set(childLines)], linesWith('connection_pool'), childLabels.join(' | '));

    // A click on an occurrence selects it in the editor.
    const target = childLines[0]!;
    await children.filter({ hasText: `line ${target}:` }).first().click();
    await statusBarItem(page, new RegExp(`Ln ${target}, Col \\d+ \\(15 selected\\)`));
    for (theme of THEMES) {
      await switchTheme(page, theme);
      await screenshot(page, `results-view-${theme}`);
    }
  });

  it('explains an identifier\'s colour in its hover: a neutral scale for random weights', async () => {
    // The analysis colours use the neutral scale's theme colours, never the green-to-red one.
    assert.ok(await decorated(page, 'subtokenLens.neutralScale') > 0, 'identifiers coloured on the neutral scale');
    assert.equal(await decorated(page, 'subtokenLens.changeScale'), 0, 'no red/green for random weights');
    for (theme of THEMES) {
      await switchTheme(page, theme);
      const text = await hoverWord(page, 'find_active_users');
      assert.match(text, /Colour: output change after merging 1−cos [\d.e-]+, step [1-5] of 5/, text);
      assert.match(text, /faint ≈ 0 \(unchanged\) → strong 1−cos [\d.e-]+ \(the largest in this analysis\)/, text);
      assert.match(text, /Random weights: colours are mechanical, not semantic\./, text);
      assert.equal(text.match(/\*\*Subtoken Lens\*\*|Subtoken Lens ·/g)?.length, 1, `one section: ${text}`);
      // Five swatches in the theme's own colours (the CSS variables resolve: not transparent).
      const swatches = await page.locator('.monaco-hover:not(.hidden) span[style*="background-color"]').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
      assert.equal(swatches.length, 5, swatches.join(' '));
      for (const c of swatches) assert.notEqual(c, 'rgba(0, 0, 0, 0)', swatches.join(' '));
      await screenshot(page, `results-legend-random-${theme}`);
      await page.mouse.move(5, 450);
      await sleep(300);
    }
  });

  it('keeps the stale CodeLens of a selection on its line after an edit above it', async () => {
    await openFile(page, 'OrderProcessor.java');
    await page.locator(`${TEXT_EDITOR} .view-line`, { hasText: 'processPendingOrder' }).first().click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+End');
    await runCommand(page, 'Subtoken Lens: Analyze Token Merging in Selection');
    const lens = page.locator('.codelens-decoration', { hasText: /Selection [\d,]+ → [\d,]+ positions/ }).first();
    await lens.waitFor({ timeout: SLOW });
    // Over indented code the header still ends inside the editor, the caveat first.
    await lensFits(lens);
    assert.equal((await lens.locator('a').first().innerText()).trim(), 'embedded-tiny, random weights');
    assert.equal(await lineBelow(lens), '    public boolean processPendingOrder(Order pendingOrder) {');
    await screenshot(page, 'results-selection-lens');

    // Two lines typed above the selection: the header turns stale and moves down with its code.
    await page.locator(`${TEXT_EDITOR} .view-line`, { hasText: 'public class OrderProcessor' }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('private int addedAbove;');
    await page.keyboard.press('Enter');
    const stale = page.locator('.codelens-decoration', { hasText: /stale/ }).first();
    await stale.waitFor({ timeout: SLOW });
    await sleep(500);
    assert.equal(await lineBelow(stale), '    public boolean processPendingOrder(Order pendingOrder) {');
    assert.equal(await decorated(page, 'subtokenLens.neutralScale'), 0, 'stale colours must go');
    // The view follows too: its occurrences moved down two lines and it says the results are stale.
    const row = page.locator('.part.panel .monaco-list-row[aria-level="2"]', { hasText: /^line \d+: / }).first();
    await row.waitFor({ timeout: SLOW });
    await page.locator('.part.panel', { hasText: /\(stale\)|changed after this analysis/ }).first().waitFor({ timeout: SLOW });
    await screenshot(page, 'results-stale-lens');
    await runCommand(page, 'View: Revert and Close Editor');
    await clearNotifications(page);
  });

  it('draws subtoken boundaries, redraws them after typing, and marks the heat map in the overview ruler', async () => {
    await runCommand(page, 'Subtoken Lens: Clear Results');
    await openFile(page, 'shoppingCart.ts');
    const rulerBefore = await rulerPixels(page);
    await runCommand(page, 'Subtoken Lens: Show Subtoken Boundaries');
    const pieces = () => Promise.all([decorated(page, 'subtokenLens.subtokenBackground1'), decorated(page, 'subtokenLens.subtokenBackground2')]);
    const deadline = Date.now() + SLOW;
    let [even, odd] = await pieces();
    while (even + odd === 0 && Date.now() < deadline) {
      await sleep(300);
      [even, odd] = await pieces();
    }
    assert.ok(even > 10 && odd > 10, `alternating pieces: ${even} + ${odd}`);
    assert.ok(await decorated(page, 'subtokenLens.identifierBoundary') > 0, 'bars inside split identifiers');
    assert.ok(await decorated(page, 'subtokenLens.mergeBracket') > 0, 'merge brackets');
    // The heat map: marks in the overview ruler's right lane that were not there before.
    let rulerAfter = await rulerPixels(page);
    for (let i = 0; i < 20 && rulerAfter <= rulerBefore + 10; i++) {
      await sleep(250);
      rulerAfter = await rulerPixels(page);
    }
    assert.ok(rulerAfter > rulerBefore + 10, `heat-map marks in the overview ruler: ${rulerBefore} → ${rulerAfter} painted pixels`);

    // Typing a new line: its tokens get drawn too.
    await page.locator(`${TEXT_EDITOR} .view-line`, { hasText: 'return runningTotalInCents' }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('const freshlyTypedIdentifierName = 1;');
    const typed = page.locator(`${TEXT_EDITOR} .view-line`, { hasText: 'freshlyTypedIdentifierName' }).first();
    await typed.waitFor({ timeout: SLOW });
    let onTyped = 0;
    for (let i = 0; i < 40 && onTyped < 5; i++) {
      await sleep(250);
      onTyped = await decoratedOnLine(page, typed, ['subtokenLens.subtokenBackground1', 'subtokenLens.subtokenBackground2']);
    }
    assert.ok(onTyped >= 5, `pieces drawn on the typed line: ${onTyped}`);
    for (theme of THEMES) {
      await switchTheme(page, theme);
      await screenshot(page, `results-boundaries-${theme}`);
    }
    await runCommand(page, 'Subtoken Lens: Show Subtoken Boundaries');
    await runCommand(page, 'View: Revert and Close Editor');
  });

  it('uses the green-to-red scale, without the caveat, for a model that is not marked random', async () => {
    // A test fixture, not a trained model: the embedded tiny model with its random-weights mark
    // removed, so the extension treats it as trained and picks the semantic scale.
    trainedLookalike = mkdtempSync(join(tmpdir(), 'subtoken-e2e-model-'));
    const tiny = ensureEmbeddedModel('tiny', trainedLookalike);
    const folder = join(trainedLookalike, 'unmarked');
    cpSync(tiny, folder, { recursive: true });
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    delete config.subtoken_lens_random_weights;
    writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
    // Chosen as a person would: Select Model..., Choose Folder..., the path typed into the dialog.
    await runCommand(page, 'Subtoken Lens: Select Model...');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Choose Folder...' }).first().click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: SLOW });
    await sleep(1_000); // the dialog fills in its start folder after it opens; replace it only then
    await input.fill(`${folder}/`);
    await sleep(800);
    await page.locator('.quick-input-widget .monaco-button', { hasText: /Use This Model|OK/ }).first().click();
    await waitForNotification(page, /model set to the folder .*unmarked \(onnx.*trained weights\)/i);
    await clearNotifications(page);
    await openFile(page, 'user_service.py');
    await runCommand(page, 'Subtoken Lens: Analyze Token Merging in File');
    const lens = page.locator('.codelens-decoration').filter({ hasText: /positions/ }).filter({ hasNotText: /random weights/ }).first();
    await lens.waitFor({ timeout: 3 * SLOW });
    assert.ok(await decorated(page, 'subtokenLens.changeScale') > 0, 'identifiers coloured on the change scale');
    assert.equal(await decorated(page, 'subtokenLens.neutralScale'), 0);
    for (theme of THEMES) {
      await switchTheme(page, theme);
      const text = await hoverWord(page, 'find_active_users');
      assert.match(text, /green ≈ 0 \(unchanged\) → red 1−cos [\d.e-]+/, text);
      assert.doesNotMatch(text, /random weights/i, text);
      await screenshot(page, `results-legend-trained-${theme}`);
      await page.mouse.move(5, 450);
      await sleep(300);
    }
  });
});

/**
 * Switches the window between VS Code's default light and dark themes by the browser's colour
 * scheme, which the window follows live (`window.autoDetectColorScheme`, set before it starts): a
 * change of the settings file is not always picked up by a running code-server (seen here: the
 * harness's useColorTheme timed out switching to dark, twice).
 */
async function switchTheme(page: Page, to: ColorTheme): Promise<void> {
  await page.emulateMedia({ colorScheme: to });
  const cls = to === 'light' ? /(^|\s)vs(\s|$)/ : /(^|\s)vs-dark(\s|$)/;
  try {
    await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('.monaco-workbench')?.className ?? ''), cls.source, { timeout: SLOW });
  } catch (err) {
    await screenshot(page, `results-theme-${to}-not-applied`);
    throw err;
  }
  await sleep(500);
}

/** The default colours (for the window's theme now) of the contributed theme colours whose id starts with `prefix`. */
function coloursOf(prefix: string): string[] {
  return (colorContributions() as { id: string; defaults: Record<ColorTheme, string> }[])
    .filter((c) => c.id.startsWith(prefix)).map((c) => c.defaults[theme]);
}

/**
 * The decorations drawn in the colours `colours` (CSS colours), as elements of the visible editor
 * with their boxes. VS Code writes each decoration type as a `ced-…` class whose CSS rule holds the
 * theme colour resolved for the current theme: the classes are found through the stylesheets by
 * those colours (compared as the browser parses them, alpha to 1/100).
 */
async function decorationBoxes(page: Page, colours: readonly string[]): Promise<{ top: number; height: number; width: number }[]> {
  // tsx (esbuild, keepNames) wraps the helpers below in `__name(...)`, which the page lacks.
  await page.evaluate('globalThis.__name ??= (f) => f');
  return page.evaluate(([selector, wanted]) => {
    const parse = (css: string) => (/rgba?\(([^)]+)\)/.exec(css)?.[1] ?? '').split(',').map((v) => Number(v.trim()));
    const probe = document.createElement('div');
    document.body.appendChild(probe);
    const targets = wanted.map((c) => { probe.style.backgroundColor = ''; probe.style.backgroundColor = c; return parse(getComputedStyle(probe).backgroundColor); });
    probe.remove();
    const same = (a: number[], b: number[]) => a.length >= 3 && [0, 1, 2].every((i) => Math.abs(a[i]! - b[i]!) <= 1)
      && Math.abs((a[3] ?? 1) - (b[3] ?? 1)) <= 0.01;
    const classes = new Set<string>();
    for (const sheet of Array.from(document.styleSheets)) {
      let rules: CSSRuleList;
      try { rules = sheet.cssRules; } catch { continue; }
      for (const rule of Array.from(rules)) {
        const r = rule as CSSStyleRule;
        if (!r.selectorText?.includes('ced-') || !r.style) continue;
        const used = ['background-color', 'border-left-color', 'border-bottom-color'].map((p) => r.style.getPropertyValue(p)).filter(Boolean).map(parse);
        if (!used.some((u) => targets.some((t) => same(u, t)))) continue;
        for (const m of r.selectorText.matchAll(/\.(ced-[\w-]+)/g)) classes.add(m[1]!);
      }
    }
    const editor = Array.from(document.querySelectorAll(selector)).find((e) => (e as HTMLElement).offsetParent !== null);
    if (!editor) return [];
    return Array.from(classes).flatMap((c) => Array.from(editor.querySelectorAll(`.${c}`)).map((el) => {
      const box = el.getBoundingClientRect();
      return { top: box.top, height: box.height, width: box.width };
    }));
  }, [TEXT_EDITOR, colours] as const);
}

/** How many decorations of the visible editor are drawn in a colour whose id starts with `prefix`. */
async function decorated(page: Page, prefix: string): Promise<number> {
  return (await decorationBoxes(page, coloursOf(prefix))).length;
}

/** Decorations in the colours of `prefixes` drawn on the line of `line` (by their vertical position). */
async function decoratedOnLine(page: Page, line: Locator, prefixes: readonly string[]): Promise<number> {
  const box = (await line.boundingBox())!;
  const boxes = await decorationBoxes(page, prefixes.flatMap(coloursOf));
  return boxes.filter((b) => b.width > 0 && Math.abs(b.top + b.height / 2 - (box.y + box.height / 2)) < box.height / 2).length;
}

/** Painted pixels in the right third (the heat map's lane) of the visible editor's overview ruler. */
async function rulerPixels(page: Page): Promise<number> {
  return page.evaluate((selector) => {
    const editor = Array.from(document.querySelectorAll(selector)).find((e) => (e as HTMLElement).offsetParent !== null);
    const canvas = editor?.querySelector('canvas.decorationsOverviewRuler') as HTMLCanvasElement | null;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || canvas.width === 0) return 0;
    const x0 = Math.floor((canvas.width * 2) / 3);
    const data = ctx.getImageData(x0, 0, canvas.width - x0, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  }, TEXT_EDITOR);
}

/** The text of the editor line drawn right under a CodeLens (the line the header belongs to). */
async function lineBelow(lens: Locator): Promise<string> {
  return lens.evaluate((el, selector) => {
    const bottom = el.getBoundingClientRect().bottom;
    const editor = el.closest(selector) ?? el.closest('.monaco-editor')!;
    const lines = Array.from(editor.querySelectorAll('.view-line'))
      .map((l) => ({ top: l.getBoundingClientRect().top, text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .filter((l) => l.top >= bottom - 2)
      .sort((a, b) => a.top - b.top);
    return lines[0]?.text ?? '';
  }, TEXT_EDITOR);
}

/** Asserts the CodeLens line ends inside the editor (nothing cut off at the window edge). */
async function lensFits(lens: Locator): Promise<void> {
  const fit = await lens.evaluate((el) => {
    const editor = el.closest('.monaco-editor')!.getBoundingClientRect();
    const links = Array.from(el.querySelectorAll('a')).map((a) => a.getBoundingClientRect().right);
    return { right: Math.max(el.getBoundingClientRect().right, ...links), editorRight: editor.right - 14 /* scrollbar */ };
  });
  assert.ok(fit.right <= fit.editorRight, `CodeLens ends at ${fit.right}px, past the editor's edge at ${fit.editorRight}px: ${await lens.innerText()}`);
}
