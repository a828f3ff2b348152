// Errors the span extractor raises. Callers catch these and fall back to counting tokens
// without spans, so each says exactly what was missing and where it was looked for.

import { SUPPORTED_LANGUAGES } from './languages';

/** The language has no grammar here. */
export class UnsupportedLanguageError extends Error {
  override readonly name = 'UnsupportedLanguageError';
  constructor(readonly language: string) {
    super(`No tree-sitter grammar for language "${language}" (supported: ${SUPPORTED_LANGUAGES.join(', ')})`);
  }
}

/** A supported language's grammar (.wasm) or query (.scm) could not be found, loaded or compiled. */
export class GrammarLoadError extends Error {
  override readonly name = 'GrammarLoadError';
  constructor(
    readonly language: string,
    /** The file that failed, or the file name that was searched for. */
    readonly file: string,
    /** Every path that was tried, in order. */
    readonly searched: readonly string[],
    readonly reason: string,
  ) {
    super(`Cannot load ${file} for "${language}": ${reason}` +
      (searched.length ? ` (looked in: ${searched.join(', ')})` : ''));
  }
}

/** web-tree-sitter's own runtime (tree-sitter.wasm) could not be started. */
export class TreeSitterRuntimeError extends Error {
  override readonly name = 'TreeSitterRuntimeError';
  constructor(readonly searched: readonly string[], readonly reason: string) {
    super(`Cannot start the tree-sitter runtime: ${reason}` +
      (searched.length ? ` (looked in: ${searched.join(', ')})` : ''));
  }
}

/** `extract`/`parse` was called synchronously before `ensureLanguage` finished for that language. */
export class LanguageNotLoadedError extends Error {
  override readonly name = 'LanguageNotLoadedError';
  constructor(readonly language: string) {
    super(`Grammar for "${language}" is not loaded yet: await extractor.ensureLanguage("${language}") first`);
  }
}
