// Extraction in one TreeCursor pass: identifiers, string contents and syntax categories together.
// Identifiers and string literals are recognised by node type id (CapturePlan.typeFlags, built
// from the query) and, for the few patterns a table cannot express, by the node ids the residual
// query captured. Gives exactly what `reference.ts` (whole query, then `categorize`) gives; the
// rules are those of grammars/README.md and are commented in `categorize.ts`.
//
// Why it is shaped like this: every cursor read is a call into wasm (see cursor-access.ts), so
// the walk reads a node's type id once, its range only when it emits something, its node id only
// for types the residual query captured; it creates no `Node`, and no object per node beyond the
// identifier and string spans it returns (category ranges go into packed typed arrays, string
// literal frames are reused).

import type { Tree } from 'web-tree-sitter';
import type { CategoryRanges, SourceSpan } from '../types';
import { CATEGORY_CODE, CategoryRangeBuilder } from './category-ranges';
import { FLAG_IDENTIFIER, FLAG_STRING } from './capture-plan';
import { openCursor } from './cursor-access';
import type { NodeTypeTables } from './categorize';

const IDENTIFIER = CATEGORY_CODE.identifier, COMMENT = CATEGORY_CODE.comment, STRING = CATEGORY_CODE.string, OTHER = CATEGORY_CODE.other;
const PART_CODE = 0, PART_DELIMITER = 1, PART_EDGE = 3;

/** Everything the walk needs about a language, by node type id. */
export interface WalkTables extends NodeTypeTables {
  /** FLAG_IDENTIFIER / FLAG_STRING per type (single-type query patterns). */
  readonly typeFlags: Uint8Array;
  /** Type name per id as `Node.type` spells it (hidden symbols read 'ERROR'). */
  readonly typeNames: readonly string[];
}

/** What the residual query captured, by node id. */
export interface ResidualCaptures {
  readonly identifierIds: ReadonlySet<number>;
  readonly stringLiteralIds: ReadonlySet<number>;
  /** 1 for type ids of captured nodes: only those nodes need their id read. */
  readonly checkType: Uint8Array;
}

export interface FusedResult {
  readonly identifiers: SourceSpan[];
  readonly strings: SourceSpan[];
  readonly categories: CategoryRanges;
}

/** Children are code (categorised), a string literal's parts, or only searched for identifiers. */
const MODE_CODE = 0, MODE_STRING = 1, MODE_SHADOW = 2;

/** Frames of string literals are reused (see `openString`), so their fields are writable. */
interface Frame {
  readonly mode: number;
  start: number;
  end: number;
  /** String frames: where the part of the literal not yet accounted for begins. */
  pos: number;
  /** String frames: start of the open run of literal contents, or -1. */
  runStart: number;
  literalType: string;
}

const CODE_FRAME: Frame = Object.freeze({ mode: MODE_CODE, start: 0, end: 0, pos: 0, runStart: -1, literalType: '' }) as Frame;
/** Below a node that is classified whole (comment, string part): its categories are settled, but
 *  the query would still capture identifiers in it (PHP `$name` in a heredoc body), so look. */
const SHADOW_FRAME: Frame = Object.freeze({ mode: MODE_SHADOW, start: 0, end: 0, pos: 0, runStart: -1, literalType: '' }) as Frame;

/** Length of the parsed text (one wasm call; sizes the range arrays). */
function sourceLength(tree: Tree): number {
  return tree.rootNode.endIndex;
}

export function fusedWalk(tree: Tree, tables: WalkTables, residual: ResidualCaptures | undefined): FusedResult {
  const identifiers: SourceSpan[] = [];
  const strings: SourceSpan[] = [];
  const { leafCategory, isComment, stringPart, typeFlags, typeNames } = tables;
  const typeCount = typeFlags.length;
  // Empty ranges are dropped; adjacent pieces of one string literal (quote, content, escape)
  // read as one range (CategoryRangeBuilder.add). About one range per 4-6 characters of code.
  const categories = new CategoryRangeBuilder(sourceLength(tree) >> 3);
  const emit = (start: number, end: number, code: number): void => categories.add(start, end, code);

  // String literal frames live exactly from `enter` to `leaf` or `exit` of their node, nested
  // like the nodes: a stack of reusable frames instead of one object per literal.
  const stringFrames: Frame[] = [];
  let openStrings = 0;
  const openString = (start: number, end: number, literalType: string): Frame => {
    let f = stringFrames[openStrings];
    if (!f) f = stringFrames[openStrings] = { mode: MODE_STRING, start: 0, end: 0, pos: 0, runStart: -1, literalType: '' };
    openStrings++;
    f.start = start;
    f.end = end;
    f.pos = start;
    f.runStart = -1;
    f.literalType = literalType;
    return f;
  };
  const closeRun = (f: Frame, at: number): void => {
    if (f.runStart >= 0 && at > f.runStart) strings.push({ start: f.runStart, end: at, nodeType: f.literalType, kind: 'string' });
    f.runStart = -1;
  };

  const cursor = openCursor(tree);
  const { handle: h, gotoFirstChild, gotoNextSibling, gotoParent, nodeTypeId, nodeId, startIndex, endIndex } = cursor;
  const stack: Frame[] = [CODE_FRAME];
  /** Type id of the node `enter` last looked at (saves a second read for leaves). */
  let typeId = 0;

  /** Flags of the node under the cursor: the table's, plus the residual query's by node id. */
  const flagsOf = (): number => {
    let flags = typeId < typeCount ? typeFlags[typeId]! : 0;
    if (residual && typeId < residual.checkType.length && residual.checkType[typeId]) {
      const id = nodeId(h);
      if (residual.identifierIds.has(id)) flags |= FLAG_IDENTIFIER;
      if (residual.stringLiteralIds.has(id)) flags |= FLAG_STRING;
    }
    return flags;
  };

  /** Handles the node under the cursor; returns the frame for its children, or undefined to skip them. */
  const enter = (parent: Frame): Frame | undefined => {
    typeId = nodeTypeId(h);
    const flags = flagsOf();
    let start = -1, end = -1;
    let isIdentifier = false;
    if (flags & FLAG_IDENTIFIER) {
      start = startIndex(h);
      end = endIndex(h);
      // An empty (MISSING) identifier is no identifier: the node is treated like any other.
      if (end > start) {
        isIdentifier = true;
        identifiers.push({ start, end, nodeType: typeNames[typeId] || 'ERROR', kind: 'identifier' });
      }
    }
    if (parent.mode === MODE_SHADOW) return isIdentifier ? undefined : SHADOW_FRAME;

    if (parent.mode === MODE_STRING) {
      if (start < 0) {
        start = startIndex(h);
        end = endIndex(h);
      }
      let part = isIdentifier ? PART_CODE : typeId < stringPart.length ? stringPart[typeId]! : PART_CODE;
      if (part === PART_EDGE) part = start === parent.start || end === parent.end ? PART_DELIMITER : PART_CODE;
      // Literal text no child claimed is contents.
      if (start > parent.pos) {
        emit(parent.pos, start, STRING);
        if (parent.runStart < 0) parent.runStart = parent.pos;
      }
      if (end > parent.pos) parent.pos = end;
      if (part !== PART_CODE) {
        emit(start, end, STRING);
        if (part === PART_DELIMITER) closeRun(parent, start);
        else if (parent.runStart < 0) parent.runStart = start;
        return SHADOW_FRAME;
      }
      // Interpolated code inside the literal: the literal's contents pause here.
      closeRun(parent, start);
    }
    if (isIdentifier) {
      emit(start, end, IDENTIFIER);
      return undefined; // an identifier inside another one belongs to the outer (README)
    }
    if (typeId < isComment.length && isComment[typeId]) {
      if (start < 0) {
        start = startIndex(h);
        end = endIndex(h);
      }
      emit(start, end, COMMENT);
      return SHADOW_FRAME;
    }
    if (flags & FLAG_STRING) {
      if (start < 0) {
        start = startIndex(h);
        end = endIndex(h);
      }
      return openString(start, end, typeNames[typeId] || 'ERROR');
    }
    return CODE_FRAME;
  };

  /** The node under the cursor (type `leafType`) has no children; `f` is the frame it would have given them. */
  const leaf = (f: Frame, leafType: number): void => {
    if (f.mode === MODE_CODE) {
      emit(startIndex(h), endIndex(h), leafType < leafCategory.length ? leafCategory[leafType]! : OTHER);
    } else if (f.mode === MODE_STRING) {
      // A literal the grammar does not split (e.g. a char literal): all of it is contents.
      emit(f.start, f.end, STRING);
      if (f.end > f.start) strings.push({ start: f.start, end: f.end, nodeType: f.literalType, kind: 'string' });
      openStrings--;
    }
  };

  /** Leaving a node whose children were visited. */
  const exit = (f: Frame): void => {
    if (f.mode === MODE_STRING) {
      if (f.end > f.pos) {
        emit(f.pos, f.end, STRING);
        if (f.runStart < 0) f.runStart = f.pos;
      }
      closeRun(f, f.end);
      openStrings--;
    }
  };

  try {
    // The root is entered like any node (a whole-file comment or string is possible).
    let parent = CODE_FRAME;
    let frame = enter(parent);
    for (;;) {
      if (frame) {
        const entered = typeId;
        if (gotoFirstChild(h)) {
          stack.push(frame);
          parent = frame;
          frame = enter(parent);
          continue;
        }
        leaf(frame, entered);
      }
      // Move to the next sibling, leaving finished ancestors on the way.
      while (!gotoNextSibling(h)) {
        if (!gotoParent(h)) return { identifiers, strings, categories: categories.finish() };
        exit(stack.pop()!);
        parent = stack[stack.length - 1]!;
      }
      frame = enter(parent);
    }
  } finally {
    cursor.close();
  }
}
