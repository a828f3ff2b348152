// Finding grammar .wasm files, query .scm files and web-tree-sitter's runtime .wasm in the three
// places the code runs from: the repository (tests, via node_modules), the esbuild bundle in
// `dist/` (files copied to `dist/grammars/` and `dist/tree-sitter.wasm`) and the installed
// VS Code extension (same layout as `dist/`).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GRAMMAR_PACKS, type GrammarFile } from './languages';

export interface LookupResult {
  /** The first path that exists, or undefined. */
  readonly found: string | undefined;
  /** Every path considered, in order (for error messages). */
  readonly searched: string[];
}

function firstExisting(candidates: string[]): LookupResult {
  const searched: string[] = [];
  for (const c of candidates) {
    if (searched.includes(c)) continue;
    searched.push(c);
    if (existsSync(c)) return { found: c, searched };
  }
  return { found: undefined, searched };
}

/** Directory holding this module (the bundle's directory once bundled). */
const HERE = __dirname;
const localRequire = createRequire(__filename);

/** Where an npm package lives, or undefined when it is not installed beside us. */
function packageDir(pkg: string): string | undefined {
  const manifest = resolveOrUndefined(`${pkg}/package.json`);
  return manifest && dirname(manifest);
}

function resolveOrUndefined(request: string): string | undefined {
  try {
    return localRequire.resolve(request);
  } catch {
    return undefined;
  }
}

/** `<dir>/grammars` for this module's directory and up to `levels` ancestors (repo root from src/core/spans). */
function ancestorGrammarDirs(levels: number): string[] {
  const dirs: string[] = [];
  let dir = HERE;
  for (let i = 0; i <= levels; i++) {
    dirs.push(join(dir, 'grammars'));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dirs;
}

/** Grammar .wasm: the caller's dirs, then `<here>/grammars`, then the npm pack in node_modules. */
export function locateGrammarWasm(grammar: GrammarFile, grammarDirs: readonly string[]): LookupResult {
  const candidates = [...grammarDirs, join(HERE, 'grammars')].map((d) => join(d, grammar.file));
  const pack = packageDir(grammar.pack);
  if (pack) candidates.push(join(pack, GRAMMAR_PACKS[grammar.pack], grammar.file));
  const r = firstExisting(candidates);
  if (!pack) r.searched.push(`${grammar.pack} (package not installed)`);
  return r;
}

/** Query `<language>.scm`: the caller's dirs, then `grammars/` beside this module or an ancestor
 *  (three levels up from `src/core/spans` is the repository root). */
export function locateQuery(language: string, grammarDirs: readonly string[]): LookupResult {
  return firstExisting([...grammarDirs, ...ancestorGrammarDirs(3)].map((d) => join(d, `${language}.scm`)));
}

/** web-tree-sitter's `tree-sitter.wasm`: the explicit path alone if given; else the caller's dirs, beside this module, then
 *  the web-tree-sitter package. (Not @vscode/tree-sitter-wasm's copy: that belongs to another
 *  runtime version.) */
export function locateRuntimeWasm(runtimeWasm: string | undefined, grammarDirs: readonly string[]): LookupResult {
  // An explicit path is a requirement, not a hint: do not silently use another file.
  if (runtimeWasm) return firstExisting([runtimeWasm]);
  const candidates: string[] = [];
  candidates.push(...grammarDirs.map((d) => join(d, 'tree-sitter.wasm')), join(HERE, 'tree-sitter.wasm'));
  // web-tree-sitter's "exports" lists the wasm itself but not package.json.
  const packaged = resolveOrUndefined('web-tree-sitter/tree-sitter.wasm');
  if (packaged) candidates.push(packaged);
  return firstExisting(candidates);
}
