// The straightforward extraction: run the whole query, keep one identifier per range (outer wins),
// then walk the tree with `categorize`, looking captured nodes up by node id. The report uses the
// fused single pass in `fused-walk.ts`; this one is kept as its executable specification and is
// used only by tests (parity on real files) and the benchmark (`bench/spans.ts`).

import type { Query, Tree } from 'web-tree-sitter';
import type { SourceSpan, SpanResult } from '../types';
import { categorize, type NodeTypeTables } from './categorize';
import { CAPTURE_IDENTIFIER, CAPTURE_STRING } from './capture-plan';

export function spansByQueryAndWalk(tree: Tree, query: Query, tables: NodeTypeTables, language: string): SpanResult {
  const captures = query.captures(tree.rootNode);
  const identifierCandidates: { start: number; end: number; id: number; nodeType: string }[] = [];
  const stringLiteralIds = new Set<number>();
  const capturedTypeIds = new Set<number>();
  for (const { name, node } of captures) {
    if (name === CAPTURE_IDENTIFIER) {
      identifierCandidates.push({ start: node.startIndex, end: node.endIndex, id: node.id, nodeType: node.type });
    } else if (name === CAPTURE_STRING) {
      stringLiteralIds.add(node.id);
    } else continue;
    capturedTypeIds.add(node.typeId);
  }
  // One identifier per source range; a capture inside another (PHP `name` inside `$name`'s
  // `variable_name`) belongs to the outer one.
  identifierCandidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const identifiers: SourceSpan[] = [];
  const identifierIds = new Set<number>();
  let coveredTo = -1;
  for (const c of identifierCandidates) {
    if (c.end <= c.start || c.start < coveredTo) continue;
    identifiers.push({ start: c.start, end: c.end, nodeType: c.nodeType, kind: 'identifier' });
    identifierIds.add(c.id);
    coveredTo = c.end;
  }
  const { categories, strings } = categorize(tree, tables, { identifierIds, stringLiteralIds, capturedTypeIds });
  return { language, identifiers, strings, categories, hasErrors: tree.rootNode.hasError };
}
