// CodeT5 encoder runtime on onnxruntime-node: model folders, the input_ids → inputs_embeds rewrite,
// merging, FLOP counting from the graph, the embedded random-weight models, and file analysis.
export { T5EncoderRuntime, loadEncoder, loadEmbeddingMatrix, checkTokenizerMatchesModel, maxAbsDiff, type LoadEncoderOptions, type EncoderInfo, type RewriteProof, type RunInput } from './encoder';
export { rewriteToInputsEmbeds, INPUTS_EMBEDS, type EmbeddingRewrite } from './rewrite';
export { ModelError, decodeModel, encodeModel, readModelFile, inlineExternalData, tensorToFloat32, graphOf } from './onnx-model';
export { findEncoderFile, readT5Config, parseT5Config, toEncoderConfig, type T5Config } from './model-dir';
export { DEVICES, DEVICE_TO_PROVIDER, autoProviders, providersForDevice, createSessionWithFallback, type Device, type ProviderFailure, type SessionFactory, type SessionWithProvider } from './providers';
export { MERGE_STRATEGIES, validateGroups, mergeMapping, mergeEmbeddings, averageReducer, learnedReducer, loadLearnedReducer, type MergeStrategy, type MergedSequence, type GroupReducer } from './merge';
export { makeCountingModel, matmulFlops, sumGraphFlops, type GraphFlopCount, type CountingModel } from './graph-flops';
export { splitIntoWindows, DEFAULT_WINDOW_CONTENT, type FileInput, type WindowInput } from './windows';
export { analyzeFile, compareOutputs, RANDOM_WEIGHTS_NOTE, type AnalysisResult, type AnalyzeOptions, type WindowAnalysis, type StrategyResult, type GroupComparison, type WindowFlops, type LatencyStats } from './analysis';
export { cosine, meanRows, quantile, median } from './compare';
export { ensureEmbeddedModel, randomT5Weights, buildT5EncoderOnnx, embeddedConfig, EMBEDDED_DIMS, EMBEDDED_MODEL_KINDS, EMBEDDED_GENERATOR_VERSION, type EmbeddedModelKind } from './embedded-model';
export type { T5Weights, T5Dims, T5LayerWeights } from './t5-graph-weights';
export { mulberry32, normalSampler, normalArray } from './prng';
export { planFile, type FilePlan } from './plan-input';
export { resolveModelDir, modelDirFromSpec, loadTokenizerFor } from './resolve-model';
export { encodeNpyFloat32 } from './npy';
export { loadStateDict, loadT5Weights, t5WeightsFromStateDict, parseT5CheckpointConfig, WeightsError, type LoadedStateDict, type WeightsFormat, type StateDict, type T5CheckpointWeights, type T5CheckpointConfig } from './weights/index';
export { ensureBuiltGraphs, findCheckpointFiles, buildEncoderGraph, buildDecoderGraph, GRAPH_BUILDER_VERSION, type GraphSet } from './graph/index';
export { T5DecoderRuntime, readGenerationTokens, type DecoderInfo, type GenerationTokens } from './decoder';
export { generateWithAndWithoutMerging, greedyDecode, compareIds, argmax, type GenerationComparison, type GenerationRun } from './generate';
