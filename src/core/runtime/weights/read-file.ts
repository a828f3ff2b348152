// Reading byte ranges of a weights file without loading all of it: checkpoints run to gigabytes and
// each reader needs only a header, a directory, then one tensor or storage at a time.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { WeightsError } from './errors';

export interface OpenFile {
  readonly path: string;
  readonly fd: number;
  readonly size: number;
}

/** Largest single readSync (Node refuses lengths over 2 GiB - 1). */
const READ_CHUNK = 1 << 30;

/** Opens `path` for reading, refusing anything but a regular file (a FIFO would block the open). */
export function withFile<T>(path: string, use: (file: OpenFile) => T): T {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new WeightsError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!isFile) throw new WeightsError(`${path} is not a regular file`);
  const fd = openSync(path, 'r');
  try {
    return use({ path, fd, size: fstatSync(fd).size });
  } finally {
    closeSync(fd);
  }
}

/** Exactly `length` bytes at `position`, into `into` when given (its first `length` bytes). */
export function readRange(file: OpenFile, position: number, length: number, into?: Uint8Array): Uint8Array {
  if (position < 0 || length < 0 || position + length > file.size) {
    throw new WeightsError(`${file.path} is truncated or corrupt: needs bytes ${position}..${position + length} of ${file.size}`);
  }
  const out = into ?? new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(file.fd, out, done, Math.min(READ_CHUNK, length - done), position + done);
    if (n === 0) throw new WeightsError(`${file.path} ended early (it changed while being read?)`);
    done += n;
  }
  return out;
}
