// The byte-level BPE model: turns the UTF-8 bytes of one pre-token into token ids, applying merges
// lowest rank first and, among equal ranks, leftmost first (the order of Hugging Face's BPE).
// Merges live in an open-addressing hash table over (left id, right id) in Int32Arrays, and words are
// merged in small typed arrays, so the hot loop allocates nothing.
import { BYTE_TO_UNICODE } from './byteLevel';

const EMPTY = -1;

/** Words up to this many bytes are merged by rescanning a pair-rank array (fast for short words);
 *  longer ones use a binary heap so pathological inputs (a 1 MB identifier) stay O(n log n). */
const SHORT_WORD = 48;

export interface BpeModelOptions {
  vocab: ReadonlyMap<string, number>;
  /** Merge rules in rank order (index = rank). */
  merges: ReadonlyArray<readonly [string, string]>;
  /** Id used for a byte whose character is not in the vocabulary. */
  unkId?: number;
}

/** The merge tables of a built model: typed arrays a worker thread receives as they are
 *  (structured clone copies them in one go) instead of rebuilding them from merges.txt. */
export interface BpeTables {
  readonly byteToId: Int32Array;
  readonly capMask: number;
  readonly keys: Int32Array;
  readonly vals: Int32Array;
}

export class BpeModel {
  /** Vocabulary id of each byte's character (or the unk id). */
  readonly byteToId: Int32Array;
  private readonly capMask: number;
  /** Slot k: keys[2k] = left id, keys[2k+1] = right id (EMPTY = free). */
  private readonly keys: Int32Array;
  /** Slot k: vals[2k] = rank, vals[2k+1] = merged id. */
  private readonly vals: Int32Array;

  // Scratch buffers reused across words (grown on demand).
  private syms = new Int32Array(256);
  private ranks = new Int32Array(256);
  private merged = new Int32Array(256);

  constructor(opts: BpeModelOptions | BpeTables, describe: (problem: string) => Error = (p) => new Error(p)) {
    if ('keys' in opts) {
      // Tables of a built model (tables()): only read from here on, so they can be shared.
      this.byteToId = opts.byteToId;
      this.capMask = opts.capMask;
      this.keys = opts.keys;
      this.vals = opts.vals;
      return;
    }
    const { vocab, merges } = opts;
    this.byteToId = new Int32Array(256);
    for (let b = 0; b < 256; b++) {
      const id = vocab.get(BYTE_TO_UNICODE[b]!);
      if (id !== undefined) this.byteToId[b] = id;
      else if (opts.unkId !== undefined) this.byteToId[b] = opts.unkId;
      else {
        throw describe(
          `the vocabulary has no entry for byte 0x${b.toString(16)} ("${BYTE_TO_UNICODE[b]}") and no unknown token, so it is not a byte-level BPE vocabulary`,
        );
      }
    }
    let cap = 1024;
    while (cap < merges.length * 2) cap *= 2;
    this.capMask = cap - 1;
    this.keys = new Int32Array(cap * 2).fill(EMPTY);
    this.vals = new Int32Array(cap * 2);
    for (let rank = 0; rank < merges.length; rank++) {
      const [a, b] = merges[rank]!;
      const left = vocab.get(a);
      const right = vocab.get(b);
      const result = vocab.get(a + b);
      if (left === undefined || right === undefined || result === undefined) {
        const missing = left === undefined ? a : right === undefined ? b : a + b;
        throw describe(`merge rule ${rank + 1} ("${a} ${b}") uses "${missing}", which is not in the vocabulary`);
      }
      // A repeated rule overwrites the earlier one, as in Hugging Face's loaders.
      this.insert(left, right, rank, result);
    }
  }

  private slotOf(left: number, right: number): number {
    let h = (Math.imul(left, 0x9e3779b1) ^ Math.imul(right + 0x7f4a7c15, 0x85ebca77)) >>> 0;
    h = (h ^ (h >>> 15)) & this.capMask;
    const keys = this.keys;
    for (;;) {
      const k = keys[h * 2];
      if (k === EMPTY || (k === left && keys[h * 2 + 1] === right)) return h;
      h = (h + 1) & this.capMask;
    }
  }

  private insert(left: number, right: number, rank: number, result: number): void {
    const s = this.slotOf(left, right);
    this.keys[s * 2] = left;
    this.keys[s * 2 + 1] = right;
    this.vals[s * 2] = rank;
    this.vals[s * 2 + 1] = result;
  }

  /** The built tables, for a model of the same merges elsewhere (`new BpeModel(tables)`). */
  tables(): BpeTables {
    return { byteToId: this.byteToId, capMask: this.capMask, keys: this.keys, vals: this.vals };
  }

  /** Rank of the merge (left, right), or -1; the merged id is left in `lastMerged`. */
  private lastMerged = 0;
  private rankOf(left: number, right: number): number {
    const s = this.slotOf(left, right);
    if (this.keys[s * 2] === EMPTY) return -1;
    this.lastMerged = this.vals[s * 2 + 1]!;
    return this.vals[s * 2]!;
  }

  /** Encodes bytes[0..n) into token ids; returns them in a fresh Int32Array. */
  encodeBytes(bytes: Uint8Array | number[], n: number): Int32Array {
    if (n > this.syms.length) {
      let size = this.syms.length;
      while (size < n) size *= 2;
      this.syms = new Int32Array(size);
      this.ranks = new Int32Array(size);
      this.merged = new Int32Array(size);
    }
    const syms = this.syms;
    for (let k = 0; k < n; k++) syms[k] = this.byteToId[bytes[k]!]!;
    const len = n <= SHORT_WORD ? this.mergeShort(n) : this.mergeLong(n);
    return syms.slice(0, len);
  }

  /** Merges syms[0..n) in place by repeatedly taking the lowest-ranked, leftmost pair. */
  private mergeShort(n: number): number {
    const syms = this.syms;
    const ranks = this.ranks;
    const merged = this.merged;
    for (let p = 0; p + 1 < n; p++) {
      ranks[p] = this.rankOf(syms[p]!, syms[p + 1]!);
      merged[p] = this.lastMerged;
    }
    let len = n;
    while (len > 1) {
      let best = -1;
      let bestRank = 0x7fffffff;
      for (let p = 0; p + 1 < len; p++) {
        const r = ranks[p]!;
        if (r >= 0 && r < bestRank) {
          bestRank = r;
          best = p;
        }
      }
      if (best < 0) break;
      syms[best] = merged[best]!;
      // Remove symbol best+1 and its pair entry.
      for (let p = best + 1; p + 1 < len; p++) {
        syms[p] = syms[p + 1]!;
        ranks[p] = ranks[p + 1]!;
        merged[p] = merged[p + 1]!;
      }
      len--;
      if (best > 0) {
        ranks[best - 1] = this.rankOf(syms[best - 1]!, syms[best]!);
        merged[best - 1] = this.lastMerged;
      }
      if (best + 1 < len) {
        ranks[best] = this.rankOf(syms[best]!, syms[best + 1]!);
        merged[best] = this.lastMerged;
      }
    }
    return len;
  }

  /** Heap-driven merging for long words: candidates keyed by (rank, position), stale ones skipped
   *  on pop, the way Hugging Face's Rust BPE does it. */
  private mergeLong(n: number): number {
    const syms = this.syms;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      next[k] = k + 1 < n ? k + 1 : -1;
      prev[k] = k - 1;
    }
    const alive = new Uint8Array(n).fill(1);
    // Keys rank * 2^22 + pos stay exact in a double for ranks < 2^31 and words < 4M bytes;
    // longer words get a wider position field.
    const posBits = n < 1 << 22 ? 4194304 : 2 ** Math.ceil(Math.log2(n + 1));
    let heap = new Float64Array(Math.max(16, n));
    let size = 0;
    const push = (key: number): void => {
      if (size === heap.length) {
        const bigger = new Float64Array(heap.length * 2);
        bigger.set(heap);
        heap = bigger;
      }
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[parent]! <= key) break;
        heap[i] = heap[parent]!;
        i = parent;
      }
      heap[i] = key;
    };
    const pop = (): number => {
      const top = heap[0]!;
      const last = heap[--size]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        const c = r < size && heap[r]! < heap[l]! ? r : l;
        if (heap[c]! >= last) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
      return top;
    };
    for (let k = 0; k + 1 < n; k++) {
      const r = this.rankOf(syms[k]!, syms[k + 1]!);
      if (r >= 0) push(r * posBits + k);
    }
    while (size > 0) {
      const key = pop();
      const rank = Math.floor(key / posBits);
      const pos = key - rank * posBits;
      if (!alive[pos]) continue;
      const right = next[pos]!;
      if (right < 0) continue;
      // Stale if the pair at pos changed since this candidate was pushed.
      if (this.rankOf(syms[pos]!, syms[right]!) !== rank) continue;
      syms[pos] = this.lastMerged;
      alive[right] = 0;
      const after = next[right]!;
      next[pos] = after;
      if (after >= 0) prev[after] = pos;
      const before = prev[pos]!;
      if (before >= 0) {
        const r = this.rankOf(syms[before]!, syms[pos]!);
        if (r >= 0) push(r * posBits + before);
      }
      if (after >= 0) {
        const r = this.rankOf(syms[pos]!, syms[after]!);
        if (r >= 0) push(r * posBits + pos);
      }
    }
    let len = 0;
    for (let k = 0; k >= 0; k = next[k]!) syms[len++] = syms[k]!;
    return len;
  }
}
