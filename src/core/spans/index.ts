// Public surface of tree-sitter based span extraction.
export { SpanExtractor, type SpanExtractorOptions, type ParsedDocument } from './extractor';
export {
  GRAMMAR_FILES, GRAMMAR_PACKS, SUPPORTED_LANGUAGES, isSupportedLanguage, languageForPath, languageForVsCodeId,
  type GrammarFile, type GrammarPack, type LanguageId,
} from './languages';
export { GrammarLoadError, LanguageNotLoadedError, TreeSitterRuntimeError, UnsupportedLanguageError } from './errors';
export type { Tree, Edit, Point } from 'web-tree-sitter';
