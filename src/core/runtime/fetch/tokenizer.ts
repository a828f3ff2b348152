// Getting the CodeT5 tokenizer files onto a machine: fetched from the Hub like a model folder
// (same progress, resume, checksums, atomic install), then installed where locateTokenizer looks
// (`<cache>/tokenizers/<name>/`). The name becomes a folder that an install replaces, so it is
// checked to be one plain folder name before anything touches the disk or the network.
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { FetchModelError } from './errors';
import { fetchModel, type FetchModelOptions } from './hub';
import { escapes, removeInside } from './safe-remove';

export const DEFAULT_TOKENIZER_REPO = 'Salesforce/codet5-small';
export const DEFAULT_TOKENIZER_NAME = 'codet5';
export const TOKENIZER_FILES = ['vocab.json', 'merges.txt'] as const;
export const TOKENIZER_OPTIONAL_FILES = ['special_tokens_map.json', 'tokenizer_config.json', 'added_tokens.json'] as const;

export interface FetchTokenizerOptions extends Omit<FetchModelOptions, 'files' | 'optionalFiles'> {
  /** Folder name under `<cache>/tokenizers/`; 'codet5' is what locateTokenizer looks for by default. */
  readonly name?: string;
}

/** One folder-name segment: letters, digits, . _ -, starting with a letter or digit (so never "." or ".."). */
const TOKENIZER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkTokenizerName(name: string): void {
  if (!TOKENIZER_NAME_RE.test(name)) {
    throw new FetchModelError('bad-input', `tokenizer name must be one folder name (letters, digits, . _ -, starting with a letter or digit, at most 100 characters), got ${JSON.stringify(name)}`);
  }
}

export interface FetchTokenizerResult {
  readonly dir: string;
  readonly fromCache: boolean;
  /** Installed files the Hub listed with neither size nor hash (only with `allowUnverified`). */
  readonly unverified: readonly string[];
}

export async function fetchTokenizer(o: FetchTokenizerOptions): Promise<FetchTokenizerResult> {
  const name = o.name ?? DEFAULT_TOKENIZER_NAME;
  checkTokenizerName(name);
  const root = join(o.cacheDir, 'tokenizers');
  const target = join(root, name);
  if (escapes(root, target)) throw new FetchModelError('bad-input', `tokenizer name ${JSON.stringify(name)} does not name a folder inside ${root}`);

  const fetched = await fetchModel({
    ...o, files: [...TOKENIZER_FILES], optionalFiles: [...TOKENIZER_OPTIONAL_FILES],
    offlineHint: `copy ${TOKENIZER_FILES.join(' and ')} by hand into ${target}, or use --tokenizer DIR`,
  });
  mkdirSync(root, { recursive: true });
  // A fresh, exclusive staging folder beside the target (same file system, so the rename is atomic).
  const tmp = mkdtempSync(join(root, `.${name}.tmp-`));
  try {
    for (const f of [...TOKENIZER_FILES, ...TOKENIZER_OPTIONAL_FILES]) {
      if (existsSync(join(fetched.dir, f))) cpSync(join(fetched.dir, f), join(tmp, f));
    }
    if (existsSync(target)) {
      // Move the old copy aside first, so the target is never half-replaced.
      const trash = mkdtempSync(join(root, `.${name}.old-`));
      renameSync(target, join(trash, name));
      try {
        renameSync(tmp, target);
      } catch (e) {
        renameSync(join(trash, name), target); // put the old copy back rather than leave none
        throw e;
      } finally {
        removeInside(root, trash);
      }
    } else {
      renameSync(tmp, target);
    }
  } finally {
    if (existsSync(tmp)) removeInside(root, tmp);
  }
  const unverified = fetched.files.filter((f) => f.unverified && existsSync(join(target, f.path))).map((f) => f.path);
  return { dir: target, fromCache: fetched.fromCache, unverified };
}
