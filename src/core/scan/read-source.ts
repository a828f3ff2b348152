// Reads one source file without trusting what the path turns out to be. A FIFO blocks `open` and
// `read` until a writer comes (a blocked read also pins a libuv thread, so even process.exit hangs),
// a device can stream forever, and a file can be swapped between the walk and the read. So: only
// regular files are read, the path is checked before opening, the descriptor is opened
// non-blocking and checked again (the check that counts), and no more than the limit is read.
import { closeSync, constants, fstatSync, openSync, promises as fs, readSync, statSync, type Stats } from 'node:fs';
import { firstInvalidUtf8 } from './classify';
import { errorText } from '../error-text';

export type ReadRefusal = {
  ok: false;
  /** Same names as the report's skip reasons. */
  reason: 'not-regular' | 'too-large' | 'unreadable' | 'invalid-utf8';
  detail: string;
};

export type BytesRead = { ok: true; bytes: Buffer } | ReadRefusal;
export type TextRead = { ok: true; text: string; bytes: number } | ReadRefusal;

// O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer (a no-op for
// regular files). O_NOCTTY: opening a terminal never makes it ours. Neither exists on Windows.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** What a non-regular file is, in words, for skip lists and error lines. */
export function fileKind(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

const notRegular = (st: Stats): ReadRefusal => ({ ok: false, reason: 'not-regular', detail: `not a regular file: ${fileKind(st)}` });
const tooLarge = (size: number | string, limit: number): ReadRefusal => ({ ok: false, reason: 'too-large', detail: `${size} bytes > limit ${limit}` });
const unreadable = (e: unknown): ReadRefusal => ({ ok: false, reason: 'unreadable', detail: errorText(e) });

/** Why a file with these stats is not read, if it is not. */
function refusalOf(st: Stats, maxBytes: number): ReadRefusal | undefined {
  if (!st.isFile()) return notRegular(st);
  if (st.size > maxBytes) return tooLarge(st.size, maxBytes);
  return undefined;
}

/**
 * Read to EOF but never past the limit, even if the file grows while we read it (or, like files in
 * /proc, says size 0 and has content): one byte beyond the limit proves it too large. `read`
 * fills `buf` from `offset` and says how many bytes came (0 at EOF); the loop is written once
 * and driven by a synchronous and an asynchronous reader below.
 */
function* readLoop(size: number, maxBytes: number): Generator<{ buf: Buffer; offset: number }, BytesRead, number> {
  const cap = maxBytes + 1;
  let buf = Buffer.allocUnsafe(Math.min(size + 1, cap));
  let length = 0;
  for (;;) {
    if (length === buf.length) {
      if (length >= cap) return tooLarge(`more than ${maxBytes}`, maxBytes);
      const grown = Buffer.allocUnsafe(Math.min(Math.max(buf.length * 2, 64 * 1024), cap));
      buf.copy(grown, 0, 0, length);
      buf = grown;
    }
    const bytesRead = yield { buf, offset: length };
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return { ok: true, bytes: buf.subarray(0, length) };
}

/** The bytes of a regular file of at most `maxBytes` bytes (symlinks followed); anything else is refused. */
export async function readRegularFile(path: string, maxBytes: number): Promise<BytesRead> {
  try {
    // Refuse devices and FIFOs before opening: opening some devices has effects of its own.
    const refused = refusalOf(await fs.stat(path), maxBytes);
    if (refused) return refused;
  } catch (e) {
    return unreadable(e);
  }
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, OPEN_FLAGS);
  } catch (e) {
    return unreadable(e);
  }
  try {
    // The path may have been replaced since the stat: what counts is what was opened.
    const st = await handle.stat();
    const refused = refusalOf(st, maxBytes);
    if (refused) return refused;
    const loop = readLoop(st.size, maxBytes);
    for (let step = loop.next(); ; ) {
      if (step.done) return step.value;
      const { buf, offset } = step.value;
      step = loop.next((await handle.read(buf, offset, buf.length - offset, offset)).bytesRead);
    }
  } catch (e) {
    return unreadable(e);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * readRegularFile without the event loop, for worker threads, which have nothing else to do while
 * a file is read (the asynchronous one spends more on promises and thread hand-offs than on the
 * read). The same checks, so a FIFO or a device is still refused before anything blocks.
 */
export function readRegularFileSync(path: string, maxBytes: number): BytesRead {
  try {
    const refused = refusalOf(statSync(path), maxBytes);
    if (refused) return refused;
  } catch (e) {
    return unreadable(e);
  }
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    return unreadable(e);
  }
  try {
    const st = fstatSync(fd);
    const refused = refusalOf(st, maxBytes);
    if (refused) return refused;
    const loop = readLoop(st.size, maxBytes);
    for (let step = loop.next(); ; ) {
      if (step.done) return step.value;
      const { buf, offset } = step.value;
      step = loop.next(readSync(fd, buf, offset, buf.length - offset, offset));
    }
  } catch (e) {
    return unreadable(e);
  } finally {
    try { closeSync(fd); } catch { /* nothing to do */ }
  }
}

// ignoreBOM: a leading U+FEFF stays in the text, as in Python's open(encoding='utf-8'): offsets
// then index the file's own text and the tokens match Hugging Face's on it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A regular file's text, refused when it is not valid UTF-8 (a leading BOM is kept). */
export async function readSourceText(path: string, maxBytes: number): Promise<TextRead> {
  const read = await readRegularFile(path, maxBytes);
  if (!read.ok) return read;
  try {
    return { ok: true, text: strictUtf8.decode(read.bytes), bytes: read.bytes.length };
  } catch {
    return { ok: false, reason: 'invalid-utf8', detail: `not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(read.bytes)})` };
  }
}
