// A byte-level BPE tokenizer (GPT-2 / RoBERTa / CodeT5 family) that reproduces Hugging Face's token
// ids exactly and records, for each token, the range of source text it came from.
//
// Pipeline: added tokens are split out of the raw text first; each remaining section is cut into
// pre-tokens (GPT-2 regex, via a hand-written scanner), each pre-token's UTF-8 bytes go through BPE.
// Pre-token results are cached by their text, since code repeats identifiers and whitespace runs.
import type { Encoding, Tokenizer } from '../types';
import { AddedTokenMatcher, type AddedTokenSpec } from './addedTokens';
import { BpeModel, type BpeTables } from './bpeModel';
import { BYTE_TO_UNICODE, byteLengthOfToken } from './byteLevel';
import { gpt2PreTokenEnd as gpt2PreTokenEndFn } from './gpt2PreTokenizer';
import { GPT2_PRE_TOKENIZER, isPlainGpt2, preTokenizeRanges, type PreTokenizerConfig } from './preTokenizerConfig';
import { PreTokenCache } from './preTokenCache';

export interface ByteLevelBpeOptions {
  /** Short label, e.g. "codet5"; the display name adds the kind and the id-space size. */
  name: string;
  vocab: ReadonlyMap<string, number>;
  merges: ReadonlyArray<readonly [string, string]>;
  addedTokens?: readonly AddedTokenSpec[];
  preTokenizer?: PreTokenizerConfig;
  specialIds?: Tokenizer['specialIds'];
  /** tokenizer.json BPE `ignore_merges`: a pre-token that is itself in the vocabulary is one token. */
  ignoreMerges?: boolean;
  /** Builds the error thrown for an unusable vocabulary/merges (the loader adds the path). */
  describeError?: (problem: string) => Error;
}

/**
 * A built tokenizer as plain data (typed arrays, strings, plain objects), for `structuredClone` or a
 * worker's `workerData`: `new ByteLevelBpeTokenizer(snapshot)` makes an identical tokenizer without
 * parsing vocab.json and merges.txt or building the merge table again.
 */
export interface TokenizerSnapshot {
  readonly kind: 'byte-level-bpe';
  readonly name: string;
  readonly vocabSize: number;
  readonly specialIds: Tokenizer['specialIds'];
  readonly preTokenizer: PreTokenizerConfig;
  readonly ignoreMerges: boolean;
  /** The vocabulary as given, entry order kept: tokens and their ids. */
  readonly vocabTokens: readonly string[];
  readonly vocabIds: Int32Array;
  readonly addedTokens: readonly AddedTokenSpec[];
  readonly tokenBytes: Int32Array;
  readonly model: BpeTables;
}

// Local binding: CommonJS transpilers turn imported bindings into getters (a call per pre-token).
const gpt2PreTokenEnd = gpt2PreTokenEndFn;

/** Pre-tokens longer than this (in UTF-16 units) are not cached: they rarely repeat. */
const MAX_CACHED_LENGTH = 128;
/** The cache is dropped when it reaches this many entries, bounding memory (~10-20 MB). */
const MAX_CACHE_ENTRIES = 100_000;

class EncodingBuilder {
  ids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.ids = new Int32Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }
  grow(): void {
    const cap = this.ids.length * 2;
    const ids = new Int32Array(cap);
    ids.set(this.ids);
    const starts = new Int32Array(cap);
    starts.set(this.starts);
    const ends = new Int32Array(cap);
    ends.set(this.ends);
    this.ids = ids;
    this.starts = starts;
    this.ends = ends;
  }
  finish(): Encoding {
    const n = this.length;
    const fit = this.ids.length > n * 1.25 + 64;
    return {
      ids: fit ? this.ids.slice(0, n) : this.ids.subarray(0, n),
      starts: fit ? this.starts.slice(0, n) : this.starts.subarray(0, n),
      ends: fit ? this.ends.slice(0, n) : this.ends.subarray(0, n),
      length: n,
    };
  }
}

export class ByteLevelBpeTokenizer implements Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly specialIds: Tokenizer['specialIds'];

  private readonly model: BpeModel;
  private readonly added: AddedTokenMatcher;
  private readonly preTokenizer: PreTokenizerConfig;
  private readonly plainGpt2: boolean;
  private readonly ignoreMerges: boolean;
  // The two lookup tables by token string and by id serve `tokenToId`/`idToToken` (and
  // `ignore_merges`), not encoding: built on first use, since every report worker thread builds a
  // tokenizer and a 32k-entry copy is start-up time. They read the vocabulary and added tokens as
  // given to the constructor (the loaders hand over maps of their own).
  private vocab: ReadonlyMap<string, number> | undefined;
  /** The vocabulary of a snapshot, made a map on first use (see above). */
  private vocabEntries: { tokens: readonly string[]; ids: Int32Array } | undefined;
  private readonly addedTokens: readonly AddedTokenSpec[];
  private tokenToIdTable: Map<string, number> | undefined;
  private idToTokenTable: Array<string | undefined> | undefined;
  /** Bytes each model token stands for (0 for added tokens that are not byte strings). */
  private readonly tokenBytes: Int32Array;
  private readonly cache = new PreTokenCache(MAX_CACHE_ENTRIES);

  // Scratch for UTF-8 encoding of one pre-token: bytes, and the JS range of the char of each byte.
  private bytes = new Uint8Array(1024);
  private byteCharStart = new Int32Array(1024);
  private byteCharEnd = new Int32Array(1024);

  constructor(opts: ByteLevelBpeOptions | TokenizerSnapshot) {
    if ('kind' in opts) {
      this.name = opts.name;
      this.vocabSize = opts.vocabSize;
      this.specialIds = opts.specialIds;
      this.preTokenizer = opts.preTokenizer;
      this.plainGpt2 = isPlainGpt2(this.preTokenizer);
      this.ignoreMerges = opts.ignoreMerges;
      this.vocabEntries = { tokens: opts.vocabTokens, ids: opts.vocabIds };
      this.addedTokens = opts.addedTokens;
      this.tokenBytes = opts.tokenBytes;
      this.model = new BpeModel(opts.model);
      this.added = new AddedTokenMatcher(opts.addedTokens);
      return;
    }
    const describe = opts.describeError ?? ((p: string) => new Error(p));
    this.preTokenizer = opts.preTokenizer ?? GPT2_PRE_TOKENIZER;
    this.plainGpt2 = isPlainGpt2(this.preTokenizer);
    this.ignoreMerges = opts.ignoreMerges ?? false;
    this.vocab = opts.vocab;
    const addedTokens = (this.addedTokens = opts.addedTokens ?? []);
    // The largest id of token → id once added tokens replace vocabulary entries of the same content.
    const addedIds = new Map(addedTokens.map((t) => [t.content, t.id])); // the last one per content wins
    let maxId = -1;
    opts.vocab.forEach((id, tok) => {
      if (id > maxId && !(addedIds.size > 0 && addedIds.has(tok))) maxId = id;
    });
    for (const id of addedIds.values()) if (id > maxId) maxId = id;
    this.vocabSize = maxId + 1;
    this.name = `${opts.name} (byte-level BPE, ${this.vocabSize})`;
    const tokenBytes = (this.tokenBytes = new Int32Array(this.vocabSize));
    opts.vocab.forEach((id, tok) => {
      tokenBytes[id] = Math.max(0, byteLengthOfToken(tok));
    });
    this.specialIds = opts.specialIds ?? {};
    const unk = this.specialIds.unk;
    this.model = new BpeModel({ vocab: opts.vocab, merges: opts.merges, unkId: unk }, describe);
    // An unknown token standing in for a byte covers that one byte.
    if (unk !== undefined && this.model.byteToId.includes(unk)) this.tokenBytes[unk] = 1;
    this.added = new AddedTokenMatcher(addedTokens);
  }

  /** This tokenizer as plain data; `new ByteLevelBpeTokenizer(snapshot)` is the same tokenizer. */
  snapshot(): TokenizerSnapshot {
    const vocab = this.vocabMap();
    const vocabIds = new Int32Array(vocab.size);
    let i = 0;
    vocab.forEach((id) => { vocabIds[i++] = id; });
    return {
      kind: 'byte-level-bpe', name: this.name, vocabSize: this.vocabSize, specialIds: this.specialIds,
      preTokenizer: this.preTokenizer, ignoreMerges: this.ignoreMerges, vocabTokens: [...vocab.keys()], vocabIds,
      addedTokens: this.addedTokens, tokenBytes: this.tokenBytes, model: this.model.tables(),
    };
  }

  private vocabMap(): ReadonlyMap<string, number> {
    if (!this.vocab) {
      const { tokens, ids } = this.vocabEntries!;
      const map = new Map<string, number>();
      for (let i = 0; i < tokens.length; i++) map.set(tokens[i]!, ids[i]!);
      this.vocab = map;
      this.vocabEntries = undefined;
    }
    return this.vocab;
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 ? this.idToTokenArray()[id] : undefined;
  }

  tokenToId(token: string): number | undefined {
    return this.tokenToIdMap().get(token);
  }

  private tokenToIdMap(): Map<string, number> {
    if (!this.tokenToIdTable) {
      this.tokenToIdTable = new Map(this.vocabMap());
      for (const t of this.addedTokens) this.tokenToIdTable.set(t.content, t.id);
    }
    return this.tokenToIdTable;
  }

  private idToTokenArray(): Array<string | undefined> {
    if (!this.idToTokenTable) {
      const table = (this.idToTokenTable = new Array<string | undefined>(this.vocabSize));
      this.vocabMap().forEach((id, tok) => {
        table[id] = tok;
      });
      for (const t of this.addedTokens) table[t.id] = t.content;
    }
    return this.idToTokenTable;
  }

  encode(text: string): Encoding {
    // Code averages ~0.3 tokens per character; start a little above that to avoid regrowing.
    const out = new EncodingBuilder(Math.ceil(text.length * 0.36) + 16);
    let pos = 0;
    for (const m of this.added.findAll(text)) {
      if (m.start > pos) this.encodeSection(text, pos, m.start, out);
      if (out.length === out.ids.length) out.grow();
      out.ids[out.length] = m.id;
      out.starts[out.length] = m.start;
      out.ends[out.length++] = m.end;
      pos = m.end;
    }
    if (pos < text.length) this.encodeSection(text, pos, text.length, out);
    return out.finish();
  }

  count(text: string): number {
    let n = 0;
    let pos = 0;
    for (const m of this.added.findAll(text)) {
      if (m.start > pos) n += this.countSection(text, pos, m.start);
      n++;
      pos = m.end;
    }
    if (pos < text.length) n += this.countSection(text, pos, text.length);
    return n;
  }

  private encodeSection(text: string, start: number, end: number, out: EncodingBuilder): void {
    if (this.plainGpt2) {
      for (let i = start; i < end; ) {
        const j = gpt2PreTokenEnd(text, i, end);
        this.emit(text, i, j, out, 0, 0);
        i = j;
      }
      return;
    }
    const { src, from, to, delta } = this.prefixed(text, start, end);
    const ranges = preTokenizeRanges(src, from, to, this.preTokenizer.steps);
    for (let k = 0; k < ranges.length; k += 2) this.emit(src, ranges[k]!, ranges[k + 1]!, out, delta, start);
  }

  private countSection(text: string, start: number, end: number): number {
    let n = 0;
    if (this.plainGpt2) {
      for (let i = start; i < end; ) {
        const j = gpt2PreTokenEnd(text, i, end);
        const v = this.lookup(text, i, j);
        n += typeof v === 'number' ? 1 : v.length;
        i = j;
      }
      return n;
    }
    const { src, from, to } = this.prefixed(text, start, end);
    const ranges = preTokenizeRanges(src, from, to, this.preTokenizer.steps);
    for (let k = 0; k < ranges.length; k += 2) {
      const v = this.lookup(src, ranges[k]!, ranges[k + 1]!);
      n += typeof v === 'number' ? 1 : v.length;
    }
    return n;
  }

  /** The section's text, with ByteLevel's prefix space when configured; `delta` maps its offsets back. */
  private prefixed(text: string, start: number, end: number): { src: string; from: number; to: number; delta: number } {
    if (this.preTokenizer.addPrefixSpace && text.charCodeAt(start) !== 32) {
      return { src: ' ' + text.slice(start, end), from: 0, to: end - start + 1, delta: start - 1 };
    }
    return { src: text, from: start, to: end, delta: 0 };
  }

  /** Token ids of the pre-token src[s, e): one id as a number, several as an Int32Array. */
  private lookup(src: string, s: number, e: number): number | Int32Array {
    if (e - s > MAX_CACHED_LENGTH) return this.bpe(src, s, e);
    let v = this.cache.get(src, s, e);
    if (v === undefined) {
      v = this.bpe(src, s, e);
      this.cache.set(src, s, e, v);
    }
    return v;
  }

  /** Appends the tokens of pre-token src[s, e); offsets are mapped by +delta and clamped to >= minStart. */
  private emit(src: string, s: number, e: number, out: EncodingBuilder, delta: number, minStart: number): void {
    const v = this.lookup(src, s, e);
    if (typeof v === 'number') {
      if (out.length === out.ids.length) out.grow();
      out.ids[out.length] = v;
      out.starts[out.length] = Math.max(s + delta, minStart);
      out.ends[out.length++] = Math.max(e + delta, minStart);
      return;
    }
    while (out.length + v.length > out.ids.length) out.grow();
    const tokenBytes = this.tokenBytes;
    let total = 0;
    for (let k = 0; k < v.length; k++) total += tokenBytes[v[k]!]!;
    const { ids, starts, ends } = out;
    let o = out.length;
    if (total === e - s) {
      // All ASCII: byte offsets are string offsets.
      let pos = s;
      for (let k = 0; k < v.length; k++) {
        ids[o] = v[k]!;
        starts[o] = Math.max(pos + delta, minStart);
        pos += tokenBytes[v[k]!]!;
        ends[o++] = Math.max(pos + delta, minStart);
      }
    } else {
      // Multi-byte characters: a token gets the whole range of every character it touches.
      const n = this.utf8(src, s, e);
      const cs = this.byteCharStart;
      const ce = this.byteCharEnd;
      let b = 0;
      for (let k = 0; k < v.length; k++) {
        const len = tokenBytes[v[k]!]!;
        ids[o] = v[k]!;
        starts[o] = Math.max(cs[b]! + delta, minStart);
        b = Math.min(b + len, n);
        ends[o++] = Math.max(ce[b - 1]! + delta, minStart);
      }
    }
    out.length = o;
  }

  /** BPE of the pre-token src[s, e). */
  private bpe(src: string, s: number, e: number): number | Int32Array {
    const n = this.utf8(src, s, e);
    if (this.ignoreMerges) {
      let word = '';
      for (let k = 0; k < n; k++) word += BYTE_TO_UNICODE[this.bytes[k]!];
      const id = this.tokenToIdMap().get(word);
      if (id !== undefined) return id;
    }
    const ids = this.model.encodeBytes(this.bytes, n);
    return ids.length === 1 ? ids[0]! : ids;
  }

  /** UTF-8 encodes src[s, e) into the scratch buffers (a lone surrogate becomes U+FFFD, as in
   *  TextEncoder); returns the byte count. */
  private utf8(src: string, s: number, e: number): number {
    if ((e - s) * 3 > this.bytes.length) {
      const size = (e - s) * 3 + 16;
      this.bytes = new Uint8Array(size);
      this.byteCharStart = new Int32Array(size);
      this.byteCharEnd = new Int32Array(size);
    }
    const bytes = this.bytes;
    const cs = this.byteCharStart;
    const ce = this.byteCharEnd;
    let n = 0;
    for (let i = s; i < e; ) {
      let c = src.charCodeAt(i);
      let w = 1;
      if (c < 0x80) {
        cs[n] = i;
        ce[n] = i + 1;
        bytes[n++] = c;
        i++;
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < e ? src.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          w = 2;
        } else {
          c = 0xfffd;
        }
      }
      const start = n;
      if (c < 0x800) {
        bytes[n++] = 0xc0 | (c >> 6);
        bytes[n++] = 0x80 | (c & 63);
      } else if (c < 0x10000) {
        bytes[n++] = 0xe0 | (c >> 12);
        bytes[n++] = 0x80 | ((c >> 6) & 63);
        bytes[n++] = 0x80 | (c & 63);
      } else {
        bytes[n++] = 0xf0 | (c >> 18);
        bytes[n++] = 0x80 | ((c >> 12) & 63);
        bytes[n++] = 0x80 | ((c >> 6) & 63);
        bytes[n++] = 0x80 | (c & 63);
      }
      for (let k = start; k < n; k++) {
        cs[k] = i;
        ce[k] = i + w;
      }
      i += w;
    }
    return n;
  }
}
