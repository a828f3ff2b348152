// Copies the CodeT5 tokenizer (vocab.json, merges.txt and its BSD-3 LICENSE.txt) into
// dist/tokenizer/codet5/, where the packaged extension looks first, so a VSIX works without any
// setting or download. Sources, first that holds both data files wins:
//   --tokenizer DIR, $SUBTOKEN_LENS_TOKENIZER, ../shared/tokenizers/codet5 beside the checkout,
//   <cache>/tokenizers/codet5 (what `subtoken-lens tokenizer fetch` installs).
// A fetched copy has no LICENSE.txt (the Hub repo does not carry one); the license then comes
// from scripts/licenses/, a verbatim copy of Salesforce's.
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const TOKENIZER_DATA_FILES = ['vocab.json', 'merges.txt'];
export const BUNDLED_TOKENIZER_DIR = join('dist', 'tokenizer', 'codet5');

/** Candidate source folders in priority order, labelled for the error message. */
export function tokenizerSources({ root, explicit, env = process.env }) {
  const cache = env.SUBTOKEN_LENS_CACHE?.trim() ? resolve(env.SUBTOKEN_LENS_CACHE) : join(homedir(), '.cache', 'subtoken-lens');
  return [
    explicit && ['--tokenizer', resolve(explicit)],
    env.SUBTOKEN_LENS_TOKENIZER && ['$SUBTOKEN_LENS_TOKENIZER', resolve(env.SUBTOKEN_LENS_TOKENIZER)],
    ['shared folder', resolve(root, '..', 'shared', 'tokenizers', 'codet5')],
    ['cache', join(cache, 'tokenizers', 'codet5')],
  ].filter(Boolean);
}

/**
 * Copies the tokenizer into `<root>/dist/tokenizer/codet5`. Returns the folder it copied from;
 * throws an Error whose message is one line naming every place looked at when none has the files.
 */
export function bundleTokenizer({ root, explicit, env = process.env }) {
  const sources = tokenizerSources({ root, explicit, env });
  const found = sources.find(([, dir]) => TOKENIZER_DATA_FILES.every((f) => existsSync(join(dir, f))));
  if (!found) {
    throw new Error(`no CodeT5 tokenizer to ship (vocab.json + merges.txt) in ${sources.map(([l, d]) => `${l} ${d}`).join(', ')}; `
      + 'run `subtoken-lens tokenizer fetch` or pass --tokenizer DIR');
  }
  const [, from] = found;
  const out = join(root, BUNDLED_TOKENIZER_DIR);
  mkdirSync(out, { recursive: true });
  const license = existsSync(join(from, 'LICENSE.txt')) ? join(from, 'LICENSE.txt') : join(root, 'scripts', 'licenses', 'codet5-tokenizer-LICENSE.txt');
  const copies = [...TOKENIZER_DATA_FILES.map((f) => [join(from, f), f]), [license, 'LICENSE.txt']];
  for (const [src, name] of copies) {
    copyFileSync(src, join(out, name));
    // The shared folder is read-only; the copy must stay removable by the next build.
    chmodSync(join(out, name), 0o644);
  }
  return from;
}
