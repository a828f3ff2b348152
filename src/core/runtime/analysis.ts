// What merging does to one file on a real encoder run: sequence lengths, FLOPs (analytic model and
// counted from the ONNX graph at the actual shapes), measured latency, and how far the outputs move.
// The result is plain JSON (AnalysisResult) so the CLI can print it and the editor can colour by it.
import { type FlopBreakdown, encoderFlops } from '../flops';
import type { GraphFlopCount } from './graph-flops';
import { cosine, meanRows, quantile } from './compare';
import type { T5EncoderRuntime } from './encoder';
import { type GroupReducer, mergeEmbeddings, mergeMapping } from './merge';
import { type FileInput, splitIntoWindows, DEFAULT_WINDOW_CONTENT } from './windows';

export const RANDOM_WEIGHTS_NOTE = 'random weights: differences are mechanical, not semantic';

/** Latency of one configuration: `runs` timed runs after `warmup` untimed ones. */
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
  };
}

export interface AnalyzeOptions {
  readonly strategies: readonly { readonly name: 'average' | 'learned'; readonly reducer: GroupReducer }[];
  /** Timed runs per configuration (default 10). */
  readonly runs?: number;
  readonly warmup?: number;
  readonly requestedProvider?: string;
  readonly windowContentTokens?: number;
  /** Checked before every encoder run and every window; once aborted, `analyzeFile` stops and
   *  rejects with the signal's reason (an `AbortError` DOMException when aborted without one). */
  readonly signal?: AbortSignal;
}

async function timeRuns(
  runtime: T5EncoderRuntime, embeds: Float32Array, seq: number, runs: number, warmup: number, signal: AbortSignal | undefined,
): Promise<{ out: Float32Array; stats: LatencyStats }> {
  // One encoder run is the unit of work that cannot be interrupted (onnxruntime has no abort),
  // so the signal is checked before each one: a cancel waits for at most one run.
  signal?.throwIfAborted();
  let out = await runtime.run({ embeds, batch: 1, seq });
  for (let i = 1; i < warmup; i++) {
    signal?.throwIfAborted();
    await runtime.run({ embeds, batch: 1, seq });
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    signal?.throwIfAborted();
    const t0 = performance.now();
    out = await runtime.run({ embeds, batch: 1, seq });
    times.push(performance.now() - t0);
  }
  return { out, stats: { medianMs: quantile(times, 0.5), p90Ms: quantile(times, 0.9), runs, warmup: Math.max(1, warmup) } };
}

function agrees(a: FlopBreakdown, g: GraphFlopCount): boolean {
  return a.projections + a.feedForward === g.weightMatMuls && a.attentionScores + a.attentionContext === g.activationMatMuls;
}

/** Compares a merged run's output with the unmerged one (both [len, d]). */
export function compareOutputs(
  unmerged: Float32Array, merged: Float32Array, d: number, windowGroups: readonly (readonly number[])[],
  mergedToOriginal: Int32Array, groupMergedPositions: Int32Array,
): Omit<StrategyResult, 'strategy' | 'latency' | 'realisedSpeedup' | 'groups'> & { groupCosines: number[] } {
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
    minTokenCosine: cos.length ? Math.min(...cos) : NaN,
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
  const latencySums = new Map<string, { un: number; me: number }>();
  const signal = opts.signal;
  signal?.throwIfAborted();
  for (const w of windows) {
    signal?.throwIfAborted();
    const embeds = runtime.embed(w.ids);
    const mapping = mergeMapping(w.ids.length, w.groups);
    const lengthBefore = w.ids.length;
    const lengthAfter = mapping.length;
    const analyticBefore = encoderFlops(info.encoderConfig, lengthBefore);
    const analyticAfter = encoderFlops(info.encoderConfig, lengthAfter);
    const graphBefore = await runtime.graphFlops(lengthBefore);
    const graphAfter = await runtime.graphFlops(lengthAfter);
    const unmerged = await timeRuns(runtime, embeds, lengthBefore, runs, warmup, signal);
    const strategies: StrategyResult[] = [];
    for (const s of opts.strategies) {
      const merged = mergeEmbeddings(embeds, d, w.groups, s.reducer);
      const mr = await timeRuns(runtime, merged.embeds, merged.length, runs, warmup, signal);
      const cmp = compareOutputs(unmerged.out, mr.out, d, w.groups, merged.mergedToOriginal, merged.groupMergedPositions);
      const { groupCosines, ...rest } = cmp;
      strategies.push({
        strategy: s.name, latency: mr.stats, realisedSpeedup: unmerged.stats.medianMs / mr.stats.medianMs, ...rest,
        groups: w.groups.map((g, gi) => ({
          fileGroup: w.fileGroup[gi]!, ...(w.groupLabels[gi] !== undefined ? { label: w.groupLabels[gi] } : {}),
          positions: g, mergedPosition: merged.groupMergedPositions[gi]!, cosine: groupCosines[gi]!,
        })),
      });
      const acc = latencySums.get(s.name) ?? { un: 0, me: 0 };
      acc.un += unmerged.stats.medianMs;
      acc.me += mr.stats.medianMs;
      latencySums.set(s.name, acc);
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
      unmergedLatency: unmerged.stats, strategies,
    });
  }
  const realised: Partial<Record<'average' | 'learned', number>> = {};
  for (const [k, v] of latencySums) realised[k as 'average' | 'learned'] = v.un / v.me;
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
      graphFlopsBefore: sums.gb, graphFlopsAfter: sums.ga, predictedSpeedup: sums.ua > 0 ? sums.ub / sums.ua : 1, realisedSpeedup: realised,
    },
  };
}
