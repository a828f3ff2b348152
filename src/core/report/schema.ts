// The report's JSON form: stable, versioned, documented in docs/report-json.md. The extension's
// webview, exports and `report combine` all read this shape.
import type { FileStats, IdentifierEntry, SummableStats, WindowConfig } from './stats';
import type { MergeScope } from '../merge/scope';
import type { ReportProfile } from './profile-flops';
// Skip reasons belong to the scanner (scan/ must not import report/); re-exported as part of the schema.
export type { SkippedFile, SkipReason } from '../scan/types';
import type { SkippedFile } from '../scan/types';
import type { SamplesSection } from '../samples/section';

export const REPORT_SCHEMA = 'subtoken-lens/report';
export const REPORT_VERSION = 1;

/** Where identifier spans come from: tree-sitter (exact, the default) or the lexical scanner
 *  (1.9x faster end to end, 3.6x for span extraction alone: BENCHMARKS.md; agreement with
 *  tree-sitter measured in test/core/spans/lexical.test.ts; falls back to tree-sitter for languages
 *  it does not cover). */
export type SpanEngine = 'tree-sitter' | 'lexical';

/** Sums over a set of files, plus the figures derived from them. */
export interface Totals extends SummableStats {
  files: number;
  // Derived (recomputed, never summed):
  /** (tokens − merged) / tokens, in percent. */
  reductionPct: number;
  /** Analytic encoder FLOPs for the report's model (an estimate: see flops.ts for what is counted). */
  flopsBefore: number;
  flopsAfter: number;
  flopSavingPct: number;
  /** How much more code one window holds after merging: tokens / merged − 1, in percent. */
  contextGainPct: number;
  /** Whole-model FLOPs of the report's `profile` (encoder + decoder + LM head; the encoder alone
   *  for profile encoder), summed over windows: see profile-flops.ts. */
  modelFlopsBefore: number;
  modelFlopsAfter: number;
  modelFlopSavingPct: number;
}

export type FileReport = Omit<FileStats, 'identifierTable'> & Pick<Totals, 'reductionPct' | 'flopsBefore' | 'flopsAfter' | 'flopSavingPct' | 'contextGainPct' | 'modelFlopsBefore' | 'modelFlopsAfter' | 'modelFlopSavingPct'>;

export interface TopIdentifier extends IdentifierEntry {
  name: string;
}

/** Shards of one `--shard K/N` partition: `indexes` (0-based) out of `count`. */
export interface ShardSet {
  count: number;
  indexes: number[];
}

/** How the files of a report were chosen (the walk's options). */
export interface FileSelection {
  maxFileSize: number;
  includeVendored: boolean;
  includeGenerated: boolean;
  includeUnsupported: boolean;
  followExternalSymlinks: boolean;
  include: string[];
  exclude: string[];
}

export interface ReportJson {
  schema: typeof REPORT_SCHEMA;
  version: typeof REPORT_VERSION;
  tool: { name: string; version: string };
  tokenizer: string;
  model: { key: string; label: string };
  /** The task profile of the whole-model FLOP figures (modelFlops*). Absent in older reports. */
  profile?: ReportProfile;
  scope: MergeScope;
  /** Where identifier spans came from: 'tree-sitter' (exact) or 'lexical' (--spans lexical). */
  spanEngine: SpanEngine;
  window: WindowConfig;
  root: string;
  shard: { index: number; count: number } | null;
  /** Only in a `combine --allow-partial` result that lacks some shards: the shards it holds
   *  (0-based indexes, ascending) out of `count`. Absent when the report covers the whole tree. */
  shards?: ShardSet;
  /** The options that chose which files were analysed; shards must agree on them to combine. */
  selection?: FileSelection;
  totals: Totals;
  languages: Record<string, Totals>;
  files: FileReport[];
  skipped: SkippedFile[];
  topIdentifiers: TopIdentifier[];
  /** Every identifier's entry, present when asked for (always in shard runs) so that
   *  `report combine` can rebuild the top list exactly. */
  identifierTable?: Record<string, IdentifierEntry>;
  /** Per-sample figures, with --unit function or --dataset (../samples/section.ts). In a dataset
   *  report `files` is empty and the totals sum the rows (a row counts as one of `files`). */
  samples?: SamplesSection;
  notes: string[];
}
