// A self-contained HTML report: one file, no network, charts drawn by the bundled Chart.js
// (inlined), data embedded as JSON and rendered by a small script with textContent only.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReportJson } from '../schema';

/** Finds Chart.js's UMD build: next to a bundle (dist/media) or in node_modules. */
export function locateChartJs(): string {
  const candidates = [join(__dirname, 'media', 'chart.umd.min.js'), join(__dirname, '..', 'media', 'chart.umd.min.js')];
  for (const c of candidates) if (existsSync(c)) return c;
  try {
    // The package's exports map hides dist/ files from require.resolve; its main entry is in dist/.
    const umd = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
    if (existsSync(umd)) return umd;
    throw new Error('no UMD build');
  } catch {
    throw new Error('Chart.js not found (expected dist/media/chart.umd.min.js or the chart.js package): run `npm ci` or `npm run build`.');
  }
}

/** JSON that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `
:root { color-scheme: light dark; --fg:#1f2328; --muted:#59636e; --bg:#ffffff; --card:#f6f8fa; --line:#d1d9e0; --accent:#0969da; --accent2:#bf8700; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --muted:#9198a1; --bg:#0d1117; --card:#151b23; --line:#3d444d; --accent:#4493f8; --accent2:#d29922; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0; padding: 24px 32px; max-width: 1200px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; } .muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin: 16px 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .v { font-size: 22px; font-weight: 600; } .card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; } @media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
.chart { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; height: 320px; position: relative; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; } th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: right; }
th:first-child, td:first-child { text-align: left; } th { color: var(--muted); font-weight: 600; cursor: pointer; user-select: none; }
tr.total td { font-weight: 600; } code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; } .notes li { color: var(--muted); }
`;

// Runs in the page. Reads the embedded JSON, fills tables with textContent, draws charts.
const SCRIPT = String.raw`
(function () {
  const r = JSON.parse(document.getElementById('report-data').textContent);
  const css = getComputedStyle(document.documentElement);
  const fg = css.getPropertyValue('--fg').trim(), line = css.getPropertyValue('--line').trim();
  const accent = css.getPropertyValue('--accent').trim(), accent2 = css.getPropertyValue('--accent2').trim();
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  const pct = (n) => n.toFixed(1) + '%';
  const fl = (n) => { const u = [[1e15,'PFLOP'],[1e12,'TFLOP'],[1e9,'GFLOP'],[1e6,'MFLOP']]; for (const [s, n2] of u) if (n >= s) return (n / s).toFixed(2) + ' ' + n2; return fmt(n) + ' FLOP'; };
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  function table(id, header, rows, totalRow) {
    const t = document.getElementById(id); const thead = el('thead'); const hr = el('tr');
    header.forEach((h, i) => { const th = el('th', h); th.addEventListener('click', () => sortBy(i)); hr.appendChild(th); });
    thead.appendChild(hr); t.appendChild(thead); const tbody = el('tbody'); t.appendChild(tbody);
    let data = rows.slice(); let dir = -1, col = -1;
    function render() { tbody.textContent = ''; for (const row of data.concat(totalRow ? [totalRow] : [])) { const tr = el('tr', undefined, row === totalRow ? 'total' : ''); row.forEach((c) => tr.appendChild(el('td', typeof c === 'object' ? c.t : c))); tbody.appendChild(tr); } }
    function sortBy(i) { dir = col === i ? -dir : -1; col = i; data.sort((a, b) => { const x = a[i], y = b[i]; const xv = typeof x === 'object' ? x.v : x, yv = typeof y === 'object' ? y.v : y; return (xv < yv ? -1 : xv > yv ? 1 : 0) * dir; }); render(); }
    render();
  }
  const num = (v, t) => ({ v, t });
  const T = r.totals;
  const cards = [
    ['Files', fmt(T.files)], ['Identifier occurrences', fmt(T.identifiers)], ['Split into 2+ subtokens', fmt(T.splitIdentifiers) + ' (' + pct(100 * T.splitIdentifiers / Math.max(1, T.identifiers)) + ')'],
    ['Subtokens → merged', fmt(T.tokens) + ' → ' + fmt(T.merged)], ['Sequence reduction', pct(T.reductionPct)], ['Encoder FLOPs saved (est.)', pct(T.flopSavingPct)],
    ['512-windows', fmt(T.windowsBefore.count) + ' → ' + fmt(T.windowsAfter.count)], ['Context gain per window', '+' + pct(T.contextGainPct)],
  ];
  const cardsEl = document.getElementById('cards');
  for (const [k, v] of cards) { const c = el('div', undefined, 'card'); c.appendChild(el('div', k, 'k')); c.appendChild(el('div', v, 'v')); cardsEl.appendChild(c); }
  const langRow = (name, t) => [name, num(t.files, fmt(t.files)), num(t.identifiers, fmt(t.identifiers)), num(t.splitIdentifiers, fmt(t.splitIdentifiers)), num(t.tokens, fmt(t.tokens)), num(t.merged, fmt(t.merged)), num(t.reductionPct, pct(t.reductionPct)), num(t.flopsBefore, fl(t.flopsBefore)), num(t.flopsAfter, fl(t.flopsAfter)), num(t.flopSavingPct, pct(t.flopSavingPct))];
  table('languages', ['language', 'files', 'identifiers', 'split 2+', 'subtokens', 'merged', 'reduction', 'FLOPs before', 'FLOPs after', 'FLOP saving'],
    Object.entries(r.languages).map(([n, t]) => langRow(n, t)), langRow('TOTAL', T));
  table('top', ['identifier', 'subtokens', 'occurrences', 'tokens saved'], r.topIdentifiers.map((t) => [t.name, t.pieces.join(' · '), num(t.occurrences, fmt(t.occurrences)), num(t.saved, fmt(t.saved))]));
  const files = r.files.slice().sort((a, b) => (b.tokens - b.merged) - (a.tokens - a.merged)).slice(0, 500);
  table('files', ['file', 'language', 'status', 'subtokens', 'merged', 'reduction', 'FLOP saving'], files.map((f) => [f.path, f.language, f.status, num(f.tokens, fmt(f.tokens)), num(f.merged, fmt(f.merged)), num(f.reductionPct, pct(f.reductionPct)), num(f.flopSavingPct, pct(f.flopSavingPct))]));
  document.getElementById('files-note').textContent = r.files.length > 500 ? 'The 500 files with the most tokens saved, of ' + fmt(r.files.length) + '.' : '';
  table('skipped', ['path', 'reason', 'detail'], r.skipped.map((s) => [s.path, s.reason, s.detail || '']));
  const notes = document.getElementById('notes'); for (const n of r.notes) notes.appendChild(el('li', n));
  if (typeof Chart === 'undefined') return;
  Chart.defaults.color = fg; Chart.defaults.borderColor = line; Chart.defaults.maintainAspectRatio = false; Chart.defaults.animation = false;
  const H = T.histogram; const hl = H.map((_, i) => i === H.length - 1 ? i + '+' : String(i));
  new Chart(document.getElementById('c-hist'), { type: 'bar', data: { labels: hl, datasets: [{ label: 'identifier occurrences', data: H, backgroundColor: accent }] },
    options: { plugins: { title: { display: true, text: 'Subtokens per identifier occurrence' }, legend: { display: false } }, scales: { x: { title: { display: true, text: 'subtokens' } } } } });
  const langs = Object.keys(r.languages);
  new Chart(document.getElementById('c-lang'), { type: 'bar', data: { labels: langs, datasets: [
      { label: 'sequence reduction %', data: langs.map((l) => r.languages[l].reductionPct), backgroundColor: accent },
      { label: 'encoder FLOP saving % (est.)', data: langs.map((l) => r.languages[l].flopSavingPct), backgroundColor: accent2 }] },
    options: { plugins: { title: { display: true, text: 'Saving by language' } } } });
  const top = r.topIdentifiers.slice(0, 15);
  new Chart(document.getElementById('c-top'), { type: 'bar', data: { labels: top.map((t) => t.name), datasets: [{ label: 'tokens saved', data: top.map((t) => t.saved), backgroundColor: accent }] },
    options: { indexAxis: 'y', plugins: { title: { display: true, text: 'Top fragmenting identifiers (tokens saved)' }, legend: { display: false } } } });
  const cats = Object.keys(T.categories);
  new Chart(document.getElementById('c-cat'), { type: 'doughnut', data: { labels: cats, datasets: [{ data: cats.map((c) => T.categories[c]), backgroundColor: ['#0969da', '#8250df', '#bf8700', '#1a7f37', '#57606a', '#afb8c1', '#cf222e'], borderColor: line }] },
    options: { plugins: { title: { display: true, text: 'Subtokens by syntax category' }, legend: { position: 'right' } } } });
})();
`;

export function formatHtml(r: ReportJson, chartJsSource: string): string {
  const title = `Subtoken Lens report: ${r.root}`;
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const meta = `Tokenizer ${r.tokenizer} · FLOPs for ${r.model.label} (analytic estimate) · scope ${r.scope} · spans ${r.spanEngine} · window ${r.window.capacity + r.window.specials} tokens${r.shard ? ` · shard ${r.shard.index + 1}/${r.shard.count}` : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${esc(title)}</h1>
<div class="muted">${esc(meta)}</div>
<div class="cards" id="cards"></div>
<div class="grid2"><div class="chart"><canvas id="c-hist"></canvas></div><div class="chart"><canvas id="c-lang"></canvas></div>
<div class="chart"><canvas id="c-top"></canvas></div><div class="chart"><canvas id="c-cat"></canvas></div></div>
<h2>By language</h2><table id="languages"></table>
<h2>Top identifiers by tokens saved</h2><table id="top"></table>
<h2>Files</h2><div class="muted" id="files-note"></div><table id="files"></table>
<h2>Skipped</h2><table id="skipped"></table>
<h2>Notes</h2><ul class="notes" id="notes"></ul>
<script type="application/json" id="report-data">${scriptJson(r)}</script>
<script>${chartJsSource.replace(/<\/script/gi, '<\\/script')}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
