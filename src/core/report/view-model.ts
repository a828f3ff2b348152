// What a rendered report shows, computed from the ReportJson alone: the cards, the charts' data, the
// tables and the notes, with every figure already formatted. The one DOM renderer
// (src/webview/report-view.ts) draws this for both the VS Code webview and the self-contained HTML
// export, so the two cannot show different figures. Pure and DOM-free: it runs in node tests and
// in the browser bundle alike (only type imports and pure modules).
import type { ReportJson, Totals } from './schema';
import { describeShards } from './shard-set';
import { flops, int, pct } from './format/numbers';
import { profileLabel } from './profile-label';
import { spellingText } from './spelling-text';
import { sampleTables } from './samples-view';

/** A headline figure. `value` is split where a line may break: each part stays on one line, so
 *  "9.41 TFLOP → 8.54 TFLOP" wraps, if at all, before the arrow and never inside a number. */
export interface CardView {
  readonly label: string;
  readonly value: readonly string[];
}

/** One table cell: what it shows and what it sorts by. `link` marks a reported file's path (the
 *  webview opens it; the export shows it as text). */
export interface Cell {
  readonly text: string;
  readonly sortKey: number | string;
  readonly link?: string;
  /** An identifier's name: a click finds its occurrences in the workspace (the webview asks the
   *  extension; the export shows it as text). */
  readonly find?: string;
}

export interface ColumnView {
  readonly label: string;
  /** Right-aligned, never wrapped, sorted largest first on the first click. */
  readonly numeric: boolean;
}

export interface TableView {
  /** DOM id of the table; stable, the end-to-end tests find tables by it. */
  readonly id: 'language-table' | 'identifier-table' | 'file-table' | 'skipped-table' | 'sample-table' | 'top-sample-table';
  readonly title: string;
  readonly columns: readonly ColumnView[];
  readonly rows: readonly (readonly Cell[])[];
  /** A row kept last whatever the sort (the TOTAL of the language table). */
  readonly footer?: readonly Cell[];
  /** What the table leaves out, when it does. */
  readonly note?: string;
}

export interface DatasetView {
  readonly label: string;
  readonly data: readonly number[];
}

export interface ChartView {
  /** DOM id of the chart's canvas. */
  readonly id: 'histogram' | 'language-chart' | 'identifier-chart' | 'file-chart' | 'categories';
  readonly title: string;
  readonly kind: 'bar' | 'doughnut';
  /** Bars along the x axis (labels on the y axis), for long labels such as identifiers. */
  readonly horizontal: boolean;
  readonly labels: readonly string[];
  readonly datasets: readonly DatasetView[];
  /** Axis titles: the category axis and the value axis. */
  readonly categoryAxis?: string;
  readonly valueAxis?: string;
  /** Shown under the chart: what it leaves out, or why it is empty. */
  readonly note?: string;
  /** Nothing to draw: the renderer shows `note` instead of an empty chart. */
  readonly empty: boolean;
  /** `log`: a logarithmic value axis, so bars of 5 and of 20,000 both show (zero bars are left out). */
  readonly valueScale?: 'linear' | 'log';
  /** Write each bar's value at its end (on a log axis the height alone is hard to read). */
  readonly valueLabels?: boolean;
  /** Bars (by label index) drawn in the muted colour: shown for scale, not what the chart is about. */
  readonly dimmed?: readonly number[];
  /** The datasets stack into one bar per label (their sum is the bar's length). */
  readonly stacked?: boolean;
  /** What a click on a label's bar does: open the file, or find the identifier's occurrences;
   *  `values` holds one path or name per label (labels may be shortened for display). */
  readonly clickTargets?: { readonly kind: 'file' | 'identifier'; readonly values: readonly string[] };
}

export interface ReportView {
  readonly title: string;
  /** Tokenizer, model, scope, spans, window: how the numbers were made. */
  readonly meta: string;
  /** Set when the report covers part of the tree (one shard, or a partial combine). */
  readonly coverage?: string;
  readonly cards: readonly CardView[];
  readonly charts: readonly ChartView[];
  readonly tables: readonly TableView[];
  readonly notes: readonly string[];
}

/** Longest table shown; longer lists are cut, and the table says so. */
export const TABLE_ROW_LIMIT = 500;
/** Bars in the top-identifiers chart. */
export const CHART_TOP_IDENTIFIERS = 15;
/** Bars in the per-file chart. */
export const CHART_TOP_FILES = 15;

export function reportView(r: ReportJson): ReportView {
  return {
    title: `Subtoken Lens report: ${r.root}`,
    meta: metaLine(r),
    ...coverage(r),
    cards: cards(r),
    charts: [histogramChart(r.totals), languageChart(r), identifierChart(r), fileChart(r), categoryChart(r.totals)],
    tables: [languageTable(r), ...sampleTables(r, TABLE_ROW_LIMIT), identifierTable(r), fileTable(r), skippedTable(r)],
    notes: [...r.notes],
  };
}

function metaLine(r: ReportJson): string {
  return [
    `Tokenizer ${r.tokenizer}`,
    `FLOPs for ${r.model.label} (analytic estimate)`,
    `scope ${r.scope}`,
    `spans ${r.spanEngine}`,
    `${r.window.capacity + r.window.specials}-token windows`,
    ...(r.shard ? [`shard ${r.shard.index + 1}/${r.shard.count}`] : []),
  ].join(' · ');
}

function coverage(r: ReportJson): { coverage?: string } {
  if (r.shards) {
    return { coverage: `Partial report: it holds ${describeShards(r.shards)}. The files of the missing shards are in no figure below.` };
  }
  if (r.shard && r.shard.count > 1) {
    return { coverage: `One shard: this report covers ${describeShards({ count: r.shard.count, indexes: [r.shard.index] })} of the tree; combine the shards for the whole.` };
  }
  return {};
}

const share = (part: number, whole: number) => pct((100 * part) / Math.max(1, whole));

function cards(r: ReportJson): CardView[] {
  const t = r.totals;
  const windowSize = r.window.capacity + r.window.specials;
  return [
    { label: 'Files', value: [int(t.files)] },
    { label: 'Identifier occurrences', value: [int(t.identifiers)] },
    { label: 'Split into 2+ subtokens', value: [int(t.splitIdentifiers), `(${share(t.splitIdentifiers, t.identifiers)})`] },
    { label: 'Subtokens → merged', value: [int(t.tokens), `→ ${int(t.merged)}`] },
    { label: 'Sequence reduction', value: [pct(t.reductionPct)] },
    { label: 'Encoder FLOPs (est.)', value: [flops(t.flopsBefore), `→ ${flops(t.flopsAfter)}`] },
    { label: 'Encoder FLOPs saved (est.)', value: [pct(t.flopSavingPct)] },
    // The whole model's saving beside the encoder's: for CodeT5 the decoder runs too and merging barely touches it.
    ...(r.profile && t.modelFlopSavingPct !== undefined
      ? [{ label: `Whole-model FLOPs saved (est., ${profileLabel(r.profile)})`, value: [pct(t.modelFlopSavingPct)] }]
      : []),
    { label: `${windowSize}-token windows`, value: [int(t.windowsBefore.count), `→ ${int(t.windowsAfter.count)}`] },
    { label: 'Context gain per window', value: [`+${pct(t.contextGainPct)}`] },
  ];
}

/**
 * Occurrences by number of subtokens, from 1 up to the last non-empty bucket, on a log axis: the
 * one-subtoken bar (most of any code base, 20,000 against a tail of tens) would otherwise flatten
 * every other one. It is drawn muted and annotated, because merging leaves those occurrences as
 * they are; every bar carries its count.
 */
function histogramChart(t: Totals): ChartView {
  const h = t.histogram;
  const last = h.length - 1;
  let end = last;
  while (end >= 1 && (h[end] ?? 0) === 0) end--;
  const labels: string[] = [];
  const data: number[] = [];
  for (let k = 1; k <= end; k++) {
    labels.push(k === last ? `${k}+` : String(k));
    data.push(h[k] ?? 0);
  }
  const single = h[1] ?? 0;
  const empty = data.every((n) => n === 0);
  return {
    id: 'histogram', title: 'Identifier occurrences by subtokens (log scale)', kind: 'bar', horizontal: false,
    labels, datasets: [{ label: 'identifier occurrences', data }],
    categoryAxis: 'subtokens per occurrence', valueAxis: 'occurrences (log scale)',
    valueScale: 'log', valueLabels: true, ...(single > 0 ? { dimmed: [0] } : {}),
    note: empty
      ? 'No identifier occurrence was found.'
      : `Each gridline is 10× the one below. The muted bar: ${int(single)} occurrences (${share(single, t.identifiers)}) are one subtoken already, so merging does not change them; ${int(t.splitIdentifiers)} (${share(t.splitIdentifiers, t.identifiers)}) are split into 2 or more.`,
    empty,
  };
}

/** Languages, most subtokens first (the order of the language table). */
function languagesBySize(r: ReportJson): [string, Totals][] {
  return Object.entries(r.languages).sort((a, b) => b[1].tokens - a[1].tokens || (a[0] < b[0] ? -1 : 1));
}

function languageChart(r: ReportJson): ChartView {
  const langs = languagesBySize(r);
  return {
    id: 'language-chart', title: 'Saving by language', kind: 'bar', horizontal: false,
    labels: langs.map(([name]) => name),
    datasets: [
      { label: 'sequence reduction %', data: langs.map(([, t]) => round1(t.reductionPct)) },
      { label: 'encoder FLOP saving % (est.)', data: langs.map(([, t]) => round1(t.flopSavingPct)) },
    ],
    valueAxis: '%',
    empty: langs.length === 0,
    ...(langs.length === 0 ? { note: 'No file was analysed.' } : {}),
  };
}

function identifierChart(r: ReportJson): ChartView {
  const top = r.topIdentifiers.slice(0, CHART_TOP_IDENTIFIERS);
  return {
    id: 'identifier-chart', title: `Top ${top.length} identifiers by tokens saved`, kind: 'bar', horizontal: true,
    // A long name is cut at its end (the tooltip names it whole): the axis keeps its room.
    labels: top.map((t) => (t.name.length <= 32 ? t.name : `${t.name.slice(0, 31)}…`)),
    datasets: [{ label: 'tokens saved', data: top.map((t) => t.saved) }],
    valueAxis: 'tokens saved',
    clickTargets: { kind: 'identifier', values: top.map((t) => t.name) },
    empty: top.length === 0,
    ...(top.length === 0 ? { note: 'No identifier is shortened by merging.' } : {}),
  };
}

/** A path cut from the left to `max` characters: the file name is what tells files apart. */
function shortPath(path: string, max = 36): string {
  return path.length <= max ? path : `…${path.slice(path.length - max + 1)}`;
}

/** The files merging shortens most: one bar per file, its subtokens before merging, split into
 *  what is left after merging and the positions saved. A click opens the file. */
function fileChart(r: ReportJson): ChartView {
  const top = filesBySaving(r).filter((f) => f.tokens > f.merged).slice(0, CHART_TOP_FILES);
  return {
    id: 'file-chart', title: `Top ${top.length} files by positions saved`, kind: 'bar', horizontal: true, stacked: true,
    labels: top.map((f) => shortPath(f.path)),
    datasets: [
      { label: 'subtokens after merging', data: top.map((f) => f.merged) },
      { label: 'positions saved', data: top.map((f) => f.tokens - f.merged) },
    ],
    valueAxis: 'subtokens (bar: before merging)',
    clickTargets: { kind: 'file', values: top.map((f) => f.path) },
    empty: top.length === 0,
    ...(top.length === 0 ? { note: 'No file is shortened by merging.' } : {}),
  };
}

function categoryChart(t: Totals): ChartView {
  const cats = Object.entries(t.categories).filter(([, n]) => n > 0);
  return {
    id: 'categories', title: 'Subtokens by syntax category', kind: 'doughnut', horizontal: false,
    labels: cats.map(([c]) => c),
    datasets: [{ label: 'subtokens', data: cats.map(([, n]) => n) }],
    empty: cats.length === 0,
    ...(cats.length === 0 ? { note: 'No subtokens.' } : {}),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const num = (n: number, text = int(n)): Cell => ({ text, sortKey: n });
const str = (s: string): Cell => ({ text: s, sortKey: s });
const numeric = (label: string): ColumnView => ({ label, numeric: true });
const textual = (label: string): ColumnView => ({ label, numeric: false });

/** A cut list's note, or nothing when it is whole. */
function limitNote(shown: number, total: number, what: string): { note?: string } {
  return total > shown ? { note: `${what} ${int(shown)} of ${int(total)}.` } : {};
}

function languageTable(r: ReportJson): TableView {
  const row = (name: string, t: Totals): Cell[] => [
    str(name), num(t.files), num(t.identifiers), num(t.splitIdentifiers), num(t.tokens), num(t.merged),
    num(t.reductionPct, pct(t.reductionPct)), num(t.flopsBefore, flops(t.flopsBefore)), num(t.flopsAfter, flops(t.flopsAfter)),
    num(t.flopSavingPct, pct(t.flopSavingPct)),
  ];
  return {
    id: 'language-table', title: 'By language',
    columns: [textual('language'), ...['files', 'identifiers', 'split 2+', 'subtokens', 'merged', 'reduction', 'FLOPs before', 'FLOPs after', 'FLOP saving'].map(numeric)],
    rows: languagesBySize(r).map(([name, t]) => row(name, t)),
    footer: row('TOTAL', r.totals),
  };
}

function identifierTable(r: ReportJson): TableView {
  const top = r.topIdentifiers.slice(0, TABLE_ROW_LIMIT);
  return {
    id: 'identifier-table', title: 'Identifiers that merging shortens most',
    columns: [textual('identifier'), textual('subtokens'), numeric('occurrences'), numeric('tokens saved')],
    rows: top.map((t) => [{ ...str(t.name), find: t.name }, str(spellingText(t)), num(t.occurrences), num(t.saved)]),
    ...limitNote(top.length, r.topIdentifiers.length, 'The first'),
  };
}

/** The files that merging shortens most (by positions saved), then by path. */
function filesBySaving(r: ReportJson): ReportJson['files'] {
  const saved = (f: { tokens: number; merged: number }) => f.tokens - f.merged;
  return [...r.files].sort((a, b) => saved(b) - saved(a) || (a.path < b.path ? -1 : 1));
}

function fileTable(r: ReportJson): TableView {
  const files = filesBySaving(r).slice(0, TABLE_ROW_LIMIT);
  return {
    id: 'file-table', title: 'Files',
    columns: [textual('file'), textual('language'), textual('status'), numeric('subtokens'), numeric('merged'), numeric('reduction'), numeric('FLOP saving')],
    rows: files.map((f) => [
      { text: f.path, sortKey: f.path, link: f.path }, str(f.language), str(f.status), num(f.tokens), num(f.merged),
      num(f.reductionPct, pct(f.reductionPct)), num(f.flopSavingPct, pct(f.flopSavingPct)),
    ]),
    ...limitNote(files.length, r.files.length, 'The files with the most tokens saved:'),
  };
}

function skippedTable(r: ReportJson): TableView {
  const skipped = r.skipped.slice(0, TABLE_ROW_LIMIT);
  return {
    id: 'skipped-table', title: 'Skipped',
    columns: [textual('path'), textual('reason'), textual('detail')],
    rows: skipped.map((s) => [str(s.path), str(s.reason), str(s.detail ?? '')]),
    ...limitNote(skipped.length, r.skipped.length, 'The first'),
  };
}
