// The in-memory weights of a T5 encoder in the layout the ONNX graph builder consumes ([in, out]
// matrices, x·W): what the embedded model generates and what the test oracle
// (test/support/reference-t5.ts) evaluates. Checkpoint state dicts, in PyTorch's layout, are
// weights/t5-weights.ts.

export interface T5Dims {
  readonly dModel: number;
  readonly dKv: number;
  readonly heads: number;
  readonly dFf: number;
  readonly layers: number;
  readonly vocabSize: number;
  readonly numBuckets: number;
  readonly maxDistance: number;
  readonly eps: number;
}

export interface T5LayerWeights {
  /** RMS norm weight before self-attention, [d]. */
  readonly ln0: Float32Array;
  /** Projections in [in, out] layout (x·W), as torch exports store them after constant folding. */
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  /** [inner, d]. */
  readonly o: Float32Array;
  /** RMS norm weight before the feed-forward block, [d]. */
  readonly ln1: Float32Array;
  /** [d, dFf] and [dFf, d]. */
  readonly wi: Float32Array;
  readonly wo: Float32Array;
}

export interface T5Weights {
  readonly dims: T5Dims;
  /** [vocab, d]. */
  readonly embeddings: Float32Array;
  /** Block 0's relative attention bias table, [numBuckets, heads]. */
  readonly relativeBias: Float32Array;
  readonly layers: readonly T5LayerWeights[];
  readonly finalLn: Float32Array;
}
