// The report's `samples` section (docs/report-json.md): per-sample distributions, per language and
// overall, the top samples by tokens saved, code outside any function (apart), and the dataset rows
// that could not be read. Built from SampleRecords, and rebuilt exactly by `combine` from what
// shard reports carry (`parts`: the point multisets, see distribution.ts).
import type { EncoderConfig } from '../flops';
import { flopsFromSums } from '../flops';
import { profileFlopsFromSums, type ReportProfile } from '../report/profile-flops';
import type { WindowSums } from '../report/stats';
import { sampleFlops, type SampleRecord } from './analyze-sample';
import { PointSet, sampleFigures, type SampleFigures, type SamplePoint, type SavingFigures } from './distribution';
import { percentOf } from '../percent';
import type { SampleWindow } from './types';

export interface SampleSummary extends SampleFigures {
  /** Samples longer than the window (their tail is not seen, not counted). */
  truncated: number;
  /** Content tokens of the whole samples, before truncation. */
  contentTokens: number;
}

/** One of the samples that merging shortens most. */
export interface TopSample {
  kind: 'function' | 'row';
  /** Dataset row index (0-based), for kind row. */
  row?: number;
  /** File, function name and 1-based line, for kind function. */
  path?: string;
  name?: string;
  line?: number;
  language: string;
  contentTokens: number;
  tokens: number;
  merged: number;
  /** tokens − merged. */
  saved: number;
  tokenSavingPct: number;
  flopSavingPct: number;
  modelFlopSavingPct: number;
}

/** Summable figures of the code outside any function (all of it: it is not a model input unit, so
 *  it is counted like a file, in windows, never truncated). */
export interface OutsideSums {
  /** Files with code outside functions. */
  files: number;
  tokens: number;
  merged: number;
  windowsBefore: WindowSums;
  windowsAfter: WindowSums;
  windowsProduct: number;
}

export interface OutsideCode extends OutsideSums, SavingFigures {}

/** A dataset row that is no sample (field missing or not a string, line not JSON, …). */
export interface InvalidRow {
  index: number;
  reason: string;
}

export type SampleSource =
  | { kind: 'tree' }
  | {
      kind: 'dataset';
      /** The dataset file's name (no folders). */
      file: string;
      format: 'jsonl' | 'parquet';
      field: string;
      /** --language, or --language-field: where each row's language comes from. */
      language?: string;
      languageField?: string;
      /** Rows in the whole file (every shard sees the same number). */
      rows: number;
    };

/** What a shard carries per language so that `combine` recomputes every figure exactly. */
export interface SamplePart {
  truncated: number;
  contentTokens: number;
  points: SamplePoint[];
}

export interface SamplesSection {
  /** function: a function or method of a file (--unit function); row: a dataset row. */
  unit: 'function' | 'row';
  window: SampleWindow;
  source: SampleSource;
  totals: SampleSummary;
  languages: Record<string, SampleSummary>;
  topLimit: number;
  top: TopSample[];
  /** --unit function over a tree: code outside any function, reported apart. */
  outside?: OutsideCode;
  /** --dataset: rows that are no sample, by index. */
  invalidRows?: InvalidRow[];
  /** Shard runs (and partial combines) only. */
  parts?: Record<string, SamplePart>;
}

export interface SectionMeta {
  cfg: EncoderConfig;
  profile: ReportProfile;
  specials: number;
  unit: SamplesSection['unit'];
  window: SampleWindow;
  source: SampleSource;
  topLimit: number;
  includeParts: boolean;
}

export function emptyOutside(): OutsideSums {
  return { files: 0, tokens: 0, merged: 0, windowsBefore: { count: 0, sum: 0, sumSq: 0 }, windowsAfter: { count: 0, sum: 0, sumSq: 0 }, windowsProduct: 0 };
}

function addOutsideSums(into: OutsideSums, o: OutsideSums): void {
  into.files += o.files;
  into.tokens += o.tokens;
  into.merged += o.merged;
  for (const k of ['windowsBefore', 'windowsAfter'] as const) {
    into[k].count += o[k].count;
    into[k].sum += o[k].sum;
    into[k].sumSq += o[k].sumSq;
  }
  into.windowsProduct += o.windowsProduct;
}

const cmp = (a: string | number | undefined, b: string | number | undefined): number => (a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1);

/** Most tokens saved first, then by origin: an order independent of how the work was split. */
export function compareTopSamples(a: TopSample, b: TopSample): number {
  return b.saved - a.saved || cmp(a.kind, b.kind) || cmp(a.row, b.row) || cmp(a.path, b.path) || cmp(a.line, b.line) || cmp(a.name, b.name) ||
    cmp(a.language, b.language) || a.tokens - b.tokens || a.merged - b.merged || a.contentTokens - b.contentTokens;
}


/** Collects samples (from files, rows or shard sections) and builds the section. */
export class SampleCollector {
  private readonly parts = new Map<string, { points: PointSet; truncated: number; contentTokens: number }>();
  private top: TopSample[] = [];
  private readonly outside = emptyOutside();
  private hasOutside = false;
  private readonly invalid: InvalidRow[] = [];

  constructor(private readonly meta: Pick<SectionMeta, 'cfg' | 'profile' | 'specials' | 'topLimit'>) {}

  private part(language: string) {
    let p = this.parts.get(language);
    if (!p) this.parts.set(language, (p = { points: new PointSet(), truncated: 0, contentTokens: 0 }));
    return p;
  }

  add(r: SampleRecord): void {
    const p = this.part(r.language);
    p.points.add(r.tokens, r.merged);
    p.contentTokens += r.contentTokens;
    if (r.contentTokens > r.tokens) p.truncated++;
    this.addTop([this.topEntry(r)]);
  }

  addOutside(o: OutsideSums): void {
    this.hasOutside = true;
    addOutsideSums(this.outside, o);
  }

  addInvalid(rows: readonly InvalidRow[]): void {
    this.invalid.push(...rows);
  }

  /** A shard's section: its parts, top list, outside code and invalid rows. */
  addSection(s: SamplesSection, name: string): void {
    if (!s.parts) throw new Error(`${name} lacks its samples.parts (run shards with --shard)`);
    for (const lang of Object.keys(s.parts)) {
      const from = s.parts[lang]!;
      const p = this.part(lang);
      p.points.addAll(from.points);
      p.truncated += from.truncated;
      p.contentTokens += from.contentTokens;
    }
    this.addTop(s.top);
    if (s.outside) this.addOutside(s.outside);
    if (s.invalidRows) this.addInvalid(s.invalidRows);
  }

  private addTop(entries: readonly TopSample[]): void {
    for (const e of entries) if (e.saved > 0) this.top.push(e);
    // Trimmed now and then, not on every sample: only the best topLimit can ever be listed.
    if (this.top.length > 4 * Math.max(16, this.meta.topLimit)) this.trimTop();
  }

  private trimTop(): void {
    this.top = this.top.sort(compareTopSamples).slice(0, this.meta.topLimit);
  }

  private topEntry(r: SampleRecord): TopSample {
    const f = sampleFlops(this.meta.cfg, this.meta.profile, this.meta.specials, r.tokens, r.merged);
    const o = r.origin;
    const where = o.kind === 'row' ? { kind: 'row' as const, row: o.index } : { kind: 'function' as const, path: o.path, name: o.kind === 'function' ? o.name : '', line: o.kind === 'function' ? o.line : 0 };
    return {
      ...where, language: r.language, contentTokens: r.contentTokens, tokens: r.tokens, merged: r.merged, saved: r.tokens - r.merged,
      tokenSavingPct: percentOf(r.tokens - r.merged, r.tokens), flopSavingPct: percentOf(f.flopsBefore - f.flopsAfter, f.flopsBefore),
      modelFlopSavingPct: percentOf(f.modelFlopsBefore - f.modelFlopsAfter, f.modelFlopsBefore),
    };
  }

  build(meta: SectionMeta): SamplesSection {
    const { cfg, profile, specials } = meta;
    const all = new PointSet();
    let truncated = 0, contentTokens = 0;
    const languages: Record<string, SampleSummary> = {};
    const parts: Record<string, SamplePart> = {};
    for (const lang of [...this.parts.keys()].sort()) {
      const p = this.parts.get(lang)!;
      const points = p.points.toArray();
      all.addAll(points);
      truncated += p.truncated;
      contentTokens += p.contentTokens;
      languages[lang] = { ...sampleFigures(points, cfg, profile, specials), truncated: p.truncated, contentTokens: p.contentTokens };
      parts[lang] = { truncated: p.truncated, contentTokens: p.contentTokens, points };
    }
    this.trimTop();
    const section: SamplesSection = {
      unit: meta.unit,
      window: { maxLength: meta.window.maxLength, truncate: meta.window.truncate },
      source: meta.source,
      totals: { ...sampleFigures(all.toArray(), cfg, profile, specials), truncated, contentTokens },
      languages,
      topLimit: meta.topLimit,
      top: this.top,
    };
    if (this.hasOutside) section.outside = deriveOutside(this.outside, cfg, profile);
    if (meta.source.kind === 'dataset') section.invalidRows = [...this.invalid].sort((a, b) => a.index - b.index);
    if (meta.includeParts) section.parts = parts;
    return section;
  }
}

export function deriveOutside(o: OutsideSums, cfg: EncoderConfig, profile: ReportProfile): OutsideCode {
  const flopsBefore = flopsFromSums(cfg, o.windowsBefore);
  const flopsAfter = flopsFromSums(cfg, o.windowsAfter);
  const model = profileFlopsFromSums(cfg, profile, o.windowsBefore, o.windowsAfter, o.windowsProduct);
  return {
    files: o.files, tokens: o.tokens, merged: o.merged,
    windowsBefore: { ...o.windowsBefore }, windowsAfter: { ...o.windowsAfter }, windowsProduct: o.windowsProduct,
    tokenSavingPct: percentOf(o.tokens - o.merged, o.tokens),
    flopsBefore, flopsAfter, flopSavingPct: percentOf(flopsBefore - flopsAfter, flopsBefore),
    modelFlopsBefore: model.before, modelFlopsAfter: model.after, modelFlopSavingPct: percentOf(model.before - model.after, model.before),
  };
}

/** Throws unless every shard's section was made with the same unit, window and source. */
export function checkSameSamples(sections: readonly (SamplesSection | undefined)[], name: (k: number) => string): void {
  const key = (s: SamplesSection | undefined) => (s ? JSON.stringify({ unit: s.unit, window: s.window, source: s.source, topLimit: s.topLimit }) : 'none');
  const first = key(sections[0]);
  sections.forEach((s, k) => {
    if (key(s) !== first) throw new Error(`shards disagree on the samples (--unit, --max-length, --no-truncate, --dataset, --field, --language*): ${key(s)} in ${name(k)} vs ${first} in ${name(0)}`);
  });
}
