// `fetchModel` without an explicit file list, against repos laid out as the real Hub ones are:
// it picks the first usable weights format, downloads config, tokenizer and those weights only
// (the loopback Hub's request log is the proof), and a fetched checkpoint then runs through the
// CLI as `--model owner/name`.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chooseWeights, fetchModel, type FetchModelError, MANIFEST_FILE_NAME } from '../../../../src/core/runtime/fetch/index';
import { startLoopbackHub, type LoopbackHub } from '../../../e2e/hub';
import { runCli } from '../../../support/cli';
import { FIXTURES, REFERENCE, TOKENIZER_100 } from '../graph/helpers';

const fixture = (folder: string, file: string) => readFileSync(join(FIXTURES, folder, file));
const junk = (label: string, size = 20_000) => Buffer.alloc(size, label);

/** What every real CodeT5 repo has beside its weights. */
const TOKENIZER = {
  'vocab.json': readFileSync(join(TOKENIZER_100, 'vocab.json')),
  'merges.txt': readFileSync(join(TOKENIZER_100, 'merges.txt')),
  'tokenizer_config.json': Buffer.from('{"model_max_length": 512}'),
  'special_tokens_map.json': Buffer.from('{"pad_token": "<pad>"}'),
};
const REPO_EXTRAS = { 'README.md': Buffer.from('# model card'), '.gitattributes': Buffer.from('*.bin filter=lfs') };

/** Like Salesforce/codet5-small: PyTorch weights, plus TF and Flax copies that must not be fetched. */
const PYTORCH_ONLY = {
  ...REPO_EXTRAS, ...TOKENIZER,
  'config.json': fixture('tied-relu-bin', 'config.json'),
  'pytorch_model.bin': fixture('tied-relu-bin', 'pytorch_model.bin'),
  'tf_model.h5': junk('h'), 'flax_model.msgpack': junk('f'),
};
const SAFETENSORS = {
  ...REPO_EXTRAS, ...TOKENIZER,
  'config.json': fixture('untied-gated', 'config.json'),
  'generation_config.json': fixture('untied-gated', 'generation_config.json'),
  'model.safetensors': fixture('untied-gated', 'model.safetensors'),
  'pytorch_model.bin': junk('p'), // the same weights again: safetensors is preferred
};
const SHARD_NAMES = readdirSync(join(FIXTURES, 'tied-relu-sharded')).filter((f) => /^model-\d+-of-\d+\.safetensors$/.test(f));
const SHARDED = {
  ...REPO_EXTRAS, ...TOKENIZER,
  'config.json': fixture('tied-relu-sharded', 'config.json'),
  'model.safetensors.index.json': fixture('tied-relu-sharded', 'model.safetensors.index.json'),
  ...Object.fromEntries(SHARD_NAMES.map((s) => [s, fixture('tied-relu-sharded', s)])),
  'model-99999-of-99999.safetensors': junk('x'), // in the repo but not in the index: not fetched
  'onnx/encoder_model.onnx': junk('o'),
};
const ONNX_ONLY = {
  ...REPO_EXTRAS, ...TOKENIZER,
  'config.json': Buffer.from('{"model_type": "t5", "d_model": 8}'),
  'onnx/encoder_model.onnx': junk('e'), 'onnx/decoder_model.onnx': junk('d'), 'onnx/decoder_with_past_model.onnx': junk('w'),
};
const NONE_USABLE = { ...REPO_EXTRAS, 'config.json': Buffer.from('{}'), 'tf_model.h5': junk('h'), 'flax_model.msgpack': junk('f') };
const BAD_INDEX = {
  'config.json': Buffer.from('{}'),
  'model.safetensors.index.json': Buffer.from(JSON.stringify({ weight_map: { 'shared.weight': '../../escape.safetensors' } })),
};
const MISSING_SHARD = {
  'config.json': Buffer.from('{}'),
  'model.safetensors.index.json': Buffer.from(JSON.stringify({ weight_map: { 'shared.weight': 'model-00001-of-00002.safetensors' } })),
};

let hub: LoopbackHub;
const work = mkdtempSync(join(tmpdir(), 'weights-fetch-'));
before(async () => {
  hub = await startLoopbackHub({
    'Salesforce/codet5-small': { files: PYTORCH_ONLY },
    'acme/safetensors': { files: SAFETENSORS },
    'acme/sharded': { files: SHARDED },
    'acme/onnx-only': { files: ONNX_ONLY },
    'acme/none': { files: NONE_USABLE },
    'acme/bad-index': { files: BAD_INDEX },
    'acme/missing-shard': { files: MISSING_SHARD },
  });
});
after(async () => {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});

/** Files requested from `repo` since request number `from` (the API call excluded). */
function downloaded(repo: string, from: number): string[] {
  const prefix = `/${repo}/resolve/`;
  return hub.requests.slice(from).filter((p) => p.startsWith(prefix)).map((p) => decodeURIComponent(p.slice(prefix.length).replace(/^[^/]+\//, ''))).sort();
}

const freshCache = () => mkdtempSync(join(work, 'cache-'));
const sorted = (xs: Iterable<string>) => [...xs].sort();
const TOKENIZER_NAMES = Object.keys(TOKENIZER);

const LAYOUTS: { repo: string; format: string; files: string[] }[] = [
  { repo: 'Salesforce/codet5-small', format: 'torch-zip', files: ['config.json', 'pytorch_model.bin', ...TOKENIZER_NAMES] },
  { repo: 'acme/safetensors', format: 'safetensors', files: ['config.json', 'generation_config.json', 'model.safetensors', ...TOKENIZER_NAMES] },
  { repo: 'acme/sharded', format: 'safetensors-sharded', files: ['config.json', 'model.safetensors.index.json', ...SHARD_NAMES, ...TOKENIZER_NAMES] },
  { repo: 'acme/onnx-only', format: 'onnx-export', files: ['config.json', 'onnx/encoder_model.onnx', ...TOKENIZER_NAMES] },
];

for (const layout of LAYOUTS) {
  test(`${layout.repo} (${layout.format}): the chosen weights, config and tokenizer files, nothing else`, { timeout: 20000 }, async () => {
    const cache = freshCache();
    const from = hub.requests.length;
    const r = await fetchModel({ repo: layout.repo, cacheDir: cache, endpoint: hub.endpoint });
    assert.equal(r.weightsFormat, layout.format);
    assert.deepEqual(downloaded(layout.repo, from), sorted(layout.files), 'the request log holds exactly the chosen files');
    assert.equal(hub.requests.filter((p) => p.startsWith('/api/models/')).length - hub.requests.slice(0, from).filter((p) => p.startsWith('/api/models/')).length, 1, 'one file list');
    assert.deepEqual(sorted(r.files.map((f) => f.path)), sorted(layout.files));
    const manifest = JSON.parse(readFileSync(join(r.dir, MANIFEST_FILE_NAME), 'utf8')) as { files: { path: string }[] };
    assert.deepEqual(sorted(manifest.files.map((f) => f.path)), sorted(layout.files));
    for (const f of layout.files) assert.ok(readFileSync(join(r.dir, f)).length > 0, f);

    // A second fetch at the same commit finds everything (shards included) in the cache.
    const again = hub.requests.length;
    const cached = await fetchModel({ repo: layout.repo, cacheDir: cache, endpoint: hub.endpoint });
    assert.equal(cached.fromCache, true);
    assert.equal(cached.weightsFormat, layout.format);
    assert.deepEqual(downloaded(layout.repo, again), []);
  });
}

test('a repo without usable weights: one line naming what it has and what is needed, nothing downloaded', { timeout: 20000 }, async () => {
  const from = hub.requests.length;
  await assert.rejects(fetchModel({ repo: 'acme/none', cacheDir: freshCache(), endpoint: hub.endpoint }), (e: FetchModelError) => {
    assert.equal(e.code, 'not-found');
    assert.equal(e.message.split('\n').length, 1);
    assert.match(e.message, /acme\/none@main has no weights this tool can load: it has (tf_model\.h5, flax_model\.msgpack|flax_model\.msgpack, tf_model\.h5); needed: model\.safetensors, model\.safetensors\.index\.json, pytorch_model\.bin, pytorch_model\.bin\.index\.json \(with its shards\) or onnx\/encoder_model\.onnx$/);
    return true;
  });
  assert.deepEqual(downloaded('acme/none', from), []);
});

test('a shard index naming a path outside the folder, or a shard the repo lacks, is refused and nothing is installed', { timeout: 20000 }, async () => {
  const cache = freshCache();
  const from = hub.requests.length;
  await assert.rejects(fetchModel({ repo: 'acme/bad-index', cacheDir: cache, endpoint: hub.endpoint }),
    (e: FetchModelError) => e.code === 'bad-input' && /model\.safetensors\.index\.json is not a usable shard index.*not a plain file name/.test(e.message));
  assert.deepEqual(downloaded('acme/bad-index', from), ['model.safetensors.index.json'], 'the index only: it is read before anything else');
  await assert.rejects(fetchModel({ repo: 'acme/missing-shard', cacheDir: cache, endpoint: hub.endpoint }),
    (e: FetchModelError) => e.code === 'not-found' && /names shard\(s\) the repo does not have: model-00001-of-00002\.safetensors/.test(e.message));
  assert.deepEqual(readdirSync(join(cache, 'models')).filter((d) => !d.startsWith('.')).flatMap((d) => readdirSync(join(cache, 'models', d)).filter((r) => !r.startsWith('.'))), [], 'no model folder installed');
});

test('chooseWeights follows the loader\'s order of preference', () => {
  const pick = (...files: string[]) => chooseWeights(new Set(files), 'x').format;
  assert.equal(pick('pytorch_model.bin', 'model.safetensors', 'onnx/encoder_model.onnx'), 'safetensors');
  assert.equal(pick('pytorch_model.bin', 'model.safetensors.index.json'), 'safetensors-sharded');
  assert.equal(pick('pytorch_model.bin', 'pytorch_model.bin.index.json', 'onnx/encoder_model.onnx'), 'torch-zip');
  assert.equal(pick('pytorch_model.bin.index.json', 'onnx/encoder_model.onnx'), 'torch-zip-sharded');
  assert.equal(pick('onnx/encoder_model.onnx', 'onnx/model.onnx'), 'onnx-export');
  assert.deepEqual(chooseWeights(new Set(['onnx/encoder_model.onnx']), 'x').optionalFiles, ['onnx/encoder_model.onnx_data']);
});


/** The CLI with `cache` as its cache folder and no token from the environment. */
const cli = (args: string[], cache: string) => runCli(args, { cwd: work, env: { SUBTOKEN_LENS_CACHE: cache, HF_TOKEN: '' } });

test('model fetch Salesforce/codet5-small (the default repo), then generate and analyze --model Salesforce/codet5-small', { timeout: 180000 }, async () => {
  const cache = freshCache();
  const from = hub.requests.length;
  const fetched = await cli(['model', 'fetch', '--endpoint', hub.endpoint], cache);
  assert.equal(fetched.code, 0, fetched.err);
  assert.match(fetched.out, /fetched: Salesforce\/codet5-small@main .*\(weights: torch-zip\)/);
  assert.deepEqual(downloaded('Salesforce/codet5-small', from), sorted(LAYOUTS[0]!.files));

  const c = REFERENCE.generate['tied-relu']![0]!;
  const gen = await cli(['generate', '--ids', JSON.stringify(c.input_ids), '--groups', JSON.stringify(c.groups), '--model', 'Salesforce/codet5-small',
    '--max-new-tokens', String(c.max_new_tokens), '--provider', 'cpu', '--json'], cache);
  assert.equal(gen.code, 0, gen.err);
  const j = JSON.parse(gen.out) as { weightsFormat: string; unmerged: { ids: number[] }; merged: { ids: number[] } };
  assert.equal(j.weightsFormat, 'torch-zip');
  assert.deepEqual([0, ...j.unmerged.ids], c.plain, 'transformers\' greedy ids from the fetched weights');
  assert.deepEqual([0, ...j.merged.ids], c.merged);

  const file = join(work, 'add.py');
  writeFileSync(file, 'def add_numbers(first_value, second_value):\n    return first_value + second_value\n');
  // The fixture's tokenizer has 100 ids (a real CodeT5's is the default codet5 tokenizer): named explicitly.
  const analyzed = await cli(['analyze', file, '--model', 'Salesforce/codet5-small', '--tokenizer', TOKENIZER_100, '--runs', '1', '--provider', 'cpu', '--json'], cache);
  assert.equal(analyzed.code, 0, analyzed.err);
  const a = JSON.parse(analyzed.out) as { totals: { analyticFlopsBefore: number; analyticFlopsAfter: number } };
  assert.ok(a.totals.analyticFlopsAfter < a.totals.analyticFlopsBefore, 'merging saved encoder FLOPs');
});

test('model fetch of a repo without usable weights fails with one line (exit 1, as for a missing file)', { timeout: 60000 }, async () => {
  const r = await cli(['model', 'fetch', 'acme/none', '--endpoint', hub.endpoint], freshCache());
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /^subtoken-lens: acme\/none@main has no weights this tool can load: .*needed: .*\n$/);
});
