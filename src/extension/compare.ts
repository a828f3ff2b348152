// "Compare Strategies": runs average and learned merging on the same input and opens a side-by-
// side table. An embedded model's learned merger is trained on first use; a downloaded model
// without one gets a pointer to "Train Learned Merger" and no comparison.
import * as vscode from 'vscode';
import { MERGING_STRATEGIES } from '../core/runtime/merge';
import { loadMergerParams } from '../core/runtime/merger';
import type { Analyzer } from './analysis';
import type { Ctx } from './ctx';
import { ms as formatMs } from '../core/report/format/numbers';
import { isEmbeddedSelection, modelSelection, selectedModelFolder } from './models';

export async function compareStrategies(ctx: Ctx, analyzer: Analyzer): Promise<void> {
  if (!(await ctx.setup.require('Compare Strategies', ['tokenizer', 'model']))) return;
  const selection = modelSelection(ctx.config.settings);
  const model = selection.label;
  const dir = selectedModelFolder(selection, ctx.engine.cacheDir);
  if (!isEmbeddedSelection(selection) && !loadMergerParams(dir)) {
    const pick = await vscode.window.showWarningMessage(
      `Subtoken Lens: ${model} has no learned merger yet, so there is nothing to compare the average with.`,
      'Train Learned Merger');
    if (pick) await vscode.commands.executeCommand('subtokenLens.trainMerger');
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const scope = editor && !editor.selection.isEmpty ? 'selection' : 'file';
  const record = await analyzer.run(scope, MERGING_STRATEGIES);
  const raw = record?.raw;
  if (!raw) return;
  const rows = MERGING_STRATEGIES.map((name) => {
    const runs = raw.windows.map((w) => w.strategies.find((s) => s.strategy === name)).filter((s) => s !== undefined);
    const pooled = Math.min(...runs.map((s) => s.pooledCosine));
    const minTok = Math.min(...runs.map((s) => s.minTokenCosine));
    const latency = runs.reduce((a, s) => a + s.latency.medianMs, 0);
    const groupCos = runs.flatMap((s) => s.groups.map((g) => g.cosine));
    const meanGroup = groupCos.length ? groupCos.reduce((a, b) => a + b, 0) / groupCos.length : NaN;
    return `| ${name} | ${pooled.toFixed(4)} | ${meanGroup.toFixed(4)} | ${minTok.toFixed(4)} | ${formatMs(latency)} | ${(raw.totals.realisedSpeedup[name] ?? NaN).toFixed(2)}× |`;
  });
  const md = [
    `# Merging strategies: ${vscode.workspace.asRelativePath(record.uri)}`,
    '',
    `Model ${model}${raw.randomWeights ? ' (**random weights**: differences are mechanical, not semantic)' : ''}, provider ${raw.provider.used}.`,
    `${raw.totals.lengthBefore} → ${raw.totals.lengthAfter} positions; predicted speed-up ${raw.totals.predictedSpeedup.toFixed(2)}× (analytic FLOPs).`,
    '',
    '| Strategy | Pooled cosine | Mean merged-identifier cosine | Min unmerged-token cosine | Merged latency | Realised speed-up |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: md });
  await vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
}
