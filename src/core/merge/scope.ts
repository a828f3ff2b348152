// Merge scope: which source spans a merge plan collapses. The paper merges identifiers only;
// 'identifiers+strings' also folds string contents (an extension beyond the paper). The report,
// the runtime and the CLI all read the scope from here so they merge the same spans.
import type { SourceSpan, SpanResult } from '../types';

export type MergeScope = 'identifiers' | 'identifiers+strings';

/** Spans to merge for a scope: identifiers, plus string contents that overlap no identifier. */
export function spansForScope(spans: SpanResult, scope: MergeScope): SourceSpan[] {
  if (scope === 'identifiers' || spans.strings.length === 0) return spans.identifiers;
  const out: SourceSpan[] = [];
  const ids = spans.identifiers;
  let i = 0;
  for (const s of spans.strings) {
    while (i < ids.length && ids[i]!.end <= s.start) out.push(ids[i++]!);
    // Template strings contain identifiers: keep the identifiers, drop the overlapping string span.
    let j = i;
    let overlaps = false;
    while (j < ids.length && ids[j]!.start < s.end) {
      if (ids[j]!.end > s.start) { overlaps = true; break; }
      j++;
    }
    if (!overlaps) out.push(s);
  }
  while (i < ids.length) out.push(ids[i++]!);
  return out;
}
