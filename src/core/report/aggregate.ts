// Folds per-file statistics into a report. Every total is a sum of integers, and derived figures
// are recomputed from those sums, so a report built from shards equals the unsharded one exactly.
import { flopsFromSums, modelConfig } from '../flops';
import { SYNTAX_CATEGORIES } from '../types';
import { emptyCategories, HISTOGRAM_BUCKETS, type FileStats, type IdentifierEntry, type MergeScope, type WindowConfig, type WindowSums } from './stats';
import { REPORT_SCHEMA, REPORT_VERSION, type FileReport, type ReportJson, type SkippedFile, type SpanEngine, type TopIdentifier, type Totals } from './schema';

type Summable = Omit<Totals, 'reductionPct' | 'flopsBefore' | 'flopsAfter' | 'flopSavingPct' | 'contextGainPct'>;

const SCALAR_KEYS = [
  'bytes', 'chars', 'tokens', 'merged', 'identifiers', 'splitIdentifiers', 'identifierTokens',
  'straddlingIdentifiers', 'savedByIdentifiers', 'stringSpans', 'savedByStrings',
] as const;

function emptySums(): Summable {
  return {
    files: 0, bytes: 0, chars: 0, tokens: 0, merged: 0, identifiers: 0, splitIdentifiers: 0, identifierTokens: 0,
    straddlingIdentifiers: 0, savedByIdentifiers: 0, stringSpans: 0, savedByStrings: 0,
    histogram: new Array<number>(HISTOGRAM_BUCKETS).fill(0), categories: emptyCategories(),
    windowsBefore: { count: 0, sum: 0, sumSq: 0 }, windowsAfter: { count: 0, sum: 0, sumSq: 0 },
  };
}

function addWindows(a: WindowSums, b: WindowSums): void {
  a.count += b.count;
  a.sum += b.sum;
  a.sumSq += b.sumSq;
}

type FileSums = Omit<FileStats, 'identifierTable'>;

function addFile(acc: Summable, f: FileSums): void {
  acc.files++;
  for (const k of SCALAR_KEYS) acc[k] += f[k];
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) acc.histogram[i]! += f.histogram[i] ?? 0;
  for (const c of SYNTAX_CATEGORIES) acc.categories[c] += f.categories[c] ?? 0;
  addWindows(acc.windowsBefore, f.windowsBefore);
  addWindows(acc.windowsAfter, f.windowsAfter);
}

const pct = (part: number, whole: number): number => (whole > 0 ? (100 * part) / whole : 0);

export function derive<T extends Summable>(s: T, modelKey: string): T & Totals {
  const cfg = modelConfig(modelKey);
  const flopsBefore = flopsFromSums(cfg, s.windowsBefore);
  const flopsAfter = flopsFromSums(cfg, s.windowsAfter);
  return {
    ...s,
    reductionPct: pct(s.tokens - s.merged, s.tokens),
    flopsBefore,
    flopsAfter,
    flopSavingPct: pct(flopsBefore - flopsAfter, flopsBefore),
    contextGainPct: s.merged > 0 ? pct(s.tokens - s.merged, s.merged) : 0,
  };
}

export function mergeIdentifierTables(into: Record<string, IdentifierEntry>, from: Record<string, IdentifierEntry>): void {
  for (const name of Object.keys(from)) {
    const e = from[name]!;
    const t = into[name];
    if (!t) into[name] = { ...e, pieces: [...e.pieces] };
    else {
      t.occurrences += e.occurrences;
      t.subtokens += e.subtokens;
      t.saved += e.saved;
      // One identifier can split differently in different contexts (after a space or not): keep
      // a canonical spelling, so the result does not depend on the order files were merged in.
      if (e.pieces.join('\u0000') < t.pieces.join('\u0000')) t.pieces = [...e.pieces];
    }
  }
}

export function topIdentifiers(table: Record<string, IdentifierEntry>, limit: number): TopIdentifier[] {
  return Object.keys(table)
    .filter((name) => table[name]!.saved > 0)
    .map((name) => ({ name, ...table[name]! }))
    .sort((a, b) => b.saved - a.saved || b.occurrences - a.occurrences || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit);
}

export interface ReportMeta {
  toolVersion: string;
  tokenizer: string;
  modelKey: string;
  scope: MergeScope;
  spanEngine: SpanEngine;
  window: WindowConfig;
  root: string;
  shard: { index: number; count: number } | null;
  topLimit: number;
  includeIdentifierTable: boolean;
  notes?: string[];
}

/** Builds a report from per-file figures (without their identifier tables) and one merged table. */
export function buildReport(
  files: ReadonlyArray<Omit<FileStats, 'identifierTable'>>,
  identifierTable: Record<string, IdentifierEntry>,
  skipped: readonly SkippedFile[],
  meta: ReportMeta,
): ReportJson {
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const sorted = [...files].sort(byPath);
  const totals = emptySums();
  const langs = new Map<string, Summable>();
  const fileReports: FileReport[] = [];
  for (const f of sorted) {
    addFile(totals, f);
    let l = langs.get(f.language);
    if (!l) langs.set(f.language, (l = emptySums()));
    addFile(l, f);
    const one = emptySums();
    addFile(one, f);
    const d = derive(one, meta.modelKey);
    fileReports.push({
      ...f,
      reductionPct: d.reductionPct, flopsBefore: d.flopsBefore, flopsAfter: d.flopsAfter,
      flopSavingPct: d.flopSavingPct, contextGainPct: d.contextGainPct,
    });
  }
  const languages: Record<string, Totals> = {};
  for (const name of [...langs.keys()].sort()) languages[name] = derive(langs.get(name)!, meta.modelKey);
  const cfg = modelConfig(meta.modelKey);
  const notes = [
    'FLOPs are analytic estimates of the encoder (1 multiply-add = 2 FLOPs; projections, attention scores and context, feed-forward; norms, softmax and biases left out).',
    'Merging follows Saad et al. (2025): the subtokens of one identifier occurrence collapse into one position.',
    ...(meta.spanEngine === 'lexical' ? ['Identifier spans come from the lexical scanner (--spans lexical): faster, close to but not exactly tree-sitter; files are never marked parse-errors.'] : []),
    ...(meta.scope === 'identifiers+strings' ? ['Scope includes string literals: an extension beyond the paper, whose unit is the identifier.'] : []),
    ...(cfg.tokenizer !== 'codet5' && meta.tokenizer.startsWith('codet5') ? [`Counts use the CodeT5 tokenizer, not ${cfg.label}'s own.`] : []),
    ...(meta.notes ?? []),
  ];
  const report: ReportJson = {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    tool: { name: 'subtoken-lens', version: meta.toolVersion },
    tokenizer: meta.tokenizer,
    model: { key: cfg.key, label: cfg.label },
    scope: meta.scope,
    spanEngine: meta.spanEngine,
    window: meta.window,
    root: meta.root,
    shard: meta.shard,
    totals: derive(totals, meta.modelKey),
    languages,
    files: fileReports,
    skipped: [...skipped].sort(byPath),
    topIdentifiers: topIdentifiers(identifierTable, meta.topLimit),
    notes,
  };
  if (meta.includeIdentifierTable) report.identifierTable = identifierTable;
  return report;
}

/**
 * Combines shard reports of one tree into the report an unsharded run would have produced.
 * Shards must agree on tokenizer, model, scope and window, and carry identifier tables.
 */
export function combineReports(parts: readonly ReportJson[], opts: { topLimit?: number; includeIdentifierTable?: boolean } = {}): ReportJson {
  if (parts.length === 0) throw new Error('nothing to combine');
  const first = parts[0]!;
  for (const p of parts) {
    if (p.schema !== REPORT_SCHEMA || p.version !== REPORT_VERSION) throw new Error(`not a subtoken-lens report v${REPORT_VERSION}: ${String(p.schema)} v${String(p.version)}`);
    for (const key of ['tokenizer', 'scope', 'spanEngine'] as const) {
      if (p[key] !== first[key]) throw new Error(`shards disagree on ${key}: "${p[key]}" vs "${first[key]}"`);
    }
    if (p.model.key !== first.model.key) throw new Error(`shards disagree on model: ${p.model.key} vs ${first.model.key}`);
    if (p.window.capacity !== first.window.capacity || p.window.specials !== first.window.specials) throw new Error('shards disagree on the window size');
    if (!p.identifierTable) throw new Error('a shard report lacks its identifierTable (run shards with --shard, or pass --identifier-table)');
  }
  const seen = new Set<string>();
  const files: Omit<FileStats, 'identifierTable'>[] = [];
  const table: Record<string, IdentifierEntry> = Object.create(null);
  for (const p of parts) {
    for (const f of p.files) {
      if (seen.has(f.path)) throw new Error(`file ${f.path} appears in more than one shard`);
      seen.add(f.path);
      const { reductionPct: _r, flopsBefore: _b, flopsAfter: _a, flopSavingPct: _s, contextGainPct: _c, ...stats } = f;
      files.push(stats);
    }
    mergeIdentifierTables(table, p.identifierTable!);
  }
  const shardNotes = new Set(parts.flatMap((p) => p.notes));
  return buildReport(files, table, parts.flatMap((p) => p.skipped), {
    toolVersion: first.tool.version,
    tokenizer: first.tokenizer,
    modelKey: first.model.key,
    scope: first.scope,
    spanEngine: first.spanEngine,
    window: first.window,
    root: first.root,
    shard: null,
    topLimit: opts.topLimit ?? Math.max(first.topIdentifiers.length, 50),
    includeIdentifierTable: opts.includeIdentifierTable ?? false,
    notes: [...shardNotes].filter((n) => !buildReportNotesPrefix.some((p) => n.startsWith(p))),
  });
}

// Notes buildReport writes itself; combine must not repeat them.
const buildReportNotesPrefix = ['FLOPs are analytic', 'Merging follows', 'Identifier spans come from', 'Scope includes', 'Counts use'];
