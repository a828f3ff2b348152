// Shows the latest analysis of each document in place: a CodeLens header over the analysed code,
// a colour per merged identifier (with its legend in the hover), and the Token Merging view in the
// panel. The header and the view's line numbers follow the code as the person edits (resultsRange.ts);
// an edit marks the results stale and removes the colours, whose numbers no longer hold.
import * as vscode from 'vscode';
import { COMMANDS, CONTEXT_HAS_RESULTS, VIEW_RESULTS } from './manifest';
import { trackRangeThrough, type LineRange } from './resultsRange';
import { legendLine, legendMarkdown, SCALE_STEPS, scaleColours, scaleFor, scaleStep, type ColourScale, type ScaleKind } from './resultsScale';
import {
  groupByIdentifier, groupDescription, groupTooltip, occurrenceDescription, occurrenceLabel, type IdentifierGroup,
} from './resultsTree';
import { staleLens, summaryParts, type AnalysisSummary } from './summary';
import type { AnalysisResult } from './models';

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

/** A record as shown now: its ranges moved along with the edits since the analysis. */
interface Shown {
  readonly record: ResultRecord;
  readonly scale: ColourScale;
  range: vscode.Range;
  /** Occurrences whose text no edit touched, at their current places. */
  occurrences: Occurrence[];
}

interface Occurrence extends IdentifierResult {
  readonly line: number;
}

type Node =
  | { readonly kind: 'group'; readonly group: IdentifierGroup<Occurrence> }
  | { readonly kind: 'occurrence'; readonly occurrence: Occurrence; readonly parent: Node };

/** Delay before the view redraws after an edit (line numbers move with every key press). */
const VIEW_REFRESH_MS = 250;

function toVsRange(r: LineRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function occurrence(id: IdentifierResult): Occurrence {
  return { ...id, line: id.range.start.line };
}

function wholeDocument(doc: vscode.TextDocument): vscode.Range {
  return new vscode.Range(0, 0, doc.lineCount, 0);
}

/** Holds the latest results per document and shows them (CodeLens, decorations, view). */
export class Results implements vscode.Disposable, vscode.CodeLensProvider, vscode.TreeDataProvider<Node> {
  private readonly shown = new Map<string, Shown>();
  private readonly decorationTypes: Record<ScaleKind, vscode.TextEditorDecorationType[]>;
  private readonly lensChanged = new vscode.EventEmitter<void>();
  private readonly treeChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensChanged.event;
  readonly onDidChangeTreeData = this.treeChanged.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly disposables: vscode.Disposable[] = [];
  /** The groups the view lists for the active editor, built once per refresh. */
  private groups: Node[] = [];
  private viewTimer: NodeJS.Timeout | undefined;

  constructor() {
    const types = (kind: ScaleKind) => scaleColours({ kind, measure: 'change', worst: 1, randomWeights: false }).map((id) => {
      const colour = new vscode.ThemeColor(id);
      return vscode.window.createTextEditorDecorationType({
        backgroundColor: colour, borderRadius: '2px', overviewRulerColor: colour, overviewRulerLane: vscode.OverviewRulerLane.Center,
      });
    });
    this.decorationTypes = { change: types('change'), neutral: types('neutral') };
    this.view = vscode.window.createTreeView(VIEW_RESULTS, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view, this.lensChanged, this.treeChanged, ...this.decorationTypes.change, ...this.decorationTypes.neutral,
      vscode.languages.registerCodeLensProvider({ scheme: '*' }, this),
      vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.shown.delete(d.uri.toString())) this.refresh();
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()),
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      { dispose: () => clearTimeout(this.viewTimer) },
    );
  }

  /** Shows a new analysis; `reveal` opens the view on it (without taking the focus from the editor). */
  set(record: ResultRecord, reveal = false): void {
    const scale = scaleFor({ encoderRan: !!record.raw, randomWeights: record.raw?.randomWeights ?? false, worst: record.worst });
    this.shown.set(record.uri.toString(), { record, scale, range: record.range, occurrences: record.identifiers.map(occurrence) });
    this.refresh();
    const first = this.groups[0];
    if (reveal && first) void this.view.reveal(first, { select: false, focus: false, expand: true });
  }

  clear(uri?: vscode.Uri): void {
    if (uri) this.shown.delete(uri.toString());
    else this.shown.clear();
    this.refresh();
  }

  get(uri: vscode.Uri): ResultRecord | undefined {
    return this.shown.get(uri.toString())?.record;
  }

  /**
   * The legend of the analysed identifier at `pos` (what its colour means: the scale and its
   * value), for the hover's one Subtoken Lens section; markdown with HTML colour swatches.
   * Nothing for stale results, whose colours are gone.
   */
  legendAt(uri: vscode.Uri, pos: vscode.Position): string | undefined {
    const s = this.shown.get(uri.toString());
    if (!s || s.record.stale) return undefined;
    const id = s.occurrences.find((o) => o.range.contains(pos));
    return id && legendMarkdown(s.scale, this.value(s, id));
  }

  private value(s: Shown, id: IdentifierResult): number {
    return s.scale.measure === 'change' ? id.change ?? 0 : id.pieces.length;
  }

  private active(): Shown | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc && this.shown.get(doc.uri.toString());
  }

  /** Moves the header and the occurrences with the edit, drops the occurrences it changed, and
   *  marks the results stale. */
  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    const s = this.shown.get(e.document.uri.toString());
    if (!s || e.contentChanges.length === 0) return;
    const changes = e.contentChanges.map((c) => ({ start: c.range.start, end: c.range.end, text: c.text }));
    s.range = s.record.summary.scope === 'file' ? wholeDocument(e.document) : toVsRange(trackRangeThrough(s.range, changes).range);
    s.occurrences = s.occurrences.flatMap((o) => {
      const t = trackRangeThrough(o.range, changes);
      if (t.touched) return [];
      const range = toVsRange(t.range);
      return [{ ...o, range, line: range.start.line }];
    });
    const becameStale = !s.record.stale;
    s.record.stale = true;
    this.lensChanged.fire();
    if (becameStale) {
      this.decorate();
      this.updateViewMessage();
    }
    clearTimeout(this.viewTimer);
    this.viewTimer = setTimeout(() => this.refreshView(), VIEW_REFRESH_MS);
  }

  private refresh(): void {
    this.decorate();
    this.lensChanged.fire();
    this.refreshView();
    void vscode.commands.executeCommand('setContext', CONTEXT_HAS_RESULTS, !!this.active());
  }

  private refreshView(): void {
    const s = this.active();
    this.groups = s ? groupByIdentifier(s.occurrences).map((group) => ({ kind: 'group', group })) : [];
    this.treeChanged.fire();
    this.updateViewMessage();
  }

  private updateViewMessage(): void {
    const s = this.active();
    this.view.description = s ? `${vscode.workspace.asRelativePath(s.record.uri)}${s.record.stale ? ' (stale)' : ''}` : undefined;
    this.view.message = !s ? undefined
      : s.record.stale ? 'The code changed after this analysis: the colours are off and the line numbers follow your edits. Run the analysis again for fresh numbers.'
        : legendLine(s.scale);
  }

  private decorate(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const s = this.shown.get(editor.document.uri.toString());
      const byStep: vscode.DecorationOptions[][] = Array.from({ length: SCALE_STEPS }, () => []);
      if (s && !s.record.stale) {
        // No hoverMessage: the hover provider adds the legend to its one section (legendAt).
        for (const o of s.occurrences) byStep[scaleStep(s.scale, this.value(s, o))]!.push({ range: o.range });
      }
      for (const kind of ['change', 'neutral'] as const) {
        const inUse = s?.scale.kind === kind;
        this.decorationTypes[kind].forEach((t, i) => editor.setDecorations(t, inUse ? byStep[i]! : []));
      }
    }
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const s = this.shown.get(doc.uri.toString());
    if (!s) return [];
    const line = Math.min(s.range.start.line, doc.lineCount - 1);
    const at = new vscode.Range(line, 0, line, 0);
    const { summary } = s.record;
    if (s.record.stale) {
      const lens = staleLens(summary.scope);
      return [new vscode.CodeLens(at, {
        title: lens.title, tooltip: lens.tooltip,
        command: summary.scope === 'selection' ? COMMANDS.analyzeSelection.id : COMMANDS.analyzeFile.id,
      })];
    }
    return summaryParts(summary).map(({ title, tooltip }) => new vscode.CodeLens(at, {
      title, command: `${VIEW_RESULTS}.focus`, tooltip: `${tooltip}\nClick to list the analysed identifiers.`,
    }));
  }

  // The view: one row per identifier name, most changed first; its occurrences as children.
  getChildren(node?: Node): Node[] {
    if (!node) return this.groups;
    if (node.kind === 'occurrence') return [];
    return node.group.occurrences.map((occurrence) => ({ kind: 'occurrence', occurrence, parent: node }));
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'occurrence' ? node.parent : undefined;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const uri = this.active()?.record.uri;
    if (node.kind === 'group') {
      const g = node.group;
      const item = new vscode.TreeItem(g.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `group:${g.name}`;
      item.description = groupDescription(g);
      item.tooltip = groupTooltip(g);
      item.iconPath = new vscode.ThemeIcon('symbol-variable');
      // A click on the name shows its first occurrence; the twistie lists them all.
      const first = g.occurrences[0]!;
      item.command = { command: COMMANDS.revealResult.id, title: 'Reveal', arguments: [uri, first.range] };
      return item;
    }
    const o = node.occurrence;
    const item = new vscode.TreeItem(occurrenceLabel(o), vscode.TreeItemCollapsibleState.None);
    item.id = `occurrence:${o.name}@${o.range.start.line}:${o.range.start.character}`;
    item.description = occurrenceDescription(o);
    item.tooltip = `${o.name} on line ${o.line + 1}, column ${o.range.start.character + 1}: click to show it`;
    item.command = { command: COMMANDS.revealResult.id, title: 'Reveal', arguments: [uri, o.range] };
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
