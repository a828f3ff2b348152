// Model side of the extension: which folder a model setting means, one loaded encoder at a time
// (onnxruntime sessions are big), and the analysis run on it. All core calls go through here.
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { analyzeFile, averageReducer, loadEncoder, resolveModelDir, type AnalysisResult, type GroupReducer, type T5EncoderRuntime } from '../core/runtime';
import { clearModelCache, fetchModel, listCachedModels, modelDir, type FetchProgress } from '../core/runtime/fetch';
import { folderBytes } from '../core/runtime/fetch/cache';
import { loadOrTrainLearnedReducer } from '../core/runtime/learned';
import { MERGER_FILE_NAME, type TrainProgress } from '../core/runtime/merger';
import type { Encoding } from '../core/types';
import type { MergePlan } from '../core/merge/plan';
import { findEncoderFile, readT5Config } from '../core/runtime/model-dir';
import { modelRoute } from '../core/runtime/encoder';
import { findCheckpointFiles } from '../core/runtime/graph/cache';
import { HUB_MODEL_NAMES, namedModel } from '../core/runtime/named-models';
import { looksLikeHubRepo } from '../core/runtime/hub-model-dir';
import { bytes as formatBytes, bytesOf } from '../core/report/format/numbers';
import type { ModelChoice, Settings, Strategy } from './settings';
import type { RunTuning } from './runTuning';

export type { AnalysisResult };

/** Hugging Face repos of the downloadable models. */
export const MODEL_REPOS: Readonly<Partial<Record<ModelChoice, string>>> = HUB_MODEL_NAMES; // the CLI's --model names too

/** The selected model is not on this machine: not downloaded, or a chosen folder that is gone. */
export class ModelNotDownloadedError extends Error {
  constructor(readonly model: string, readonly dir: string, readonly chosenFolder = false) {
    super(chosenFolder
      ? `the model folder ${dir} (subtokenLens.modelPath) does not exist; choose another folder or pick an embedded model`
      : `model ${model} is not downloaded (expected in ${dir}); run "Download Model..." or pick an embedded model`);
    this.name = 'ModelNotDownloadedError';
  }
}

/** What the settings select: a hand-chosen folder (`modelPath`) wins over the `model` choice. */
export interface ModelSelection {
  /** Name in messages and results: the model choice, or the chosen folder's name. */
  readonly label: string;
  readonly choice: ModelChoice;
  /** The chosen folder, when `modelPath` is set. */
  readonly folder?: string;
}

export function modelSelection(settings: Pick<Settings, 'model' | 'modelPath'>): ModelSelection {
  if (settings.modelPath) {
    const folder = resolve(settings.modelPath);
    return { label: basename(folder), choice: settings.model, folder };
  }
  return { label: settings.model, choice: settings.model };
}

/** Whether the selection can run without a download: embedded, downloaded or an existing folder.
 *  Never generates or downloads anything (the status bar asks this on every update). */
export function modelAvailability(sel: ModelSelection, cacheDir: string): { available: true } | { available: false; error: ModelNotDownloadedError } {
  if (sel.folder) {
    return isDirectory(sel.folder) ? { available: true } : { available: false, error: new ModelNotDownloadedError(sel.label, sel.folder, true) };
  }
  if (isEmbedded(sel.choice)) return { available: true };
  const dir = modelDir(cacheDir, MODEL_REPOS[sel.choice]!);
  return existsSync(dir) ? { available: true } : { available: false, error: new ModelNotDownloadedError(sel.choice, dir) };
}

/** Folder of the selection (an embedded model is generated into the cache on first use). */
export function selectedModelFolder(sel: ModelSelection, cacheDir: string): string {
  const a = modelAvailability(sel, cacheDir);
  if (!a.available) throw a.error;
  return sel.folder ?? modelFolder(sel.choice, cacheDir);
}

/** A selection is trained on first use only when it is one of the shipped random-weight models. */
export function isEmbeddedSelection(sel: ModelSelection): boolean {
  return !sel.folder && isEmbedded(sel.choice);
}

/** The folder's own tokenizer (vocab.json + merges.txt, or tokenizer.json), used for that model;
 *  undefined for embedded models and folders without one. */
export function modelTokenizerDir(sel: ModelSelection, cacheDir: string): string | undefined {
  if (isEmbeddedSelection(sel)) return undefined;
  const dir = sel.folder ?? modelDir(cacheDir, MODEL_REPOS[sel.choice]!);
  const has = (f: string) => existsSync(join(dir, f));
  return has('tokenizer.json') || (has('vocab.json') && has('merges.txt')) ? dir : undefined;
}

/** What a model folder holds, for "Select Model...": weights kind, encoder format and size. */
export interface ModelFolderInfo {
  readonly randomWeights: boolean;
  /** e.g. "ONNX fp32", "ONNX quantized". */
  readonly format: string;
  readonly bytes: number;
  readonly hasTokenizer: boolean;
}

/** How each checkpoint weights format reads in the model picker. */
const CHECKPOINT_FORMATS: Readonly<Record<string, string>> = {
  'safetensors': 'safetensors checkpoint', 'safetensors-sharded': 'sharded safetensors checkpoint',
  'torch-zip': 'PyTorch checkpoint', 'torch-zip-sharded': 'sharded PyTorch checkpoint',
};

/**
 * Reads a model folder's config and what the runtime loads from it (as the CLI does: an ONNX
 * encoder export, else checkpoint weights); throws (ModelError) naming what is missing.
 */
export function describeModelFolder(dir: string): ModelFolderInfo {
  const cfg = readT5Config(dir);
  const format = modelRoute(dir) === 'checkpoint' ? checkpointFormat(dir) : onnxFormat(findEncoderFile(dir));
  const has = (f: string) => existsSync(join(dir, f));
  return {
    randomWeights: cfg.subtoken_lens_random_weights === true, format, bytes: folderBytes(dir),
    hasTokenizer: has('tokenizer.json') || (has('vocab.json') && has('merges.txt')),
  };
}

function checkpointFormat(dir: string): string {
  const format = findCheckpointFiles(dir)?.format;
  return (format && CHECKPOINT_FORMATS[format]) ?? 'checkpoint';
}

const onnxFormat = (encoder: string): string =>
  /quantized/.test(encoder) ? 'ONNX quantized' : /fp16/.test(encoder) ? 'ONNX fp16' : 'ONNX fp32';

/** "ONNX fp32 · 12.3 MB · random weights · own tokenizer", or why the folder cannot be read. */
export function folderDetail(info: ModelFolderInfo | Error): string {
  if (info instanceof Error) return `unreadable: ${info.message.split('\n')[0]}`;
  return [info.format, formatBytes(info.bytes), info.randomWeights ? 'random weights' : 'trained weights',
    ...(info.hasTokenizer ? ['own tokenizer'] : [])].join(' · ');
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Shipped random-weight models: generated on first use, their learned merger trained on first use. */
export function isEmbedded(choice: ModelChoice): boolean {
  return namedModel(choice)?.kind === 'embedded';
}

/** Folder of a model choice; embedded models are generated into the cache on first use. */
export function modelFolder(choice: ModelChoice, cacheDir: string): string {
  if (isEmbedded(choice)) return resolveModelDir(choice, cacheDir);
  const repo = MODEL_REPOS[choice]!;
  const dir = modelDir(cacheDir, repo);
  if (!existsSync(dir)) throw new ModelNotDownloadedError(choice, dir);
  return dir;
}

export interface DownloadOptions {
  readonly cacheDir: string;
  /** The Hub or a mirror with its URL layout (the `hubEndpoint` setting). */
  readonly endpoint: string;
  readonly signal: AbortSignal;
  readonly onProgress: (message: string) => void;
}

export function downloadModel(choice: ModelChoice, opts: DownloadOptions) {
  const repo = MODEL_REPOS[choice];
  if (!repo) throw new Error(`${choice} is shipped with the extension; there is nothing to download`);
  return downloadHubRepo(repo, opts);
}

/**
 * "Other Hub repo...": what the input box says about the text typed so far, undefined when it is
 * a usable owner/name (the same check as the CLI's `--model owner/name`).
 */
export function hubRepoInputProblem(text: string): string | undefined {
  const repo = text.trim();
  if (repo === '') return 'a Hugging Face repo: owner/name, e.g. Salesforce/codet5-small';
  return looksLikeHubRepo(repo) ? undefined : `"${repo}" is not owner/name (letters, digits, . _ - on each side of one /)`;
}

/** Any Hub repo: config, tokenizer files and the first usable weights format (core fetch). */
export function downloadHubRepo(repo: string, opts: DownloadOptions) {
  const problem = hubRepoInputProblem(repo);
  if (problem) throw new Error(problem);
  return fetchModel({
    repo: repo.trim(), cacheDir: opts.cacheDir, endpoint: checkEndpoint(opts.endpoint), signal: opts.signal,
    onProgress: (p) => opts.onProgress(describeProgress(p)),
  });
}

/** The endpoint as an http(s) URL without a trailing slash, or a clear error naming the setting. */
export function checkEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`subtokenLens.hubEndpoint ${JSON.stringify(endpoint)} is not a URL (expected e.g. https://huggingface.co)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`subtokenLens.hubEndpoint must be an http(s) URL, got ${JSON.stringify(endpoint)}`);
  }
  return endpoint.replace(/\/+$/, '');
}

export function describeProgress(p: FetchProgress): string {
  const file = `${p.file} (${p.fileIndex + 1}/${p.fileCount})`;
  if (p.phase === 'verify') return `verifying ${file}`;
  if (p.phase === 'done') return 'done';
  return `${file} ${bytesOf(p.fileBytes, p.fileTotal)}`;
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

export interface ReducerOptions {
  /** Train the learned merger when the folder has none (embedded models only). */
  readonly trainIfMissing: boolean;
  readonly tokenizerDir: string;
  readonly signal: AbortSignal;
  readonly onTraining: (p: TrainProgress) => void;
  readonly onTrained: (file: string) => void;
}

/** The reducer of each strategy; the learned one is read from the model folder or, for an
 *  embedded model, trained there on first use. */
export async function strategyReducers(
  dir: string, dModel: number, strategies: readonly Strategy[], opts: ReducerOptions,
): Promise<{ name: Strategy; reducer: GroupReducer }[]> {
  const out: { name: Strategy; reducer: GroupReducer }[] = [];
  for (const name of strategies) {
    if (name === 'average') {
      out.push({ name, reducer: averageReducer });
      continue;
    }
    if (!opts.trainIfMissing && !existsSync(join(dir, MERGER_FILE_NAME))) {
      throw new Error(`this model has no learned merger yet (${MERGER_FILE_NAME}); run "Train Learned Merger" or use the average strategy`);
    }
    const learned = await loadOrTrainLearnedReducer(dir, dModel, {
      trainIfMissing: opts.trainIfMissing, tokenizerDir: opts.tokenizerDir, signal: opts.signal, onProgress: opts.onTraining,
    });
    if (learned.trained) opts.onTrained(join(dir, MERGER_FILE_NAME));
    out.push({ name, reducer: learned.reducer });
  }
  return out;
}

/** Runs the encoder on the plan's groups (token positions of each merged identifier). */
export async function runModelAnalysis(
  runtime: T5EncoderRuntime, encoding: Encoding, plan: MergePlan, labels: readonly string[],
  strategies: readonly { name: Strategy; reducer: GroupReducer }[], provider: string, signal: AbortSignal, mergeLayer = 0,
  /** The settings' FLOP profile and timing budget (runTuning.ts); without it: encoder FLOPs, 5 runs. */
  tuning?: RunTuning,
): Promise<AnalysisResult> {
  const groups = plan.groups.map((g) => Array.from({ length: g.tokenCount }, (_, k) => g.firstToken + k));
  return analyzeFile(runtime, { ids: encoding.ids, groups, groupLabels: [...labels] }, {
    strategies,
    runs: 5,
    warmup: 1,
    requestedProvider: provider,
    signal,
    mergeLayer,
    ...tuning,
  });
}
