// The fused single-pass extraction (what `extract` runs) must give exactly the SpanResult of the
// straightforward one (whole query, then a walk that looks captured nodes up by id:
// `extractReference`), with the direct cursor calls and with web-tree-sitter's public TreeCursor,
// on real files of every language found on this machine and on snippets of every language.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { SUPPORTED_LANGUAGES, SpanExtractor, isSupportedLanguage, languageForPath } from '../../../src/core/spans';
import { useDirectCursor } from '../../../src/core/spans/cursor-access';
import { categoryRangesToArray } from '../../../src/core/spans/category-ranges';
import type { SpanResult } from '../../../src/core/types';

const REPO = resolve(__dirname, '../../..');
let extractor: SpanExtractor;
before(async () => {
  extractor = await SpanExtractor.create({ preload: SUPPORTED_LANGUAGES });
});
after(() => {
  useDirectCursor(true);
  extractor.dispose();
});

/** Compares the three ways on one text; returns the result for further checks. */
function assertParity(text: string, language: string, label: string): SpanResult {
  assert.ok(isSupportedLanguage(language), `${label}: ${language} has no grammar`);
  const reference = extractor.extractReference(text, language);
  useDirectCursor(true);
  const fused = extractor.extract(text, language);
  useDirectCursor(false);
  const publicCursor = extractor.extract(text, language);
  useDirectCursor(true);
  // deepEqual on 100k ranges prints unreadably: find the first difference first.
  for (const key of ['identifiers', 'strings', 'categories'] as const) {
    for (const [name, got] of [['fused', fused], ['public cursor', publicCursor]] as const) {
      const a = rangesOf(got, key), b = rangesOf(reference, key);
      const i = firstDifference(a, b);
      if (i >= 0) {
        assert.fail(`${label} (${language}), ${name} ${key}[${i}]: ${JSON.stringify(a[i])} vs reference ${JSON.stringify(b[i])} ` +
          `(${a.length} vs ${b.length}); text there: ${JSON.stringify(text.slice(Math.max(0, ((b[i] ?? a[i]) as { start: number }).start - 20), ((b[i] ?? a[i]) as { start: number }).start + 40))}`);
      }
    }
  }
  assert.deepEqual(fused, reference, label);
  assert.deepEqual(publicCursor, reference, label);
  return fused;
}

/** The spans of `key` as objects (categories come packed). */
function rangesOf(r: SpanResult, key: 'identifiers' | 'strings' | 'categories'): readonly object[] {
  return key === 'categories' ? categoryRangesToArray(r.categories) : r[key];
}

function firstDifference(a: readonly object[], b: readonly object[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) return i;
  return -1;
}

test('the direct cursor calls are in use (the extractor started the runtime)', () => {
  assert.equal(useDirectCursor(true), true);
});

// Every construct the rules of grammars/README.md single out, per language.
const SNIPPETS: Record<string, string> = {
  python: 'class Foo(Base):\n    """Doc."""\n    def __init__(self, n: int = 0) -> None:\n        self.foo = f"id={n!r} {self.x:>{w}}" \'raw\' b"\\x00"\n        # comment\n        return [x for x in range(n) if x is not None]\n\ndef broken(a:\n    lookup(a\n',
  javascript: 'const { userName, b: c } = obj; // c\nouter: for (;;) { this.#count = `a${x.y}b${`n${z}`}`; break outer; }\nconst r = /ab+c/gi, j = <Box title="t" {...p}>text {p.label}</Box>;\nfunction (',
  typescript: 'interface User<T> { userName: string; n?: number }\n/** doc */\nfunction f<T extends User<T>>(u: User<T>): T { return { userName, n: u.userName } as unknown as T; }\nenum E { A = "a" }\nlet x: ',
  tsx: 'const App = (p: Props) => <Box title="t" k={`${p.a}`}>{p.label} text</Box>;\ntype Props = { label: string };\n',
  java: 'class UserRepo<T> { private int count; /* c */ void add(String s) { this.count = s.length() + \'c\'; String t = """\n  block\n  """; } }\n',
  go: 'package main\nimport "fmt"\n// c\nfunc main() { var s string = `raw`; r := \'x\'; fmt.Println(s, r, "a\\n") \nL: for { break L } }\n',
  rust: 'fn main() { let s: &str = "a\\n"; let r = r#"raw"#; let c = \'c\'; /// doc\n let p = Point { x, y: 1 }; macro_rules! m { ($e:expr) => { $e } } }\n',
  c: '#include <stdio.h>\n#include "local.h"\nint main(void) { struct s v; v.f = \'c\'; printf("%d\\n", v.f); /* c */ goto end; end: return 0; }\n',
  cpp: '#include <vector>\nnamespace ns { template <class T> class A { int m; }; }\nauto s = R"(raw)"; std::vector<int> v{1}; // c\n',
  csharp: 'class A { string s = $"a{b}c" + @"v\\" + """raw"""; char c = \'c\'; int M(int x) => x; }\n',
  ruby: 'class User\n  attr_reader :user_name\n  def initialize(n)\n    @count = 1; @@total = 2; $stdout.puts "a#{n}b", :"q s", %w[a b], /re#{n}/\n    x = <<~EOS\n      hello #{n}\n    EOS\n    `ls #{n}`\n  end\nend\n',
  php: '<?php\nclass Repo { private $userName; function f($x) { return "a{$x->y}b $z" . \'s\' . `ls`; } }\n$t = <<<EOT\nHello $name and {$obj->prop}\nEOT;\n$n = <<<\'EOT\'\nraw $x\nEOT;\n',
  bash: 'NAME=world\ngreet() { echo "hi $NAME ${NAME:-x} $(date)" \'raw\' $\'c\\n\'; }\ncat <<EOF\nhello $NAME\nEOF\n# comment\n',
  kotlin: 'class User(val userName: String) {\n  fun greet() = "hi $userName ${userName.length}" + \'c\'\n  // c\n}\n',
  swift: 'struct User {\n  var userName: String\n  func greet() -> String { return "hi \\(userName)" + """\n  multi\n  """ }\n}\n',
  scala: 'object Main { def twice(x: Int) = x * 2 ; val s = s"a$x b${x + 1}" + "plain" ; val l = 1 :: Nil }\n',
};

test('snippets of every language', () => {
  assert.deepEqual(Object.keys(SNIPPETS).sort(), [...SUPPORTED_LANGUAGES].sort());
  for (const [language, code] of Object.entries(SNIPPETS)) {
    const r = assertParity(code, language, 'snippet');
    assert.ok(r.identifiers.length > 0 && r.categories.length > 0, language);
  }
});

test('PHP heredoc interpolation: the query captures $name inside a string body, so identifiers keep it', () => {
  const code = '<?php\n$t = <<<EOT\nHello $name\nEOT;\n';
  const r = assertParity(code, 'php', 'heredoc');
  assert.ok(r.identifiers.some((s) => code.slice(s.start, s.end) === '$name'));
});

test('degenerate inputs: empty, whitespace, deep nesting, unterminated literals', () => {
  for (const language of SUPPORTED_LANGUAGES) {
    for (const code of ['', '\n\n  ', '"', '/*', '((((((((((x', '"a\\', 'x' + '('.repeat(500)]) assertParity(code, language, JSON.stringify(code.slice(0, 12)));
  }
});

// --- Real files on this machine -----------------------------------------------------------

function pythonStdlib(): string | undefined {
  try {
    return execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Up to `perLanguage` files (≤ maxBytes each) per language under the roots, found breadth-first within a visit budget. */
function findFiles(roots: string[], perLanguage: number, maxBytes: number): Map<string, string[]> {
  const byLang = new Map<string, string[]>();
  const queue = [...roots];
  let visits = 0;
  while (queue.length && visits < 15_000) {
    const dir = queue.shift()!;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (++visits >= 15_000) break;
      const p = join(dir, name);
      let st;
      try { st = statSync(p); } catch { continue; }
      if (st.isDirectory()) { if (!name.startsWith('.') || dir === homedir()) queue.push(p); continue; }
      const lang = languageForPath(name);
      if (!lang || st.size === 0 || st.size > maxBytes) continue;
      const list = byLang.get(lang) ?? [];
      if (list.length < perLanguage) byLang.set(lang, [...list, p]);
    }
  }
  return byLang;
}

test('real files of every language found on disk', () => {
  const py = pythonStdlib();
  const roots = [
    ...(py ? [py] : []),
    join(REPO, 'node_modules/typescript/lib'), join(REPO, 'node_modules/commander'), join(REPO, 'node_modules/web-tree-sitter'),
    join(REPO, 'src'), join(REPO, 'test'),
    '/usr/share/doc', '/usr/include', '/usr/local/include', '/etc', join(homedir(), '.pyenv', 'src'), join(homedir(), '.pyenv', 'plugins'),
  ];
  const files = findFiles(roots, 4, 150_000);
  const seen: string[] = [];
  let bytes = 0;
  for (const [language, paths] of files) {
    for (const p of paths) {
      const text = readFileSync(p, 'utf8');
      assertParity(text, language, p);
      bytes += text.length;
    }
    seen.push(`${language}:${paths.length}`);
  }
  // The repository itself always has TypeScript and JavaScript (node_modules).
  assert.ok(files.has('typescript') && files.has('javascript'), seen.join(' '));
  console.log(`parity on ${(bytes / 1e6).toFixed(2)} MB: ${seen.join(' ')}`);
});

test('a whole stdlib-sized Python module and a large .d.ts', () => {
  const py = pythonStdlib();
  const big = [
    ...(py ? [join(py, 'typing.py'), join(py, 'argparse.py')] : []),
    join(REPO, 'node_modules/typescript/lib/lib.es5.d.ts'),
  ];
  let checked = 0;
  for (const p of big) {
    let text: string;
    try { text = readFileSync(p, 'utf8'); } catch { continue; }
    assertParity(text, languageForPath(p)!, p);
    checked++;
  }
  assert.ok(checked >= 1);
});
