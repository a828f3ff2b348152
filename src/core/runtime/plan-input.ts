// File → (content token ids, groups to merge) for the runtime: the core merge plan over
// tree-sitter identifier spans (see src/core/merge/plan.ts for the alignment rules).
import { buildMergePlan } from '../merge/plan';
import { spansForScope, type MergeScope } from '../merge/scope';
import { isSupportedLanguage, languageForPath, type SpanExtractor } from '../spans';
import type { Tokenizer } from '../types';
import type { FileInput } from './windows';

export interface FilePlan extends FileInput {
  readonly ids: Int32Array;
  /** Token positions of each group (consecutive, 2+). */
  readonly groups: number[][];
  /** The source text of each group (for labels in reports). */
  readonly groupLabels: string[];
  /** Source offsets of each group: [start, end). */
  readonly groupRanges: [number, number][];
  /** Says where the plan came from (language, scope; or why nothing is merged). */
  readonly planner: string;
  readonly language: string | undefined;
  readonly hasErrors: boolean;
}

export interface PlanOptions {
  /** Language id; by default from the path's extension. */
  language?: string;
  scope?: MergeScope;
}

/**
 * Tokenizes `text` and groups each identifier occurrence's 2+ subtokens. A language without a
 * grammar is tokenized and merges nothing (the planner string says so).
 */
export async function planFile(text: string, path: string, tokenizer: Tokenizer, extractor: SpanExtractor, opts: PlanOptions = {}): Promise<FilePlan> {
  const enc = tokenizer.encode(text);
  const language = opts.language ?? languageForPath(path);
  const scope = opts.scope ?? 'identifiers';
  if (!language || !isSupportedLanguage(language)) {
    return {
      ids: enc.ids, groups: [], groupLabels: [], groupRanges: [], language, hasErrors: false,
      planner: `no grammar for ${language ? `language "${language}"` : path}: tokens counted, nothing merged`,
    };
  }
  await extractor.ensureLanguage(language);
  const spans = extractor.extract(text, language);
  const mergeSpans = spansForScope(spans, scope);
  const plan = buildMergePlan(text, enc, mergeSpans);
  const groups: number[][] = [];
  const groupLabels: string[] = [];
  const groupRanges: [number, number][] = [];
  for (const g of plan.groups) {
    const s = mergeSpans[g.span]!;
    groups.push(Array.from({ length: g.tokenCount }, (_, k) => g.firstToken + k));
    groupLabels.push(text.slice(s.start, s.end));
    groupRanges.push([s.start, s.end]);
  }
  return {
    ids: enc.ids, groups, groupLabels, groupRanges, language, hasErrors: spans.hasErrors,
    planner: `tree-sitter ${language} ${scope}${scope === 'identifiers+strings' ? ' (strings: an extension beyond the paper)' : ''}${spans.hasErrors ? ', with syntax errors (recovered spans)' : ''}`,
  };
}
