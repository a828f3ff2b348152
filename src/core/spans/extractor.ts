// SpanExtractor: parses source with tree-sitter and reports identifier occurrences, string
// literal contents and per-leaf syntax categories (SpanResult). Grammar loading is async
// (`ensureLanguage`); extraction itself is synchronous so a report can run it in a hot loop.

import { readFileSync } from 'node:fs';
// `require`, not `import`: bundlers then pick web-tree-sitter's CommonJS build, whose wasm lookup
// works from a bundle; the ESM build needs `import.meta.url`, which a CommonJS bundle lacks.
import TreeSitter = require('web-tree-sitter');
import type { Language, Query, Tree } from 'web-tree-sitter';
import type { SpanResult } from '../types';
import { errorText } from '../error-text';
import { buildCapturePlan, CAPTURE_IDENTIFIER, CAPTURE_STRING, type CapturePlan } from './capture-plan';
import { buildNodeTypeTables } from './categorize';
import { adoptRuntimeModule } from './cursor-access';
import { fusedWalk, type ResidualCaptures, type WalkTables } from './fused-walk';
import { spansByQueryAndWalk } from './reference';
import { GrammarLoadError, LanguageNotLoadedError, TreeSitterRuntimeError, UnsupportedLanguageError } from './errors';
import { GRAMMAR_FILES, isSupportedLanguage, type LanguageId } from './languages';
import { locateGrammarWasm, locateQuery, locateRuntimeWasm } from './locate';

export interface SpanExtractorOptions {
  /** Folders searched first for `<grammar>.wasm`, `<language>.scm` and `tree-sitter.wasm`. */
  readonly grammarDirs?: readonly string[];
  /** Exact path of web-tree-sitter's `tree-sitter.wasm`. Only the first runtime start in a
   *  process uses it: the runtime is one wasm instance per process. */
  readonly runtimeWasm?: string;
  /** Languages to load before `create` resolves. */
  readonly preload?: readonly LanguageId[];
}

/** A parse kept for incremental re-parsing. The caller owns `tree` and must `tree.delete()` it. */
export interface ParsedDocument {
  readonly tree: Tree;
  readonly result: SpanResult;
}

interface LoadedLanguage {
  readonly language: Language;
  /** The whole query: only the reference extraction runs it. */
  readonly query: Query;
  readonly plan: CapturePlan;
  readonly tables: WalkTables;
  readonly grammarPath: string;
  readonly queryPath: string;
}

// web-tree-sitter's runtime is a single wasm module per process, so its start is shared by
// every extractor; a failed start is forgotten so that a later call can retry.
let runtimeStart: Promise<void> | undefined;

/**
 * Grammar loads run one at a time in a thread: web-tree-sitter links each grammar's wasm into the
 * one shared runtime, and two links in flight at once mix up their exports ("bad export type for
 * 'tree_sitter_kotlin_external_scanner_create'" while loading PHP). Seen with two files of
 * different languages analysed concurrently in one worker.
 */
let grammarLoadQueue: Promise<unknown> = Promise.resolve();
function serialized<T>(job: () => Promise<T>): Promise<T> {
  const run = grammarLoadQueue.then(job, job);
  grammarLoadQueue = run.catch(() => undefined);
  return run;
}

function startRuntime(opts: SpanExtractorOptions): Promise<void> {
  if (!runtimeStart) {
    const { found, searched } = locateRuntimeWasm(opts.runtimeWasm, opts.grammarDirs ?? []);
    if (!found) return Promise.reject(new TreeSitterRuntimeError(searched, 'tree-sitter.wasm not found'));
    // Emscripten makes this object the runtime module: its cursor exports speed up the walk.
    const moduleObject = { locateFile: () => found };
    runtimeStart = TreeSitter.Parser.init(moduleObject).then(() => void adoptRuntimeModule(moduleObject), (e: unknown) => {
      runtimeStart = undefined;
      throw new TreeSitterRuntimeError([found], errorText(e));
    });
  }
  return runtimeStart;
}

export class SpanExtractor {
  private readonly loaded = new Map<LanguageId, LoadedLanguage>();
  private readonly loading = new Map<LanguageId, Promise<LoadedLanguage>>();
  private parser: TreeSitter.Parser | undefined;
  private disposed = false;

  private constructor(private readonly opts: SpanExtractorOptions) {}

  static async create(opts: SpanExtractorOptions = {}): Promise<SpanExtractor> {
    await startRuntime(opts);
    const extractor = new SpanExtractor(opts);
    extractor.parser = new TreeSitter.Parser();
    for (const lang of opts.preload ?? []) await extractor.ensureLanguage(lang);
    return extractor;
  }

  /** Whether `extract`/`parse` can run synchronously for this language now (false for an unknown one). */
  isLoaded(language: string): boolean {
    return isSupportedLanguage(language) && this.loaded.has(language);
  }

  /** Loads the grammar and query of a language (once). Throws UnsupportedLanguageError or GrammarLoadError. */
  async ensureLanguage(language: string): Promise<void> {
    this.assertLive();
    if (!isSupportedLanguage(language)) throw new UnsupportedLanguageError(language);
    if (this.loaded.has(language)) return;
    let pending = this.loading.get(language);
    if (!pending) {
      pending = serialized(() => this.load(language)).finally(() => this.loading.delete(language));
      this.loading.set(language, pending);
    }
    const loaded = await pending;
    if (this.disposed) {
      deleteQueries(loaded);
      return;
    }
    this.loaded.set(language, loaded);
  }

  /** Grammar and query file actually used for a loaded language (for diagnostics). */
  filesFor(language: string): { grammar: string; query: string } | undefined {
    const l = isSupportedLanguage(language) ? this.loaded.get(language) : undefined;
    return l && { grammar: l.grammarPath, query: l.queryPath };
  }

  /** Parses and extracts, freeing the tree. The language must be loaded (`ensureLanguage`). */
  extract(text: string, language: LanguageId): SpanResult {
    const { tree, result } = this.parse(text, language);
    tree.delete();
    return result;
  }

  /**
   * Parses (incrementally when `oldTree` is given: the caller must have applied `oldTree.edit()`
   * for every change since it was parsed) and extracts. The returned tree belongs to the caller.
   */
  parse(text: string, language: LanguageId, oldTree?: Tree): ParsedDocument {
    this.assertLive();
    const loaded = this.loadedOrThrow(language);
    const tree = this.parseTree(text, loaded, language, oldTree);
    try {
      return { tree, result: this.spansOf(tree, loaded, language) };
    } catch (e) {
      tree.delete();
      throw e;
    }
  }

  private parseTree(text: string, loaded: LoadedLanguage, language: LanguageId, oldTree?: Tree): Tree {
    const parser = this.parser!;
    if (parser.language !== loaded.language) parser.setLanguage(loaded.language);
    const tree = parser.parse(text, oldTree ?? null);
    if (!tree) throw new Error(`tree-sitter returned no tree for "${language}"`);
    return tree;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.loaded.values()) deleteQueries(l);
    this.loaded.clear();
    this.parser?.delete();
    this.parser = undefined;
  }

  private spansOf(tree: Tree, loaded: LoadedLanguage, language: LanguageId): SpanResult {
    const { identifiers, strings, categories } = fusedWalk(tree, loaded.tables, residualCaptures(tree, loaded));
    return { language, identifiers, strings, categories, hasErrors: tree.rootNode.hasError };
  }

  /** @internal The straightforward query-then-walk extraction (reference.ts), for tests and benchmarks. */
  extractReference(text: string, language: LanguageId): SpanResult {
    this.assertLive();
    const loaded = this.loadedOrThrow(language);
    const tree = this.parseTree(text, loaded, language);
    try {
      return spansByQueryAndWalk(tree, loaded.query, loaded.tables, language);
    } finally {
      tree.delete();
    }
  }

  private loadedOrThrow(language: LanguageId): LoadedLanguage {
    const loaded = this.loaded.get(language);
    if (loaded) return loaded;
    if (!isSupportedLanguage(language)) throw new UnsupportedLanguageError(language);
    throw new LanguageNotLoadedError(language);
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('SpanExtractor used after dispose()');
  }

  private async load(language: LanguageId): Promise<LoadedLanguage> {
    const dirs = this.opts.grammarDirs ?? [];
    const grammar = GRAMMAR_FILES[language];
    const wasm = locateGrammarWasm(grammar, dirs);
    if (!wasm.found) throw new GrammarLoadError(language, grammar.file, wasm.searched, 'file not found');
    const scm = locateQuery(language, dirs);
    if (!scm.found) throw new GrammarLoadError(language, `${language}.scm`, scm.searched, 'query file not found');

    let lang: Language;
    try {
      lang = await TreeSitter.Language.load(readFileSync(wasm.found));
    } catch (e) {
      throw new GrammarLoadError(language, wasm.found, [], `web-tree-sitter could not instantiate the grammar ` +
        `(${errorText(e)}); runtime accepts grammar ABI ${abiRange()}`);
    }
    const abi = lang.abiVersion;
    if (abi < TreeSitter.MIN_COMPATIBLE_VERSION || abi > TreeSitter.LANGUAGE_VERSION) {
      throw new GrammarLoadError(language, wasm.found, [], `grammar ABI ${abi} is outside the runtime's range ${abiRange()}`);
    }
    const source = readFileSync(scm.found, 'utf8');
    let query: Query;
    try {
      query = new TreeSitter.Query(lang, source);
    } catch (e) {
      throw new GrammarLoadError(language, scm.found, [], `query does not compile against ${grammar.file}: ${errorText(e)}`);
    }
    const plan = buildCapturePlan(lang, query, source);
    const typeNames = Array.from({ length: lang.nodeTypeCount }, (_, id) => lang.types[id] || 'ERROR');
    const tables: WalkTables = { ...buildNodeTypeTables(lang), typeFlags: plan.typeFlags, typeNames };
    return { language: lang, query, plan, tables, grammarPath: wasm.found, queryPath: scm.found };
  }
}

function deleteQueries(l: LoadedLanguage): void {
  l.query.delete();
  l.plan.residual?.delete();
}

/** Runs the residual query (patterns with structure; most languages have none) and indexes its captures by node id. */
function residualCaptures(tree: Tree, loaded: LoadedLanguage): ResidualCaptures | undefined {
  const query = loaded.plan.residual;
  if (!query) return undefined;
  const identifierIds = new Set<number>();
  const stringLiteralIds = new Set<number>();
  const checkType = new Uint8Array(loaded.tables.typeFlags.length);
  for (const { name, node } of query.captures(tree.rootNode)) {
    if (name === CAPTURE_IDENTIFIER) identifierIds.add(node.id);
    else if (name === CAPTURE_STRING) stringLiteralIds.add(node.id);
    else continue;
    if (node.typeId < checkType.length) checkType[node.typeId] = 1;
  }
  return { identifierIds, stringLiteralIds, checkType };
}

function abiRange(): string {
  return `${TreeSitter.MIN_COMPATIBLE_VERSION}-${TreeSitter.LANGUAGE_VERSION}`;
}
