// Parity with Hugging Face: ids and source offsets of our CodeT5 tokenizer against
// @huggingface/tokenizers (pure JS, a different implementation) running an equivalent tokenizer.json,
// and, when the Rust-backed `tokenizers` package is installed, against the Rust implementation that
// transformers uses (exact ids and offsets, including the cases where the JS port is wrong).
import { strict as assert } from 'node:assert';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { loadTokenizer } from '../../../src/core/tokenizer';
import { listFiles, pythonStdlib } from '../../support/files';
import { SHARED_CODET5, buildCodeT5TokenizerJson, codeT5AddedTokens, offsetsFromTokens } from './hfReference';

const ours = loadTokenizer(SHARED_CODET5);
const referenceJson = buildCodeT5TokenizerJson();
const hf = new HfTokenizer(referenceJson, {});
const addedByContent = new Map(codeT5AddedTokens().map((t) => [t.content, t]));

function assertSameAsHf(text: string, label: string): void {
  const enc = ours.encode(text);
  const ref = hf.encode(text, { add_special_tokens: false });
  const ids = Array.from(enc.ids);
  if (ids.join(',') !== ref.ids.join(',')) {
    const k = ids.findIndex((id, i) => id !== ref.ids[i]);
    assert.fail(
      `${label}: ids differ at token ${k}: ours ${JSON.stringify(ids.slice(k, k + 5).map((i) => ours.idToToken(i)))} vs HF ${JSON.stringify(ref.tokens.slice(k, k + 5))}`,
    );
  }
  const expected = offsetsFromTokens(text, ref.tokens, addedByContent);
  for (let k = 0; k < ids.length; k++) {
    if (enc.starts[k] !== expected[k]![0] || enc.ends[k] !== expected[k]![1]) {
      assert.fail(`${label}: offsets of token ${k} (${ref.tokens[k]}) are [${enc.starts[k]}, ${enc.ends[k]}), HF's tokens give [${expected[k]})`);
    }
  }
  assert.equal(ours.count(text), ids.length, `${label}: count() disagrees with encode()`);
}

/** Every n-th file under dir matching re, sorted, so the sample spreads over the whole tree. */
function sampleFiles(dir: string, re: RegExp, every: number, max: number): string[] {
  return listFiles(dir, re).filter((_, i) => i % every === 0).slice(0, max);
}

const PY_STDLIB = pythonStdlib() ?? '/nonexistent';
const TS_LIB = resolve(__dirname, '..', '..', '..', 'node_modules', 'typescript', 'lib');

/** Text covering the cases the task lists; \u0085 and \uFEFF are left to the Rust comparison. */
const EDGE_CASES: Record<string, string> = {
  empty: '',
  space: ' ',
  spaces: '     ',
  newline: '\n',
  tabs: '\t\tif x:\n\t\t\treturn y\t\n',
  crlf: 'line one\r\nline two\r\n\r\n  indented\r\n',
  trailingSpaces: 'x = 1   \n   ',
  contractions: "it's we're they've I'm you'll he'd don't 'S 'Re '''s 'sa",
  quotes: "print('hello') + \"world\" + `tpl ${x}` + 's' + 't'",
  nonAscii: 'naïve café — Ünïcödé façade, 日本語のテキスト, ελληνικά, русский, עִבְרִית',
  digits: '1234567890 3.14159 ٣٤٥ ²³ Ⅻ 0xDEADBEEF 1e-10',
  emoji: 'x = "🤗🚀👩‍👩‍👧‍👦 🇫🇷" # emoji 😀',
  combining: 'e\u0301 a\u0308 \u0915\u094d\u0937',
  oddSpaces: 'a\u00a0b\u2003c\u3000d\u2028e\u2029f\u000bg\u000ch\u200bi\u001cj',
  loneSurrogates: 'a\ud800b \udc00c \ud83d',
  specialTokens: '<s>def f(): pass</s><pad><unk> x <mask> y  <mask>\t<mask><extra_id_0><extra_id_99><extra_id_100><extra_id_5 >',
  regexWithSpecials: "re.compile(r'<s>|</s>') and html = '<s>strike</s>'",
  maskAtStart: '<mask> start and   <mask>end<mask>',
  longIdentifier: 'x_' + 'abcdefghij'.repeat(300) + ' = 1',
  longRepeated: 'a'.repeat(5000) + ' ' + 'ab'.repeat(2000),
  longLine: 'const data = [' + Array.from({ length: 2000 }, (_, i) => `${i * 7919 % 1000}`).join(', ') + '];',
  minified: 'function(a,b){return a&&b?a.map(function(c){return c*2}):[]}'.repeat(200),
  controlChars: '\u0000\u0001\u0007\u001b[31mred\u001b[0m\u007f',
  mixedWhitespaceRuns: 'a \t \n\n \r\n\t\tb  \n c',
};

describe('CodeT5 tokenizer parity with @huggingface/tokenizers', () => {
  it('has the CodeT5 id space', () => {
    assert.equal(ours.vocabSize, 32100);
    assert.equal(ours.tokenToId('<extra_id_0>'), 32099);
    assert.equal(ours.tokenToId('<extra_id_99>'), 32000);
    assert.deepEqual({ ...ours.specialIds }, { bos: 1, eos: 2, pad: 0, unk: 3 });
    assert.equal(ours.idToToken(4), '<mask>');
    assert.equal(ours.idToToken(32100), undefined);
  });

  for (const [name, text] of Object.entries(EDGE_CASES)) {
    it(`edge case: ${name}`, () => assertSameAsHf(text, name));
  }

  it('random strings over a tricky alphabet', () => {
    const alphabet = ['a', 'Z', 'é', 'ß', '日', '1', '٣', '²', ' ', ' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\u200b', "'", 's', 're', 'll', '.', '(', '_', '🤗', '𝔘', '\ud800', '<s>', '<mask>', '</s>', '<extra_id_7>', '<', '>', '\u0301', 'ǅ'];
    let seed = 12345;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000);
    for (let t = 0; t < 1500; t++) {
      let s = '';
      const len = 1 + Math.floor(rnd() * 24);
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      assertSameAsHf(s, `random #${t} ${JSON.stringify(s)}`);
    }
  });

  it('Python stdlib sample', (t) => {
    const files = sampleFiles(PY_STDLIB, /\.py$/, 9, 180);
    if (files.length === 0) return t.skip(`no Python stdlib at ${PY_STDLIB}`);
    for (const f of files) assertSameAsHf(readFileSync(f, 'utf8').slice(0, 2000), f);
  });

  it('TypeScript lib sample (chunks at random offsets)', (t) => {
    const files = sampleFiles(TS_LIB, /\.(js|d\.ts)$/, 1, 1000);
    if (files.length === 0) return t.skip(`no TypeScript lib at ${TS_LIB}`);
    let seed = 7;
    for (let k = 0; k < 120; k++) {
      const f = files[k % files.length]!;
      const text = readFileSync(f, 'utf8');
      seed = (Math.imul(seed, 48271) + 11) & 0x7fffffff;
      const start = seed % Math.max(1, text.length - 3000);
      assertSameAsHf(text.slice(start, start + 3000), `${f}@${start}`);
    }
  });
});

// The Rust implementation (what transformers' fast tokenizer runs), through its Node binding, a
// devDependency: the independent reference that decides where the JS port and we disagree.
interface RustEncoding {
  getIds(): number[];
  getOffsets(): number[][];
}
interface RustTokenizer {
  encode(text: string, pair: null, options: { addSpecialTokens: boolean }): Promise<RustEncoding>;
}
// Typed by hand, narrowly: only what the parity check calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rustTokenizers = require('tokenizers') as { Tokenizer: { fromString(s: string): RustTokenizer } };

describe('CodeT5 tokenizer parity with the Rust tokenizers', () => {
  /** Rust reports offsets in code points; ours are UTF-16 units. */
  function toCodePoints(text: string): Int32Array {
    const m = new Int32Array(text.length + 1);
    let cp = 0;
    for (let i = 0; i < text.length; i++) {
      m[i] = cp;
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) m[++i] = cp;
      cp++;
    }
    m[text.length] = cp;
    return m;
  }

  it('matches ids and offsets, including U+0085 / U+FEFF where the JS port differs', async () => {
    const rust = rustTokenizers.Tokenizer.fromString(JSON.stringify(referenceJson));
    const texts = [
      ...Object.values(EDGE_CASES),
      'a\u0085b  \u0085\u0085c \ufeffd\ufeff<mask>\u0085<mask> \ufeff<mask>',
      '\ufeff# BOM-prefixed file\nimport os\r\n',
    ];
    for (const text of texts) {
      const enc = ours.encode(text);
      const ref = await rust.encode(text, null, { addSpecialTokens: false });
      assert.deepEqual(Array.from(enc.ids), ref.getIds(), JSON.stringify(text.slice(0, 80)));
      const m = toCodePoints(text);
      const offsets = Array.from(enc.ids, (_, k) => [m[enc.starts[k]!], m[enc.ends[k]!]]);
      assert.deepEqual(offsets, ref.getOffsets(), JSON.stringify(text.slice(0, 80)));
    }
  });

  it('matches ids and offsets on whole real files (Python stdlib sample, TypeScript lib)', async () => {
    const rust = rustTokenizers.Tokenizer.fromString(JSON.stringify(referenceJson));
    const files = [...sampleFiles(PY_STDLIB, /\.py$/, 6, 300), ...sampleFiles(TS_LIB, /\.(js|d\.ts)$/, 1, 1000).filter((f) => statSync(f).size < 2e6)];
    assert.ok(files.length > 50, `too few real files found (${files.length})`);
    let tokens = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const enc = ours.encode(text);
      const ref = await rust.encode(text, null, { addSpecialTokens: false });
      const refIds = ref.getIds();
      if (Array.from(enc.ids).join(',') !== refIds.join(',')) {
        const k = Array.from(enc.ids).findIndex((id, i) => id !== refIds[i]);
        assert.fail(`${f}: ids differ at token ${k}`);
      }
      const m = toCodePoints(text);
      const refOffsets = ref.getOffsets();
      for (let k = 0; k < enc.length; k++) {
        if (m[enc.starts[k]!] !== refOffsets[k]![0] || m[enc.ends[k]!] !== refOffsets[k]![1]) assert.fail(`${f}: offsets of token ${k} differ`);
      }
      tokens += enc.length;
    }
    assert.ok(tokens > 1e6, `only ${tokens} tokens compared`);
  });
});
