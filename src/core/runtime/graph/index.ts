// ONNX graphs the project builds itself: T5 building blocks, the encoder and decoder graphs, their
// specs from checkpoint weights, and the cache of built graphs beside a checkpoint.
export { GraphBuilder, FLOAT, INT64, intAttr, intsAttr, type GraphIo } from './builder';
export { T5Layers, type T5Activation, type T5GraphDims, type AttentionMatrices, type FeedForwardMatrices, type EncoderLayerMatrices, type DecoderLayerMatrices } from './t5-layers';
export { buildEncoderGraph, type EncoderGraphSpec, type EncoderGraphInput } from './encoder-graph';
export { buildDecoderGraph, type DecoderGraphSpec, DECODER_INPUT_IDS, ENCODER_HIDDEN_STATES, ENCODER_ATTENTION_MASK, LOGITS } from './decoder-graph';
export { encoderSpec, decoderSpec, graphDims, transposed } from './from-checkpoint';
export { ensureBuiltGraphs, findCheckpointFiles, checkpointHash, GRAPH_BUILDER_VERSION, MODEL_CACHE_DIR, type GraphSet, type GraphSetMeta, type CheckpointFiles, type EnsureGraphsOptions } from './cache';
