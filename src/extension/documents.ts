// Per-document analysis cache: one parse + tokenization per document version. Edits are applied to
// the previous tree-sitter tree as they happen, so the next parse is incremental. Trees are wasm
// memory: each is deleted when replaced or when its document closes.
import * as vscode from 'vscode';
import type { LanguageId } from '../core/spans';
import { treeEditFor } from './edits';
import { analyzeText, type Engine, type TextAnalysis, type Tree } from './services';

interface Entry {
  version: number;
  language: LanguageId;
  tree: Tree | undefined;
  analysis: TextAnalysis | undefined;
  /** In-flight computation for `version`. */
  pending: Promise<TextAnalysis> | undefined;
}

export class DocumentCache implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.TextDocument>();
  /** Fires when a document's cached analysis went stale (the document changed). */
  readonly onDidInvalidate = this.changed.event;

  constructor(private readonly engine: Engine, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.drop(d.uri)),
      this.changed,
    );
  }

  /** Supported language of a document, or undefined. */
  languageOf(doc: vscode.TextDocument): LanguageId | undefined {
    return this.engine.languageFor(doc.languageId);
  }

  /** The analysis of the document's current version if it was computed already (sync). */
  peek(doc: vscode.TextDocument): TextAnalysis | undefined {
    const e = this.entries.get(doc.uri.toString());
    return e && e.version === doc.version ? e.analysis : undefined;
  }

  /** Analysis of the document's current version, computed at most once per version. */
  async get(doc: vscode.TextDocument): Promise<TextAnalysis> {
    const language = this.languageOf(doc);
    if (!language) throw new Error(`Subtoken Lens has no grammar for "${doc.languageId}".`);
    const key = doc.uri.toString();
    let e = this.entries.get(key);
    if (e && e.language !== language) { this.drop(doc.uri); e = undefined; }
    if (e && e.version === doc.version) {
      if (e.analysis) return e.analysis;
      if (e.pending) return e.pending;
    }
    const entry: Entry = e ?? { version: doc.version, language, tree: undefined, analysis: undefined, pending: undefined };
    entry.version = doc.version;
    entry.analysis = undefined;
    this.entries.set(key, entry);
    const version = doc.version;
    const p = (async () => {
      const { tokenizer, extractor } = await this.engine.ready(language);
      // The document may have moved on while the tokenizer loaded; analyse what it holds now.
      const text = doc.getText();
      const t0 = performance.now();
      const old = entry.tree;
      const { tree, analysis } = analyzeText(tokenizer, extractor, text, language, old);
      if (old && old !== tree) old.delete();
      entry.tree = tree;
      this.log.trace(`analysed ${doc.uri.fsPath} v${doc.version} (${old ? 'incremental' : 'full'} parse, `
        + `${analysis.encoding.length} tokens) in ${(performance.now() - t0).toFixed(1)} ms`);
      if (entry.version === version) entry.analysis = analysis;
      return analysis;
    })();
    entry.pending = p;
    p.finally(() => { if (entry.pending === p) entry.pending = undefined; }).catch(() => undefined);
    return p;
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const entry = this.entries.get(e.document.uri.toString());
    if (!entry) return;
    if (entry.tree) {
      // VS Code orders the changes of one event so that applying them in turn is correct.
      for (const c of e.contentChanges) {
        entry.tree.edit(treeEditFor({
          rangeOffset: c.rangeOffset, rangeLength: c.rangeLength, text: c.text,
          start: c.range.start, end: c.range.end,
        }));
      }
    }
    entry.analysis = undefined;
    this.changed.fire(e.document);
  }

  private drop(uri: vscode.Uri): void {
    const key = uri.toString();
    const e = this.entries.get(key);
    e?.tree?.delete();
    this.entries.delete(key);
  }

  /** Forgets every analysis (the tokenizer changed). */
  clear(): void {
    for (const e of this.entries.values()) e.tree?.delete();
    this.entries.clear();
  }

  dispose(): void {
    this.clear();
    for (const d of this.disposables) d.dispose();
  }
}
