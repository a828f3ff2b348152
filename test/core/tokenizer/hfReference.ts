// The reference side of the parity tests: a Hugging Face tokenizer.json equivalent to CodeT5's
// tokenizer, built the way transformers' RobertaConverter builds one from vocab.json + merges.txt
// (ByteLevel pre-tokenizer without prefix space, BPE without unk, RoBERTa's five specials with
// `<mask>` lstrip, plus T5's 100 sentinels), and a way to recover source offsets from the reference's
// token strings (@huggingface/tokenizers returns no offsets).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UNICODE_TO_BYTE } from '../../../src/core/tokenizer/byteLevel';

/** The shared CodeT5 tokenizer folder beside the checkout (never copied into the repo). */
export const SHARED_CODET5 = resolve(__dirname, '..', '..', '..', '..', 'shared', 'tokenizers', 'codet5');

export interface HfAddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export function codeT5AddedTokens(): HfAddedToken[] {
  const added: HfAddedToken[] = [];
  const specials: Array<[string, number]> = [['<pad>', 0], ['<s>', 1], ['</s>', 2], ['<unk>', 3], ['<mask>', 4]];
  for (const [content, id] of specials) {
    added.push({ id, content, single_word: false, lstrip: content === '<mask>', rstrip: false, normalized: false, special: true });
  }
  for (let i = 99; i >= 0; i--) {
    added.push({ id: 32099 - i, content: `<extra_id_${i}>`, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  }
  return added;
}

export function buildCodeT5TokenizerJson(dir: string = SHARED_CODET5): Record<string, unknown> {
  const vocab = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')) as Record<string, number>;
  const merges = readFileSync(join(dir, 'merges.txt'), 'utf8')
    .split('\n')
    .filter((line, i) => line !== '' && !(i === 0 && line.startsWith('#version')));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: codeT5AddedTokens(),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

/**
 * Source ranges for a reference token sequence, derived only from the token strings and the text:
 * byte-level tokens consume their bytes in order; an added token consumes its content, and an
 * lstrip token also the whitespace the reference dropped before it (our convention: that
 * whitespace is part of the token). Byte ranges widen to whole characters. Throws if the tokens do
 * not spell out the text, which would itself be a reference bug.
 */
export function offsetsFromTokens(text: string, tokens: readonly string[], added: ReadonlyMap<string, HfAddedToken>): Array<[number, number]> {
  // UTF-8 bytes of the text with, per byte, the UTF-16 range of its character (lone surrogate -> U+FFFD).
  const charStart: number[] = [];
  const charEnd: number[] = [];
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const isLone = cp >= 0xd800 && cp <= 0xdfff;
    for (const b of Buffer.from(isLone ? '\ufffd' : String.fromCodePoint(cp), 'utf8')) {
      bytes.push(b);
      charStart.push(i);
      charEnd.push(i + w);
    }
    i += w;
  }
  // The UTF-16 range of the characters of bytes [from, to); an empty token would have none.
  const charRange = (from: number, to: number): [number, number] => {
    const start = charStart[from];
    const end = charEnd[to - 1];
    if (start === undefined || end === undefined || to <= from) throw new Error(`reference token at byte ${from} covers no bytes of the text`);
    return [start, end];
  };
  const out: Array<[number, number]> = [];
  let b = 0;
  for (const tok of tokens) {
    const a = added.get(tok);
    if (a) {
      const contentBytes = Buffer.from(a.content, 'utf8');
      const from = b;
      if (a.lstrip) {
        // Skip the whitespace characters (all their bytes) that the reference stripped.
        while (b < bytes.length && /^\s$/u.test(text.slice(charStart[b], charEnd[b]))) {
          const c = charStart[b];
          while (b < bytes.length && charStart[b] === c) b++;
        }
      }
      for (let k = 0; k < contentBytes.length; k++, b++) {
        if (bytes[b] !== contentBytes[k]) throw new Error(`reference tokens do not spell the text at byte ${b} (${tok})`);
      }
      out.push(charRange(from, b));
      continue;
    }
    const from = b;
    for (const ch of tok) {
      const byte = UNICODE_TO_BYTE[ch.charCodeAt(0)];
      if (byte !== bytes[b]) throw new Error(`reference tokens do not spell the text at byte ${b} (${JSON.stringify(tok)})`);
      b++;
    }
    out.push(charRange(from, b));
  }
  if (b !== bytes.length) throw new Error(`reference tokens cover ${b} of ${bytes.length} bytes`);
  return out;
}
