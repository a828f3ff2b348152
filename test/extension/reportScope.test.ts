// Which files the workspace report reads: the extension's settings and VS Code's files.exclude,
// translated to the walker's gitignore patterns, and checked on a real folder walk.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { walkTree } from '../../src/core/scan/walk';
import { languageForPath } from '../../src/core/spans';
import { expandBraces, filesExcludePatterns, globToGitignore, progressText, reportJobs, reportModelKey, reportPatterns, reportProfile } from '../../src/extension/report/scope';
import { modelConfig } from '../../src/core/flops';

describe('report scope', () => {
  it('leaves one core to the editor', () => {
    assert.equal(reportJobs(1), 1);
    assert.equal(reportJobs(2), 1);
    assert.equal(reportJobs(16), 15);
  });

  it('expands brace alternatives, nested ones too', () => {
    assert.deepEqual(expandBraces('**/*.{js,ts}'), ['**/*.js', '**/*.ts']);
    assert.deepEqual(expandBraces('{a,b{c,d}}/x'), ['a/x', 'bc/x', 'bd/x']);
    assert.deepEqual(expandBraces('plain/**'), ['plain/**']);
    assert.deepEqual(expandBraces('odd{x}'), ['odd{x}']);
    assert.deepEqual(expandBraces('open{a,b'), ['open{a,b']);
  });

  it('anchors VS Code globs without a slash at the folder root, as VS Code matches them', () => {
    assert.deepEqual(globToGitignore('**/.git'), ['**/.git']);
    assert.deepEqual(globToGitignore('build'), ['/build']);
    assert.deepEqual(globToGitignore('./out/**'), ['out/**']);
    assert.deepEqual(globToGitignore('  '), []);
  });

  it('applies only the true entries of files.exclude and names the conditional ones', () => {
    const r = filesExcludePatterns({ '**/.git': true, '**/*.pyc': false, '**/*.js': { when: '$(basename).ts' }, '**/{tmp,cache}': true });
    assert.deepEqual(r.patterns, ['**/.git', '**/tmp', '**/cache']);
    assert.deepEqual(r.unsupported, ['**/*.js']);
    assert.deepEqual(filesExcludePatterns(undefined), { patterns: [], unsupported: [] });
    assert.deepEqual(filesExcludePatterns('nonsense'), { patterns: [], unsupported: [] });
  });

  it('says how many files are done and how far the bar is', () => {
    assert.deepEqual(progressText({ phase: 'walking', done: 0, total: 0, bytesDone: 0, bytesTotal: 0 }), { message: 'listing files…', percent: 0 });
    const p = progressText({ phase: 'analyzing', done: 3, total: 12, bytesDone: 250_000, bytesTotal: 1_000_000, current: 'src/a.py' });
    assert.equal(p.message, '3/12 files (0.3/1.0 MB) · src/a.py');
    assert.equal(p.percent, 25);
  });

  describe('on a folder', () => {
    let root = '';
    const files = [
      'src/app.py', 'src/util.ts', 'src/gen/schema.py', 'tests/test_app.py', 'build/out.py', 'src/build/kept.py',
      'notes.py', 'ignored_by_git.py', 'node_modules/pkg/index.js',
    ];
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'sl-scope-'));
      for (const f of files) {
        mkdirSync(dirname(join(root, f)), { recursive: true });
        writeFileSync(join(root, f), 'def some_function_name():\n    return other_value\n');
      }
      writeFileSync(join(root, '.gitignore'), 'ignored_by_git.py\n');
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    const walk = async (include: string[], exclude: string[], filesExclude: unknown) => {
      const p = reportPatterns({ include, exclude, filesExclude });
      const r = await walkTree(root, {
        maxFileSize: 1e6, includeVendored: false, includeGenerated: false, includeUnsupported: false,
        languageForPath: (x) => languageForPath(x), exclude: p.exclude, ...(p.include.length ? { include: p.include } : {}),
      });
      return r.files.map((f) => f.rel).sort();
    };

    it('honours .gitignore, files.exclude (root-anchored) and the report excludes', async () => {
      assert.deepEqual(await walk([], ['**/gen/**'], { build: true, '**/tests': true }),
        ['notes.py', 'src/app.py', 'src/build/kept.py', 'src/util.ts']);
    });

    it('reads only what report.include names when it is set', async () => {
      assert.deepEqual(await walk(['src/**'], [], {}), ['src/app.py', 'src/build/kept.py', 'src/gen/schema.py', 'src/util.ts']);
      assert.deepEqual(await walk(['*.{ts,js}'], [], {}), ['src/util.ts']);
    });
  });

  describe('model and FLOP profile from the settings', () => {
    it('counts every selectable model with a known architecture', () => {
      for (const model of ['embedded-tiny', 'embedded-small', 'codet5-small', 'codet5-base', 'codet5p-220m', 'codet5-base-multi-sum']) {
        assert.doesNotThrow(() => modelConfig(reportModelKey(model)), model);
      }
      assert.equal(reportModelKey('codet5-base-multi-sum'), 'codet5-base');
      assert.equal(reportModelKey('codet5p-220m'), 'codet5p-220m');
    });

    it('follows subtokenLens.flopProfile, the model\'s own by default', () => {
      assert.deepEqual(reportProfile({ flopProfile: 'default', outputLength: 128 }, 'codet5-base'), { profile: { name: 'classify' } });
      assert.deepEqual(reportProfile({ flopProfile: 'encoder', outputLength: 128 }, 'codet5-base'), { profile: { name: 'encoder' } });
      assert.deepEqual(reportProfile({ flopProfile: 'seq2seq', outputLength: 64 }, 'codet5-small'), { profile: { name: 'seq2seq', outputLength: 64 } });
    });

    it('falls back to the model\'s default, with the reason, when the profile does not fit', () => {
      const r = reportProfile({ flopProfile: 'seq2seq', outputLength: 64 }, 'codebert');
      assert.deepEqual(r.profile, { name: 'encoder' });
      assert.match(r.fallback ?? '', /encoder-only|decoder/i);
    });
  });
});
