// "Show Subtoken Boundaries": every token of the visible lines drawn as alternating subtle
// backgrounds, a bar where a token starts inside an identifier, and an underline bracket under each
// merge group, plus a token heat map in the overview ruler (lines with many subtokens per character,
// for the whole file: where the model spends its window). Only the visible ranges are drawn; they are redrawn when the person scrolls (at once)
// and types (debounced, once the document's analysis of the new version is ready). The ranges come
// from the pure core (core/merge/boundaries.ts); this module maps them onto decorations.
import * as vscode from 'vscode';
import { BOUNDARY_COLORS, HEAT_COLORS } from './colors';
import { buildBoundaryIndex, densityLevel, lineDensity, visibleBoundaries, type BoundaryIndex } from '../core/merge/boundaries';
import type { Ctx } from './ctx';
import { COMMANDS } from './manifest';
import type { TextAnalysis } from './services';

const TYPING_DEBOUNCE_MS = 150;
const SCROLL_DEBOUNCE_MS = 16;
const STATE_KEY = 'subtokenLens.boundaries.enabled';
/** Context key, so the palette and the status bar can say "Show" or "Hide". */
export const CONTEXT_BOUNDARIES = 'subtokenLens.boundariesShown';


export class BoundaryDecorations implements vscode.Disposable {
  private readonly even = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor(BOUNDARY_COLORS.evenBackground),
  });
  private readonly odd = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor(BOUNDARY_COLORS.oddBackground),
  });
  private readonly inside = vscode.window.createTextEditorDecorationType({
    borderStyle: 'solid', borderWidth: '0 0 0 2px', borderColor: new vscode.ThemeColor(BOUNDARY_COLORS.identifierBoundary),
  });
  private readonly bracket = vscode.window.createTextEditorDecorationType({
    borderStyle: 'solid', borderWidth: '0 0 2px 0', borderColor: new vscode.ThemeColor(BOUNDARY_COLORS.mergeBracket),
  });
  /** Heat-map marks by level; a whole-line range, drawn in the overview ruler only. */
  private readonly heat = HEAT_COLORS.map((c) => vscode.window.createTextEditorDecorationType({
    isWholeLine: true, overviewRulerColor: new vscode.ThemeColor(c), overviewRulerLane: vscode.OverviewRulerLane.Right,
  }));
  /** The analysis each editor's heat map was drawn from: scrolling does not redraw it. */
  private readonly heatDrawn = new WeakMap<vscode.TextEditor, TextAnalysis>();
  private readonly item = vscode.window.createStatusBarItem('subtokenLens.boundaries', vscode.StatusBarAlignment.Right, 99);
  private readonly disposables: vscode.Disposable[] = [];
  /** Line index and parities per analysis (one analysis per document version). */
  private readonly indexes = new WeakMap<TextAnalysis, BoundaryIndex>();
  private readonly timers = new Map<vscode.TextEditor, NodeJS.Timeout>();
  private enabled: boolean;

  constructor(private readonly ctx: Ctx) {
    this.enabled = ctx.extCtx.workspaceState.get<boolean>(STATE_KEY, false);
    this.item.name = 'Subtoken Lens: Subtoken Boundaries';
    this.item.command = COMMANDS.toggleBoundaries.id;
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors((editors) => { for (const e of editors) this.schedule(e, 0); }),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateItem()),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.schedule(e.textEditor, SCROLL_DEBOUNCE_MS)),
      ctx.documents.onDidInvalidate((doc) => {
        for (const e of vscode.window.visibleTextEditors) if (e.document === doc) this.schedule(e, TYPING_DEBOUNCE_MS);
      }),
      ctx.setup.onDidChange(() => this.redrawAll()),
    );
    this.applyState();
  }

  /** The toggle command and the status-bar action. */
  async toggle(): Promise<void> {
    this.enabled = !this.enabled;
    await this.ctx.extCtx.workspaceState.update(STATE_KEY, this.enabled);
    this.applyState();
  }

  private applyState(): void {
    void vscode.commands.executeCommand('setContext', CONTEXT_BOUNDARIES, this.enabled);
    this.updateItem();
    this.redrawAll();
  }

  private updateItem(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !this.ctx.documents.languageOf(doc)) {
      this.item.hide();
      return;
    }
    this.item.text = this.enabled ? '$(eye-closed) Boundaries' : '$(eye) Boundaries';
    this.item.tooltip = this.enabled
      ? 'Subtoken Lens: hide subtoken boundaries'
      : 'Subtoken Lens: show subtoken boundaries (every token of the visible lines, a bar where a token starts inside an identifier, an underline under each merge group) and the token heat map in the overview ruler';
    this.item.show();
  }

  private redrawAll(): void {
    for (const e of vscode.window.visibleTextEditors) this.schedule(e, 0);
  }

  private schedule(editor: vscode.TextEditor, delay: number): void {
    clearTimeout(this.timers.get(editor));
    this.timers.set(editor, setTimeout(() => {
      this.timers.delete(editor);
      void this.draw(editor);
    }, delay));
  }

  private clear(editor: vscode.TextEditor): void {
    for (const d of [this.even, this.odd, this.inside, this.bracket, ...this.heat]) editor.setDecorations(d, []);
    this.heatDrawn.delete(editor);
  }

  private async draw(editor: vscode.TextEditor): Promise<void> {
    const doc = editor.document;
    if (!this.enabled || !this.ctx.documents.languageOf(doc) || this.ctx.setup.current.kind === 'no-tokenizer') {
      this.clear(editor);
      return;
    }
    let analysis: TextAnalysis;
    try {
      analysis = this.ctx.documents.peek(doc) ?? await this.ctx.documents.get(doc);
    } catch (err) {
      this.ctx.log.debug(`boundaries: ${err instanceof Error ? err.message : String(err)}`);
      this.clear(editor);
      return;
    }
    // The document moved on while it was analysed: the next invalidation draws the new version.
    if (this.ctx.documents.peek(doc) !== analysis || !this.enabled) return;
    let index = this.indexes.get(analysis);
    if (!index) {
      index = buildBoundaryIndex(doc.getText(), analysis.encoding);
      this.indexes.set(analysis, index);
    }
    const even: vscode.Range[] = [];
    const odd: vscode.Range[] = [];
    const inside: vscode.Range[] = [];
    const brackets: vscode.Range[] = [];
    for (const visible of editor.visibleRanges) {
      const b = visibleBoundaries(analysis.encoding, index, analysis.identifiers, analysis.plan.groups, visible.start.line, visible.end.line);
      for (const p of b.pieces) {
        const r = new vscode.Range(p.line, p.startChar, p.line, p.endChar);
        (p.parity === 0 ? even : odd).push(r);
        if (p.insideIdentifier) inside.push(r);
      }
      for (const g of b.brackets) {
        // No hover message: the hover provider already says what the group merges (one section per hover).
        brackets.push(new vscode.Range(g.line, g.startChar, g.line, g.endChar));
      }
    }
    editor.setDecorations(this.even, even);
    editor.setDecorations(this.odd, odd);
    editor.setDecorations(this.inside, inside);
    editor.setDecorations(this.bracket, brackets);
    if (this.heatDrawn.get(editor) !== analysis) {
      const byLevel: vscode.Range[][] = this.heat.map(() => []);
      lineDensity(analysis.encoding, index).forEach((d, line) => {
        const level = densityLevel(d);
        if (level >= 0) byLevel[level]!.push(new vscode.Range(line, 0, line, 0));
      });
      this.heat.forEach((t, i) => editor.setDecorations(t, byLevel[i]!));
      this.heatDrawn.set(editor, analysis);
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
    for (const d of [this.even, this.odd, this.inside, this.bracket, ...this.heat, this.item]) d.dispose();
  }
}
