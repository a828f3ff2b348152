// What merging does to one file on a real encoder run: sequence lengths, FLOPs (analytic model and
// counted from the ONNX graph at the actual shapes), measured latency, and how far the outputs move.
// The result is plain JSON (AnalysisResult) so the CLI can print it and the editor can colour by it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EncoderConfig, type FlopBreakdown, encoderFlops, encoderFlopsAtLayer } from '../flops';
import { minOf } from '../extremes';
import { type FlopProfile, type TaskFlops, sumTaskFlops, taskFlops } from '../task-flops';
import { runMergedAtLayer } from './merge-layer';
import type { GraphFlopCount } from './graph-flops';
import { cosine, meanRows, quantile } from './compare';
import type { T5EncoderRuntime } from './encoder';
import { type GroupReducer, mergeMapping } from './merge';
import { type FileInput, splitIntoWindows, DEFAULT_WINDOW_CONTENT } from './windows';
import { type SpeedupInterval, type TimingSamples, relativeHalfWidth, speedupInterval } from './speedup-interval';

export const RANDOM_WEIGHTS_NOTE = 'random weights: differences are mechanical, not semantic';

/** Latency of one configuration: `runs` timed runs (interleaved with the other configuration's) after `warmup` untimed ones. */
export interface LatencyStats {
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly runs: number;
  readonly warmup: number;
}

/** FLOPs of one window before and after merging, from the analytic model and from the graph. */
export interface WindowFlops {
  /** ../flops.ts `encoderFlops` on the model's config.json. */
  readonly analyticBefore: FlopBreakdown;
  readonly analyticAfter: FlopBreakdown;
  /** Every MatMul/Gemm in the ONNX graph, 2·batch·M·K·N at the real shapes. */
  readonly graphBefore: GraphFlopCount;
  readonly graphAfter: GraphFlopCount;
  /** The analytic and graph counts agree term by term (projections+FFN = weight products,
   *  scores+context = activation products), before and after. */
  readonly agree: boolean;
  /** before / after of the total (analytic). */
  readonly predictedSpeedup: number;
}

/** One merged group (an identifier occurrence) and how its merged output compares. */
export interface GroupComparison {
  /** Index in the file's group list (`FileInput.groups`). */
  readonly fileGroup: number;
  readonly label?: string;
  /** Window positions (with <s> at 0) of the group's tokens. */
  readonly positions: readonly number[];
  readonly mergedPosition: number;
  /** cos(merged output at the merged position, mean of the group's unmerged outputs). */
  readonly cosine: number;
}

export interface StrategyResult {
  readonly strategy: 'average' | 'learned';
  readonly latency: LatencyStats;
  /** unmerged median / merged median. */
  readonly realisedSpeedup: number;
  /** That ratio's bootstrap confidence interval and verdict ("within noise" when it covers 1.0x). */
  readonly speedupInterval: SpeedupInterval;
  /** Strategies run identical shapes, so they share one timing: the strategy that was timed,
   *  when it is not this one. */
  readonly timingSharedWith?: 'average' | 'learned';
  /** For each position that no group touches (window positions, <s>/</s> included): cos between
   *  its output in the unmerged and merged runs. */
  readonly tokenCosines: { readonly position: number; readonly cosine: number }[];
  readonly minTokenCosine: number;
  readonly meanTokenCosine: number;
  readonly groups: readonly GroupComparison[];
  /** cos of the mean-pooled sequence vectors of the two runs. */
  readonly pooledCosine: number;
  /** Over merged positions, against the unmerged output (or the group mean for merged groups). */
  readonly maxAbsDiff: number;
  /** ‖merged − target‖₂ / ‖target‖₂ over the same aligned rows. */
  readonly relativeL2: number;
}

export interface WindowAnalysis {
  readonly index: number;
  /** First content token of the window in the file's token sequence. */
  readonly contentStart: number;
  /** Sequence lengths with <s> and </s>. */
  readonly lengthBefore: number;
  readonly lengthAfter: number;
  readonly groupCount: number;
  /** Groups that crossed this window's boundary and were cut. */
  readonly cutGroups: number;
  readonly flops: WindowFlops;
  readonly unmergedLatency: LatencyStats;
  readonly strategies: readonly StrategyResult[];
}

/** The whole report (JSON-able). */
export interface AnalysisResult {
  readonly model: {
    readonly dir: string;
    readonly onnxFile: string;
    readonly dModel: number;
    readonly layers: number;
    readonly heads: number;
    readonly vocabSize: number;
    /** Max abs diff of the input_ids→inputs_embeds rewrite on a probe input (when proven). */
    readonly rewriteMaxAbsDiff?: number;
    readonly loadMs: number;
  };
  /** True for generated (random) models; then `note` is RANDOM_WEIGHTS_NOTE. */
  readonly randomWeights: boolean;
  readonly note?: string;
  readonly provider: { readonly requested: string; readonly used: string; readonly failures: readonly { provider: string; reason: string }[] };
  readonly windowContentTokens: number;
  readonly contentTokens: number;
  readonly groupCount: number;
  readonly windows: readonly WindowAnalysis[];
  readonly totals: {
    readonly lengthBefore: number;
    readonly lengthAfter: number;
    readonly analyticFlopsBefore: number;
    readonly analyticFlopsAfter: number;
    readonly graphFlopsBefore: number;
    readonly graphFlopsAfter: number;
    readonly predictedSpeedup: number;
    /** Per strategy: Σ unmerged medians / Σ merged medians. */
    readonly realisedSpeedup: Partial<Record<'average' | 'learned', number>>;
    /** Per strategy: that ratio with its bootstrap interval over every window's runs, and the verdict. */
    readonly speedupInterval: Partial<Record<'average' | 'learned', SpeedupInterval>>;
    /** The encoder block merging happened after (0 = at the embeddings). */
    readonly mergeLayer: number;
    /** Whole-model FLOPs of the requested profile, summed over windows. */
    readonly task?: TaskFlops;
  };
}

export interface AnalyzeOptions {
  readonly strategies: readonly { readonly name: 'average' | 'learned'; readonly reducer: GroupReducer }[];
  /** Timed runs per configuration (default 10); with a time budget, the least number. */
  readonly runs?: number;
  readonly warmup?: number;
  /** Per window: after `runs`, keep timing (interleaved) until the speed-up's interval is within
   *  ±`targetHalfWidth` or this many milliseconds have passed. 0 (default): exactly `runs`. */
  readonly timeBudgetMs?: number;
  /** Relative half-width that ends timing early (default 0.05, i.e. ±5%). */
  readonly targetHalfWidth?: number;
  /** Timed runs per configuration at most, whatever the budget (default 500). */
  readonly maxRuns?: number;
  readonly requestedProvider?: string;
  readonly windowContentTokens?: number;
  /** Merge after this encoder block (0, the default: at the embeddings). */
  readonly mergeLayer?: number;
  /** Whole-model FLOPs of this task profile beside the encoder's (totals.task). */
  readonly profile?: FlopProfile;
  /** Decoder positions for profile seq2seq. */
  readonly outputLength?: number;
  /** Checked before every encoder run and every window; once aborted, `analyzeFile` stops and
   *  rejects with the signal's reason (an `AbortError` DOMException when aborted without one). */
  readonly signal?: AbortSignal;
}

function latencyStats(times: readonly number[], warmup: number): LatencyStats {
  return { medianMs: quantile(times, 0.5), p90Ms: quantile(times, 0.9), runs: times.length, warmup };
}

interface TimingPlan {
  readonly runs: number;
  readonly budgetMs: number;
  readonly targetHalfWidth: number;
  readonly maxRuns: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * Times two configurations interleaved, alternating which goes first in each round, so that drift
 * (a background job, thermal throttling) hits both alike instead of biasing their ratio. Runs
 * `runs` rounds, then more while the budget lasts and the interval is wider than the target.
 * One encoder run is the unit of work that cannot be interrupted (onnxruntime has no abort), so
 * the signal is checked before each one: a cancel waits for at most one run.
 */
async function timeInterleaved(unmerged: () => Promise<unknown>, merged: () => Promise<unknown>, plan: TimingPlan): Promise<TimingSamples> {
  const u: number[] = [];
  const m: number[] = [];
  const start = performance.now();
  for (let round = 0; ; round++) {
    if (round >= plan.runs) {
      if (round >= plan.maxRuns || performance.now() - start >= plan.budgetMs) break;
      // The bootstrap costs a few ms: checked every few rounds, with fewer resamples than the final one.
      if (round % 5 === 0 && round >= 5 && relativeHalfWidth(speedupInterval([{ unmergedMs: u, mergedMs: m }], { resamples: 400 })) <= plan.targetHalfWidth) break;
    }
    const order: [() => Promise<unknown>, number[]][] = round % 2 === 0 ? [[unmerged, u], [merged, m]] : [[merged, m], [unmerged, u]];
    for (const [run, into] of order) {
      plan.signal?.throwIfAborted();
      const t0 = performance.now();
      await run();
      into.push(performance.now() - t0);
    }
  }
  return { unmergedMs: u, mergedMs: m };
}

async function untimed<T>(run: () => Promise<T>, times: number, signal: AbortSignal | undefined): Promise<T> {
  signal?.throwIfAborted();
  const out = await run();
  for (let i = 1; i < times; i++) {
    signal?.throwIfAborted();
    await run();
  }
  return out;
}

function addCounts(a: GraphFlopCount, b: GraphFlopCount): GraphFlopCount {
  return {
    tokens: b.tokens, weightMatMuls: a.weightMatMuls + b.weightMatMuls, activationMatMuls: a.activationMatMuls + b.activationMatMuls,
    total: a.total + b.total, matmulCount: a.matmulCount + b.matmulCount,
  };
}

/**
 * The analytic config with the decoder the model folder's config.json describes
 * (num_decoder_layers, T5's default: as many as the encoder), for whole-model profiles.
 */
function taskConfig(cfg: EncoderConfig, dir: string): EncoderConfig {
  let decoderLayers = cfg.layers;
  try {
    const raw = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { num_decoder_layers?: unknown };
    if (Number.isInteger(raw.num_decoder_layers) && (raw.num_decoder_layers as number) > 0) decoderLayers = raw.num_decoder_layers as number;
  } catch {
    // the encoder loaded from this folder, so config.json was readable a moment ago; keep the default
  }
  return { ...cfg, decoderLayers };
}

function agrees(a: FlopBreakdown, g: GraphFlopCount): boolean {
  return a.projections + a.feedForward === g.weightMatMuls && a.attentionScores + a.attentionContext === g.activationMatMuls;
}

/** Compares a merged run's output with the unmerged one (both [len, d]). */
export function compareOutputs(
  unmerged: Float32Array, merged: Float32Array, d: number, windowGroups: readonly (readonly number[])[],
  mergedToOriginal: Int32Array, groupMergedPositions: Int32Array,
): Omit<StrategyResult, 'strategy' | 'latency' | 'realisedSpeedup' | 'speedupInterval' | 'timingSharedWith' | 'groups'> & { groupCosines: number[] } {
  const n = unmerged.length / d;
  const m = merged.length / d;
  const grouped = new Set<number>();
  windowGroups.forEach((g) => g.forEach((p) => grouped.add(p)));
  const groupAt = new Map<number, readonly number[]>();
  windowGroups.forEach((g) => groupAt.set(g[0]!, g));
  const tokenCosines: { position: number; cosine: number }[] = [];
  let maxAbs = 0;
  let num = 0;
  let den = 0;
  for (let k = 0; k < m; k++) {
    const p = mergedToOriginal[k]!;
    const g = groupAt.get(p);
    const target: ArrayLike<number> = g ? meanRows(unmerged, d, g) : unmerged.subarray(p * d, (p + 1) * d);
    for (let j = 0; j < d; j++) {
      const diff = merged[k * d + j]! - target[j]!;
      if (Math.abs(diff) > maxAbs) maxAbs = Math.abs(diff);
      num += diff * diff;
      den += target[j]! ** 2;
    }
    if (!grouped.has(p)) tokenCosines.push({ position: p, cosine: cosine(unmerged, p * d, merged, k * d, d) });
  }
  const groupCosines = windowGroups.map((g, gi) => cosine(meanRows(unmerged, d, g), 0, merged, groupMergedPositions[gi]! * d, d));
  const all = Array.from({ length: n }, (_, i) => i);
  const allMerged = Array.from({ length: m }, (_, i) => i);
  const pooledCosine = cosine(meanRows(unmerged, d, all), 0, meanRows(merged, d, allMerged), 0, d);
  const cos = tokenCosines.map((t) => t.cosine);
  return {
    tokenCosines,
    minTokenCosine: cos.length ? minOf(cos) : NaN,
    meanTokenCosine: cos.length ? cos.reduce((a, b) => a + b, 0) / cos.length : NaN,
    pooledCosine, maxAbsDiff: maxAbs, relativeL2: den > 0 ? Math.sqrt(num / den) : 0, groupCosines,
  };
}

/** Runs the encoder on every window of a file unmerged and merged with each strategy. */
export async function analyzeFile(runtime: T5EncoderRuntime, input: FileInput, opts: AnalyzeOptions): Promise<AnalysisResult> {
  const info = runtime.info;
  const d = info.dModel;
  const runs = Math.max(1, opts.runs ?? 10);
  const warmup = Math.max(1, opts.warmup ?? 2);
  const capacity = opts.windowContentTokens ?? DEFAULT_WINDOW_CONTENT;
  const windows = splitIntoWindows(input, info.config.bos_token_id, info.config.eos_token_id, capacity);
  const results: WindowAnalysis[] = [];
  const sums = { ub: 0, ua: 0, gb: 0, ga: 0, lb: 0, la: 0 };
  // Every window's timed runs, for the file's speed-up interval (the same for every strategy: shared timing).
  const timings: TimingSamples[] = [];
  const timingPlan: TimingPlan = {
    runs, budgetMs: Math.max(0, opts.timeBudgetMs ?? 0), targetHalfWidth: opts.targetHalfWidth ?? 0.05,
    maxRuns: Math.max(runs, opts.maxRuns ?? 500), signal: opts.signal,
  };
  const signal = opts.signal;
  const k = opts.mergeLayer ?? 0;
  if (!Number.isInteger(k) || k < 0 || k > runtime.layers) throw new RangeError(`merge layer must be a whole number from 0 to ${runtime.layers} (the encoder's blocks), got ${k}`);
  const taskCfg = opts.profile ? taskConfig(info.encoderConfig, info.dir) : undefined;
  const tasks: TaskFlops[] = [];
  signal?.throwIfAborted();
  for (const w of windows) {
    signal?.throwIfAborted();
    const embeds = runtime.embed(w.ids);
    const mapping = mergeMapping(w.ids.length, w.groups);
    const lengthBefore = w.ids.length;
    const lengthAfter = mapping.length;
    const analyticBefore = encoderFlops(info.encoderConfig, lengthBefore);
    const analyticAfter = encoderFlopsAtLayer(info.encoderConfig, lengthBefore, lengthAfter, k);
    const graphBefore = await runtime.graphFlops(lengthBefore);
    const graphAfter = addCounts(await runtime.partGraphFlops(k, 'before', lengthBefore), await runtime.partGraphFlops(k, 'after', lengthAfter));
    if (taskCfg) tasks.push(taskFlops(taskCfg, { profile: opts.profile!, inputTokens: lengthBefore, mergedTokens: lengthAfter, outputLength: opts.outputLength, mergeLayer: k }));
    const runUnmerged = () => runtime.run({ embeds, batch: 1, seq: lengthBefore });
    const runMerged = (reducer: GroupReducer) => () => runMergedAtLayer(runtime, k, embeds, w.groups, reducer);
    // Outputs: one run of each configuration (the first doubles as a warm-up run).
    const unmergedOut = await untimed(runUnmerged, warmup, signal);
    const mergedOuts = [];
    for (const [i, s] of opts.strategies.entries()) mergedOuts.push(await untimed(runMerged(s.reducer), i === 0 ? warmup : 1, signal));
    // Timing: every strategy runs the same shapes (m positions, the same blocks), so one timing,
    // of the first strategy, stands for all of them; timing each apart only measured noise twice.
    const timing = opts.strategies.length ? await timeInterleaved(runUnmerged, runMerged(opts.strategies[0]!.reducer), timingPlan) : { unmergedMs: [], mergedMs: [] };
    if (timing.unmergedMs.length) timings.push(timing);
    const unmergedLatency = latencyStats(timing.unmergedMs, warmup);
    const mergedLatency = latencyStats(timing.mergedMs, warmup);
    const interval = timing.unmergedMs.length ? speedupInterval([timing]) : undefined;
    const strategies: StrategyResult[] = [];
    for (const [i, s] of opts.strategies.entries()) {
      const mr = mergedOuts[i]!;
      const merged = mr.merged;
      const cmp = compareOutputs(unmergedOut, mr.out, d, w.groups, merged.mergedToOriginal, merged.groupMergedPositions);
      const { groupCosines, ...rest } = cmp;
      strategies.push({
        strategy: s.name, latency: mergedLatency, realisedSpeedup: unmergedLatency.medianMs / mergedLatency.medianMs, speedupInterval: interval!,
        ...(i > 0 ? { timingSharedWith: opts.strategies[0]!.name } : {}), ...rest,
        groups: w.groups.map((g, gi) => ({
          fileGroup: w.fileGroup[gi]!, ...(w.groupLabels[gi] !== undefined ? { label: w.groupLabels[gi] } : {}),
          positions: g, mergedPosition: merged.groupMergedPositions[gi]!, cosine: groupCosines[gi]!,
        })),
      });
    }
    sums.ub += analyticBefore.total; sums.ua += analyticAfter.total; sums.gb += graphBefore.total; sums.ga += graphAfter.total;
    sums.lb += lengthBefore; sums.la += lengthAfter;
    results.push({
      index: w.index, contentStart: w.contentStart, lengthBefore, lengthAfter, groupCount: w.groups.length, cutGroups: w.cutGroups,
      flops: {
        analyticBefore, analyticAfter, graphBefore, graphAfter,
        agree: agrees(analyticBefore, graphBefore) && agrees(analyticAfter, graphAfter),
        predictedSpeedup: analyticBefore.total / analyticAfter.total,
      },
      unmergedLatency, strategies,
    });
  }
  const realised: Partial<Record<'average' | 'learned', number>> = {};
  const intervals: Partial<Record<'average' | 'learned', SpeedupInterval>> = {};
  if (timings.length) {
    const fileInterval = speedupInterval(timings);
    for (const s of opts.strategies) {
      realised[s.name] = fileInterval.speedup;
      intervals[s.name] = fileInterval;
    }
  }
  return {
    model: {
      dir: info.dir, onnxFile: info.onnxFile, dModel: d, layers: info.config.num_layers, heads: info.config.num_heads,
      vocabSize: info.vocabSize, ...(info.proof ? { rewriteMaxAbsDiff: info.proof.maxAbsDiff } : {}), loadMs: info.loadMs,
    },
    randomWeights: info.randomWeights,
    ...(info.randomWeights ? { note: RANDOM_WEIGHTS_NOTE } : {}),
    provider: { requested: opts.requestedProvider ?? 'auto', used: info.provider, failures: info.providerFailures },
    windowContentTokens: capacity,
    contentTokens: input.ids.length,
    groupCount: input.groups.length,
    windows: results,
    totals: {
      lengthBefore: sums.lb, lengthAfter: sums.la, analyticFlopsBefore: sums.ub, analyticFlopsAfter: sums.ua,
      graphFlopsBefore: sums.gb, graphFlopsAfter: sums.ga, predictedSpeedup: sums.ua > 0 ? sums.ub / sums.ua : 1, realisedSpeedup: realised, speedupInterval: intervals,
      mergeLayer: k, ...(tasks.length ? { task: sumTaskFlops(tasks)! } : {}),
    },
  };
}
