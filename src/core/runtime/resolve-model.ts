// `--model DIR|REPO|NAME`: a folder, a Hub repo fetched into the cache, or a model name
// (named-models.ts: `embedded-tiny`/`tiny`, `codet5-small`, …).
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureEmbeddedModel } from './embedded-model';
import { EMBEDDED_MODEL_NAMES, HUB_MODEL_NAMES, namedModel } from './named-models';
import { cachedHubModelDir, looksLikeHubRepo } from './hub-model-dir';
import { readT5Config } from './model-dir';
import { ModelError } from './onnx-model';
import { defaultCacheDir, loadTokenizer, locateTokenizer } from '../tokenizer';
import type { Tokenizer } from '../types';

export function resolveModelDir(spec: string, cacheDir: string): string {
  const named = existsSync(spec) ? undefined : namedModel(spec); // a folder of that name wins
  if (named?.kind === 'embedded') return ensureEmbeddedModel(named.embedded, cacheDir);
  if (named?.kind === 'hub') return cachedHubModelDir(named.repo, cacheDir);
  const dir = resolve(spec);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    if (looksLikeHubRepo(spec)) return cachedHubModelDir(spec, cacheDir); // fetched with `model fetch owner/name`
    throw new ModelError(`model "${spec}" is not a folder, an embedded model (${EMBEDDED_MODEL_NAMES.join(', ')}), a named model (${Object.keys(HUB_MODEL_NAMES).join(', ')}) or a Hub repo "owner/name"`);
  }
  return dir;
}

/**
 * `--model` with the default cache folder; `embedded-tiny` when not given. The folder's config.json is
 * checked here (ModelConfigError: not a T5 encoder, or impossible sizes), before any command
 * reads weights, trains or computes a FLOP figure from it.
 */
export function modelDirFromSpec(spec: string | undefined, cacheDir?: string): string {
  const dir = resolveModelDir(spec ?? 'embedded-tiny', cacheDir ?? defaultCacheDir());
  readT5Config(dir);
  return dir;
}

/** The tokenizer for the CLI: an explicit folder, else wherever locateTokenizer finds it. */
export async function loadTokenizerFor(explicit?: string): Promise<Tokenizer> {
  const located = locateTokenizer(explicit ? { explicit } : {});
  return await loadTokenizer(located.dir);
}
