// Function samples of a parsed file: every function, method, constructor and lambda that
// tree-sitter finds, each one a sample of its own (`report --unit function`), plus the code
// outside every function. Nested definitions are cut out of the enclosing one (its `holes`) and
// spliced away without a placeholder, so the samples partition the file: every character belongs
// to exactly one of them. docs/function-units.md lists the node types per language and why.
import type { Node, Tree } from 'web-tree-sitter';
import type { SourceSpan, SpanResult } from '../types';
import type { LanguageId } from '../spans/languages';
import type { FunctionUnit, SampleText, TextRange } from './types';

/** The node types of one language, by how an unnamed one is called. */
interface UnitKinds {
  /** Definitions that carry a name (functions, methods, constructors). */
  readonly definitions: readonly string[];
  /** Lambda / arrow / closure / block syntax: "<lambda>" unless bound to a name. */
  readonly lambdas?: readonly string[];
  /** `function`-keyword expressions without a name of their own: "<anonymous>" unless bound. */
  readonly anonymous?: readonly string[];
  /** Types that are only a declaration when they have no body (abstract and interface methods,
   *  prototypes, `= default`): those are not samples. */
  readonly needBody?: readonly string[];
  /** Parents that belong to the definition (Python decorators, C++ `template <…>`): when such a
   *  parent ends where the definition ends, the unit starts at the parent. */
  readonly wrappers?: readonly string[];
}

const JS_FAMILY: UnitKinds = {
  definitions: ['function_declaration', 'generator_function_declaration', 'method_definition'],
  lambdas: ['arrow_function'],
  // A named `function f() {}` / `function* g() {}` expression takes its own name.
  anonymous: ['function_expression', 'generator_function'],
};

const KINDS: Readonly<Record<LanguageId, UnitKinds>> = {
  python: { definitions: ['function_definition'], lambdas: ['lambda'], wrappers: ['decorated_definition'] },
  javascript: JS_FAMILY,
  typescript: JS_FAMILY,
  tsx: JS_FAMILY,
  java: {
    definitions: ['method_declaration', 'constructor_declaration', 'compact_constructor_declaration'],
    lambdas: ['lambda_expression'],
    needBody: ['method_declaration'],
  },
  go: {
    definitions: ['function_declaration', 'method_declaration'],
    anonymous: ['func_literal'],
    needBody: ['function_declaration', 'method_declaration'],
  },
  rust: { definitions: ['function_item'], lambdas: ['closure_expression'] },
  c: { definitions: ['function_definition'], needBody: ['function_definition'] },
  cpp: {
    definitions: ['function_definition'],
    lambdas: ['lambda_expression'],
    needBody: ['function_definition'],
    wrappers: ['template_declaration'],
  },
  csharp: {
    definitions: [
      'method_declaration', 'constructor_declaration', 'destructor_declaration', 'operator_declaration',
      'conversion_operator_declaration', 'local_function_statement',
    ],
    lambdas: ['lambda_expression'],
    anonymous: ['anonymous_method_expression'],
    needBody: [
      'method_declaration', 'constructor_declaration', 'destructor_declaration', 'operator_declaration',
      'conversion_operator_declaration', 'local_function_statement',
    ],
  },
  ruby: { definitions: ['method', 'singleton_method'], lambdas: ['lambda', 'block', 'do_block'] },
  php: {
    definitions: ['function_definition', 'method_declaration'],
    lambdas: ['arrow_function'],
    anonymous: ['anonymous_function'],
    needBody: ['method_declaration'],
  },
  bash: { definitions: ['function_definition'] },
  kotlin: {
    definitions: ['function_declaration', 'secondary_constructor'],
    lambdas: ['lambda_literal'],
    anonymous: ['anonymous_function'],
    needBody: ['function_declaration'],
  },
  swift: {
    definitions: ['function_declaration', 'init_declaration', 'deinit_declaration'],
    lambdas: ['lambda_literal'],
    needBody: ['function_declaration', 'init_declaration'],
  },
  // The Scala grammar (tree-sitter-wasms) has no lambda node: `x => x + 1` comes out as an
  // infix_expression with the wrong extent, so Scala lambdas stay in their enclosing sample.
  scala: { definitions: ['function_definition'] },
};

/** Node types that are a function sample, per language (documented in docs/function-units.md). */
export const FUNCTION_NODE_TYPES: Readonly<Record<LanguageId, readonly string[]>> = Object.freeze(
  Object.fromEntries(Object.entries(KINDS).map(([language, k]) => [
    language, Object.freeze([...k.definitions, ...(k.lambdas ?? []), ...(k.anonymous ?? [])]),
  ])) as Record<LanguageId, readonly string[]>,
);

/** Per language, the lookups a walk needs (built once). */
interface UnitTables {
  readonly types: readonly string[];
  readonly lambdas: ReadonlySet<string>;
  readonly anonymous: ReadonlySet<string>;
  readonly needBody: ReadonlySet<string>;
  readonly wrappers: ReadonlySet<string>;
}
const TABLES = new Map<LanguageId, UnitTables>();
function tablesFor(language: LanguageId): UnitTables {
  let t = TABLES.get(language);
  if (!t) {
    const k = KINDS[language];
    t = {
      types: FUNCTION_NODE_TYPES[language],
      lambdas: new Set(k.lambdas), anonymous: new Set(k.anonymous),
      needBody: new Set(k.needBody), wrappers: new Set(k.wrappers),
    };
    TABLES.set(language, t);
  }
  return t;
}

interface Found {
  readonly start: number;
  readonly end: number;
  readonly name: string;
  readonly nodeType: string;
  readonly line: number;
}

/**
 * Every function/method/lambda of the tree, outer before inner (document order by start); nested
 * ones are their own units and appear as `holes` of their direct parent.
 * Offsets are JS string offsets: web-tree-sitter parses a JS string as UTF-16, so a node's
 * startIndex/endIndex are already UTF-16 code units, as everywhere in src/core/spans.
 */
export function functionUnits(tree: Tree, text: string, language: LanguageId): FunctionUnit[] {
  const tables = tablesFor(language);
  const found: Found[] = [];
  // One call into the runtime walks the whole tree in C (ERROR subtrees included). It matches
  // type *names*, so anonymous tokens spelt like a unit type (Python's `lambda` keyword) come too.
  for (const node of tree.rootNode.descendantsOfType(tables.types as string[])) {
    if (!node || !node.isNamed || node.endIndex <= node.startIndex) continue;
    if (tables.needBody.has(node.type) && !hasBody(node)) continue;
    // Ruby `->(x) { … }`: the block is the lambda's body, not a second closure.
    if (language === 'ruby' && node.type !== 'lambda' && node.parent?.type === 'lambda') continue;
    const wrapper = tables.wrappers.size ? node.parent : null; // parent is a call into the runtime
    const outer = wrapper && tables.wrappers.has(wrapper.type) && wrapper.endIndex === node.endIndex ? wrapper : node;
    found.push({
      start: outer.startIndex, end: node.endIndex, nodeType: node.type,
      name: unitName(node, text, tables), line: outer.startPosition.row + 1,
    });
  }
  // Outer before inner: by start, then the longer first. (The walk's pre-order already is, except
  // where a wrapper moved a start back before units in a decorator.)
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  return nestUnits(found);
}

/** Gives each unit the ranges of its direct children; drops a unit with the very range of its parent. */
function nestUnits(found: readonly Found[]): FunctionUnit[] {
  const units: FunctionUnit[] = [];
  const holes: TextRange[][] = [];
  const open: number[] = []; // indices into `units` of the enclosing chain
  for (const f of found) {
    while (open.length && units[open[open.length - 1]!]!.end <= f.start) open.pop();
    const parent = open.length ? open[open.length - 1]! : -1;
    if (parent >= 0) {
      const p = units[parent]!;
      if (p.start === f.start && p.end === f.end) continue;
      holes[parent]!.push({ start: f.start, end: f.end });
    }
    const own: TextRange[] = [];
    holes.push(own);
    units.push({ ...f, holes: own });
    open.push(units.length - 1);
  }
  return units;
}

/** Whether a node that may be a bare declaration has a body (`body` field, or Kotlin's untagged function_body). */
function hasBody(node: Node): boolean {
  if (node.childForFieldName('body')) return true;
  for (const child of node.namedChildren) if (child?.type === 'function_body') return true;
  return false;
}

// Parents that bind a lambda to a name, and the field holding that name.
const BINDING_NAME_FIELD: Readonly<Record<string, string>> = {
  variable_declarator: 'name', // JS/TS `const f = () => …`, Java/C# `Runnable r = () -> …`
  public_field_definition: 'name', // TS class field `handler = () => …`
  field_definition: 'property', // JS class field
  pair: 'key', // JS object `{ onClick: () => … }`
};

function unitName(node: Node, text: string, tables: UnitTables): string {
  const slice = (n: Node): string => text.slice(n.startIndex, n.endIndex);
  const type = node.type;
  if (tables.lambdas.has(type) || tables.anonymous.has(type)) {
    const own = tables.anonymous.has(type) ? node.childForFieldName('name') : null;
    if (own) return slice(own);
    const bound = boundName(node);
    if (bound) return slice(bound);
    return tables.lambdas.has(type) ? '<lambda>' : '<anonymous>';
  }
  switch (type) {
    case 'function_definition': {
      const declarator = node.childForFieldName('declarator');
      if (declarator) return declaratorName(declarator, slice); // C, C++
      break;
    }
    case 'destructor_declaration': {
      const name = node.childForFieldName('name');
      return name ? `~${slice(name)}` : '<anonymous>';
    }
    case 'operator_declaration': {
      const op = node.childForFieldName('operator');
      return op ? `operator ${slice(op)}` : 'operator';
    }
    case 'conversion_operator_declaration': {
      const target = node.childForFieldName('type');
      return target ? `operator ${slice(target)}` : 'operator';
    }
    case 'secondary_constructor':
      return 'constructor';
    case 'deinit_declaration':
      return 'deinit';
  }
  const name = node.childForFieldName('name');
  if (name) return slice(name);
  // Kotlin's grammar has no fields: the name is the first simple_identifier.
  for (const child of node.namedChildren) if (child?.type === 'simple_identifier') return slice(child);
  return '<anonymous>';
}

/** The name a lambda is bound to by its parent, if the parent is a binding. */
function boundName(node: Node): Node | null {
  const parent = node.parent;
  const field = parent && BINDING_NAME_FIELD[parent.type];
  if (!parent || !field) return null;
  const name = parent.childForFieldName(field);
  return name && name.startIndex !== node.startIndex ? name : null;
}

/** C/C++: follow `declarator` fields (pointer, reference, function declarators) down to the name. */
function declaratorName(declarator: Node, slice: (n: Node) => string): string {
  let d: Node = declarator;
  for (;;) {
    const inner = d.childForFieldName('declarator');
    if (!inner) break;
    d = inner;
  }
  // `(*fp)`-style parenthesized declarators have their name as an untagged child.
  if (d.type === 'parenthesized_declarator') {
    for (const child of d.namedChildren) if (child) return declaratorName(child, slice);
  }
  return slice(d);
}

/** The code outside every function: a range covering the whole text whose holes are the top-level units. */
export function outsideUnit(text: string, units: readonly FunctionUnit[]): TextRange & { holes: readonly TextRange[] } {
  const holes: TextRange[] = [];
  let coveredTo = 0;
  // Units come outer first, sorted by start: a top-level one starts at or after the end of the last.
  for (const u of units) {
    if (u.start < coveredTo) continue;
    holes.push({ start: u.start, end: u.end });
    coveredTo = u.end;
  }
  return { start: 0, end: text.length, holes };
}

/**
 * A unit's own text (holes cut out) and the spans from the file's SpanResult that lie inside it and
 * outside its holes, offsets rebased onto the new text. A span straddling a hole boundary is dropped.
 */
export function sampleText(
  text: string,
  unit: TextRange & { holes: readonly TextRange[] },
  spans: Pick<SpanResult, 'identifiers' | 'strings'>,
): SampleText {
  const pieces = ownPieces(unit);
  let own = '';
  for (const p of pieces) own += text.slice(p.start, p.end);
  return { text: own, identifiers: rebase(spans.identifiers, pieces), strings: rebase(spans.strings, pieces) };
}

/** A piece of a unit's own text: [start, end) of the file, found at `at` in the sample's text. */
interface Piece extends TextRange {
  readonly at: number;
}

function ownPieces(unit: TextRange & { holes: readonly TextRange[] }): Piece[] {
  const pieces: Piece[] = [];
  let from = unit.start;
  let at = 0;
  const add = (end: number): void => {
    if (end > from) {
      pieces.push({ start: from, end, at });
      at += end - from;
    }
  };
  for (const h of unit.holes) {
    add(h.start);
    from = Math.max(from, h.end);
  }
  add(unit.end);
  return pieces;
}

/** Spans (sorted by start) that fit inside one piece, moved to the sample's offsets. */
function rebase(spans: readonly SourceSpan[], pieces: readonly Piece[]): SourceSpan[] {
  const out: SourceSpan[] = [];
  if (!pieces.length) return out;
  const last = pieces[pieces.length - 1]!.end;
  let p = 0;
  for (let i = firstStartingAt(spans, pieces[0]!.start); i < spans.length; i++) {
    const s = spans[i]!;
    if (s.start >= last) break;
    while (p < pieces.length && pieces[p]!.end <= s.start) p++;
    const piece = pieces[p];
    if (!piece || s.start < piece.start || s.end > piece.end) continue; // in a hole, or across its edge
    const shift = piece.at - piece.start;
    out.push({ start: s.start + shift, end: s.end + shift, nodeType: s.nodeType, kind: s.kind });
  }
  return out;
}

/** First index whose span starts at or after `offset` (spans are sorted by start and do not nest). */
function firstStartingAt(spans: readonly SourceSpan[], offset: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
