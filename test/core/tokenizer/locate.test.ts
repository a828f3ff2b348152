// Where the tokenizer is looked for, in order, and what the user is told when it is nowhere.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { TokenizerNotFoundError, defaultCacheDir, locateTokenizer } from '../../../src/core/tokenizer';
import { SHARED_CODET5 } from './hfReference';

const tmp = mkdtempSync(join(tmpdir(), 'tokenizer-locate-'));
const savedEnv = { tok: process.env.SUBTOKEN_LENS_TOKENIZER, cache: process.env.SUBTOKEN_LENS_CACHE };
after(() => {
  rmSync(tmp, { recursive: true, force: true });
  for (const [k, v] of [['SUBTOKEN_LENS_TOKENIZER', savedEnv.tok], ['SUBTOKEN_LENS_CACHE', savedEnv.cache]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
beforeEach(() => {
  delete process.env.SUBTOKEN_LENS_TOKENIZER;
  delete process.env.SUBTOKEN_LENS_CACHE;
});

function fakeTokenizerDir(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'vocab.json'), '{}');
  writeFileSync(join(dir, 'merges.txt'), '');
  return dir;
}

describe('locateTokenizer', () => {
  it('prefers the explicit path, then the env variable, then the cache, then dev-shared', () => {
    const explicit = fakeTokenizerDir('explicit');
    const fromEnv = fakeTokenizerDir('env');
    const cacheDir = join(tmp, 'cache');
    const cached = fakeTokenizerDir('cache/tokenizers/codet5');
    process.env.SUBTOKEN_LENS_TOKENIZER = fromEnv;
    assert.deepEqual(locateTokenizer({ explicit, cacheDir }), { dir: explicit, source: 'explicit' });
    assert.deepEqual(locateTokenizer({ cacheDir }), { dir: fromEnv, source: 'env' });
    delete process.env.SUBTOKEN_LENS_TOKENIZER;
    assert.deepEqual(locateTokenizer({ cacheDir }), { dir: cached, source: 'cache' });
    // Nothing in an empty cache: the checkout's shared folder, labelled as a development fallback.
    assert.deepEqual(locateTokenizer({ cacheDir: join(tmp, 'empty-cache') }), { dir: SHARED_CODET5, source: 'dev-shared' });
  });

  it('uses SUBTOKEN_LENS_CACHE for the default cache folder', () => {
    assert.equal(defaultCacheDir(), join(homedir(), '.cache', 'subtoken-lens'));
    process.env.SUBTOKEN_LENS_CACHE = join(tmp, 'envcache');
    const cached = fakeTokenizerDir('envcache/tokenizers/codet5');
    assert.equal(defaultCacheDir(), join(tmp, 'envcache'));
    assert.deepEqual(locateTokenizer(), { dir: cached, source: 'cache' });
  });

  it('accepts a tokenizer.json file as the explicit path', () => {
    const file = join(tmp, 'tokenizer.json');
    writeFileSync(file, '{}');
    assert.deepEqual(locateTokenizer({ explicit: file }), { dir: file, source: 'explicit' });
  });

  it('fails on an explicit path without tokenizer files instead of falling back', () => {
    assert.throws(() => locateTokenizer({ explicit: join(tmp, 'nope') }), (err: unknown) => err instanceof TokenizerNotFoundError && err.message.includes(join(tmp, 'nope')));
  });

  it('lists every place tried and how to get the files when nothing is found', () => {
    process.env.SUBTOKEN_LENS_TOKENIZER = join(tmp, 'missing-env');
    const cacheDir = join(tmp, 'empty-cache-2');
    let error: unknown;
    try {
      locateTokenizer({ cacheDir, name: 'no-such-tokenizer' });
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof TokenizerNotFoundError);
    assert.equal(error.tried.length, 3);
    for (const place of [join(tmp, 'missing-env'), join(cacheDir, 'tokenizers', 'no-such-tokenizer'), 'shared']) {
      assert.ok(error.message.includes(place), `message names ${place}`);
    }
    assert.match(error.message, /Salesforce\/codet5-small/);
    assert.match(error.message, /--tokenizer DIR/);
  });
});
