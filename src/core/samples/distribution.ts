// Per-sample distributions of the saving: median, 10th and 90th percentile and a histogram of
// token and FLOP saving, per language and overall.
//
// Exact under `combine`: a sample's figures all follow from two integers, its content tokens
// before and after merging (with the window's specials, its sequence lengths n and m; FLOPs are
// polynomials in n and m). A set of samples is kept as the multiset of those pairs, [tokens,
// merged, count] sorted, which shards carry in their JSON and `combine` unites; every figure is
// recomputed from it, in an order that depends only on the multiset.
import type { EncoderConfig } from '../flops';
import type { ReportProfile } from '../report/profile-flops';
import { percentOf } from '../percent';
import { sampleFlops } from './analyze-sample';

/** [content tokens seen, after merging, number of samples], sorted by tokens then merged. */
export type SamplePoint = [tokens: number, merged: number, count: number];

/** Histogram bins of the saving in percent: [0, 5), [5, 10), …, [95, 100]. */
export const HISTOGRAM_BIN_PCT = 5;
export const HISTOGRAM_BINS = 100 / HISTOGRAM_BIN_PCT;

/** A multiset of (tokens, merged) pairs. */
export class PointSet {
  private readonly counts = new Map<number, Map<number, number>>();

  add(tokens: number, merged: number, count = 1): void {
    let row = this.counts.get(tokens);
    if (!row) this.counts.set(tokens, (row = new Map()));
    row.set(merged, (row.get(merged) ?? 0) + count);
  }

  addAll(points: readonly SamplePoint[]): void {
    for (const [t, m, c] of points) this.add(t, m, c);
  }

  toArray(): SamplePoint[] {
    const out: SamplePoint[] = [];
    for (const t of [...this.counts.keys()].sort((a, b) => a - b)) {
      const row = this.counts.get(t)!;
      for (const m of [...row.keys()].sort((a, b) => a - b)) out.push([t, m, row.get(m)!]);
    }
    return out;
  }
}

export interface Distribution {
  median: number;
  p10: number;
  p90: number;
  /** Samples per bin of HISTOGRAM_BIN_PCT percentage points; the last bin includes 100. */
  histogram: number[];
}

/**
 * The q-quantile of a weighted sample (values sorted ascending), interpolated between closest
 * ranks as NumPy's default ("linear", type 7) does on the expanded list.
 */
export function weightedQuantile(sorted: readonly (readonly [value: number, count: number])[], q: number): number {
  const total = sorted.reduce((s, [, c]) => s + c, 0);
  if (total === 0) return 0;
  const h = (total - 1) * q;
  const lo = Math.floor(h);
  const valueAt = (rank: number): number => {
    let seen = 0;
    for (const [v, c] of sorted) {
      seen += c;
      if (rank < seen) return v;
    }
    return sorted[sorted.length - 1]![0];
  };
  const a = valueAt(lo);
  const b = lo + 1 < total ? valueAt(lo + 1) : a;
  return a + (h - lo) * (b - a);
}

export function distributionOf(values: readonly (readonly [value: number, count: number])[]): Distribution {
  const sorted = [...values].sort((x, y) => x[0] - y[0]);
  const histogram = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const [v, c] of sorted) histogram[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(v / HISTOGRAM_BIN_PCT)))]! += c;
  return { median: weightedQuantile(sorted, 0.5), p10: weightedQuantile(sorted, 0.1), p90: weightedQuantile(sorted, 0.9), histogram };
}


/** The savings derived from token and FLOP sums (encoder, and the whole model of the report's profile). */
export interface SavingFigures {
  tokenSavingPct: number;
  flopsBefore: number;
  flopsAfter: number;
  flopSavingPct: number;
  modelFlopsBefore: number;
  modelFlopsAfter: number;
  modelFlopSavingPct: number;
}

/** Totals and distributions of a set of samples, all derived from its points. */
export interface SampleFigures extends SavingFigures {
  samples: number;
  /** Content tokens seen / after merging, summed. */
  tokens: number;
  merged: number;
  /** Per-sample saving in percent: of content tokens, of encoder FLOPs, of whole-model FLOPs. */
  distribution: { tokenSavingPct: Distribution; flopSavingPct: Distribution; modelFlopSavingPct: Distribution };
}

export function sampleFigures(points: readonly SamplePoint[], cfg: EncoderConfig, profile: ReportProfile, specials: number): SampleFigures {
  let samples = 0, tokens = 0, merged = 0, flopsBefore = 0, flopsAfter = 0, modelFlopsBefore = 0, modelFlopsAfter = 0;
  const tokenSaving: [number, number][] = [], flopSaving: [number, number][] = [], modelSaving: [number, number][] = [];
  for (const [t, m, c] of points) {
    const f = sampleFlops(cfg, profile, specials, t, m);
    samples += c;
    tokens += c * t;
    merged += c * m;
    flopsBefore += c * f.flopsBefore;
    flopsAfter += c * f.flopsAfter;
    modelFlopsBefore += c * f.modelFlopsBefore;
    modelFlopsAfter += c * f.modelFlopsAfter;
    tokenSaving.push([percentOf(t - m, t), c]);
    flopSaving.push([percentOf(f.flopsBefore - f.flopsAfter, f.flopsBefore), c]);
    modelSaving.push([percentOf(f.modelFlopsBefore - f.modelFlopsAfter, f.modelFlopsBefore), c]);
  }
  return {
    samples, tokens, merged, tokenSavingPct: percentOf(tokens - merged, tokens),
    flopsBefore, flopsAfter, flopSavingPct: percentOf(flopsBefore - flopsAfter, flopsBefore),
    modelFlopsBefore, modelFlopsAfter, modelFlopSavingPct: percentOf(modelFlopsBefore - modelFlopsAfter, modelFlopsBefore),
    distribution: { tokenSavingPct: distributionOf(tokenSaving), flopSavingPct: distributionOf(flopSaving), modelFlopSavingPct: distributionOf(modelSaving) },
  };
}
