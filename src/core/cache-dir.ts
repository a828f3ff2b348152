// The one cache folder every part of the core uses (tokenizers, downloaded and embedded models),
// so that what `tokenizer fetch` / `model fetch` install is where the loaders and the extension look.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** `$SUBTOKEN_LENS_CACHE`, else `~/.cache/subtoken-lens`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.SUBTOKEN_LENS_CACHE;
  return explicit && explicit.trim() ? resolve(explicit) : join(homedir(), '.cache', 'subtoken-lens');
}
