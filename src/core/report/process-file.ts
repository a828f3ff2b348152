// One file of a report, from bytes to statistics. Runs inside a worker thread (worker.ts) or in
// the calling thread; either way a bad file becomes a skip entry, never an exception.
import { SpanExtractor, isSupportedLanguage } from '../spans';
import { lexicalSpans } from '../spans/lexical';
import { loadTokenizer, type TokenizerSnapshot } from '../tokenizer';
import type { SpanResult, Tokenizer } from '../types';
import { checkContent } from '../scan/classify';
import { readRegularFile, readRegularFileSync } from '../scan/read-source';
import { errorText } from '../error-text';
import type { SkippedFile, SpanEngine } from './schema';
import { analyzeText, type FileStats, type WindowConfig } from './stats';
import type { MergeScope } from '../merge/scope';
import { fileSamples, type FileSamples } from '../samples/file-samples';
import { analyzeRows, type RowBatchResult } from '../samples/row-batch';
import type { RowSample } from '../samples/rows';
import type { SampleWindow } from '../samples/types';
import type { Tree } from '../spans';
import { ResultCache, type ResultCacheConfig } from './result-cache';

export interface FileTask {
  path: string;
  rel: string;
  language: string;
  maxFileSize: number;
}

export type FileOutcome = { kind: 'file'; stats: FileStats; samples?: FileSamples } | { kind: 'skip'; skipped: SkippedFile };

export interface PipelineConfig {
  tokenizerDir: string;
  spanEngine?: SpanEngine;
  grammarDirs?: string[];
  runtimeWasm?: string;
  scope: MergeScope;
  window: WindowConfig;
  includeGenerated: boolean;
  /** 'function' (--unit function): each function of a file is also a sample (../samples/file-samples.ts). */
  unit?: 'file' | 'function';
  /** The samples' window rule (with unit 'function'). */
  sampleWindow?: SampleWindow;
  /** Where outcomes are kept for later runs (result-cache.ts); its paths are not part of the key. */
  resultCache?: ResultCacheConfig;
}

/** What a report worker thread is started with (worker.ts). */
export interface ReportWorkerData {
  config: PipelineConfig;
  /** The calling thread's tokenizer, built (see ByteLevelBpeTokenizer.snapshot); else loaded from config.tokenizerDir. */
  tokenizer?: TokenizerSnapshot;
}

/** How a pipeline runs, as opposed to what it computes (PipelineConfig, part of the cache key). */
export interface PipelineOptions {
  /** Read files synchronously: for worker threads, which have nothing else to do meanwhile. */
  syncReads?: boolean;
}

/** Tokenizer and grammars of one thread, loaded once and reused for every file. */
export class FilePipeline {
  /** Started on first need: a lexical-span run over covered languages never starts tree-sitter. */
  private extractor: Promise<SpanExtractor> | undefined;
  private results: ResultCache | undefined;

  private constructor(
    readonly tokenizer: Tokenizer,
    private readonly config: PipelineConfig,
    private readonly opts: PipelineOptions,
  ) {}

  static async create(config: PipelineConfig, tokenizer?: Tokenizer, opts: PipelineOptions = {}): Promise<FilePipeline> {
    return new FilePipeline(tokenizer ?? loadTokenizer(config.tokenizerDir), config, opts);
  }

  /** Starts the parser runtime now when this pipeline will need it, instead of at the first file. */
  warmUp(): void {
    if (this.config.spanEngine !== 'lexical' || this.config.unit === 'function') this.spanExtractor().catch(() => undefined);
  }

  private spanExtractor(): Promise<SpanExtractor> {
    return (this.extractor ??= SpanExtractor.create({ grammarDirs: this.config.grammarDirs, runtimeWasm: this.config.runtimeWasm }));
  }

  async process(task: FileTask): Promise<FileOutcome> {
    const skip = (reason: SkippedFile['reason'], detail: string): FileOutcome => ({ kind: 'skip', skipped: { path: task.rel, reason, detail } });
    // The file may have changed since the walk (even into a FIFO): the reader checks again.
    const read = this.opts.syncReads ? readRegularFileSync(task.path, task.maxFileSize) : await readRegularFile(task.path, task.maxFileSize);
    if (!read.ok) return skip(read.reason, read.detail);
    const outcome = await this.processBytes(task, read.bytes, skip);
    // Stored under the bytes analysed here (run.ts looked them up and missed), for the next run.
    if (this.config.resultCache) await (this.results ??= new ResultCache(this.config.resultCache)).put(task, read.bytes, outcome);
    return outcome;
  }

  private async processBytes(task: FileTask, bytes: Buffer, skip: (reason: SkippedFile['reason'], detail: string) => FileOutcome): Promise<FileOutcome> {
    const checked = checkContent(bytes, { generated: this.config.includeGenerated });
    if (checked.skip) return skip(checked.skip.reason, checked.skip.detail);
    try {
      return { kind: 'file', ...(await this.analyzeFile(task.rel, checked.text!, bytes.length, task.language)) };
    } catch (e) {
      return skip('error', errorText(e));
    }
  }

  async analyze(rel: string, text: string, bytes: number, language: string): Promise<FileStats> {
    return (await this.analyzeFile(rel, text, bytes, language)).stats;
  }

  /** The file's statistics and, with unit 'function', its samples (one parse serves both). */
  async analyzeFile(rel: string, text: string, bytes: number, language: string): Promise<{ stats: FileStats; samples?: FileSamples }> {
    const functions = this.config.unit === 'function';
    // Function units need the syntax tree even when the lexical scanner gives the spans.
    const { spans, tree } = await this.spansOf(text, language, functions);
    try {
      const { scope, window } = this.config;
      const stats = analyzeText({ path: rel, text, bytes, language, tokenizer: this.tokenizer, spans, scope, window }).stats;
      if (!functions) return { stats };
      return { stats, samples: fileSamples({ path: rel, text, language, tree, spans, tokenizer: this.tokenizer, scope, window: this.sampleWindow(), fileWindow: window }) };
    } finally {
      tree?.delete();
    }
  }

  /** Dataset rows (`report --dataset`): each one sample (../samples/row-batch.ts). */
  analyzeRows(rows: readonly RowSample[]): Promise<RowBatchResult> {
    return analyzeRows(rows, {
      tokenizer: this.tokenizer, scope: this.config.scope, window: this.sampleWindow(), specials: this.config.window.specials,
      spans: async (text, language) => (await this.spansOf(text, language, false, 'row')).spans,
    });
  }

  private sampleWindow(): SampleWindow {
    const w = this.config.window;
    return this.config.sampleWindow ?? { maxLength: w.capacity + w.specials, truncate: true };
  }

  /** Spans from the configured engine; with `withTree` also the parse, which the caller must delete. */
  private async spansOf(text: string, language: string, withTree: boolean, what: 'file' | 'row' = 'file'): Promise<{ spans?: SpanResult; tree?: Tree }> {
    let spans: SpanResult | undefined;
    if (this.config.spanEngine === 'lexical') spans = lexicalSpans(text, language);
    if ((spans && !withTree) || !isSupportedLanguage(language)) return { spans };
    const extractor = await this.spanExtractor();
    await extractor.ensureLanguage(language);
    try {
      if (!withTree) return { spans: extractor.extract(text, language) };
      const parsed = extractor.parse(text, language);
      return { spans: spans ?? parsed.result, tree: parsed.tree };
    } catch (e) {
      // A wasm trap can leave the parser unusable: start a fresh one for the next file.
      await this.resetExtractor();
      throw new Error(`tree-sitter failed on this ${what}: ${errorText(e)}`, { cause: e });
    }
  }

  private async resetExtractor(): Promise<void> {
    const broken = this.extractor;
    this.extractor = undefined;
    try { (await broken)?.dispose(); } catch { /* already broken */ }
  }

  dispose(): void {
    void this.extractor?.then((e) => e.dispose(), () => undefined);
    this.extractor = undefined;
  }
}
