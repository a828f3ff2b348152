// Every recursive delete in the download code goes through here: it removes only a path strictly
// inside the folder the operation owns (`<cache>/models`, `<cache>/tokenizers`), so a name or
// revision that slipped past validation ("..", ".", "a/../..") cannot reach the cache itself,
// its siblings or the folder above it.

import { rmSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { FetchModelError } from './errors';

/** True when `path` is `owner` itself or anywhere outside it (compared by path segments, not string prefixes). */
export function escapes(owner: string, path: string): boolean {
  const rel = relative(resolve(owner), resolve(path));
  return rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** `rm -rf path`, only when `path` lies strictly inside `owner`; otherwise throws and touches nothing. */
export function removeInside(owner: string, path: string): void {
  if (escapes(owner, path)) {
    throw new FetchModelError('bad-input', `refusing to delete ${path}: it is not inside ${owner}`);
  }
  rmSync(path, { recursive: true, force: true });
}
