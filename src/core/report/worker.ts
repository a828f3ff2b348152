// Piscina worker: one FilePipeline per thread, built from workerData on first use.
import { workerData } from 'node:worker_threads';
import { FilePipeline, type FileOutcome, type FileTask, type PipelineConfig } from './process-file';

let pipeline: Promise<FilePipeline> | undefined;

export default async function processFile(task: FileTask): Promise<FileOutcome> {
  pipeline ??= FilePipeline.create(workerData as PipelineConfig);
  return (await pipeline).process(task);
}
