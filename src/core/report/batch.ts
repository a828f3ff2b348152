// Report work is handed to worker threads in batches of files: fewer messages, and identifier
// tables merged in the workers rather than on the main thread.
import { mergeIdentifierTables } from './aggregate';
import type { FileOutcome } from './process-file';
import type { SkippedFile } from './schema';
import type { FileStats, IdentifierEntry } from './stats';
import type { FileSamples } from '../samples/file-samples';

export type FileResult = { kind: 'file'; stats: Omit<FileStats, 'identifierTable'>; samples?: FileSamples } | { kind: 'skip'; skipped: SkippedFile };

export interface BatchResult {
  results: FileResult[];
  table: Record<string, IdentifierEntry>;
}

export function emptyBatchResult(): BatchResult {
  return { results: [], table: Object.create(null) as Record<string, IdentifierEntry> };
}

/** Adds one file's outcome: its figures to the results, its identifiers to the batch's table. */
export function addOutcome(into: BatchResult, out: FileOutcome): void {
  if (out.kind === 'skip') {
    into.results.push(out);
    return;
  }
  const { identifierTable, ...stats } = out.stats;
  // The outcome is not kept (a cache stored its own copy before this), so its entries move over.
  mergeIdentifierTables(into.table, identifierTable, { adopt: true });
  into.results.push(out.samples ? { kind: 'file', stats, samples: out.samples } : { kind: 'file', stats });
}

/** Folds a batch (from a worker, or read from the cache) into the run's totals; the batch is
 *  consumed: its table's entries move into `into`. */
export function addBatch(into: BatchResult, batch: BatchResult): void {
  into.results.push(...batch.results);
  mergeIdentifierTables(into.table, batch.table, { adopt: true });
}

/**
 * Splits files (largest first, so no big file finishes alone at the end) into batches of about
 * `targetBytes`, at most `maxFiles` each; a file larger than the target is a batch of its own.
 */
export function makeBatches<T extends { size: number }>(files: readonly T[], targetBytes = 256 * 1024, maxFiles = 64): T[][] {
  const order = [...files].sort((a, b) => b.size - a.size);
  const batches: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const f of order) {
    if (cur.length && (bytes + f.size > targetBytes || cur.length >= maxFiles)) {
      batches.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(f);
    bytes += f.size;
  }
  if (cur.length) batches.push(cur);
  return batches;
}
