// Dataset input for `report --dataset`: JSON Lines (streamed line by line) and Parquet (through
// hyparquet, a maintained pure-JavaScript reader; the Hub's datasets are Parquet). Each row is one
// sample. Rows are numbered from 0 in file order — JSON Lines: non-blank lines, so a trailing
// newline or blank separator lines make no rows — and a shard reads one contiguous range of them.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { extname } from 'node:path';

export type DatasetFormat = 'jsonl' | 'parquet';

const FORMAT_BY_EXTENSION: Readonly<Record<string, DatasetFormat>> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'jsonl', '.parquet': 'parquet', '.pq': 'parquet' };

/** The format from the file name, or undefined. */
export function datasetFormat(path: string): DatasetFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
}

/** Half-open range of 0-based row indexes. */
export interface RowRange {
  readonly start: number;
  readonly end: number;
}

export interface DatasetLayout {
  readonly rows: number;
  /** Parquet: rows per row group, in file order. */
  readonly rowGroups?: readonly number[];
}

/** One row: its object, or why it is none (a line that is not JSON, not an object). */
export type DatasetRow = { readonly index: number; readonly row: Record<string, unknown> } | { readonly index: number; readonly error: string };

/**
 * The rows of shard `index` of `count`: contiguous ranges that cover the file exactly once. A
 * Parquet file with at least `count` row groups is cut at row-group boundaries (a shard then
 * decodes only its own groups); otherwise, and for JSON Lines, at rows.
 */
export function shardRows(layout: DatasetLayout, shard: { index: number; count: number } | undefined): RowRange {
  const total = layout.rows;
  if (!shard) return { start: 0, end: total };
  const groups = layout.rowGroups;
  if (groups && groups.length >= shard.count) {
    // A group goes to the shard its middle row falls in (as if cut at rows): ranges stay contiguous
    // (the owner never decreases) and every group belongs to exactly one shard.
    let start = -1, end = -1, r = 0;
    for (const n of groups) {
      const owner = Math.min(shard.count - 1, Math.floor(((r + n / 2) * shard.count) / Math.max(1, total)));
      if (owner === shard.index) {
        if (start < 0) start = r;
        end = r + n;
      }
      r += n;
    }
    return start < 0 ? { start: 0, end: 0 } : { start, end };
  }
  const at = (k: number) => Math.floor((k * total) / shard.count);
  return { start: at(shard.index), end: at(shard.index + 1) };
}

// ---------------------------------------------------------------------------------------------
// JSON Lines

/** Rows of a JSON Lines file: its non-blank lines (a byte scan, nothing parsed). */
export async function countJsonlRows(path: string, signal?: AbortSignal): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let rows = 0, content = false;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) {
        const b = buf[i]!;
        if (b === 0x0a) {
          if (content) rows++;
          content = false;
        } else if (b !== 0x20 && b !== 0x09 && b !== 0x0d) content = true;
      }
    }
    return content ? rows + 1 : rows;
  } finally {
    await fh.close();
  }
}

function parseLine(index: number, line: string): DatasetRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { index, error: `not JSON (${(e as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { index, error: `not a JSON object (${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value})` };
  return { index, row: value as Record<string, unknown> };
}

/** The rows of `range`, in order, streamed (only lines in the range are parsed). */
export async function* readJsonlRows(path: string, range: RowRange, signal?: AbortSignal): AsyncGenerator<DatasetRow> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let index = 0;
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      if (index >= range.end) break;
      if (index >= range.start) {
        signal?.throwIfAborted();
        yield parseLine(index, line);
      }
      index++;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Parquet, through hyparquet (MIT, no dependencies; https://github.com/hyparam/hyparquet)

type Hyparquet = typeof import('hyparquet');
type ParquetMetadata = Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>;
type AsyncBuffer = Awaited<ReturnType<Hyparquet['asyncBufferFromFile']>>;

export class ParquetReaderMissingError extends Error {}

let hyparquet: Promise<Hyparquet> | undefined;

/** Loaded on first use (an ES module), so JSON Lines runs never load it. */
function loadHyparquet(): Promise<Hyparquet> {
  return (hyparquet ??= import('hyparquet').catch((e: unknown) => {
    hyparquet = undefined;
    throw new ParquetReaderMissingError(`reading Parquet needs the npm package hyparquet, which could not be loaded (${(e as Error).message})`);
  }));
}

async function openParquet(path: string): Promise<{ hp: Hyparquet; file: AsyncBuffer; metadata: ParquetMetadata }> {
  const hp = await loadHyparquet();
  const file = await hp.asyncBufferFromFile(path);
  return { hp, file, metadata: await hp.parquetMetadataAsync(file) };
}

/** Top-level column names of a Parquet file (the schema's root's direct children). */
function parquetColumns(metadata: ParquetMetadata): Set<string> {
  const out = new Set<string>();
  const schema = metadata.schema;
  // Flattened depth-first: element 0 is the root; skip each child's own subtree.
  let i = 1;
  const skip = (at: number): number => {
    let next = at + 1;
    for (let c = 0; c < (schema[at]?.num_children ?? 0); c++) next = skip(next);
    return next;
  };
  while (i < schema.length) {
    out.add(schema[i]!.name);
    i = skip(i);
  }
  return out;
}

export async function parquetLayout(path: string): Promise<DatasetLayout & { columns: Set<string> }> {
  const { metadata } = await openParquet(path);
  return { rows: Number(metadata.num_rows), rowGroups: metadata.row_groups.map((g) => Number(g.num_rows)), columns: parquetColumns(metadata) };
}

/** The rows of `range`, in order, `columns` only, decoded a slice at a time. */
export async function* readParquetRows(path: string, range: RowRange, columns: readonly string[], signal?: AbortSignal, sliceRows = 2048): AsyncGenerator<DatasetRow> {
  const { hp, file, metadata } = await openParquet(path);
  const present = parquetColumns(metadata);
  // A column the file lacks is "missing" in every row (listed per row), not a reader error.
  const wanted = columns.filter((c) => present.has(c));
  for (let start = range.start; start < range.end; start += sliceRows) {
    signal?.throwIfAborted();
    const end = Math.min(range.end, start + sliceRows);
    const rows: Record<string, unknown>[] = wanted.length ? await hp.parquetReadObjects({ file, metadata, columns: wanted, rowStart: start, rowEnd: end }) : Array.from({ length: end - start }, () => ({}));
    for (let k = 0; k < rows.length; k++) yield { index: start + k, row: rows[k]! };
  }
}

// ---------------------------------------------------------------------------------------------

export async function datasetLayout(path: string, format: DatasetFormat, signal?: AbortSignal): Promise<DatasetLayout> {
  return format === 'parquet' ? parquetLayout(path) : { rows: await countJsonlRows(path, signal) };
}

export function readDatasetRows(path: string, format: DatasetFormat, range: RowRange, columns: readonly string[], signal?: AbortSignal): AsyncGenerator<DatasetRow> {
  return format === 'parquet' ? readParquetRows(path, range, columns, signal) : readJsonlRows(path, range, signal);
}
