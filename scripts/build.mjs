// Bundles the CLI, the report worker and the VS Code extension with esbuild, plus the report
// renderer (src/webview/, Chart.js inside) that the webview loads and the HTML export inlines, and
// copies the run-time assets they locate next to themselves: tree-sitter grammars (.wasm + our
// .scm queries) and web-tree-sitter's runtime wasm.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { reportViewBuildOptions } from '../src/core/report/format/report-view-assets.ts';
import { compareViewBuildOptions } from '../src/extension/compareViewAssets.ts';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const outdir = 'dist';
rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'grammars'), { recursive: true });

const entries = [
  ['src/cli/main.ts', 'cli.js'],
  ['src/core/report/worker.ts', 'report-worker.js'],
  ['src/extension/main.ts', 'extension.js'],
].filter(([src]) => existsSync(src));

await Promise.all(entries.map(([src, out]) => esbuild.build({
  entryPoints: [src],
  outfile: join(outdir, out),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  // vscode is provided by the host; onnxruntime-node carries native binaries and must be
  // required from node_modules (the VSIX ships it per platform); piscina starts its own worker
  // script from its package folder, so it cannot be inlined either.
  external: ['vscode', 'onnxruntime-node', 'piscina'],
  logLevel: 'warning',
})));

// Grammars: copy every .wasm our language table names, plus the queries.
const vscodeWasm = join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
const wasmsOut = join(dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
let grammarFiles = [];
try {
  const spans = await import('../src/core/spans/index.ts').catch(() => null);
  if (spans?.GRAMMAR_FILES) grammarFiles = Object.values(spans.GRAMMAR_FILES);
} catch { /* table not available: copy nothing extra */ }
for (const g of grammarFiles) {
  const from = join(g.pack === 'tree-sitter-wasms' ? wasmsOut : vscodeWasm, g.file);
  if (existsSync(from)) cpSync(from, join(outdir, 'grammars', g.file));
}
for (const f of existsSync('grammars') ? readdirSync('grammars') : []) {
  if (f.endsWith('.scm')) cpSync(join('grammars', f), join(outdir, 'grammars', f));
}
cpSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), join(outdir, 'tree-sitter.wasm'));
// The report renderer: the same options a development checkout builds it with in memory.
await esbuild.build(reportViewBuildOptions(resolve('.'), join(outdir, 'media')));
// The Compare Strategies / layer-sweep view: the same options, its own entry points.
await esbuild.build(compareViewBuildOptions(resolve('.'), join(outdir, 'media')));
console.log(`built ${entries.map((e) => e[1]).join(', ')}, media/report-view.{js,css}, media/compare-view.{js,css} + ${grammarFiles.length} grammars into ${outdir}/`);
