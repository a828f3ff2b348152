// Folds per-file statistics into a report. Every total is a sum of integers, and derived figures
// are recomputed from those sums, so a report built from shards equals the unsharded one exactly.
import { flopsFromSums, modelConfig } from '../flops';
import { checkReportProfile, defaultReportProfile, profileFlopsFromSums, profileLabel, type ReportProfile } from './profile-flops';
import { SYNTAX_CATEGORIES } from '../types';
import { addSpelling, emptyCategories, HISTOGRAM_BUCKETS, sortSpellings, type FileStats, type IdentifierEntry, type Spelling, type WindowConfig, type WindowSums } from './stats';
import type { MergeScope } from '../merge/scope';
import { REPORT_SCHEMA, REPORT_VERSION, type FileReport, type FileSelection, type ReportJson, type ShardSet, type SkippedFile, type SpanEngine, type TopIdentifier, type Totals } from './schema';
import { checkShardCoverage, partialNote } from './shard-set';
import { percentOf } from '../percent';
import { checkSameSamples, SampleCollector, type SamplesSection } from '../samples/section';

/** The figures derive() computes; never summed, and stripped from shard files before combining. */
const DERIVED_KEYS = ['reductionPct', 'flopsBefore', 'flopsAfter', 'flopSavingPct', 'contextGainPct', 'modelFlopsBefore', 'modelFlopsAfter', 'modelFlopSavingPct'] as const;
type Summable = Omit<Totals, (typeof DERIVED_KEYS)[number]>;
/** The summable part of Totals: what a dataset report adds up per language without listing files. */
export type SummableTotals = Summable;

const SCALAR_KEYS = [
  'bytes', 'chars', 'tokens', 'merged', 'identifiers', 'splitIdentifiers', 'identifierTokens',
  'straddlingIdentifiers', 'savedByIdentifiers', 'stringSpans', 'savedByStrings', 'windowsProduct',
] as const;

export function emptySums(): Summable {
  return {
    files: 0, bytes: 0, chars: 0, tokens: 0, merged: 0, identifiers: 0, splitIdentifiers: 0, identifierTokens: 0,
    straddlingIdentifiers: 0, savedByIdentifiers: 0, stringSpans: 0, savedByStrings: 0,
    histogram: new Array<number>(HISTOGRAM_BUCKETS).fill(0), categories: emptyCategories(),
    windowsBefore: { count: 0, sum: 0, sumSq: 0 }, windowsAfter: { count: 0, sum: 0, sumSq: 0 }, windowsProduct: 0,
  };
}

function addWindows(a: WindowSums, b: WindowSums): void {
  a.count += b.count;
  a.sum += b.sum;
  a.sumSq += b.sumSq;
}

type FileSums = Omit<FileStats, 'identifierTable'>;

export function addFile(acc: Summable, f: FileSums): void {
  acc.files++;
  for (const k of SCALAR_KEYS) acc[k] += f[k];
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) acc.histogram[i]! += f.histogram[i] ?? 0;
  for (const c of SYNTAX_CATEGORIES) acc.categories[c] += f.categories[c] ?? 0;
  addWindows(acc.windowsBefore, f.windowsBefore);
  addWindows(acc.windowsAfter, f.windowsAfter);
}

/** Adds already summed figures (a language of a dataset shard) to `acc`. */
export function addSums(acc: Summable, s: Summable): void {
  acc.files += s.files;
  for (const k of SCALAR_KEYS) acc[k] += s[k];
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) acc.histogram[i]! += s.histogram[i] ?? 0;
  for (const c of SYNTAX_CATEGORIES) acc.categories[c] += s.categories[c] ?? 0;
  addWindows(acc.windowsBefore, s.windowsBefore);
  addWindows(acc.windowsAfter, s.windowsAfter);
}

/** Totals without their derived figures. */
function summableOf(t: Totals): Summable {
  const s: Record<string, unknown> = { ...t };
  for (const k of DERIVED_KEYS) delete s[k];
  return s as unknown as Summable;
}


/** Derived figures of summed stats; whole-model FLOPs for `profile` (default: the model's, see task-flops.ts). */
export function derive<T extends Summable>(s: T, modelKey: string, profile?: ReportProfile): T & Totals {
  const cfg = modelConfig(modelKey);
  const flopsBefore = flopsFromSums(cfg, s.windowsBefore);
  const flopsAfter = flopsFromSums(cfg, s.windowsAfter);
  const model = profileFlopsFromSums(cfg, profile ?? defaultReportProfile(cfg), s.windowsBefore, s.windowsAfter, s.windowsProduct);
  return {
    ...s,
    reductionPct: percentOf(s.tokens - s.merged, s.tokens),
    flopsBefore,
    flopsAfter,
    flopSavingPct: percentOf(flopsBefore - flopsAfter, flopsBefore),
    contextGainPct: s.merged > 0 ? percentOf(s.tokens - s.merged, s.merged) : 0,
    modelFlopsBefore: model.before,
    modelFlopsAfter: model.after,
    modelFlopSavingPct: percentOf(model.before - model.after, model.before),
  };
}

/** An entry's spellings; a table from an older version (no `spellings`) has its one `pieces`. */
function spellingsOf(e: IdentifierEntry): Spelling[] {
  return e.spellings ?? [{ pieces: e.pieces, occurrences: e.occurrences, saved: e.saved }];
}

/**
 * Adds the entries of `from` to `into`. Spellings are not sorted here: buildReport sorts each
 * entry's once, as the order is total it does not depend on the order tables were merged in.
 * `adopt`: `from` is thrown away after this call (a file's table, a worker's batch), so its
 * entries move into `into` instead of being copied; `from` must not be read afterwards.
 */
export function mergeIdentifierTables(into: Record<string, IdentifierEntry>, from: Record<string, IdentifierEntry>, opts: { adopt?: boolean } = {}): void {
  for (const name in from) {
    const e = from[name]!;
    const t = into[name];
    if (!t) {
      into[name] = opts.adopt
        ? (e.spellings ? e : { ...e, spellings: spellingsOf(e) })
        : { ...e, pieces: [...e.pieces], spellings: spellingsOf(e).map((x) => ({ ...x, pieces: [...x.pieces] })) };
      continue;
    }
    const spellings = (t.spellings ??= spellingsOf(t));
    for (const x of spellingsOf(e)) addSpelling(spellings, x.pieces, x.occurrences, x.saved);
    t.occurrences += e.occurrences;
    t.subtokens += e.subtokens;
    t.saved += e.saved;
    // One identifier can split differently in different contexts (after a space or not): keep
    // a canonical spelling, so the result does not depend on the order files were merged in.
    if (!samePieces(e.pieces, t.pieces) && e.pieces.join('\u0000') < t.pieces.join('\u0000')) t.pieces = [...e.pieces];
  }
}

/** Sorts every entry's spellings in place (merging leaves them unsorted, see mergeIdentifierTables). */
export function sortTableSpellings(table: Record<string, IdentifierEntry>): void {
  for (const name in table) {
    const spellings = table[name]!.spellings;
    if (spellings && spellings.length > 1) sortSpellings(spellings);
  }
}

function samePieces(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
  /** Whole-model FLOPs are for this task profile (default: classify for CodeT5 keys, encoder for RoBERTa-shaped ones). */
  profile?: ReportProfile;
  scope: MergeScope;
  spanEngine: SpanEngine;
  window: WindowConfig;
  root: string;
  shard: { index: number; count: number } | null;
  /** A partial combine: the shards it holds (see ReportJson.shards). */
  shards?: ShardSet;
  selection?: FileSelection;
  topLimit: number;
  includeIdentifierTable: boolean;
  notes?: string[];
  /** Per-sample figures (--unit function, --dataset): ../samples/section.ts. */
  samples?: SamplesSection;
  /** Figures per language that count in the totals without a file entry: a dataset's rows. */
  unlisted?: Record<string, Summable>;
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
  sortTableSpellings(identifierTable);
  const profile = checkReportProfile(modelConfig(meta.modelKey), meta.profile ?? defaultReportProfile(modelConfig(meta.modelKey)));
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
    const d = derive(one, meta.modelKey, profile);
    fileReports.push({
      ...f,
      reductionPct: d.reductionPct, flopsBefore: d.flopsBefore, flopsAfter: d.flopsAfter,
      flopSavingPct: d.flopSavingPct, contextGainPct: d.contextGainPct,
      modelFlopsBefore: d.modelFlopsBefore, modelFlopsAfter: d.modelFlopsAfter, modelFlopSavingPct: d.modelFlopSavingPct,
    });
  }
  for (const [name, s] of Object.entries(meta.unlisted ?? {})) {
    addSums(totals, s);
    let l = langs.get(name);
    if (!l) langs.set(name, (l = emptySums()));
    addSums(l, s);
  }
  const languages: Record<string, Totals> = {};
  for (const name of [...langs.keys()].sort()) languages[name] = derive(langs.get(name)!, meta.modelKey, profile);
  const cfg = modelConfig(meta.modelKey);
  const notes = [
    'FLOPs are analytic estimates of the encoder (1 multiply-add = 2 FLOPs; projections, attention scores and context, feed-forward; norms, softmax and biases left out).',
    `Whole-model FLOPs are for profile ${profileLabel(profile)}: ${PROFILE_NOTES[profile.name]}`,
    'Merging follows Saad et al. (2025): the subtokens of one identifier occurrence collapse into one position.',
    ...(meta.spanEngine === 'lexical' ? ['Identifier spans come from the lexical scanner (--spans lexical): faster, close to but not exactly tree-sitter; files are never marked parse-errors.'] : []),
    ...(meta.scope === 'identifiers+strings' ? ['Scope includes string literals: an extension beyond the paper, whose unit is the identifier.'] : []),
    ...(cfg.tokenizer !== 'codet5' && meta.tokenizer.startsWith('codet5') ? [`Counts use the CodeT5 tokenizer, not ${cfg.label}'s own.`] : []),
    ...(meta.shards ? [partialNote(meta.shards)] : []),
    ...(meta.notes ?? []),
  ];
  const report: ReportJson = {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    tool: { name: 'subtoken-lens', version: meta.toolVersion },
    tokenizer: meta.tokenizer,
    model: { key: cfg.key, label: cfg.label },
    profile: { ...profile },
    scope: meta.scope,
    spanEngine: meta.spanEngine,
    window: meta.window,
    root: meta.root,
    shard: meta.shard,
    ...(meta.shards ? { shards: meta.shards } : {}),
    ...(meta.selection ? { selection: meta.selection } : {}),
    totals: derive(totals, meta.modelKey, profile),
    languages,
    files: fileReports,
    skipped: [...skipped].sort(byPath),
    topIdentifiers: topIdentifiers(identifierTable, meta.topLimit),
    ...(meta.samples ? { samples: meta.samples } : {}),
    notes,
  };
  // Sorted by name: the table's key order would otherwise follow the order files were merged in
  // (worker completion, cache hits first), and the same tree must give the same JSON.
  if (meta.includeIdentifierTable) report.identifierTable = Object.fromEntries(Object.keys(identifierTable).sort().map((k) => [k, identifierTable[k]!]));
  return report;
}

export interface CombineOptions {
  topLimit?: number;
  includeIdentifierTable?: boolean;
  /** Combine even when shards are missing; the result then says which it holds (`shards`, a note). */
  allowPartial?: boolean;
  /** Names of the parts (their files) for error messages, in the same order. */
  names?: readonly string[];
}

/** A sorted copy, so that `--exclude a b` and `--exclude b a` count as the same selection. */
function selectionKey(p: ReportJson): string {
  const s = p.selection;
  return s ? JSON.stringify({ ...s, include: [...s.include].sort(), exclude: [...s.exclude].sort() }) : 'not recorded';
}

/** Throws unless every part was made by the same tool with the same settings, over the same tree. */
function checkSameSettings(parts: readonly ReportJson[], name: (k: number) => string): void {
  const first = parts[0]!;
  parts.forEach((p, k) => {
    if (typeof p !== 'object' || p === null) throw new Error(`${name(k)} is not a subtoken-lens report: not a JSON object`);
    if (p.schema !== REPORT_SCHEMA || p.version !== REPORT_VERSION) throw new Error(`${name(k)} is not a subtoken-lens report v${REPORT_VERSION}: ${String(p.schema)} v${String(p.version)}`);
    const differ = (what: string, a: unknown, b: unknown): never => {
      throw new Error(`shards disagree on ${what}: ${JSON.stringify(a)} in ${name(k)} vs ${JSON.stringify(b)} in ${name(0)}`);
    };
    for (const key of ['tokenizer', 'scope', 'spanEngine', 'root'] as const) {
      if (p[key] !== first[key]) differ(key, p[key], first[key]);
    }
    if (p.tool?.version !== first.tool?.version) differ('the tool version', p.tool?.version, first.tool?.version);
    if (p.model?.key !== first.model?.key) differ('model', p.model?.key, first.model?.key);
    if (JSON.stringify(p.profile ?? null) !== JSON.stringify(first.profile ?? null)) differ('the FLOP profile (--profile, --output-length)', p.profile ?? null, first.profile ?? null);
    if (p.window?.capacity !== first.window?.capacity || p.window?.specials !== first.window?.specials) differ('the window size', p.window, first.window);
    if (selectionKey(p) !== selectionKey(first)) differ('the file selection (--max-file-size, --include, --exclude, --include-*)', p.selection ?? null, first.selection ?? null);
    if (!p.identifierTable) throw new Error(`${name(k)} lacks its identifierTable (run shards with --shard, or pass --identifier-table)`);
    for (const list of ['files', 'skipped', 'notes'] as const) {
      if (!Array.isArray(p[list])) throw new Error(`${name(k)} is malformed: "${list}" is not a list`);
    }
  });
}

/**
 * Combines shard reports of one tree into the report an unsharded run would have produced.
 * Shards must agree on tool version, tokenizer, model, scope, span engine, window, root and file
 * selection, carry identifier tables, and hold every shard of one partition exactly once; with
 * `allowPartial`, missing shards are allowed and the result says which shards it holds.
 */
export function combineReports(parts: readonly ReportJson[], opts: CombineOptions = {}): ReportJson {
  if (parts.length === 0) throw new Error('nothing to combine');
  const name = (k: number) => opts.names?.[k] ?? `report ${k + 1}`;
  checkSameSettings(parts, name);
  const partial = checkShardCoverage(parts, opts.names ?? [], opts.allowPartial ?? false);
  const first = parts[0]!;
  const seen = new Map<string, number>();
  const files: Omit<FileStats, 'identifierTable'>[] = [];
  const table: Record<string, IdentifierEntry> = Object.create(null);
  parts.forEach((p, k) => {
    for (const f of p.files) {
      const other = seen.get(f.path);
      if (other !== undefined) throw new Error(`file ${f.path} appears in more than one shard (${name(other)} and ${name(k)})`);
      seen.set(f.path, k);
      const stats: Record<string, unknown> = { ...f };
      for (const k of DERIVED_KEYS) delete stats[k];
      files.push(stats as unknown as Omit<FileStats, 'identifierTable'>);
    }
    mergeIdentifierTables(table, p.identifierTable!);
  });
  const samples = combineSamples(parts, name, opts.includeIdentifierTable ?? partial !== undefined);
  const shardNotes = new Set(parts.flatMap((p) => p.notes));
  return buildReport(files, table, parts.flatMap((p) => p.skipped), {
    toolVersion: first.tool.version,
    tokenizer: first.tokenizer,
    modelKey: first.model.key,
    ...(first.profile ? { profile: first.profile } : {}),
    scope: first.scope,
    spanEngine: first.spanEngine,
    window: first.window,
    root: first.root,
    shard: null,
    shards: partial,
    selection: first.selection,
    topLimit: opts.topLimit ?? Math.max(first.topIdentifiers.length, 50),
    // A partial result keeps its table, like a shard report, so the missing shards can join it later.
    includeIdentifierTable: opts.includeIdentifierTable ?? partial !== undefined,
    notes: [...shardNotes].filter((n) => !buildReportNotesPrefix.some((p) => n.startsWith(p))),
    ...samples,
  });
}

/**
 * The samples section of combined shards, rebuilt from their point multisets (exact), and for a
 * dataset the per-language sums of its rows (a dataset report lists no files).
 */
function combineSamples(parts: readonly ReportJson[], name: (k: number) => string, includeParts: boolean): Pick<ReportMeta, 'samples' | 'unlisted'> {
  checkSameSamples(parts.map((p) => p.samples), name);
  const first = parts[0]!.samples;
  if (!first) return {};
  const cfg = modelConfig(parts[0]!.model.key);
  const profile = parts[0]!.profile ?? defaultReportProfile(cfg);
  const specials = parts[0]!.window.specials;
  const collector = new SampleCollector({ cfg, profile, specials, topLimit: first.topLimit });
  parts.forEach((p, k) => collector.addSection(p.samples!, name(k)));
  const samples = collector.build({ cfg, profile, specials, unit: first.unit, window: first.window, source: first.source, topLimit: first.topLimit, includeParts });
  if (first.source.kind !== 'dataset') return { samples };
  const unlisted: Record<string, Summable> = {};
  for (const p of parts) {
    for (const [lang, t] of Object.entries(p.languages)) addSums((unlisted[lang] ??= emptySums()), summableOf(t));
  }
  return { samples, unlisted };
}

const PROFILE_NOTES: Record<ReportProfile['name'], string> = {
  encoder: 'the encoder alone (embeddings, search, RoBERTa-shaped classifiers).',
  seq2seq: 'encoder + one teacher-forced decoder pass per window (self-attention, cross-attention over the merged encoder output, feed-forward, LM head).',
  classify: "CodeT5's classification recipe: encoder + a decoder pass over the unmerged source (its cross-attention reads the merged encoder output), LM head included.",
};

// Notes buildReport writes itself; combine must not repeat them.
const buildReportNotesPrefix = ['FLOPs are analytic', 'Whole-model FLOPs are for profile', 'Merging follows', 'Identifier spans come from', 'Scope includes', 'Counts use', 'Partial:'];
