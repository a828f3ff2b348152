// Node-type tables shared by both extractions, and the reference walk: one pass over a syntax
// tree with a TreeCursor (no recursion, so 10,000 nested brackets cannot overflow the JS stack)
// that turns leaves into syntax-category ranges and collects string literal contents, given the
// nodes the whole query captured (by node id). `extract` uses the fused walk in `fused-walk.ts`,
// which must give the same result (test/core/spans/parity.test.ts); this one is its specification.

import type { Language, Tree, TreeCursor } from 'web-tree-sitter';
import type { CategoryRanges, SourceSpan } from '../types';
import { CATEGORY_CODE, CategoryRangeBuilder } from './category-ranges';

/** Named leaves that are keywords in the language even though the grammar names them: literal
 *  constants and builtin types (`int` in C, `string` in C#). Go's `int` is a `type_identifier`
 *  (predeclared identifier, not a keyword) and stays an identifier. */
const KEYWORD_NODE_TYPES = new Set([
  'true', 'false', 'null', 'none', 'nil', 'undefined', 'this', 'self', 'super', 'unit',
  'null_literal', 'boolean_literal', 'primitive_type', 'predefined_type', 'void_type',
  'integral_type', 'floating_point_type', 'boolean_type', 'this_type', 'implicit_type',
]);

/** Leaf categories as CategoryRanges codes, so the walks store table entries as they are. */
const OTHER = CATEGORY_CODE.other, KEYWORD = CATEGORY_CODE.keyword, OPERATOR = CATEGORY_CODE.operator;
const COMMENT = CATEGORY_CODE.comment, STRING = CATEGORY_CODE.string, IDENTIFIER = CATEGORY_CODE.identifier;

/** Role of a child node directly inside a string literal. */
const PART_CODE = 0, PART_DELIMITER = 1, PART_CONTENT = 2, PART_EDGE = 3;

/** Per-language lookup tables indexed by node type id. */
export interface NodeTypeTables {
  /** Category of an uncaptured leaf of this type (a CategoryRanges code). */
  readonly leafCategory: Uint8Array;
  /** Named comment node: the whole node is one comment range, children included. */
  readonly isComment: Uint8Array;
  /** Role of this type when it is a direct child of a string literal. */
  readonly stringPart: Uint8Array;
}

export function buildNodeTypeTables(language: Language): NodeTypeTables {
  const n = language.nodeTypeCount;
  const leafCategory = new Uint8Array(n).fill(OTHER), isComment = new Uint8Array(n), stringPart = new Uint8Array(n);
  for (let id = 0; id < n; id++) {
    const type = language.nodeTypeForId(id) ?? '';
    const named = language.nodeTypeIsNamed(id);
    if (!named) {
      leafCategory[id] = /[A-Za-z]/.test(type) ? KEYWORD : OPERATOR;
      // Quotes when at either end of the literal; elsewhere punctuation of interpolated code (PHP `{$a}`).
      stringPart[id] = PART_EDGE;
      continue;
    }
    if (/comment/.test(type)) {
      isComment[id] = 1;
      leafCategory[id] = COMMENT;
    } else if (KEYWORD_NODE_TYPES.has(type)) leafCategory[id] = KEYWORD;
    else if (/brace|bracket|paren|operator/.test(type)) leafCategory[id] = OPERATOR;
    // Heredoc openers stand apart from their body (Ruby `<<~EOS`, bash `<<EOF`).
    else if (/heredoc_(start|beginning|end)/.test(type)) leafCategory[id] = STRING;
    else leafCategory[id] = OTHER;
    if (/(^|_)(start|end|beginning|delimiter|quote)$/.test(type)) stringPart[id] = PART_DELIMITER;
    else if (/content|fragment|escape|text|body|regex|^character$|^string$|char$/.test(type)) stringPart[id] = PART_CONTENT;
    else stringPart[id] = PART_CODE; // interpolation, template_substitution, PHP variable_name, ...
  }
  return { leafCategory, isComment, stringPart };
}

/** What the query found, by node id (tree-sitter's node address, stable within one tree). */
export interface CapturedNodes {
  readonly identifierIds: ReadonlySet<number>;
  readonly stringLiteralIds: ReadonlySet<number>;
  /** Type ids of every captured node: only nodes of these types need an id lookup. */
  readonly capturedTypeIds: ReadonlySet<number>;
}

export interface CategorizeResult {
  readonly categories: CategoryRanges;
  readonly strings: SourceSpan[];
}

const MODE_CODE = 0, MODE_STRING = 1;

interface Frame {
  readonly mode: number;
  readonly start: number;
  readonly end: number;
  /** String frames: where the part of the literal not yet accounted for begins. */
  pos: number;
  /** String frames: start of the open run of literal contents, or -1. */
  runStart: number;
  readonly literalType: string;
}

/** Ordinary code nodes need no state of their own: one shared frame keeps the stack in step with the cursor. */
const CODE_FRAME: Frame = Object.freeze({ mode: MODE_CODE, start: 0, end: 0, pos: 0, runStart: -1, literalType: '' }) as Frame;

export function categorize(tree: Tree, tables: NodeTypeTables, captured: CapturedNodes): CategorizeResult {
  const categories = new CategoryRangeBuilder();
  const strings: SourceSpan[] = [];
  const { leafCategory, isComment, stringPart } = tables;
  const { identifierIds, stringLiteralIds, capturedTypeIds } = captured;

  // Empty ranges are dropped; adjacent pieces of one string literal (quote, content, escape)
  // read as one range (CategoryRangeBuilder.add).
  const emit = (start: number, end: number, code: number): void => categories.add(start, end, code);
  const closeRun = (f: Frame, at: number): void => {
    if (f.runStart >= 0 && at > f.runStart) {
      strings.push({ start: f.runStart, end: at, nodeType: f.literalType, kind: 'string' });
    }
    f.runStart = -1;
  };
  /** Literal text from f.pos up to `at` that no child claimed: contents. */
  const fillGap = (f: Frame, at: number): void => {
    if (at > f.pos) {
      emit(f.pos, at, STRING);
      if (f.runStart < 0) f.runStart = f.pos;
    }
  };

  const cursor: TreeCursor = tree.walk();
  const stack: Frame[] = [CODE_FRAME];
  /** Type id of the node `enter` last looked at (saves a second read for leaves). */
  let enteredTypeId = 0;

  /** Handles the node under the cursor; returns the frame to descend with, or undefined to skip
   *  its children. Reads as little from the cursor as it can: every read is a call into wasm. */
  const enter = (): Frame | undefined => {
    const parent = stack[stack.length - 1]!;
    const typeId = (enteredTypeId = cursor.nodeTypeId);
    const nodeId = capturedTypeIds.has(typeId) ? cursor.nodeId : -1;
    const isIdentifier = nodeId >= 0 && identifierIds.has(nodeId);

    if (parent.mode === MODE_STRING) {
      const start = cursor.startIndex, end = cursor.endIndex;
      let part = isIdentifier ? PART_CODE : typeId < stringPart.length ? stringPart[typeId]! : PART_CODE;
      if (part === PART_EDGE) part = start === parent.start || end === parent.end ? PART_DELIMITER : PART_CODE;
      fillGap(parent, start);
      parent.pos = Math.max(parent.pos, end);
      if (part !== PART_CODE) {
        emit(start, end, STRING);
        if (part === PART_DELIMITER) closeRun(parent, start);
        else if (parent.runStart < 0) parent.runStart = start;
        return undefined;
      }
      // Interpolated code inside the literal: the literal's contents pause here.
      closeRun(parent, start);
    }
    if (isIdentifier) {
      emit(cursor.startIndex, cursor.endIndex, IDENTIFIER);
      return undefined;
    }
    if (typeId < isComment.length && isComment[typeId]) {
      emit(cursor.startIndex, cursor.endIndex, COMMENT);
      return undefined;
    }
    if (nodeId >= 0 && stringLiteralIds.has(nodeId)) {
      const start = cursor.startIndex;
      return { mode: MODE_STRING, start, end: cursor.endIndex, pos: start, runStart: -1, literalType: cursor.nodeType };
    }
    return CODE_FRAME;
  };

  /** The node under the cursor had no children. */
  const leaf = (f: Frame, typeId: number): void => {
    if (f.mode === MODE_STRING) {
      // A literal the grammar does not split (e.g. a char literal): all of it is contents.
      emit(f.start, f.end, STRING);
      if (f.end > f.start) strings.push({ start: f.start, end: f.end, nodeType: f.literalType, kind: 'string' });
      return;
    }
    const code = typeId < leafCategory.length ? leafCategory[typeId]! : OTHER;
    emit(cursor.startIndex, cursor.endIndex, code);
  };

  /** Leaving a node whose children were visited. */
  const exit = (f: Frame): void => {
    if (f.mode === MODE_STRING) {
      fillGap(f, f.end);
      closeRun(f, f.end);
    }
  };

  try {
    // The root is entered like any node (a whole-file comment or string is possible).
    let frame = enter();
    for (;;) {
      if (frame) {
        const typeId = enteredTypeId;
        if (cursor.gotoFirstChild()) {
          stack.push(frame);
          frame = enter();
          continue;
        }
        leaf(frame, typeId);
      }
      // Move to the next sibling, leaving finished ancestors on the way.
      let moved = cursor.gotoNextSibling();
      while (!moved) {
        if (!cursor.gotoParent()) return { categories: categories.finish(), strings };
        exit(stack.pop()!);
        moved = cursor.gotoNextSibling();
      }
      frame = enter();
    }
  } finally {
    cursor.delete();
  }
}
