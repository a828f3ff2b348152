// Learned subtoken merger: attention pooling trained from a model's own embedding matrix.
export { averageRows, applyMerger, mergerWeights } from './apply';
export {
  MERGER_FILE_NAME, MERGER_FORMAT, MERGER_VERSION, MergerFormatError,
  loadMergerParams, saveMergerParams, validateMergerParams,
  type MergerParams, type MergerMetrics, type MergerTrainedOn, type ReconstructionMetrics,
} from './params';
export { buildMergeExamples, bpeSplitWithout, readBpeFiles, type BpeFiles, type MergeExample, type BuildExamplesOptions } from './examples';
export {
  trainMerger, trainMergerOnExamples, exampleLossAndGradient, reconstructionMetrics, isHeldOut, seededRandom,
  type MergerLoss, type MergerWeights, type MergerTrainingReport, type TrainMergerOptions, type TrainOnExamplesOptions,
  type TrainProgress, type GroupSizeMetrics,
} from './train';
export { readEmbeddingsFile, EMBEDDINGS_FILE_NAME, type EmbeddingMatrix } from './embeddings-file';
