// Model downloads from the Hugging Face Hub and the local model cache.
export {
  fetchModel, DEFAULT_MODEL_REPO, DEFAULT_ENDPOINT, DEFAULT_REQUIRED_FILES, DEFAULT_OPTIONAL_FILES,
  type FetchModelOptions, type FetchModelResult, type FetchProgress,
} from './hub';
export {
  listCachedModels, removeCachedModel, clearModelCache, defaultCacheDir, modelDir, MANIFEST_FILE_NAME,
  type CachedModel, type ModelManifest, type ModelManifestFile,
} from './cache';
export { FetchModelError, type FetchModelErrorCode } from './errors';
export { fetchTokenizer, DEFAULT_TOKENIZER_REPO, TOKENIZER_FILES, type FetchTokenizerOptions } from './tokenizer';
