// Model side of the extension: which folder a model setting means, one loaded encoder at a time
// (onnxruntime sessions are big), and the analysis run on it. All core calls go through here.
import { existsSync } from 'node:fs';
import { analyzeFile, averageReducer, loadEncoder, loadLearnedReducer, resolveModelDir, type AnalysisResult, type T5EncoderRuntime } from '../core/runtime';
import { clearModelCache, fetchModel, listCachedModels, modelDir } from '../core/runtime/fetch';
import type { Encoding } from '../core/types';
import type { MergePlan } from '../core/merge/plan';
import type { ModelChoice, Strategy } from './settings';

export type { AnalysisResult };

/** Hugging Face repos of the downloadable models. */
export const MODEL_REPOS: Readonly<Partial<Record<ModelChoice, string>>> = {
  'codet5-small': 'Salesforce/codet5-small',
  'codet5-base': 'Salesforce/codet5-base',
  'codet5p-220m': 'Salesforce/codet5p-220m',
};

export class ModelNotDownloadedError extends Error {
  constructor(readonly model: ModelChoice, readonly dir: string) {
    super(`model ${model} is not downloaded (expected in ${dir}); run "Download Model..." or pick an embedded model`);
    this.name = 'ModelNotDownloadedError';
  }
}

/** Folder of a model choice; embedded models are generated into the cache on first use. */
export function modelFolder(choice: ModelChoice, cacheDir: string): string {
  if (choice === 'embedded-tiny') return resolveModelDir('tiny', cacheDir);
  if (choice === 'embedded-small') return resolveModelDir('small', cacheDir);
  const repo = MODEL_REPOS[choice]!;
  const dir = modelDir(cacheDir, repo);
  if (!existsSync(dir)) throw new ModelNotDownloadedError(choice, dir);
  return dir;
}

export function downloadModel(choice: ModelChoice, cacheDir: string, signal: AbortSignal, onProgress: (msg: string) => void) {
  const repo = MODEL_REPOS[choice];
  if (!repo) throw new Error(`${choice} is shipped with the extension; there is nothing to download`);
  return fetchModel({ repo, cacheDir, signal, onProgress: (p: unknown) => onProgress(describeProgress(p)) } as Parameters<typeof fetchModel>[0]);
}

function describeProgress(p: unknown): string {
  if (p && typeof p === 'object') {
    const o = p as Record<string, unknown>;
    const file = typeof o.file === 'string' ? o.file : typeof o.path === 'string' ? o.path : '';
    const done = typeof o.bytesDone === 'number' ? o.bytesDone : typeof o.loaded === 'number' ? o.loaded : undefined;
    return done !== undefined ? `${file} ${(done / 1e6).toFixed(1)} MB` : file;
  }
  return String(p);
}

export { clearModelCache, listCachedModels };

/** Keeps one encoder loaded; a different folder or provider replaces it. */
export class ModelHost {
  private loaded: { key: string; runtime: Promise<T5EncoderRuntime> } | undefined;

  async runtime(dir: string, provider: string): Promise<T5EncoderRuntime> {
    const key = `${dir}\0${provider}`;
    if (this.loaded?.key !== key) {
      await this.release();
      const runtime = loadEncoder(dir, { device: provider });
      this.loaded = { key, runtime };
      runtime.catch(() => { if (this.loaded?.key === key) this.loaded = undefined; });
    }
    return this.loaded!.runtime;
  }

  async release(): Promise<void> {
    const old = this.loaded;
    this.loaded = undefined;
    if (old) await old.runtime.then((r) => r.release(), () => undefined);
  }
}

/** Runs the encoder on the plan's groups (token positions of each merged identifier). */
export async function runModelAnalysis(
  runtime: T5EncoderRuntime, modelDir: string, encoding: Encoding, plan: MergePlan, labels: readonly string[],
  strategies: readonly Strategy[], provider: string,
): Promise<AnalysisResult> {
  const groups = plan.groups.map((g) => Array.from({ length: g.tokenCount }, (_, k) => g.firstToken + k));
  return analyzeFile(runtime, { ids: encoding.ids, groups, groupLabels: [...labels] }, {
    strategies: strategies.map((name) => ({
      name,
      reducer: name === 'average' ? averageReducer : loadLearnedReducer(modelDir, runtime.info.dModel),
    })),
    runs: 5,
    warmup: 1,
    requestedProvider: provider,
  });
}
