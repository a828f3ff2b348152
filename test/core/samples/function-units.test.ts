import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SUPPORTED_LANGUAGES, SpanExtractor, type LanguageId } from '../../../src/core/spans';
import { FUNCTION_NODE_TYPES, functionUnits, outsideUnit, sampleText } from '../../../src/core/samples/function-units';
import type { FunctionUnit, TextRange } from '../../../src/core/samples/types';
import type { SourceSpan, SpanResult } from '../../../src/core/types';

let extractor: SpanExtractor;
before(async () => {
  extractor = await SpanExtractor.create({ preload: [...SUPPORTED_LANGUAGES] });
});
after(() => extractor.dispose());

/** Expected unit: name, node type, 1-based line, index of the direct parent unit (-1: top level), how its text starts. */
type Expected = readonly [name: string, nodeType: string, line: number, parent: number, startsWith: string];

interface Case {
  readonly language: LanguageId;
  readonly source: string;
  readonly units: readonly Expected[];
}

const lines = (...l: string[]): string => l.join('\n') + '\n';

// One sample per language with nested functions, methods and lambdas (plus, where the language has
// them, the declarations without a body that must not count).
const CASES: readonly Case[] = [
  {
    language: 'python',
    source: lines(
      'import os',
      '',
      '@decorator',
      'def outer(a):',
      '    def inner(b):',
      '        return b + 1',
      '    f = lambda x: x * 2',
      '    return inner(a)',
      '',
      'class Greeter:',
      '    def __init__(self, name):',
      '        self.name = name',
      '',
      '    @staticmethod',
      '    async def greet(who):',
      '        return sorted(who, key=lambda w: w.lower())',
    ),
    units: [
      ['outer', 'function_definition', 3, -1, '@decorator\ndef outer(a):'],
      ['inner', 'function_definition', 5, 0, 'def inner(b):'],
      ['<lambda>', 'lambda', 7, 0, 'lambda x: x * 2'],
      ['__init__', 'function_definition', 11, -1, 'def __init__'],
      ['greet', 'function_definition', 14, -1, '@staticmethod\n    async def greet'],
      ['<lambda>', 'lambda', 16, 4, 'lambda w: w.lower()'],
    ],
  },
  {
    language: 'javascript',
    source: lines(
      'const add = (a, b) => a + b;',
      'function outer(x) {',
      '  function inner(y) { return y; }',
      '  return [x].map((v) => v * 2).filter(function (v) { return v; });',
      '}',
      'class Box {',
      '  constructor(v) { this.v = v; }',
      '  get value() { return this.v; }',
      '  *items() { yield this.v; }',
      '  handler = () => { this.v++; };',
      '}',
      'const gen = function* named() { yield 1; };',
      'const obj = { method() { return 1; }, arrow: x => x };',
    ),
    units: [
      ['add', 'arrow_function', 1, -1, '(a, b) => a + b'],
      ['outer', 'function_declaration', 2, -1, 'function outer(x)'],
      ['inner', 'function_declaration', 3, 1, 'function inner(y)'],
      ['<lambda>', 'arrow_function', 4, 1, '(v) => v * 2'],
      ['<anonymous>', 'function_expression', 4, 1, 'function (v)'],
      ['constructor', 'method_definition', 7, -1, 'constructor(v)'],
      ['value', 'method_definition', 8, -1, 'get value()'],
      ['items', 'method_definition', 9, -1, '*items()'],
      ['handler', 'arrow_function', 10, -1, '() => { this.v++; }'],
      ['named', 'generator_function', 12, -1, 'function* named()'],
      ['method', 'method_definition', 13, -1, 'method()'],
      ['arrow', 'arrow_function', 13, -1, 'x => x'],
    ],
  },
  {
    language: 'typescript',
    source: lines(
      'export function outer<T>(xs: T[]): T[] {',
      '  const keep = (x: T): boolean => !!x;',
      '  return xs.filter(keep).map(function (x) { return x; });',
      '}',
      'abstract class Repo {',
      '  constructor(private readonly db: Db) {}',
      '  abstract find(id: string): Item;',
      '  load(id: string): Item;',
      '  load(id: any) { return this.db.get(id, (e: Error) => log(e)); }',
      '  handler = async () => { await this.flush(); };',
      '}',
      'function decl(a: number): number;',
      'function decl(a: any) { return a; }',
      'interface I { m(): void; }',
    ),
    units: [
      ['outer', 'function_declaration', 1, -1, 'function outer<T>'],
      ['keep', 'arrow_function', 2, 0, '(x: T): boolean => !!x'],
      ['<anonymous>', 'function_expression', 3, 0, 'function (x)'],
      ['constructor', 'method_definition', 6, -1, 'constructor(private'],
      ['load', 'method_definition', 9, -1, 'load(id: any)'],
      ['<lambda>', 'arrow_function', 9, 4, '(e: Error) => log(e)'],
      ['handler', 'arrow_function', 10, -1, 'async () =>'],
      ['decl', 'function_declaration', 13, -1, 'function decl(a: any)'],
    ],
  },
  {
    language: 'tsx',
    source: lines(
      'const App = () => <div onClick={() => go()}>{items.map(i => <b>{i}</b>)}</div>;',
      'function Page(props: Props) {',
      '  const render = function () { return <App />; };',
      '  return render();',
      '}',
    ),
    units: [
      ['App', 'arrow_function', 1, -1, '() => <div'],
      ['<lambda>', 'arrow_function', 1, 0, '() => go()'],
      ['<lambda>', 'arrow_function', 1, 0, 'i => <b>'],
      ['Page', 'function_declaration', 2, -1, 'function Page'],
      ['render', 'function_expression', 3, 3, 'function () {'],
    ],
  },
  {
    language: 'java',
    source: lines(
      'public class Outer {',
      '    private int count;',
      '    public Outer(int count) {',
      '        this.count = count;',
      '    }',
      '    @Override',
      '    public String toString() {',
      '        Runnable r = () -> System.out.println(count);',
      '        return items.stream().map(x -> x + 1).toString();',
      '    }',
      '    abstract void later();',
      '    record Point(int x, int y) {',
      '        Point { assert x >= 0; }',
      '    }',
      '    Object anon = new Object() {',
      '        @Override public int hashCode() { return 1; }',
      '    };',
      '}',
    ),
    units: [
      ['Outer', 'constructor_declaration', 3, -1, 'public Outer(int count)'],
      ['toString', 'method_declaration', 6, -1, '@Override\n    public String toString()'],
      ['r', 'lambda_expression', 8, 1, '() -> System.out'],
      ['<lambda>', 'lambda_expression', 9, 1, 'x -> x + 1'],
      ['Point', 'compact_constructor_declaration', 13, -1, 'Point {'],
      ['hashCode', 'method_declaration', 16, -1, '@Override public int hashCode()'],
    ],
  },
  {
    language: 'go',
    source: lines(
      'package main',
      '',
      'func outer(a int) int {',
      '\tinner := func(b int) int { return b + 1 }',
      '\treturn inner(a)',
      '}',
      '',
      'func (s *Server) Handle(w Writer) {',
      '\tgo func() { s.run(func() {}) }()',
      '}',
      '',
      'func asm(x int) int',
    ),
    units: [
      ['outer', 'function_declaration', 3, -1, 'func outer'],
      ['<anonymous>', 'func_literal', 4, 0, 'func(b int)'],
      ['Handle', 'method_declaration', 8, -1, 'func (s *Server) Handle'],
      ['<anonymous>', 'func_literal', 9, 2, 'func() { s.run('],
      ['<anonymous>', 'func_literal', 9, 3, 'func() {}'],
    ],
  },
  {
    language: 'rust',
    source: lines(
      'fn outer(a: i32) -> i32 {',
      '    fn inner(b: i32) -> i32 { b + 1 }',
      '    let add = |x| x + a;',
      '    inner(add(a))',
      '}',
      'impl Point {',
      '    pub fn new(x: i32) -> Self { Point { x } }',
      '}',
      'trait Shape {',
      '    fn area(&self) -> f64;',
      '    fn name(&self) -> String { self.parts().map(|p| p.len()).sum() }',
      '}',
    ),
    units: [
      ['outer', 'function_item', 1, -1, 'fn outer'],
      ['inner', 'function_item', 2, 0, 'fn inner'],
      ['<lambda>', 'closure_expression', 3, 0, '|x| x + a'],
      ['new', 'function_item', 7, -1, 'pub fn new'],
      ['name', 'function_item', 11, -1, 'fn name'],
      ['<lambda>', 'closure_expression', 11, 4, '|p| p.len()'],
    ],
  },
  {
    language: 'c',
    source: lines(
      '#include <stdio.h>',
      '#define MAX(a, b) ((a) > (b) ? (a) : (b))',
      'static int helper(int x);',
      'int *make(int n) {',
      '    return NULL;',
      '}',
      'int main(int argc, char **argv) {',
      '    int (*fp)(int) = helper;',
      '    return helper(argc);',
      '}',
      'static void (*pick(int k))(void) { return 0; }',
    ),
    units: [
      ['make', 'function_definition', 4, -1, 'int *make'],
      ['main', 'function_definition', 7, -1, 'int main'],
      ['pick', 'function_definition', 11, -1, 'static void (*pick'],
    ],
  },
  {
    language: 'cpp',
    source: lines(
      'namespace ns {',
      'class Widget {',
      'public:',
      '    Widget(int v) : v_(v) {}',
      '    ~Widget() {}',
      '    int get() const { return v_; }',
      '    virtual void draw() = 0;',
      '    Widget(const Widget&) = default;',
      '    bool operator==(const Widget& o) const { return v_ == o.v_; }',
      '};',
      'int Widget::compute(int x) {',
      '    auto sq = [](int y) { return y * y; };',
      '    return count_if(b, e, [&](int z) { return z > x; }) + sq(x);',
      '}',
      'template <typename T>',
      'T identity(T t) { return t; }',
      '}',
    ),
    units: [
      ['Widget', 'function_definition', 4, -1, 'Widget(int v)'],
      ['~Widget', 'function_definition', 5, -1, '~Widget()'],
      ['get', 'function_definition', 6, -1, 'int get()'],
      ['operator==', 'function_definition', 9, -1, 'bool operator=='],
      ['Widget::compute', 'function_definition', 11, -1, 'int Widget::compute'],
      ['<lambda>', 'lambda_expression', 12, 4, '[](int y)'],
      ['<lambda>', 'lambda_expression', 13, 4, '[&](int z)'],
      ['identity', 'function_definition', 15, -1, 'template <typename T>\nT identity'],
    ],
  },
  {
    language: 'csharp',
    source: lines(
      'namespace Demo {',
      '    public abstract class Account {',
      '        private int balance;',
      '        public Account(int b) { balance = b; }',
      '        ~Account() { }',
      '        public int Deposit(int amount) {',
      '            int Local(int x) => x * 2;',
      '            Func<int, int> f = y => y + 1;',
      '            Action a = delegate () { Run(() => 1); };',
      '            return Local(amount);',
      '        }',
      '        public int Balance { get { return balance; } set { balance = value; } }',
      '        public int Twice() => balance * 2;',
      '        public abstract void Later();',
      '        public static Account operator +(Account a, Account b) { return a; }',
      '        public static implicit operator int(Account a) => a.balance;',
      '    }',
      '}',
    ),
    units: [
      ['Account', 'constructor_declaration', 4, -1, 'public Account(int b)'],
      ['~Account', 'destructor_declaration', 5, -1, '~Account()'],
      ['Deposit', 'method_declaration', 6, -1, 'public int Deposit'],
      ['Local', 'local_function_statement', 7, 2, 'int Local'],
      ['f', 'lambda_expression', 8, 2, 'y => y + 1'],
      ['a', 'anonymous_method_expression', 9, 2, 'delegate ()'],
      ['<lambda>', 'lambda_expression', 9, 5, '() => 1'],
      ['Twice', 'method_declaration', 13, -1, 'public int Twice'],
      ['operator +', 'operator_declaration', 15, -1, 'public static Account operator +'],
      ['operator int', 'conversion_operator_declaration', 16, -1, 'public static implicit operator int'],
    ],
  },
  {
    language: 'ruby',
    source: lines(
      'class Greeter',
      '  def initialize(name)',
      '    @name = name',
      '  end',
      '  def self.create(*args)',
      '    new(*args)',
      '  end',
      '  def greet',
      '    square = ->(x) { x * x }',
      '    [1, 2].map { |n| n + 1 }',
      '    [3].each do |m|',
      '      puts m',
      '    end',
      '    def nested; end',
      '  end',
      'end',
    ),
    units: [
      ['initialize', 'method', 2, -1, 'def initialize'],
      ['create', 'singleton_method', 5, -1, 'def self.create'],
      ['greet', 'method', 8, -1, 'def greet'],
      ['<lambda>', 'lambda', 9, 2, '->(x) { x * x }'],
      ['<lambda>', 'block', 10, 2, '{ |n| n + 1 }'],
      ['<lambda>', 'do_block', 11, 2, 'do |m|'],
      ['nested', 'method', 14, 2, 'def nested; end'],
    ],
  },
  {
    language: 'php',
    source: lines(
      '<?php',
      'function outer($a) {',
      '    $inner = function ($b) use ($a) { return $a + $b; };',
      '    $double = fn($x) => $x * 2;',
      '    return $inner($a);',
      '}',
      'abstract class Box {',
      '    public function __construct(private int $v) {}',
      '    public static function make(): static { return array_map(fn($y) => $y, []); }',
      '    abstract protected function later(): void;',
      '}',
    ),
    units: [
      ['outer', 'function_definition', 2, -1, 'function outer'],
      ['<anonymous>', 'anonymous_function', 3, 0, 'function ($b)'],
      ['<lambda>', 'arrow_function', 4, 0, 'fn($x) => $x * 2'],
      ['__construct', 'method_declaration', 8, -1, 'public function __construct'],
      ['make', 'method_declaration', 9, -1, 'public static function make'],
      ['<lambda>', 'arrow_function', 9, 4, 'fn($y) => $y'],
    ],
  },
  {
    language: 'bash',
    source: lines(
      '#!/bin/bash',
      'greet() {',
      '  echo "hi $1"',
      '}',
      'function outer {',
      '  inner() { echo nested; }',
      '  inner',
      '}',
    ),
    units: [
      ['greet', 'function_definition', 2, -1, 'greet() {'],
      ['outer', 'function_definition', 5, -1, 'function outer'],
      ['inner', 'function_definition', 6, 1, 'inner() {'],
    ],
  },
  {
    language: 'kotlin',
    source: lines(
      'abstract class Account(val balance: Int) {',
      '    constructor() : this(0)',
      '    init { println("init") }',
      '    fun deposit(amount: Int): Int {',
      '        fun local(x: Int) = x * 2',
      '        val f = { y: Int -> y + 1 }',
      '        listOf(1).map { it + 1 }',
      '        val g = fun(z: Int): Int { return z }',
      '        return local(amount)',
      '    }',
      '    val twice: Int get() = balance * 2',
      '    abstract fun later()',
      '}',
      'fun top() = 1',
    ),
    units: [
      ['constructor', 'secondary_constructor', 2, -1, 'constructor() : this(0)'],
      ['deposit', 'function_declaration', 4, -1, 'fun deposit'],
      ['local', 'function_declaration', 5, 1, 'fun local'],
      ['<lambda>', 'lambda_literal', 6, 1, '{ y: Int -> y + 1 }'],
      ['<lambda>', 'lambda_literal', 7, 1, '{ it + 1 }'],
      ['<anonymous>', 'anonymous_function', 8, 1, 'fun(z: Int)'],
      ['top', 'function_declaration', 14, -1, 'fun top() = 1'],
    ],
  },
  {
    language: 'swift',
    source: lines(
      'class Account {',
      '    var balance: Int',
      '    init(balance: Int) {',
      '        self.balance = balance',
      '    }',
      '    deinit {',
      '        print("bye")',
      '    }',
      '    func deposit(_ amount: Int) -> Int {',
      '        func local(_ x: Int) -> Int { return x * 2 }',
      '        let f = { (y: Int) -> Int in y + 1 }',
      '        let xs = [1, 2].map { $0 + 1 }',
      '        return local(amount)',
      '    }',
      '    var twice: Int { return balance * 2 }',
      '}',
      'protocol Shape {',
      '    func area() -> Double',
      '}',
      'func top() -> Int { return 1 }',
    ),
    units: [
      ['init', 'init_declaration', 3, -1, 'init(balance: Int)'],
      ['deinit', 'deinit_declaration', 6, -1, 'deinit {'],
      ['deposit', 'function_declaration', 9, -1, 'func deposit'],
      ['local', 'function_declaration', 10, 2, 'func local'],
      ['<lambda>', 'lambda_literal', 11, 2, '{ (y: Int) -> Int in'],
      ['<lambda>', 'lambda_literal', 12, 2, '{ $0 + 1 }'],
      ['top', 'function_declaration', 20, -1, 'func top()'],
    ],
  },
  {
    language: 'scala',
    source: lines(
      'object Main {',
      '  def outer(x: Int): Int = {',
      '    def inner(y: Int) = y + 1',
      '    List(1, 2).map(a => a + 1)',
      '    inner(x)',
      '  }',
      '  def abs(): Unit',
      '}',
      'class Foo(val a: Int) {',
      '  def this() = this(0)',
      '}',
    ),
    units: [
      ['outer', 'function_definition', 2, -1, 'def outer'],
      ['inner', 'function_definition', 3, 0, 'def inner'],
      ['this', 'function_definition', 10, -1, 'def this()'],
    ],
  },
];

interface Parsed {
  readonly units: FunctionUnit[];
  readonly spans: SpanResult;
  readonly hasErrors: boolean;
}

function parse(text: string, language: LanguageId): Parsed {
  const { tree, result } = extractor.parse(text, language);
  try {
    return { units: functionUnits(tree, text, language), spans: result, hasErrors: tree.rootNode.hasError };
  } finally {
    tree.delete();
  }
}

const range = (r: TextRange): [number, number] => [r.start, r.end];
const spanTexts = (text: string, spans: readonly SourceSpan[]): string[] => spans.map((s) => text.slice(s.start, s.end));

/**
 * The partition property: the unit samples and the outside sample together hold every character of
 * the file once, and every identifier/string span lands in exactly one of them with its text intact.
 */
function assertPartition(text: string, parsed: Parsed): void {
  const { units, spans } = parsed;
  const samples = [...units, outsideUnit(text, units)].map((u) => ({ unit: u, sample: sampleText(text, u, spans) }));
  assert.equal(samples.reduce((n, s) => n + s.sample.text.length, 0), text.length, 'sample lengths sum to the file length');

  // Each character's owner: the innermost unit containing it, or the outside sample.
  const owner = new Int32Array(text.length).fill(-1);
  units.forEach((u, i) => owner.fill(i, u.start, u.end)); // outer first, so inner ones overwrite
  units.forEach((u, i) => {
    let own = '';
    for (let c = u.start; c < u.end; c++) if (owner[c] === i) own += text[c];
    assert.equal(samples[i]!.sample.text, own, `unit ${i} (${u.name}) holds exactly its own characters`);
  });
  let outside = '';
  for (let c = 0; c < text.length; c++) if (owner[c] === -1) outside += text[c];
  assert.equal(samples[units.length]!.sample.text, outside, 'outside sample holds the characters of no unit');

  for (const kind of ['identifiers', 'strings'] as const) {
    const rebased: string[] = [];
    for (const { unit, sample } of samples) {
      const got = sample[kind];
      for (const s of got) {
        assert.ok(s.start >= 0 && s.end <= sample.text.length && s.start < s.end, `${kind} span inside the sample`);
      }
      // Each rebased span reads, in the sample, what the original read in the file.
      const originals = spans[kind].filter((s) => s.start >= unit.start && s.end <= unit.end &&
        !unit.holes.some((h) => s.end > h.start && s.start < h.end));
      assert.deepEqual(spanTexts(sample.text, got), spanTexts(text, originals), `${kind} texts survive rebasing`);
      assert.deepEqual(got.map((s) => s.nodeType), originals.map((s) => s.nodeType));
      rebased.push(...spanTexts(sample.text, got));
    }
    // No span crosses a unit boundary (units are whole nodes), so none is lost.
    assert.equal(rebased.length, spans[kind].length, `every ${kind} span lands in one sample`);
  }
}

/** Compares units with the expected table: names, types, lines, ranges' starts, holes = direct children. */
function assertUnits(text: string, units: readonly FunctionUnit[], expected: readonly Expected[]): void {
  assert.deepEqual(
    units.map((u) => [u.name, u.nodeType, u.line]),
    expected.map(([name, nodeType, line]) => [name, nodeType, line]),
  );
  expected.forEach(([name, , , parent, startsWith], i) => {
    const u = units[i]!;
    assert.ok(text.startsWith(startsWith, u.start), `${name} starts with ${JSON.stringify(startsWith)}, got ${JSON.stringify(text.slice(u.start, u.start + 40))}`);
    const children = expected.map((e, j) => (e[3] === i ? range(units[j]!) : undefined)).filter((r) => r !== undefined);
    assert.deepEqual(u.holes.map(range), children, `holes of ${name} are its direct children`);
    if (parent >= 0) {
      const p = units[parent]!;
      assert.ok(p.start <= u.start && u.end <= p.end, `${name} lies inside ${p.name}`);
    }
  });
  for (let i = 1; i < units.length; i++) {
    const a = units[i - 1]!;
    const b = units[i]!;
    assert.ok(a.start < b.start || (a.start === b.start && a.end > b.end), 'outer before inner, in document order');
  }
}

describe('function units per language', () => {
  test('every supported language has a case and node types', () => {
    assert.deepEqual(CASES.map((c) => c.language).sort(), [...SUPPORTED_LANGUAGES].sort());
    assert.deepEqual(Object.keys(FUNCTION_NODE_TYPES).sort(), [...SUPPORTED_LANGUAGES].sort());
  });

  test('every listed node type is a named node of the grammar', () => {
    for (const language of SUPPORTED_LANGUAGES) {
      const { tree } = extractor.parse('', language);
      try {
        for (const type of FUNCTION_NODE_TYPES[language]) {
          assert.ok(tree.language.idForNodeType(type, true), `${language}: ${type} is a named node type`);
        }
      } finally {
        tree.delete();
      }
    }
  });

  for (const c of CASES) {
    test(`${c.language}: names, node types, lines, holes, partition, span rebasing`, () => {
      const parsed = parse(c.source, c.language);
      assert.equal(parsed.hasErrors, false, 'the sample parses cleanly');
      assertUnits(c.source, parsed.units, c.units);
      assertPartition(c.source, parsed);
    });
  }
});

test('attributes inside the definition node come with it; ones beside it do not', () => {
  const cases: [LanguageId, string, string][] = [
    ['csharp', 'class A {\n    [Test]\n    public void M() { }\n}\n', '[Test]\n    public void M() { }'],
    ['php', '<?php\nclass C {\n    #[Route("/x")]\n    public function m() {}\n}\n', '#[Route("/x")]\n    public function m() {}'],
    ['kotlin', 'class A {\n    @JvmStatic fun m() {}\n}\n', '@JvmStatic fun m() {}'],
    ['rust', '#[test]\nfn t() {}\n', 'fn t() {}'],
    ['typescript', 'class A {\n  @dec() m() { return 1; }\n}\n', 'm() { return 1; }'],
  ];
  for (const [language, text, unitText] of cases) {
    const { units } = parse(text, language);
    assert.deepEqual(units.map((u) => text.slice(u.start, u.end)), [unitText], language);
  }
});

describe('outsideUnit and sampleText', () => {
  test('the outside sample is the whole text minus the top-level units, spliced without a placeholder', () => {
    const text = lines('import os', 'def f():', '    g = lambda: 1', 'x = 1', 'def h(): pass');
    const { units, spans } = parse(text, 'python');
    const outside = outsideUnit(text, units);
    assert.deepEqual(range(outside), [0, text.length]);
    assert.deepEqual(outside.holes.map(range), [range(units[0]!), range(units[2]!)]);
    const sample = sampleText(text, outside, spans);
    assert.equal(sample.text, 'import os\n\nx = 1\n\n');
    assert.deepEqual(spanTexts(sample.text, sample.identifiers), ['os', 'x']);
    assert.equal(sampleText(text, units[0]!, spans).text, 'def f():\n    g = ');
  });

  test('a file without functions is one outside sample', () => {
    const text = 'x = 1\n';
    const { units, spans } = parse(text, 'python');
    assert.deepEqual(units, []);
    const outside = outsideUnit(text, units);
    assert.deepEqual(outside.holes, []);
    assert.equal(sampleText(text, outside, spans).text, text);
  });

  test('a span inside a hole or straddling a hole boundary is dropped; others are rebased', () => {
    const text = 'aaa bbb ccc ddd';
    const unit = { start: 0, end: text.length, holes: [{ start: 4, end: 9 }] };
    const span = (start: number, end: number): SourceSpan => ({ start, end, nodeType: 'identifier', kind: 'identifier' });
    const spans = { identifiers: [span(0, 3), span(4, 7), span(6, 10), span(8, 11), span(12, 15)], strings: [] };
    const sample = sampleText(text, unit, spans);
    assert.equal(sample.text, 'aaa cc ddd');
    // (4,7) is in the hole; (6,10) and (8,11) cross its end.
    assert.deepEqual(sample.identifiers.map(range), [[0, 3], [7, 10]]);
    assert.deepEqual(spanTexts(sample.text, sample.identifiers), ['aaa', 'ddd']);
  });

  test('a unit inside a larger text only takes the spans within its range', () => {
    const text = 'x def f(): y lambda: z\nw';
    const unit = { start: 2, end: 22, holes: [{ start: 13, end: 22 }] };
    const span = (start: number, end: number): SourceSpan => ({ start, end, nodeType: 'identifier', kind: 'identifier' });
    const sample = sampleText(text, unit, { identifiers: [span(0, 1), span(6, 7), span(11, 12), span(21, 22), span(23, 24)], strings: [] });
    assert.equal(sample.text, 'def f(): y ');
    assert.deepEqual(spanTexts(sample.text, sample.identifiers), ['f', 'y']);
  });
});

describe('awkward input', () => {
  test('emoji and CJK before a function: offsets are JS string indices', () => {
    const cases: [LanguageId, string, string][] = [
      ['python', '# 😀 中文 ✓\nname = "🎉👩‍💻"\ndef f(名前):\n    return lambda: 名前\n', 'def f(名前):\n    return lambda: 名前'],
      ['javascript', '// 😀 中文\nconst s = "🎉";\nfunction f(名前) { return () => 名前; }\n', 'function f(名前) { return () => 名前; }'],
      ['java', '/* 😀 中文 */ class A { String s = "🎉"; void f() { Runnable r = () -> g(); } }\n', 'void f() { Runnable r = () -> g(); }'],
    ];
    for (const [language, text, fText] of cases) {
      const parsed = parse(text, language);
      assert.equal(parsed.units.length, 2, language);
      const [f, lambda] = parsed.units as [FunctionUnit, FunctionUnit];
      assert.equal(f.start, text.indexOf(fText), language);
      assert.equal(text.slice(f.start, f.end), fText, language);
      assert.equal(f.line, text.slice(0, f.start).split('\n').length, language);
      assert.deepEqual(f.holes.map(range), [range(lambda)]);
      assert.match(text.slice(lambda.start, lambda.end), /^(lambda|\(\))/);
      assertPartition(text, parsed);
    }
  });

  test('CRLF line ends: lines count CRLF once and samples keep the \\r', () => {
    const text = 'import os\r\n\r\ndef f(a):\r\n    g = lambda: a\r\n    return g\r\n\r\ndef h():\r\n    pass\r\n';
    const parsed = parse(text, 'python');
    assert.deepEqual(parsed.units.map((u) => [u.name, u.line]), [['f', 3], ['<lambda>', 4], ['h', 7]]);
    assert.equal(sampleText(text, parsed.units[0]!, parsed.spans).text, 'def f(a):\r\n    g = \r\n    return g');
    assertPartition(text, parsed);
  });

  test('files with parse errors still yield their units', () => {
    const cases: [LanguageId, string, string[]][] = [
      ['python', 'def ok(a):\n    return a +\n\nclass X(:\n    def m(self):\n        return [1, 2\n', ['ok', 'm']],
      ['c', 'int f(int a) {\n  return a +;\n}\nint g( {\n}\nint h(void) { return 1; }\n', ['f', 'g', 'h']],
      ['java', 'class A {\n  void m() { int x = ; }\n  void n() { foo(() -> 1; }\n  int k() { return 2; }\n', ['m', 'n', '<lambda>', 'k']],
      ['javascript', 'function a() { return (; }\nconst b = () => { if ( };\nfunction c() {}\n', ['a', 'b', 'c']],
    ];
    for (const [language, text, names] of cases) {
      const parsed = parse(text, language);
      assert.equal(parsed.hasErrors, true, `${language} sample has errors`);
      assert.deepEqual(parsed.units.map((u) => u.name), names, language);
      assertPartition(text, parsed);
    }
  });
});
