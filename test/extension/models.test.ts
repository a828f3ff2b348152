// The model side of the extension without the editor: endpoint checks, download progress text,
// and which reducer each strategy gets (trained on first use only for embedded models).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureEmbeddedModel } from '../../src/core/runtime/embedded-model';
import { MERGER_FILE_NAME } from '../../src/core/runtime/merger';
import { checkEndpoint, describeProgress, isEmbedded, strategyReducers } from '../../src/extension/models';
import { CODET5_DIR } from '../core/helpers';

describe('extension models', () => {
  it('accepts http(s) Hub endpoints and names the setting when one is wrong', () => {
    assert.equal(checkEndpoint('https://huggingface.co/'), 'https://huggingface.co');
    assert.equal(checkEndpoint('http://127.0.0.1:8080/mirror'), 'http://127.0.0.1:8080/mirror');
    assert.throws(() => checkEndpoint('huggingface.co'), /subtokenLens\.hubEndpoint "huggingface\.co" is not a URL/);
    assert.throws(() => checkEndpoint('file:///etc'), /must be an http\(s\) URL/);
  });

  it('describes download progress per file', () => {
    const p = { file: 'onnx/encoder_model.onnx', fileIndex: 1, fileCount: 3, fileBytes: 2_500_000, fileTotal: 10_000_000, bytes: 0, phase: 'download' as const };
    assert.equal(describeProgress(p), 'onnx/encoder_model.onnx (2/3) 2.5/10.0 MB');
    assert.equal(describeProgress({ ...p, phase: 'verify' }), 'verifying onnx/encoder_model.onnx (2/3)');
  });

  it('knows which models are the shipped random-weight ones', () => {
    assert.ok(isEmbedded('embedded-tiny') && isEmbedded('embedded-small'));
    assert.ok(!isEmbedded('codet5-small'));
  });

  describe('strategy reducers', () => {
    let cache = '';
    let dir = '';
    before(() => {
      cache = mkdtempSync(join(tmpdir(), 'sl-ext-models-'));
      dir = ensureEmbeddedModel('tiny', cache);
    });
    after(() => rmSync(cache, { recursive: true, force: true }));
    const opts = (over: Partial<Parameters<typeof strategyReducers>[3]> = {}) => ({
      trainIfMissing: false, tokenizerDir: CODET5_DIR, signal: new AbortController().signal,
      onTraining: () => undefined, onTrained: () => undefined, ...over,
    });

    it('gives the average without touching the folder', async () => {
      const r = await strategyReducers(dir, 64, ['average'], opts());
      assert.deepEqual(r.map((x) => x.name), ['average']);
      assert.ok(!existsSync(join(dir, MERGER_FILE_NAME)));
    });

    it('tells a downloaded model without a merger to train one, and trains nothing', async () => {
      await assert.rejects(strategyReducers(dir, 64, ['average', 'learned'], opts()), /no learned merger yet .*Train Learned Merger/);
      assert.ok(!existsSync(join(dir, MERGER_FILE_NAME)));
    });

    it('stops first-use training when cancelled', async () => {
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(strategyReducers(dir, 64, ['learned'], opts({ trainIfMissing: true, signal: ac.signal })), { name: 'AbortError' });
      assert.ok(!existsSync(join(dir, MERGER_FILE_NAME)));
    });

    it('trains an embedded model\'s merger on first use, once', async () => {
      const trained: string[] = [];
      let epochs = 0;
      const first = await strategyReducers(dir, 64, ['learned'], opts({ trainIfMissing: true, onTrained: (f) => trained.push(f), onTraining: () => { epochs++; } }));
      assert.equal(first[0]!.name, 'learned');
      assert.deepEqual(trained, [join(dir, MERGER_FILE_NAME)]);
      assert.ok(epochs > 0);
      assert.ok(existsSync(join(dir, MERGER_FILE_NAME)));
      await strategyReducers(dir, 64, ['learned'], opts({ trainIfMissing: true, onTrained: (f) => trained.push(f) }));
      assert.equal(trained.length, 1, 'the saved merger is reused');
    });
  });
});
