// Status-bar item for the active file: its subtokens → merged count. Clicking runs the analysis.
// What it shows follows the one state (readiness.ts): loading, no tokenizer (click: the ways to
// get one), or the counts (with a note when the selected model is missing).
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { int as formatInt, reduction as formatReduction } from '../core/report/format/numbers';
import { fileSummary } from './hoverText';
import { ACTIVATION_LANGUAGES, COMMANDS } from './manifest';
import { modelNote, statusWithoutCounts } from './readiness';
import { WINDOW_CAPACITY, WINDOW_SIZE } from './services';

const DEBOUNCE_MS = 400;

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('subtokenLens.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(private readonly ctx: Ctx) {
    this.item.name = 'Subtoken Lens';
    this.item.command = COMMANDS.analyzeFile.id;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      ctx.documents.onDidInvalidate((doc) => {
        if (doc === vscode.window.activeTextEditor?.document) this.schedule(DEBOUNCE_MS);
      }),
      ctx.setup.onDidChange(() => this.schedule(0)),
    );
    this.schedule(0);
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), delay);
  }

  private async update(): Promise<void> {
    const gen = ++this.generation;
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !['file', 'untitled', 'vscode-remote'].includes(doc.uri.scheme)) {
      this.item.hide();
      return;
    }
    if (!this.ctx.documents.languageOf(doc)) {
      // Quietly: no warning colour, no notification; the tooltip says why there are no numbers.
      this.item.text = '$(symbol-key) no subtokens';
      this.item.tooltip = unsupportedText(doc.languageId);
      this.item.backgroundColor = undefined;
      this.item.command = undefined;
      this.item.show();
      return;
    }
    this.item.command = COMMANDS.analyzeFile.id;
    if (this.ctx.setup.current.kind === 'no-tokenizer') {
      this.showState();
      return;
    }
    if (!this.ctx.documents.peek(doc)) {
      this.item.text = '$(loading~spin) subtokens';
      this.item.tooltip = 'Subtoken Lens: counting subtokens…';
      this.item.show();
    }
    try {
      const a = await this.ctx.documents.get(doc);
      if (gen !== this.generation) return;
      const { tokenCount, mergedCount } = a.plan;
      const note = modelNote(this.ctx.setup.current);
      this.item.text = `$(symbol-key) ${formatInt(tokenCount)} → ${formatInt(mergedCount)} subtokens (${formatReduction(tokenCount, mergedCount)})`;
      this.item.tooltip = new vscode.MarkdownString(
        `**Subtoken Lens**\n\n${fileSummary({ plan: a.plan, windowCapacity: WINDOW_CAPACITY, windowSize: WINDOW_SIZE })}\n\n`
        + `${a.plan.groups.length} identifier occurrences split into 2+ subtokens. Click to analyse token merging.`
        + `${note ? `\n\n$(warning) ${note}` : ''}`, true);
      this.item.backgroundColor = undefined;
      this.item.show();
    } catch (err) {
      if (gen !== this.generation) return;
      // A missing tokenizer is a state with a way forward, not an error (Setup logs it once).
      if (this.ctx.engine.tokenizerState.kind === 'missing') {
        this.showState();
        return;
      }
      this.item.text = '$(warning) subtokens';
      this.item.tooltip = `Subtoken Lens: ${err instanceof Error ? err.message : String(err)}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.show();
    }
  }

  /** The state without counts (no tokenizer): clicking offers the ways to get one. */
  private showState(): void {
    const s = statusWithoutCounts(this.ctx.setup.current);
    if (!s) return;
    this.item.text = s.text;
    this.item.tooltip = s.tooltip;
    this.item.command = COMMANDS.checkSetup.id;
    this.item.backgroundColor = s.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.item.dispose();
  }
}

/** What the status bar says for a file in a language without a grammar. */
export function unsupportedText(languageId: string): string {
  return `Subtoken Lens: no grammar for "${languageId}", so this file is not split into identifiers `
    + `(supported: ${ACTIVATION_LANGUAGES.join(', ')}).`;
}
