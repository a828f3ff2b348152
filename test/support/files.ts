// Real code for tests and benchmarks: sorted directory walks, the real source every checkout has
// (`PORTABLE_SOURCES`), the Python standard library of the machine (benchmarks only: it differs per
// machine), and the small command-line helpers the bench scripts share.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const REPO = resolve(__dirname, '..', '..');

export interface ListOptions {
  /** Directory names not to descend into. */
  skipDirs?: ReadonlySet<string>;
  /** Deepest level to descend to (0 = only `dir` itself). */
  maxDepth?: number;
  /** Largest file to list, in bytes. */
  maxBytes?: number;
}

/** Files under `dir` whose name matches `re`, in sorted walk order; unreadable entries are skipped. */
export function listFiles(dir: string, re: RegExp, opts: ListOptions = {}): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (depth < (opts.maxDepth ?? Infinity) && !opts.skipDirs?.has(name)) walk(p, depth + 1);
      } else if (re.test(name) && st.size > 0 && st.size <= (opts.maxBytes ?? Infinity)) out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

/** Texts of the listed files, in order, until about `budget` bytes (files with invalid UTF-8 left out). */
export function readTexts(paths: readonly string[], budget = Infinity): string[] {
  const out: string[] = [];
  let left = budget;
  for (const p of paths) {
    if (left <= 0) break;
    const text = readFileSync(p, 'utf8');
    if (text.includes('\uFFFD')) continue;
    out.push(text);
    left -= Buffer.byteLength(text);
  }
  return out;
}

/** The standard library folder of the machine's python3, if there is one. */
export function pythonStdlib(): string | undefined {
  try {
    return execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** `--name N` from the command line, or the default. */
export function numberArg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

/** Best of `reps` timings, in seconds (on a shared machine the minimum is the least disturbed). */
export function bestOf(reps: number, fn: () => void): number {
  let min = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return min;
}

/**
 * Real source per language that every checkout has once `npm ci` has run: the repository's own
 * examples and scripts, and files of packages whose versions package-lock.json pins (so the same
 * bytes on every machine). Languages missing here have no such code; tests measure them on
 * snippets. Folders are walked in this order, sorted, so a byte budget takes the same files.
 */
export const PORTABLE_SOURCES: Readonly<Record<string, { readonly roots: readonly string[]; readonly names: RegExp }>> = {
  python: { roots: ['examples/python', 'scripts/fixtures', 'node_modules/flatted/python'], names: /\.py$/ },
  javascript: { roots: ['node_modules/protobufjs/src', 'node_modules/commander/lib', 'node_modules/tsx/dist'], names: /\.(m?js|cjs)$/ },
  typescript: { roots: ['examples/typescript', 'node_modules/@types/node', 'node_modules/typescript/lib'], names: /\.ts$/ },
  // tree-sitter's own runtime, C sources and headers (web-tree-sitter ships them).
  c: { roots: ['node_modules/web-tree-sitter/lib'], names: /\.[ch]$/ },
  // No C++ file is in the repository or its packages: the same C sources, read as C++.
  cpp: { roots: ['node_modules/web-tree-sitter/lib'], names: /\.[ch]$/ },
  go: { roots: ['examples/go', 'node_modules/flatted/golang'], names: /\.go$/ },
  php: { roots: ['node_modules/flatted/php'], names: /\.php$/ },
  rust: { roots: ['examples/rust'], names: /\.rs$/ },
  java: { roots: ['examples/java'], names: /\.java$/ },
};

/**
 * Up to about `budget` characters of `PORTABLE_SOURCES[language]` (files of at most 100 kB, valid
 * UTF-8), or [] for a language without any. A listed folder that is missing throws: the inputs
 * are meant to be on every machine, so their absence is a broken checkout, not a reason to skip.
 */
export function portableSources(language: string, budget = Infinity): { path: string; text: string }[] {
  const entry = PORTABLE_SOURCES[language];
  if (!entry) return [];
  const out: { path: string; text: string }[] = [];
  let left = budget;
  for (const root of entry.roots) {
    const dir = join(REPO, root);
    if (!existsSync(dir)) throw new Error(`${dir} is missing: run npm ci (PORTABLE_SOURCES in test/support/files.ts)`);
    for (const path of listFiles(dir, entry.names, { skipDirs: new Set(['node_modules']), maxBytes: 100_000 })) {
      if (left <= 0) return out;
      const text = readFileSync(path, 'utf8');
      if (text.includes('\uFFFD')) continue;
      out.push({ path, text });
      left -= text.length;
    }
  }
  return out;
}
