// What the hover says, as markdown, from one document's analysis. Pure (no `vscode`), so the
// wording and the numbers are tested in test/extension/hoverText.test.ts.
import type { Encoding, SourceSpan } from '../core/types';
import type { MergePlan } from '../core/merge/plan';
import { findContaining, identifierAt, tokenPiece } from '../core/merge/lookup';
import { int as formatInt, reduction as formatReduction } from '../core/report/format/numbers';
import { joinPieces } from './format';

export interface HoverInput {
  readonly text: string;
  readonly encoding: Encoding;
  readonly identifiers: readonly SourceSpan[];
  readonly plan: MergePlan;
  /** Content tokens per model window (510 for CodeT5's 512 with `<s>`/`</s>`). */
  readonly windowCapacity: number;
  readonly windowSize: number;
  readonly idToToken?: (id: number) => string | undefined;
}

export interface HoverContent {
  readonly markdown: string;
  /** Source range the hover is about. */
  readonly start: number;
  readonly end: number;
}

export { identifierAt, tokenPiece };

export function fileSummary(input: Pick<HoverInput, 'plan' | 'windowCapacity' | 'windowSize'>): string {
  const { tokenCount, mergedCount } = input.plan;
  const before = Math.ceil(tokenCount / input.windowCapacity);
  const after = Math.ceil(mergedCount / input.windowCapacity);
  return `File: ${formatInt(tokenCount)} subtokens → ${formatInt(mergedCount)} merged `
    + `(${formatReduction(tokenCount, mergedCount)}), ${before} → ${after} × ${input.windowSize}-token windows`;
}

/** Byte-level BPE's stand-ins for whitespace bytes, shown with the marks `displayPiece` uses for the
 *  source text, so a vocabulary string (`Ġraw`) and its piece (`␣raw`) look the same in one hover. */
const BYTE_LEVEL_MARKS: Readonly<Record<string, string>> = { 'Ġ': '␣', 'ĉ': '⇥', 'Ċ': '⏎', 'č': '␍' };

export function displayVocabToken(token: string): string {
  return token.replace(/[ĠĉĊč]/g, (c) => BYTE_LEVEL_MARKS[c]!);
}

function ids(input: HoverInput, first: number, count: number): string {
  const out: string[] = [];
  for (let t = first; t < first + count; t++) {
    const id = input.encoding.ids[t]!;
    const tok = input.idToToken?.(id);
    out.push(tok === undefined ? `${id}` : `${id} \`${displayVocabToken(tok)}\``);
  }
  return out.join(', ');
}

/** Source text of token `t` with its leading space (shown as `␣` by joinPieces), as the ids line shows it. */
function tokenText(input: HoverInput, t: number): string {
  return input.text.slice(input.encoding.starts[t]!, input.encoding.ends[t]!);
}

/** Hover for `offset`, or undefined when there is no token there. */
export function hoverContent(input: HoverInput, offset: number, detail: 'compact' | 'full'): HoverContent | undefined {
  const lines: string[] = [];
  let start: number;
  let end: number;
  const s = identifierAt(input.identifiers, offset);
  if (s >= 0) {
    const span = input.identifiers[s]!;
    const a = input.plan.alignments[s]!;
    const name = input.text.slice(span.start, span.end);
    start = span.start;
    end = span.end;
    const pieces: string[] = [];
    for (let t = a.firstToken; a.firstToken >= 0 && t < a.firstToken + a.tokenCount; t++) pieces.push(tokenText(input, t));
    lines.push(`**Subtoken Lens** · identifier \`${name}\``);
    if (a.tokenCount === 0) {
      lines.push('No subtoken lies wholly inside this identifier (it shares a token with its neighbours).');
    } else {
      lines.push(`${a.tokenCount} subtoken${a.tokenCount === 1 ? '' : 's'}: \`${joinPieces(pieces)}\``);
      lines.push(a.tokenCount >= 2
        ? `After merging: 1 position (saves ${a.tokenCount - 1})`
        : 'After merging: 1 position (already one subtoken, nothing to merge)');
    }
    if (a.straddling) lines.push('_A token crosses this identifier\'s edge and stays unmerged._');
    if (detail === 'full' && a.tokenCount > 0) lines.push(`Token ids: ${ids(input, a.firstToken, a.tokenCount)}`);
  } else {
    const enc = input.encoding;
    const t = findContaining(enc.starts, enc.ends, enc.length, offset);
    if (t < 0) return undefined;
    // A character split over several byte-level tokens: show all tokens with its range.
    let first = t;
    let last = t;
    while (first > 0 && enc.starts[first - 1] === enc.starts[t] && enc.ends[first - 1] === enc.ends[t]) first--;
    while (last + 1 < enc.length && enc.starts[last + 1] === enc.starts[t] && enc.ends[last + 1] === enc.ends[t]) last++;
    start = enc.starts[t]!;
    end = enc.ends[t]!;
    const count = last - first + 1;
    const piece = tokenText(input, t);
    lines.push(`**Subtoken Lens** · \`${joinPieces([piece])}\``);
    lines.push(count === 1 ? '1 subtoken (not an identifier: not merged)' : `${count} subtokens for one character (not merged)`);
    if (detail === 'full') lines.push(`Token id${count === 1 ? '' : 's'}: ${ids(input, first, count)}`);
  }
  // The file summary is part of `full` only (the setting's description); the status bar shows it anyway.
  if (detail === 'full') lines.push(fileSummary(input));
  return { markdown: lines.join('\n\n'), start, end };
}
