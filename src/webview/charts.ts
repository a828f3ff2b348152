// Chart.js configurations for the report's ChartViews. Chart.js is bundled into the renderer
// (only the bar and doughnut parts), so the webview and the HTML export load one script and
// nothing remote.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, LogarithmicScale, Title, Tooltip,
  type ChartConfiguration, type Plugin,
} from 'chart.js';
import { int } from '../core/report/format/numbers';
import type { ChartView } from '../core/report/view-model';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, DoughnutController, ArcElement, Legend, Title, Tooltip);

/** Colours read from the page's CSS variables (VS Code's theme in the webview, the light or dark
 *  palette in the export). */
export interface ChartTheme {
  readonly foreground: string;
  readonly grid: string;
  /** One colour per dataset of a bar chart, and per slice of a doughnut. */
  readonly series: readonly string[];
  /** Bars a chart draws for scale only (ChartView.dimmed); the last series colour without it. */
  readonly muted?: string;
}

export function readTheme(style: CSSStyleDeclaration): ChartTheme {
  const v = (name: string) => style.getPropertyValue(name).trim();
  const series = [1, 2, 3, 4, 5, 6, 7].map((i) => v(`--series-${i}`)).filter((c) => c !== '');
  return {
    foreground: v('--fg') || '#888', grid: v('--line') || 'rgba(128,128,128,0.3)', series: series.length ? series : ['#3794ff'],
    muted: v('--muted-bar') || v('--muted') || undefined,
  };
}

/** True for 1, 10, 100, …: the only labelled gridlines of a log axis. */
function isPowerOfTen(n: number): boolean {
  if (!(n > 0)) return false;
  const e = Math.round(Math.log10(n));
  return Math.abs(n - 10 ** e) < 1e-9 * n;
}

/** Writes each bar's value just past its end (ChartView.valueLabels), in the theme's colour. */
function valueLabels(colour: string): Plugin<'bar'> {
  return {
    id: 'subtokenLensValueLabels',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = colour;
      ctx.font = '11px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      chart.data.datasets.forEach((dataset, i) => {
        chart.getDatasetMeta(i).data.forEach((bar, j) => {
          const value = dataset.data[j];
          if (typeof value !== 'number') return;
          const { x, y } = bar.getProps(['x', 'y'], true) as { x: number; y: number };
          ctx.fillText(int(value), x, y - 2);
        });
      });
      ctx.restore();
    },
  };
}

function configFor(view: ChartView, theme: ChartTheme, onClick?: (index: number) => void): ChartConfiguration<'bar' | 'doughnut'> {
  const colour = (i: number) => theme.series[i % theme.series.length]!;
  const title = { display: true, text: view.title, color: theme.foreground, font: { size: 14 } };
  if (view.kind === 'doughnut') {
    return {
      type: 'doughnut',
      data: {
        labels: [...view.labels],
        datasets: view.datasets.map((d) => ({ label: d.label, data: [...d.data], backgroundColor: view.labels.map((_, i) => colour(i)), borderColor: theme.grid })),
      },
      options: {
        animation: false, maintainAspectRatio: false,
        plugins: { title, legend: { position: 'right', labels: { color: theme.foreground } } },
      },
    };
  }
  const log = view.valueScale === 'log';
  const stacked = view.stacked === true;
  const categoryAxis = {
    stacked,
    ticks: { color: theme.foreground, autoSkip: false },
    grid: { color: theme.grid, display: false },
    title: { display: !!view.categoryAxis, text: view.categoryAxis ?? '', color: theme.foreground },
  };
  const valueAxis = log
    ? {
      type: 'logarithmic' as const,
      // Counts are whole numbers: the axis starts at 1, and a bar of 1 still shows (minBarLength).
      // It ends at the power of ten above the tallest bar, leaving room for that bar's label.
      min: 1,
      max: 10 ** Math.ceil(Math.log10(Math.max(10, ...view.datasets.flatMap((d) => d.data)))),
      // Only powers of ten are labelled; a null label hides that gridline too.
      ticks: { color: theme.foreground, callback: (v: string | number) => (isPowerOfTen(Number(v)) ? int(Number(v)) : null) },
      grid: { color: theme.grid },
      title: { display: !!view.valueAxis, text: view.valueAxis ?? '', color: theme.foreground },
    }
    : {
      stacked,
      beginAtZero: true,
      ticks: { color: theme.foreground },
      grid: { color: theme.grid },
      title: { display: !!view.valueAxis, text: view.valueAxis ?? '', color: theme.foreground },
    };
  const dimmed = new Set(view.dimmed ?? []);
  const muted = theme.muted ?? theme.series[theme.series.length - 1]!;
  const targets = view.clickTargets;
  return {
    type: 'bar',
    data: {
      labels: [...view.labels],
      datasets: view.datasets.map((d, i) => ({
        label: d.label,
        // A log axis has no place for 0: an empty bucket draws no bar (its label still says 0).
        data: d.data.map((n) => (log && n <= 0 ? null : n)),
        backgroundColor: dimmed.size ? view.labels.map((_, j) => (dimmed.has(j) ? muted : colour(i))) : colour(i),
        // The tail of a histogram is tiny next to its head: every non-empty bar stays visible.
        minBarLength: log ? 4 : 0,
      })),
    },
    ...(view.valueLabels ? { plugins: [valueLabels(theme.foreground) as Plugin<'bar' | 'doughnut'>] } : {}),
    options: {
      animation: false, maintainAspectRatio: false,
      indexAxis: view.horizontal ? 'y' : 'x',
      layout: { padding: { top: view.valueLabels ? 18 : 0 } },
      plugins: {
        title,
        legend: { display: view.datasets.length > 1, labels: { color: theme.foreground } },
        tooltip: targets ? {
          callbacks: {
            // Labels may be shortened; the tooltip names the whole path or identifier.
            title: (items) => targets.values[items[0]?.dataIndex ?? -1] ?? '',
            footer: () => (onClick ? (targets.kind === 'file' ? 'Click to open the file' : 'Click to find its occurrences') : ''),
          },
        } : {},
      },
      scales: view.horizontal ? { y: categoryAxis, x: valueAxis } : { x: categoryAxis, y: valueAxis },
      ...(onClick && targets ? {
        onClick: (_event, elements) => {
          const hit = elements[0];
          if (hit) onClick(hit.index);
        },
        onHover: (event, elements) => {
          const target = event.native?.target as HTMLElement | undefined;
          if (target) target.style.cursor = elements.length ? 'pointer' : 'default';
        },
      } : {}),
    },
  } as ChartConfiguration<'bar' | 'doughnut'>;
}

/**
 * Draws `view` on `canvas`; the caller destroys the chart before drawing the next report.
 * `onClick` receives the index of a clicked bar (charts with clickTargets). The canvas records
 * each bar's drawn length in pixels (data-bar-px) and its value scale (data-value-scale): what a
 * test, or a person in the developer tools, reads to see that no bar is flattened to nothing.
 */
export function drawChart(canvas: HTMLCanvasElement, view: ChartView, theme: ChartTheme, onClick?: (index: number) => void): Chart<'bar' | 'doughnut'> {
  const chart = new Chart(canvas, configFor(view, theme, onClick));
  if (view.kind === 'bar') {
    canvas.dataset.valueScale = view.valueScale ?? 'linear';
    canvas.dataset.barPx = chart.getDatasetMeta(0).data.map((bar) => {
      const { x, y, base } = bar.getProps(['x', 'y', 'base'], true) as { x: number; y: number; base: number };
      const px = Math.abs((view.horizontal ? x : y) - base);
      return Number.isFinite(px) ? Math.round(px) : 0; // an empty bucket on a log axis has no bar
    }).join(',');
  }
  return chart;
}
