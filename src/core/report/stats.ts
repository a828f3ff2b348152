// Per-file statistics: what the report aggregates. Everything here is a plain, JSON-able sum
// so shards of a run combine exactly (see aggregate.ts).
import { SYNTAX_CATEGORIES, type Encoding, type SourceSpan, type SpanResult, type SyntaxCategory, type Tokenizer } from '../types';
import { buildMergePlan, windowSavings, type MergePlan } from '../merge/plan';
import { tokenPiece } from '../merge/lookup';
import { spansForScope, type MergeScope } from '../merge/scope';
import { CATEGORY_CODE, EMPTY_CATEGORY_RANGES } from '../spans/category-ranges';

/** Histogram buckets: index k counts occurrences split into k subtokens; the last is "k or more". */
export const HISTOGRAM_BUCKETS = 17;

export type FileStatus =
  | 'ok'
  | 'parse-errors' // spans are what tree-sitter recovered
  | 'unsupported-language'; // tokens counted, nothing merged

/** Sums of window lengths (special tokens included): FLOPs are a·Σn + b·Σn² for any config. */
export interface WindowSums {
  count: number;
  sum: number;
  sumSq: number;
}

export interface IdentifierEntry {
  occurrences: number;
  subtokens: number;
  saved: number;
  /** Subtoken pieces of one occurrence, e.g. ["get", "User", "By", "Id"]. */
  pieces: string[];
  /** Each distinct way BPE splits this identifier: after a space it is spelt differently
   *  (`[" defect", "s"]` vs `["def", "ect", "s"]`, a leading space kept as " "). Their occurrences
   *  and savings add up to the entry's. In a report most occurrences first (buildReport sorts
   *  them; a file's or a batch's table keeps them as found). Absent in reports of older versions. */
  spellings?: Spelling[];
}

export interface Spelling {
  pieces: string[];
  occurrences: number;
  saved: number;
}

/** The tokens of one occurrence as source text, with the leading space BPE glued on kept. */
function spellingOf(text: string, enc: Encoding, first: number, count: number): string[] {
  const out: string[] = [];
  for (let t = first; t >= 0 && t < first + count; t++) out.push(text.slice(enc.starts[t]!, enc.ends[t]!));
  return out;
}

/** The spelling whose pieces are this occurrence's tokens, compared in place: nearly every
 *  occurrence repeats a spelling already seen, and this runs once per identifier occurrence. */
function spellingAt(spellings: Spelling[], text: string, enc: Encoding, first: number, count: number): Spelling | undefined {
  const n = first >= 0 ? count : 0;
  search: for (const x of spellings) {
    if (x.pieces.length !== n) continue;
    for (let i = 0; i < n; i++) {
      const start = enc.starts[first + i]!, piece = x.pieces[i]!;
      if (piece.length !== enc.ends[first + i]! - start || !text.startsWith(piece, start)) continue search;
    }
    return x;
  }
  return undefined;
}

/** Adds one occurrence (or a group of them) to the spelling with the same pieces. */
export function addSpelling(spellings: Spelling[], pieces: readonly string[], occurrences: number, saved: number): void {
  const hit = spellings.find((x) => x.pieces.length === pieces.length && x.pieces.every((p, i) => p === pieces[i]));
  if (hit) { hit.occurrences += occurrences; hit.saved += saved; } else spellings.push({ pieces: [...pieces], occurrences, saved });
}

/** Most occurrences first, then most saved, then by pieces: an order that does not depend on the
 *  order files were read or merged in. */
export function sortSpellings(spellings: Spelling[]): Spelling[] {
  const key = (x: Spelling) => x.pieces.join('\u0000');
  return spellings.sort((a, b) => b.occurrences - a.occurrences || b.saved - a.saved || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The additive figures of a file; a set of files sums them field by field (aggregate.ts). */
export interface SummableStats {
  bytes: number;
  chars: number;
  tokens: number;
  merged: number;
  identifiers: number;
  splitIdentifiers: number;
  identifierTokens: number;
  straddlingIdentifiers: number;
  savedByIdentifiers: number;
  /** Only with scope identifiers+strings (an extension beyond the paper). */
  stringSpans: number;
  savedByStrings: number;
  histogram: number[];
  categories: Record<SyntaxCategory, number>;
  windowsBefore: WindowSums;
  /** The same windows after merging (see windowSumsAfter for why not re-packed). */
  windowsAfter: WindowSums;
  /** Σ n·m over the windows (n, m: a window's length before and after merging, specials
   *  included): with the sums above it gives whole-model FLOPs exactly (profile-flops.ts). */
  windowsProduct: number;
}

export interface FileStats extends SummableStats {
  path: string;
  language: string;
  status: FileStatus;
  /** Same windows as before merging, each shortened: [tokens, merged] per window. */
  windows: [number, number][];
  identifierTable: Record<string, IdentifierEntry>;
}

export interface WindowConfig {
  /** Content tokens per window (512 − 2 for CodeT5). */
  capacity: number;
  /** Special tokens added to every window. */
  specials: number;
}

export function emptyCategories(): Record<SyntaxCategory, number> {
  const c = {} as Record<SyntaxCategory, number>;
  for (const k of SYNTAX_CATEGORIES) c[k] = 0;
  return c;
}

export function windowSums(contentTokens: number, w: WindowConfig): WindowSums {
  const full = Math.floor(contentTokens / w.capacity);
  const rest = contentTokens % w.capacity;
  const fullLen = w.capacity + w.specials;
  let count = full;
  let sum = full * fullLen;
  let sumSq = full * fullLen * fullLen;
  if (rest > 0) {
    const len = rest + w.specials;
    count++;
    sum += len;
    sumSq += len * len;
  }
  return { count, sum, sumSq };
}

/**
 * The one window rule, shared with the runtime (../runtime/windows.ts, used by `analyze`): a file
 * is cut into windows of `capacity` content tokens BEFORE merging, and merging shortens each
 * window in place (a group cut by a boundary merges within each part). The merged sequence is not
 * re-packed into fewer, fuller windows, because (1) that is what the runtime runs and measures, so
 * `report` and `analyze` give the same FLOPs for a file; (2) each merged window then holds exactly
 * the code its unmerged window held, so outputs can be compared window by window; (3) re-packing
 * would credit merging with FLOPs only a different batching saves. What re-packing would gain is
 * reported apart, as contextGainPct.
 */
export function windowSumsAfter(windows: readonly (readonly [number, number])[], specials: number): { after: WindowSums; product: number } {
  const after: WindowSums = { count: 0, sum: 0, sumSq: 0 };
  let product = 0;
  for (const [tokens, merged] of windows) {
    const n = tokens + specials, m = merged + specials;
    after.count++;
    after.sum += m;
    after.sumSq += m * m;
    product += n * m;
  }
  return { after, product };
}

/** The category of each token: that of its first non-whitespace character. */
function countCategories(text: string, enc: Encoding, spans: SpanResult | undefined): Record<SyntaxCategory, number> {
  // Counted by category code (index in SYNTAX_CATEGORIES), straight from the packed ranges.
  const byCode = new Float64Array(SYNTAX_CATEGORIES.length);
  const WHITESPACE = CATEGORY_CODE.whitespace, OTHER = CATEGORY_CODE.other;
  const { length: n, starts: rangeStarts, ends: rangeEnds, codes: rangeCodes } = spans?.categories ?? EMPTY_CATEGORY_RANGES;
  let r = 0;
  for (let t = 0; t < enc.length; t++) {
    let p = enc.starts[t]!;
    const end = enc.ends[t]!;
    while (p < end && isSpace(text.charCodeAt(p))) p++;
    if (p === end) { byCode[WHITESPACE]!++; continue; }
    while (r < n && rangeEnds[r]! <= p) r++;
    byCode[r < n && rangeStarts[r]! <= p ? rangeCodes[r]! : OTHER]!++;
  }
  const counts = emptyCategories();
  SYNTAX_CATEGORIES.forEach((c, i) => { counts[c] = byCode[i]!; });
  return counts;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}


export interface AnalyzeTextInput {
  path: string;
  text: string;
  bytes: number;
  language: string;
  tokenizer: Tokenizer;
  /** Undefined for languages without a grammar: tokens are counted, nothing merged. */
  spans: SpanResult | undefined;
  scope: MergeScope;
  window: WindowConfig;
}

export interface AnalyzedText {
  stats: FileStats;
  encoding: Encoding;
  plan: MergePlan;
  mergeSpans: SourceSpan[];
}

export function analyzeText(input: AnalyzeTextInput): AnalyzedText {
  const { text, spans, tokenizer } = input;
  const enc = tokenizer.encode(text);
  const mergeSpans = spans ? spansForScope(spans, input.scope) : [];
  const plan = buildMergePlan(text, enc, mergeSpans);
  const histogram = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  const identifierTable: Record<string, IdentifierEntry> = Object.create(null);
  let identifiers = 0, split = 0, idTokens = 0, straddling = 0, savedIds = 0, stringSpans = 0, savedStrings = 0;
  for (let s = 0; s < mergeSpans.length; s++) {
    const span = mergeSpans[s]!;
    const a = plan.alignments[s]!;
    const saved = a.tokenCount >= 2 ? a.tokenCount - 1 : 0;
    if (span.kind === 'string') {
      stringSpans++;
      savedStrings += saved;
      continue;
    }
    identifiers++;
    idTokens += a.tokenCount;
    if (a.straddling) straddling++;
    histogram[Math.min(a.tokenCount, HISTOGRAM_BUCKETS - 1)]!++;
    if (a.tokenCount >= 2) { split++; savedIds += saved; }
    const name = text.slice(span.start, span.end);
    let e = identifierTable[name];
    if (!e) {
      const pieces: string[] = [];
      for (let t = a.firstToken; t >= 0 && t < a.firstToken + a.tokenCount; t++) pieces.push(tokenPiece(text, enc, t));
      e = identifierTable[name] = { occurrences: 0, subtokens: 0, saved: 0, pieces, spellings: [] };
    }
    e.occurrences++;
    e.subtokens += a.tokenCount;
    e.saved += saved;
    const seen = spellingAt(e.spellings!, text, enc, a.firstToken, a.tokenCount);
    if (seen) { seen.occurrences++; seen.saved += saved; } else e.spellings!.push({ pieces: spellingOf(text, enc, a.firstToken, a.tokenCount), occurrences: 1, saved });
  }
  const windows = windowSavings(plan, input.window.capacity).map((w): [number, number] => [w.tokens, w.merged]);
  const { after: windowsAfter, product: windowsProduct } = windowSumsAfter(windows, input.window.specials);
  const status: FileStatus = !spans ? 'unsupported-language' : spans.hasErrors ? 'parse-errors' : 'ok';
  const stats: FileStats = {
    path: input.path,
    language: input.language,
    status,
    bytes: input.bytes,
    chars: text.length,
    tokens: plan.tokenCount,
    merged: plan.mergedCount,
    identifiers,
    splitIdentifiers: split,
    identifierTokens: idTokens,
    straddlingIdentifiers: straddling,
    savedByIdentifiers: savedIds,
    stringSpans,
    savedByStrings: savedStrings,
    histogram,
    categories: countCategories(text, enc, spans),
    windowsBefore: windowSums(plan.tokenCount, input.window),
    windowsAfter,
    windowsProduct,
    windows,
    identifierTable,
  };
  return { stats, encoding: enc, plan, mergeSpans };
}
