// The tokenizer's per-pre-token cache, looked up by a range of the source text instead of a string
// key. A `Map<string, ...>` needs the key as a string, so every pre-token of every file was first
// copied out of the text (`slice`) and then hashed by V8: one short-lived string per token, about a
// third of `encode`'s time and much of its garbage. Here the hash is computed over the text's char
// codes in place and a hit is confirmed by comparing those codes with the stored key; a string is
// made only on a miss, when it is stored. Open addressing with linear probing.

/** Token ids of one pre-token: one id as a number, several as an Int32Array. */
export type PreTokenIds = number | Int32Array;

const INITIAL_CAPACITY = 4096;

export class PreTokenCache {
  private keys: (string | undefined)[] = new Array<string | undefined>(INITIAL_CAPACITY).fill(undefined);
  private values: (PreTokenIds | undefined)[] = new Array<PreTokenIds | undefined>(INITIAL_CAPACITY).fill(undefined);
  private hashes = new Int32Array(INITIAL_CAPACITY);
  private mask = INITIAL_CAPACITY - 1;
  private count = 0;
  /** Slot and hash of the last `get` miss, where `set` stores without probing again. */
  private missSlot = -1;
  private missHash = 0;

  /** `maxEntries`: the cache is emptied when it reaches this many entries (bounds memory). */
  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.count;
  }

  /** The ids cached for src[s, e), or undefined (then `set` for the same range may follow). */
  get(src: string, s: number, e: number): PreTokenIds | undefined {
    let h = 0x811c9dc5 ^ (e - s);
    for (let i = s; i < e; i++) h = Math.imul(h ^ src.charCodeAt(i), 0x01000193);
    h ^= h >>> 15;
    const { keys, hashes, mask } = this;
    const len = e - s;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = keys[slot];
      if (k === undefined) {
        this.missSlot = slot;
        this.missHash = h;
        return undefined;
      }
      if (hashes[slot] !== h || k.length !== len) continue;
      let i = 0;
      while (i < len && k.charCodeAt(i) === src.charCodeAt(s + i)) i++;
      if (i === len) return this.values[slot];
    }
  }

  /** Stores the ids of src[s, e), which the `get` just before missed. */
  set(src: string, s: number, e: number, ids: PreTokenIds): void {
    if (this.count >= this.maxEntries) {
      this.reset(this.keys.length);
      this.get(src, s, e); // finds the free slot in the emptied table
    }
    const slot = this.missSlot;
    this.keys[slot] = src.slice(s, e);
    this.values[slot] = ids;
    this.hashes[slot] = this.missHash;
    this.count++;
    // Keep at most half full, so probes stay short.
    if (this.count * 2 > this.keys.length && this.keys.length < 2 * this.maxEntries) this.grow();
    this.missSlot = -1;
  }

  clear(): void {
    this.reset(INITIAL_CAPACITY);
  }

  private reset(capacity: number): void {
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.values = new Array<PreTokenIds | undefined>(capacity).fill(undefined);
    this.hashes = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.count = 0;
  }

  private grow(): void {
    const { keys, values, hashes } = this;
    this.reset(keys.length * 2);
    const mask = this.mask;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === undefined) continue;
      let slot = hashes[i]! & mask;
      while (this.keys[slot] !== undefined) slot = (slot + 1) & mask;
      this.keys[slot] = k;
      this.values[slot] = values[i];
      this.hashes[slot] = hashes[i]!;
      this.count++;
    }
  }
}
