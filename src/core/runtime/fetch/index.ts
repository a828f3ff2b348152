// Model downloads from the Hugging Face Hub and the local model cache.
export {
  fetchModel, DEFAULT_MODEL_REPO, DEFAULT_ENDPOINT, DEFAULT_OPTIONAL_FILES, MAX_API_ANSWER_BYTES,
  type FetchModelOptions, type FetchModelResult, type FetchProgress,
} from './hub';
export {
  listCachedModels, removeCachedModel, clearModelCache, defaultCacheDir, modelDir, MANIFEST_FILE_NAME,
  type CachedModel, type ModelManifest, type ModelManifestFile,
} from './cache';
export { chooseWeights, type FetchedWeightsFormat, type WeightsChoice } from './weights-choice';
export { FetchModelError, type FetchModelErrorCode } from './errors';
export {
  fetchTokenizer, checkTokenizerName, DEFAULT_TOKENIZER_REPO, DEFAULT_TOKENIZER_NAME, TOKENIZER_FILES,
  type FetchTokenizerOptions, type FetchTokenizerResult,
} from './tokenizer';
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS } from './transport';
