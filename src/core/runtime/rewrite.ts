// Rewrites an encoder graph that starts from `input_ids` into one that starts from `inputs_embeds`,
// so that merged (averaged or learned) embeddings can be fed in. The embedding Gather is found by
// its structure, not its name: exporters name it `/encoder/shared/Gather`, `/encoder/embed_tokens/
// Gather`, ... but it is always a Gather whose data is a 2-D float initializer [vocab, d_model] and
// whose indices come from the int graph input, possibly through Reshape/Cast/Squeeze/... nodes.
import { onnx } from 'onnx-proto';
import {
  type GraphProto, ModelError, type ModelProto, type NodeProto, consumersOf, int64Tensor, producersOf,
  pruneDeadCode, tensorDims, tensorToFloat32, valueInfo, valueInfoDims,
} from './onnx-model';

export const INPUTS_EMBEDS = 'inputs_embeds';

/** Ops that do the encoder's matrix products (projections, attention, feed-forward). */
export const MATMUL_OPS: ReadonlySet<string> = new Set(['MatMul', 'Gemm']);

/**
 * Refuses, in one line, a graph that is not a T5 encoder this tool can run and count: one without
 * a `last_hidden_state` output or without any MatMul/Gemm (onnxruntime would otherwise fail later
 * with its own words, e.g. "'fetches' cannot be an empty array" when counting FLOPs).
 */
export function assertT5EncoderGraph(graph: GraphProto): void {
  const inputs = (graph.input ?? []).map((v) => v.name ?? '');
  const outputs = (graph.output ?? []).map((v) => v.name ?? '');
  const matmuls = (graph.node ?? []).filter((n) => MATMUL_OPS.has(n.opType ?? '')).length;
  if (matmuls > 0 && outputs.includes('last_hidden_state')) return;
  const list = (names: string[]) => (names.length ? names.slice(0, 8).join(', ') + (names.length > 8 ? ', …' : '') : 'none');
  throw new ModelError(
    'not a T5 encoder graph this tool can use: expected inputs input_ids and attention_mask, output last_hidden_state ' +
    `and MatMul nodes (attention and feed-forward); found inputs ${list(inputs)}, outputs ${list(outputs)}, ${matmuls} MatMul/Gemm nodes`,
  );
}

/** Ops an exporter may put between `input_ids` and the embedding Gather's indices. */
const INDEX_PASS_THROUGH = new Set(['Reshape', 'Cast', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity']);

export interface EmbeddingRewrite {
  /** The rewritten model (same object as the input, edited in place). */
  readonly model: ModelProto;
  /** The removed embedding matrix, row-major [vocabSize, dModel]. */
  readonly embeddings: Float32Array;
  readonly vocabSize: number;
  readonly dModel: number;
  /** What was found and changed, for logs and reports. */
  readonly gatherNode: string;
  readonly embeddingInitializer: string;
  readonly idsInput: string;
  /** Names of the ops that read `input_ids`' shape and now read `inputs_embeds`' first two dims. */
  readonly repointedShapeReaders: string[];
}

interface EmbeddingGather {
  node: NodeProto;
  init: onnx.ITensorProto;
  idsInput: onnx.IValueInfoProto;
}

/** Follows the Gather's index input back through pass-through ops to a graph input. */
function traceIndicesToInput(graph: GraphProto, start: string): onnx.IValueInfoProto | undefined {
  const producers = producersOf(graph);
  const inputs = new Map((graph.input ?? []).map((v) => [v.name ?? '', v]));
  let name = start;
  for (let hops = 0; hops < 16; hops++) {
    const input = inputs.get(name);
    if (input) return input;
    const p = producers.get(name);
    if (!p || !INDEX_PASS_THROUGH.has(p.opType ?? '')) return undefined;
    name = p.input![0]!;
  }
  return undefined;
}

function findEmbeddingGather(graph: GraphProto): EmbeddingGather {
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const candidates: EmbeddingGather[] = [];
  const seen: string[] = [];
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Gather') continue;
    const init = inits.get(node.input?.[0] ?? '');
    const idsInput = traceIndicesToInput(graph, node.input?.[1] ?? '');
    seen.push(`${node.name || node.output?.[0]} (data ${init ? `initializer [${tensorDims(init)}]` : 'not an initializer'}, indices ${idsInput ? `from input ${idsInput.name}` : 'not from a graph input'})`);
    if (!init || tensorDims(init).length !== 2 || init.dataType !== onnx.TensorProto.DataType.FLOAT) continue;
    if (!idsInput) continue;
    const elem = idsInput.type?.tensorType?.elemType;
    if (elem !== onnx.TensorProto.DataType.INT64 && elem !== onnx.TensorProto.DataType.INT32) continue;
    if ((node.attribute ?? []).some((a) => a.name === 'axis' && Number(a.i ?? 0) !== 0)) continue;
    candidates.push({ node, init, idsInput });
  }
  if (candidates.length === 0) {
    throw new ModelError(
      'no embedding lookup found: expected a Gather whose data is a 2-D float initializer [vocab, d_model] and whose indices ' +
      `come from an int64 graph input (directly or through ${[...INDEX_PASS_THROUGH].join('/')}). ` +
      `Gathers found: ${seen.length ? seen.join('; ') : 'none'}.`,
    );
  }
  if (candidates.length > 1) {
    throw new ModelError(`more than one embedding-like Gather found (${candidates.map((c) => c.node.name).join(', ')}); cannot tell which is the token embedding.`);
  }
  return candidates[0]!;
}

/**
 * Replaces the token-embedding Gather by a new float input `inputs_embeds` [batch, seq, d_model],
 * removes the embedding initializer and the `input_ids` path, and re-points ops that only read the
 * ids' shape to the first two dims of `inputs_embeds`' shape. Throws a ModelError for graphs whose
 * structure it does not recognise (assertT5EncoderGraph first). The model is edited in place; initializers must be inlined.
 */
export function rewriteToInputsEmbeds(model: ModelProto): EmbeddingRewrite {
  const graph = model.graph!;
  assertT5EncoderGraph(graph);
  const { node: gather, init, idsInput } = findEmbeddingGather(graph);
  const idsName = idsInput.name ?? '';
  const [vocabSize, dModel] = tensorDims(init) as [number, number];
  const embeddings = tensorToFloat32(init);
  const gatherOut = gather.output![0]!;

  // The new input takes the ids' symbolic batch/seq dims so shape inference keeps its names.
  const idsDims = valueInfoDims(idsInput);
  const batchDim = idsDims[0] ?? 'batch_size';
  const seqDim = idsDims[1] ?? 'encoder_sequence_length';
  const embedsInfo = valueInfo(INPUTS_EMBEDS, onnx.TensorProto.DataType.FLOAT, [
    typeof batchDim === 'number' || batchDim !== '?' ? batchDim : 'batch_size',
    typeof seqDim === 'number' || seqDim !== '?' ? seqDim : 'encoder_sequence_length',
    dModel,
  ]);
  const idsIndex = graph.input!.indexOf(idsInput as onnx.ValueInfoProto);
  graph.input!.splice(idsIndex + 1, 0, embedsInfo);

  for (const n of graph.node ?? []) {
    n.input = (n.input ?? []).map((i) => (i === gatherOut ? INPUTS_EMBEDS : i));
  }
  graph.output = (graph.output ?? []).map((o) => {
    if (o.name === gatherOut) throw new ModelError(`the embedding Gather's output ${gatherOut} is itself a graph output; not an encoder graph`);
    return o;
  });
  graph.node = graph.node!.filter((n) => n !== gather);
  pruneDeadCode(graph);

  // Whatever still reads input_ids must only want its shape.
  const repointed: string[] = [];
  const readers = consumersOf(graph).get(idsName) ?? [];
  const bad = readers.filter((n) => n.opType !== 'Shape');
  if (bad.length) {
    throw new ModelError(
      `after removing the embedding Gather, ${idsName} is still read by ${bad.map((n) => `${n.opType} ${n.name}`).join(', ')}; ` +
      'only Shape readers can be re-pointed to inputs_embeds (the runtime cannot feed both ids and embeddings).',
    );
  }
  if (readers.length) {
    const shapeFull = '/subtoken_lens/inputs_embeds_shape';
    const shape2 = '/subtoken_lens/inputs_embeds_shape_2d';
    graph.initializer!.push(int64Tensor('/subtoken_lens/zero', [1], [0]), int64Tensor('/subtoken_lens/two', [1], [2]));
    graph.node!.unshift(
      onnx.NodeProto.create({ name: '/subtoken_lens/Shape', opType: 'Shape', input: [INPUTS_EMBEDS], output: [shapeFull] }),
      onnx.NodeProto.create({ name: '/subtoken_lens/Slice', opType: 'Slice', input: [shapeFull, '/subtoken_lens/zero', '/subtoken_lens/two'], output: [shape2] }),
    );
    for (const r of readers) {
      if ((r.attribute ?? []).some((a) => a.name === 'start' || a.name === 'end')) {
        throw new ModelError(`Shape reader ${r.name} of ${idsName} uses start/end attributes; not supported by the rewrite`);
      }
      // Turn `Shape(input_ids)` into `Identity(shape2)`: same output name, same value.
      r.opType = 'Identity';
      r.input = [shape2];
      repointed.push(r.name ?? '');
    }
  }
  pruneDeadCode(graph, new Set([idsName]));
  if (graph.input!.some((v) => v.name === idsName)) {
    throw new ModelError(`${idsName} is still needed after the rewrite; graph not recognised`);
  }
  return {
    model, embeddings, vocabSize, dModel, gatherNode: gather.name || gatherOut,
    embeddingInitializer: init.name ?? '', idsInput: idsName, repointedShapeReaders: repointed,
  };
}
