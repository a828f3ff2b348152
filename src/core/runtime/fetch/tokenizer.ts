// Getting the CodeT5 tokenizer files onto a machine: fetched from the Hub like a model folder
// (same progress, resume, checksums, atomic install), then installed where locateTokenizer looks
// (`<cache>/tokenizers/<name>/`).
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fetchModel, type FetchModelOptions } from './hub';

export const DEFAULT_TOKENIZER_REPO = 'Salesforce/codet5-small';
export const TOKENIZER_FILES = ['vocab.json', 'merges.txt'] as const;
export const TOKENIZER_OPTIONAL_FILES = ['special_tokens_map.json', 'tokenizer_config.json', 'added_tokens.json'] as const;

export interface FetchTokenizerOptions extends Omit<FetchModelOptions, 'files' | 'optionalFiles'> {
  /** Folder name under `<cache>/tokenizers/`; 'codet5' is what locateTokenizer looks for by default. */
  readonly name?: string;
}

export async function fetchTokenizer(o: FetchTokenizerOptions): Promise<{ dir: string; fromCache: boolean }> {
  const fetched = await fetchModel({ ...o, files: [...TOKENIZER_FILES], optionalFiles: [...TOKENIZER_OPTIONAL_FILES] });
  const target = join(o.cacheDir, 'tokenizers', o.name ?? 'codet5');
  const tmp = `${target}.tmp-${process.pid}`;
  mkdirSync(join(o.cacheDir, 'tokenizers'), { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  for (const f of [...TOKENIZER_FILES, ...TOKENIZER_OPTIONAL_FILES]) {
    if (existsSync(join(fetched.dir, f))) cpSync(join(fetched.dir, f), join(tmp, f));
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(tmp, target);
  return { dir: target, fromCache: fetched.fromCache };
}
