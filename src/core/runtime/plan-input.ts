// File → (content token ids, groups to merge). One function so the real merge plan can replace it.
//
// TODO(lead): replace with core merge plan (src/core/merge/plan.ts buildMergePlan on tree-sitter
// identifier spans). This is a STOPGAP, not the product's plan: it groups runs of tokens that look
// like one word (a token starting with an optional "Ġ" and a letter/underscore, followed by tokens
// that continue with letters/digits/underscores and no leading space), which approximates identifier
// occurrences but also catches keywords and words in comments and strings.
import type { Tokenizer } from '../types';
import type { FileInput } from './windows';

export interface FilePlan extends FileInput {
  readonly ids: Int32Array;
  readonly groups: number[][];
  /** The source text of each group (for labels in reports). */
  readonly groupLabels: string[];
  /** Source offsets of each group: [start, end). */
  readonly groupRanges: [number, number][];
  /** Says where the plan came from, so reports can flag the stopgap. */
  readonly planner: string;
}

const WORD_START = /^Ġ?[A-Za-z_]/;
const WORD_CONTINUE = /^[A-Za-z0-9_]/;

export function planFile(text: string, _path: string, tokenizer: Tokenizer): FilePlan {
  const enc = tokenizer.encode(text);
  const groups: number[][] = [];
  const groupLabels: string[] = [];
  const groupRanges: [number, number][] = [];
  let i = 0;
  while (i < enc.length) {
    const tok = tokenizer.idToToken(enc.ids[i]!) ?? '';
    if (!WORD_START.test(tok)) { i++; continue; }
    let j = i + 1;
    while (j < enc.length && WORD_CONTINUE.test(tokenizer.idToToken(enc.ids[j]!) ?? '')) j++;
    if (j - i >= 2) {
      groups.push(Array.from({ length: j - i }, (_, k) => i + k));
      const start = enc.starts[i]!;
      const end = enc.ends[j - 1]!;
      groupRanges.push([start, end]);
      groupLabels.push(text.slice(start, end).trim());
    }
    i = j;
  }
  return { ids: enc.ids, groups, groupLabels, groupRanges, planner: 'stopgap word-run plan (TODO(lead): core merge plan)' };
}
