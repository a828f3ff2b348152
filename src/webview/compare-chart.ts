// The layer sweep's line chart (x = merge layer K): FLOPs saved on the left axis, the pooled cosine
// on the right one. Chart.js's line parts are registered here, in the compare bundle only; colours
// come from the page's CSS variables through the report's readTheme.
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip, type ChartConfiguration } from 'chart.js';
import type { SweepChart } from '../core/runtime/compare-view-types';
import type { ChartTheme } from './charts';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Title, Tooltip);

export function sweepChartConfig(view: SweepChart, theme: ChartTheme): ChartConfiguration<'line'> {
  const colour = (i: number) => theme.series[i % theme.series.length]!;
  const axis = (text: string, position: 'left' | 'right', grid: boolean) => ({
    type: 'linear' as const, position,
    ticks: { color: theme.foreground },
    grid: { color: theme.grid, display: grid },
    title: { display: true, text, color: theme.foreground },
  });
  return {
    type: 'line',
    data: {
      labels: [...view.labels],
      datasets: view.series.map((s, i) => ({
        label: s.label, data: [...s.data], yAxisID: s.axis, borderColor: colour(i), backgroundColor: colour(i),
        // The cosine is dashed, so the two kinds of line differ in more than colour.
        borderDash: s.axis === 'cosine' ? [6, 4] : [], pointRadius: 4, tension: 0, spanGaps: false,
      })),
    },
    options: {
      animation: false, maintainAspectRatio: false,
      plugins: {
        title: { display: true, text: view.title, color: theme.foreground, font: { size: 14 } },
        legend: { labels: { color: theme.foreground } },
      },
      scales: {
        x: { ticks: { color: theme.foreground }, grid: { color: theme.grid, display: false }, title: { display: true, text: 'merge layer K', color: theme.foreground } },
        percent: { ...axis(view.percentAxis, 'left', true), beginAtZero: true },
        cosine: axis(view.cosineAxis, 'right', false),
      },
    },
  };
}

export function drawSweepChart(canvas: HTMLCanvasElement, view: SweepChart, theme: ChartTheme): Chart<'line'> {
  return new Chart(canvas, sweepChartConfig(view, theme));
}
