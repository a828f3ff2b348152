// Public API of the tokenizer module.
export { ByteLevelBpeTokenizer, type ByteLevelBpeOptions, type TokenizerSnapshot } from './byteLevelBpeTokenizer';
export type { AddedTokenSpec } from './addedTokens';
export type { PreTokenizerConfig, PreTokenizerStep } from './preTokenizerConfig';
export { loadTokenizer, type LoadTokenizerOptions } from './load';
export { hasTokenizerFiles, locateTokenizer, defaultCacheDir, type LocateTokenizerOptions, type LocatedTokenizer, type TokenizerSource } from './locate';
export { TokenizerLoadError, TokenizerNotFoundError } from './errors';
