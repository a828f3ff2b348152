// The one DOM renderer of a report, for the VS Code webview and the self-contained HTML export
// alike: it draws core/report/view-model's ReportView into a container. Every text from the report
// goes in through textContent (never innerHTML), so no file or identifier name is parsed as HTML;
// listeners are attached here, never written as inline handlers, so a strict CSP holds.
import type { ReportJson } from '../core/report/schema';
import { reportView, type Cell, type ChartView, type TableView } from '../core/report/view-model';
import { drawChart, readTheme } from './charts';

/** What the page around the report can do. */
export interface RenderHost {
  /** Opens a reported file (the webview asks the extension); without it paths are plain text. */
  readonly openFile?: (path: string) => void;
  /** Finds an identifier's occurrences in the workspace (the webview asks the extension); without
   *  it identifiers are plain text. */
  readonly findIdentifier?: (name: string) => void;
}

/** The charts drawn into each container, destroyed before the container is drawn again. */
const drawn = new WeakMap<HTMLElement, { destroy(): void }[]>();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function section(id: string, title: string): HTMLElement {
  const s = el('section');
  s.id = id;
  s.appendChild(el('h2', title));
  return s;
}

/** Replaces the content of `root` with the report. */
export function renderReport(root: HTMLElement, report: ReportJson, host: RenderHost = {}): void {
  for (const c of drawn.get(root) ?? []) c.destroy();
  const view = reportView(report);
  root.replaceChildren();

  root.appendChild(el('p', view.meta, 'meta'));
  if (view.coverage) {
    const banner = el('p', view.coverage, 'coverage');
    banner.id = 'coverage';
    banner.setAttribute('role', 'note');
    root.appendChild(banner);
  }

  const totals = el('section');
  totals.id = 'totals';
  for (const card of view.cards) {
    const c = el('div', undefined, 'card');
    const value = el('div', undefined, 'value');
    // Each part is unbreakable (CSS); the line may wrap only between parts.
    for (const part of card.value) value.appendChild(el('span', part));
    c.append(value, el('div', card.label, 'label'));
    totals.appendChild(c);
  }
  root.appendChild(totals);

  const charts = el('section');
  charts.id = 'charts';
  root.appendChild(charts);
  const canvases: [HTMLCanvasElement, ChartView][] = [];
  for (const chart of view.charts) {
    const figure = el('figure', undefined, 'chart');
    if (chart.empty) {
      figure.classList.add('empty');
      figure.appendChild(el('figcaption', chart.title));
    } else {
      const frame = el('div', undefined, 'chart-frame');
      const canvas = el('canvas');
      canvas.id = chart.id;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', chart.title);
      frame.appendChild(canvas);
      figure.appendChild(frame);
      canvases.push([canvas, chart]);
    }
    if (chart.note) figure.appendChild(el('p', chart.note, 'note'));
    charts.appendChild(figure);
  }

  for (const table of view.tables) root.appendChild(tableSection(table, host));

  const notes = section('notes', 'Notes');
  const list = el('ul');
  list.id = 'note-list';
  for (const n of view.notes) list.appendChild(el('li', n));
  notes.appendChild(list);
  root.appendChild(notes);

  // Charts last: they measure their (now attached) containers.
  const theme = readTheme(getComputedStyle(root));
  drawn.set(root, canvases.map(([canvas, chart]) => drawChart(canvas, chart, theme, chartClick(chart, host))));
}

/** What a click on a chart's bar does, when the page can do it (the webview, not the export). */
function chartClick(chart: ChartView, host: RenderHost): ((index: number) => void) | undefined {
  const targets = chart.clickTargets;
  const act = targets?.kind === 'file' ? host.openFile : targets?.kind === 'identifier' ? host.findIdentifier : undefined;
  if (!targets || !act) return undefined;
  return (index) => {
    const value = targets.values[index];
    if (value !== undefined) act(value);
  };
}

const SECTION_OF_TABLE: Record<TableView['id'], string> = {
  'language-table': 'languages', 'identifier-table': 'identifiers', 'file-table': 'files', 'skipped-table': 'skipped',
  'sample-table': 'samples', 'top-sample-table': 'top-samples',
};

function tableSection(view: TableView, host: RenderHost): HTMLElement {
  const s = section(SECTION_OF_TABLE[view.id], view.title);
  if (view.rows.length === 0) {
    s.appendChild(el('p', 'None.', 'note'));
    return s;
  }
  if (view.note) s.appendChild(el('p', view.note, 'note'));
  const wrap = el('div', undefined, 'table-wrap');
  const table = el('table');
  table.id = view.id;
  wrap.appendChild(table);
  s.appendChild(wrap);

  const head = el('tr');
  const body = el('tbody');
  let rows = [...view.rows];
  let sortedBy = -1;
  let descending = true;
  const fill = () => {
    body.replaceChildren(...rows.map((r) => rowElement(r, view, host)));
    if (view.footer) body.appendChild(rowElement(view.footer, view, host, 'total'));
  };
  view.columns.forEach((col, i) => {
    const th = el('th');
    if (col.numeric) th.className = 'num';
    const button = el('button', col.label, 'sort');
    button.type = 'button';
    button.title = `Sort by ${col.label}`;
    button.addEventListener('click', () => {
      // Numbers sort largest first on the first click, text A to Z; a second click reverses.
      descending = sortedBy === i ? !descending : col.numeric;
      sortedBy = i;
      rows = [...view.rows].sort((a, b) => compare(a[i]!, b[i]!) * (descending ? -1 : 1));
      for (const other of Array.from(head.children)) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      fill();
    });
    th.appendChild(button);
    head.appendChild(th);
  });
  const thead = el('thead');
  thead.appendChild(head);
  table.append(thead, body);
  fill();
  return s;
}

function compare(a: Cell, b: Cell): number {
  if (typeof a.sortKey === 'number' && typeof b.sortKey === 'number') return a.sortKey - b.sortKey;
  return String(a.sortKey).localeCompare(String(b.sortKey));
}

function rowElement(cells: readonly Cell[], view: TableView, host: RenderHost, cls?: string): HTMLTableRowElement {
  const tr = el('tr', undefined, cls);
  cells.forEach((cell, i) => {
    const td = el('td', undefined, view.columns[i]?.numeric ? 'num' : undefined);
    const action = cell.link !== undefined && host.openFile ? { run: host.openFile, arg: cell.link, cls: 'file-link', title: `Open ${cell.link}` }
      : cell.find !== undefined && host.findIdentifier ? { run: host.findIdentifier, arg: cell.find, cls: 'find-link', title: `Find the occurrences of ${cell.find} in the workspace` }
      : undefined;
    if (action) {
      const a = el('a', cell.text, action.cls);
      a.href = '#';
      a.title = action.title;
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        action.run(action.arg);
      });
      td.appendChild(a);
    } else {
      td.textContent = cell.text;
    }
    tr.appendChild(td);
  });
  return tr;
}
