// Lexical fast path (src/core/spans/lexical) against tree-sitter extraction (SpanExtractor.extract)
// on the same real code: Python stdlib + TypeScript's lib .d.ts (~4 MB), one thread, warm (one
// untimed pass first, then the best of --reps). Prints a Markdown table with agreement.
//   node --import tsx bench/lexical.ts [--mb 4] [--reps 3]
import { join, resolve } from 'node:path';
import { bestOf, listFiles, numberArg, pythonStdlib, readTexts } from '../test/support/files';
import { SpanExtractor, type LanguageId } from '../src/core/spans';
import { lexicalSpans } from '../src/core/spans/lexical';
import { addAgreement, emptyCounts, rates } from '../src/core/spans/lexical/agreement';

const REPO = resolve(__dirname, '..');
const arg = numberArg;
const files = (dir: string, re: RegExp, budget: number): string[] =>
  readTexts(listFiles(dir, re, { maxDepth: 3, maxBytes: 3_000_000, skipDirs: new Set(['site-packages', 'test', 'tests']) }), budget);
const best = bestOf;

async function main(): Promise<void> {
  const mb = arg('mb', 4), reps = arg('reps', 3);
  const all: Array<{ language: LanguageId; texts: string[] }> = [
    { language: 'python', texts: files(pythonStdlib() ?? '', /\.py$/, (mb / 2) * 1e6) },
    { language: 'typescript', texts: files(join(REPO, 'node_modules/typescript/lib'), /\.d\.ts$/, (mb / 2) * 1e6) },
  ];
  const corpora = all.filter((c) => c.texts.length > 0);
  const extractor = await SpanExtractor.create({ preload: corpora.map((c) => c.language) });
  const rows: string[] = [];
  let totalBytes = 0, totalLex = 0, totalTs = 0;
  for (const { language, texts } of corpora) {
    const bytes = texts.reduce((s, t) => s + Buffer.byteLength(t), 0);
    const lex = () => { for (const t of texts) lexicalSpans(t, language); };
    const ts = () => { for (const t of texts) extractor.extract(t, language); };
    lex(); ts(); // warm-up
    const tLex = best(reps, lex), tTs = best(reps, ts);
    const counts = emptyCounts();
    for (const t of texts) addAgreement(counts, t, lexicalSpans(t, language)!, extractor.extract(t, language));
    const r = rates(counts);
    const pct = (x: number) => (100 * x).toFixed(2) + '%';
    rows.push(`| ${language} | ${texts.length} | ${(bytes / 1e6).toFixed(2)} | ${(bytes / 1e6 / tLex).toFixed(1)} | ${(bytes / 1e6 / tTs).toFixed(1)} | ` +
      `${(tTs / tLex).toFixed(1)}× | ${pct(r.identifierPrecision)} / ${pct(r.identifierRecall)} | ${pct(r.stringF1)} | ${pct(r.categoryAgreement)} |`);
    totalBytes += bytes; totalLex += tLex; totalTs += tTs;
  }
  extractor.dispose();
  console.log(`Lexical fast path vs tree-sitter extract, one thread, warm, best of ${reps} (node ${process.version})\n`);
  console.log('| language | files | MB | lexical MB/s | tree-sitter MB/s | speed-up | identifier P / R | strings F1 | categories (non-space chars) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log(`| all | | ${(totalBytes / 1e6).toFixed(2)} | ${(totalBytes / 1e6 / totalLex).toFixed(1)} | ${(totalBytes / 1e6 / totalTs).toFixed(1)} | ${(totalTs / totalLex).toFixed(1)}× | | | |`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
