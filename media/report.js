// @ts-check
// The workspace report webview. Data arrives by postMessage; the messages both ways are the
// discriminated unions of src/core/report/messages.ts, named here through JSDoc import types (this
// file is plain JS, loaded as is), and checked with `tsc --checkJs` by test/extension/reportWebview.test.ts.
// The DOM is built with textContent only, so nothing from the report is ever parsed as HTML.
/** @typedef {import('../src/core/report/messages').ToWebview} ToWebview */
/** @typedef {import('../src/core/report/messages').FromWebview} FromWebview */
/** @typedef {import('../src/core/report/messages').ExportFormat} ExportFormat */
(function () {
  // @ts-ignore acquireVsCodeApi is provided by the webview host
  const vscodeApi = acquireVsCodeApi();
  const vscode = {
    /** @param {FromWebview} m */
    postMessage: (m) => vscodeApi.postMessage(m),
    /** @returns {any} */
    getState: () => vscodeApi.getState(),
    /** @param {unknown} s */
    setState: (s) => vscodeApi.setState(s),
  };
  /** @type {any} */
  let report = vscode.getState()?.report;
  /** @type {any[]} */
  const charts = [];

  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const pct = (/** @type {number} */ x) => `${x.toFixed(1)}%`;
  const flops = (/** @type {number} */ f) => {
    for (const [s, p] of [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M']]) if (f >= /** @type {number} */ (s)) return `${(f / /** @type {number} */ (s)).toFixed(2)} ${p}FLOPs`;
    return `${int.format(f)} FLOPs`;
  };
  const themeColour = (/** @type {string} */ name, /** @type {string} */ fallback) =>
    getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

  /**
   * @param {string} tag
   * @param {string} [text]
   * @param {string} [cls]
   */
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function table(/** @type {HTMLElement} */ t, /** @type {string[]} */ head, /** @type {(string|HTMLElement)[][]} */ rows) {
    t.replaceChildren();
    const tr = el('tr');
    for (const h of head) tr.appendChild(el('th', h));
    t.appendChild(tr);
    for (const r of rows) {
      const row = el('tr');
      for (const c of r) {
        const td = el('td');
        if (typeof c === 'string') td.textContent = c; else td.appendChild(c);
        row.appendChild(td);
      }
      t.appendChild(row);
    }
  }

  function fileLink(/** @type {string} */ path) {
    const a = el('a', path, 'file-link');
    a.setAttribute('href', '#');
    a.addEventListener('click', (ev) => { ev.preventDefault(); vscode.postMessage({ type: 'openFile', path }); });
    return a;
  }

  function render() {
    if (!report) return;
    const t = report.totals;
    $('status').textContent = `Tokenizer ${report.tokenizer} · FLOPs for ${report.model.label} (analytic) · ${report.window.capacity + report.window.specials}-token windows`;
    const totals = $('totals');
    totals.replaceChildren();
    const cards = [
      ['Files', int.format(t.files)],
      ['Subtokens', int.format(t.tokens)],
      ['After merging', int.format(t.merged)],
      ['Reduction', pct(t.reductionPct)],
      ['Encoder FLOPs', `${flops(t.flopsBefore)} → ${flops(t.flopsAfter)}`],
      ['FLOPs saved', pct(t.flopSavingPct)],
      ['Context gain', pct(t.contextGainPct)],
      ['Split identifiers', `${int.format(t.splitIdentifiers)} of ${int.format(t.identifiers)}`],
    ];
    for (const [k, v] of cards) {
      const card = el('div', undefined, 'card');
      card.appendChild(el('div', v, 'value'));
      card.appendChild(el('div', k, 'label'));
      totals.appendChild(card);
    }
    totals.hidden = false;

    const langs = Object.entries(report.languages).sort((a, b) => b[1].tokens - a[1].tokens);
    table($('language-table'), ['Language', 'Files', 'Subtokens', 'Merged', 'Reduction', 'FLOPs saved'],
      langs.map(([name, s]) => [name, int.format(s.files), int.format(s.tokens), int.format(s.merged), pct(s.reductionPct), pct(s.flopSavingPct)]));
    $('languages').hidden = false;

    table($('identifier-table'), ['Identifier', 'Subtokens', 'Occurrences', 'Positions saved'],
      report.topIdentifiers.slice(0, 30).map((/** @type {any} */ i) => [i.name, i.pieces.join(' · '), int.format(i.occurrences), int.format(i.saved)]));
    $('identifiers').hidden = report.topIdentifiers.length === 0;

    const files = [...report.files].sort((a, b) => b.tokens - a.tokens).slice(0, 200);
    table($('file-table'), ['File', 'Language', 'Subtokens', 'Merged', 'Reduction'],
      files.map((f) => [fileLink(f.path), f.language, int.format(f.tokens), int.format(f.merged), pct(f.reductionPct)]));
    $('files').hidden = files.length === 0;

    table($('skipped-table'), ['File', 'Reason'],
      report.skipped.map((/** @type {any} */ s) => [s.path, s.detail ? `${s.reason}: ${s.detail}` : s.reason]));
    $('skipped').hidden = report.skipped.length === 0;

    renderCharts(t);
  }

  function renderCharts(/** @type {any} */ t) {
    // @ts-ignore Chart is the UMD global of the bundled chart.js
    const Chart = window.Chart;
    if (!Chart) return;
    for (const c of charts.splice(0)) c.destroy();
    const fg = themeColour('--vscode-foreground', '#ccc');
    const accent = themeColour('--vscode-charts-blue', '#3794ff');
    const accent2 = themeColour('--vscode-charts-purple', '#b180d7');
    Chart.defaults.color = fg;
    Chart.defaults.borderColor = themeColour('--vscode-panel-border', '#444');
    const hist = t.histogram.slice(1);
    charts.push(new Chart($('histogram'), {
      type: 'bar',
      data: { labels: hist.map((/** @type {number} */ _, /** @type {number} */ i) => (i + 1 === hist.length ? `${i + 1}+` : `${i + 1}`)), datasets: [{ label: 'occurrences', data: hist, backgroundColor: accent }] },
      options: { animation: false, plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: 'subtokens per identifier' } } } },
    }));
    const cats = Object.entries(t.categories);
    charts.push(new Chart($('categories'), {
      type: 'bar',
      data: { labels: cats.map((c) => c[0]), datasets: [{ label: 'tokens', data: cats.map((c) => c[1]), backgroundColor: accent2 }] },
      options: { animation: false, indexAxis: 'y', plugins: { legend: { display: false } } },
    }));
    $('charts').hidden = false;
  }

  window.addEventListener('message', (ev) => {
    if (!ev.data || typeof ev.data !== 'object') return;
    const m = /** @type {ToWebview} */ (ev.data);
    switch (m.type) {
      case 'report':
        report = m.report;
        vscode.setState({ report });
        $('status').className = '';
        render();
        break;
      case 'progress':
        $('status').textContent = m.message;
        $('status').className = '';
        break;
      case 'error':
        $('status').textContent = `Error: ${m.message}`;
        $('status').className = 'error';
        break;
    }
  });
  for (const b of document.querySelectorAll('button[data-export]')) {
    const format = /** @type {ExportFormat} */ (b.getAttribute('data-export'));
    b.addEventListener('click', () => vscode.postMessage({ type: 'export', format }));
  }
  $('rerun').addEventListener('click', () => vscode.postMessage({ type: 'rerun' }));
  render();
  vscode.postMessage({ type: 'ready' });
})();
