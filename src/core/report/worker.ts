// Piscina worker: one FilePipeline per thread, built from workerData on first use. Files come in
// batches and their identifier tables are merged here, so the main thread receives one table per
// batch instead of one per file (it would otherwise become the bottleneck on fast span engines).
import { workerData } from 'node:worker_threads';
import { mergeIdentifierTables } from './aggregate';
import { FilePipeline, type FileTask, type PipelineConfig } from './process-file';
import type { BatchResult, FileResult } from './batch';
import type { IdentifierEntry } from './stats';

let pipeline: Promise<FilePipeline> | undefined;

export default async function processBatch(tasks: FileTask[]): Promise<BatchResult> {
  pipeline ??= FilePipeline.create(workerData as PipelineConfig);
  const p = await pipeline;
  const table: Record<string, IdentifierEntry> = Object.create(null);
  const results: FileResult[] = [];
  for (const task of tasks) {
    const out = await p.process(task);
    if (out.kind === 'skip') results.push(out);
    else {
      const { identifierTable, ...stats } = out.stats;
      mergeIdentifierTables(table, identifierTable);
      results.push({ kind: 'file', stats });
    }
  }
  return { results, table };
}
