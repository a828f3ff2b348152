// What the model settings select, whether it is on this machine, and what Select Model... says of it.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureEmbeddedModel } from '../../src/core/runtime/embedded-model';
import { modelDir } from '../../src/core/runtime/fetch';
import {
  describeModelFolder, folderDetail, isEmbeddedSelection, modelAvailability, modelSelection, modelTokenizerDir, selectedModelFolder,
} from '../../src/extension/models';
import { CODET5_DIR } from '../core/helpers';

describe('extension model selection', () => {
  let cache = '';
  let tiny = '';
  before(() => {
    cache = mkdtempSync(join(tmpdir(), 'sl-ext-sel-'));
    tiny = ensureEmbeddedModel('tiny', cache);
  });
  after(() => rmSync(cache, { recursive: true, force: true }));

  it('selects the model choice, or a chosen folder over it', () => {
    assert.deepEqual(modelSelection({ model: 'embedded-tiny', modelPath: '' }), { label: 'embedded-tiny', choice: 'embedded-tiny' });
    const sel = modelSelection({ model: 'embedded-tiny', modelPath: '/models/my-codet5' });
    assert.equal(sel.label, 'my-codet5');
    assert.equal(sel.folder, '/models/my-codet5');
    assert.ok(!isEmbeddedSelection(sel), 'a chosen folder is never trained on first use');
  });

  it('knows an embedded model is always available and a downloadable one only once downloaded', () => {
    assert.equal(modelAvailability(modelSelection({ model: 'embedded-small', modelPath: '' }), cache).available, true);
    const base = modelAvailability(modelSelection({ model: 'codet5-base', modelPath: '' }), cache);
    assert.equal(base.available, false);
    assert.match((base as { error: Error }).error.message, /codet5-base is not downloaded/);
    assert.throws(() => selectedModelFolder(modelSelection({ model: 'codet5-base', modelPath: '' }), cache), { name: 'ModelNotDownloadedError' });
    const gone = modelAvailability(modelSelection({ model: 'embedded-tiny', modelPath: join(cache, 'nope') }), cache);
    assert.equal(gone.available, false);
    assert.equal((gone as { error: { chosenFolder: boolean } }).error.chosenFolder, true);
    assert.equal(selectedModelFolder(modelSelection({ model: 'embedded-tiny', modelPath: tiny }), cache), tiny);
  });

  it('finds a downloaded model\'s own tokenizer, none for embedded models', () => {
    const dir = modelDir(cache, 'Salesforce/codet5-small');
    mkdirSync(dir, { recursive: true });
    assert.equal(modelTokenizerDir(modelSelection({ model: 'codet5-small', modelPath: '' }), cache), undefined);
    for (const f of ['vocab.json', 'merges.txt']) copyFileSync(join(CODET5_DIR, f), join(dir, f));
    assert.equal(modelTokenizerDir(modelSelection({ model: 'codet5-small', modelPath: '' }), cache), dir);
    assert.equal(modelTokenizerDir(modelSelection({ model: 'embedded-tiny', modelPath: '' }), cache), undefined);
  });

  it('describes a model folder: weights, format, size; and says why a folder is not one', () => {
    const info = describeModelFolder(tiny);
    assert.equal(info.randomWeights, true);
    assert.equal(info.format, 'ONNX fp32');
    assert.ok(info.bytes > 100_000, String(info.bytes));
    assert.match(folderDetail(info), /^ONNX fp32 · [\d.]+ MB · random weights$/);
    const empty = join(cache, 'empty');
    mkdirSync(empty);
    assert.throws(() => describeModelFolder(empty), /no config\.json/);
    writeFileSync(join(empty, 'config.json'), JSON.stringify({ model_type: 't5', d_model: 8, d_kv: 4, num_heads: 2, d_ff: 16, num_layers: 1, vocab_size: 10 }));
    assert.throws(() => describeModelFolder(empty), /no encoder ONNX file/);
    assert.match(folderDetail(new Error('no encoder ONNX file in /x')), /^unreadable: no encoder ONNX file/);
  });
});
