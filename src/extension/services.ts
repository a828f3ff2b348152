// The one place the extension touches the core's APIs: loading the tokenizer and grammars, and
// analysing a text. When a core signature changes, this file is what needs to follow. Heavy
// things load on first use, once; a failed load is forgotten so the next use retries (after the
// user fixed a setting, say).
import { join } from 'node:path';
import { modelConfig, windowCapacity } from '../core/flops';
import { buildMergePlan, type MergePlan } from '../core/merge/plan';
import { SpanExtractor, languageForVsCodeId, type Edit, type LanguageId, type Tree } from '../core/spans';
import { defaultCacheDir, loadTokenizer, locateTokenizer, type TokenizerSource } from '../core/tokenizer';
import type { Encoding, SourceSpan, SpanResult, Tokenizer } from '../core/types';

export type { Edit, Tree };

/** CodeT5 input windows (512 positions, 2 of them `<s>`/`</s>`), from the core's model table. */
const CODET5 = modelConfig('codet5-small');
export const WINDOW_SIZE = CODET5.maxInputTokens;
export const WINDOW_CAPACITY = windowCapacity(CODET5);

/** Where the tokenizer came from: the core's lookup, or the selected model's own files. */
export type TokenizerOrigin = TokenizerSource | 'model';

export interface LoadedTokenizer {
  readonly tokenizer: Tokenizer;
  readonly located: { readonly dir: string; readonly source: TokenizerOrigin };
}

/** What decides which tokenizer loads: the setting (wins when set), then the selected model's
 *  own tokenizer files, then the core's lookup starting with the copy shipped in the VSIX. */
export interface TokenizerLookup {
  readonly setting: string;
  readonly modelDir: string | undefined;
}

/** The tokenizer as it stands: loading, loaded, or missing (with the reason, one line). */
export type TokenizerState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly dir: string; readonly origin: TokenizerOrigin }
  | { readonly kind: 'missing'; readonly reason: string };

/** Folder of the tokenizer shipped in the VSIX (scripts/bundle-tokenizer.mjs puts it there). */
export function bundledTokenizerDir(extensionPath: string): string {
  return join(extensionPath, 'dist', 'tokenizer', 'codet5');
}

/** Everything the hover, status bar and CodeLens need about one version of a document. */
export interface TextAnalysis {
  readonly language: string;
  readonly encoding: Encoding;
  readonly spans: SpanResult;
  /** Identifier spans (what gets merged), sorted. */
  readonly identifiers: readonly SourceSpan[];
  readonly plan: MergePlan;
}

export class Engine {
  private tokenizerLoad: Promise<LoadedTokenizer> | undefined;
  /** The lookup the current load used, to tell when a settings change means another tokenizer. */
  private tokenizerKey: string | undefined;
  private extractorLoad: Promise<SpanExtractor> | undefined;
  private state: TokenizerState = { kind: 'loading' };
  private readonly stateListeners = new Set<(s: TokenizerState) => void>();

  constructor(
    /** Root of the installed extension (holds dist/grammars, dist/tree-sitter.wasm, dist/tokenizer). */
    private readonly extensionPath: string,
    private readonly lookup: () => TokenizerLookup,
  ) {}

  get tokenizerState(): TokenizerState {
    return this.state;
  }

  /** Calls `listener` whenever the tokenizer state changes; returns the unsubscribe. */
  onTokenizerState(listener: (s: TokenizerState) => void): { dispose(): void } {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  private setState(s: TokenizerState): void {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  /** Grammar language for a VS Code language id, or undefined when unsupported. */
  languageFor(vscodeLanguageId: string): LanguageId | undefined {
    return languageForVsCodeId(vscodeLanguageId);
  }

  get cacheDir(): string {
    return defaultCacheDir();
  }

  tokenizer(): Promise<LoadedTokenizer> {
    if (!this.tokenizerLoad) {
      const lookup = this.lookup();
      this.tokenizerKey = lookupKey(lookup);
      this.setState({ kind: 'loading' });
      const load = (async () => {
        const located: LoadedTokenizer['located'] = !lookup.setting && lookup.modelDir
          ? { dir: lookup.modelDir, source: 'model' }
          : locateTokenizer({ explicit: lookup.setting || undefined, bundledDir: bundledTokenizerDir(this.extensionPath), cacheDir: this.cacheDir });
        const tokenizer = await loadTokenizer(located.dir);
        return { tokenizer, located };
      })();
      this.tokenizerLoad = load;
      load.then(
        (t) => { if (this.tokenizerLoad === load) this.setState({ kind: 'ready', dir: t.located.dir, origin: t.located.source }); },
        (err: unknown) => {
          if (this.tokenizerLoad !== load) return;
          this.tokenizerLoad = undefined;
          this.setState({ kind: 'missing', reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
        },
      );
    }
    return this.tokenizerLoad;
  }

  /** After a settings change: drops the tokenizer when the lookup now points elsewhere. Returns
   *  true when it did (cached analyses are stale then). */
  refreshTokenizer(): boolean {
    if (this.tokenizerKey === undefined || lookupKey(this.lookup()) === this.tokenizerKey) return false;
    this.resetTokenizer();
    return true;
  }

  /** The tokenizer when it has loaded already (never starts a load). */
  private loadedTokenizer: LoadedTokenizer | undefined;

  async extractor(): Promise<SpanExtractor> {
    this.extractorLoad ??= SpanExtractor.create({
      grammarDirs: [join(this.extensionPath, 'dist', 'grammars')],
      runtimeWasm: join(this.extensionPath, 'dist', 'tree-sitter.wasm'),
    });
    this.extractorLoad.catch(() => { this.extractorLoad = undefined; });
    return this.extractorLoad;
  }

  /** Loads the tokenizer and the grammar for `language` (no-op once loaded). */
  async ready(language: string): Promise<{ tokenizer: Tokenizer; extractor: SpanExtractor }> {
    const [tok, extractor] = await Promise.all([this.tokenizer(), this.extractor()]);
    this.loadedTokenizer = tok;
    await extractor.ensureLanguage(language);
    return { tokenizer: tok.tokenizer, extractor };
  }

  get tokenizerInfo(): LoadedTokenizer | undefined {
    return this.loadedTokenizer;
  }

  /** Drops the tokenizer so the next use reloads it (the setting changed). */
  resetTokenizer(): void {
    this.tokenizerLoad = undefined;
    this.tokenizerKey = undefined;
    this.loadedTokenizer = undefined;
    this.setState({ kind: 'loading' });
  }

  dispose(): void {
    void this.extractorLoad?.then((e) => e.dispose(), () => undefined);
    this.extractorLoad = undefined;
  }
}

function lookupKey(l: TokenizerLookup): string {
  return `${l.setting}\0${l.modelDir ?? ''}`;
}

/**
 * Parses (incrementally from `oldTree` when given, which the caller has `edit()`ed) and builds the
 * merge plan. Returns the new tree; the caller owns it.
 */
export function analyzeText(
  tokenizer: Tokenizer, extractor: SpanExtractor, text: string, language: LanguageId, oldTree?: Tree,
): { tree: Tree; analysis: TextAnalysis } {
  const { tree, result } = extractor.parse(text, language, oldTree);
  const encoding = tokenizer.encode(text);
  const plan = buildMergePlan(text, encoding, result.identifiers);
  return { tree, analysis: { language, encoding, spans: result, identifiers: result.identifiers, plan } };
}

/** A part of a document prepared for the encoder: its own tokens (the part is encoded as a
 *  standalone input, as a model would see it) and the identifier spans inside it. */
export interface RangePlan {
  readonly text: string;
  readonly encoding: Encoding;
  /** Identifier spans relative to `text`. */
  readonly spans: readonly SourceSpan[];
  readonly plan: MergePlan;
}

export function planForRange(tokenizer: Tokenizer, fullText: string, analysis: TextAnalysis, start: number, end: number): RangePlan {
  if (start <= 0 && end >= fullText.length) {
    return { text: fullText, encoding: analysis.encoding, spans: analysis.identifiers, plan: analysis.plan };
  }
  const text = fullText.slice(start, end);
  const spans = analysis.identifiers
    .filter((s) => s.start >= start && s.end <= end)
    .map((s) => ({ ...s, start: s.start - start, end: s.end - start }));
  const encoding = tokenizer.encode(text);
  return { text, encoding, spans, plan: buildMergePlan(text, encoding, spans) };
}
