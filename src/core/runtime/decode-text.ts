// Token ids back to text for a byte-level BPE tokenizer, as transformers' decode(ids,
// skip_special_tokens=True) without clean-up: special tokens dropped, each vocabulary character
// mapped back to the byte it stands for, the bytes read as UTF-8 (a sequence cut inside a
// character shows U+FFFD, as the Hub tokenizers do).
import { UNICODE_TO_BYTE } from '../tokenizer/byteLevel';
import type { Tokenizer } from '../types';

const SPECIAL_TOKEN = /^<(?:s|\/s|pad|unk|mask|extra_id_\d+)>$/;

export function isSpecialId(tokenizer: Tokenizer, id: number): boolean {
  const s = tokenizer.specialIds;
  if (id === s.bos || id === s.eos || id === s.pad || id === s.unk) return true;
  const token = tokenizer.idToToken(id);
  return token !== undefined && SPECIAL_TOKEN.test(token);
}

export function decodeIds(tokenizer: Tokenizer, ids: readonly number[]): string {
  const bytes: number[] = [];
  const utf8 = new TextEncoder();
  for (const id of ids) {
    if (isSpecialId(tokenizer, id)) continue;
    const token = tokenizer.idToToken(id);
    if (token === undefined) continue; // an id the tokenizer has no string for (model vocab padding)
    for (const ch of token) {
      const c = ch.codePointAt(0)!;
      const b = c < UNICODE_TO_BYTE.length ? UNICODE_TO_BYTE[c]! : -1;
      if (b >= 0) bytes.push(b);
      else bytes.push(...utf8.encode(ch)); // an added token outside the byte alphabet: its own text
    }
  }
  return new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
}
