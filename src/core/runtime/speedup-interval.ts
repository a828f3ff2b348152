// How far a measured speed-up can be trusted. Timings of one configuration scatter (other processes,
// frequency scaling, caches), so the ratio of two medians from a few runs can land anywhere from
// 0.5x to 3x. Here: the ratio of medians with a bootstrap confidence interval, a verdict that
// says "within noise" when the interval covers 1.0x, and the stopping rule that keeps timing
// (interleaved, see analysis.ts) until the interval is tight or the time budget is spent.
import { quantile } from './compare';
import { mulberry32 } from './prng';

export type SpeedupVerdict = 'faster' | 'slower' | 'within noise';

/** Timed runs of one window: unmerged and merged, taken interleaved. */
export interface TimingSamples {
  readonly unmergedMs: readonly number[];
  readonly mergedMs: readonly number[];
}

export interface SpeedupInterval {
  /** Σ unmerged medians / Σ merged medians over the windows. */
  readonly speedup: number;
  /** The bootstrap percentile interval of that ratio. */
  readonly low: number;
  readonly high: number;
  readonly confidence: number;
  readonly verdict: SpeedupVerdict;
}

export interface IntervalOptions {
  /** Default 0.95. */
  readonly confidence?: number;
  /** Bootstrap resamples (default 2000). */
  readonly resamples?: number;
  /** PRNG seed: the same samples always give the same interval. */
  readonly seed?: number;
}

function median(xs: ArrayLike<number>): number {
  const s = Float64Array.from(xs as ArrayLike<number>).sort();
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

export function verdictOf(low: number, high: number): SpeedupVerdict {
  return low > 1 ? 'faster' : high < 1 ? 'slower' : 'within noise';
}

/**
 * Ratio of summed medians (unmerged / merged) over windows, with a percentile bootstrap interval:
 * each resample draws every window's unmerged and merged runs with replacement, independently.
 * Medians, not means, because a single descheduled run must not move the figure.
 */
export function speedupInterval(windows: readonly TimingSamples[], opts: IntervalOptions = {}): SpeedupInterval {
  const confidence = opts.confidence ?? 0.95;
  const B = opts.resamples ?? 2000;
  if (windows.length === 0 || windows.some((w) => w.unmergedMs.length === 0 || w.mergedMs.length === 0)) {
    throw new RangeError('a speed-up needs at least one timed run of each configuration');
  }
  const ratio = (pick: (xs: readonly number[]) => number) => {
    let u = 0, m = 0;
    for (const w of windows) { u += pick(w.unmergedMs); m += pick(w.mergedMs); }
    return u / m;
  };
  const speedup = ratio(median);
  const rand = mulberry32(opts.seed ?? 0x5eed);
  const buf = new Float64Array(Math.max(...windows.map((w) => Math.max(w.unmergedMs.length, w.mergedMs.length))));
  const resampledMedian = (xs: readonly number[]) => {
    const n = xs.length;
    for (let i = 0; i < n; i++) buf[i] = xs[Math.floor(rand() * n)]!;
    return median(buf.subarray(0, n));
  };
  const ratios: number[] = [];
  for (let b = 0; b < B; b++) ratios.push(ratio(resampledMedian));
  const alpha = (1 - confidence) / 2;
  const low = quantile(ratios, alpha);
  const high = quantile(ratios, 1 - alpha);
  return { speedup, low, high, confidence, verdict: verdictOf(low, high) };
}

/** Relative half-width of the interval: 0.05 = ±5% of the speed-up. */
export function relativeHalfWidth(i: Pick<SpeedupInterval, 'speedup' | 'low' | 'high'>): number {
  return (i.high - i.low) / 2 / i.speedup;
}

/** "1.31x [1.22, 1.40]", or "1.02x [0.93, 1.11], within noise". */
export function describeSpeedup(i: SpeedupInterval, digits = 2): string {
  const f = (x: number) => x.toFixed(digits);
  return `${f(i.speedup)}x [${f(i.low)}, ${f(i.high)}]${i.verdict === 'within noise' ? ', within noise' : ''}`;
}
