// One file of a report, from bytes to statistics. Runs inside a worker thread (worker.ts) or in
// the calling thread; either way a bad file becomes a skip entry, never an exception.
import { SpanExtractor, isSupportedLanguage } from '../spans';
import { lexicalSpans } from '../spans/lexical';
import { loadTokenizer } from '../tokenizer';
import type { SpanResult, Tokenizer } from '../types';
import { checkContent } from '../scan/classify';
import { readRegularFile } from '../scan/read-source';
import { errorText } from '../error-text';
import type { SkippedFile, SpanEngine } from './schema';
import { analyzeText, type FileStats, type WindowConfig } from './stats';
import type { MergeScope } from '../merge/scope';

export interface FileTask {
  path: string;
  rel: string;
  language: string;
  maxFileSize: number;
}

export type FileOutcome = { kind: 'file'; stats: FileStats } | { kind: 'skip'; skipped: SkippedFile };

export interface PipelineConfig {
  tokenizerDir: string;
  spanEngine?: SpanEngine;
  grammarDirs?: string[];
  runtimeWasm?: string;
  scope: MergeScope;
  window: WindowConfig;
  includeGenerated: boolean;
}

/** Tokenizer and grammars of one thread, loaded once and reused for every file. */
export class FilePipeline {
  /** Started on first need: a lexical-span run over covered languages never starts tree-sitter. */
  private extractor: Promise<SpanExtractor> | undefined;

  private constructor(
    readonly tokenizer: Tokenizer,
    private readonly config: PipelineConfig,
  ) {}

  static async create(config: PipelineConfig, tokenizer?: Tokenizer): Promise<FilePipeline> {
    return new FilePipeline(tokenizer ?? loadTokenizer(config.tokenizerDir), config);
  }

  private spanExtractor(): Promise<SpanExtractor> {
    return (this.extractor ??= SpanExtractor.create({ grammarDirs: this.config.grammarDirs, runtimeWasm: this.config.runtimeWasm }));
  }

  async process(task: FileTask): Promise<FileOutcome> {
    const skip = (reason: SkippedFile['reason'], detail: string): FileOutcome => ({ kind: 'skip', skipped: { path: task.rel, reason, detail } });
    // The file may have changed since the walk (even into a FIFO): the reader checks again.
    const read = await readRegularFile(task.path, task.maxFileSize);
    if (!read.ok) return skip(read.reason, read.detail);
    const bytes = read.bytes;
    const checked = checkContent(bytes, { generated: this.config.includeGenerated });
    if (checked.skip) return skip(checked.skip.reason, checked.skip.detail);
    try {
      return { kind: 'file', stats: await this.analyze(task.rel, checked.text!, bytes.length, task.language) };
    } catch (e) {
      return skip('error', errorText(e));
    }
  }

  async analyze(rel: string, text: string, bytes: number, language: string): Promise<FileStats> {
    let spans: SpanResult | undefined;
    if (this.config.spanEngine === 'lexical') spans = lexicalSpans(text, language);
    if (!spans && isSupportedLanguage(language)) {
      const extractor = await this.spanExtractor();
      await extractor.ensureLanguage(language);
      try {
        spans = extractor.extract(text, language);
      } catch (e) {
        // A wasm trap can leave the parser unusable: start a fresh one for the next file.
        await this.resetExtractor();
        throw new Error(`tree-sitter failed on this file: ${errorText(e)}`, { cause: e });
      }
    }
    return analyzeText({ path: rel, text, bytes, language, tokenizer: this.tokenizer, spans, scope: this.config.scope, window: this.config.window }).stats;
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
