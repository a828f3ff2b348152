/** A tokenizer folder or file exists but cannot be used: missing file, bad JSON, unsupported feature. */
export class TokenizerLoadError extends Error {
  constructor(
    /** The file or folder that was being read. */
    readonly path: string,
    /** What is wrong with it, in words. */
    readonly problem: string,
  ) {
    super(`Cannot load tokenizer from ${path}: ${problem}`);
    this.name = 'TokenizerLoadError';
  }
}

/** No tokenizer files were found in any of the places `locateTokenizer` looks. */
export class TokenizerNotFoundError extends Error {
  constructor(
    readonly tried: readonly string[],
    message: string,
  ) {
    super(message);
    this.name = 'TokenizerNotFoundError';
  }
}
