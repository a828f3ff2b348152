// Small helpers every CLI command shares: tokenizer resolution with a helpful failure, atomic
// output, size parsing, the fatal-error convention (exit 2) and Ctrl-C handling (exit 130).
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadTokenizer, locateTokenizer } from '../core/tokenizer';
import type { Tokenizer } from '../core/types';

export class FatalError extends Error {}

export function openTokenizer(explicit?: string): { tokenizer: Tokenizer; dir: string; source: string } {
  let located;
  try {
    located = locateTokenizer({ explicit });
  } catch (e) {
    throw new FatalError(e instanceof Error ? e.message : String(e));
  }
  try {
    return { tokenizer: loadTokenizer(located.dir), dir: located.dir, source: located.source };
  } catch (e) {
    throw new FatalError(`cannot load the tokenizer in ${located.dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Writes through a temporary file and a rename, so a failed or interrupted run leaves no half file. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const target = resolve(path);
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new FatalError(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** "1048576", "512k", "1M", "2MB", "1.5MiB" → bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(i?b)?$/i.exec(text.trim());
  if (!m) throw new FatalError(`not a size: "${text}" (e.g. 1048576, 512k, 2M)`);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * scale);
}

export function parseIntOption(name: string, min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new FatalError(`${name} must be an integer ≥ ${min}, got "${text}"`);
    return n;
  };
}

/** "K/N" with 1 ≤ K ≤ N → 0-based index. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new FatalError(`--shard takes K/N with 1 ≤ K ≤ N, got "${text}"`);
  return { index: k - 1, count: n };
}

/** An AbortController tied to SIGINT/SIGTERM; a second Ctrl-C exits at once. */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSignal = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\nInterrupted: stopping workers…\n');
    ac.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: ac.signal, dispose: () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); } };
}

export function isAbort(e: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (e instanceof Error && e.name === 'AbortError');
}
