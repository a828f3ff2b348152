// "Where in the encoder should I merge?": analyzeFile at every merge layer K = 0..L on one file,
// one row per K with what merging there saves (encoder FLOPs and, with a profile, the whole
// model's), how much faster it ran, and how far the outputs drifted from the unmerged run.
import type { FlopProfile } from '../task-flops';
import { type AnalysisResult, type AnalyzeOptions, analyzeFile } from './analysis';
import type { T5EncoderRuntime } from './encoder';
import type { FileInput } from './windows';

export interface LayerSweepDrift {
  /** Mean over windows of the pooled-vector cosine. */
  readonly pooledCosine: number;
  /** Lowest cosine of any untouched position in any window. */
  readonly minTokenCosine: number;
  /** Mean over every merged group of cos(merged row, mean of the group's unmerged rows). */
  readonly meanGroupCosine: number;
  /** Mean over windows of ‖merged − target‖ / ‖target‖. */
  readonly relativeL2: number;
}

export interface LayerSweepRow {
  readonly mergeLayer: number;
  /** 1 − after/before of the encoder's analytic FLOPs. */
  readonly encoderFlopsSaving: number;
  /** The same for the whole model under the sweep's profile (absent without one). */
  readonly modelFlopsSaving?: number;
  readonly graphFlopsAgree: boolean;
  readonly realisedSpeedup: Partial<Record<'average' | 'learned', number>>;
  readonly drift: Partial<Record<'average' | 'learned', LayerSweepDrift>>;
}

export interface LayerSweep {
  readonly layers: number;
  readonly profile?: FlopProfile;
  readonly outputLength?: number;
  readonly rows: readonly LayerSweepRow[];
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** One sweep row from an analysis at merge layer K. */
export function sweepRow(r: AnalysisResult): LayerSweepRow {
  const t = r.totals;
  const drift: Partial<Record<'average' | 'learned', LayerSweepDrift>> = {};
  for (const name of ['average', 'learned'] as const) {
    const per = r.windows.map((w) => w.strategies.find((s) => s.strategy === name)).filter((s) => s !== undefined);
    if (per.length === 0) continue;
    drift[name] = {
      pooledCosine: mean(per.map((s) => s.pooledCosine)),
      minTokenCosine: Math.min(...per.map((s) => s.minTokenCosine).filter((c) => !Number.isNaN(c))),
      meanGroupCosine: mean(per.flatMap((s) => s.groups.map((g) => g.cosine))),
      relativeL2: mean(per.map((s) => s.relativeL2)),
    };
  }
  return {
    mergeLayer: t.mergeLayer,
    encoderFlopsSaving: t.analyticFlopsBefore > 0 ? 1 - t.analyticFlopsAfter / t.analyticFlopsBefore : 0,
    ...(t.task ? { modelFlopsSaving: t.task.totalSaving } : {}),
    graphFlopsAgree: r.windows.every((w) => w.flops.agree),
    realisedSpeedup: t.realisedSpeedup,
    drift,
  };
}

/** analyzeFile at K = 0..L (every other option as given). */
export async function sweepMergeLayers(runtime: T5EncoderRuntime, input: FileInput, opts: Omit<AnalyzeOptions, 'mergeLayer'>): Promise<LayerSweep> {
  const rows: LayerSweepRow[] = [];
  for (let k = 0; k <= runtime.layers; k++) rows.push(sweepRow(await analyzeFile(runtime, input, { ...opts, mergeLayer: k })));
  return {
    layers: runtime.layers, ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.outputLength !== undefined ? { outputLength: opts.outputLength } : {}), rows,
  };
}

const pct = (x: number | undefined): string => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | undefined, digits = 4): string => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));

/** Header and cells of the sweep table, one strategy's drift per row (the first strategy run). */
export function sweepTable(s: LayerSweep): { header: string[]; rows: string[][] } {
  const strategy = (r: LayerSweepRow) => (r.drift.average ? 'average' : 'learned') as 'average' | 'learned';
  const header = ['K', 'encoder FLOPs saved', `model FLOPs saved (${s.profile ?? 'n/a'})`, 'speed-up', 'pooled cos', 'min token cos', 'mean group cos', 'rel L2'];
  const rows = s.rows.map((r) => {
    const st = strategy(r);
    const d = r.drift[st];
    const sp = r.realisedSpeedup[st];
    return [String(r.mergeLayer), pct(r.encoderFlopsSaving), pct(r.modelFlopsSaving), sp === undefined ? '-' : `${sp.toFixed(2)}x`,
      num(d?.pooledCosine), num(d?.minTokenCosine), num(d?.meanGroupCosine), num(d?.relativeL2)];
  });
  return { header, rows };
}

export function sweepText(s: LayerSweep): string {
  const { header, rows } = sweepTable(s);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export function sweepMarkdown(s: LayerSweep): string {
  const { header, rows } = sweepTable(s);
  return [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
