// The one report renderer (src/webview/, bundled with Chart.js) in the two pages that use it: the
// self-contained HTML export and the VS Code webview shell. The export's structure is checked in
// node; then both pages run in a real headless Chromium (when /usr/bin/chromium is there, as
// scripts/e2e-setup.sh installs it), which must draw the same text from the same report, all four
// charts, with no error and no CSP violation. The export's screenshot lands in
// test-artifacts/report-export.png for a person to look at.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { formatHtml, loadReportViewAssets, runReport, type ReportJson, type ReportViewAssets } from '../../src/core/report';
import { reportView } from '../../src/core/report/view-model';
import { reportHtml } from '../../src/extension/report/html';
import { CODET5_DIR, REPO_ROOT, codet5 } from '../core/helpers';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
/** A file name that is also markup: it must reach the page as text. */
const HOSTILE = '<img src=x onerror="window.__pwned=1">.py';

let work: string;
let report: ReportJson;
let assets: ReportViewAssets;
let exportHtml: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stl-report-view-'));
  const root = join(work, 'examples');
  cpSync(join(REPO_ROOT, 'examples'), root, { recursive: true });
  writeFileSync(join(root, HOSTILE), 'def render_user_card(user_name):\n    return user_name\n');
  report = await runReport({
    root, tokenizerDir: CODET5_DIR, tokenizerName: codet5().name, modelKey: 'codet5-base', scope: 'identifiers',
    window: { capacity: 510, specials: 2 }, maxFileSize: 1 << 20, includeVendored: false, includeGenerated: false,
    includeUnsupported: false, jobs: 0, topLimit: 50, includeIdentifierTable: false, toolVersion: 'test',
  });
  assert.ok(report.files.some((f) => f.path === HOSTILE), 'the hostile file is in the report');
  assets = loadReportViewAssets();
  exportHtml = formatHtml(report, assets);
});

after(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
const inlineScripts = (html: string) => [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);

describe('HTML export', () => {
  it('inlines the renderer bundle verbatim, allowed by its hash, and nothing else runs', () => {
    assert.deepEqual(inlineScripts(exportHtml), [assets.script]);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(exportHtml)![1]!;
    assert.equal(csp, `default-src 'none'; script-src ${sha256(assets.script)}; style-src ${sha256(assets.style)}; img-src data:`);
    assert.ok(exportHtml.includes(`<style>${assets.style}</style>`));
    assert.doesNotMatch(exportHtml, /<(script|link|img|iframe)[^>]*\s(src|href)=/i, 'no element loads a file');
    // Outside the embedded data (JSON, never parsed as markup), no attribute is an event handler.
    const markup = exportHtml.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '').replace(/<style>[\s\S]*?<\/style>/, '');
    assert.doesNotMatch(markup, /\son[a-z]+=/i, 'no inline handler');
  });

  it('embeds the report as JSON that no file name can break out of', () => {
    const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(exportHtml)![1]!;
    assert.doesNotMatch(json, /</, 'every < is escaped');
    assert.deepEqual(JSON.parse(json), report);
    assert.equal(exportHtml.split('</script>').length - 1, 2, 'the data and the renderer: two script elements');
  });

  it('is built from the same sources as the webview bundle: the webview code is what it inlines', () => {
    // The bundle carries the view model's wording and the webview bridge alike.
    assert.ok(assets.script.includes('Identifier occurrences by subtokens (log scale)'));
    assert.ok(assets.script.includes('report-data'));
    assert.ok(assets.script.includes('acquireVsCodeApi'));
    assert.ok(assets.script.includes('Chart.js v'), 'Chart.js is bundled, with its license');
  });
});

/** Serves `files` (filled in once the origin is known) on 127.0.0.1: the webview shell needs an
 *  origin for its CSP's cspSource. */
async function serve(files: Record<string, string>): Promise<{ server: Server; origin: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const body = files[(req.url ?? '/').slice(1)];
    if (body === undefined) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': `${types[extname(req.url!)] ?? 'text/plain'}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** VS Code's webview API, stubbed: it records what the page posts in `window.posted` and returns
 *  `window.savedReport` as the saved state. A string, not a function: tsx's helpers (`__name`)
 *  do not exist in the page. */
const VSCODE_API_STUB = `
  window.posted = [];
  let state = window.savedReport === undefined ? undefined : { report: window.savedReport };
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.posted.push(m),
    getState: () => state,
    setState: (s) => { state = s; },
  });`;

/** Opens `url`, failing on any console error (CSP violations are reported there), page error or
 *  request that leaves `origin`. `init` runs before the page's own scripts. */
async function open(browser: Browser, url: string, origin: string, init?: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(origin)) problems.push(`request outside the page: ${r.url()}`); });
  if (init) await page.addInitScript({ content: init });
  await page.goto(url);
  return { page, problems };
}

/** What a reader sees: the report's text, and which canvases have pixels on them. */
async function drawn(page: Page): Promise<{ text: string; charts: string[]; cards: number; notes: string[] }> {
  await page.waitForSelector('#note-list li', { timeout: 20_000 });
  return page.evaluate(() => ({
    text: (document.getElementById('report') as HTMLElement).innerText,
    cards: document.querySelectorAll('#totals .card').length,
    notes: Array.from(document.querySelectorAll('#note-list li')).map((li) => li.textContent ?? ''),
    charts: Array.from(document.querySelectorAll('canvas')).filter((c) => {
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return true;
      return false;
    }).map((c) => c.id),
  }));
}

// On a developer's machine without Chromium these are skipped, saying why; CI installs it first
// (.ci/run runs scripts/e2e-setup.sh before the tests), so there a missing browser fails them.
const skipBrowser = existsSync(CHROMIUM) || process.env.CI === 'true' ? false : `${CHROMIUM} is not installed (scripts/e2e-setup.sh installs it)`;
describe('in Chromium', { skip: skipBrowser }, () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serve>>;

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    const files: Record<string, string> = {};
    site = await serve(files);
    Object.assign(files, {
      'export.html': exportHtml,
      // The webview shell as the panel writes it, its URIs pointing at the same bundle.
      'webview.html': reportHtml({ cspSource: site.origin, scriptUri: `${site.origin}/report-view.js`, styleUri: `${site.origin}/report-view.css` }),
      'report-view.js': assets.script,
      'report-view.css': assets.style,
      'favicon.ico': '',
    });
  }, { timeout: 60_000 });

  after(async () => {
    await browser?.close();
    site?.server.close();
  });

  it('the export and the webview draw the same report: cards, five charts, tables, notes', { timeout: 90_000 }, async () => {
    const exp = await open(browser, `${site.origin}/export.html`, site.origin);
    const fromExport = await drawn(exp.page);
    mkdirSync(ARTIFACTS, { recursive: true });
    await exp.page.screenshot({ path: join(ARTIFACTS, 'report-export.png') });

    // The webview shell, with VS Code's API stubbed: it records what the page posts.
    const web = await open(browser, `${site.origin}/webview.html`, site.origin, VSCODE_API_STUB);
    await web.page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'));
    await web.page.evaluate((r) => window.postMessage({ type: 'report', report: r }, '*'), report);
    const fromWebview = await drawn(web.page);

    const view = reportView(report);
    assert.equal(fromExport.cards, view.cards.length);
    assert.deepEqual(fromExport.notes, report.notes);
    assert.deepEqual(fromExport.charts, ['histogram', 'language-chart', 'identifier-chart', 'file-chart', 'categories'], 'all five charts have pixels');
    assert.deepEqual(fromWebview.charts, fromExport.charts);
    assert.equal(fromWebview.text, fromExport.text, 'the same words and figures in both');
    assert.ok(fromExport.text.includes(HOSTILE), 'a file name that is markup shows as text');

    for (const { page, problems } of [exp, web]) {
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'no report text ran as HTML');
      assert.deepEqual(problems, []);
    }

    // Webview only: file links and buttons post typed messages to the extension.
    await web.page.locator('#file-table .file-link', { hasText: 'inventory.py' }).first().click();
    await web.page.locator('button[data-export="html"]').click();
    const first = report.topIdentifiers[0]!.name;
    await web.page.locator('#identifier-table .find-link', { hasText: first }).first().click();
    const posted = await web.page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
    assert.deepEqual(posted.slice(1), [
      { type: 'openFile', path: 'python/inventory.py' }, { type: 'export', format: 'html' }, { type: 'findIdentifier', name: first },
    ]);
    assert.equal(await exp.page.locator('#file-table .file-link').count(), 0, 'the export has no one to ask to open a file');
    assert.equal(await exp.page.locator('#identifier-table .find-link').count(), 0, 'nor to search the workspace');
    await exp.page.close();
    await web.page.close();
  });

  it('the histogram\'s tail shows beside a 20,000 bar (log axis), and no card value wraps', { timeout: 90_000 }, async () => {
    // The shape the issue met: 19,972 one-subtoken occurrences against a tail of single ones.
    const skewed: ReportJson = structuredClone(report);
    const histogram = [0, 19_972, 5_310, 1_204, 233, 41, 9, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1];
    skewed.totals.histogram = histogram;
    skewed.totals.identifiers = histogram.reduce((a, b) => a + b, 0);
    skewed.totals.splitIdentifiers = skewed.totals.identifiers - histogram[1]!;
    skewed.totals.flopsBefore = 9.41e12;
    skewed.totals.flopsAfter = 8.54e12;
    for (const [name, width] of [['light', 1200], ['narrow', 760]] as const) {
      const { page, problems } = await open(browser, `${site.origin}/webview.html`, site.origin, VSCODE_API_STUB);
      await page.setViewportSize({ width, height: 1600 });
      await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'));
      await page.evaluate((r) => window.postMessage({ type: 'report', report: r }, '*'), skewed);
      await page.waitForSelector('#histogram[data-bar-px]');
      const bars = await page.locator('#histogram').evaluate((c) => ({ scale: c.dataset.valueScale, px: c.dataset.barPx!.split(',').map(Number) }));
      assert.equal(bars.scale, 'log');
      const shown = histogram.slice(1);
      assert.equal(bars.px.length, shown.length, 'one bar per bucket from 1 to 16+');
      shown.forEach((n, i) => {
        if (n > 0) assert.ok(bars.px[i]! >= 3, `bucket ${i + 1} (${n} occurrences) is drawn ${bars.px[i]} px high`);
        else assert.equal(bars.px[i], 0, `empty bucket ${i + 1} has no bar`);
      });
      assert.ok(bars.px[0]! > 4 * bars.px[7]!, 'the log axis still orders the bars');
      // Every card's value on one line: its height is one line's.
      const cards = await page.$$eval('#totals .card .value', (els) => els.map((e) => ({
        text: (e as HTMLElement).innerText.replace(/\n/g, ' '), lines: e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight),
      })));
      const flops = cards.find((c) => c.text.includes('TFLOP'));
      assert.ok(flops, cards.map((c) => c.text).join(' | '));
      for (const c of cards) assert.ok(c.lines < 1.5, `${width}px: "${c.text}" takes ${c.lines.toFixed(1)} lines`);
      // A click on a bar of the per-file chart opens that file (through the extension).
      await page.locator('#file-chart').scrollIntoViewIfNeeded();
      const box = (await page.locator('#file-chart').boundingBox())!;
      const clicked = await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted.length);
      // The bars lie right of the path labels, below the legend (a click there would hide a
      // dataset); go down the chart until a click lands on one.
      let after: { type: string }[] = [];
      for (let y = 0.3; y < 0.95 && !after.slice(clicked).length; y += 0.05) {
        await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * y);
        after = await page.evaluate(() => (window as unknown as { posted: { type: string }[] }).posted);
      }
      assert.ok(after.slice(clicked).some((m) => m.type === 'openFile'), `a bar click posts openFile: ${JSON.stringify(after.slice(clicked))}`);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `report-webview-${name}.png`) });
      assert.deepEqual(problems, []);
      await page.close();
    }
  });

  it('the export reads in the dark palette too (prefers-color-scheme: dark)', { timeout: 60_000 }, async () => {
    const { page, problems } = await open(browser, `${site.origin}/export.html`, site.origin);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await drawn(page);
    const colours = await page.evaluate(() => ({ bg: getComputedStyle(document.body).backgroundColor, fg: getComputedStyle(document.body).color }));
    assert.equal(colours.bg, 'rgb(13, 17, 23)', 'the dark background');
    assert.equal(colours.fg, 'rgb(230, 237, 243)');
    await page.screenshot({ path: join(ARTIFACTS, 'report-export-dark.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('sorts a table by a column, both ways, the TOTAL row staying last', { timeout: 60_000 }, async () => {
    const { page, problems } = await open(browser, `${site.origin}/export.html`, site.origin);
    await page.waitForSelector('#language-table tbody tr');
    const column = async (i: number) => page.$$eval(`#language-table tbody tr td:nth-child(${i})`, (tds) => tds.map((td) => td.textContent ?? ''));
    const tokens = (texts: string[]) => texts.map((t) => Number(t.replace(/,/g, '')));
    await page.locator('#language-table th button', { hasText: /^files$/ }).click();
    await page.locator('#language-table th button', { hasText: /^subtokens$/ }).click();
    const down = tokens(await column(5));
    assert.deepEqual(down.slice(0, -1), [...down.slice(0, -1)].sort((a, b) => b - a), 'largest first');
    await page.locator('#language-table th button', { hasText: /^subtokens$/ }).click();
    const up = tokens(await column(5));
    assert.deepEqual(up.slice(0, -1), [...up.slice(0, -1)].sort((a, b) => a - b), 'then smallest first');
    assert.equal((await column(1)).at(-1), 'TOTAL');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a webview reopened after a reload draws the report it saved, before any message', { timeout: 60_000 }, async () => {
    // What VS Code hands back after a reload: the state the webview saved.
    const { page, problems } = await open(browser, `${site.origin}/webview.html`, site.origin,
      `window.savedReport = ${JSON.stringify(report)};\n${VSCODE_API_STUB}`);
    const shown = await drawn(page);
    assert.deepEqual(shown.notes, report.notes);
    assert.equal(await page.locator('#status').textContent(), '');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
