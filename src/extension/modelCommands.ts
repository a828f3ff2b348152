// Model management commands: pick, download, train the learned merger, clear the cache.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { readT5Config } from '../core/runtime/model-dir';
import { modelEmbeddings } from '../core/runtime/learned';
import { saveMergerParams, trainMerger } from '../core/runtime/merger';
import { compareOnHeldOut, describeComparison } from '../core/runtime/merger/heldout-ci';
import { bytes as formatBytes } from '../core/report/format/numbers';
import type { Analyzer } from './analysis';
import type { Ctx } from './ctx';
import {
  MODEL_REPOS, checkEndpoint, clearModelCache, describeModelFolder, downloadHubRepo, folderDetail, hubRepoInputProblem, isEmbedded, modelSelection,
  selectedModelFolder, type ModelFolderInfo,
} from './models';
import { MODELS, type ModelChoice } from './settings';
import { modelDir } from '../core/runtime/fetch';
import { listEmbeddedModels } from '../core/runtime/named-models';
import { withCancellableProgress } from './progress';

function downloaded(choice: ModelChoice, cacheDir: string): boolean {
  const repo = MODEL_REPOS[choice];
  return !repo || existsSync(modelDir(cacheDir, repo));
}

function describe(dir: string): ModelFolderInfo | Error {
  try {
    return describeModelFolder(dir);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

type ModelPick = vscode.QuickPickItem & { readonly model?: ModelChoice; readonly chooseFolder?: true };

/** Embedded, downloadable/downloaded models and "Choose Folder...", each saying what it is. */
export async function selectModel(ctx: Ctx, analyzer: Analyzer): Promise<void> {
  const settings = ctx.config.settings;
  const current = modelSelection(settings);
  const cache = ctx.engine.cacheDir;
  const items: ModelPick[] = [{ label: 'Shipped', kind: vscode.QuickPickItemKind.Separator }];
  for (const m of MODELS.filter(isEmbedded)) {
    items.push({
      label: m, model: m, description: !current.folder && m === current.choice ? '(current)' : undefined,
      detail: `shipped · random weights (latency and FLOPs real, output changes mechanical) · ONNX fp32, generated on first use`,
    });
  }
  items.push({ label: 'Hugging Face Hub', kind: vscode.QuickPickItemKind.Separator });
  for (const m of MODELS.filter((x) => !isEmbedded(x))) {
    const repo = MODEL_REPOS[m]!;
    items.push({
      label: m, model: m, description: !current.folder && m === current.choice ? '(current)' : undefined,
      detail: downloaded(m, cache)
        ? `downloaded · ${repo} · ${folderDetail(describe(modelDir(cache, repo)))}`
        : `not downloaded · ${repo} (use Download Model...)`,
    });
  }
  items.push({ label: 'Other', kind: vscode.QuickPickItemKind.Separator });
  if (current.folder) {
    items.push({ label: current.label, description: '(current, chosen folder)', detail: `${current.folder} · ${folderDetail(describe(current.folder))}` });
  }
  items.push({ label: 'Choose Folder...', chooseFolder: true, detail: 'a folder with config.json and checkpoint weights (safetensors or pytorch_model.bin) or an ONNX encoder' });
  const pick = await vscode.window.showQuickPick(items, { title: 'Subtoken Lens: model for the analysis', matchOnDetail: true });
  if (!pick || (!pick.model && !pick.chooseFolder)) return;
  if (pick.chooseFolder) {
    if (await ctx.setup.chooseModelFolder()) await analyzer.host.release();
    return;
  }
  await ctx.config.update('modelPath', undefined);
  await ctx.config.update('model', pick.model);
  await analyzer.host.release();
  void vscode.window.showInformationMessage(`Subtoken Lens: model set to ${pick.model}.`);
}

/** "Download Model...": asks which model, or downloads `preselected` (the missing one). */
export async function download(ctx: Ctx, preselected?: ModelChoice): Promise<void> {
  const settings = ctx.config.settings;
  if (!settings.allowDownloads) {
    ctx.log.info('Download Model...: refused, subtokenLens.allowDownloads is off');
    const choice = await vscode.window.showWarningMessage(
      'Subtoken Lens: downloads are off, so nothing was downloaded. Turn on "subtokenLens.allowDownloads" to let '
      + `Download Model... fetch from ${settings.hubEndpoint}.`, 'Open Setting');
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'subtokenLens.allowDownloads');
    return;
  }
  const endpoint = checkEndpoint(settings.hubEndpoint);
  const cache = ctx.engine.cacheDir;
  const pick = preselected && MODEL_REPOS[preselected] ? { model: preselected, repo: MODEL_REPOS[preselected] } : await pickHubRepo(endpoint, cache);
  if (!pick) return;
  const result = await withCancellableProgress(`Downloading ${pick.repo}`, ({ progress, signal }) =>
    downloadHubRepo(pick.repo, { cacheDir: cache, endpoint, signal, onProgress: (message) => progress.report({ message }) }));
  ctx.log.info(`downloaded ${result.repo}@${result.commit ?? result.revision} from ${endpoint} into ${result.dir} `
    + `(${result.downloadedBytes} bytes${result.fromCache ? ', already cached' : ''})`);
  const use = await vscode.window.showInformationMessage(
    `Subtoken Lens: ${result.repo} is ${result.fromCache ? 'already up to date' : 'downloaded'} (${formatBytes(result.files.reduce((a, f) => a + f.size, 0))}).`,
    'Use It');
  if (use) {
    // A repo outside the catalogue has no `model` name: its cached folder is selected instead.
    await ctx.config.update('modelPath', pick.model ? undefined : result.dir);
    if (pick.model) await ctx.config.update('model', pick.model);
    void vscode.window.showInformationMessage(`Subtoken Lens: model set to ${pick.model ?? result.repo}.`);
  }
}

/** The catalogue's Salesforce repos, or "Other Hub repo..." with a typed owner/name. */
async function pickHubRepo(endpoint: string, cache: string): Promise<{ model?: ModelChoice; repo: string } | undefined> {
  const catalogue = (Object.keys(MODEL_REPOS) as ModelChoice[]).map((m) => ({
    label: m, description: MODEL_REPOS[m], detail: downloaded(m, cache) ? 'in the cache: checks for a newer revision' : undefined, model: m as ModelChoice | undefined,
  }));
  const other = { label: 'Other Hub repo...', description: 'owner/name', detail: 'any T5 repo with safetensors, pytorch_model.bin or an ONNX encoder', model: undefined };
  const pick = await vscode.window.showQuickPick([...catalogue, other], { title: `Subtoken Lens: download a model from ${endpoint}` });
  if (!pick) return undefined;
  if (pick.model) return { model: pick.model, repo: MODEL_REPOS[pick.model]! };
  const typed = await vscode.window.showInputBox({
    title: 'Subtoken Lens: Hugging Face repo to download', placeHolder: 'owner/name', validateInput: hubRepoInputProblem,
  });
  return typed === undefined ? undefined : { repo: typed.trim() };
}

export async function train(ctx: Ctx): Promise<void> {
  if (!(await ctx.setup.require('Train Learned Merger', ['tokenizer', 'model']))) return;
  const selection = modelSelection(ctx.config.settings);
  const dir = selectedModelFolder(selection, ctx.engine.cacheDir);
  const { located } = await ctx.engine.tokenizer();
  const matrix = modelEmbeddings(dir);
  const randomWeights = readT5Config(dir).subtoken_lens_random_weights === true;
  const { params, report, comparison } = await vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, title: `Training the learned merger for ${selection.label}`, cancellable: true,
  }, async (progress, token) => {
    const abort = new AbortController();
    const onCancel = token.onCancellationRequested(() => abort.abort());
    try {
      const trained = await trainMerger({
        tokenizerDir: located.dir, embeddings: matrix.embeddings, vocabSize: matrix.vocabSize, dModel: matrix.dModel,
        embeddingsSource: matrix.source, signal: abort.signal,
        onProgress: (p) => progress.report({ message: `epoch ${p.epoch}/${p.epochs}, loss ${p.trainLoss.toFixed(4)}`, increment: 100 / p.epochs }),
      });
      progress.report({ message: 'comparing with averaging on held-out tokens (bootstrap)…' });
      // A mean difference alone can be noise: the paired bootstrap interval says whether it is.
      const comparison = compareOnHeldOut({
        params: trained.params, tokenizerDir: located.dir, embeddings: matrix.embeddings, vocabSize: matrix.vocabSize,
        dModel: matrix.dModel, randomWeights,
      });
      return { ...trained, comparison };
    } finally {
      onCancel.dispose();
    }
  });
  const file = saveMergerParams(dir, params);
  const sentence = describeComparison(comparison);
  ctx.log.info(`learned merger saved to ${file}: ${report.examples.train} training examples, ${report.epochs} epochs; ${sentence}`);
  const use = await vscode.window.showInformationMessage(
    `Subtoken Lens: learned merger for ${selection.label} trained on ${report.examples.train.toLocaleString('en-US')} examples and saved; ${sentence}`,
    'Use Learned Strategy', 'Show Log');
  if (use === 'Use Learned Strategy') await ctx.config.update('strategy', 'learned');
  else if (use === 'Show Log') ctx.log.show(true);
}

export async function clearCache(ctx: Ctx, analyzer: Analyzer): Promise<void> {
  const cache = ctx.engine.cacheDir;
  const ok = await vscode.window.showWarningMessage(`Delete every downloaded and generated model in ${cache}?`, { modal: true }, 'Delete');
  if (ok !== 'Delete') return;
  await analyzer.host.release();
  // The core counts downloaded models (those with a manifest); the generated embedded ones are
  // counted here so the message adds up to what was on disk.
  const generated = generatedModelFolders(cache);
  const { removed, bytes } = clearModelCache(cache);
  ctx.log.info(`model cache cleared: ${removed} downloaded, ${generated} generated, ${bytes} bytes in ${cache}`);
  void vscode.window.showInformationMessage(
    `Subtoken Lens: removed ${removed} downloaded and ${generated} generated model folder(s), ${formatBytes(bytes)}. `
    + 'Embedded models are generated again on next use.');
}

function generatedModelFolders(cacheDir: string): number {
  return listEmbeddedModels(cacheDir).filter((m) => m.generated).length; // as `subtoken-lens model clear` counts them
}
