// Packaging ships the CodeT5 tokenizer with its license, or stops with one clear line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CODET5_DIR, REPO_ROOT } from '../core/helpers';
// @ts-expect-error plain ESM script without types
import { bundleTokenizer, BUNDLED_TOKENIZER_DIR } from '../../scripts/bundle-tokenizer.mjs';

describe('bundling the tokenizer into the VSIX', () => {
  let tmp = '';
  before(() => { tmp = mkdtempSync(join(tmpdir(), 'sl-bundle-')); });
  after(() => rmSync(tmp, { recursive: true, force: true }));
  /** A project root with scripts/licenses (as the repository has) and no shared folder beside it. */
  const project = (name: string) => {
    const root = join(tmp, name, 'project');
    mkdirSync(join(root, 'scripts', 'licenses'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'scripts', 'licenses', 'codet5-tokenizer-LICENSE.txt'), join(root, 'scripts', 'licenses', 'codet5-tokenizer-LICENSE.txt'));
    return root;
  };
  const emptyEnv = (cache: string) => ({ SUBTOKEN_LENS_CACHE: cache });

  it('copies vocab.json, merges.txt and the BSD-3 license from the shared folder, writable', () => {
    const root = project('shared');
    const shared = join(tmp, 'shared', 'shared', 'tokenizers', 'codet5');
    mkdirSync(shared, { recursive: true });
    for (const f of ['vocab.json', 'merges.txt', 'LICENSE.txt']) copyFileSync(join(CODET5_DIR, f), join(shared, f));
    const from = bundleTokenizer({ root, env: emptyEnv(join(tmp, 'no-cache')) });
    assert.equal(from, resolve(shared));
    const out = join(root, BUNDLED_TOKENIZER_DIR);
    for (const f of ['vocab.json', 'merges.txt', 'LICENSE.txt']) {
      assert.deepEqual(readFileSync(join(out, f)), readFileSync(join(CODET5_DIR, f)), f);
      assert.ok(statSync(join(out, f)).mode & 0o200, `${f} stays removable by the next build`);
    }
  });

  it('takes a fetched copy from the cache and adds the license it lacks', () => {
    const root = project('cache');
    const cache = join(tmp, 'cache', 'cache');
    const fetched = join(cache, 'tokenizers', 'codet5');
    mkdirSync(fetched, { recursive: true });
    for (const f of ['vocab.json', 'merges.txt']) copyFileSync(join(CODET5_DIR, f), join(fetched, f));
    assert.equal(bundleTokenizer({ root, env: emptyEnv(cache) }), fetched);
    const license = readFileSync(join(root, BUNDLED_TOKENIZER_DIR, 'LICENSE.txt'), 'utf8');
    assert.match(license, /Copyright \(c\) 2021, Salesforce\.com, Inc\./);
    assert.match(license, /Redistribution and use in source and binary forms/);
  });

  it('fails with one line naming every place it looked', () => {
    const root = project('none');
    assert.throws(() => bundleTokenizer({ root, env: emptyEnv(join(tmp, 'none-cache')) }), (err: Error) => {
      assert.ok(!err.message.includes('\n'), err.message);
      assert.match(err.message, /no CodeT5 tokenizer to ship .*shared folder .*cache .*subtoken-lens tokenizer fetch/);
      return true;
    });
    assert.ok(!existsSync(join(root, BUNDLED_TOKENIZER_DIR, 'vocab.json')));
  });

  it('stops packaging with that line and exit code 2', { timeout: 30_000 }, () => {
    // The packaging script, copied into a built project that has no tokenizer anywhere near it.
    const root = project('package');
    for (const f of ['package-vsix.mjs', 'bundle-tokenizer.mjs']) copyFileSync(join(REPO_ROOT, 'scripts', f), join(root, 'scripts', f));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'extension.js'), '');
    const env: NodeJS.ProcessEnv = { ...process.env, SUBTOKEN_LENS_CACHE: join(tmp, 'package-cache') };
    delete env.SUBTOKEN_LENS_TOKENIZER;
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'package-vsix.mjs'), '--target', 'linux-x64'], {
      cwd: root, encoding: 'utf8', timeout: 25_000, env,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^package-vsix: no CodeT5 tokenizer to ship [^\n]*\n$/);
  });
});
