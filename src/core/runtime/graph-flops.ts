// Counts matrix-multiply FLOPs from the ONNX graph itself, at actual shapes, as a check on the
// analytic model in ../flops.ts. A counting copy of the model exposes every non-constant MatMul/Gemm
// input as an extra graph output; one run at the wanted length gives every operand's dims, and each
// product costs 2·batch·M·K·N (1 multiply-add = 2 FLOPs, the analytic model's convention).
import { onnx } from 'onnx-proto';
import { type ModelProto, ModelError, attrInt, tensorDims } from './onnx-model';

export interface MatMulSite {
  readonly node: string;
  readonly op: 'MatMul' | 'Gemm';
  /** Operand names; dims come from initializers or from the counting run. */
  readonly a: string;
  readonly b: string;
  readonly transA: boolean;
  readonly transB: boolean;
}

export interface CountingModel {
  readonly model: ModelProto;
  readonly sites: readonly MatMulSite[];
  /** Dims of operands that are initializers (weights). */
  readonly constantDims: ReadonlyMap<string, number[]>;
  /** Operand names added as graph outputs. */
  readonly probedOutputs: readonly string[];
}

export interface GraphFlopCount {
  readonly tokens: number;
  /** Products with a weight operand: Q/K/V/O projections and the feed-forward block. */
  readonly weightMatMuls: number;
  /** Products of two activations: attention scores (QKᵀ) and context (softmax·V). */
  readonly activationMatMuls: number;
  readonly total: number;
  readonly matmulCount: number;
}

/** Turns a (rewritten) model into its counting copy, in place. */
export function makeCountingModel(model: ModelProto): CountingModel {
  const graph = model.graph!;
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const sites: MatMulSite[] = [];
  const constantDims = new Map<string, number[]>();
  const probed: string[] = [];
  const existingOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const probe = (name: string): void => {
    const init = inits.get(name);
    if (init) {
      constantDims.set(name, tensorDims(init));
    } else if (!probed.includes(name)) {
      // An operand that already is a graph output is fetched too (its dims are needed), just not added twice.
      probed.push(name);
      if (!existingOutputs.has(name)) {
        existingOutputs.add(name);
        graph.output!.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }));
      }
    }
  };
  for (const n of graph.node ?? []) {
    if (n.opType !== 'MatMul' && n.opType !== 'Gemm') continue;
    const [a, b] = [n.input![0]!, n.input![1]!];
    probe(a);
    probe(b);
    sites.push({
      node: n.name || n.output![0]!, op: n.opType, a, b,
      transA: n.opType === 'Gemm' && attrInt(n, 'transA', 0) === 1,
      transB: n.opType === 'Gemm' && attrInt(n, 'transB', 0) === 1,
    });
  }
  if (sites.length === 0) {
    throw new ModelError('not a T5 encoder graph this tool can use: it has no MatMul/Gemm nodes, so there are no matrix-multiply FLOPs to count');
  }
  // onnxruntime refuses an empty fetch list; when every operand is a weight, fetch an output anyway.
  if (probed.length === 0 && graph.output!.length > 0) probed.push(graph.output![0]!.name ?? '');
  return { model, sites, constantDims, probedOutputs: probed };
}

/** FLOPs of one MatMul/Gemm from its operand dims (numpy matmul broadcasting). */
export function matmulFlops(aDims: readonly number[], bDims: readonly number[], transA = false, transB = false): number {
  let a = [...aDims];
  let b = [...bDims];
  if (transA) a = [a[1]!, a[0]!];
  if (transB) b = [b[1]!, b[0]!];
  if (a.length === 1) a = [1, a[0]!];
  if (b.length === 1) b = [b[0]!, 1];
  const M = a[a.length - 2]!;
  const K = a[a.length - 1]!;
  const N = b[b.length - 1]!;
  if (b[b.length - 2] !== K) throw new Error(`MatMul operand dims do not line up: [${aDims}] x [${bDims}]`);
  const ba = a.slice(0, -2);
  const bb = b.slice(0, -2);
  const rank = Math.max(ba.length, bb.length);
  let batch = 1;
  for (let i = 0; i < rank; i++) {
    const da = ba[ba.length - rank + i] ?? 1;
    const db = bb[bb.length - rank + i] ?? 1;
    batch *= Math.max(da, db);
  }
  return 2 * batch * M * K * N;
}

/** Sums the products given the dims the counting run produced. */
export function sumGraphFlops(cm: CountingModel, runtimeDims: ReadonlyMap<string, readonly number[]>, tokens: number): GraphFlopCount {
  let weight = 0;
  let activation = 0;
  for (const s of cm.sites) {
    const dimsOf = (name: string): readonly number[] => {
      const d = cm.constantDims.get(name) ?? runtimeDims.get(name);
      if (!d) throw new Error(`no dims for MatMul operand ${name} of ${s.node}`);
      return d;
    };
    const f = matmulFlops(dimsOf(s.a), dimsOf(s.b), s.transA, s.transB);
    if (cm.constantDims.has(s.a) || cm.constantDims.has(s.b)) weight += f;
    else activation += f;
  }
  return { tokens, weightMatMuls: weight, activationMatMuls: activation, total: weight + activation, matmulCount: cm.sites.length };
}
