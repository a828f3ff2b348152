// `subtoken-lens model fetch|list|remove|clear`: the local model cache. Only `fetch` touches the
// network, and only because the user asked for it.

import type { Command } from 'commander';
import {
  checkTokenizerName, clearModelCache, defaultCacheDir, DEFAULT_ENDPOINT, DEFAULT_MODEL_REPO, DEFAULT_TOKENIZER_NAME, DEFAULT_TOKENIZER_REPO,
  fetchModel, fetchTokenizer, FetchModelError, listCachedModels, removeCachedModel, type FetchProgress,
} from '../../core/runtime/fetch/index';
import { FatalError } from '../common';
import { terminalLine, terminalText } from '../../core/safe-text';

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** Bad input is a usage error (exit 2, one line); a cancel exits 130; any other failure 1. */
function fail(command: string, e: unknown): void {
  const err = e as Error;
  if (err instanceof FetchModelError && err.code === 'bad-input') throw new FatalError(`${command}: ${terminalLine(err.message)}`);
  if (err instanceof FetchModelError && err.code === 'aborted') {
    process.stderr.write(`${command}: cancelled; partial files are kept and the next fetch resumes them\n`);
    process.exitCode = 130;
    return;
  }
  process.stderr.write(`${command}: ${terminalText(err.message)}\n`);
  process.exitCode = 1;
}

/** How long a cancelled download may take to wind down before the process exits anyway. */
const INTERRUPT_GRACE_MS = 1500;

/**
 * Ctrl-C or SIGTERM (a service manager, `timeout`, a closed terminal) cancels the download: the
 * lock is released, partial files are kept, exit 130. A second signal, or a wind-down slower than
 * INTERRUPT_GRACE_MS, exits at once (the lock module still removes held locks on exit).
 */
function cancelOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSignal = () => {
    if (ac.signal.aborted) process.exit(130);
    ac.abort();
    setTimeout(() => process.exit(130), INTERRUPT_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose: () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); },
  };
}

/** Files fetched with --allow-unverified that had nothing to check them against are never reported as verified. */
function warnUnverified(paths: readonly string[]): void {
  if (paths.length === 0) return;
  process.stderr.write(`warning: ${paths.length} file(s) UNVERIFIED (the Hub listed neither size nor hash): ${terminalLine(paths.join(', '))}\n`);
}

const ALLOW_UNVERIFIED_HELP = 'accept files the Hub lists with neither size nor hash (recorded as unverified)';

/** One status line on a terminal (rewritten in place, at most ~10 times a second); file ends otherwise. */
function progressPrinter(): (p: FetchProgress) => void {
  const tty = process.stderr.isTTY;
  let last = 0;
  return (p) => {
    const now = Date.now();
    const overall = p.total ? `${mb(p.bytes)} / ${mb(p.total)} (${((100 * p.bytes) / p.total).toFixed(0)}%)` : mb(p.bytes);
    const file = `${terminalLine(p.file)} ${p.fileTotal ? `${mb(p.fileBytes)} / ${mb(p.fileTotal)}` : mb(p.fileBytes)}`;
    if (tty) {
      if (p.phase !== 'done' && now - last < 100) return;
      last = now;
      process.stderr.write(`\r\x1b[K[${p.fileIndex + 1}/${p.fileCount}] ${file}  —  ${overall}${p.phase === 'verify' ? '  verifying' : ''}`);
      if (p.phase === 'done' && p.fileIndex + 1 === p.fileCount) process.stderr.write('\n');
    } else if (p.phase === 'done') {
      process.stderr.write(`[${p.fileIndex + 1}/${p.fileCount}] ${terminalLine(p.file)} ${mb(p.fileBytes)} ${p.unverified ? 'UNVERIFIED' : 'ok'} (${overall})\n`);
    }
  };
}

interface CacheOpt { cache?: string; json?: boolean }

export function register(program: Command): void {
  const model = program.command('model').description('download models from the Hugging Face Hub and manage the local model cache');

  model
    .command('fetch')
    .description(`download a model folder (config, tokenizer files, ONNX encoder) into the cache`)
    .argument('[repo]', 'Hub repo "owner/name"', DEFAULT_MODEL_REPO)
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .option('--cache <dir>', 'cache folder (default: SUBTOKEN_LENS_CACHE or the user cache folder)')
    .option('--endpoint <url>', 'Hub endpoint (a mirror with the same URL layout)', DEFAULT_ENDPOINT)
    .option('--token <token>', 'access token for gated or private repos (default: HF_TOKEN)')
    .option('--files <list>', 'comma-separated files to fetch instead of the default selection')
    .option('--force', 'download again even if the cache is at the remote commit')
    .option('--allow-unverified', ALLOW_UNVERIFIED_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (repo: string, o: CacheOpt & { revision: string; endpoint: string; token?: string; files?: string; force?: boolean; allowUnverified?: boolean }) => {
      const interrupt = cancelOnSignals();
      try {
        const token = o.token ?? process.env.HF_TOKEN;
        const files = o.files?.split(',').map((f) => f.trim()).filter(Boolean);
        const r = await fetchModel({
          repo, revision: o.revision, cacheDir: o.cache ?? defaultCacheDir(), endpoint: o.endpoint,
          ...(token ? { token } : {}), ...(files ? { files } : {}), ...(o.force ? { force: true } : {}),
          ...(o.allowUnverified ? { allowUnverified: true } : {}),
          onProgress: progressPrinter(), signal: interrupt.signal,
        });
        const unverified = r.files.filter((f) => f.unverified).map((f) => f.path);
        if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        else {
          const size = r.files.reduce((a, f) => a + f.size, 0);
          process.stdout.write(terminalText(`${r.fromCache ? 'already cached' : 'fetched'}: ${r.repo}@${r.revision}${r.commit ? ` (${r.commit.slice(0, 12)})` : ''}, ${r.files.length} files${unverified.length ? ` (${unverified.length} UNVERIFIED)` : ''}, ${mb(size)}\n${r.dir}\n`));
        }
        warnUnverified(unverified);
      } catch (e) {
        fail('model fetch', e);
      } finally {
        interrupt.dispose();
      }
    });

  model
    .command('list')
    .description('list cached model folders')
    .option('--cache <dir>', 'cache folder')
    .option('--json', 'print as JSON')
    .action((o: CacheOpt) => {
      try {
        const models = listCachedModels(o.cache ?? defaultCacheDir());
        if (o.json) { process.stdout.write(JSON.stringify(models, null, 2) + '\n'); return; }
        if (models.length === 0) { process.stdout.write('no cached models\n'); return; }
        for (const m of models) {
          const commit = m.manifest?.commit ? ` ${m.manifest.commit.slice(0, 12)}` : m.manifest ? '' : ' (no manifest: copied by hand?)';
          process.stdout.write(`${terminalLine(`${m.repo}@${m.revision}${commit}  ${mb(m.bytes)}  ${m.dir}`)}\n`);
        }
      } catch (e) {
        fail('model list', e);
      }
    });

  model
    .command('remove')
    .description('remove one cached model (all its revisions unless --revision is given)')
    .argument('<repo>', 'Hub repo "owner/name"')
    .option('--revision <rev>', 'only this revision')
    .option('--cache <dir>', 'cache folder')
    .action((repo: string, o: CacheOpt & { revision?: string }) => {
      try {
        const removed = removeCachedModel(o.cache ?? defaultCacheDir(), repo, o.revision);
        process.stdout.write(removed.length ? removed.map((d) => `removed ${terminalLine(d)}\n`).join('') : `${terminalLine(repo)} is not cached\n`);
      } catch (e) {
        fail('model remove', e);
      }
    });

  model
    .command('clear')
    .description('remove every cached model and partial download')
    .option('--cache <dir>', 'cache folder')
    .action((o: CacheOpt) => {
      try {
        const r = clearModelCache(o.cache ?? defaultCacheDir());
        process.stdout.write(`removed ${r.removed} model folder(s), ${mb(r.bytes)}\n`);
      } catch (e) {
        fail('model clear', e);
      }
    });

  program
    .command('tokenizer')
    .description('tokenizer files')
    .command('fetch')
    .description(`download a tokenizer's vocab.json + merges.txt from the Hub into <cache>/tokenizers/<name>, where it is found by default`)
    .argument('[repo]', 'Hub repo "owner/name"', DEFAULT_TOKENIZER_REPO)
    .option('--name <name>', 'folder name under <cache>/tokenizers/ (one name: letters, digits, . _ -)', DEFAULT_TOKENIZER_NAME)
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .option('--cache <dir>', 'cache folder (default: SUBTOKEN_LENS_CACHE or the user cache folder)')
    .option('--endpoint <url>', 'Hub endpoint (a mirror with the same URL layout)', DEFAULT_ENDPOINT)
    .option('--allow-unverified', ALLOW_UNVERIFIED_HELP)
    .action(async (repo: string, o: CacheOpt & { name: string; revision: string; endpoint: string; allowUnverified?: boolean }) => {
      const interrupt = cancelOnSignals();
      try {
        checkTokenizerName(o.name); // it names a folder the install replaces: refuse a bad one before any disk or network effect
        const token = process.env.HF_TOKEN;
        const r = await fetchTokenizer({
          repo, name: o.name, revision: o.revision, cacheDir: o.cache ?? defaultCacheDir(), endpoint: o.endpoint,
          ...(token ? { token } : {}), ...(o.allowUnverified ? { allowUnverified: true } : {}),
          onProgress: progressPrinter(), signal: interrupt.signal,
        });
        process.stdout.write(`tokenizer installed: ${terminalLine(r.dir)}${r.unverified.length ? ' (with UNVERIFIED files)' : ''}\n`);
        warnUnverified(r.unverified);
      } catch (e) {
        fail('tokenizer fetch', e);
      } finally {
        interrupt.dispose();
      }
    });
}
