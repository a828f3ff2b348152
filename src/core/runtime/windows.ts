// Splitting a file's tokens into encoder windows: 510 content tokens + <s> … </s> = 512, the
// CodeT5 input size. Groups are given over the whole file's token positions; a group that crosses a
// window boundary is cut there (each part stays a group if it still has 2+ tokens).

export interface FileInput {
  /** Content token ids (no <s>/</s>). */
  readonly ids: ArrayLike<number>;
  /** Groups of consecutive positions in `ids` to merge. */
  readonly groups: readonly (readonly number[])[];
  /** Optional label per group (e.g. the identifier text), carried into the report. */
  readonly groupLabels?: readonly string[];
}

export interface WindowInput {
  readonly index: number;
  /** Position of the window's first content token in the file's token sequence. */
  readonly contentStart: number;
  /** Window ids including <s> and </s>. */
  readonly ids: number[];
  /** Groups in window positions (so shifted by 1 for <s>). */
  readonly groups: number[][];
  /** For each group, its index in the file's group list. */
  readonly fileGroup: number[];
  readonly groupLabels: (string | undefined)[];
  /** Groups cut by this window's boundary. */
  readonly cutGroups: number;
}

export const DEFAULT_WINDOW_CONTENT = 510;

export function splitIntoWindows(input: FileInput, bos: number, eos: number, capacity = DEFAULT_WINDOW_CONTENT): WindowInput[] {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`window capacity must be a positive integer, got ${capacity}`);
  const n = input.ids.length;
  const windows: WindowInput[] = [];
  for (let start = 0, w = 0; start < n; start += capacity, w++) {
    const end = Math.min(n, start + capacity);
    const ids = [bos];
    for (let i = start; i < end; i++) ids.push(input.ids[i]!);
    ids.push(eos);
    windows.push({ index: w, contentStart: start, ids, groups: [], fileGroup: [], groupLabels: [], cutGroups: 0 });
  }
  input.groups.forEach((g, gi) => {
    if (g.length === 0) return;
    const first = Math.floor(g[0]! / capacity);
    const last = Math.floor(g[g.length - 1]! / capacity);
    for (let w = first; w <= last && w < windows.length; w++) {
      const win = windows[w]!;
      const part = g.filter((p) => p >= win.contentStart && p < win.contentStart + capacity).map((p) => p - win.contentStart + 1);
      if (first !== last) (win as { cutGroups: number }).cutGroups++;
      if (part.length < 2) continue;
      win.groups.push(part);
      win.fileGroup.push(gi);
      win.groupLabels.push(input.groupLabels?.[gi]);
    }
  });
  return windows;
}
