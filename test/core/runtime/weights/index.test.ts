// loadStateDict: which weights file of a model folder is read, and the message when there is none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStateDict, WeightsError } from '../../../../src/core/runtime/weights/index';
import { assertMatchesReference, copyFixture, FIXTURES, tempDir } from './helpers';

test('formats are picked in order: model.safetensors, its sharded index, pytorch_model.bin, its sharded index', () => {
  const dir = copyFixture('untied-gated-sharded');
  for (const f of ['model.safetensors']) copyFileSync(join(FIXTURES, 'untied-gated', f), join(dir, f));
  copyFileSync(join(FIXTURES, 'untied-gated-bin', 'pytorch_model.bin'), join(dir, 'pytorch_model.bin'));

  let loaded = loadStateDict(dir);
  assert.deepEqual([loaded.format, loaded.path], ['safetensors', join(dir, 'model.safetensors')]);
  assertMatchesReference(loaded.tensors, 'untied-gated');

  writeFileSync(join(dir, 'model.safetensors'), 'corrupt');
  assert.throws(() => loadStateDict(dir), /model\.safetensors is not a safetensors file/, 'a present but broken file is an error, not a reason to read another');

  const onlyIndex = copyFixture('untied-gated-sharded');
  copyFileSync(join(FIXTURES, 'untied-gated-bin', 'pytorch_model.bin'), join(onlyIndex, 'pytorch_model.bin'));
  loaded = loadStateDict(onlyIndex);
  assert.equal(loaded.format, 'safetensors-sharded');
  assertMatchesReference(loaded.tensors, 'untied-gated-sharded');

  loaded = loadStateDict(join(FIXTURES, 'untied-gated-bin'));
  assert.equal(loaded.format, 'torch-zip');
  assertMatchesReference(loaded.tensors, 'untied-gated-bin');
});

test('a sharded pytorch_model.bin is read through its index', () => {
  const dir = tempDir('bin-sharded');
  copyFileSync(join(FIXTURES, 'tied-relu-bin', 'pytorch_model.bin'), join(dir, 'pytorch_model-00001-of-00001.bin'));
  const names = Object.keys(JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')).checkpoints['tied-relu-bin'].tensors as object);
  const weightMap = Object.fromEntries(names.map((n) => [n, 'pytorch_model-00001-of-00001.bin']));
  writeFileSync(join(dir, 'pytorch_model.bin.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  const loaded = loadStateDict(dir);
  assert.equal(loaded.format, 'torch-zip-sharded');
  assertMatchesReference(loaded.tensors, 'tied-relu-bin');
});

test('a folder without weights is refused, listing what it has', () => {
  const dir = tempDir('empty');
  assert.throws(() => loadStateDict(dir), (e: unknown) => {
    assert.ok(e instanceof WeightsError);
    assert.equal(e.message, `no weights in ${dir}: expected model.safetensors, model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json; the folder has nothing`);
    return true;
  });
  writeFileSync(join(dir, 'config.json'), '{}');
  writeFileSync(join(dir, 'tf_model.h5'), '');
  mkdirSync(join(dir, 'onnx'));
  assert.throws(() => loadStateDict(dir), /; the folder has config\.json, onnx, tf_model\.h5$/);
  assert.throws(() => loadStateDict(join(dir, 'missing')), /^WeightsError: cannot read model folder .*missing: ENOENT$/);
});
