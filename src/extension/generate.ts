// "Generate With and Without Merging": greedy generation from the selection (or the function
// around the cursor, else the file's first encoder window) with the selected checkpoint, unmerged
// and merged with the configured strategy and merge layer, shown side by side in a read-only
// Markdown document beside the editor. A model without a decoder (an embedded model or an ONNX
// encoder export) gets one message with a way to a checkpoint. The text is built in generateView.ts.
import * as vscode from 'vscode';
import { decodeIds } from '../core/runtime/decode-text';
import { T5DecoderRuntime } from '../core/runtime/decoder';
import { checkTokenizerMatchesModel, modelRoute } from '../core/runtime/encoder';
import { generateWithAndWithoutMerging } from '../core/runtime/generate';
import { splitIntoWindows } from '../core/runtime/windows';
import { type Analyzer, showMergeLayerRefusal } from './analysis';
import type { Ctx } from './ctx';
import { type NoDecoder, generationMarkdown, noDecoderMessage } from './generateView';
import { COMMANDS } from './manifest';
import { MergeLayerRefused, mergeLayerRefusal } from './mergeLayer';
import { type ModelSelection, isEmbeddedSelection, modelSelection, selectedModelFolder, strategyReducers } from './models';
import { planForRange } from './services';
import { withCancellableProgress } from './progress';

const TITLE = 'Generate With and Without Merging';
/** As the CLI's `generate --max-new-tokens` default: a summary-length output. */
const MAX_NEW_TOKENS = 20;

const FUNCTION_KINDS = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor]);

/** Why the selection cannot generate, or undefined when it is a checkpoint (which has a decoder). */
function noDecoder(sel: ModelSelection, dir: string): NoDecoder | undefined {
  if (isEmbeddedSelection(sel)) return 'embedded';
  return modelRoute(dir) === 'checkpoint' ? undefined : 'onnx-export';
}

/** The innermost function or method around `pos`, from the language's symbols (cheap when a language server runs). */
async function enclosingFunction(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.DocumentSymbol | undefined> {
  let symbols: unknown;
  try {
    symbols = await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri);
  } catch {
    return undefined;
  }
  let found: vscode.DocumentSymbol | undefined;
  const walk = (list: readonly vscode.DocumentSymbol[]): void => {
    for (const s of list) {
      if (!s.range?.contains(pos)) continue;
      if (FUNCTION_KINDS.has(s.kind)) found = s;
      walk(s.children ?? []);
    }
  };
  if (Array.isArray(symbols)) walk((symbols as unknown[]).filter((s): s is vscode.DocumentSymbol => s instanceof vscode.DocumentSymbol));
  return found;
}

/** The input: the selection, else the function around the cursor, else the whole file (first window). */
async function inputRange(editor: vscode.TextEditor): Promise<{ range: vscode.Range; label: string }> {
  const doc = editor.document;
  const name = vscode.workspace.asRelativePath(doc.uri);
  const lines = (r: vscode.Range) => `lines ${r.start.line + 1}–${r.end.line + 1}`;
  if (!editor.selection.isEmpty) return { range: new vscode.Range(editor.selection.start, editor.selection.end), label: `${name}, selection (${lines(editor.selection)})` };
  const fn = await enclosingFunction(doc, editor.selection.active);
  if (fn) return { range: fn.range, label: `${name}, ${fn.name} (${lines(fn.range)})` };
  return { range: new vscode.Range(0, 0, doc.lineCount, 0), label: name };
}

export async function generateWithMerging(ctx: Ctx, analyzer: Analyzer): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Subtoken Lens: open a source file to generate from.');
    return;
  }
  const doc = editor.document;
  if (!ctx.documents.languageOf(doc)) {
    void vscode.window.showWarningMessage(`Subtoken Lens: no grammar for ${doc.languageId}; supported files are Python, TypeScript, Go, Java and more.`);
    return;
  }
  if (!(await ctx.setup.require(TITLE, ['tokenizer', 'model']))) return;
  const settings = ctx.config.settings;
  const selection = modelSelection(settings);
  const dir = selectedModelFolder(selection, ctx.engine.cacheDir);
  const why = noDecoder(selection, dir);
  if (why) {
    const pick = await vscode.window.showWarningMessage(noDecoderMessage(selection.label, why), COMMANDS.downloadModel.title);
    if (pick) await vscode.commands.executeCommand(COMMANDS.downloadModel.id);
    return;
  }
  const input = await inputRange(editor);
  // The core checks the signal between decoder steps, so a cancel stops within one step.
  const markdown = await withCancellableProgress(`Subtoken Lens: ${TITLE}`, async ({ progress, signal }) => {
    try {
      progress.report({ message: 'tokenizing and parsing…' });
      const analysis = await ctx.documents.get(doc);
      const { tokenizer } = await ctx.engine.ready(analysis.language);
      const part = planForRange(tokenizer, doc.getText(), analysis, doc.offsetAt(input.range.start), doc.offsetAt(input.range.end));
      if (part.encoding.length === 0) {
        void vscode.window.showInformationMessage('Subtoken Lens: no tokens there, nothing to generate from.');
        return undefined;
      }
      progress.report({ message: `loading ${selection.label} (the first time builds its graphs)…` });
      const decoder = await T5DecoderRuntime.load(dir, { device: settings.provider });
      try {
        const encoder = await analyzer.host.runtime(dir, settings.provider);
        const refusal = mergeLayerRefusal(settings.mergeLayer, encoder.layers, selection.label);
        if (refusal) throw new MergeLayerRefused(refusal);
        checkTokenizerMatchesModel(tokenizer.vocabSize, tokenizer.name, encoder.info);
        const [strategy] = await strategyReducers(dir, encoder.info.dModel, [settings.strategy], {
          trainIfMissing: false, tokenizerDir: (await ctx.engine.tokenizer()).located.dir, signal,
          onTraining: () => undefined, onTrained: () => undefined,
        });
        const groups = part.plan.groups.map((g) => Array.from({ length: g.tokenCount }, (_, k) => g.firstToken + k));
        const [first] = splitIntoWindows({ ids: part.encoding.ids, groups }, encoder.info.config.bos_token_id, encoder.info.config.eos_token_id);
        progress.report({ message: `generating from ${first!.ids.length} positions, unmerged and merged…` });
        const comparison = await generateWithAndWithoutMerging(encoder, decoder, first!.ids, first!.groups, strategy!.reducer, {
          maxNewTokens: MAX_NEW_TOKENS, signal, mergeLayer: settings.mergeLayer,
        });
        return generationMarkdown({
          source: input.label, model: selection.label, randomWeights: encoder.info.randomWeights, strategy: settings.strategy,
          comparison, texts: { unmerged: decodeIds(tokenizer, comparison.unmerged.ids), merged: decodeIds(tokenizer, comparison.merged.ids) },
          groups: first!.groups.length, truncatedTokens: part.encoding.length - (first!.ids.length - 2),
        });
      } finally {
        await decoder.release();
      }
    } catch (err) {
      if (signal.aborted || err instanceof vscode.CancellationError) return undefined;
      if (err instanceof MergeLayerRefused) {
        showMergeLayerRefusal(err.message);
        return undefined;
      }
      ctx.showError(TITLE, err);
      return undefined;
    }
  });
  if (markdown === undefined) return;
  const out = await vscode.workspace.openTextDocument(resultUri(ctx, markdown));
  await vscode.languages.setTextDocumentLanguage(out, 'markdown');
  await vscode.window.showTextDocument(out, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
}

/** Documents of a content provider's scheme are read-only in VS Code: each result gets its own URI. */
const SCHEME = 'subtoken-lens-generation';
const shown = new Map<string, string>();
let providerRegistered = false;
let counter = 0;

function resultUri(ctx: Ctx, markdown: string): vscode.Uri {
  if (!providerRegistered) {
    providerRegistered = true;
    ctx.push(vscode.workspace.registerTextDocumentContentProvider(SCHEME, { provideTextDocumentContent: (uri) => shown.get(uri.path) ?? '' }),
      { dispose: () => { shown.clear(); providerRegistered = false; } },
      vscode.workspace.onDidCloseTextDocument((d) => { if (d.uri.scheme === SCHEME) shown.delete(d.uri.path); }));
  }
  const path = `/generation-${++counter}.md`;
  shown.set(path, markdown);
  return vscode.Uri.from({ scheme: SCHEME, path });
}
