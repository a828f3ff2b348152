import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Edit, Point } from 'web-tree-sitter';
import {
  SUPPORTED_LANGUAGES,
  GrammarLoadError, LanguageNotLoadedError, SpanExtractor, UnsupportedLanguageError,
} from '../../../src/core/spans';
import { categoryRangesToArray } from '../../../src/core/spans/category-ranges';
import type { SpanResult } from '../../../src/core/types';

let extractor: SpanExtractor;
before(async () => {
  extractor = await SpanExtractor.create({ preload: ['python', 'javascript', 'typescript'] });
});
after(() => extractor.dispose());

const texts = (code: string, spans: readonly { start: number; end: number }[]) => spans.map((s) => code.slice(s.start, s.end));

test('offsets are JS string indices for non-ASCII identifiers and emoji', () => {
  const code = 'naïve_名前 = "😀 héllo"\nπ = naïve_名前 + 1  # ✓ done\n';
  const r = extractor.extract(code, 'python');
  assert.deepEqual(texts(code, r.identifiers), ['naïve_名前', 'π', 'naïve_名前']);
  assert.deepEqual(texts(code, r.strings), ['😀 héllo']);
  const comment = categoryRangesToArray(r.categories).find((c) => c.category === 'comment')!;
  assert.equal(code.slice(comment.start, comment.end), '# ✓ done');
  assert.equal(r.categories.ends[r.categories.length - 1], code.length - 1);
});

test('categories of a small snippet: every leaf classified, whitespace left as gaps', () => {
  const code = 'def f(x):\n    return x + 1  # add\n';
  const r = extractor.extract(code, 'python');
  const categories = categoryRangesToArray(r.categories);
  assert.deepEqual(categories.map((c) => [code.slice(c.start, c.end), c.category]), [
    ['def', 'keyword'], ['f', 'identifier'], ['(', 'operator'], ['x', 'identifier'], [')', 'operator'],
    [':', 'operator'], ['return', 'keyword'], ['x', 'identifier'], ['+', 'operator'], ['1', 'other'],
    ['# add', 'comment'],
  ]);
  let pos = 0;
  for (const c of categories) {
    assert.match(code.slice(pos, c.start), /^\s*$/, 'gaps are whitespace only');
    pos = c.end;
  }
  assert.match(code.slice(pos), /^\s*$/);
});

test('strings: quotes and interpolation are not contents; keywords constants are keywords', () => {
  const code = 'const s = `a${user.name}b` + "q\\n" + null;\n';
  const r = extractor.extract(code, 'javascript');
  assert.deepEqual(texts(code, r.strings), ['a', 'b', 'q\\n']);
  const cat = (t: string) => categoryRangesToArray(r.categories).find((c) => code.slice(c.start, c.end) === t)?.category;
  assert.equal(cat('`a'), 'string');
  assert.equal(cat('${'), 'operator');
  assert.equal(cat('name'), 'identifier');
  assert.equal(cat('null'), 'keyword');
  assert.equal(cat('const'), 'keyword');
});

test('a file with syntax errors still yields what tree-sitter recovered', () => {
  const code = 'def broken(user_id:\n    return lookup(user_id\n\nclass Ok:\n    value = other_name\n';
  const r = extractor.extract(code, 'python');
  assert.equal(r.hasErrors, true);
  const ids = texts(code, r.identifiers);
  for (const name of ['broken', 'user_id', 'lookup', 'Ok', 'value', 'other_name']) assert.ok(ids.includes(name), name);
  assert.equal(extractor.extract('x = 1\n', 'python').hasErrors, false);
});

test('unknown language: UnsupportedLanguageError, sync and async; not-yet-loaded: LanguageNotLoadedError', async () => {
  // @ts-expect-error: 'cobol' is no LanguageId; a caller that gets past the type is refused at run time too.
  assert.throws(() => extractor.extract('x', 'cobol'), UnsupportedLanguageError);
  await assert.rejects(extractor.ensureLanguage('cobol'), (e: unknown) => e instanceof UnsupportedLanguageError && /cobol/.test(e.message));
  const fresh = await SpanExtractor.create();
  try {
    assert.equal(fresh.isLoaded('go'), false);
    assert.throws(() => fresh.extract('package main', 'go'), LanguageNotLoadedError);
    await fresh.ensureLanguage('go');
    assert.equal(fresh.extract('package main\n', 'go').identifiers.length, 1);
  } finally {
    fresh.dispose();
  }
  assert.throws(() => fresh.extract('x', 'go'), /dispose/);
});

test('grammarDirs are searched first; a broken query names its file and the bad node', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spans-'));
  try {
    writeFileSync(join(dir, 'c.scm'), '(no_such_node) @identifier\n');
    const custom = await SpanExtractor.create({ grammarDirs: [dir] });
    try {
      await assert.rejects(custom.ensureLanguage('c'), (e: unknown) =>
        e instanceof GrammarLoadError && e.file === join(dir, 'c.scm') && /no_such_node/.test(e.message));
      writeFileSync(join(dir, 'c.scm'), '(identifier) @identifier\n');
      await custom.ensureLanguage('c');
      assert.deepEqual(custom.filesFor('c')?.query, join(dir, 'c.scm'));
      const code = 'int a = b + "s"[0];\n';
      const r = custom.extract(code, 'c');
      assert.deepEqual(texts(code, r.identifiers), ['a', 'b']);
      assert.deepEqual(r.strings, [], 'this query captures no strings');
    } finally {
      custom.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('10,000 nested brackets do not overflow the stack', () => {
  const depth = 10_000;
  const code = 'x = ' + '['.repeat(depth) + 'deep_name' + ']'.repeat(depth) + '\n';
  const r = extractor.extract(code, 'python');
  assert.deepEqual(texts(code, r.identifiers), ['x', 'deep_name']);
  assert.equal(categoryRangesToArray(r.categories).filter((c) => c.category === 'operator').length, 2 * depth + 1);
  const js = 'f(' + '('.repeat(depth) + 'a' + ')'.repeat(depth) + ');\n';
  assert.deepEqual(texts(js, extractor.extract(js, 'javascript').identifiers), ['f', 'a']);
});

/** Edit for replacing text[start, oldEnd) with `inserted`, in tree-sitter's terms (UTF-16 indices). */
function editFor(text: string, start: number, oldEnd: number, inserted: string): Edit {
  const point = (s: string, i: number): Point => {
    const before = s.slice(0, i);
    const line = before.split('\n').length - 1;
    return { row: line, column: i - (before.lastIndexOf('\n') + 1) };
  };
  const next = text.slice(0, start) + inserted + text.slice(oldEnd);
  const newEnd = start + inserted.length;
  return {
    startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd,
    startPosition: point(text, start), oldEndPosition: point(text, oldEnd), newEndPosition: point(next, newEnd),
  };
}

test('incremental re-parse after tree.edit() equals a fresh parse', () => {
  let text = 'interface User { userName: string }\nfunction greet(u: User) { return "hi " + u.userName; }\n';
  const { tree: first } = extractor.parse(text, 'typescript');
  let tree = first;
  const edits: [string, string][] = [['userName', 'displayName'], ['"hi "', '`hé ${u.id} 😀`'], ['greet', 'greetÜser']];
  for (const [from, to] of edits) {
    let at = text.indexOf(from);
    while (at >= 0) {
      tree.edit(editFor(text, at, at + from.length, to));
      text = text.slice(0, at) + to + text.slice(at + from.length);
      at = text.indexOf(from, at + to.length);
    }
    const incremental = extractor.parse(text, 'typescript', tree);
    tree.delete();
    tree = incremental.tree;
    const fresh: SpanResult = extractor.extract(text, 'typescript');
    assert.deepEqual(incremental.result, fresh, `after ${from} -> ${to}`);
  }
  const ids = texts(text, extractor.extract(text, 'typescript').identifiers);
  assert.ok(ids.includes('displayName') && ids.includes('greetÜser') && !ids.includes('userName'));
  tree.delete();
});

test('grammars requested concurrently all load (links into the shared runtime are serialized)', async () => {
  const fresh = await SpanExtractor.create();
  try {
    await Promise.all(SUPPORTED_LANGUAGES.map((l) => fresh.ensureLanguage(l)));
    for (const l of SUPPORTED_LANGUAGES) {
      assert.ok(fresh.isLoaded(l), l);
      assert.ok(Array.isArray(fresh.extract('x = y\n', l).identifiers), l);
    }
  } finally {
    fresh.dispose();
  }
});
