// The shape of what the Compare Strategies and Sweep Merge Layer views show (built by
// compare-view-model.ts in the extension host, drawn by src/webview/compare-render.ts). Types only,
// with no Node import, so the webview bundle type-checks as browser code against them.
import type { Cell, ColumnView } from '../report/view-model';

export type StrategyName = 'average' | 'learned';

/** A header line: `value` is split where a line may break; each part stays on one line. */
export interface CompareFact {
  readonly label: string;
  readonly value: readonly string[];
}

/** A column: a short label (the panel sits beside the editor) and what it means in full (a tooltip). */
export interface CompareColumn extends ColumnView {
  readonly hint?: string;
}

export interface CompareTable {
  /** DOM id of the table; the end-to-end tests find it by this. */
  readonly id: 'strategy-table' | 'timing-table' | 'sweep-table';
  readonly title: string;
  readonly columns: readonly CompareColumn[];
  readonly rows: readonly (readonly Cell[])[];
}

export interface ChartSeries {
  readonly label: string;
  /** null where the figure does not exist (no whole-model profile, a cosine that is NaN). */
  readonly data: readonly (number | null)[];
  /** Left axis: percent saved; right axis: cosine. */
  readonly axis: 'percent' | 'cosine';
}

/** The sweep's trade-off curve: x = merge layer K. */
export interface SweepChart {
  readonly id: 'sweep-chart';
  readonly title: string;
  readonly labels: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly percentAxis: string;
  readonly cosineAxis: string;
}

export interface CompareView {
  readonly kind: 'strategies' | 'sweep';
  readonly title: string;
  /** The file (and selection) the numbers are about. */
  readonly subject: string;
  readonly facts: readonly CompareFact[];
  /** Set for random-weight models: shown as a banner above the tables. */
  readonly randomWeights?: string;
  /** Narrow enough for a panel beside the editor: the comparison's drift and timing are two tables. */
  readonly tables: readonly CompareTable[];
  readonly chart?: SweepChart;
  readonly notes: readonly string[];
}
