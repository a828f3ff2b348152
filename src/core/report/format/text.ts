// Plain-text (terminal table), Markdown and CSV renderings of a report. Every name in a report
// (paths, identifiers, languages, even the root and notes of a combined shard JSON) is outside
// text: each format shows it through the matching escaper of ../../safe-text, so no file name can
// send a terminal escape sequence, break a table row or become a spreadsheet formula.
import { csvNumber, csvText, markdownText, terminalLine, terminalText } from '../../safe-text';
import { SYNTAX_CATEGORIES } from '../../types';
import type { ReportJson, Totals } from '../schema';
import { bucketLabel, bytes, flops, int, pct } from './numbers';
import { profileLabel } from '../profile-label';
import { invalidRowLines, outsideLine, samplesHeader, samplesIntro, samplesRows, TOP_SAMPLES_HEADER, topSampleRows } from './samples-text';
import { SPELLINGS_SHOWN, spellingText } from '../spelling-text';

type Row = string[];

/** What `files` counts: files, or the rows of a dataset report. */
const unitName = (r: ReportJson): string => (r.samples?.source.kind === 'dataset' ? 'rows' : 'files');

/** The profile the whole-model columns are for; a report from before profiles has none. */
function profileName(r: ReportJson): string | undefined {
  return r.profile && r.totals.modelFlopsBefore !== undefined ? profileLabel(r.profile) : undefined;
}

function languageHeader(r: ReportJson): Row {
  const base = ['language', unitName(r), 'bytes', 'identifiers', 'split 2+', 'subtokens', 'merged', 'reduction', 'windows', 'encoder FLOPs before', 'encoder FLOPs after', 'encoder FLOP saving'];
  return r.profile && r.totals.modelFlopsBefore !== undefined ? [...base, `whole-model FLOP saving (${r.profile.name})`] : base;
}

function languageRow(r: ReportJson, name: string, t: Totals): Row {
  return [
    name, int(t.files), bytes(t.bytes), int(t.identifiers), int(t.splitIdentifiers), int(t.tokens), int(t.merged),
    pct(t.reductionPct), int(t.windowsBefore.count), flops(t.flopsBefore), flops(t.flopsAfter), pct(t.flopSavingPct),
    ...(profileName(r) ? [pct(t.modelFlopSavingPct)] : []),
  ];
}

function languageRows(r: ReportJson): Row[] {
  return [...Object.entries(r.languages).map(([name, t]) => languageRow(r, name, t)), languageRow(r, 'TOTAL', r.totals)];
}

/** One row per identifier; its subtokens cell lists the BPE spellings with their counts and
 *  savings (spelling-text.ts), which add up to the row's occurrences and saved. `spellings`: how
 *  many are written out before "+ N other spellings" (the terminal table keeps to one, for width). */
function topRows(r: ReportJson, limit: number, spellings = SPELLINGS_SHOWN): Row[] {
  return r.topIdentifiers.slice(0, limit).map((t) => [t.name, spellingText(t, spellings), int(t.occurrences), int(t.saved)]);
}

function histogramRows(t: Totals): Row[] {
  const rows: Row[] = [];
  t.histogram.forEach((n, i) => {
    if (n > 0) rows.push([bucketLabel(i, t.histogram.length), int(n), pct((100 * n) / Math.max(1, t.identifiers))]);
  });
  return rows;
}

function categoryRows(t: Totals): Row[] {
  return SYNTAX_CATEGORIES.map((c) => [c, int(t.categories[c]), pct((100 * t.categories[c]) / Math.max(1, t.tokens))]);
}

function skippedSummary(r: ReportJson): Row[] {
  const by = new Map<string, number>();
  for (const s of r.skipped) by.set(s.reason, (by.get(s.reason) ?? 0) + 1);
  return [...by.entries()].sort().map(([reason, n]) => [reason, int(n)]);
}

/** `textColumns`: how many leading columns hold text (left-aligned); the rest are numbers. */
function textTable(header: Row, rows: Row[], textColumns = 1): string {
  // Escaped before measuring, so the columns line up with what is printed.
  rows = rows.map((r) => r.map(terminalLine));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: Row) => r.map((c, i) => (i < textColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** `textColumns`: how many leading columns hold text (left-aligned); the rest are numbers. */
function mdTable(header: Row, rows: Row[], textColumns = 1): string {
  const esc = markdownText;
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map((_, i) => (i < textColumns ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function headline(r: ReportJson): string {
  const t = r.totals;
  return `${int(t.files)} ${unitName(r)}, ${int(t.identifiers)} identifier occurrences (${int(t.splitIdentifiers)} split into 2+ subtokens): ` +
    `${int(t.tokens)} subtokens → ${int(t.merged)} after merging (${pct(t.reductionPct)} shorter; one window holds ${pct(t.contextGainPct)} more code). ` +
    `Estimated ${r.model.label} encoder FLOPs: ${flops(t.flopsBefore)} → ${flops(t.flopsAfter)} (${pct(t.flopSavingPct)} saved)` +
    (profileName(r) ? `; whole model, profile ${profileName(r)}: ${flops(t.modelFlopsBefore)} → ${flops(t.modelFlopsAfter)} (${pct(t.modelFlopSavingPct)} saved).` : '.');
}

export function formatTable(r: ReportJson, topLimit = 20): string {
  const parts = [
    `Subtoken Lens report: ${terminalLine(r.root)}${r.shard ? ` (shard ${r.shard.index + 1}/${r.shard.count})` : ''} — tokenizer ${terminalLine(r.tokenizer)}, scope ${terminalLine(r.scope)}, spans ${terminalLine(r.spanEngine)}`,
    headline(r),
    '',
    textTable(languageHeader(r), languageRows(r)),
    '',
    'Subtokens per identifier occurrence:',
    textTable(['subtokens', 'occurrences', 'share'], histogramRows(r.totals)),
    '',
    'Subtokens by syntax category:',
    textTable(['category', 'subtokens', 'share'], categoryRows(r.totals)),
  ];
  if (r.topIdentifiers.length) parts.push('', `Top identifiers by tokens saved:`, textTable(['identifier', 'subtokens', 'occurrences', 'saved'], topRows(r, topLimit, 1), 2));
  if (r.samples) {
    const s = r.samples;
    parts.push('', samplesIntro(r), textTable(samplesHeader(r), samplesRows(r)));
    if (s.top.length) parts.push('', 'Top samples by tokens saved:', textTable(TOP_SAMPLES_HEADER, topSampleRows(s, 10)));
    if (outsideLine(s)) parts.push('', outsideLine(s)!);
    if (s.invalidRows?.length) parts.push('', ...invalidRowLines(s, 10).map(terminalLine));
  }
  if (r.skipped.length) parts.push('', `Skipped ${r.skipped.length} paths:`, textTable(['reason', 'count'], skippedSummary(r)));
  parts.push('', ...r.notes.map((n) => `Note: ${terminalLine(n)}`));
  // Whatever else came from the report (a model label from a shard JSON, say) is made inert too.
  return terminalText(parts.join('\n')) + '\n';
}

export function formatMarkdown(r: ReportJson, topLimit = 30): string {
  const parts = [
    `# Subtoken Lens report: ${markdownText(r.root)}`,
    '',
    `Tokenizer: ${markdownText(r.tokenizer)} · model for FLOPs: ${markdownText(r.model.label)}${profileName(r) ? ` · profile: ${markdownText(profileName(r)!)}` : ''} · scope: ${markdownText(r.scope)} · spans: ${markdownText(r.spanEngine)} · window: ${r.window.capacity + r.window.specials} tokens${r.shard ? ` · shard ${r.shard.index + 1}/${r.shard.count}` : ''}`,
    '',
    headline(r),
    '',
    '## By language',
    '',
    mdTable(languageHeader(r), languageRows(r)),
    '',
    '## Subtokens per identifier occurrence',
    '',
    mdTable(['subtokens', 'occurrences', 'share'], histogramRows(r.totals)),
    '',
    '## Subtokens by syntax category',
    '',
    mdTable(['category', 'subtokens', 'share'], categoryRows(r.totals)),
  ];
  if (r.topIdentifiers.length) parts.push('', '## Top identifiers by tokens saved', '', mdTable(['identifier', 'subtokens', 'occurrences', 'saved'], topRows(r, topLimit), 2));
  if (r.samples) {
    const s = r.samples;
    parts.push('', '## Samples', '', markdownText(samplesIntro(r)), '', mdTable(samplesHeader(r), samplesRows(r)));
    if (s.top.length) parts.push('', '### Top samples by tokens saved', '', mdTable(TOP_SAMPLES_HEADER, topSampleRows(s, 20)));
    if (outsideLine(s)) parts.push('', markdownText(outsideLine(s)!));
    if (s.invalidRows?.length) parts.push('', ...invalidRowLines(s, 20).map((l) => `- ${markdownText(l)}`));
  }
  if (r.files.length || !r.samples) parts.push('', '## Files', '', mdTable(
    ['file', 'language', 'status', 'subtokens', 'merged', 'reduction', 'encoder FLOP saving', ...(profileName(r) ? [`whole-model FLOP saving (${r.profile!.name})`] : [])],
    r.files.map((f) => [f.path, f.language, f.status, int(f.tokens), int(f.merged), pct(f.reductionPct), pct(f.flopSavingPct), ...(profileName(r) ? [pct(f.modelFlopSavingPct)] : [])]),
  ));
  if (r.skipped.length) parts.push('', '## Skipped', '', mdTable(['path', 'reason', 'detail'], r.skipped.map((s) => [s.path, s.reason, s.detail ?? ''])));
  parts.push('', ...r.notes.map((n) => `> ${markdownText(n)}`));
  return terminalText(parts.join('\n')) + '\n';
}

/** Columns holding text; every other column holds numbers (or is empty on a skipped row). */
const CSV_TEXT_COLUMNS = new Set(['path', 'language', 'status', 'skip_reason']);

/**
 * One row per file (plus skipped files with their reason): for spreadsheets. Text cells are
 * neutralised against formula injection (`=cmd|…` is written `"'=cmd|…"`); numeric cells, negative
 * ones included, stay numbers.
 */
export function formatCsv(r: ReportJson): string {
  const header = ['path', 'language', 'status', 'bytes', 'identifiers', 'split_identifiers', 'identifier_subtokens', 'subtokens', 'merged', 'reduction_pct',
    'windows_before', 'windows_after', 'flops_before', 'flops_after', 'flop_saving_pct',
    // Whole-model FLOPs of the report's profile (the JSON's `profile`; empty in reports made before profiles).
    'model_flops_before', 'model_flops_after', 'model_flop_saving_pct', ...SYNTAX_CATEGORIES.map((c) => `tokens_${c}`), 'skip_reason'];
  const rows = r.files.map((f) => [f.path, f.language, f.status, f.bytes, f.identifiers, f.splitIdentifiers, f.identifierTokens, f.tokens, f.merged,
    f.reductionPct.toFixed(3), f.windowsBefore.count, f.windowsAfter.count, f.flopsBefore, f.flopsAfter, f.flopSavingPct.toFixed(3),
    f.modelFlopsBefore ?? '', f.modelFlopsAfter ?? '', f.modelFlopSavingPct?.toFixed(3) ?? '',
    ...SYNTAX_CATEGORIES.map((c) => f.categories[c]), '']);
  const numberColumns = header.length - 3 - SYNTAX_CATEGORIES.length - 1; // between status and the categories
  for (const s of r.skipped) rows.push([s.path, '', 'skipped', ...new Array<string>(numberColumns).fill(''), ...SYNTAX_CATEGORIES.map(() => ''), `${s.reason}: ${s.detail ?? ''}`]);
  const cell = (v: string | number, column: number) => (CSV_TEXT_COLUMNS.has(header[column]!) ? csvText(String(v)) : csvNumber(v));
  return [header.map(csvText).join(','), ...rows.map((row) => row.map(cell).join(','))].join('\n') + '\n';
}
