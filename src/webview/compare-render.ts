// Draws a CompareView (core/runtime/compare-view-model.ts) into a container: header facts, the
// random-weights banner, the sweep's chart, the table and the notes. Like the report's renderer
// (render.ts) every text goes in through textContent and listeners are attached here, so a strict
// CSP holds and no file name is parsed as HTML; the table and card styles are the report's.
import type { CompareTable, CompareView } from '../core/runtime/compare-view-types';
import { readTheme } from './charts';
import { drawSweepChart } from './compare-chart';

const drawn = new WeakMap<HTMLElement, { destroy(): void }>();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

/** Replaces the content of `root` with the view. */
export function renderCompare(root: HTMLElement, view: CompareView): void {
  drawn.get(root)?.destroy();
  drawn.delete(root);
  root.replaceChildren();
  root.dataset.kind = view.kind;

  const heading = el('h2', view.title, 'view-title');
  heading.appendChild(el('span', view.subject, 'subject'));
  root.appendChild(heading);
  if (view.randomWeights) {
    const banner = el('p', view.randomWeights, 'coverage random-weights');
    banner.id = 'random-weights';
    banner.setAttribute('role', 'note');
    root.appendChild(banner);
  }

  const facts = el('dl', undefined, 'facts');
  facts.id = 'facts';
  for (const f of view.facts) {
    const value = el('dd');
    // Each part is unbreakable (CSS); the line may wrap only between parts.
    for (const part of f.value) value.appendChild(el('span', part));
    facts.append(el('dt', f.label), value);
  }
  root.appendChild(facts);

  let canvas: HTMLCanvasElement | undefined;
  if (view.chart) {
    const figure = el('figure', undefined, 'chart');
    const frame = el('div', undefined, 'chart-frame');
    canvas = el('canvas');
    canvas.id = view.chart.id;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', view.chart.title);
    frame.appendChild(canvas);
    figure.appendChild(frame);
    root.appendChild(figure);
  }

  for (const table of view.tables) root.appendChild(tableSection(table));

  const list = el('ul');
  list.id = 'compare-notes';
  for (const n of view.notes) list.appendChild(el('li', n));
  root.appendChild(list);

  // The chart last: it measures its (now attached) container.
  if (canvas && view.chart) drawn.set(root, drawSweepChart(canvas, view.chart, readTheme(getComputedStyle(root))));
}

function tableSection(view: CompareTable): HTMLElement {
  const s = el('section');
  s.appendChild(el('h3', view.title));
  const wrap = el('div', undefined, 'table-wrap');
  const table = el('table', undefined, 'compare-table');
  table.id = view.id;
  const head = el('tr');
  for (const col of view.columns) {
    const th = el('th', col.label, col.numeric ? 'num' : undefined);
    if (col.hint) th.title = col.hint;
    head.appendChild(th);
  }
  const thead = el('thead');
  thead.appendChild(head);
  const body = el('tbody');
  for (const row of view.rows) {
    const tr = el('tr');
    row.forEach((cell, i) => {
      const td = el('td', cell.text, view.columns[i]?.numeric ? 'num' : undefined);
      if (cell.text === 'within noise') td.classList.add('within-noise');
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }
  table.append(thead, body);
  wrap.appendChild(table);
  s.appendChild(wrap);
  return s;
}
