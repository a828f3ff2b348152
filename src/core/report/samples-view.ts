// The samples tables of the report view (view-model.ts): per language the per-sample saving
// (median and 10th–90th percentile), and the samples that merging shortens most. Only for reports
// with a `samples` section (--unit function, --dataset).
import type { ReportJson } from './schema';
import type { Cell, ColumnView, TableView } from './view-model';
import type { Distribution } from '../samples/distribution';
import type { SampleSummary } from '../samples/section';
import { sampleLabel } from './format/samples-text';
import { int, pct } from './format/numbers';

const num = (n: number, text = int(n)): Cell => ({ text, sortKey: n });
const str = (s: string): Cell => ({ text: s, sortKey: s });
const numeric = (label: string): ColumnView => ({ label, numeric: true });
const textual = (label: string): ColumnView => ({ label, numeric: false });
/** Sorted by the median; shown with the 10th–90th percentile. */
const spread = (d: Distribution): Cell => ({ text: `${pct(d.median)} (${pct(d.p10)}–${pct(d.p90)})`, sortKey: d.median });

export function sampleTables(r: ReportJson, rowLimit: number): TableView[] {
  const s = r.samples;
  if (!s) return [];
  const row = (name: string, t: SampleSummary): Cell[] => [
    str(name), num(t.samples), num(t.truncated), num(t.tokenSavingPct, pct(t.tokenSavingPct)), spread(t.distribution.tokenSavingPct),
    num(t.flopSavingPct, pct(t.flopSavingPct)), spread(t.distribution.flopSavingPct),
  ];
  const invalid = s.invalidRows?.length ?? 0;
  const unit = s.unit === 'row' ? 'dataset row' : 'function';
  const window = s.window.truncate ? `<s> + the first ${int(s.window.maxLength - r.window.specials)} content tokens + </s>` : 'every token';
  const top = s.top.slice(0, rowLimit);
  return [
    {
      id: 'sample-table', title: `Samples (one per ${unit}, read as ${window})`,
      columns: [textual('language'), ...['samples', 'truncated', 'token saving', 'per sample: median (p10–p90)', 'encoder FLOP saving', 'per sample: median (p10–p90)'].map(numeric)],
      rows: Object.entries(s.languages).map(([name, t]) => row(name, t)),
      footer: row('TOTAL', s.totals),
      ...(invalid ? { note: `${int(invalid)} ${invalid === 1 ? 'row is' : 'rows are'} no sample (field missing or not a string, …): listed by index in the JSON's samples.invalidRows.` } : {}),
    },
    {
      id: 'top-sample-table', title: 'Samples that merging shortens most',
      columns: [textual('sample'), textual('language'), ...['subtokens', 'merged', 'tokens saved', 'FLOP saving'].map(numeric)],
      rows: top.map((t) => [
        t.kind === 'function' && t.path ? { text: sampleLabel(t), sortKey: sampleLabel(t), link: t.path } : str(sampleLabel(t)),
        str(t.language), num(t.tokens), num(t.merged), num(t.saved), num(t.flopSavingPct, pct(t.flopSavingPct)),
      ]),
    },
  ];
}
