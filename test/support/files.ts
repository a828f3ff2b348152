// Real code on this machine for tests and benchmarks: sorted directory walks, the Python standard
// library, and the small command-line helpers the bench scripts share.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
