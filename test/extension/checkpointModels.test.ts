// The extension accepts what the CLI loads: checkpoint folders as the Hub holds them (the model
// picker and "Choose Folder..." describe them instead of refusing them), and "Other Hub repo..."
// checks the typed owner/name before anything is downloaded.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { describeModelFolder, downloadHubRepo, folderDetail, hubRepoInputProblem } from '../../src/extension/models';
import { FIXTURES, TOKENIZER_100 } from '../core/runtime/graph/helpers';

describe('checkpoint folders in the extension', () => {
  const work = mkdtempSync(join(tmpdir(), 'sl-ext-ckpt-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  const copy = (name: string) => {
    const dir = join(work, name);
    cpSync(join(FIXTURES, name), dir, { recursive: true });
    return dir;
  };

  it('describes safetensors, sharded and .bin checkpoints by their weights format', () => {
    const expected: Record<string, RegExp> = {
      'tied-relu': /^safetensors checkpoint · /,
      'tied-relu-sharded': /^sharded safetensors checkpoint · /,
      'untied-gated-bin': /^PyTorch checkpoint · /,
    };
    for (const [name, format] of Object.entries(expected)) {
      const dir = copy(name);
      const info = describeModelFolder(dir);
      assert.match(folderDetail(info), format, name);
      assert.equal(info.randomWeights, false);
    }
  });

  it('sees a checkpoint\'s own tokenizer', () => {
    const dir = copy('untied-gated');
    assert.equal(describeModelFolder(dir).hasTokenizer, false);
    cpSync(join(TOKENIZER_100, 'vocab.json'), join(dir, 'vocab.json'));
    cpSync(join(TOKENIZER_100, 'merges.txt'), join(dir, 'merges.txt'));
    assert.equal(describeModelFolder(dir).hasTokenizer, true);
  });

  it('still refuses a folder with neither weights nor an encoder export, naming both', () => {
    const dir = join(work, 'config-only');
    cpSync(join(FIXTURES, 'tied-relu', 'config.json'), join(dir, 'config.json'));
    writeFileSync(join(dir, 'tf_model.h5'), 'x');
    assert.throws(() => describeModelFolder(dir), /no encoder ONNX file.*model\.safetensors.*pytorch_model\.bin/);
  });

  it('"Other Hub repo..." accepts owner/name only', () => {
    assert.equal(hubRepoInputProblem('Salesforce/codet5-small'), undefined);
    assert.equal(hubRepoInputProblem('  acme/t5.v2-small_1 '), undefined);
    assert.match(hubRepoInputProblem('')!, /owner\/name/);
    for (const bad of ['codet5-small', 'a/b/c', '../x', 'acme/..', 'https://huggingface.co/a/b', 'acme/ space']) {
      assert.match(hubRepoInputProblem(bad) ?? '', /is not owner\/name/, bad);
    }
    assert.throws(() => downloadHubRepo('../etc', { cacheDir: work, endpoint: 'http://127.0.0.1:9', signal: new AbortController().signal, onProgress: () => undefined }), /is not owner\/name/);
  });
});
