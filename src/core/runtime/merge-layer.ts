// Merging after encoder block K instead of at the embeddings. The encoder splits into two graphs
// made by the same builder: part A = blocks [0, K) on all n positions, part B = blocks [K, L) and
// the final norm on the m merged positions (its relative position bias computed for length m).
// The merge itself stays in TypeScript between them (mergeEmbeddings, the same average or learned
// reducer as at the embeddings), so K = 0 is exactly today's path: no part A, part B = the whole
// encoder. Parts are rebuilt from the runtime's own graph, whose initializers carry checkpoint
// names; torch exports do not, and can only merge at K = 0.
import type { InferenceSession } from 'onnxruntime-node';
import type { GraphFlopCount } from './graph-flops';
import { type EncoderBlockRange, type EncoderGraphSpec, buildEncoderGraph } from './graph/encoder-graph';
import { NotABuiltGraphError, encoderSpecFromGraph } from './graph/spec-from-graph';
import { ModelError, type ModelProto, decodeModel, encodeModel } from './onnx-model';
import type { T5Config } from './model-dir';
import { DEVICE_TO_PROVIDER } from './providers';
import { type GroupReducer, type MergedSequence, mergeEmbeddings } from './merge';

export interface EncoderParts {
  readonly k: number;
  readonly bytes: { readonly before: Uint8Array; readonly after: Uint8Array };
  readonly before: InferenceSession;
  readonly after: InferenceSession;
}

/** Throws a RangeError unless 0 ≤ k ≤ layers (k whole). */
export function checkMergeLayer(k: number, layers: number): void {
  if (!Number.isInteger(k) || k < 0 || k > layers) throw new RangeError(`merge layer must be a whole number from 0 to ${layers} (the encoder's blocks), got ${k}`);
}

/** The device to ask for so that a part runs where the whole encoder runs. */
export function deviceOfProvider(provider: string): string {
  return Object.entries(DEVICE_TO_PROVIDER).find(([, p]) => p === provider)?.[0] ?? 'cpu';
}

export const noFlops = (tokens: number): GraphFlopCount => ({ tokens, weightMatMuls: 0, activationMatMuls: 0, total: 0, matmulCount: 0 });

/** The encoder spec behind a runtime's graph, or a ModelError saying why merge layers > 0 are out of reach. */
export function encoderSpecFromRuntimeGraph(bytes: Uint8Array, info: { readonly onnxFile: string; readonly dir: string; readonly config: T5Config }): EncoderGraphSpec {
  try {
    return encoderSpecFromGraph(decodeModel(bytes, info.onnxFile), info.config, info.onnxFile);
  } catch (err) {
    if (!(err instanceof NotABuiltGraphError)) throw err;
    throw new ModelError(
      `merging after an encoder block needs the blocks as separate graphs, which this tool builds from checkpoint weights; ${info.dir} is an ONNX export (${err.message}). ` +
      'Use merge layer 0, or load the model from its checkpoint folder (model.safetensors or pytorch_model.bin)',
    );
  }
}

/** Encoded graphs of part A (blocks [0, k), no final norm) and part B (blocks [k, L) + final norm). */
export function partGraphBytes(spec: EncoderGraphSpec, k: number): { before: Uint8Array; after: Uint8Array } {
  const L = spec.layers.length;
  checkMergeLayer(k, L);
  const build = (part: string, range: EncoderBlockRange): Uint8Array =>
    encodeModel(withoutUnusedInitializers(buildEncoderGraph(spec, { kind: 'inputs_embeds' }, { name: `t5-encoder-${part}-${k}`, producerVersion: 'merge-layer' }, range)));
  return {
    before: build('before', { from: 0, to: k, finalNorm: false }),
    after: build('after', { from: k, to: L, finalNorm: true }),
  };
}

/** Drops the shared constants a part never reads (a part of only the final norm reads almost none),
 *  which onnxruntime would otherwise warn about on every load. */
function withoutUnusedInitializers(model: ModelProto): ModelProto {
  const graph = model.graph!;
  const used = new Set((graph.node ?? []).flatMap((n) => n.input ?? []));
  graph.initializer = (graph.initializer ?? []).filter((t) => used.has(t.name ?? ''));
  return model;
}

/** What runs a merge at layer k (T5EncoderRuntime implements it). */
export interface SplitEncoder {
  readonly info: { readonly dModel: number };
  runBeforeMerge(k: number, input: { embeds: Float32Array; batch: number; seq: number }): Promise<Float32Array>;
  runAfterMerge(k: number, input: { embeds: Float32Array; batch: number; seq: number }): Promise<Float32Array>;
}

/**
 * One merged encoder run at layer k on `embeds` ([n, d]): part A on n positions, each group's rows
 * reduced to its first position, part B on the m that remain. `reducer` undefined: no merge (the
 * two parts back to back, which equals the whole encoder).
 */
export async function runMergedAtLayer(
  enc: SplitEncoder, k: number, embeds: Float32Array, groups: readonly (readonly number[])[], reducer: GroupReducer | undefined,
): Promise<{ out: Float32Array; merged: MergedSequence }> {
  const d = enc.info.dModel;
  const n = embeds.length / d;
  const hidden = await enc.runBeforeMerge(k, { embeds, batch: 1, seq: n });
  const merged = mergeEmbeddings(hidden, d, groups, reducer);
  const out = await enc.runAfterMerge(k, { embeds: merged.embeds, batch: 1, seq: merged.length });
  return { out, merged };
}
