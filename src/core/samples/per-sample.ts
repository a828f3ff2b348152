// `--per-sample OUT.jsonl`: one JSON line per sample, to join with task metrics (a row's label or
// a model's score per row): where it came from (the dataset row index, or the file, function and
// line), its lengths before and after merging, and its FLOPs before and after, of the encoder and of
// the whole model under the report's profile. Dataset rows that are no sample get a line too, with
// the reason, so every row of the range is accounted for. Written through a temporary file and a
// rename: an interrupted run leaves the previous file, never half of one.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EncoderConfig } from '../flops';
import type { ReportProfile } from '../report/profile-flops';
import { sampleFlops, type SampleRecord } from './analyze-sample';
import type { InvalidRow } from './section';

export interface PerSampleMeta {
  cfg: EncoderConfig;
  profile: ReportProfile;
  specials: number;
}

/** Rows by index; functions by path, line, name (invalid rows among the rows, by index). */
function sortKey(r: SampleRecord): [number, string, number, string] {
  const o = r.origin;
  return o.kind === 'row' ? [o.index, '', 0, ''] : o.kind === 'function' ? [0, o.path, o.line, o.name] : [0, o.path, 0, ''];
}

function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

/** One object per line, in a stable order. */
export function perSampleLines(records: readonly SampleRecord[], invalid: readonly InvalidRow[], meta: PerSampleMeta): string[] {
  type Entry = { key: [number, string, number, string]; line: string };
  const entries: Entry[] = records.map((r) => {
    const f = sampleFlops(meta.cfg, meta.profile, meta.specials, r.tokens, r.merged);
    const o = r.origin;
    const where = o.kind === 'row' ? { row: o.index } : o.kind === 'function' ? { path: o.path, function: o.name, line: o.line } : { path: o.path, outside: true };
    return {
      key: sortKey(r),
      line: JSON.stringify({
        ...where, language: r.language, contentTokens: r.contentTokens, tokens: r.tokens, merged: r.merged, truncated: r.contentTokens > r.tokens,
        lengthBefore: f.lengthBefore, lengthAfter: f.lengthAfter, flopsBefore: f.flopsBefore, flopsAfter: f.flopsAfter,
        profile: meta.profile.name, modelFlopsBefore: f.modelFlopsBefore, modelFlopsAfter: f.modelFlopsAfter,
      }),
    };
  });
  for (const x of invalid) entries.push({ key: [x.index, '', 0, ''], line: JSON.stringify({ row: x.index, invalid: x.reason }) });
  return entries.sort((a, b) => compareKeys(a.key, b.key)).map((e) => e.line);
}

/** Writes the lines atomically (temporary file in the same folder, fsync, rename). */
export function writeLinesAtomic(path: string, lines: readonly string[]): void {
  const target = resolve(path);
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o666);
  try {
    try {
      // In chunks: a million lines would make one string of hundreds of MB.
      for (let i = 0; i < lines.length; i += 4096) writeSync(fd, lines.slice(i, i + 4096).join('\n') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
