// Which tokenizer the extension loads, with no setting at all: the copy shipped in the VSIX; a
// model's own tokenizer files for that model; the setting over both. And the state it reports.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Engine, bundledTokenizerDir, type TokenizerLookup, type TokenizerState } from '../../src/extension/services';
import { CODET5_DIR } from '../core/helpers';

function copyTokenizer(to: string): string {
  mkdirSync(to, { recursive: true });
  for (const f of ['vocab.json', 'merges.txt']) copyFileSync(join(CODET5_DIR, f), join(to, f));
  return to;
}

describe('extension engine: tokenizer lookup', () => {
  let root = '';
  let extensionPath = '';
  const saved = { ...process.env };
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sl-engine-'));
    extensionPath = join(root, 'extension');
    copyTokenizer(bundledTokenizerDir(extensionPath));
    // An empty cache and no development fallback: only what the test sets up can be found.
    process.env.SUBTOKEN_LENS_CACHE = join(root, 'cache');
    process.env.SUBTOKEN_LENS_NO_DEV_SHARED = '1';
    delete process.env.SUBTOKEN_LENS_TOKENIZER;
  });
  after(() => {
    process.env = saved;
    rmSync(root, { recursive: true, force: true });
  });

  it('loads the shipped copy when nothing is set, and reports loading then ready', async () => {
    const states: TokenizerState['kind'][] = [];
    const engine = new Engine(extensionPath, () => ({ setting: '', modelDir: undefined }));
    engine.onTokenizerState((s) => states.push(s.kind));
    const t = await engine.tokenizer();
    assert.deepEqual(t.located, { dir: bundledTokenizerDir(extensionPath), source: 'bundled' });
    assert.ok(t.tokenizer.encode('find_active_users').length >= 3);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(states, ['loading', 'ready']);
    assert.deepEqual(engine.tokenizerState, { kind: 'ready', dir: bundledTokenizerDir(extensionPath), origin: 'bundled' });
  });

  it('uses a model\'s own tokenizer files for that model, and the setting over both', async () => {
    const modelDir = copyTokenizer(join(root, 'models', 'Salesforce--codet5-small'));
    const chosen = copyTokenizer(join(root, 'chosen'));
    let lookup: TokenizerLookup = { setting: '', modelDir };
    const engine = new Engine(extensionPath, () => lookup);
    assert.deepEqual((await engine.tokenizer()).located, { dir: modelDir, source: 'model' });
    assert.equal(engine.refreshTokenizer(), false, 'same lookup: keep the loaded tokenizer');
    lookup = { setting: chosen, modelDir };
    assert.equal(engine.refreshTokenizer(), true, 'the setting changed: reload');
    assert.deepEqual((await engine.tokenizer()).located, { dir: chosen, source: 'explicit' });
  });

  it('reports a missing tokenizer as a state with its reason, and retries on the next use', async () => {
    const states: TokenizerState[] = [];
    const engine = new Engine(join(root, 'bare-extension'), () => ({ setting: '', modelDir: undefined }));
    engine.onTokenizerState((s) => states.push(s));
    await assert.rejects(engine.tokenizer(), /No "codet5" tokenizer found/);
    await new Promise((r) => setImmediate(r));
    const last = states.at(-1)!;
    assert.equal(last.kind, 'missing');
    assert.match((last as { reason: string }).reason, /No "codet5" tokenizer found/);
    assert.ok(!(last as { reason: string }).reason.includes('\n'), 'one line');
    copyTokenizer(bundledTokenizerDir(join(root, 'bare-extension')));
    assert.equal((await engine.tokenizer()).located.source, 'bundled', 'a failed load is not cached');
  });
});
