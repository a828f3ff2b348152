// Writing ONNX graphs node by node: a small builder that names every node and output after its
// scope (`/encoder/block.0/layer.0/SelfAttention/MatMul_12`, the way torch's exporter names them,
// so logs and the FLOP counter read alike for exported and built graphs) and collects initializers.
import { onnx } from 'onnx-proto';
import { floatTensor, int64Tensor, valueInfo } from '../onnx-model';

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;

export const intAttr = (name: string, i: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
export const intsAttr = (name: string, ints: number[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints });

export interface GraphIo {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly (number | string)[];
}

export class GraphBuilder {
  readonly nodes: onnx.NodeProto[] = [];
  readonly initializers: onnx.TensorProto[] = [];
  private readonly initializerNames = new Set<string>();
  private counter = 0;

  /** Adds one node with a single output, named after its scope and op; returns the output name. */
  node(opType: string, inputs: string[], attrs: onnx.IAttributeProto[] = [], scope = ''): string {
    const out = `${scope}/${opType}_${this.counter++}`;
    this.nodes.push(onnx.NodeProto.create({ name: out, opType, input: inputs, output: [out], attribute: attrs }));
    return out;
  }

  /** Copies `input` to a graph output of the given name. */
  output(input: string, name: string, scope = ''): void {
    this.nodes.push(onnx.NodeProto.create({ name: `${scope}/output_${name}`, opType: 'Identity', input: [input], output: [name] }));
  }

  /** A float32 initializer (row-major `data`); returns its name. The data is referenced, not copied. */
  floats(name: string, dims: number[], data: Float32Array): string {
    if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`initializer ${name}: ${data.length} values for dims [${dims}]`);
    return this.add(name, floatTensor(name, dims, data));
  }

  int64s(name: string, data: number[], dims: number[] = [data.length]): string {
    return this.add(name, int64Tensor(name, dims, data));
  }

  scalar(name: string, v: number): string {
    return this.floats(name, [], Float32Array.of(v));
  }

  int64Scalar(name: string, v: number): string {
    return this.int64s(name, [v], []);
  }

  /** A constant already added under `name` is reused (helpers ask for the ones they need). */
  has(name: string): boolean {
    return this.initializerNames.has(name);
  }

  private add(name: string, t: onnx.TensorProto): string {
    if (this.initializerNames.has(name)) throw new Error(`initializer ${name} added twice`);
    this.initializerNames.add(name);
    this.initializers.push(t);
    return name;
  }

  /** The finished model (opset 14: every op used here exists there and onnxruntime runs it). */
  model(o: { name: string; producerVersion: string; inputs: GraphIo[]; outputs: GraphIo[] }): onnx.ModelProto {
    return onnx.ModelProto.create({
      irVersion: 7,
      producerName: 'subtoken-lens',
      producerVersion: o.producerVersion,
      opsetImport: [{ domain: '', version: 14 }],
      graph: {
        name: o.name,
        node: this.nodes,
        initializer: this.initializers,
        input: o.inputs.map((v) => valueInfo(v.name, v.elemType, v.dims)),
        output: o.outputs.map((v) => valueInfo(v.name, v.elemType, v.dims)),
      },
    });
  }
}
