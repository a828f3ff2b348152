// What `encode --out` writes, by the output's extension. Windows of one file have different
// lengths, so the arrays are padded to the longest, with the true lengths beside them:
//   .json  {shape, data, …} for one window, {windows: [{shape, data, …}]} for more
//   .npz   hidden.npy float32 [windows, length, d] (zeros past each window's length) + lengths.npy int64 [windows]
//   .npy   the same [windows, length, d] array; with more than one window the lengths go to a
//          sidecar NAME.lengths.npy (one window needs none: its length is the array's)
import { encodeNpyFloat32, encodeNpyInt64, encodeNpz } from '../core/runtime/npy';

export interface EncodedWindow {
  readonly ids: readonly number[];
  readonly groups: readonly (readonly number[])[];
  readonly mergedToOriginal: readonly number[];
  /** [1, length, d] */
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface PaddedWindows {
  /** [windows, length, d], zeros past each window's length. */
  readonly data: Float32Array;
  readonly shape: [number, number, number];
  readonly lengths: number[];
}

export function padWindows(windows: readonly EncodedWindow[]): PaddedWindows {
  const d = windows[0]?.shape[2] ?? 0;
  const lengths = windows.map((w) => w.shape[1]!);
  const length = Math.max(0, ...lengths);
  const data = new Float32Array(windows.length * length * d);
  windows.forEach((w, i) => data.set(w.data, i * length * d));
  return { data, shape: [windows.length, length, d], lengths };
}

/** `x.npy` → `x.lengths.npy` */
export const lengthsSidecar = (out: string): string => out.replace(/\.npy$/i, '.lengths.npy');

export interface HiddenStatesOutput {
  /** The files to write, the main one last (so it appears only once everything else is written). */
  readonly files: Array<{ path: string; bytes: string | Uint8Array }>;
  /** What was written, for the closing line: "[2, 512, 64] (padded: window lengths 200 to 512)". */
  readonly summary: string;
}

export function hiddenStatesFiles(out: string, windows: readonly EncodedWindow[], meta: Record<string, unknown>): HiddenStatesOutput {
  const lower = out.toLowerCase();
  if (lower.endsWith('.npz') || lower.endsWith('.npy')) {
    const padded = padWindows(windows);
    const hidden = encodeNpyFloat32(padded.data, padded.shape);
    const shortest = Math.min(...padded.lengths);
    const summary = `[${padded.shape.join(', ')}]${shortest < padded.shape[1] ? ` (padded: window lengths ${shortest} to ${padded.shape[1]})` : ''}`;
    if (lower.endsWith('.npz')) {
      return { files: [{ path: out, bytes: encodeNpz([{ name: 'hidden.npy', data: hidden }, { name: 'lengths.npy', data: encodeNpyInt64(padded.lengths) }]) }], summary };
    }
    if (windows.length === 1) return { files: [{ path: out, bytes: hidden }], summary };
    const sidecar = lengthsSidecar(out);
    return { files: [{ path: sidecar, bytes: encodeNpyInt64(padded.lengths) }, { path: out, bytes: hidden }], summary: `${summary}, lengths also in ${sidecar}` };
  }
  const asJson = (w: EncodedWindow) => ({ shape: w.shape, data: Array.from(w.data), ids: w.ids, groups: w.groups, mergedToOriginal: w.mergedToOriginal });
  const body = windows.length === 1 ? { ...meta, ...asJson(windows[0]!) } : { ...meta, windows: windows.map(asJson) };
  return { files: [{ path: out, bytes: JSON.stringify(body) }], summary: windows.map((w) => `[${w.shape.join(', ')}]`).join(', ') };
}
