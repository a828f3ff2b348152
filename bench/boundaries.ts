// Per-update cost of "Show Subtoken Boundaries" on a 5,000-line Python file, without the editor.
// The document is analysed once (what DocumentCache does per version, shared with the hover and
// the status bar; its cost after an edit is measured in bench/hover.ts). Then:
// - scroll: the ranges of one visible window (`--visible` lines) at random positions, from the
//   cached boundary index (what each onDidChangeTextEditorVisibleRanges costs);
// - type: after an edit, the boundary index of the new version (line starts, parities) plus the
//   heat map of every line and the visible window (what each typing update costs on top of the
//   re-analysis).
// Prints the median and the spread (p5, p95, max) over `--samples` updates; the budget is 16 ms.
//   node --import tsx bench/boundaries.ts [--lines 5000] [--visible 60] [--samples 300]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildBoundaryIndex, lineDensity, visibleBoundaries } from '../src/core/merge/boundaries';
import { mulberry32 } from '../src/core/runtime/prng';
import { SpanExtractor } from '../src/core/spans';
import { loadTokenizer, locateTokenizer } from '../src/core/tokenizer';
import { analyzeText } from '../src/extension/services';
import { numberArg, pythonStdlib } from '../test/support/files';

const REPO = resolve(__dirname, '..');
const LINES = numberArg('lines', 5000);
const VISIBLE = numberArg('visible', 60);
const SAMPLES = numberArg('samples', 300);
const BUDGET_MS = 16;

/** `lines` lines of the standard library's modules (name order), or generated code without python3. */
function pythonText(lines: number): string {
  const out: string[] = [];
  const stdlib = pythonStdlib();
  for (const name of stdlib ? readdirSync(stdlib).filter((n) => n.endsWith('.py')).sort() : []) {
    const p = join(stdlib!, name);
    if (!statSync(p).isFile()) continue;
    const text = readFileSync(p, 'utf8');
    if (!text.includes('\uFFFD')) out.push(...text.split('\n'));
    if (out.length >= lines) break;
  }
  for (let i = 0; out.length < lines; i++) {
    out.push(`def compute_user_account_balance_${i}(accountIdentifier, transactionHistory):`,
      '    return sum(item.amountInCents for item in transactionHistory)', '');
  }
  return out.slice(0, lines).join('\n');
}

function spread(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  const f = (ms: number) => (ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
  return `| ${f(q(0.5))} | ${f(q(0.05))} – ${f(q(0.95))} | ${f(s[s.length - 1]!)} | ${q(0.95) < BUDGET_MS ? 'yes' : 'NO'} |`;
}

async function main(): Promise<void> {
  const text = pythonText(LINES);
  const tokenizer = loadTokenizer(locateTokenizer({ explicit: join(REPO, '..', 'shared', 'tokenizers', 'codet5') }).dir);
  const extractor = await SpanExtractor.create({ preload: ['python'] });
  const { tree, analysis } = analyzeText(tokenizer, extractor, text, 'python');
  tree.delete();
  const { encoding, identifiers, plan } = analysis;
  const rand = mulberry32(13);
  const lastStart = Math.max(0, LINES - VISIBLE);

  const draw = (index: ReturnType<typeof buildBoundaryIndex>, first: number) =>
    visibleBoundaries(encoding, index, identifiers, plan.groups, first, first + VISIBLE - 1);
  const index = buildBoundaryIndex(text, encoding);
  for (let i = 0; i < 50; i++) draw(index, Math.floor(rand() * lastStart)); // warm-up (JIT)

  const scroll: number[] = [];
  let pieces = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const first = Math.floor(rand() * lastStart);
    const t0 = performance.now();
    pieces += draw(index, first).pieces.length;
    scroll.push(performance.now() - t0);
  }
  const type: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const first = Math.floor(rand() * lastStart);
    const t0 = performance.now();
    const fresh = buildBoundaryIndex(text, encoding);
    lineDensity(encoding, fresh);
    draw(fresh, first);
    type.push(performance.now() - t0);
  }

  console.log(`## Subtoken boundaries: per-update time (${LINES} lines, ${encoding.length} tokens, `
    + `${VISIBLE} visible lines, ~${Math.round(pieces / SAMPLES)} pieces drawn, ${SAMPLES} updates, node ${process.version})\n`);
  console.log(`| update | median ms | p5 – p95 ms | max ms | p95 < ${BUDGET_MS} ms |`);
  console.log('|---|---:|---:|---:|:---:|');
  console.log(`| scroll (cached index) ${spread(scroll)}`);
  console.log(`| type (new index + heat map + visible ranges; re-analysis: bench/hover.ts) ${spread(type)}`);
}

main().catch((err) => { console.error(err); process.exit(1); });
