// "Analyze Token Merging": runs the encoder on a file or selection with and without merging, and
// hands the outcome to Results (results.ts), which shows it in place: a CodeLens header with the
// numbers, a colour per merged identifier by how much merging changed the model's output there,
// and the results view. Results belong to one document version: an edit marks them stale.
import * as vscode from 'vscode';
import { MODEL_CONFIGS, windowedEncoderFlops } from '../core/flops';
import type { Ctx } from './ctx';
import { tokenPiece } from './hoverText';
import { ModelHost, isEmbeddedSelection, modelSelection, runModelAnalysis, selectedModelFolder, strategyReducers, type AnalysisResult } from './models';
import { planForRange, type TextAnalysis } from './services';
import type { Strategy } from './settings';
import type { AnalysisSummary } from './summary';
import type { IdentifierResult, ResultRecord, Results } from './results';
import { MERGE_LAYER_SETTING, MergeLayerRefused, mergeLayerRefusal } from './mergeLayer';
import { runTuning, withDecoder } from './runTuning';
import { withCancellableProgress } from './progress';

export class Analyzer {
  readonly host = new ModelHost();

  constructor(private readonly ctx: Ctx, private readonly results: Results) {}

  /** Analyses the active editor's file or selection with the configured strategy (or `strategies`). */
  async run(scope: 'file' | 'selection', strategies?: readonly Strategy[]): Promise<ResultRecord | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Subtoken Lens: open a source file to analyse.');
      return undefined;
    }
    const doc = editor.document;
    if (!this.ctx.documents.languageOf(doc)) {
      void vscode.window.showWarningMessage(`Subtoken Lens: no grammar for ${doc.languageId}; supported files are Python, TypeScript, Go, Java and more.`);
      return undefined;
    }
    if (scope === 'selection' && editor.selection.isEmpty) {
      void vscode.window.showInformationMessage('Subtoken Lens: select some code first.');
      return undefined;
    }
    // A missing tokenizer or model is offered as a next step (download, choose a folder, use the
    // embedded model) rather than half-running into an error.
    if (!(await this.ctx.setup.require('the analysis', ['tokenizer', 'model']))) return undefined;
    const settings = this.ctx.config.settings;
    const selection = modelSelection(settings);
    const useStrategies = strategies ?? [settings.strategy];
    // The core checks this signal between encoder runs, so a cancel stops within one run.
    return withCancellableProgress('Subtoken Lens', async ({ progress, signal, throwIfCancelled: cancelled }) => {
      progress.report({ message: 'tokenizing and parsing…' });
      const version = doc.version;
      const analysis = await this.ctx.documents.get(doc);
      const range = scope === 'selection' ? new vscode.Range(editor.selection.start, editor.selection.end) : fullRange(doc);
      const { tokenizer } = await this.ctx.engine.ready(analysis.language);
      const part = planForRange(tokenizer, doc.getText(), analysis, doc.offsetAt(range.start), doc.offsetAt(range.end));
      cancelled();
      const labels = part.plan.groups.map((g) => part.text.slice(part.spans[g.span]!.start, part.spans[g.span]!.end));
      let raw: AnalysisResult | undefined;
      let runError: string | undefined;
      try {
        progress.report({ message: `loading ${selection.label}…` });
        const dir = selectedModelFolder(selection, this.ctx.engine.cacheDir);
        const runtime = await this.host.runtime(dir, settings.provider);
        cancelled();
        const refusal = mergeLayerRefusal(settings.mergeLayer, runtime.layers, selection.label);
        if (refusal) throw new MergeLayerRefused(refusal);
        const reducers = await strategyReducers(dir, runtime.info.dModel, useStrategies, {
          trainIfMissing: isEmbeddedSelection(selection),
          tokenizerDir: (await this.ctx.engine.tokenizer()).located.dir,
          signal,
          onTraining: (p) => progress.report({ message: `training the learned merger (first use): epoch ${p.epoch}/${p.epochs}…` }),
          onTrained: (file) => this.ctx.log.info(`trained the learned merger for ${selection.label} on first use: ${file}`),
        });
        progress.report({ message: `running the encoder on ${part.encoding.length} tokens (${useStrategies.join(', ')})…` });
        raw = await runModelAnalysis(runtime, part.encoding, part.plan, labels, reducers, settings.provider, signal, settings.mergeLayer,
          runTuning(settings, withDecoder(runtime.info.encoderConfig, runtime.layers)));
        this.ctx.log.info(`analysis of ${doc.uri.fsPath}: provider ${raw.provider.used}`
          + `${raw.provider.failures.length ? ` (fell back from ${raw.provider.failures.map((f) => `${f.provider}: ${f.reason}`).join('; ')})` : ''}`
          + `${raw.randomWeights ? ', random weights' : ''}`);
      } catch (err) {
        cancelled();
        if (err instanceof vscode.CancellationError) throw err;
        // A setting the model cannot honour is refused outright, not shown as a half result.
        if (err instanceof MergeLayerRefused) {
          showMergeLayerRefusal(err.message);
          return undefined;
        }
        runError = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        this.ctx.log.warn(`encoder not run: ${err instanceof Error && err.stack ? err.stack : runError}`);
      }
      cancelled();
      const record = buildRecord(doc, version, range, part, raw, runError, selection.label, useStrategies[0]!);
      this.results.set(record, true);
      if (runError) {
        void vscode.window.showWarningMessage(`Subtoken Lens: showing token counts and analytic FLOPs only; the encoder did not run: ${runError}`, 'Show Log')
          .then((p) => { if (p) this.ctx.log.show(true); });
      }
      return record;
    });
  }

  dispose(): void {
    void this.host.release();
  }
}

/** The merge-layer refusal, with a way to the setting. */
export function showMergeLayerRefusal(message: string): void {
  void vscode.window.showErrorMessage(`Subtoken Lens: ${message}`, 'Open Settings').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', MERGE_LAYER_SETTING);
  });
}

function fullRange(doc: vscode.TextDocument): vscode.Range {
  return new vscode.Range(0, 0, doc.lineCount, 0);
}

function buildRecord(
  doc: vscode.TextDocument, version: number, range: vscode.Range, part: ReturnType<typeof planForRange>,
  raw: AnalysisResult | undefined, runError: string | undefined, model: string, strategy: Strategy,
): ResultRecord {
  const base = doc.offsetAt(range.start);
  // Per file group: 1 − cosine under the first strategy, taking the worst part of a group cut by a window.
  const change = new Map<number, number>();
  const strategyRuns = raw?.windows.map((w) => w.strategies.find((s) => s.strategy === strategy) ?? w.strategies[0]);
  for (const s of strategyRuns ?? []) {
    for (const g of s?.groups ?? []) change.set(g.fileGroup, Math.max(change.get(g.fileGroup) ?? 0, 1 - g.cosine));
  }
  const identifiers: IdentifierResult[] = part.plan.groups.map((g, i) => {
    const span = part.spans[g.span]!;
    const pieces: string[] = [];
    for (let t = g.firstToken; t < g.firstToken + g.tokenCount; t++) pieces.push(tokenPiece(part.text, part.encoding, t));
    return {
      range: new vscode.Range(doc.positionAt(base + span.start), doc.positionAt(base + span.end)),
      name: part.text.slice(span.start, span.end),
      pieces,
      change: raw ? change.get(i) : undefined,
    };
  });
  const worst = raw
    ? Math.max(1e-6, ...identifiers.map((i) => i.change ?? 0))
    : Math.min(6, Math.max(2, ...identifiers.map((i) => i.pieces.length)));
  let summary: AnalysisSummary;
  if (raw) {
    const pooled = strategyRuns!.map((s) => s?.pooledCosine ?? 1);
    const latencyBefore = raw.windows.reduce((a, w) => a + w.unmergedLatency.medianMs, 0);
    const latencyAfter = strategyRuns!.reduce((a, s) => a + (s?.latency.medianMs ?? 0), 0);
    summary = {
      scope: range.isEqual(fullRange(doc)) ? 'file' : 'selection', tokens: part.plan.tokenCount, merged: part.plan.mergedCount,
      modelLabel: model, strategy,
      run: {
        lengthBefore: raw.totals.lengthBefore, lengthAfter: raw.totals.lengthAfter,
        analyticBefore: raw.totals.analyticFlopsBefore, analyticAfter: raw.totals.analyticFlopsAfter,
        countedBefore: raw.totals.graphFlopsBefore, countedAfter: raw.totals.graphFlopsAfter,
        latencyBeforeMs: latencyBefore, latencyAfterMs: latencyAfter,
        pooledCosine: Math.min(...pooled),
        provider: raw.provider.used, requestedProvider: raw.provider.requested, fallbacks: raw.provider.failures.map((f) => f.provider),
        randomWeights: raw.randomWeights,
      },
    };
  } else {
    const cfg = MODEL_CONFIGS.find((c) => c.key === model) ?? MODEL_CONFIGS.find((c) => c.key === 'codet5-small')!;
    summary = {
      scope: range.isEqual(fullRange(doc)) ? 'file' : 'selection', tokens: part.plan.tokenCount, merged: part.plan.mergedCount,
      modelLabel: cfg.label, strategy, runError,
      analyticOnly: { before: windowedEncoderFlops(cfg, part.plan.tokenCount), after: windowedEncoderFlops(cfg, part.plan.mergedCount) },
    };
  }
  return { uri: doc.uri, version, range, summary, identifiers, worst, raw, stale: false };
}

export type { TextAnalysis };
