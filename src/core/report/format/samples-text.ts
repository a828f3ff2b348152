// The "Samples" part of the table and Markdown renderings (text.ts): per-sample distributions of
// the saving per language, the top samples, code outside functions and invalid dataset rows. Cells
// are plain strings; text.ts escapes them for its format.
import type { ReportJson } from '../schema';
import type { SampleSummary, SamplesSection, TopSample } from '../../samples/section';
import type { Distribution } from '../../samples/distribution';
import { flops, int, pct } from './numbers';

type Row = string[];

/** "12.3% (p10 4.0%, p90 20.1%)": the median with the 10th and 90th percentile. */
const spread = (d: Distribution): string => `${pct(d.median)} (${pct(d.p10)}–${pct(d.p90)})`;

export function samplesIntro(r: ReportJson): string {
  const s = r.samples!;
  const what = s.unit === 'row' ? `each row of ${s.source.kind === 'dataset' ? `${s.source.file} (field "${s.source.field}")` : 'the dataset'} is one sample` : 'each function is one sample';
  const rule = s.window.truncate ? `<s> + the first ${int(s.window.maxLength - r.window.specials)} content tokens + </s>` : 'every token (--no-truncate)';
  const t = s.totals;
  return `Samples: ${what}, read as ${rule}. ${int(t.samples)} samples, ${int(t.truncated)} longer than the window. ` +
    `Per sample, median (p10–p90): token saving ${spread(t.distribution.tokenSavingPct)}, encoder FLOP saving ${spread(t.distribution.flopSavingPct)}` +
    (r.profile ? `, whole-model (${r.profile.name}) ${spread(t.distribution.modelFlopSavingPct)}.` : '.');
}

export function samplesHeader(r: ReportJson): Row {
  return ['language', 'samples', 'truncated', 'subtokens', 'merged', 'token saving', 'median (p10–p90)', 'encoder FLOP saving', 'median (p10–p90)',
    ...(r.profile ? [`whole-model (${r.profile.name})`, 'median (p10–p90)'] : [])];
}

function summaryRow(r: ReportJson, name: string, t: SampleSummary): Row {
  return [name, int(t.samples), int(t.truncated), int(t.tokens), int(t.merged), pct(t.tokenSavingPct), spread(t.distribution.tokenSavingPct),
    pct(t.flopSavingPct), spread(t.distribution.flopSavingPct), ...(r.profile ? [pct(t.modelFlopSavingPct), spread(t.distribution.modelFlopSavingPct)] : [])];
}

export function samplesRows(r: ReportJson): Row[] {
  const s = r.samples!;
  return [...Object.entries(s.languages).map(([name, t]) => summaryRow(r, name, t)), summaryRow(r, 'TOTAL', s.totals)];
}

export function sampleLabel(t: TopSample): string {
  return t.kind === 'row' ? `row ${t.row}` : `${t.path}:${t.line} ${t.name}`;
}

export const TOP_SAMPLES_HEADER: Row = ['sample', 'language', 'subtokens', 'merged', 'saved', 'token saving', 'encoder FLOP saving'];

export function topSampleRows(s: SamplesSection, limit: number): Row[] {
  return s.top.slice(0, limit).map((t) => [sampleLabel(t), t.language, int(t.tokens), int(t.merged), int(t.saved), pct(t.tokenSavingPct), pct(t.flopSavingPct)]);
}

export function outsideLine(s: SamplesSection): string | undefined {
  const o = s.outside;
  if (!o) return undefined;
  return `Code outside any function (apart from the samples; counted like files, in windows): ${int(o.files)} files, ${int(o.tokens)} subtokens → ${int(o.merged)} ` +
    `(${pct(o.tokenSavingPct)} shorter), encoder FLOPs ${flops(o.flopsBefore)} → ${flops(o.flopsAfter)} (${pct(o.flopSavingPct)} saved).`;
}

/** Invalid rows, the first `limit` with their reason, then how many more. */
export function invalidRowLines(s: SamplesSection, limit: number): string[] {
  const rows = s.invalidRows ?? [];
  if (!rows.length) return [];
  const shown = rows.slice(0, limit).map((x) => `row ${x.index}: ${x.reason}`);
  return [`${int(rows.length)} ${rows.length === 1 ? 'row is' : 'rows are'} no sample (listed in the JSON's samples.invalidRows):`, ...shown, ...(rows.length > limit ? [`+ ${int(rows.length - limit)} more`] : [])];
}
