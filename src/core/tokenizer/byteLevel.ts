// GPT-2's reversible byte -> printable-character map. Byte-level BPE vocabularies store every token
// as a string of these characters, one character per UTF-8 byte.

function buildByteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map = new Array<string>(256);
  for (const b of printable) map[b] = String.fromCharCode(b);
  // Bytes without a printable look-alike are shifted above 255, in byte order.
  let next = 256;
  for (let b = 0; b < 256; b++) if (map[b] === undefined) map[b] = String.fromCharCode(next++);
  return map;
}

/** BYTE_TO_UNICODE[b] is the vocabulary character standing for byte b. */
export const BYTE_TO_UNICODE: readonly string[] = buildByteToUnicode();

/** Inverse of BYTE_TO_UNICODE, keyed by char code; -1 where a character stands for no byte. */
export const UNICODE_TO_BYTE: Int16Array = (() => {
  const inv = new Int16Array(512).fill(-1);
  BYTE_TO_UNICODE.forEach((ch, b) => (inv[ch.charCodeAt(0)] = b));
  return inv;
})();

/** Number of bytes a vocabulary token stands for, or -1 if it is not made of byte characters
 *  (e.g. an added token such as "<extra_id_0>" that is not in the byte-level alphabet). */
export function byteLengthOfToken(token: string): number {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 512 || UNICODE_TO_BYTE[c]! < 0) return -1;
  }
  return token.length;
}
