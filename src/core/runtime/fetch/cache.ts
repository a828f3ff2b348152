// Layout of the model cache and the operations on it that need no network:
//   <cacheDir>/models/<owner>--<name>/<revision>/     a complete, verified model folder
//   <cacheDir>/models/.partial/<owner>--<name>--<revision>/   staging (resumable .part files)
//   <cacheDir>/models/.locks/<owner>--<name>--<revision>.lock

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FetchModelError } from './errors';
import { removeInside } from './safe-remove';

export const MANIFEST_FILE_NAME = '.subtoken-lens-model.json';

export interface ModelManifestFile {
  readonly path: string;
  readonly size: number;
  /** sha256 of the content, when the Hub gave one (LFS files). */
  readonly sha256?: string;
  /** git blob id, when the Hub gave one (small files). */
  readonly gitBlobId?: string;
  /**
   * Set when the Hub listed neither a size nor a hash for the file, so nothing about it was checked
   * (only fetched with `allowUnverified`).
   */
  readonly unverified?: true;
}

/** Written into every folder fetchModel installs. */
export interface ModelManifest {
  readonly format: 'subtoken-lens-model';
  readonly version: 1;
  readonly repo: string;
  readonly revision: string;
  readonly commit?: string;
  readonly endpoint: string;
  readonly fetchedAt: string;
  readonly files: readonly ModelManifestFile[];
}

export interface CachedModel {
  readonly repo: string;
  readonly revision: string;
  readonly dir: string;
  readonly bytes: number;
  /** undefined for a folder without a manifest (e.g. copied by hand). */
  readonly manifest?: ModelManifest;
}

export { defaultCacheDir } from '../../cache-dir';

const REPO_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function checkRepo(repo: string): [owner: string, name: string] {
  if (!REPO_RE.test(repo) || repo.includes('..')) {
    throw new FetchModelError('bad-input', `repo must look like "owner/name" (letters, digits, . _ -), got ${JSON.stringify(repo)}`);
  }
  const [owner, name] = repo.split('/') as [string, string];
  return [owner, name];
}

export function checkRevision(revision: string): void {
  // "." would make the revision folder the repo folder itself (holding every revision).
  if (revision === '' || revision === '.' || revision.length > 200 || /[\0\\]|\.\./.test(revision) || revision.startsWith('/')) {
    throw new FetchModelError('bad-input', `revision ${JSON.stringify(revision)} is not a valid branch, tag or commit`);
  }
}

/** A revision as one folder name ("refs/pr/1" → "refs%2Fpr%2F1"). */
const revisionDirName = (revision: string) => encodeURIComponent(revision);

export function modelsRoot(cacheDir: string): string {
  return join(cacheDir, 'models');
}

export function modelDir(cacheDir: string, repo: string, revision = 'main'): string {
  const [owner, name] = checkRepo(repo);
  checkRevision(revision);
  return join(modelsRoot(cacheDir), `${owner}--${name}`, revisionDirName(revision));
}

export function stagingDir(cacheDir: string, repo: string, revision: string): string {
  const [owner, name] = checkRepo(repo);
  return join(modelsRoot(cacheDir), '.partial', `${owner}--${name}--${revisionDirName(revision)}`);
}

export function lockPath(cacheDir: string, repo: string, revision: string): string {
  const [owner, name] = checkRepo(repo);
  return join(modelsRoot(cacheDir), '.locks', `${owner}--${name}--${revisionDirName(revision)}.lock`);
}

export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

export function readManifest(dir: string): ModelManifest | undefined {
  const p = join(dir, MANIFEST_FILE_NAME);
  if (!existsSync(p)) return undefined;
  try {
    const m = JSON.parse(readFileSync(p, 'utf8')) as ModelManifest;
    return m.format === 'subtoken-lens-model' && Array.isArray(m.files) ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Every complete model folder in the cache (staging and lock folders are not listed). */
export function listCachedModels(cacheDir: string): CachedModel[] {
  const root = modelsRoot(cacheDir);
  if (!existsSync(root)) return [];
  const out: CachedModel[] = [];
  for (const repoEntry of readdirSync(root, { withFileTypes: true })) {
    if (!repoEntry.isDirectory() || repoEntry.name.startsWith('.')) continue;
    const sep = repoEntry.name.indexOf('--');
    const repo = sep > 0 ? `${repoEntry.name.slice(0, sep)}/${repoEntry.name.slice(sep + 2)}` : repoEntry.name;
    for (const revEntry of readdirSync(join(root, repoEntry.name), { withFileTypes: true })) {
      if (!revEntry.isDirectory()) continue;
      const dir = join(root, repoEntry.name, revEntry.name);
      const manifest = readManifest(dir);
      out.push({
        repo: manifest?.repo ?? repo,
        revision: manifest?.revision ?? decodeURIComponent(revEntry.name),
        dir,
        bytes: folderBytes(dir),
        ...(manifest ? { manifest } : {}),
      });
    }
  }
  return out.sort((a, b) => (a.repo + '@' + a.revision).localeCompare(b.repo + '@' + b.revision));
}

/**
 * Removes one cached revision of a repo (or every revision when `revision` is omitted), with its
 * staging folder. Returns the folders removed.
 */
export function removeCachedModel(cacheDir: string, repo: string, revision?: string): string[] {
  const removed: string[] = [];
  const [owner, name] = checkRepo(repo);
  const root = modelsRoot(cacheDir);
  const repoDir = join(root, `${owner}--${name}`);
  const revisions = revision !== undefined
    ? [revision]
    : existsSync(repoDir) ? readdirSync(repoDir).map((r) => decodeURIComponent(r)) : [];
  for (const rev of revisions) {
    // Each folder only from inside its own parent: a revision folder from inside the repo's folder.
    for (const [owner, dir] of [[repoDir, modelDir(cacheDir, repo, rev)], [root, stagingDir(cacheDir, repo, rev)]] as const) {
      if (existsSync(dir)) { removeInside(owner, dir); removed.push(dir); }
    }
  }
  if (existsSync(repoDir) && readdirSync(repoDir).length === 0) removeInside(root, repoDir);
  return removed;
}

/** Removes every cached model, partial download and lock (only `<cacheDir>/models`). */
export function clearModelCache(cacheDir: string): { removed: number; bytes: number } {
  const root = modelsRoot(cacheDir);
  if (!existsSync(root)) return { removed: 0, bytes: 0 };
  const removed = listCachedModels(cacheDir).length;
  const bytes = folderBytes(root);
  removeInside(cacheDir, root);
  return { removed, bytes };
}
