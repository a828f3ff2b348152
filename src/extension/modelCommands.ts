// Model management commands: pick, download, train the learned merger, clear the cache.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { readEmbeddingsFile, saveMergerParams, trainMerger } from '../core/runtime/merger';
import type { Analyzer } from './analysis';
import type { Ctx } from './ctx';
import { MODEL_REPOS, clearModelCache, downloadModel, modelFolder } from './models';
import { MODELS, type ModelChoice } from './settings';
import { modelDir } from '../core/runtime/fetch';

function downloaded(choice: ModelChoice, cacheDir: string): boolean {
  const repo = MODEL_REPOS[choice];
  return !repo || existsSync(modelDir(cacheDir, repo));
}

export async function selectModel(ctx: Ctx, analyzer: Analyzer): Promise<void> {
  const current = ctx.config.settings.model;
  const cache = ctx.engine.cacheDir;
  const pick = await vscode.window.showQuickPick(MODELS.map((m) => ({
    label: m,
    description: m === current ? '(current)' : undefined,
    detail: m.startsWith('embedded')
      ? 'shipped · random weights (latency and FLOPs real, output changes mechanical)'
      : downloaded(m, cache) ? `downloaded · ${MODEL_REPOS[m]}` : `not downloaded · ${MODEL_REPOS[m]} (use Download Model...)`,
    model: m,
  })), { title: 'Subtoken Lens: model for the analysis' });
  if (!pick) return;
  await ctx.config.update('model', pick.model);
  await analyzer.host.release();
  void vscode.window.showInformationMessage(`Subtoken Lens: model set to ${pick.model}.`);
}

export async function download(ctx: Ctx): Promise<void> {
  if (!ctx.config.settings.allowDownloads) {
    const choice = await vscode.window.showWarningMessage(
      'Subtoken Lens downloads nothing unless "subtokenLens.allowDownloads" is on.', 'Open Setting');
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'subtokenLens.allowDownloads');
    return;
  }
  const cache = ctx.engine.cacheDir;
  const pick = await vscode.window.showQuickPick(
    (Object.keys(MODEL_REPOS) as ModelChoice[]).map((m) => ({ label: m, description: MODEL_REPOS[m], model: m })),
    { title: 'Subtoken Lens: download a model from the Hugging Face Hub' });
  if (!pick) return;
  const result = await vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, title: `Downloading ${MODEL_REPOS[pick.model]}`, cancellable: true,
  }, async (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return downloadModel(pick.model, cache, abort.signal, (message) => progress.report({ message }));
  });
  ctx.log.info(`downloaded ${result.repo}@${result.commit ?? result.revision} into ${result.dir} (${result.downloadedBytes} bytes)`);
  const use = await vscode.window.showInformationMessage(`Subtoken Lens: ${result.repo} is ready.`, 'Use It');
  if (use) await ctx.config.update('model', pick.model);
}

export async function train(ctx: Ctx): Promise<void> {
  const settings = ctx.config.settings;
  const dir = modelFolder(settings.model, ctx.engine.cacheDir);
  const { located } = await ctx.engine.tokenizer();
  const matrix = readEmbeddingsFile(dir);
  const { params, report } = await vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, title: `Training the learned merger for ${settings.model}`, cancellable: true,
  }, (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return trainMerger({
      tokenizerDir: located.dir, embeddings: matrix.embeddings, vocabSize: matrix.vocabSize, dModel: matrix.dModel,
      embeddingsSource: dir, signal: abort.signal,
      onProgress: (p) => progress.report({ message: `epoch ${p.epoch}/${p.epochs}, loss ${p.trainLoss.toFixed(4)}`, increment: 100 / p.epochs }),
    });
  });
  const file = saveMergerParams(dir, params);
  ctx.log.info(`learned merger saved to ${file}: ${JSON.stringify(report).slice(0, 500)}`);
  const use = await vscode.window.showInformationMessage(`Subtoken Lens: learned merger trained and saved (${file}).`, 'Use Learned Strategy');
  if (use) await ctx.config.update('strategy', 'learned');
}

export async function clearCache(ctx: Ctx, analyzer: Analyzer): Promise<void> {
  const cache = ctx.engine.cacheDir;
  const ok = await vscode.window.showWarningMessage(`Delete every downloaded and generated model in ${cache}?`, { modal: true }, 'Delete');
  if (ok !== 'Delete') return;
  await analyzer.host.release();
  const { removed, bytes } = clearModelCache(cache);
  void vscode.window.showInformationMessage(`Subtoken Lens: removed ${removed} model folder(s), ${(bytes / 1e6).toFixed(1)} MB.`);
}
