// `subtoken-lens model fetch|list|remove|clear` and `tokenizer fetch`: the local cache. Only the
// fetches touch the network, and only because the user asked. The cache holds downloaded models
// (<cache>/models/<owner>--<name>/<revision>/) and the embedded ones, generated on first use
// (<cache>/models/embedded-<kind>/); list, remove and clear know both.
import { type Command, Option } from 'commander';
import {
  checkTokenizerName, clearModelCache, DEFAULT_ENDPOINT, DEFAULT_MODEL_REPO, DEFAULT_TOKENIZER_NAME, DEFAULT_TOKENIZER_REPO,
  fetchModel, fetchTokenizer, listCachedModels, removeCachedModel, type FetchProgress,
} from '../../core/runtime/fetch/index';
import { listEmbeddedModels, namedModel, removeEmbeddedModel } from '../../core/runtime/named-models';
import { cancellable, FatalError } from '../common';
import { cacheDirFrom, cacheDirOptions, jsonOption, withOptions } from '../options';
import { terminalLine, terminalText } from '../../core/safe-text';
import { bytes } from '../../core/report/format/numbers';

/**
 * Ctrl-C or SIGTERM (a service manager, `timeout`, a closed terminal) cancels a download: the lock
 * is released, partial files are kept, exit 130. A wind-down slower than this exits anyway (the
 * lock module still removes held locks on exit).
 */
const INTERRUPT_GRACE_MS = 1500;
const KEPT_PARTS = 'partial files are kept and the next fetch resumes them';

/** Files fetched with --allow-unverified that had nothing to check them against are never reported as verified. */
function warnUnverified(paths: readonly string[]): void {
  if (paths.length === 0) return;
  process.stderr.write(`subtoken-lens: warning: ${paths.length} file(s) UNVERIFIED (the Hub listed neither size nor hash): ${terminalLine(paths.join(', '))}\n`);
}

const allowUnverifiedOption = (): Option => new Option('--allow-unverified', 'Accept files the Hub lists with neither size nor hash (recorded as unverified)');
const endpointOption = (): Option => new Option('--endpoint <url>', 'Hub endpoint (a mirror with the same URL layout)').default(DEFAULT_ENDPOINT);
const revisionOption = (): Option => new Option('--revision <rev>', 'Branch, tag or commit').default('main');

/** One status line on a terminal (rewritten in place, at most ~10 times a second); file ends otherwise. */
function progressPrinter(): (p: FetchProgress) => void {
  const tty = process.stderr.isTTY;
  let last = 0;
  return (p) => {
    const now = Date.now();
    const overall = p.total ? `${bytes(p.bytes)} / ${bytes(p.total)} (${((100 * p.bytes) / p.total).toFixed(0)}%)` : bytes(p.bytes);
    const file = `${terminalLine(p.file)} ${p.fileTotal ? `${bytes(p.fileBytes)} / ${bytes(p.fileTotal)}` : bytes(p.fileBytes)}`;
    if (tty) {
      if (p.phase !== 'done' && now - last < 100) return;
      last = now;
      process.stderr.write(`\r\x1b[K[${p.fileIndex + 1}/${p.fileCount}] ${file}  —  ${overall}${p.phase === 'verify' ? '  verifying' : ''}`);
      if (p.phase === 'done' && p.fileIndex + 1 === p.fileCount) process.stderr.write('\n');
    } else if (p.phase === 'done') {
      process.stderr.write(`[${p.fileIndex + 1}/${p.fileCount}] ${terminalLine(p.file)} ${bytes(p.fileBytes)} ${p.unverified ? 'UNVERIFIED' : 'ok'} (${overall})\n`);
    }
  };
}

interface CacheOpt { cacheDir?: string; cache?: string; json?: boolean }

/** A Hub repo for `model fetch`/`model remove`: owner/name, or the short name of one (codet5-small). */
function hubRepo(spec: string): string {
  const named = namedModel(spec);
  if (named?.kind === 'embedded') throw new FatalError(`${named.name} is an embedded model, generated on first use: there is nothing to fetch`);
  return named?.kind === 'hub' ? named.repo : spec;
}

export function register(program: Command): void {
  const model = program.command('model').description('Download models from the Hugging Face Hub and manage the local model cache');

  const fetch = model
    .command('fetch')
    .description('Download a model folder into the cache: config, tokenizer files and the first usable weights (model.safetensors, sharded safetensors, pytorch_model.bin, sharded .bin, else an ONNX encoder export), not every file of the repo')
    .argument('[model]', 'Hub repo owner/name, or a model name (codet5-small, codet5-base, codet5p-220m)', DEFAULT_MODEL_REPO);
  withOptions(fetch,
    revisionOption(), cacheDirOptions(), endpointOption(),
    new Option('--token <token>', 'Access token for gated or private repos').default(undefined, '$HF_TOKEN'),
    new Option('--files <list>', 'Comma-separated files to fetch instead of the usual selection'),
    new Option('--force', 'Download again even if the cache is at the remote commit'),
    allowUnverifiedOption(), jsonOption())
    .action(async (spec: string, o: CacheOpt & { revision: string; endpoint: string; token?: string; files?: string; force?: boolean; allowUnverified?: boolean }) => {
      const repo = hubRepo(spec);
      const cacheDir = cacheDirFrom(o);
      const token = o.token ?? process.env.HF_TOKEN;
      const files = o.files?.split(',').map((f) => f.trim()).filter(Boolean);
      const r = await cancellable(KEPT_PARTS, (signal) => fetchModel({
        repo, revision: o.revision, cacheDir, endpoint: o.endpoint,
        ...(token ? { token } : {}), ...(files ? { files } : {}), ...(o.force ? { force: true } : {}),
        ...(o.allowUnverified ? { allowUnverified: true } : {}),
        onProgress: progressPrinter(), signal,
      }), { graceMs: INTERRUPT_GRACE_MS });
      const unverified = r.files.filter((f) => f.unverified).map((f) => f.path);
      if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else {
        const size = r.files.reduce((a, f) => a + f.size, 0);
        process.stdout.write(terminalText(`${r.fromCache ? 'already cached' : 'fetched'}: ${r.repo}@${r.revision}${r.commit ? ` (${r.commit.slice(0, 12)})` : ''}, ${r.files.length} files${r.weightsFormat ? ` (weights: ${r.weightsFormat})` : ''}${unverified.length ? ` (${unverified.length} UNVERIFIED)` : ''}, ${bytes(size)}\n${r.dir}\n`));
      }
      warnUnverified(unverified);
    });

  const list = model
    .command('list')
    .description('List the models in the cache: the embedded ones and every downloaded folder');
  withOptions(list, cacheDirOptions(), jsonOption())
    .action((o: CacheOpt) => {
      const cacheDir = cacheDirFrom(o);
      const embedded = listEmbeddedModels(cacheDir);
      const downloaded = listCachedModels(cacheDir);
      if (o.json) { process.stdout.write(JSON.stringify({ cacheDir, embedded, downloaded }, null, 2) + '\n'); return; }
      const lines = embedded.map((m) => m.generated
        ? `${m.name}  ${bytes(m.bytes)}  embedded, random weights  ${m.dir}`
        : `${m.name}  (not generated yet)  embedded, random weights; generated on first use`);
      for (const m of downloaded) {
        const commit = m.manifest?.commit ? ` ${m.manifest.commit.slice(0, 12)}` : m.manifest ? '' : ' (no manifest: copied by hand?)';
        lines.push(`${m.repo}@${m.revision}${commit}  ${bytes(m.bytes)}  ${m.dir}`);
      }
      if (downloaded.length === 0) lines.push(`no downloaded models (\`subtoken-lens model fetch\` downloads one into ${cacheDir})`);
      process.stdout.write(lines.map((l) => `${terminalLine(l)}\n`).join(''));
    });

  const remove = model
    .command('remove')
    .description('Remove a model from the cache: a downloaded one (every revision unless --revision is given), or an embedded one (generated again on next use)')
    .argument('<model>', 'Hub repo owner/name, or a model name (embedded-tiny, embedded-small, codet5-small, …)');
  withOptions(remove, new Option('--revision <rev>', 'Only this branch, tag or commit'), cacheDirOptions())
    .action((spec: string, o: CacheOpt & { revision?: string }) => {
      const cacheDir = cacheDirFrom(o);
      const named = namedModel(spec);
      if (named?.kind === 'embedded') {
        if (o.revision !== undefined) throw new FatalError(`--revision is for downloaded models; ${named.name} has none`);
        const removed = removeEmbeddedModel(cacheDir, named.embedded);
        if (!removed) throw new FatalError(`${named.name} is not generated in ${cacheDir}: nothing to remove`);
        process.stdout.write(`removed ${terminalLine(removed)} (${named.name} is generated again on next use)\n`);
        return;
      }
      const repo = named?.kind === 'hub' ? named.repo : spec;
      const removed = removeCachedModel(cacheDir, repo, o.revision);
      if (removed.length === 0) throw new FatalError(`${repo}${o.revision !== undefined ? `@${o.revision}` : ''} is not in the cache ${cacheDir}: nothing to remove`);
      process.stdout.write(removed.map((d) => `removed ${terminalLine(d)}\n`).join(''));
    });

  const clear = model
    .command('clear')
    .description('Remove every model from the cache: downloaded, embedded (generated again on next use) and partial downloads');
  withOptions(clear, cacheDirOptions())
    .action((o: CacheOpt) => {
      const cacheDir = cacheDirFrom(o);
      // Counted before: the core counts downloaded folders only, and a generated folder is a model too.
      const embedded = listEmbeddedModels(cacheDir).filter((m) => m.generated).length;
      const r = clearModelCache(cacheDir);
      process.stdout.write(`removed ${r.removed} downloaded and ${embedded} embedded model folder(s), ${bytes(r.bytes)} in all (partial downloads included)\n`);
    });

  const tokenizer = program
    .command('tokenizer')
    .description('Tokenizer files')
    .command('fetch')
    .description("Download a tokenizer's vocab.json + merges.txt from the Hub into <cache>/tokenizers/<name>, where it is found by default")
    .argument('[repo]', 'Hub repo owner/name', DEFAULT_TOKENIZER_REPO);
  withOptions(tokenizer,
    new Option('--name <name>', 'Folder name under <cache>/tokenizers/ (one name: letters, digits, . _ -)').default(DEFAULT_TOKENIZER_NAME),
    revisionOption(), cacheDirOptions(), endpointOption(), allowUnverifiedOption(), jsonOption())
    .action(async (repo: string, o: CacheOpt & { name: string; revision: string; endpoint: string; allowUnverified?: boolean }) => {
      checkTokenizerName(o.name); // it names a folder the install replaces: refuse a bad one before any disk or network effect
      const cacheDir = cacheDirFrom(o);
      const token = process.env.HF_TOKEN;
      const r = await cancellable(KEPT_PARTS, (signal) => fetchTokenizer({
        repo, name: o.name, revision: o.revision, cacheDir, endpoint: o.endpoint,
        ...(token ? { token } : {}), ...(o.allowUnverified ? { allowUnverified: true } : {}),
        onProgress: progressPrinter(), signal,
      }), { graceMs: INTERRUPT_GRACE_MS });
      if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else process.stdout.write(`tokenizer installed: ${terminalLine(r.dir)}${r.unverified.length ? ' (with UNVERIFIED files)' : ''}\n`);
      warnUnverified(r.unverified);
    });
}
