// What the editor's "Compare Strategies" and "Sweep Merge Layer" views show, computed from analysis
// results alone: the header facts, the tables, the sweep's chart data and the notes, every figure
// already formatted. The webview (src/webview/compare-view.ts) only draws this, so the numbers are
// tested here in node. Plain JSON: the extension computes it and posts it to the webview.
//
// Both views take their drift figures from layer-sweep.ts's `sweepRow` (mean pooled cosine over
// windows, lowest untouched-token cosine, mean merged-group cosine, rel L2), so a strategy's row
// in the comparison and the K = its merge layer row of the sweep read the same.
import type { Cell } from '../report/view-model';
import { flops as formatFlops, int, ms as formatMs } from '../report/format/numbers';
import { profileLabel } from '../report/profile-label';
import type { AnalysisResult } from './analysis';
import { type LayerSweepDrift, sweepRow } from './layer-sweep';
import type { SpeedupInterval } from './speedup-interval';
import type { ChartSeries, CompareColumn, CompareFact, CompareView, StrategyName } from './compare-view-types';

export type { ChartSeries, CompareColumn, CompareFact, CompareTable, CompareView, StrategyName, SweepChart } from './compare-view-types';

/** What the results do not say themselves: where they come from and how they were timed. */
export interface CompareContext {
  /** "src/app.py" or "src/app.py, lines 3–20 (selection)". */
  readonly subject: string;
  /** The model's name in the settings (or its folder's name). */
  readonly modelLabel: string;
  /** Interleaved timing budget per window (0: exactly the minimum number of runs). */
  readonly timingBudgetMs: number;
}

export const RANDOM_WEIGHTS_LABEL = 'Random weights: differences are mechanical, not semantic.';
/** The banner's second sentence, among the notes (the banner stays one line in a narrow panel). */
const RANDOM_WEIGHTS_NOTE = 'Random weights: latency and FLOPs are real; the cosines only show how much merging moves this '
  + 'network\'s outputs, not what a trained model would do.';

const cosineText = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(4));
const sortable = (x: number | undefined): number => (x === undefined || Number.isNaN(x) ? -Infinity : x);
const savingText = (x: number | undefined): string => (x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);
const times = (x: number): string => `${x.toFixed(2)}x`;

function numCell(text: string, sortKey: number): Cell {
  return { text, sortKey };
}

/** "1.31x [1.22, 1.40]" (the interval's confidence is in the column title). */
function speedupCell(i: SpeedupInterval | undefined, fallback: number | undefined): Cell {
  if (i) return numCell(`${times(i.speedup)} [${i.low.toFixed(2)}, ${i.high.toFixed(2)}]`, i.speedup);
  return fallback === undefined ? numCell('–', -Infinity) : numCell(times(fallback), fallback);
}

function verdictCell(i: SpeedupInterval | undefined): Cell {
  return { text: i ? i.verdict : 'not timed', sortKey: i ? i.verdict : '' };
}

function mergeLayerText(k: number, layers: number): string {
  return k === 0 ? '0 (at the embeddings)' : k === layers ? `${k} (after the last block)` : `${k} (after block ${k})`;
}

/** The whole-model profile as outputs name it ("classify", "seq2seq, 128 output positions per window"). */
function taskProfileText(r: AnalysisResult): string | undefined {
  const t = r.totals.task;
  if (!t) return undefined;
  const perWindow = r.windows.length ? Math.round(t.outputTokens / r.windows.length) : t.outputTokens;
  return profileLabel(t.profile === 'seq2seq' ? { name: t.profile, outputLength: perWindow } : { name: t.profile });
}

function providerText(r: AnalysisResult): string {
  const fell = r.provider.failures.map((f) => f.provider);
  return `${r.provider.used}${fell.length ? ` (fell back from ${fell.join(', ')})` : ''}`;
}

function timingText(r: AnalysisResult, budgetMs: number): string[] {
  const runs = r.windows.map((w) => w.unmergedLatency.runs);
  const least = runs.length ? Math.min(...runs) : 0;
  const most = runs.length ? Math.max(...runs) : 0;
  return [
    `${least === most ? least : `${least}–${most}`} interleaved runs per configuration${r.windows.length > 1 ? ' per window' : ''}`,
    budgetMs > 0 ? `(budget ${int(budgetMs)} ms per window, or until the interval is ±5%)` : '(no time budget)',
  ];
}

/** Header facts shared by both views. */
function commonFacts(r: AnalysisResult, ctx: CompareContext): CompareFact[] {
  const t = r.totals;
  const windows = r.windows.length;
  return [
    { label: 'Model', value: [ctx.modelLabel, `(${r.model.layers} encoder blocks, d_model ${r.model.dModel})`] },
    { label: 'Provider', value: [providerText(r)] },
    {
      label: 'Positions',
      value: [`${int(t.lengthBefore)} → ${int(t.lengthAfter)}`, `(${windows} window${windows === 1 ? '' : 's'}, with <s> and </s>)`],
    },
  ];
}

/** One strategy's drift and timing in the analysis (sweepRow's definitions). */
interface StrategyFigures {
  readonly drift: LayerSweepDrift | undefined;
  readonly interval: SpeedupInterval | undefined;
  readonly speedup: number | undefined;
}

function figures(r: AnalysisResult, name: StrategyName): StrategyFigures {
  const row = sweepRow(r);
  return { drift: row.drift[name], interval: r.totals.speedupInterval[name], speedup: row.realisedSpeedup[name] };
}

/** "Compare Strategies": one row per strategy run in `r`. */
export function strategiesView(r: AnalysisResult, ctx: CompareContext): CompareView {
  const t = r.totals;
  const names = [...new Set(r.windows.flatMap((w) => w.strategies.map((s) => s.strategy)))];
  const confidence = Object.values(t.speedupInterval)[0]?.confidence ?? 0.95;
  const column = (label: string, hint?: string): CompareColumn => ({ label, numeric: true, ...(hint ? { hint } : {}) });
  const strategyColumn: CompareColumn = { label: 'strategy', numeric: false };
  const driftColumns: CompareColumn[] = [
    strategyColumn,
    column('pooled cos', 'pooled cosine: the mean-pooled output vectors, merged vs unmerged (mean over windows)'),
    column('identifier cos', 'mean merged-identifier cosine: each merged position vs the mean of its subtokens\' unmerged outputs'),
    column('min token cos', 'min unmerged-token cosine: the lowest cosine of any position merging did not touch'),
    column('rel L2', '‖merged − unmerged‖ / ‖unmerged‖ over the aligned positions (mean over windows)'),
  ];
  const timingColumns: CompareColumn[] = [
    strategyColumn,
    column('merged latency', 'median of the merged runs (and their 90th percentile), summed over windows'),
    column('unmerged latency', 'median of the unmerged runs, summed over windows'),
    column(`speed-up [${Math.round(confidence * 100)}%\u00a0CI]`, `realised speed-up (unmerged / merged median) with its ${Math.round(confidence * 100)}% bootstrap interval`),
    { label: 'verdict', numeric: false, hint: '"within noise" when the interval covers 1.0x' },
    { label: 'timing', numeric: false, hint: '"timed": this strategy\'s runs were timed; "= average": identical shapes, so it shares that timing' },
  ];
  const unmergedMs = r.windows.reduce((a, w) => a + w.unmergedLatency.medianMs, 0);
  const driftRows: Cell[][] = [];
  const timingRows: Cell[][] = [];
  for (const name of names) {
    const f = figures(r, name);
    const runs = r.windows.map((w) => w.strategies.find((s) => s.strategy === name)).filter((s) => s !== undefined);
    const mergedMs = runs.reduce((a, s) => a + s.latency.medianMs, 0);
    const mergedP90 = runs.reduce((a, s) => a + s.latency.p90Ms, 0);
    const shared = runs.find((s) => s.timingSharedWith)?.timingSharedWith;
    const label: Cell = { text: name, sortKey: name };
    driftRows.push([
      label,
      numCell(cosineText(f.drift?.pooledCosine), sortable(f.drift?.pooledCosine)),
      numCell(cosineText(f.drift?.meanGroupCosine), sortable(f.drift?.meanGroupCosine)),
      numCell(cosineText(f.drift?.minTokenCosine), sortable(f.drift?.minTokenCosine)),
      numCell(cosineText(f.drift?.relativeL2), sortable(f.drift?.relativeL2)),
    ]);
    timingRows.push([
      label,
      numCell(`${formatMs(mergedMs)} (p90 ${formatMs(mergedP90)})`, mergedMs),
      numCell(formatMs(unmergedMs), unmergedMs),
      speedupCell(f.interval, f.speedup),
      verdictCell(f.interval),
      { text: shared ? `= ${shared}` : 'timed', sortKey: shared ?? '' },
    ]);
  }
  const task = t.task;
  const profile = taskProfileText(r);
  const facts: CompareFact[] = [
    ...commonFacts(r, ctx),
    { label: 'Merge layer', value: [mergeLayerText(t.mergeLayer, r.model.layers)] },
    {
      label: 'FLOPs',
      value: [
        `encoder ${formatFlops(t.analyticFlopsBefore)} → ${formatFlops(t.analyticFlopsAfter)}`,
        `(${savingText(t.analyticFlopsBefore > 0 ? 1 - t.analyticFlopsAfter / t.analyticFlopsBefore : 0)} saved)`,
        ...(task && profile
          ? [`· whole model, ${profile}: ${formatFlops(task.before.total)} → ${formatFlops(task.after.total)}`, `(${savingText(task.totalSaving)} saved)`]
          : ['· encoder only']),
      ],
    },
    { label: 'Timing', value: timingText(r, ctx.timingBudgetMs) },
  ];
  const notes = [
    'Cosines compare the merged run with the unmerged one: pooled = the mean-pooled sequence vectors (mean over windows); '
      + 'merged identifier = each merged position against the mean of its group\'s unmerged outputs; '
      + 'unmerged token = every position merging did not touch (the lowest one).',
    names.length > 1
      ? `The strategies run identical shapes (the same ${int(t.lengthAfter)} positions through the same blocks), so one interleaved timing `
        + 'of the first strategy stands for all of them: a different speed-up would only be noise.'
      : 'One strategy: the timing is its own.',
    'Verdict: "faster" or "slower" when the whole interval lies on one side of 1.0x, "within noise" when it covers 1.0x.',
    `FLOPs are analytic (1 multiply-add = 2 FLOPs) and ${r.windows.every((w) => w.flops.agree) ? 'equal' : 'DIFFER FROM'} the count from the ONNX graph at the real shapes.`,
  ];
  return {
    kind: 'strategies',
    title: 'Merging strategies',
    subject: ctx.subject,
    facts,
    ...(r.randomWeights ? { randomWeights: RANDOM_WEIGHTS_LABEL } : {}),
    tables: [
      { id: 'strategy-table', title: 'Output drift: each strategy\'s merged run against the unmerged one', columns: driftColumns, rows: driftRows },
      { id: 'timing-table', title: 'Timing: unmerged and merged runs, interleaved', columns: timingColumns, rows: timingRows },
    ],
    notes: r.randomWeights ? [RANDOM_WEIGHTS_NOTE, ...notes] : notes,
  };
}

/** "Sweep Merge Layer": `results[k]` is the analysis at merge layer k = 0..L, with `strategy`. */
export function sweepView(results: readonly AnalysisResult[], strategy: StrategyName, ctx: CompareContext): CompareView {
  const first = results[0];
  if (!first) throw new RangeError('a layer sweep needs the analysis of at least one merge layer');
  const profile = taskProfileText(first);
  const rows = results.map((r) => ({ r, row: sweepRow(r), f: figures(r, strategy) }));
  const confidence = first.totals.speedupInterval[strategy]?.confidence ?? 0.95;
  const columns: CompareColumn[] = [
    { label: 'K', numeric: true, hint: 'merge layer: merging happens after encoder block K (0: at the embeddings)' },
    { label: 'encoder saved', numeric: true, hint: 'encoder FLOPs saved (analytic)' },
    { label: profile ? `model saved (${profile.split(',')[0]})` : 'model saved', numeric: true, hint: `whole-model FLOPs saved${profile ? `, profile ${profile}` : ': no profile'}` },
    { label: `speed-up [${Math.round(confidence * 100)}%\u00a0CI]`, numeric: true, hint: `realised speed-up (unmerged / merged median) with its ${Math.round(confidence * 100)}% bootstrap interval` },
    { label: 'verdict', numeric: false, hint: '"within noise" when the interval covers 1.0x' },
    { label: 'pooled cos', numeric: true, hint: 'pooled cosine: the mean-pooled output vectors, merged vs unmerged (mean over windows)' },
    { label: 'min token cos', numeric: true, hint: 'the lowest cosine of any position merging did not touch' },
    { label: 'group cos', numeric: true, hint: 'mean over merged groups of cos(merged row, mean of the group\'s unmerged rows)' },
    { label: 'rel L2', numeric: true, hint: '‖merged − unmerged‖ / ‖unmerged‖ over the aligned positions (mean over windows)' },
  ];
  const layers = first.model.layers;
  const tableRows = rows.map(({ r, row, f }): Cell[] => [
    numCell(String(row.mergeLayer), row.mergeLayer),
    numCell(savingText(row.encoderFlopsSaving), row.encoderFlopsSaving),
    numCell(savingText(row.modelFlopsSaving), sortable(row.modelFlopsSaving)),
    speedupCell(f.interval, f.speedup),
    verdictCell(r.totals.speedupInterval[strategy]),
    numCell(cosineText(f.drift?.pooledCosine), sortable(f.drift?.pooledCosine)),
    numCell(cosineText(f.drift?.minTokenCosine), sortable(f.drift?.minTokenCosine)),
    numCell(cosineText(f.drift?.meanGroupCosine), sortable(f.drift?.meanGroupCosine)),
    numCell(cosineText(f.drift?.relativeL2), sortable(f.drift?.relativeL2)),
  ]);
  const finite = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? null : x);
  const series: ChartSeries[] = [
    { label: 'encoder FLOPs saved (%)', axis: 'percent', data: rows.map(({ row }) => finite(row.encoderFlopsSaving * 100)) },
    ...(profile ? [{ label: `whole-model FLOPs saved, ${profile} (%)`, axis: 'percent' as const, data: rows.map(({ row }) => finite(row.modelFlopsSaving === undefined ? undefined : row.modelFlopsSaving * 100)) }] : []),
    { label: 'pooled cosine', axis: 'cosine', data: rows.map(({ f }) => finite(f.drift?.pooledCosine)) },
  ];
  const facts: CompareFact[] = [
    ...commonFacts(first, ctx),
    { label: 'Strategy', value: [strategy] },
    { label: 'FLOP profile', value: profile ? [`encoder and whole model (${profile})`] : ['encoder only'] },
    { label: 'Timing', value: timingText(first, ctx.timingBudgetMs) },
  ];
  return {
    kind: 'sweep',
    title: 'Merge-layer sweep',
    subject: ctx.subject,
    facts,
    ...(first.randomWeights ? { randomWeights: RANDOM_WEIGHTS_LABEL } : {}),
    tables: [{ id: 'sweep-table', title: `Merging after encoder block K (0 = at the embeddings, ${layers} = after the last block)`, columns, rows: tableRows }],
    chart: {
      id: 'sweep-chart',
      title: 'What merging later saves, and how far the output moves',
      labels: rows.map(({ row }) => String(row.mergeLayer)),
      series,
      percentAxis: 'FLOPs saved (%)',
      cosineAxis: 'pooled cosine',
    },
    notes: [
      ...(first.randomWeights ? [RANDOM_WEIGHTS_NOTE] : []),
      'K = 0 merges at the embeddings (today\'s default); K = L after the last block, before the final layer norm. Blocks before K see '
        + 'every subtoken, blocks from K on run on the merged positions.',
      'Even at K = L the whole model saves: the decoder\'s cross-attention reads the shorter encoder output.',
      'Each K is its own interleaved timing of the unmerged and the merged run; "within noise" means the interval covers 1.0x.',
      `FLOPs are analytic and ${rows.every(({ row }) => row.graphFlopsAgree) ? 'equal' : 'DIFFER FROM'} the count from the ONNX graph at every K.`,
    ],
  };
}
