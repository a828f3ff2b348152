// Piscina worker: one FilePipeline per thread. Files come in batches and their identifier tables
// are merged here, so the main thread receives one table per batch instead of one per file (it
// would otherwise become the bottleneck on fast span engines).
import { workerData } from 'node:worker_threads';
import { FilePipeline, type FileTask, type ReportWorkerData } from './process-file';
import { ByteLevelBpeTokenizer } from '../tokenizer';
import { addOutcome, emptyBatchResult, type BatchResult } from './batch';
import type { RowBatchResult } from '../samples/row-batch';
import type { RowTasks } from '../samples/run-dataset';

// Built as soon as the thread starts (Piscina loads this module then), so the tokenizer and the
// parser load while the main thread is still walking the tree. A failure is reported by the first
// task that awaits it; the catch only keeps it from counting as unhandled before then.
const { config, tokenizer } = workerData as ReportWorkerData;
const pipeline: Promise<FilePipeline> = FilePipeline.create(config, tokenizer && new ByteLevelBpeTokenizer(tokenizer), { syncReads: true }).then((p) => {
  p.warmUp();
  return p;
});
pipeline.catch(() => undefined);

export default async function processBatch(tasks: FileTask[] | RowTasks): Promise<BatchResult | RowBatchResult> {
  const p = await pipeline;
  // Dataset rows (`report --dataset`) come as one object; files as a list.
  if (!Array.isArray(tasks)) return p.analyzeRows(tasks.rows);
  const result = emptyBatchResult();
  for (const task of tasks) addOutcome(result, await p.process(task));
  return result;
}
