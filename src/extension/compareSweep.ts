// "Sweep Merge Layer": the analysis at every merge layer K = 0..L on one file or selection, in
// turn, with the configured strategy, FLOP profile and timing budget: the extension's
// `analyze FILE --merge-layer all`. Progress per K; a cancel stops within one encoder run.
import * as vscode from 'vscode';
import type { AnalysisResult } from '../core/runtime/analysis';
import type { Analyzer } from './analysis';
import type { CompareTarget } from './compareView';
import type { Ctx } from './ctx';
import { isEmbeddedSelection, modelSelection, runModelAnalysis, selectedModelFolder, strategyReducers } from './models';
import { runTuning, withDecoder } from './runTuning';
import { planForRange } from './services';
import type { Strategy } from './settings';
import { withCancellableProgress } from './progress';

export interface SweepOutcome {
  /** results[k]: the analysis at merge layer k. */
  readonly results: readonly AnalysisResult[];
  readonly strategy: Strategy;
  readonly modelLabel: string;
  readonly timingBudgetMs: number;
}

/**
 * Runs the sweep; undefined when there is nothing to run (a message says why). `onStep` hears
 * "K = 1 of 0..2…" before each layer. Throws vscode.CancellationError when cancelled.
 */
export async function runLayerSweep(ctx: Ctx, analyzer: Analyzer, target: CompareTarget, onStep: (message: string) => void): Promise<SweepOutcome | undefined> {
  const doc = await vscode.workspace.openTextDocument(target.uri);
  if (!ctx.documents.languageOf(doc)) {
    void vscode.window.showWarningMessage(`Subtoken Lens: no grammar for ${doc.languageId}; supported files are Python, TypeScript, Go, Java and more.`);
    return undefined;
  }
  if (!(await ctx.setup.require('the layer sweep', ['tokenizer', 'model']))) return undefined;
  const settings = ctx.config.settings;
  const selection = modelSelection(settings);
  return withCancellableProgress('Subtoken Lens: layer sweep', async ({ progress, signal, throwIfCancelled: cancelled }) => {
    try {
      progress.report({ message: 'tokenizing and parsing…' });
      const analysis = await ctx.documents.get(doc);
      const range = target.selection ?? new vscode.Range(0, 0, doc.lineCount, 0);
      const { tokenizer } = await ctx.engine.ready(analysis.language);
      const part = planForRange(tokenizer, doc.getText(), analysis, doc.offsetAt(range.start), doc.offsetAt(range.end));
      if (part.plan.groups.length === 0) {
        void vscode.window.showInformationMessage('Subtoken Lens: no identifier here is split into 2+ subtokens, so merging changes nothing at any layer.');
        return undefined;
      }
      const labels = part.plan.groups.map((g) => part.text.slice(part.spans[g.span]!.start, part.spans[g.span]!.end));
      progress.report({ message: `loading ${selection.label}…` });
      const dir = selectedModelFolder(selection, ctx.engine.cacheDir);
      const runtime = await analyzer.host.runtime(dir, settings.provider);
      cancelled();
      const reducers = await strategyReducers(dir, runtime.info.dModel, [settings.strategy], {
        trainIfMissing: isEmbeddedSelection(selection),
        tokenizerDir: (await ctx.engine.tokenizer()).located.dir,
        signal,
        onTraining: (p) => progress.report({ message: `training the learned merger (first use): epoch ${p.epoch}/${p.epochs}…` }),
        onTrained: (file) => ctx.log.info(`trained the learned merger for ${selection.label} on first use: ${file}`),
      });
      const tuning = runTuning(settings, withDecoder(runtime.info.encoderConfig, runtime.layers));
      const results: AnalysisResult[] = [];
      const layers = runtime.layers;
      for (let k = 0; k <= layers; k++) {
        cancelled();
        const step = `merge layer K = ${k} of 0..${layers} (${part.encoding.length} tokens, ${settings.strategy})…`;
        progress.report({ message: step, increment: k === 0 ? 0 : 100 / (layers + 1) });
        onStep(step);
        results.push(await runModelAnalysis(runtime, part.encoding, part.plan, labels, reducers, settings.provider, signal, k, tuning));
      }
      cancelled();
      ctx.log.info(`layer sweep of ${doc.uri.fsPath}: K = 0..${layers}, provider ${results[0]?.provider.used}, profile ${tuning.profile}, budget ${tuning.timeBudgetMs} ms`);
      return { results, strategy: settings.strategy, modelLabel: selection.label, timingBudgetMs: tuning.timeBudgetMs };
    } catch (err) {
      // The core rejects with the signal's AbortError: the person cancelled, nothing failed.
      cancelled();
      throw err;
    }
  });
}
