// Self-supervised training examples for the merger, taken from the BPE vocabulary itself: a
// token t that BPE built by merging smaller tokens is a "group" whose merged vector should be
// E[t]. Its pieces are what BPE yields for t's own string with every merge that produces t
// turned off — the split the tokenizer would produce if t were not in the vocabulary. Deeper
// splits (3, 4 … pieces) come from splitting the longest composite piece the same way, so the
// merger also sees groups as long as real identifiers' subtoken groups.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BpeFiles {
  /** token string (byte-level unicode form, e.g. "Ġget") → id */
  readonly vocab: ReadonlyMap<string, number>;
  /** merge rules in priority order, each [left, right] */
  readonly merges: ReadonlyArray<readonly [string, string]>;
}

export interface MergeExample {
  readonly target: number;
  /** Piece ids, in text order; at least 2. */
  readonly pieces: readonly number[];
}

/** Reads vocab.json + merges.txt (the GPT-2 / RoBERTa / CodeT5 layout) from a folder. */
export function readBpeFiles(tokenizerDir: string): BpeFiles {
  const vocabPath = join(tokenizerDir, 'vocab.json');
  const mergesPath = join(tokenizerDir, 'merges.txt');
  for (const p of [vocabPath, mergesPath]) {
    if (!existsSync(p)) throw new Error(`tokenizer folder ${tokenizerDir} has no ${p.slice(tokenizerDir.length + 1)} (a byte-level BPE tokenizer needs vocab.json and merges.txt)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(vocabPath, 'utf8'));
  } catch (e) {
    throw new Error(`${vocabPath}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${vocabPath}: expected an object of token → id`);
  const vocab = new Map<string, number>();
  for (const [tok, id] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new Error(`${vocabPath}: id of ${JSON.stringify(tok)} is not a non-negative integer`);
    vocab.set(tok, id);
  }
  const merges: Array<[string, string]> = [];
  const lines = readFileSync(mergesPath, 'utf8').split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '');
    if (line === '' || (n === 0 && line.startsWith('#version'))) continue;
    const sp = line.indexOf(' ');
    if (sp <= 0 || sp === line.length - 1 || line.indexOf(' ', sp + 1) !== -1) {
      throw new Error(`${mergesPath}:${n + 1}: expected "left right", got ${JSON.stringify(line)}`);
    }
    merges.push([line.slice(0, sp), line.slice(sp + 1)]);
  }
  return { vocab, merges };
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
  bpe.merges.forEach(([l, r], i) => { const key = l + ' ' + r; if (!ranks.has(key)) ranks.set(key, i); });
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
