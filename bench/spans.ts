// Span extraction cost against the tree-sitter parse it sits on, on real code (Python stdlib,
// TypeScript's lib.*.d.ts), single thread. Prints a Markdown table.
//   node --import tsx bench/spans.ts [--mb 3.3] [--reps 3] [--huge 10]
// --huge N also measures one N MB minified line (each extractor in its own child process, so
// that each peak RSS is its own).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import TreeSitter = require('web-tree-sitter');
import { SpanExtractor, type LanguageId } from '../src/core/spans';
import { bestOf, numberArg, pythonStdlib } from '../test/support/files';

const REPO = resolve(__dirname, '..');
const arg = numberArg;
const best = bestOf;

interface Corpus {
  readonly name: string;
  readonly language: LanguageId;
  readonly texts: string[];
  readonly bytes: number;
}

/** Files of `dir` matching `re`, sorted by name, until `budget` bytes. */
function corpus(name: string, language: LanguageId, dir: string, re: RegExp, budget: number): Corpus | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => re.test(n)).sort();
  } catch {
    return undefined;
  }
  const texts: string[] = [];
  let bytes = 0;
  for (const n of names) {
    if (bytes >= budget) break;
    const p = join(dir, n);
    if (!statSync(p).isFile()) continue;
    const buf = readFileSync(p);
    texts.push(buf.toString('utf8'));
    bytes += buf.length;
  }
  return texts.length ? { name, language, texts, bytes } : undefined;
}

/** One N MB line of minified JavaScript (chart.js's bundle, repeated). */
function hugeLine(mb: number): string {
  // The code lines only: the license header and the `//# sourceMappingURL` line would turn the
  // rest of one long line into a comment.
  const min = readFileSync(join(REPO, 'node_modules/chart.js/dist/chart.umd.min.js'), 'utf8')
    .split(/\r?\n/).filter((l) => l.trim() && !/^\s*(\/\*|\*|\/\/)/.test(l)).join(';') + ';';
  return min.repeat(Math.ceil((mb * 1e6) / min.length));
}

async function hugeChild(mode: string, mb: number): Promise<void> {
  const text = hugeLine(mb);
  const ex = await SpanExtractor.create({ preload: ['javascript'] });
  const t0 = process.hrtime.bigint();
  let n = 0;
  if (mode === 'parse') {
    const parser = new TreeSitter.Parser();
    parser.setLanguage(await TreeSitter.Language.load(readFileSync(ex.filesFor('javascript')!.grammar)));
    parser.parse(text)!.delete();
  } else {
    const r = mode === 'reference' ? ex.extractReference(text, 'javascript') : ex.extract(text, 'javascript');
    n = r.categories.length;
  }
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ sec, maxRssMB: process.resourceUsage().maxRSS / 1024, ranges: n }));
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--child');
  if (child >= 0) return hugeChild(process.argv[child + 1]!, arg('huge', 10));

  const mbTarget = arg('mb', 3.3) * 1e6;
  const reps = arg('reps', 3);
  const py = pythonStdlib();
  const corpora = [
    py && corpus('Python stdlib', 'python', py, /\.py$/, mbTarget),
    corpus('TypeScript lib.*.d.ts', 'typescript', join(REPO, 'node_modules/typescript/lib'), /^lib\..*\.d\.ts$/, mbTarget),
  ].filter((c): c is Corpus => !!c);

  const ex = await SpanExtractor.create({ preload: corpora.map((c) => c.language) });
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; best of ${reps}.\n`);
  console.log('| corpus | MB | parse(string) MB/s | parse(5k-char chunks) MB/s | extract (fused) MB/s | extract (reference) MB/s | extract/parse time, fused | reference |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const c of corpora) {
    const parser = new TreeSitter.Parser();
    parser.setLanguage(await TreeSitter.Language.load(readFileSync(ex.filesFor(c.language)!.grammar)));
    const parseString = () => { for (const t of c.texts) parser.parse(t)!.delete(); };
    // What parse(string) does, minus the copy of the rest of the string at each call.
    const parseChunks = () => {
      for (const t of c.texts) parser.parse((i: number) => (i < t.length ? t.slice(i, i + 5000) : ''))!.delete();
    };
    const fused = () => { for (const t of c.texts) ex.extract(t, c.language); };
    const reference = () => { for (const t of c.texts) ex.extractReference(t, c.language); };
    for (const f of [parseString, parseChunks, fused, reference]) f(); // warm-up: JIT, wasm tiers, grammar pages
    const mb = c.bytes / 1e6;
    const tP = best(reps, parseString), tC = best(reps, parseChunks), tF = best(reps, fused), tR = best(reps, reference);
    console.log(`| ${c.name} (${c.texts.length} files) | ${mb.toFixed(2)} | ${(mb / tP).toFixed(2)} | ${(mb / tC).toFixed(2)} | ` +
      `${(mb / tF).toFixed(2)} | ${(mb / tR).toFixed(2)} | ${(tF / tP).toFixed(2)} | ${(tR / tP).toFixed(2)} |`);
    parser.delete();
  }
  ex.dispose();

  const huge = arg('huge', 0);
  if (huge > 0) {
    console.log(`\n| ${huge} MB minified line (javascript) | seconds | peak RSS MB | category ranges |\n|---|---|---|---|`);
    for (const mode of ['parse', 'fused', 'reference']) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', mode, '--huge', String(huge)], {
        encoding: 'utf8', maxBuffer: 1 << 20,
      });
      const r = JSON.parse(out.trim().split('\n').pop()!) as { sec: number; maxRssMB: number; ranges: number };
      console.log(`| ${mode === 'parse' ? 'parse only' : `extract (${mode})`} | ${r.sec.toFixed(1)} | ${r.maxRssMB.toFixed(0)} | ${r.ranges || '—'} |`);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
