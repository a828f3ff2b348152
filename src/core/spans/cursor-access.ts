// The tree walk makes ~4 cursor calls per node. web-tree-sitter's TreeCursor copies the cursor's
// 4-word state into the runtime's transfer buffer before every call and back after every move
// (8 DataView accesses through `setValue`/`getValue` around a one-line C function): on 3 MB of
// Python that is ~250 ms of the walk's ~370 ms. The runtime's C functions keep the state in that
// buffer themselves, so a walk that calls them directly, one call after another with nothing
// else touching the buffer in between, needs no copies (TreeCursor.nodeText relies on the same
// property). Those functions are the emscripten module's exports (`_ts_tree_cursor_*_wasm`),
// which emscripten attaches to the object handed to `Parser.init`: the extractor keeps that
// object (`adoptRuntimeModule`). When it is not available (web-tree-sitter was started by someone
// else first, or a future version renames the exports) the public TreeCursor is used; both give
// the same results (test/core/spans/parity.test.ts runs both).

import type { Tree } from 'web-tree-sitter';

/** Cursor calls by tree handle; moves return truthy when they moved. */
export interface CursorOps {
  readonly handle: number;
  readonly gotoFirstChild: (h: number) => unknown;
  readonly gotoNextSibling: (h: number) => unknown;
  readonly gotoParent: (h: number) => unknown;
  readonly nodeTypeId: (h: number) => number;
  readonly nodeId: (h: number) => number;
  readonly startIndex: (h: number) => number;
  readonly endIndex: (h: number) => number;
  /** Frees the cursor. */
  readonly close: () => void;
}

type CursorFn = (h: number) => number;

interface DirectExports {
  readonly first: CursorFn;
  readonly next: CursorFn;
  readonly parent: CursorFn;
  readonly typeId: CursorFn;
  readonly nodeId: CursorFn;
  readonly start: CursorFn;
  readonly end: CursorFn;
  readonly del: CursorFn;
}

const EXPORT_NAMES: Record<keyof DirectExports, string> = {
  first: '_ts_tree_cursor_goto_first_child_wasm',
  next: '_ts_tree_cursor_goto_next_sibling_wasm',
  parent: '_ts_tree_cursor_goto_parent_wasm',
  typeId: '_ts_tree_cursor_current_node_type_id_wasm',
  nodeId: '_ts_tree_cursor_current_node_id_wasm',
  start: '_ts_tree_cursor_start_index_wasm',
  end: '_ts_tree_cursor_end_index_wasm',
  del: '_ts_tree_cursor_delete_wasm',
};

let direct: DirectExports | undefined;
let directEnabled = true;

/**
 * Called with the object given to `Parser.init` once it resolved. Takes the cursor exports when
 * the object really became the runtime module (it has every one of them); returns whether it did.
 */
export function adoptRuntimeModule(moduleObject: object): boolean {
  const m = moduleObject as Record<string, unknown>;
  const found = {} as Record<keyof DirectExports, CursorFn>;
  for (const [key, name] of Object.entries(EXPORT_NAMES) as [keyof DirectExports, string][]) {
    const fn = m[name];
    if (typeof fn !== 'function') return false;
    found[key] = fn as CursorFn;
  }
  direct = found;
  return true;
}

/** Turns the direct calls off (true: back on, when available); returns whether they were in use. For tests and benchmarks. */
export function useDirectCursor(enabled: boolean): boolean {
  const was = directEnabled && !!direct;
  directEnabled = enabled;
  return was;
}

/** A cursor at the root of `tree`. */
export function openCursor(tree: Tree): CursorOps {
  const cursor = tree.walk();
  // tree[0] is the tree's address in wasm memory, the argument every cursor export takes.
  const handle = (tree as unknown as { readonly 0: unknown })[0];
  const d = direct;
  if (d && directEnabled && typeof handle === 'number') {
    // `tree.walk()` just left the new cursor's state in the transfer buffer: continue from there.
    return {
      handle, gotoFirstChild: d.first, gotoNextSibling: d.next, gotoParent: d.parent,
      nodeTypeId: d.typeId, nodeId: d.nodeId, startIndex: d.start, endIndex: d.end,
      // The buffer holds the cursor's latest state (the JS object's copy is stale): free that one.
      close: () => void d.del(handle),
    };
  }
  return {
    handle: 0,
    gotoFirstChild: () => cursor.gotoFirstChild(),
    gotoNextSibling: () => cursor.gotoNextSibling(),
    gotoParent: () => cursor.gotoParent(),
    nodeTypeId: () => cursor.nodeTypeId,
    nodeId: () => cursor.nodeId,
    startIndex: () => cursor.startIndex,
    endIndex: () => cursor.endIndex,
    close: () => cursor.delete(),
  };
}
