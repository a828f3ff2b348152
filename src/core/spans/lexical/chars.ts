// Character classes as lookup tables over char codes (ASCII); every code ≥ 128 counts as an
// identifier character, as the tree-sitter grammars accept Unicode letters in names.

export const C_SPACE = 1, C_IDENT_START = 2, C_IDENT_PART = 4, C_DIGIT = 8, C_PUNCT = 16;

const table = new Uint8Array(128);
for (const c of ' \t\n\r\v\f') table[c.charCodeAt(0)] = C_SPACE;
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) table[c] = C_IDENT_START | C_IDENT_PART;
  else if (/[0-9]/.test(ch)) table[c] = C_DIGIT | C_IDENT_PART;
  else if (/[!-/:-@[-`{-~]/.test(ch)) table[c] = C_PUNCT;
}
export const CHAR_CLASS: Uint8Array = table;

export function isSpace(c: number): boolean {
  return c < 128 ? (CHAR_CLASS[c]! & C_SPACE) !== 0 : c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029;
}
export function isIdentStart(c: number): boolean {
  return c < 128 ? (CHAR_CLASS[c]! & C_IDENT_START) !== 0 : !isSpace(c);
}
export function isIdentPart(c: number): boolean {
  return c < 128 ? (CHAR_CLASS[c]! & C_IDENT_PART) !== 0 : !isSpace(c);
}
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** End of the number starting at `i` (digits, letters for radix/suffixes/exponents, `_`, `.`, exponent signs). */
export function scanNumber(text: string, i: number, n: number): number {
  let prev = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 128 && CHAR_CLASS[c]! & C_IDENT_PART) { prev = c; i++; continue; }
    if (c === 46 /* . */ && i + 1 < n && isDigit(text.charCodeAt(i + 1))) { prev = c; i++; continue; }
    if (c === 46 && i + 1 < n && !isIdentStart(text.charCodeAt(i + 1)) && text.charCodeAt(i + 1) !== 46 && prev !== 46) {
      // `1.` is a float; `1..2` (Rust range) and `1.foo` (method) are not.
      prev = c; i++; continue;
    }
    if ((c === 43 || c === 45) && (prev === 101 || prev === 69 || prev === 112 || prev === 80)) { prev = c; i++; continue; }
    if (c === 39 /* ' digit separator (C++14) */ && i + 1 < n && isDigit(text.charCodeAt(i + 1)) && prev !== 0) { prev = c; i++; continue; }
    break;
  }
  return i;
}

/** Multi-character operators (maximal munch) shared by the C-like languages, keyed by char codes. */
function opKeys(ops: string[]): Set<number> {
  const s = new Set<number>();
  for (const o of ops) {
    let k = 0;
    for (let j = 0; j < o.length; j++) k = k * 128 + o.charCodeAt(j);
    s.add(k);
  }
  return s;
}
const OPERATORS = ['>>>=', '===', '!==', '**=', '...', '??=', '&&=', '||=', '>>>', '<<=', '>>=', '<=>', '->*', '..=',
  '&^=', '=>', '?.', '==', '!=', '<=', '>=', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '<<', '>>', '->', '::', '**', '??', ':=', '<-', '..', '&^', '${', '.*', '//', '@='];
const OPS4 = opKeys(OPERATORS.filter((o) => o.length === 4));
const OPS3 = opKeys(OPERATORS.filter((o) => o.length === 3));
const OPS2 = opKeys(OPERATORS.filter((o) => o.length === 2));

/** End of the operator token at `i`: the longest known operator, else one character. `exclude2`
 *  lists two-character operators the language does not have (e.g. `//` outside Python). */
export function scanOperator(text: string, i: number, n: number, exclude2?: ReadonlySet<number>): number {
  const c0 = text.charCodeAt(i);
  if (i + 1 >= n) return i + 1;
  const c1 = text.charCodeAt(i + 1);
  if (c1 >= 128) return i + 1;
  const k2 = c0 * 128 + c1;
  if (i + 2 < n) {
    const c2 = text.charCodeAt(i + 2);
    if (c2 < 128) {
      const k3 = k2 * 128 + c2;
      if (i + 3 < n) {
        const c3 = text.charCodeAt(i + 3);
        if (c3 < 128 && OPS4.has(k3 * 128 + c3)) return i + 4;
      }
      if (OPS3.has(k3)) return i + 3;
    }
  }
  if (OPS2.has(k2) && !(exclude2 && exclude2.has(k2))) return i + 2;
  return i + 1;
}

export function opKey(op: string): number {
  let k = 0;
  for (let j = 0; j < op.length; j++) k = k * 128 + op.charCodeAt(j);
  return k;
}
