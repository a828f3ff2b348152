import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import {
  GRAMMAR_FILES, GRAMMAR_PACKS, SUPPORTED_LANGUAGES, languageForPath, languageForVsCodeId,
} from '../../../src/core/spans';
import { OTHER_CODE_EXTENSIONS } from '../../../src/core/scan/classify';

test('languageForPath maps extensions case-insensitively and rejects unknown ones', () => {
  const cases: [string, string | undefined][] = [
    ['a/b/app.py', 'python'], ['stubs.pyi', 'python'], ['x.js', 'javascript'], ['x.mjs', 'javascript'],
    ['x.cjs', 'javascript'], ['View.jsx', 'javascript'], ['x.ts', 'typescript'], ['x.mts', 'typescript'],
    ['x.cts', 'typescript'], ['App.tsx', 'tsx'], ['Main.java', 'java'], ['main.go', 'go'], ['lib.rs', 'rust'],
    ['a.c', 'c'], ['a.h', 'c'], ['a.cc', 'cpp'], ['a.cpp', 'cpp'], ['a.cxx', 'cpp'], ['a.hpp', 'cpp'],
    ['a.hh', 'cpp'], ['a.hxx', 'cpp'], ['P.cs', 'csharp'], ['a.rb', 'ruby'], ['Rakefile', 'ruby'],
    ['index.php', 'php'], ['run.sh', 'bash'], ['A.kt', 'kotlin'], ['A.swift', 'swift'], ['A.scala', 'scala'],
    ['init.lua', undefined], ['C:\\src\\MAIN.PY', 'python'], ['README.md', undefined], ['Makefile', undefined],
    ['archive.tar.gz', undefined], ['dir.py/file', undefined],
  ];
  for (const [path, lang] of cases) assert.equal(languageForPath(path), lang, path);
});

test('languageForVsCodeId maps VS Code language ids', () => {
  assert.equal(languageForVsCodeId('typescriptreact'), 'tsx');
  assert.equal(languageForVsCodeId('javascriptreact'), 'javascript');
  assert.equal(languageForVsCodeId('shellscript'), 'bash');
  assert.equal(languageForVsCodeId('csharp'), 'csharp');
  assert.equal(languageForVsCodeId('plaintext'), undefined);
  assert.equal(languageForVsCodeId('toString'), undefined);
});

test('every mapped language is supported, and every grammar file exists in its npm pack', () => {
  for (const lang of SUPPORTED_LANGUAGES) {
    const g = GRAMMAR_FILES[lang]!;
    const pack = dirname(require.resolve(`${g.pack}/package.json`));
    assert.ok(existsSync(join(pack, GRAMMAR_PACKS[g.pack], g.file)), `${lang}: ${g.file} in ${g.pack}`);
    assert.ok(existsSync(join(__dirname, '../../../grammars', `${lang}.scm`)), `${lang}.scm`);
  }
  const supported: readonly string[] = SUPPORTED_LANGUAGES;
  for (const l of ['python', 'javascript', 'typescript', 'tsx', 'java', 'go', 'rust', 'c', 'cpp', 'csharp', 'ruby', 'php']) {
    assert.ok(supported.includes(l), l);
  }
});

test('the scanner\'s list of code without a grammar names no language that has one', () => {
  // scan/classify.ts keeps its own list (it must not import spans/); a language that gains a
  // grammar has to leave it, or the list says "no grammar" about a supported language.
  for (const [ext, language] of Object.entries(OTHER_CODE_EXTENSIONS)) {
    assert.equal(languageForPath(`x${ext}`), undefined, `${ext} has a grammar (${languageForPath(`x${ext}`)})`);
    assert.ok(!(SUPPORTED_LANGUAGES as readonly string[]).includes(language), `${language} has a grammar`);
  }
});
