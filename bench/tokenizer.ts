// Micro-benchmark: MB/s of our CodeT5 tokenizer vs @huggingface/tokenizers (pure JS, same vocabulary)
// vs gpt-tokenizer's o200k_base, on real code, in one process.
//   node --import tsx bench/tokenizer.ts [--mb 10] [--hf-mb 1]
// Data: Python stdlib *.py and TypeScript's lib/*.js (whatever of them exists on this machine).
import { join, resolve } from 'node:path';
import { loadTokenizer, locateTokenizer } from '../src/core/tokenizer';
import { listFiles, numberArg, pythonStdlib, readTexts } from '../test/support/files';

import { buildCodeT5TokenizerJson } from '../test/core/tokenizer/hfReference';

const PY = pythonStdlib() ?? '';

const arg = numberArg;

function collect(dir: string, re: RegExp, out: string[], limitBytes: { left: number }): void {
  for (const text of readTexts(listFiles(dir, re), limitBytes.left)) {
    out.push(text.slice(0, limitBytes.left));
    limitBytes.left -= Buffer.byteLength(text);
  }
}

/** About `mb` MB of code, half Python, half JavaScript. */
function corpus(mb: number): string[] {
  const out: string[] = [];
  collect(PY, /\.py$/, out, { left: (mb * 1e6) / 2 });
  collect(resolve(__dirname, '..', 'node_modules', 'typescript', 'lib'), /\.js$/, out, { left: (mb * 1e6) / 2 });
  return out;
}

function time(label: string, docs: string[], fn: (s: string) => number): number {
  const bytes = docs.reduce((a, d) => a + Buffer.byteLength(d), 0);
  const t0 = process.hrtime.bigint();
  let tokens = 0;
  for (const d of docs) tokens += fn(d);
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  const mbs = bytes / 1e6 / sec;
  console.log(`${label.padEnd(44)} ${(bytes / 1e6).toFixed(2).padStart(6)} MB  ${sec.toFixed(2).padStart(6)} s  ${mbs.toFixed(2).padStart(7)} MB/s  ${tokens} tokens`);
  return mbs;
}

async function main(): Promise<void> {
  const docs = corpus(arg('mb', 10));
  const hfDocs = corpus(arg('hf-mb', 1));
  // JIT warm-up on different text (Python tests, a TypeScript declaration file) with throwaway
  // instances, so "cold cache" measures an empty pre-token cache, not the compiler warming up.
  const warmup: string[] = [];
  collect(join(PY, 'test'), /\.py$/, warmup, { left: 1e6 });
  const dir = locateTokenizer().dir;
  const { encode, countTokens } = await import('gpt-tokenizer/encoding/o200k_base');
  const { Tokenizer: HfTokenizer } = await import('@huggingface/tokenizers');

  console.log(`corpus: ${docs.length} files; tokenizer: ${dir}`);
  const t0 = Date.now();
  const throwaway = loadTokenizer(dir);
  console.log(`loadTokenizer: ${Date.now() - t0} ms`);
  for (const d of warmup) {
    throwaway.encode(d);
    throwaway.count(d);
    encode(d);
  }
  // Each library gets a fresh instance per "cold" run; the order alternates so neither side
  // benefits from running second.
  const counter = loadTokenizer(dir);
  time('subtoken-lens count (cold cache)', docs, (s) => counter.count(s));
  time('subtoken-lens count (warm cache)', docs, (s) => counter.count(s));
  const cold = loadTokenizer(dir);
  time('subtoken-lens encode (cold cache)', docs, (s) => cold.encode(s).length);
  time('subtoken-lens encode (warm cache)', docs, (s) => cold.encode(s).length);
  time('gpt-tokenizer o200k encode', docs, (s) => encode(s).length);
  time('gpt-tokenizer o200k countTokens', docs, (s) => countTokens(s));
  const hf = new HfTokenizer(buildCodeT5TokenizerJson(dir), {});
  time('@huggingface/tokenizers encode (subset)', hfDocs, (s) => hf.encode(s, { add_special_tokens: false }).ids.length);
}

void main();
