// Every language's grammar loads and its query compiles; a real snippet per language yields
// exactly the identifiers a reader would name, in order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as TreeSitter from 'web-tree-sitter';
import { SUPPORTED_LANGUAGES, SpanExtractor, type LanguageId } from '../../../src/core/spans';
import { categoryRangesToArray } from '../../../src/core/spans/category-ranges';

let extractor: SpanExtractor;
before(async () => {
  extractor = await SpanExtractor.create();
});
after(() => extractor.dispose());

test('all grammars load within the runtime ABI range and all queries compile', async () => {
  const failures: string[] = [];
  for (const lang of SUPPORTED_LANGUAGES) {
    try {
      await extractor.ensureLanguage(lang);
    } catch (e) {
      failures.push(`${lang}: ${(e as Error).message}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(TreeSitter.MIN_COMPATIBLE_VERSION <= 13 && TreeSitter.LANGUAGE_VERSION >= 15);
});

interface Case {
  readonly lang: LanguageId;
  readonly code: string;
  readonly ids: readonly string[];
  readonly strings?: readonly string[];
}

const CASES: Case[] = [
  { lang: 'python', code: 'self.user_name = get_user_by_id(x)\n', ids: ['self', 'user_name', 'get_user_by_id', 'x'] },
  {
    lang: 'python',
    code: 'class Foo:\n    def __init__(self, n):\n        self.foo = f"id={n!r}"\n',
    ids: ['Foo', '__init__', 'self', 'n', 'self', 'foo', 'n'], strings: ['id='],
  },
  {
    lang: 'javascript',
    code: 'const { userName, b: c } = obj;\nouter: for (;;) { this.#count = `a${x.y}b`; break outer; }\n',
    ids: ['userName', 'b', 'c', 'obj', 'outer', '#count', 'x', 'y', 'outer'], strings: ['a', 'b'],
  },
  {
    lang: 'typescript',
    code: 'interface User { userName: string }\nfunction f<T>(u: User): T { return { userName, n: u.userName } as T; }\n',
    ids: ['User', 'userName', 'f', 'T', 'u', 'User', 'T', 'userName', 'n', 'u', 'userName', 'T'],
  },
  {
    lang: 'tsx',
    code: 'const App = (p: Props) => <Box title="t">{p.label}</Box>;\n',
    ids: ['App', 'p', 'Props', 'Box', 'title', 'p', 'label', 'Box'], strings: ['t'],
  },
  {
    lang: 'java',
    code: 'class UserRepo<T> { private int count; void add(String s) { this.count = s.length(); } }\n',
    ids: ['UserRepo', 'T', 'count', 'add', 'String', 's', 'count', 's', 'length'],
  },
  {
    lang: 'go',
    code: 'package main\n\nimport "fmt"\n\ntype Person struct{ Name string }\n\nfunc (p *Person) Hi() { fmt.Println(p.Name) }\n',
    ids: ['main', 'Person', 'Name', 'string', 'p', 'Person', 'Hi', 'fmt', 'Println', 'p', 'Name'], strings: ['fmt'],
  },
  {
    lang: 'rust',
    code: 'struct User { user_name: String }\nimpl User { fn name(&self) -> &str { &self.user_name } }\n',
    ids: ['User', 'user_name', 'String', 'User', 'name', 'user_name'],
  },
  {
    lang: 'c',
    code: 'typedef struct { int count; } Counter;\nint bump(Counter *c) { return c->count++; }\n',
    ids: ['count', 'Counter', 'bump', 'Counter', 'c', 'c', 'count'],
  },
  {
    lang: 'cpp',
    code: 'namespace ns { class Box { int value_; public: int get() const { return this->value_; } }; }\nstd::string s;\n',
    ids: ['ns', 'Box', 'value_', 'get', 'value_', 'std', 'string', 's'],
  },
  {
    lang: 'csharp',
    code: 'namespace App;\npublic class UserService { public string Greet(string userName) => $"Hi {userName}!"; }\n',
    ids: ['App', 'UserService', 'Greet', 'userName', 'userName'], strings: ['Hi ', '!'],
  },
  {
    lang: 'ruby',
    code: 'class Account\n  MAX = 3\n  def add(x)\n    @count += x\n    { user_name: :admin }\n  end\nend\n',
    ids: ['Account', 'MAX', 'add', 'x', '@count', 'x', 'user_name', ':admin'],
  },
  {
    lang: 'php',
    code: '<?php\nclass Repo { private $userName; function get() { return $this->userName . "hi $name"; } }\n',
    ids: ['Repo', '$userName', 'get', '$this', 'userName', '$name'], strings: ['hi '],
  },
  { lang: 'bash', code: 'NAME=world\ngreet() { echo "hi $NAME"; }\n', ids: ['NAME', 'greet', 'NAME'], strings: ['hi '] },
  { lang: 'kotlin', code: 'class User(val userName: String) {\n  fun hi() = "Hi $userName"\n}\n', ids: ['User', 'userName', 'String', 'hi', 'userName'] },
  { lang: 'swift', code: 'struct User {\n  var userName: String\n}\n', ids: ['User', 'userName', 'String'] },
  { lang: 'scala', code: 'object Main { def twice(x: Int) = x * 2 }\n', ids: ['Main', 'twice', 'x', 'Int', 'x'] },
];

for (const c of CASES) {
  test(`${c.lang}: identifiers of ${JSON.stringify(c.code.slice(0, 40))}`, async () => {
    await extractor.ensureLanguage(c.lang);
    const r = extractor.extract(c.code, c.lang);
    const text = (s: { start: number; end: number }) => c.code.slice(s.start, s.end);
    assert.deepEqual(r.identifiers.map(text), c.ids);
    if (c.strings) assert.deepEqual(r.strings.map(text), c.strings);
    assert.equal(r.hasErrors, false, 'snippet parses cleanly');
    // Every identifier range is also an identifier category range, and nothing overlaps.
    const categories = categoryRangesToArray(r.categories);
    const idCats = categories.filter((k) => k.category === 'identifier').map(text);
    assert.deepEqual(idCats, c.ids);
    let pos = 0;
    for (const k of categories) {
      assert.ok(k.start >= pos && k.end > k.start, `sorted, non-empty, non-overlapping at ${k.start}`);
      assert.match(c.code.slice(pos, k.start), /^\s*$/, 'only whitespace is left unclassified');
      pos = k.end;
    }
  });
}

test('no leaf whose type names an identifier is left uncaptured in the snippets', async () => {
  for (const c of CASES) {
    await extractor.ensureLanguage(c.lang);
    const { tree, result } = extractor.parse(c.code, c.lang);
    const captured = new Set(result.identifiers.map((s) => `${s.start}:${s.end}`));
    const missed: string[] = [];
    const cursor = tree.walk();
    for (let more = true; more;) {
      const isLeaf = !cursor.gotoFirstChild();
      if (isLeaf) {
        // Scala's operator_identifier (`+`, `::`) is an operator by design.
        if (/(?<!operator_)identifier|^name$|constant/.test(cursor.nodeType) && !captured.has(`${cursor.startIndex}:${cursor.endIndex}`)) {
          // Inside an outer capture (PHP `$name`) is fine.
          const inside = result.identifiers.some((s) => s.start <= cursor.startIndex && cursor.endIndex <= s.end);
          if (!inside) missed.push(`${c.lang}:${cursor.nodeType}:${cursor.nodeText}`);
        }
        while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) { more = false; break; }
      }
    }
    cursor.delete();
    tree.delete();
    assert.deepEqual(missed, []);
  }
});
