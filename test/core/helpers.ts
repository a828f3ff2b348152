// Shared test fixtures: the real CodeT5 tokenizer from ../shared, and a one-time span extractor.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTokenizer } from '../../src/core/tokenizer';
import { SpanExtractor } from '../../src/core/spans';
import type { Tokenizer } from '../../src/core/types';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const SHARED = resolve(REPO_ROOT, '..', 'shared');
export const CODET5_DIR = join(SHARED, 'tokenizers', 'codet5');

if (!existsSync(join(CODET5_DIR, 'vocab.json'))) {
  throw new Error(`tests need the CodeT5 tokenizer at ${CODET5_DIR} (../shared beside the checkout)`);
}

let tok: Tokenizer | undefined;
export function codet5(): Tokenizer {
  return (tok ??= loadTokenizer(CODET5_DIR));
}

let ext: Promise<SpanExtractor> | undefined;
export async function extractor(...languages: string[]): Promise<SpanExtractor> {
  ext ??= SpanExtractor.create();
  const e = await ext;
  for (const l of languages) await e.ensureLanguage(l);
  return e;
}
