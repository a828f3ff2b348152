// Turns a VS Code text change into a tree-sitter edit, so the previous tree can be re-used for an
// incremental parse. Pure: no `vscode` import. web-tree-sitter takes offsets and columns in
// UTF-16 code units (JS string indices), which is what VS Code gives us too.

export interface TextChange {
  /** Offset of the replaced range in the document before the change. */
  readonly rangeOffset: number;
  readonly rangeLength: number;
  readonly start: { readonly line: number; readonly character: number };
  readonly end: { readonly line: number; readonly character: number };
  /** Inserted text. */
  readonly text: string;
}

export interface Point { row: number; column: number }

export interface TreeEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: Point;
  oldEndPosition: Point;
  newEndPosition: Point;
}

/** Position just after `text` when it is inserted at `start`. */
export function endOfInsertion(start: Point, text: string): Point {
  let row = start.row;
  let lastBreak = -1;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) { row++; lastBreak = i; }
  }
  return lastBreak < 0 ? { row, column: start.column + text.length } : { row, column: text.length - lastBreak - 1 };
}

export function treeEditFor(change: TextChange): TreeEdit {
  const startPosition = { row: change.start.line, column: change.start.character };
  return {
    startIndex: change.rangeOffset,
    oldEndIndex: change.rangeOffset + change.rangeLength,
    newEndIndex: change.rangeOffset + change.text.length,
    startPosition,
    oldEndPosition: { row: change.end.line, column: change.end.character },
    newEndPosition: endOfInsertion(startPosition, change.text),
  };
}
