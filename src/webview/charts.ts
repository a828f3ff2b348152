// Chart.js configurations for the report's ChartViews. Chart.js is bundled into the renderer
// (only the bar and doughnut parts), so the webview and the HTML export load one script and
// nothing remote.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Title, Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import type { ChartView } from '../core/report/view-model';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, DoughnutController, ArcElement, Legend, Title, Tooltip);

/** Colours read from the page's CSS variables (VS Code's theme in the webview, the light or dark
 *  palette in the export). */
export interface ChartTheme {
  readonly foreground: string;
  readonly grid: string;
  /** One colour per dataset of a bar chart, and per slice of a doughnut. */
  readonly series: readonly string[];
}

export function readTheme(style: CSSStyleDeclaration): ChartTheme {
  const v = (name: string) => style.getPropertyValue(name).trim();
  const series = [1, 2, 3, 4, 5, 6, 7].map((i) => v(`--series-${i}`)).filter((c) => c !== '');
  return { foreground: v('--fg') || '#888', grid: v('--line') || 'rgba(128,128,128,0.3)', series: series.length ? series : ['#3794ff'] };
}

function configFor(view: ChartView, theme: ChartTheme): ChartConfiguration<'bar' | 'doughnut'> {
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
  const categoryAxis = {
    ticks: { color: theme.foreground, autoSkip: false },
    grid: { color: theme.grid, display: false },
    title: { display: !!view.categoryAxis, text: view.categoryAxis ?? '', color: theme.foreground },
  };
  const valueAxis = {
    beginAtZero: true,
    ticks: { color: theme.foreground },
    grid: { color: theme.grid },
    title: { display: !!view.valueAxis, text: view.valueAxis ?? '', color: theme.foreground },
  };
  return {
    type: 'bar',
    data: {
      labels: [...view.labels],
      datasets: view.datasets.map((d, i) => ({ label: d.label, data: [...d.data], backgroundColor: colour(i) })),
    },
    options: {
      animation: false, maintainAspectRatio: false,
      indexAxis: view.horizontal ? 'y' : 'x',
      plugins: {
        title,
        legend: { display: view.datasets.length > 1, labels: { color: theme.foreground } },
      },
      scales: view.horizontal ? { y: categoryAxis, x: valueAxis } : { x: categoryAxis, y: valueAxis },
    },
  };
}

/** Draws `view` on `canvas`; the caller destroys the chart before drawing the next report. */
export function drawChart(canvas: HTMLCanvasElement, view: ChartView, theme: ChartTheme): Chart<'bar' | 'doughnut'> {
  return new Chart(canvas, configFor(view, theme));
}
