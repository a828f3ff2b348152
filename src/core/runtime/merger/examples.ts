// Self-supervised training examples for the merger, taken from the BPE vocabulary itself: a
// token t that BPE built by merging smaller tokens is a "group" whose merged vector should be
// E[t]. Its pieces are what BPE yields for t's own string with every merge that produces t
// turned off — the split the tokenizer would produce if t were not in the vocabulary. Deeper
// splits (3, 4 … pieces) come from splitting the longest composite piece the same way, so the
// merger also sees groups as long as real identifiers' subtoken groups.

import { readBpeFiles, type BpeFiles } from '../../tokenizer/load';

export { readBpeFiles, type BpeFiles };

export interface MergeExample {
  readonly target: number;
  /** Piece ids, in text order; at least 2. */
  readonly pieces: readonly number[];
}

/** Runs BPE over the symbols of `token`, skipping every merge whose result is `token` itself. */
export function bpeSplitWithout(token: string, ranks: ReadonlyMap<string, number>): string[] {
  let symbols = Array.from(token);
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const merged = symbols[i]! + symbols[i + 1]!;
      if (merged === token) continue;
      const r = ranks.get(symbols[i]! + ' ' + symbols[i + 1]!);
      if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
    }
    if (best < 0) return symbols;
    const left = symbols[best]!;
    const right = symbols[best + 1]!;
    // merge every occurrence of this pair, left to right, as GPT-2 BPE does
    const next: string[] = [];
    for (let i = 0; i < symbols.length; i++) {
      if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) { next.push(left + right); i++; }
      else next.push(symbols[i]!);
    }
    symbols = next;
  }
}

export interface BuildExamplesOptions {
  /** Longest group to generate by splitting pieces further (≥ 2). Default 4. */
  readonly maxPieces?: number;
  /** Ids at or above this are not used (e.g. the model's vocab_size). */
  readonly vocabSize?: number;
}

/**
 * One example per merge-built token (its primary split), plus deeper splits up to maxPieces.
 * Tokens that no merge rule produces (bytes, special tokens) are never targets.
 */
export function buildMergeExamples(bpe: BpeFiles, options: BuildExamplesOptions = {}): MergeExample[] {
  const maxPieces = options.maxPieces ?? 4;
  if (!Number.isInteger(maxPieces) || maxPieces < 2) throw new RangeError(`maxPieces must be an integer ≥ 2, got ${maxPieces}`);
  const limit = options.vocabSize ?? Infinity;
  const ranks = new Map<string, number>();
  // A rule listed twice takes its later rank, as in the tokenizer (bpeModel.ts) and Hugging Face's BPE.
  bpe.merges.forEach(([l, r], i) => ranks.set(l + ' ' + r, i));
  const targets = new Set<string>();
  for (const [l, r] of bpe.merges) targets.add(l + r);

  const primary = new Map<string, string[] | null>();
  const splitOf = (tok: string): string[] | null => {
    let s = primary.get(tok);
    if (s === undefined) {
      s = null;
      if (targets.has(tok)) {
        const pieces = bpeSplitWithout(tok, ranks);
        if (pieces.length >= 2 && pieces.every((p) => bpe.vocab.has(p))) s = pieces;
      }
      primary.set(tok, s);
    }
    return s;
  };

  const out: MergeExample[] = [];
  const idsOf = (pieces: string[]): number[] | null => {
    const ids = pieces.map((p) => bpe.vocab.get(p)!);
    return ids.every((id) => id < limit) ? ids : null;
  };
  // Sorted so the example order never depends on Map iteration quirks of the input.
  const sortedTargets = [...targets].filter((t) => bpe.vocab.has(t)).sort((a, b) => bpe.vocab.get(a)! - bpe.vocab.get(b)!);
  for (const tok of sortedTargets) {
    const target = bpe.vocab.get(tok)!;
    if (target >= limit) continue;
    let pieces = splitOf(tok);
    while (pieces && pieces.length <= maxPieces) {
      const ids = idsOf(pieces);
      if (ids) out.push({ target, pieces: ids });
      // split the longest piece that BPE can split further
      let at = -1;
      for (let i = 0; i < pieces.length; i++) {
        if (splitOf(pieces[i]!) && (at < 0 || pieces[i]!.length > pieces[at]!.length)) at = i;
      }
      if (at < 0) break;
      pieces = [...pieces.slice(0, at), ...splitOf(pieces[at]!)!, ...pieces.slice(at + 1)];
    }
  }
  return out;
}
