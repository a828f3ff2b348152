// `--model owner/name`: a Hub repo that `model fetch` installed in the cache, found by name.
import { existsSync, statSync } from 'node:fs';
import { modelDir } from './fetch/cache';
import { ModelError } from './onnx-model';

const HUB_REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** "owner/name" with the Hub's characters (and no "..": never a path out of the cache). */
export function looksLikeHubRepo(spec: string): boolean {
  return HUB_REPO.test(spec) && !spec.includes('..');
}

/** The cached folder of Hub repo `repo` (revision main); a ModelError saying how to fetch it when absent. */
export function cachedHubModelDir(repo: string, cacheDir: string): string {
  const dir = modelDir(cacheDir, repo, 'main');
  if (existsSync(dir) && statSync(dir).isDirectory()) return dir;
  throw new ModelError(`model "${repo}" is not a folder here, and the Hub repo is not in the cache (${dir}); fetch it first: subtoken-lens model fetch ${repo}`);
}
