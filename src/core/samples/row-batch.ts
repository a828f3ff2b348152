// A batch of dataset rows, analysed in one thread (a report worker or the calling thread): each row's
// sample figures (analyze-sample.ts), summed per language, with its identifiers. Everything in the
// result adds up in any order, so batches may finish in any order and the report is the same.
import type { SpanResult, Tokenizer } from '../types';
import { errorText } from '../error-text';
import { addFile, addSums, emptySums, mergeIdentifierTables, type SummableTotals } from '../report/aggregate';
import type { IdentifierEntry } from '../report/stats';
import type { MergeScope } from '../merge/scope';
import { sampleStats, type SampleRecord } from './analyze-sample';
import type { RowSample } from './rows';
import type { InvalidRow } from './section';
import type { SampleWindow } from './types';

export interface RowBatchResult {
  records: SampleRecord[];
  /** Rows whose analysis failed (a tree-sitter trap): listed, never dropped. */
  invalid: InvalidRow[];
  unlisted: Record<string, SummableTotals>;
  table: Record<string, IdentifierEntry>;
}

export function emptyRowBatch(): RowBatchResult {
  return { records: [], invalid: [], unlisted: {}, table: Object.create(null) as Record<string, IdentifierEntry> };
}

export function addRowBatch(into: RowBatchResult, from: RowBatchResult): void {
  into.records.push(...from.records);
  into.invalid.push(...from.invalid);
  for (const [language, s] of Object.entries(from.unlisted)) addSums((into.unlisted[language] ??= emptySums()), s);
  mergeIdentifierTables(into.table, from.table, { adopt: true });
}

export interface RowContext {
  tokenizer: Tokenizer;
  spans: (text: string, language: string) => Promise<SpanResult | undefined>;
  scope: MergeScope;
  window: SampleWindow;
  specials: number;
}

export async function analyzeRows(rows: readonly RowSample[], ctx: RowContext): Promise<RowBatchResult> {
  const out = emptyRowBatch();
  for (const row of rows) {
    try {
      const { stats, contentTokens } = sampleStats({
        text: row.text, tokenizer: ctx.tokenizer, window: ctx.window, specials: ctx.specials, path: `row ${row.index}`,
        bytes: Buffer.byteLength(row.text), language: row.language, spans: await ctx.spans(row.text, row.language), scope: ctx.scope,
      });
      const { identifierTable, ...sums } = stats;
      addFile((out.unlisted[row.language] ??= emptySums()), sums);
      mergeIdentifierTables(out.table, identifierTable, { adopt: true });
      out.records.push({ origin: { kind: 'row', index: row.index }, language: row.language, contentTokens, tokens: stats.tokens, merged: stats.merged });
    } catch (e) {
      out.invalid.push({ index: row.index, reason: errorText(e) });
    }
  }
  return out;
}
