// Reading, editing and writing ONNX ModelProtos in memory with `onnx-proto` (protobufjs-generated
// from the ONNX schema). Everything the runtime does to a graph goes through these helpers so that
// int64 fields (Long objects under protobufjs) and the several ways a tensor can hold its data
// (raw_data, float_data, external files) are handled in one place.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, win32 } from 'node:path';
import { onnx } from 'onnx-proto';

export type ModelProto = onnx.ModelProto;
export type GraphProto = onnx.IGraphProto;
export type NodeProto = onnx.INodeProto;
export type TensorProto = onnx.ITensorProto;

/** Thrown for anything wrong with a model file or folder; the message says what and where. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
}

/** protobufjs decodes int64 fields as `Long` when the `long` package is present, else as numbers. */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Decodes an ONNX file's bytes; a truncated or non-ONNX file gives a ModelError naming `source`. */
export function decodeModel(bytes: Uint8Array, source: string): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new ModelError(`${source} is not a readable ONNX model (corrupt or truncated?): ${(err as Error).message}`);
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new ModelError(`${source} decoded to a model with no graph nodes; it is not an ONNX model (or is truncated).`);
  }
  return model;
}

export function encodeModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export function readModelFile(path: string): ModelProto {
  if (!existsSync(path)) throw new ModelError(`model file not found: ${path}`);
  return decodeModel(readFileSync(path), path);
}

/**
 * The file an external-data `location` names, which must lie inside `baseDir`. Containment is
 * decided by path.relative, not a name prefix: `../model_x/w.bin` starts with `…/model` but lies
 * in a sibling folder. Absolute locations (POSIX or Windows-style) are refused outright.
 */
export function externalDataFile(baseDir: string, location: string, modelPath: string, tensor: string): string {
  const refuse = (why: string): never => {
    throw new ModelError(`${modelPath}: external data location ${JSON.stringify(location)} of initializer ${tensor} ${why}; ` +
      'external data must be a relative path inside the model folder');
  };
  if (isAbsolute(location) || win32.isAbsolute(location)) refuse('is an absolute path');
  const base = resolve(baseDir);
  const file = resolve(base, location);
  const rel = relative(base, file);
  if (rel === '') refuse('names the model folder itself');
  if (rel.split(/[\\/]/)[0] === '..' || isAbsolute(rel)) refuse('points outside the model folder');
  // Symlinks inside the folder are followed on purpose: Hugging Face cache snapshots link to blobs.
  return file;
}

/**
 * Moves every initializer stored in an external file into `raw_data`, so the model can be handed
 * to onnxruntime as one buffer (which cannot resolve relative external paths). Encoder-only
 * CodeT5 models are far below protobuf's 2 GB limit.
 */
export function inlineExternalData(model: ModelProto, modelPath: string): void {
  const baseDir = dirname(modelPath);
  const files = new Map<string, Buffer>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
    const kv = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = kv.get('location');
    if (!location) throw new ModelError(`${modelPath}: initializer ${t.name} is external but names no location`);
    const file = externalDataFile(baseDir, location, modelPath, t.name ?? '');
    let data = files.get(file);
    if (!data) {
      if (!existsSync(file)) throw new ModelError(`${modelPath}: external data file ${location} (for ${t.name}) is missing`);
      // A FIFO or device there would block the read forever or never end.
      if (!statSync(file).isFile()) throw new ModelError(`${modelPath}: external data ${location} (for ${t.name}) is not a regular file`);
      data = readFileSync(file);
      files.set(file, data);
    }
    const offset = Number(kv.get('offset') ?? '0');
    const length = kv.has('length') ? Number(kv.get('length')) : data.length - offset;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new ModelError(`${modelPath}: external data for ${t.name} has an invalid offset/length (${kv.get('offset')}/${kv.get('length')})`);
    }
    if (offset + length > data.length) {
      throw new ModelError(`${modelPath}: external data for ${t.name} runs past the end of ${location} (truncated?)`);
    }
    t.rawData = data.subarray(offset, offset + length);
    t.externalData = [];
    t.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
  }
}

export function tensorDims(t: TensorProto): number[] {
  return (t.dims ?? []).map((d) => toNumber(d as number));
}

/** A float32 initializer's values, whichever field holds them. Copies (the result is aligned). */
export function tensorToFloat32(t: TensorProto): Float32Array {
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) {
    throw new ModelError(`initializer ${t.name} has data type ${t.dataType}, expected FLOAT (1)`);
  }
  const count = tensorDims(t).reduce((a, b) => a * b, 1);
  if (t.rawData && t.rawData.length > 0) {
    if (t.rawData.length !== count * 4) {
      throw new ModelError(`initializer ${t.name}: raw_data has ${t.rawData.length} bytes, dims say ${count * 4}`);
    }
    const out = new Float32Array(count);
    new Uint8Array(out.buffer).set(t.rawData);
    return out;
  }
  if (t.floatData && t.floatData.length === count) return Float32Array.from(t.floatData);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new ModelError(`initializer ${t.name} still refers to external data; inline it first`);
  }
  throw new ModelError(`initializer ${t.name}: no data for ${count} floats`);
}

/** A float32 tensor proto with its data in raw_data (little-endian, as ONNX requires). */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): onnx.TensorProto {
  return onnx.TensorProto.create({
    name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): onnx.TensorProto {
  const buf = new BigInt64Array(data.map((v) => BigInt(v)));
  return onnx.TensorProto.create({
    name, dims: [...dims], dataType: onnx.TensorProto.DataType.INT64,
    rawData: new Uint8Array(buf.buffer),
  });
}

/** A ValueInfoProto for a tensor whose dims are numbers (fixed) or strings (symbolic). */
export function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): onnx.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/** The dims of a graph input/output: numbers, symbolic names, or '?' when unspecified. */
export function valueInfoDims(v: onnx.IValueInfoProto): (number | string)[] {
  return (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue as number) : '?'));
}

/** Map from tensor name to the nodes that read it. */
export function consumersOf(graph: GraphProto): Map<string, NodeProto[]> {
  const map = new Map<string, NodeProto[]>();
  for (const n of graph.node ?? []) {
    for (const i of n.input ?? []) {
      if (!i) continue;
      const list = map.get(i);
      if (list) list.push(n);
      else map.set(i, [n]);
    }
  }
  return map;
}

/** Map from tensor name to the node that writes it. */
export function producersOf(graph: GraphProto): Map<string, NodeProto> {
  const map = new Map<string, NodeProto>();
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) map.set(o, n);
  return map;
}

/**
 * Removes nodes whose outputs nobody reads (repeatedly), then initializers and graph inputs that
 * nothing reads any more. Graph outputs are kept. Subgraphs (If/Loop bodies) are treated as reading
 * every name they mention, which is conservative. Only the graph inputs named in `removableInputs`
 * are dropped when unused (callers bind the others by name).
 */
export function pruneDeadCode(graph: GraphProto, removableInputs: ReadonlySet<string> = new Set()): void {
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  for (;;) {
    const used = new Set<string>(outputs);
    for (const n of graph.node ?? []) {
      for (const i of n.input ?? []) used.add(i);
      for (const a of n.attribute ?? []) if (a.g) for (const sn of a.g.node ?? []) for (const i of sn.input ?? []) used.add(i);
    }
    const before = graph.node!.length;
    graph.node = graph.node!.filter((n) => (n.output ?? []).some((o) => o && used.has(o)));
    if (graph.node.length === before) {
      graph.initializer = (graph.initializer ?? []).filter((t) => used.has(t.name ?? ''));
      graph.input = (graph.input ?? []).filter((v) => used.has(v.name ?? '') || !removableInputs.has(v.name ?? ''));
      const produced = new Set<string>();
      for (const n of graph.node) for (const o of n.output ?? []) produced.add(o);
      graph.valueInfo = (graph.valueInfo ?? []).filter((v) => produced.has(v.name ?? ''));
      return;
    }
  }
}

export function attrInt(node: NodeProto, name: string, fallback: number): number {
  const a = (node.attribute ?? []).find((x) => x.name === name);
  return a ? toNumber(a.i as number) : fallback;
}

/** A decoded model's graph with protobufjs' defaults (decoded repeated fields are always arrays). */
export function graphOf(model: onnx.IModelProto): onnx.GraphProto {
  if (!model.graph) throw new ModelError('model has no graph');
  return model.graph as onnx.GraphProto;
}
