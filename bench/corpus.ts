// Real code present on every machine of this project: the Python standard library of the
// machine's python3 (when there is one) and JavaScript/TypeScript from node_modules. Files are
// copied into a temporary tree so that `report` walks exactly them.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { listFiles, pythonStdlib } from '../test/support/files';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

export interface CorpusFile {
  rel: string;
  text: string;
  bytes: number;
}

const SKIP = new Set(['test', 'tests', 'site-packages', '__pycache__']);

function collect(root: string, dir: string, re: RegExp, maxFile: number, budget: { left: number }, out: CorpusFile[], prefix: string): void {
  for (const p of listFiles(dir, re, { skipDirs: SKIP, maxBytes: maxFile })) {
    if (budget.left <= 0) return;
    const buf = readFileSync(p);
    const text = buf.toString('utf8');
    if (text.includes('\uFFFD')) continue;
    out.push({ rel: `${prefix}/${relative(root, p)}`, text, bytes: buf.length });
    budget.left -= buf.length;
  }
}

/** About `mb` MB of code: half Python stdlib (if present), the rest JS/TS from node_modules. */
export function buildCorpus(mb: number, repoRoot: string): CorpusFile[] {
  const out: CorpusFile[] = [];
  const maxFile = 1 << 20;
  const py = pythonStdlib();
  if (py) collect(py, py, /\.py$/, maxFile, { left: (mb * 1e6) / 2 }, out, 'python');
  const left = mb * 1e6 - out.reduce((s, f) => s + f.bytes, 0);
  const nm = resolve(repoRoot, 'node_modules');
  const budget = { left };
  for (const pkg of ['typescript/lib', 'protobufjs/src', 'commander/lib', 'piscina/dist', 'web-tree-sitter', '@types/node', 'chart.js/dist', 'ignore', 'tsx/dist']) {
    collect(nm, join(nm, pkg), /\.(ts|js|mjs|cjs)$/, maxFile, budget, out, 'js');
  }
  return out;
}

export function writeCorpus(files: CorpusFile[]): string {
  const root = mkdtempSync(join(tmpdir(), 'stl-bench-'));
  for (const f of files) {
    const p = join(root, f.rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.text);
  }
  return root;
}
