// `--model DIR|tiny|small`: a folder, or one of the embedded random-weight models.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EMBEDDED_MODEL_KINDS, type EmbeddedModelKind, ensureEmbeddedModel } from './embedded-model';
import { readT5Config } from './model-dir';
import { ModelError } from './onnx-model';
import { defaultCacheDir, loadTokenizer, locateTokenizer } from '../tokenizer';
import type { Tokenizer } from '../types';

export function resolveModelDir(spec: string, cacheDir: string): string {
  if ((EMBEDDED_MODEL_KINDS as readonly string[]).includes(spec) && !existsSync(spec)) {
    return ensureEmbeddedModel(spec as EmbeddedModelKind, cacheDir);
  }
  const dir = resolve(spec);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ModelError(`model "${spec}" is neither a folder nor an embedded model (${EMBEDDED_MODEL_KINDS.join(', ')})`);
  }
  return dir;
}

/**
 * `--model` with the default cache folder; 'tiny' when not given. The folder's config.json is
 * checked here (ModelConfigError: not a T5 encoder, or impossible sizes), before any command
 * reads weights, trains or computes a FLOP figure from it.
 */
export function modelDirFromSpec(spec: string | undefined, cacheDir?: string): string {
  const dir = resolveModelDir(spec ?? 'tiny', cacheDir ?? defaultCacheDir());
  readT5Config(dir);
  return dir;
}

/** The tokenizer for the CLI: an explicit folder, else wherever locateTokenizer finds it. */
export async function loadTokenizerFor(explicit?: string): Promise<Tokenizer> {
  const located = locateTokenizer(explicit ? { explicit } : {});
  return await loadTokenizer(located.dir);
}
