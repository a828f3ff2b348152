// "Analyze Token Merging": runs the encoder on a file or selection with and without merging, and
// shows the outcome in place: a CodeLens header with the numbers, a colour per merged identifier
// by how much merging changed the model's output there, and the results view. Results belong to
// one document version: an edit marks them stale and removes the colours.
import * as vscode from 'vscode';
import { MODEL_CONFIGS, windowedEncoderFlops } from '../core/flops';
import type { Ctx } from './ctx';
import { changeBucket, changeColour, joinPieces } from './format';
import { tokenPiece } from './hoverText';
import { COMMANDS, CONTEXT_HAS_RESULTS, VIEW_RESULTS } from './manifest';
import { ModelHost, isEmbeddedSelection, modelSelection, runModelAnalysis, selectedModelFolder, strategyReducers, type AnalysisResult } from './models';
import { planForRange, type TextAnalysis } from './services';
import type { Strategy } from './settings';
import { summaryParts, type AnalysisSummary } from './summary';
import { MERGE_LAYER_SETTING, MergeLayerRefused, mergeLayerRefusal } from './mergeLayer';

const BUCKETS = 5;

export interface IdentifierResult {
  readonly range: vscode.Range;
  readonly name: string;
  readonly pieces: readonly string[];
  /** 1 − cosine between the merged output and the mean of the unmerged outputs; undefined when
   *  the encoder did not run. */
  readonly change?: number;
}

export interface ResultRecord {
  readonly uri: vscode.Uri;
  readonly version: number;
  readonly range: vscode.Range;
  readonly summary: AnalysisSummary;
  readonly identifiers: readonly IdentifierResult[];
  /** Largest change (colour scale), or the largest subtoken count when the encoder did not run. */
  readonly worst: number;
  readonly raw?: AnalysisResult;
  stale: boolean;
}

/** Holds the latest results per document and shows them (CodeLens, decorations, view). */
export class Results implements vscode.Disposable, vscode.CodeLensProvider, vscode.TreeDataProvider<IdentifierResult> {
  private readonly records = new Map<string, ResultRecord>();
  private readonly decorationTypes: vscode.TextEditorDecorationType[];
  private readonly lensChanged = new vscode.EventEmitter<void>();
  private readonly treeChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensChanged.event;
  readonly onDidChangeTreeData = this.treeChanged.event;
  private readonly view: vscode.TreeView<IdentifierResult>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.decorationTypes = Array.from({ length: BUCKETS }, (_, i) => vscode.window.createTextEditorDecorationType({
      backgroundColor: changeColour((i + 0.5) / BUCKETS, 1),
      borderRadius: '2px',
      overviewRulerColor: changeColour((i + 0.5) / BUCKETS, 1, 0.9),
      overviewRulerLane: vscode.OverviewRulerLane.Center,
    }));
    this.view = vscode.window.createTreeView(VIEW_RESULTS, { treeDataProvider: this });
    this.disposables.push(
      this.view, this.lensChanged, this.treeChanged, ...this.decorationTypes,
      vscode.languages.registerCodeLensProvider({ scheme: '*' }, this),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const r = this.records.get(e.document.uri.toString());
        if (r && !r.stale && e.contentChanges.length) {
          r.stale = true;
          this.refresh();
        }
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.records.delete(d.uri.toString())) this.refresh();
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()),
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
    );
  }

  set(record: ResultRecord): void {
    this.records.set(record.uri.toString(), record);
    this.refresh();
  }

  clear(uri?: vscode.Uri): void {
    if (uri) this.records.delete(uri.toString());
    else this.records.clear();
    this.refresh();
  }

  get(uri: vscode.Uri): ResultRecord | undefined {
    return this.records.get(uri.toString());
  }

  /** The analysed identifier at `pos` in a current (not stale) result, for the hover. */
  resultAt(uri: vscode.Uri, pos: vscode.Position): IdentifierResult | undefined {
    const r = this.records.get(uri.toString());
    return r && !r.stale ? r.identifiers.find((id) => id.range.contains(pos)) : undefined;
  }

  private active(): ResultRecord | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc && this.records.get(doc.uri.toString());
  }

  private refresh(): void {
    this.decorate();
    this.lensChanged.fire();
    this.treeChanged.fire();
    const r = this.active();
    void vscode.commands.executeCommand('setContext', CONTEXT_HAS_RESULTS, !!r);
    this.view.message = r ? legend(r) : undefined;
  }

  private decorate(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const r = this.records.get(editor.document.uri.toString());
      const byBucket: vscode.DecorationOptions[][] = Array.from({ length: BUCKETS }, () => []);
      if (r && !r.stale) {
        for (const id of r.identifiers) {
          const value = id.change ?? id.pieces.length;
          const b = changeBucket(value, r.worst, BUCKETS);
          // No hoverMessage: the hover provider adds the result to its one section (resultAt).
          byBucket[b]!.push({ range: id.range });
        }
      }
      this.decorationTypes.forEach((t, i) => editor.setDecorations(t, byBucket[i]!));
    }
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const r = this.records.get(doc.uri.toString());
    if (!r) return [];
    const at = new vscode.Range(r.range.start.line, 0, r.range.start.line, 0);
    if (r.stale) {
      return [new vscode.CodeLens(at, {
        title: '$(warning) Token merging results are stale (the file changed): click to re-run',
        command: r.summary.scope === 'selection' ? COMMANDS.analyzeSelection.id : COMMANDS.analyzeFile.id,
      })];
    }
    return summaryParts(r.summary).map(({ title, tooltip }) => new vscode.CodeLens(at, {
      title, command: `${VIEW_RESULTS}.focus`, tooltip: `${tooltip}\nClick to list the identifiers merging changes most.`,
    }));
  }

  // Results view: identifiers of the active editor's results, most changed first.
  getChildren(element?: IdentifierResult): IdentifierResult[] {
    if (element) return [];
    const r = this.active();
    if (!r || r.stale) return [];
    return [...r.identifiers].sort((a, b) => (b.change ?? b.pieces.length) - (a.change ?? a.pieces.length)).slice(0, 200);
  }

  getTreeItem(id: IdentifierResult): vscode.TreeItem {
    const item = new vscode.TreeItem(id.name);
    item.description = id.change !== undefined
      ? `1−cos ${id.change.toFixed(5)} · ${id.pieces.length} subtokens`
      : `${id.pieces.length} subtokens`;
    item.tooltip = `${joinPieces(id.pieces)} (line ${id.range.start.line + 1})`;
    const r = this.active();
    item.command = { command: COMMANDS.revealResult.id, title: 'Reveal', arguments: [r?.uri, id.range] };
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function legend(r: ResultRecord): string {
  return r.raw
    ? `Colour = output change after merging: green ≈ unchanged → red = 1 − cos ≥ ${r.worst.toPrecision(3)}${r.raw.randomWeights ? ' (random weights)' : ''}`
    : `Colour = subtokens merged: green = 2 → red = ${r.worst}+ (encoder not run)`;
}

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
    return vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, title: 'Subtoken Lens', cancellable: true,
    }, async (progress, token) => {
      // The core checks this signal between encoder runs, so a cancel stops within one run.
      const abort = new AbortController();
      const onCancel = token.onCancellationRequested(() => abort.abort());
      const cancelled = () => { if (abort.signal.aborted) throw new vscode.CancellationError(); };
      try {
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
            signal: abort.signal,
            onTraining: (p) => progress.report({ message: `training the learned merger (first use): epoch ${p.epoch}/${p.epochs}…` }),
            onTrained: (file) => this.ctx.log.info(`trained the learned merger for ${selection.label} on first use: ${file}`),
          });
          progress.report({ message: `running the encoder on ${part.encoding.length} tokens (${useStrategies.join(', ')})…` });
          raw = await runModelAnalysis(runtime, part.encoding, part.plan, labels, reducers, settings.provider, abort.signal, settings.mergeLayer);
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
        this.results.set(record);
        if (runError) {
          void vscode.window.showWarningMessage(`Subtoken Lens: showing token counts and analytic FLOPs only; the encoder did not run: ${runError}`, 'Show Log')
            .then((p) => { if (p) this.ctx.log.show(true); });
        }
        return record;
      } finally {
        onCancel.dispose();
      }
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
