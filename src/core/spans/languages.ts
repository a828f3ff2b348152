// Which languages have a grammar, where its .wasm comes from, and how file paths / VS Code
// language ids map onto them. Pure data: nothing here loads a grammar.


/** npm packages that ship prebuilt grammar .wasm files, and the folder inside each that holds them. */
export const GRAMMAR_PACKS = {
  '@vscode/tree-sitter-wasm': 'wasm',
  'tree-sitter-wasms': 'out',
} as const;
export type GrammarPack = keyof typeof GRAMMAR_PACKS;

export interface GrammarFile {
  /** File name of the grammar, e.g. "tree-sitter-python.wasm". */
  readonly file: string;
  /** Package it is taken from (see GRAMMAR_PACKS for the folder inside it). */
  readonly pack: GrammarPack;
}

/**
 * Grammar per language. The @vscode pack is preferred (it is what VS Code itself ships and it is
 * current); tree-sitter-wasms fills the gaps (C, Kotlin, Swift, Scala). Each language uses
 * exactly one file because its query (`grammars/<language>.scm`) is written against that grammar's
 * node types. A build copies these files (flat) into `dist/grammars/`; names never clash.
 */
export const GRAMMAR_FILES = {
  python: { file: 'tree-sitter-python.wasm', pack: '@vscode/tree-sitter-wasm' },
  javascript: { file: 'tree-sitter-javascript.wasm', pack: '@vscode/tree-sitter-wasm' },
  typescript: { file: 'tree-sitter-typescript.wasm', pack: '@vscode/tree-sitter-wasm' },
  tsx: { file: 'tree-sitter-tsx.wasm', pack: '@vscode/tree-sitter-wasm' },
  java: { file: 'tree-sitter-java.wasm', pack: '@vscode/tree-sitter-wasm' },
  go: { file: 'tree-sitter-go.wasm', pack: '@vscode/tree-sitter-wasm' },
  rust: { file: 'tree-sitter-rust.wasm', pack: '@vscode/tree-sitter-wasm' },
  c: { file: 'tree-sitter-c.wasm', pack: 'tree-sitter-wasms' },
  cpp: { file: 'tree-sitter-cpp.wasm', pack: '@vscode/tree-sitter-wasm' },
  csharp: { file: 'tree-sitter-c-sharp.wasm', pack: '@vscode/tree-sitter-wasm' },
  ruby: { file: 'tree-sitter-ruby.wasm', pack: '@vscode/tree-sitter-wasm' },
  php: { file: 'tree-sitter-php.wasm', pack: '@vscode/tree-sitter-wasm' },
  bash: { file: 'tree-sitter-bash.wasm', pack: '@vscode/tree-sitter-wasm' },
  kotlin: { file: 'tree-sitter-kotlin.wasm', pack: 'tree-sitter-wasms' },
  swift: { file: 'tree-sitter-swift.wasm', pack: 'tree-sitter-wasms' },
  scala: { file: 'tree-sitter-scala.wasm', pack: 'tree-sitter-wasms' },
  // No Lua: tree-sitter-wasms' tree-sitter-lua.wasm misparses valid Lua under web-tree-sitter
  // 0.25.10 (keywords such as `return`/`then`/`end` come out as identifiers, plain files as ERROR
  // trees), and no other Lua grammar is installed. See grammars/README.md. `.lua` files are counted
  // as unsupported (tokens, nothing merged) rather than reported with wrong spans.
} as const satisfies Readonly<Record<string, GrammarFile>>;

/** A grammar name as used by this module, e.g. "python", "tsx", "csharp": a key of GRAMMAR_FILES. */
export type LanguageId = keyof typeof GRAMMAR_FILES;

// Object.keys types its result string[]; the keys of GRAMMAR_FILES are exactly the LanguageIds.
export const SUPPORTED_LANGUAGES: readonly LanguageId[] = Object.freeze(Object.keys(GRAMMAR_FILES) as LanguageId[]);

export function isSupportedLanguage(language: string): language is LanguageId {
  return Object.prototype.hasOwnProperty.call(GRAMMAR_FILES, language);
}

const EXTENSIONS: Readonly<Record<string, LanguageId>> = {
  '.py': 'python', '.pyi': 'python', '.pyw': 'python',
  // tree-sitter-javascript parses JSX itself, so .jsx needs no separate grammar.
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript',
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.tsx': 'tsx',
  '.java': 'java',
  '.go': 'go',
  '.rs': 'rust',
  // A .h header may be C or C++; C is the safer reading (the C grammar is a subset-friendly parse).
  '.c': 'c', '.h': 'c',
  '.cc': 'cpp', '.cpp': 'cpp', '.cxx': 'cpp', '.c++': 'cpp', '.hpp': 'cpp', '.hh': 'cpp', '.hxx': 'cpp',
  '.h++': 'cpp', '.ipp': 'cpp', '.tpp': 'cpp', '.inl': 'cpp',
  '.cs': 'csharp',
  '.rb': 'ruby', '.rake': 'ruby', '.gemspec': 'ruby', '.ru': 'ruby',
  '.php': 'php', '.phtml': 'php',
  '.sh': 'bash', '.bash': 'bash',
  '.kt': 'kotlin', '.kts': 'kotlin',
  '.swift': 'swift',
  '.scala': 'scala', '.sc': 'scala',
};

/** Files recognised by their whole base name (no telling extension). */
const BASENAMES: Readonly<Record<string, LanguageId>> = {
  'Rakefile': 'ruby', 'Gemfile': 'ruby', '.bashrc': 'bash', '.bash_profile': 'bash',
};

/** Language of a file path by its extension (case-insensitive), or undefined when none fits. */
export function languageForPath(path: string): LanguageId | undefined {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const byName = BASENAMES[base];
  if (byName) return byName;
  const dot = base.lastIndexOf('.');
  if (dot < 0) return undefined;
  const ext = base.slice(dot).toLowerCase();
  return Object.prototype.hasOwnProperty.call(EXTENSIONS, ext) ? EXTENSIONS[ext] : undefined;
}

const VSCODE_IDS: Readonly<Record<string, LanguageId>> = {
  python: 'python',
  javascript: 'javascript',
  // The JavaScript grammar covers JSX; the tsx grammar would also accept TS-only syntax we should not see.
  javascriptreact: 'javascript',
  typescript: 'typescript',
  typescriptreact: 'tsx',
  java: 'java',
  go: 'go',
  rust: 'rust',
  c: 'c',
  cpp: 'cpp',
  'cuda-cpp': 'cpp',
  csharp: 'csharp',
  ruby: 'ruby',
  php: 'php',
  shellscript: 'bash',
  kotlin: 'kotlin',
  swift: 'swift',
  scala: 'scala',
};

/** Language for a VS Code `TextDocument.languageId`, or undefined when none fits. */
export function languageForVsCodeId(id: string): LanguageId | undefined {
  return Object.prototype.hasOwnProperty.call(VSCODE_IDS, id) ? VSCODE_IDS[id] : undefined;
}
