// `report --dataset FILE`: every row of a JSON Lines or Parquet dataset is one sample, read as the
// model reads it (analyze-sample.ts). The report's totals and languages sum the rows (what the
// model sees of them), it lists no files, and its `samples` section has the per-sample
// distributions; rows that are no sample are listed by index. `--shard K/N` takes a contiguous range
// of rows (dataset.ts), and `combine` of the N shard reports equals the unsharded report.
import { basename } from 'node:path';
import { open } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import { modelConfig } from '../flops';
import { buildReport } from '../report/aggregate';
import { defaultReportProfile } from '../report/profile-flops';
import type { ReportJson } from '../report/schema';
import { capJobs, queuedPerWorker, runMeta, startPool, workerCanStart, workerThreads, type ReportOptions } from '../report/run';
import { FilePipeline, type PipelineConfig } from '../report/process-file';
import { datasetLayout, parquetLayout, readDatasetRows, shardRows, type DatasetFormat, type DatasetRow } from './dataset';
import { isInvalidRow, rowSample, type RowSample, type RowSpec } from './rows';
import type { SampleRecord } from './analyze-sample';
import { addRowBatch, emptyRowBatch, type RowBatchResult } from './row-batch';
import { SampleCollector, type InvalidRow } from './section';
import type { SampleWindow } from './types';

/** The options a dataset report shares with a tree report (see ReportOptions for each). */
type SharedReportOptions = Pick<ReportOptions,
  'tokenizerDir' | 'tokenizerName' | 'modelKey' | 'profile' | 'scope' | 'spanEngine' | 'window' | 'sampleWindow' | 'shard'
  | 'topLimit' | 'includeIdentifierTable' | 'toolVersion' | 'grammarDirs' | 'runtimeWasm' | 'workerFile' | 'tokenizer' | 'signal' | 'onProgress'
  | 'callerWorks'>;

export interface DatasetReportOptions extends SharedReportOptions {
  dataset: string;
  format: DatasetFormat;
  rows: RowSpec;
  /** Threads, at most the cores; 0 or absent: in the calling thread. Worker threads, unless
   *  `callerWorks`: then the calling thread is one of them (it also reads the rows). */
  jobs?: number;
  /** Every sample's record and every invalid row, once the run is done (--per-sample). */
  onSamples?: (records: readonly SampleRecord[], invalid: readonly InvalidRow[]) => void;
}

/** A dataset that cannot be read as asked (a Parquet file without the field's column, …). */
export class DatasetError extends Error {}

/** What a report worker is handed for a batch of rows (worker.ts tells it from a list of files). */
export interface RowTasks {
  rows: RowSample[];
}

/** Refuses, before any work, a dataset that cannot be what was asked: a JSON array where JSON Lines
 *  are read (every line would be an invalid row), a Parquet file without the named columns. */
async function checkDataset(opts: DatasetReportOptions): Promise<void> {
  if (opts.format === 'jsonl') {
    const fh = await open(opts.dataset, 'r');
    try {
      const { buffer, bytesRead } = await fh.read(Buffer.alloc(4096), 0, 4096, 0);
      if (/^\s*\[/.test(buffer.subarray(0, bytesRead).toString('utf8'))) {
        throw new DatasetError(`${basename(opts.dataset)} holds a JSON array, not JSON Lines (one object per line); convert it, e.g. with jq -c '.[]'`);
      }
    } finally {
      await fh.close();
    }
    return;
  }
  const { columns } = await parquetLayout(opts.dataset);
  for (const [what, name] of [['--field', opts.rows.field], ['--language-field', opts.rows.languageField]] as const) {
    if (name !== undefined && !columns.has(name)) {
      throw new DatasetError(`${basename(opts.dataset)} has no column "${name}" (${what}); its columns: ${[...columns].slice(0, 20).join(', ')}`);
    }
  }
}

export async function runDatasetReport(opts: DatasetReportOptions): Promise<ReportJson> {
  await checkDataset(opts);
  const layout = await datasetLayout(opts.dataset, opts.format, opts.signal);
  const range = shardRows(layout, opts.shard);
  const cfg = modelConfig(opts.modelKey);
  const profile = opts.profile ?? defaultReportProfile(cfg);
  const specials = opts.window.specials;
  const sampleWindow = opts.sampleWindow ?? { maxLength: opts.window.capacity + specials, truncate: true };
  const config: PipelineConfig = {
    tokenizerDir: opts.tokenizerDir, grammarDirs: opts.grammarDirs, runtimeWasm: opts.runtimeWasm, scope: opts.scope,
    spanEngine: opts.spanEngine ?? 'tree-sitter', window: opts.window, includeGenerated: false, sampleWindow,
  };
  const all = emptyRowBatch();
  const total = range.end - range.start;
  let done = 0, bytesDone = 0;
  const finished = (rows: number, bytes: number) => {
    done += rows;
    bytesDone += bytes;
    opts.onProgress?.({ phase: 'analyzing', done, total, bytesDone, bytesTotal: 0, items: 'rows' });
  };
  const columns = [opts.rows.field, ...(opts.rows.languageField ? [opts.rows.languageField] : [])];
  const rows = readDatasetRows(opts.dataset, opts.format, range, columns, opts.signal);
  const jobs = capJobs(opts.jobs ?? 0);
  const poolThreads = workerThreads(jobs, opts.callerWorks);
  if (poolThreads <= 0 || total < 2 * BATCH_ROWS) {
    const pipeline = await FilePipeline.create(config, opts.tokenizer);
    try {
      for await (const batch of rowBatches(rows, opts.rows, all.invalid, finished)) {
        opts.signal?.throwIfAborted();
        addRowBatch(all, await pipeline.analyzeRows(batch.rows));
        finished(batch.rows.length, batch.bytes);
      }
    } finally {
      pipeline.dispose();
    }
  } else {
    const pool = startPool(config, poolThreads, opts);
    // Rows are read on this thread as workers need them, at most `room` batches in flight. With
    // `callerWorks` a batch that finds the workers full is analysed here instead of waiting.
    const room = poolThreads * queuedPerWorker(opts.callerWorks);
    // With the caller working, the workers get rows only once one can analyse them (see run.ts).
    let workersReady = !opts.callerWorks;
    if (opts.callerWorks) void workerCanStart(pool, opts.signal).then((ok) => { workersReady = ok; });
    const inFlight = new Set<Promise<void>>();
    if (opts.signal) setMaxListeners(room + 10, opts.signal);
    let caller: FilePipeline | undefined;
    let failure: { error: unknown } | undefined;
    try {
      for await (const batch of rowBatches(rows, opts.rows, all.invalid, finished)) {
        if (failure) throw failure.error;
        if (opts.callerWorks && (!workersReady || inFlight.size >= room)) {
          opts.signal?.throwIfAborted();
          caller ??= await FilePipeline.create(config, opts.tokenizer);
          addRowBatch(all, await caller.analyzeRows(batch.rows));
          finished(batch.rows.length, batch.bytes);
          await new Promise((resolve) => setImmediate(resolve)); // lets the workers' results in
          continue;
        }
        const task: RowTasks = { rows: batch.rows };
        const run: Promise<void> = (pool.run(task, { signal: opts.signal }) as Promise<RowBatchResult>).then((out) => {
          addRowBatch(all, out);
          finished(batch.rows.length, batch.bytes);
          inFlight.delete(run);
        });
        // Handled at once (the loop may not wait on it for a while); the next row batch throws it.
        run.catch((e: unknown) => { failure ??= { error: e }; });
        inFlight.add(run);
        if (!opts.callerWorks && inFlight.size >= room) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } finally {
      await Promise.allSettled(inFlight);
      caller?.dispose();
      await pool.destroy();
    }
  }
  const collector = new SampleCollector({ cfg, profile, specials, topLimit: opts.topLimit });
  for (const r of all.records) collector.add(r);
  collector.addInvalid(all.invalid);
  opts.onSamples?.(all.records, all.invalid);
  const source = {
    kind: 'dataset' as const, file: basename(opts.dataset), format: opts.format, field: opts.rows.field,
    ...(opts.rows.language ? { language: opts.rows.language } : {}), ...(opts.rows.languageField ? { languageField: opts.rows.languageField } : {}),
    rows: layout.rows,
  };
  const meta = runMeta(opts, basename(opts.dataset));
  const includeParts = meta.includeIdentifierTable;
  return buildReport([], all.table, [], {
    ...meta,
    samples: collector.build({ cfg, profile, specials, unit: 'row', window: sampleWindow, source, topLimit: opts.topLimit, includeParts }),
    unlisted: all.unlisted,
    notes: [datasetNote(opts.rows.field, sampleWindow, specials)],
  });
}

/** Rows per batch handed to a worker: small enough to spread a small dataset over the workers. */
const BATCH_ROWS = 256;
const BATCH_BYTES = 256 * 1024;

/** Valid rows in batches; invalid rows go straight to `invalid` (and count as done). */
async function* rowBatches(rows: AsyncIterable<DatasetRow>, spec: RowSpec, invalid: InvalidRow[], finished: (rows: number, bytes: number) => void): AsyncGenerator<{ rows: RowSample[]; bytes: number }> {
  let batch: RowSample[] = [];
  let bytes = 0;
  for await (const row of rows) {
    const sample = rowSample(row, spec);
    if (isInvalidRow(sample)) {
      invalid.push(sample);
      finished(1, 0);
      continue;
    }
    batch.push(sample);
    bytes += sample.text.length;
    if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) {
      yield { rows: batch, bytes };
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length) yield { rows: batch, bytes };
}

function datasetNote(field: string, w: SampleWindow, specials: number): string {
  const rule = w.truncate ? `the first ${w.maxLength - specials} content tokens of field "${field}" between the ${specials} special tokens (as the model reads it)` : `every content token of field "${field}" (--no-truncate)`;
  return `Dataset report: each row is one sample, ${rule}; the totals and languages sum those tokens over the rows ("files" counts rows; bytes and chars are of whole fields). Rows that are no sample are listed in samples.invalidRows.`;
}
