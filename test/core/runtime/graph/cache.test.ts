// The graph cache beside a checkpoint: built once, reused (no rebuild) while the weights are the
// same, rebuilt when they change or the cached set is damaged, in memory when the folder cannot
// hold a cache, and never blocked by a FIFO posing as a weights file.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GRAPH_BUILDER_VERSION, MODEL_CACHE_DIR, ensureBuiltGraphs, findCheckpointFiles } from '../../../../src/core/runtime/graph/cache';
import { loadEncoder } from '../../../../src/core/runtime/encoder';
import { WeightsError } from '../../../../src/core/runtime/weights/index';
import { copyModel } from './helpers';

const graphDirs = (model: string): string[] => readdirSync(join(model, MODEL_CACHE_DIR)).filter((n) => n.startsWith('graphs-'));

describe('graph cache', () => {
  it('builds once; a second load reads the cached graphs without rebuilding', async () => {
    const dir = copyModel('untied-gated-sharded');
    const first = ensureBuiltGraphs(dir);
    assert.equal(first.built, true);
    assert.ok(first.dir && first.dir.startsWith(join(dir, MODEL_CACHE_DIR)));
    assert.equal(first.meta.builderVersion, GRAPH_BUILDER_VERSION);
    assert.equal(first.meta.weightsFormat, 'safetensors-sharded');
    assert.deepEqual(first.meta.weightsFiles, findCheckpointFiles(dir)!.files);
    assert.ok(first.meta.weightsFiles.length > 3, 'config, index and every shard are hashed');
    const before = statSync(first.encoderFile);

    const second = ensureBuiltGraphs(dir);
    assert.equal(second.built, false);
    assert.equal(second.dir, first.dir);
    const after = statSync(second.encoderFile);
    assert.equal(after.mtimeMs, before.mtimeMs, 'encoder.onnx not rewritten');
    assert.equal(after.ino, before.ino);
    assert.deepEqual(second.embeddings(), first.embeddings());

    const rt = await loadEncoder(dir, { device: 'cpu' });
    try {
      assert.equal(rt.info.checkpoint?.built, false);
      assert.equal(rt.info.onnxFile, first.encoderFile);
    } finally {
      await rt.release();
    }
    assert.equal(graphDirs(dir).length, 1);
  });

  it('remembers the weights hash by size and mtime, and rehashes when they change', () => {
    const dir = copyModel('tied-relu');
    const first = ensureBuiltGraphs(dir);
    const memo = JSON.parse(readFileSync(join(dir, MODEL_CACHE_DIR, 'weights-hash.json'), 'utf8')) as { sha256: string };
    assert.equal(memo.sha256, first.meta.weightsHash);
    // A changed config.json is another model as far as the graphs go: new hash, new set, the old one removed.
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, note: 'edited' }));
    const second = ensureBuiltGraphs(dir);
    assert.equal(second.built, true);
    assert.notEqual(second.meta.weightsHash, first.meta.weightsHash);
    assert.deepEqual(graphDirs(dir), [second.dir!.split('/').pop()]);
    assert.equal(existsSync(first.dir!), false);
  });

  it('a damaged cached set is rebuilt, not used', () => {
    const dir = copyModel('tied-relu-bin');
    const first = ensureBuiltGraphs(dir);
    truncateSync(first.decoderFile, 100);
    const second = ensureBuiltGraphs(dir);
    assert.equal(second.built, true);
    assert.equal(statSync(second.decoderFile).size, first.meta.sizes['decoder.onnx']);
    rmSync(join(second.dir!, 'graphs.json'));
    assert.equal(ensureBuiltGraphs(dir).built, true, 'a set without its meta file is incomplete');
  });

  it('a model folder that cannot hold the cache still loads, with graphs built in memory', async () => {
    const dir = copyModel('tied-relu-fp16');
    writeFileSync(join(dir, MODEL_CACHE_DIR), 'a file where the cache folder would go');
    const set = ensureBuiltGraphs(dir);
    assert.equal(set.dir, undefined);
    assert.equal(set.built, true);
    assert.equal(ensureBuiltGraphs(dir).built, true, 'nothing cached: built again');
    const rt = await loadEncoder(dir, { device: 'cpu' });
    try {
      assert.equal(rt.info.checkpoint?.graphDir, undefined);
      const out = await rt.run({ embeds: rt.embed([5, 6, 7]), batch: 1, seq: 3 });
      assert.equal(out.length, 3 * 32);
    } finally {
      await rt.release();
    }
  });

  it('a FIFO under a weights file name is refused, not waited on', { timeout: 20000 }, () => {
    const dir = copyModel('tied-relu');
    rmSync(join(dir, 'model.safetensors'));
    execFileSync('mkfifo', [join(dir, 'model.safetensors')]);
    assert.throws(() => ensureBuiltGraphs(dir), (e: Error) => e instanceof WeightsError && /not a regular file/.test(e.message));
  });
});

describe('graph cache under concurrency and leftovers', () => {
  it('two processes building at once both end with the one complete set', { timeout: 60000 }, async () => {
    const dir = copyModel('untied-gated');
    const script = `const { ensureBuiltGraphs } = require(${JSON.stringify(join(__dirname, '..', '..', '..', '..', 'src', 'core', 'runtime', 'graph', 'cache.ts'))});
      const s = ensureBuiltGraphs(process.argv[1]); process.stdout.write(JSON.stringify({ dir: s.dir, hash: s.meta.weightsHash }));`;
    const run = () => new Promise<{ dir: string; hash: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 50000);
      child.on('close', (code) => { clearTimeout(timer); if (code === 0) resolve(JSON.parse(out)); else reject(new Error(err)); });
    });
    const [a, b] = await Promise.all([run(), run()]);
    assert.equal(a.dir, b.dir);
    assert.equal(a.hash, b.hash);
    assert.equal(graphDirs(dir).length, 1);
    assert.deepEqual(readdirSync(join(dir, MODEL_CACHE_DIR)).filter((n) => n.startsWith('.tmp-')), [], 'no temporary folder left');
    assert.equal(ensureBuiltGraphs(dir).built, false);
  });

  it('a build folder abandoned long ago is removed with stale sets; a recent one (a live build) is left alone', () => {
    const dir = copyModel('tied-relu');
    const root = join(dir, MODEL_CACHE_DIR);
    mkdirSync(join(root, '.tmp-graphs-old-1-aa'), { recursive: true });
    mkdirSync(join(root, '.tmp-graphs-new-2-bb'));
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(join(root, '.tmp-graphs-old-1-aa'), old, old);
    writeFileSync(join(root, 'unrelated-file'), 'kept');
    ensureBuiltGraphs(dir);
    const left = readdirSync(root).sort();
    assert.ok(!left.includes('.tmp-graphs-old-1-aa'));
    assert.ok(left.includes('.tmp-graphs-new-2-bb'));
    assert.ok(left.includes('unrelated-file'));
  });
});
