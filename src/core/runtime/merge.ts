// Merging groups of consecutive positions of an embedded sequence into one position each, before the
// encoder (Saad et al. 2025). A group's merged row sits at the group's first position; everything
// else keeps its order, so the sequence (and the attention mask) shortens by Σ(|group| − 1).
import { applyMerger, averageRows, loadMergerParams, type MergerParams } from './merger';

/** The strategies that merge: what a person chooses between (the extension's setting, `--strategy`). */
export const MERGING_STRATEGIES = ['average', 'learned'] as const;
export type MergingStrategy = (typeof MERGING_STRATEGIES)[number];
/** Every strategy, 'none' (leave the sequence as it is) included. */
export type MergeStrategy = 'none' | MergingStrategy;
export const MERGE_STRATEGIES: readonly MergeStrategy[] = ['none', ...MERGING_STRATEGIES];

export interface MergedSequence {
  /** Row-major [length, d]. */
  readonly embeds: Float32Array;
  readonly length: number;
  /** For each merged position, the original position it comes from (a group's first position). */
  readonly mergedToOriginal: Int32Array;
  /** For each original position, the merged position that now carries it. */
  readonly originalToMerged: Int32Array;
  /** For each group (in the order given), its merged position. */
  readonly groupMergedPositions: Int32Array;
}

/**
 * Checks groups against a sequence of `n` positions: each non-empty, consecutive ascending
 * positions, inside [0, n), no position in two groups. Returns them sorted by first position.
 */
export function validateGroups(groups: readonly (readonly number[])[], n: number): number[][] {
  const owner = new Int32Array(n).fill(-1);
  groups.forEach((g, gi) => {
    if (!Array.isArray(g) || g.length === 0) throw new RangeError(`group ${gi} is empty`);
    g.forEach((p, k) => {
      if (!Number.isInteger(p) || p < 0 || p >= n) throw new RangeError(`group ${gi}: position ${p} is outside the sequence [0, ${n})`);
      if (k > 0 && p !== g[k - 1]! + 1) throw new RangeError(`group ${gi} [${g.join(', ')}] is not a run of consecutive positions`);
      if (owner[p] !== -1) throw new RangeError(`position ${p} is in both group ${owner[p]} and group ${gi}`);
      owner[p] = gi;
    });
  });
  return groups.map((g) => [...g]).sort((a, b) => a[0]! - b[0]!);
}

/** How one group's rows become one row. */
export type GroupReducer = (rows: Float32Array[], d: number) => Float32Array;

export const averageReducer: GroupReducer = (rows, d) => averageRows(rows, d);
export function learnedReducer(params: MergerParams): GroupReducer {
  return (rows, d) => applyMerger(params, rows, d);
}

/** Loads the learned merger of a model folder, or says clearly that there is none. */
export function loadLearnedReducer(modelDir: string, dModel: number): GroupReducer {
  const params = loadMergerParams(modelDir, dModel);
  if (!params) throw new Error(`no learned merger in ${modelDir}; run train-merger`);
  return learnedReducer(params);
}

/** Position mapping of a merge, without touching any vectors. */
export function mergeMapping(n: number, groups: readonly (readonly number[])[]): Omit<MergedSequence, 'embeds'> {
  validateGroups(groups, n);
  const groupOf = new Int32Array(n).fill(-1);
  groups.forEach((g, gi) => g.forEach((p) => (groupOf[p] = gi)));
  const originalToMerged = new Int32Array(n);
  const mergedToOriginal: number[] = [];
  const groupMergedPositions = new Int32Array(groups.length);
  for (let p = 0; p < n; p++) {
    const gi = groupOf[p]!;
    if (gi >= 0 && groups[gi]![0] !== p) {
      originalToMerged[p] = mergedToOriginal.length - 1;
      continue;
    }
    if (gi >= 0) groupMergedPositions[gi] = mergedToOriginal.length;
    originalToMerged[p] = mergedToOriginal.length;
    mergedToOriginal.push(p);
  }
  return { length: mergedToOriginal.length, mergedToOriginal: Int32Array.from(mergedToOriginal), originalToMerged, groupMergedPositions };
}

/**
 * Merges the rows of `embeds` ([n, d] row-major) group by group. `reducer` is undefined for
 * strategy `none` (then groups are ignored and the mapping is the identity).
 */
export function mergeEmbeddings(embeds: Float32Array, d: number, groups: readonly (readonly number[])[], reducer: GroupReducer | undefined): MergedSequence {
  if (embeds.length % d !== 0) throw new RangeError(`embeddings length ${embeds.length} is not a multiple of d=${d}`);
  const n = embeds.length / d;
  const map = mergeMapping(n, reducer ? groups : []);
  const out = new Float32Array(map.length * d);
  const groupStarting = new Map<number, readonly number[]>();
  if (reducer) for (const g of groups) groupStarting.set(g[0]!, g);
  for (let m = 0; m < map.length; m++) {
    const p = map.mergedToOriginal[m]!;
    const g = groupStarting.get(p);
    const row = g && g.length > 1
      ? reducer!(g.map((q) => embeds.subarray(q * d, (q + 1) * d)), d)
      : embeds.subarray(p * d, (p + 1) * d);
    out.set(row, m * d);
  }
  return { ...map, embeds: out };
}
