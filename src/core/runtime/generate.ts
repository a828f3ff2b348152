// Greedy generation from the unmerged and the merged encoder output, and how the two outputs
// compare. The merged run differs only in what the decoder attends to (m instead of n encoder
// positions); the decoder, start token and stopping rule are the same.
import { cachedDecodeFlops, greedyDecodeFlops } from '../decoder-flops';
import { encoderFlops, encoderFlopsAtLayer } from '../flops';
import type { T5DecoderRuntime } from './decoder';
import type { T5EncoderRuntime } from './encoder';
import type { GroupReducer } from './merge';
import { checkMergeLayer, runMergedAtLayer } from './merge-layer';

/** Index of the largest value; the first one on ties, as torch.argmax. NaN never wins. */
export function argmax(row: ArrayLike<number>): number {
  let best = -1;
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (v > max || (best < 0 && v === -Infinity)) {
      max = v;
      best = i;
    }
  }
  if (best < 0) throw new Error('argmax of a row with no comparable value (all NaN)');
  return best;
}

export interface GreedyOptions {
  /** At most this many tokens are generated (the stop token counts, as in transformers). */
  readonly maxNewTokens: number;
  readonly startTokenId: number;
  readonly eosTokenIds: readonly number[];
  readonly signal?: AbortSignal;
}

export interface GreedyOutput {
  /** Generated ids after the start token; ends with the stop token when one was generated. */
  readonly ids: number[];
  readonly stoppedBy: 'eos' | 'max-new-tokens';
}

/**
 * transformers' greedy search without a cache: each step runs the decoder over the start token
 * and everything generated so far and appends the argmax of the last position's logits.
 */
export async function greedyDecode(decoder: T5DecoderRuntime, memory: Float32Array, memoryLength: number, o: GreedyOptions): Promise<GreedyOutput> {
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 1) throw new RangeError(`max new tokens must be a whole number ≥ 1, got ${o.maxNewTokens}`);
  const vocab = decoder.info.vocabSize;
  const prefix = [o.startTokenId];
  const ids: number[] = [];
  for (let step = 0; step < o.maxNewTokens; step++) {
    o.signal?.throwIfAborted();
    const logits = await decoder.logits(prefix, memory, memoryLength);
    const next = argmax(logits.subarray((prefix.length - 1) * vocab, prefix.length * vocab));
    prefix.push(next);
    ids.push(next);
    if (o.eosTokenIds.includes(next)) return { ids, stoppedBy: 'eos' };
  }
  return { ids, stoppedBy: 'max-new-tokens' };
}

export interface GenerationRunFlops {
  readonly encoder: number;
  /** The decoder as run here: every step over the whole prefix. */
  readonly decoder: number;
  readonly total: number;
  /** What the same decoding costs with a key/value cache (K/V of the encoder output once, one position per step). */
  readonly decoderWithKvCache: number;
}

export interface GenerationRun extends GreedyOutput {
  /** Encoder positions the decoder attended to. */
  readonly encoderLength: number;
  readonly flops: GenerationRunFlops;
  readonly ms: { readonly encoder: number; readonly decoder: number };
}

export interface GenerationComparison {
  readonly unmerged: GenerationRun;
  readonly merged: GenerationRun;
  /** Index (into the generated ids) of the first token where the runs differ; null when identical. */
  readonly firstDifference: number | null;
  /** Positions with the same token, over the longer run's length (1 when both are equal). */
  readonly agreement: { readonly matching: number; readonly compared: number; readonly fraction: number };
  /** 1 − merged/unmerged total FLOPs (analytic, as run). */
  readonly flopSaving: number;
  /** Encoder block after which the merged run merged (0 = at the embeddings). */
  readonly mergeLayer: number;
}

/** Where two id sequences first differ (a shorter one differs where it ends), and how many positions agree. */
export function compareIds(a: readonly number[], b: readonly number[]): Pick<GenerationComparison, 'firstDifference' | 'agreement'> {
  const common = Math.min(a.length, b.length);
  let first: number | null = null;
  let matching = 0;
  for (let i = 0; i < common; i++) {
    if (a[i] === b[i]) matching++;
    else first ??= i;
  }
  if (first === null && a.length !== b.length) first = common;
  const compared = Math.max(a.length, b.length);
  return { firstDifference: first, agreement: { matching, compared, fraction: compared === 0 ? 1 : matching / compared } };
}

/** One encoder output to decode from: `memory` ([length, d]) and its analytic encoder FLOPs. */
interface EncodedMemory {
  readonly memory: Float32Array;
  readonly length: number;
  readonly encoderFlops: number;
}

async function runOnce(decoder: T5DecoderRuntime, encode: () => Promise<EncodedMemory>, o: GreedyOptions): Promise<GenerationRun> {
  const t0 = performance.now();
  const { memory, length, encoderFlops: enc } = await encode();
  const t1 = performance.now();
  const out = await greedyDecode(decoder, memory, length, o);
  const t2 = performance.now();
  const dec = greedyDecodeFlops(decoder.info.shape, length, out.ids.length);
  return {
    ...out, encoderLength: length,
    flops: { encoder: enc, decoder: dec, total: enc + dec, decoderWithKvCache: cachedDecodeFlops(decoder.info.shape, length, out.ids.length) },
    ms: { encoder: t1 - t0, decoder: t2 - t1 },
  };
}

export interface GenerateOptions {
  readonly maxNewTokens: number;
  readonly signal?: AbortSignal;
  /** Merge after encoder block K (0, the default: at the embeddings); 0..num_layers. */
  readonly mergeLayer?: number;
}

/**
 * Greedy generation for `ids` as they are, then with `groups` merged by `reducer` (at the
 * embeddings, or after encoder block `o.mergeLayer`); the stop rule and start token come from the
 * decoder's generation settings.
 */
export async function generateWithAndWithoutMerging(
  encoder: T5EncoderRuntime, decoder: T5DecoderRuntime, ids: readonly number[], groups: readonly (readonly number[])[],
  reducer: GroupReducer, o: GenerateOptions,
): Promise<GenerationComparison> {
  if (ids.length === 0) throw new RangeError('nothing to generate from: no input ids');
  if (encoder.info.dModel !== decoder.info.dModel || encoder.info.vocabSize !== decoder.info.vocabSize) {
    throw new Error(`encoder (d_model ${encoder.info.dModel}, vocab ${encoder.info.vocabSize}) and decoder (d_model ${decoder.info.dModel}, vocab ${decoder.info.vocabSize}) are not one model`);
  }
  const k = o.mergeLayer ?? 0;
  checkMergeLayer(k, encoder.layers);
  const cfg = encoder.info.encoderConfig;
  const embeds = encoder.embed(ids);
  const n = ids.length;
  const greedy: GreedyOptions = {
    maxNewTokens: o.maxNewTokens, startTokenId: decoder.info.tokens.decoderStartTokenId, eosTokenIds: decoder.info.tokens.eosTokenIds, signal: o.signal,
  };
  const unmergedRun = await runOnce(decoder, async () => ({
    memory: await encoder.run({ embeds, batch: 1, seq: n }), length: n, encoderFlops: encoderFlops(cfg, n).total,
  }), greedy);
  // At K = 0 runMergedAtLayer is the whole encoder on the merged embeddings, as before merge layers.
  const mergedRun = await runOnce(decoder, async () => {
    const { out, merged } = await runMergedAtLayer(encoder, k, embeds, groups, reducer);
    // encoderFlops at K = 0 keeps the figure bit-for-bit what it was before merge layers.
    const flops = k === 0 ? encoderFlops(cfg, merged.length) : encoderFlopsAtLayer(cfg, n, merged.length, k);
    return { memory: out, length: merged.length, encoderFlops: flops.total };
  }, greedy);
  return {
    unmerged: unmergedRun, merged: mergedRun, ...compareIds(unmergedRun.ids, mergedRun.ids),
    flopSaving: 1 - mergedRun.flops.total / unmergedRun.flops.total, mergeLayer: k,
  };
}
