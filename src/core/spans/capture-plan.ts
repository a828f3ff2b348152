// Splits a language's query (grammars/<language>.scm) into what a type-id lookup can answer and
// what needs tree-sitter's query engine. Most patterns are "this node type is an identifier"
// (`(identifier) @identifier`, `[(a) (b)] @string`): for those the walk in `fused-walk.ts` looks
// the node's type id up in a table, which costs nothing extra per node, whereas running the query
// builds a JS `Node` object per capture (the single largest cost of extraction after parsing).
// Patterns with structure (fields, parents, predicates, anchors, quantifiers, wildcards,
// supertypes) stay in a residual query whose few captures are matched by node id.
// The .scm file stays the single source of truth: nothing here knows a language's node types.

import TreeSitter = require('web-tree-sitter');
import type { Language, Query } from 'web-tree-sitter';

/** Capture names a query may use (grammars/README.md); other captures are ignored. */
export const CAPTURE_IDENTIFIER = 'identifier';
export const CAPTURE_STRING = 'string';

/** Bits of `CapturePlan.typeFlags`. */
export const FLAG_IDENTIFIER = 1;
export const FLAG_STRING = 2;

export interface CapturePlan {
  /** Per node type id: FLAG_IDENTIFIER / FLAG_STRING when a single-type pattern captures every node of that type. */
  readonly typeFlags: Uint8Array;
  /** The patterns the table cannot express, compiled alone; undefined when there are none. */
  readonly residual: Query | undefined;
  /** Indices (in the full query) of the patterns left to `residual`. */
  readonly residualPatterns: readonly number[];
}

/** `(type)` or `[ (type) (type) ... ]` followed by exactly one capture, nothing else. */
const SIMPLE_PATTERN = /^(?:\(\s*([A-Za-z][\w]*)\s*\)|\[((?:\s*\(\s*[A-Za-z][\w]*\s*\))+)\s*\])\s*@([\w.-]+)$/;
const NODE_IN_LIST = /\(\s*([A-Za-z][\w]*)\s*\)/g;

/**
 * Analyses the compiled query `query` (compiled from `source` against `language`). The caller owns
 * the returned residual query and must `delete()` it.
 */
export function buildCapturePlan(language: Language, query: Query, source: string): CapturePlan {
  const typeFlags = new Uint8Array(language.nodeTypeCount);
  const idsByName = visibleNamedTypeIds(language);
  const sourceBytes = Buffer.from(source, 'utf8');
  const residualPatterns: number[] = [];

  for (let p = 0; p < query.patternCount(); p++) {
    const text = sourceBytes.subarray(query.startIndexForPattern(p), query.endIndexForPattern(p)).toString('utf8');
    const simple = simplePattern(text, query, p);
    const ids = simple?.types.map((t) => idsByName.get(t));
    if (!simple || !ids || ids.some((list) => !list)) {
      residualPatterns.push(p);
      continue;
    }
    const flag = simple.capture === CAPTURE_IDENTIFIER ? FLAG_IDENTIFIER : simple.capture === CAPTURE_STRING ? FLAG_STRING : 0;
    for (const list of ids) for (const id of list!) typeFlags[id]! |= flag;
  }

  let residual: Query | undefined;
  if (residualPatterns.length > 0) {
    residual = new TreeSitter.Query(language, source);
    const keep = new Set(residualPatterns);
    for (let p = 0; p < residual.patternCount(); p++) if (!keep.has(p)) residual.disablePattern(p);
  }
  return { typeFlags, residual, residualPatterns };
}

/** The node types and capture name of a pattern that is a plain type match, or undefined. */
function simplePattern(patternText: string, query: Query, pattern: number): { types: string[]; capture: string } | undefined {
  // Quotes would need a real parser of the query language (`";"`, anonymous nodes): leave those to the query.
  if (patternText.includes('"')) return undefined;
  if (query.predicatesForPattern(pattern).length > 0) return undefined;
  const text = patternText.replace(/;[^\n]*/g, '').trim();
  const m = SIMPLE_PATTERN.exec(text);
  if (!m) return undefined;
  const types = m[1] !== undefined ? [m[1]] : [...m[2]!.matchAll(NODE_IN_LIST)].map((x) => x[1]!);
  return { types, capture: m[3]! };
}

/**
 * Type ids per visible named node type. A name may have several ids (aliases); a supertype name
 * (`expression`) matches its subtypes in a query, so supertypes are left out: a pattern naming
 * one goes to the residual query.
 */
function visibleNamedTypeIds(language: Language): Map<string, number[]> {
  const supertypes = new Set(language.supertypes);
  const byName = new Map<string, number[]>();
  for (let id = 0; id < language.nodeTypeCount; id++) {
    if (supertypes.has(id) || !language.nodeTypeIsNamed(id) || !language.nodeTypeIsVisible(id)) continue;
    const name = language.types[id];
    if (!name) continue;
    const list = byName.get(name);
    if (list) list.push(id);
    else byName.set(name, [id]);
  }
  return byName;
}
