// The compare bundle (src/webview/compare-*.ts, Chart.js inside) in the panel's own HTML shell, in a
// real headless Chromium (when /usr/bin/chromium is there, as scripts/e2e-setup.sh installs it):
// views from real runs of the embedded tiny model must draw their table, their chart and the
// random-weights banner, with no CSP violation, no number wrapped, and buttons that post typed
// messages. Screenshots land in test-artifacts/compare-view-{strategies,sweep}-{light,dark}.png.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename, extname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { analyzeFile, type AnalysisResult } from '../../src/core/runtime/analysis';
import { strategiesView, sweepView, type CompareView } from '../../src/core/runtime/compare-view-model';
import { loadEncoder } from '../../src/core/runtime/encoder';
import { averageReducer, learnedReducer } from '../../src/core/runtime/merge';
import { planFile } from '../../src/core/runtime/plan-input';
import { compareViewBuildOptions } from '../../src/extension/compareViewAssets';
import { compareHtml } from '../../src/extension/compareViewHtml';
import { REPO_ROOT, codet5, extractor } from '../core/helpers';
import { tinyModelDir } from '../core/runtime/helpers';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const FILE = 'examples/python/inventory.py';
/** A subject that is also markup: it must reach the page as text. */
const HOSTILE = `${FILE} <img src=x onerror="window.__pwned=1">`;

const VSCODE_API_STUB = `
  window.posted = [];
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.posted.push(m),
    getState: () => state,
    setState: (s) => { state = s; },
  });`;

let strategies: CompareView;
let sweep: CompareView;
let layers = 0;
let bundle: Record<string, string>;

before(async () => {
  const rt = await loadEncoder(tinyModelDir(), { device: 'cpu' });
  try {
    layers = rt.layers;
    const plan = await planFile(readFileSync(join(REPO_ROOT, FILE), 'utf8'), FILE, codet5(), await extractor('python'));
    // A fixed learned merger (attention pooling with one weight vector): a real learned computation, no training needed here.
    const w = Array.from({ length: rt.info.dModel }, (_, i) => Math.sin(i));
    const learned = learnedReducer({ format: 'subtoken-lens-merger', version: 1, kind: 'attention-pool', dModel: rt.info.dModel, w, b: 0, trainedOn: {}, metrics: {} });
    const opts = { runs: 3, warmup: 1, profile: 'classify' as const };
    const both = await analyzeFile(rt, plan, { ...opts, strategies: [{ name: 'average', reducer: averageReducer }, { name: 'learned', reducer: learned }] });
    strategies = strategiesView(both, { subject: HOSTILE, modelLabel: 'embedded-tiny', timingBudgetMs: 0 });
    const perLayer: AnalysisResult[] = [];
    for (let k = 0; k <= rt.layers; k++) perLayer.push(await analyzeFile(rt, plan, { ...opts, mergeLayer: k, strategies: [{ name: 'average', reducer: averageReducer }] }));
    sweep = sweepView(perLayer, 'average', { subject: FILE, modelLabel: 'embedded-tiny', timingBudgetMs: 0 });
  } finally {
    await rt.release();
  }
  const out = esbuild.buildSync({ ...compareViewBuildOptions(REPO_ROOT, join(REPO_ROOT, 'dist', 'media')), write: false });
  bundle = Object.fromEntries(out.outputFiles.map((f) => [basename(f.path), f.text]));
  assert.deepEqual(Object.keys(bundle).sort(), ['compare-view.css', 'compare-view.js']);
}, { timeout: 120_000 });

describe('compare bundle', () => {
  it('bundles Chart.js with its license and the report\'s stylesheet (one set of theme variables)', () => {
    assert.ok(bundle['compare-view.js']!.includes('Chart.js v'));
    assert.ok(bundle['compare-view.css']!.includes('--vscode-charts-blue'), 'the report stylesheet is inlined');
    assert.match(bundle['compare-view.css']!, /th\.num,\s*td\.num\s*\{[^}]*white-space:\s*nowrap/);
  });
});

async function serve(files: Record<string, string>): Promise<{ server: Server; origin: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const body = files[(req.url ?? '/').slice(1)];
    if (body === undefined) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': `${types[extname(req.url!)] ?? 'text/plain'}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

const skipBrowser = existsSync(CHROMIUM) || process.env.CI === 'true' ? false : `${CHROMIUM} is not installed (scripts/e2e-setup.sh installs it)`;
describe('compare view in Chromium', { skip: skipBrowser }, () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serve>>;

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    const files: Record<string, string> = {};
    site = await serve(files);
    Object.assign(files, bundle, {
      'compare.html': compareHtml({ cspSource: site.origin, scriptUri: `${site.origin}/compare-view.js`, styleUri: `${site.origin}/compare-view.css` }),
      'favicon.ico': '',
    });
  }, { timeout: 60_000 });

  after(async () => {
    await browser?.close();
    site?.server.close();
  });

  async function open(scheme: 'light' | 'dark'): Promise<{ page: Page; problems: string[] }> {
    // Narrow on purpose: the tables must scroll sideways rather than break a number.
    const page = await browser.newPage({ viewport: { width: 760, height: 1300 }, colorScheme: scheme });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => { if (!r.url().startsWith(site.origin)) problems.push(`request outside the page: ${r.url()}`); });
    await page.addInitScript({ content: VSCODE_API_STUB });
    await page.goto(`${site.origin}/compare.html`);
    await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'));
    return { page, problems };
  }

  /** Table cells as text, and those whose text runs over more than one line. */
  const readTable = (page: Page, id: string) => page.evaluate((tableId) => {
    const cells = Array.from(document.querySelectorAll(`#${tableId} tbody tr`)).map((tr) => Array.from(tr.children).map((td) => td.textContent ?? ''));
    const wrapped = Array.from(document.querySelectorAll<HTMLElement>(`#${tableId} td, #facts dd span`)).filter((td) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
      return lines.size > 1;
    }).map((td) => td.textContent);
    return { cells, wrapped };
  }, id);

  const hasPixels = (page: Page, id: string) => page.evaluate((canvasId) => {
    const c = document.getElementById(canvasId) as HTMLCanvasElement | null;
    if (!c) return false;
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return true;
    return false;
  }, id);

  for (const scheme of ['light', 'dark'] as const) {
    it(`draws the comparison and the sweep (${scheme}): tables, chart, banner, nothing wrapped`, { timeout: 60_000 }, async () => {
      const { page, problems } = await open(scheme);
      await page.evaluate((v) => window.postMessage({ type: 'view', view: v }, '*'), strategies);
      await page.waitForSelector('#strategy-table tbody tr');
      const cmp = await readTable(page, 'strategy-table');
      assert.deepEqual(cmp.cells.map((r) => r[0]), ['average', 'learned']);
      assert.deepEqual(cmp.cells, strategies.tables[0]!.rows.map((r) => r.map((c) => c.text)));
      assert.deepEqual(cmp.wrapped, [], 'no cell or header fact breaks over two lines');
      const timing = await readTable(page, 'timing-table');
      assert.deepEqual(timing.cells, strategies.tables[1]!.rows.map((r) => r.map((c) => c.text)));
      assert.deepEqual(timing.wrapped, []);
      assert.equal(timing.cells[0]![3], timing.cells[1]![3], 'one shared timing: the same speed-up on both rows');
      // Beside the editor the tables fit: nothing to scroll sideways.
      for (const id of ['strategy-table', 'timing-table']) {
        const over = await page.evaluate((t) => { const e = document.getElementById(t)!.parentElement!; return e.scrollWidth - e.clientWidth; }, id);
        assert.ok(over <= 1, `${id} overflows its frame by ${over} px`);
      }
      assert.match(await page.locator('#random-weights').innerText(), /random weights: differences are mechanical, not semantic/i);
      assert.ok((await page.locator('.view-title .subject').innerText()).includes('<img src=x'), 'the subject shows as text');
      assert.equal(await page.locator('#sweep-chart').count(), 0, 'the comparison has no chart');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `compare-view-strategies-${scheme}.png`), fullPage: true });

      await page.evaluate((v) => window.postMessage({ type: 'view', view: v }, '*'), sweep);
      await page.waitForSelector('#sweep-table tbody tr');
      const sw = await readTable(page, 'sweep-table');
      assert.equal(sw.cells.length, layers + 1);
      assert.deepEqual(sw.cells.map((r) => r[0]), Array.from({ length: layers + 1 }, (_, k) => String(k)));
      assert.deepEqual(sw.wrapped, []);
      assert.ok(await hasPixels(page, 'sweep-chart'), 'the sweep chart has pixels');
      await page.screenshot({ path: join(ARTIFACTS, `compare-view-sweep-${scheme}.png`), fullPage: true });

      // The buttons ask the extension; a progress line ending in "…" disables them meanwhile.
      await page.locator('#sweep').click();
      await page.locator('#compare').click();
      await page.evaluate(() => window.postMessage({ type: 'progress', message: 'Sweeping: merge layer K = 0 of 0..2…' }, '*'));
      // Messages arrive asynchronously: wait for their effect (a time limit fails the test).
      await page.waitForFunction(() => (document.getElementById('sweep') as HTMLButtonElement).disabled, undefined, { timeout: 5_000 });
      await page.evaluate(() => window.postMessage({ type: 'error', message: 'the model failed' }, '*'));
      await page.waitForFunction(() => !(document.getElementById('sweep') as HTMLButtonElement).disabled, undefined, { timeout: 5_000 });
      assert.equal(await page.locator('#status').innerText(), 'Error: the model failed');
      const posted = await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
      assert.deepEqual(posted, [{ type: 'ready' }, { type: 'sweep' }, { type: 'compare' }]);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});
