// Finding the tokenizer files: explicit path, then $SUBTOKEN_LENS_TOKENIZER, then the user cache (cache-dir.ts),
// then (development only) the shared folder beside the checkout. Never downloads anything.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TokenizerNotFoundError } from './errors';
import { defaultCacheDir } from '../cache-dir';

export { defaultCacheDir };

export type TokenizerSource = 'explicit' | 'env' | 'bundled' | 'cache' | 'dev-shared';

export interface LocateTokenizerOptions {
  /** A folder or tokenizer.json given by the user (flag or setting). */
  explicit?: string;
  /** A copy shipped with the program (the VSIX's dist/tokenizer/codet5): after explicit/env, before the cache. */
  bundledDir?: string;
  /** Cache root; default `defaultCacheDir()`. */
  cacheDir?: string;
  /** Tokenizer name under `<cacheDir>/tokenizers/`; default 'codet5'. */
  name?: string;
}

export interface LocatedTokenizer {
  readonly dir: string;
  readonly source: TokenizerSource;
}

/** True when `p` holds something `loadTokenizer` can read (a model folder may carry its own). */
export function hasTokenizerFiles(p: string): boolean {
  try {
    const st = statSync(p);
    if (st.isFile()) return p.endsWith('.json');
    if (!st.isDirectory()) return false;
  } catch {
    return false;
  }
  return existsSync(join(p, 'tokenizer.json')) || (existsSync(join(p, 'vocab.json')) && existsSync(join(p, 'merges.txt')));
}

/** The folder holding package.json named subtoken-lens, walking up from this module (works from
 *  src/, out/ or a dist/ bundle); undefined when not found. */
function packageRoot(): string | undefined {
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'subtoken-lens') return dir;
      } catch {
        // An unreadable package.json further down is not ours; keep walking.
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function locateTokenizer(options: LocateTokenizerOptions = {}): LocatedTokenizer {
  const name = options.name ?? 'codet5';
  const tried: string[] = [];
  const candidates: Array<[string | undefined, TokenizerSource, string]> = [
    [options.explicit, 'explicit', 'given path'],
    [process.env.SUBTOKEN_LENS_TOKENIZER || undefined, 'env', '$SUBTOKEN_LENS_TOKENIZER'],
    [options.bundledDir, 'bundled', 'shipped copy'],
    [join(options.cacheDir ?? defaultCacheDir(), 'tokenizers', name), 'cache', 'cache'],
  ];
  // SUBTOKEN_LENS_NO_DEV_SHARED=1 turns the development fallback off (tests of the not-found path).
  const root = process.env.SUBTOKEN_LENS_NO_DEV_SHARED === '1' ? undefined : packageRoot();
  if (root) candidates.push([join(root, '..', 'shared', 'tokenizers', name), 'dev-shared', 'development copy beside the checkout']);
  for (const [p, source, label] of candidates) {
    if (p === undefined) continue;
    const full = resolve(p);
    if (hasTokenizerFiles(full)) return { dir: full, source };
    tried.push(`${label}: ${full}`);
    // An explicit path that does not work is an error, not a reason to silently use another one.
    if (source === 'explicit') {
      throw new TokenizerNotFoundError(tried, `No tokenizer at ${full}: expected a folder with vocab.json and merges.txt (or tokenizer.json), or a tokenizer.json file.`);
    }
  }
  // One line (CLIs print it after `subtoken-lens: `): what was tried, then the ways forward.
  const fetchHint = name === 'codet5'
    ? 'run `subtoken-lens tokenizer fetch` (downloads vocab.json and merges.txt of Salesforce/codet5-small into the cache)'
    : `run \`subtoken-lens tokenizer fetch REPO --name ${name}\` (REPO: a Hub repo with vocab.json and merges.txt, e.g. Salesforce/codet5-small)`;
  throw new TokenizerNotFoundError(
    tried,
    `No "${name}" tokenizer found (looked in ${tried.join('; ')}): ${fetchHint}, ` +
      'or pass --tokenizer DIR (setting: the tokenizer path), or set SUBTOKEN_LENS_TOKENIZER=DIR.',
  );
}
