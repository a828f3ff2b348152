// Walks a tree the way a developer thinks of "my code": honours .gitignore files at every level
// (and .git/info/exclude), skips VCS metadata, vendored directories and files over the size limit,
// follows symlinks inside the tree but never loops and never leaves the tree unless asked, lists
// FIFOs, sockets and devices without opening them, and reports everything it skipped with a reason.
import { promises as fs, type Stats } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { SkippedFile } from './types';
import { errorText } from '../error-text';
import { extensionOf, generatedByName, METADATA_DIRS, OTHER_CODE_EXTENSIONS, shardOf, VENDORED_DIRS } from './classify';
import { fileKind, readRegularFile } from './read-source';

export interface WalkOptions {
  /** Files larger than this are skipped as too large. */
  maxFileSize: number;
  includeVendored: boolean;
  includeGenerated: boolean;
  /** Decides the language of a path (undefined: not a supported language). */
  languageForPath: (path: string) => string | undefined;
  /** Extra ignore patterns (gitignore syntax), e.g. the editor's files.exclude. */
  exclude?: string[];
  /** When given, only files matching one of these patterns (gitignore syntax, e.g. "src/**", "*.py"). */
  include?: string[];
  /** Only files of this shard: { index: 0-based, count }. */
  shard?: { index: number; count: number };
  /** Count files of source languages without a grammar (reported as unsupported). */
  includeUnsupported: boolean;
  /** Follow symlinks whose target lies outside the root (default: list them as skipped). */
  followExternalSymlinks?: boolean;
  signal?: AbortSignal;
}

export interface WalkFile {
  path: string;
  /** Relative to the root, with forward slashes. */
  rel: string;
  size: number;
  /** A supported language id, or `unsupported:<name>`. */
  language: string;
}

export interface WalkResult {
  files: WalkFile[];
  skipped: SkippedFile[];
}

interface IgnoreLayer {
  base: string; // relative dir of the .gitignore, '' for root
  ig: Ignore;
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/** The root itself cannot be listed: there is no report to make, which is not an empty report. */
export class WalkRootError extends Error {}

/** Ignore files larger than this are not ignore files. */
const MAX_IGNORE_FILE_BYTES = 4 * 1024 * 1024;

async function readIgnore(file: string): Promise<Ignore | undefined> {
  // Through the safe reader: a .gitignore that is a FIFO must not block the walk.
  const read = await readRegularFile(file, MAX_IGNORE_FILE_BYTES);
  return read.ok ? ignore().add(read.bytes.toString('utf8')) : undefined;
}

/** Whether `real` is `realRoot` or below it (path.relative, so /a/bc is not inside /a/b). */
function isInside(realRoot: string, real: string): boolean {
  const rel = relative(realRoot, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function ignoredBy(layers: readonly IgnoreLayer[], rel: string, isDir: boolean): boolean {
  for (const layer of layers) {
    const sub = layer.base ? rel.slice(layer.base.length + 1) : rel;
    if (layer.ig.ignores(isDir ? `${sub}/` : sub)) return true;
  }
  return false;
}

/** Lists the files of a report, in a deterministic order. */
export async function walkTree(root: string, opts: WalkOptions): Promise<WalkResult> {
  const files: WalkFile[] = [];
  const skipped: SkippedFile[] = [];
  const rootLayers: IgnoreLayer[] = [];
  const exclude = await readIgnore(join(root, '.git', 'info', 'exclude'));
  if (exclude) rootLayers.push({ base: '', ig: exclude });
  if (opts.exclude?.length) rootLayers.push({ base: '', ig: ignore().add(opts.exclude) });
  const visited = new Set<string>();
  const include = opts.include?.length ? ignore().add(opts.include) : undefined;
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch (e) {
    throw new WalkRootError(`cannot read the folder ${root}: ${errorText(e)}`);
  }

  async function visit(dir: string, rel: string, layers: IgnoreLayer[]): Promise<void> {
    opts.signal?.throwIfAborted();
    let real: string;
    try {
      real = rel ? await fs.realpath(dir) : realRoot;
    } catch (e) {
      skipped.push({ path: rel || '.', reason: 'unreadable', detail: errorText(e) });
      return;
    }
    if (visited.has(real)) {
      skipped.push({ path: rel, reason: 'symlink-loop', detail: `already visited as ${real}` });
      return;
    }
    visited.add(real);
    const gi = await readIgnore(join(dir, '.gitignore'));
    const here = gi ? [...layers, { base: rel, ig: gi }] : layers;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (!rel) throw new WalkRootError(`cannot read the folder ${root}: ${errorText(e)}`);
      skipped.push({ path: rel, reason: 'unreadable', detail: errorText(e) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      const childRel = rel ? `${rel}/${ent.name}` : ent.name;
      const child = join(dir, ent.name);
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      let size = -1;
      let target: Stats | undefined;
      /** Where a symlink leads when that is outside the root (and not to be followed). */
      let external: string | undefined;
      if (ent.isSymbolicLink()) {
        try {
          // stat, not open: looking at a device or a FIFO has no effect; opening one may.
          target = await fs.stat(child);
          const realTarget = await fs.realpath(child);
          if (!opts.followExternalSymlinks && !isInside(realRoot, realTarget)) external = realTarget;
        } catch (e) {
          const loop = (e as NodeJS.ErrnoException).code === 'ELOOP';
          skipped.push({ path: childRel, reason: loop ? 'symlink-loop' : 'unreadable', detail: loop ? 'symlink points back into itself' : `broken symlink: ${errorText(e)}` });
          continue;
        }
        isDir = target.isDirectory();
        isFile = target.isFile();
        size = target.size;
      }
      const outsideRoot = (): SkippedFile => ({
        path: childRel, reason: 'outside-root', detail: `symlink to ${external}, outside the scanned folder (use --follow-external-symlinks)`,
      });
      if (isDir) {
        if (METADATA_DIRS.has(ent.name)) continue;
        if (ignoredBy(here, childRel, true)) continue;
        if (!opts.includeVendored && VENDORED_DIRS.has(ent.name)) {
          skipped.push({ path: childRel, reason: 'vendored', detail: 'third-party directory (use --include-vendored)' });
          continue;
        }
        if (external) {
          skipped.push(outsideRoot());
          continue;
        }
        await visit(child, childRel, here);
        continue;
      }
      if (ignoredBy(here, childRel, false)) continue;
      if (include && !include.ignores(childRel)) continue;
      if (opts.shard && shardOf(childRel, opts.shard.count) !== opts.shard.index) continue;
      if (!isFile) {
        // FIFOs, sockets, devices: never opened (a FIFO blocks the reader), but listed, whatever
        // their name, since they are not what anyone expects in a source tree.
        if (external) skipped.push(outsideRoot());
        else skipped.push({ path: childRel, reason: 'not-regular', detail: `not a regular file: ${target ? fileKind(target) : direntKind(ent)}` });
        continue;
      }
      const supported = opts.languageForPath(childRel);
      const other = OTHER_CODE_EXTENSIONS[extensionOf(childRel)];
      if (!supported && !(other && opts.includeUnsupported)) {
        if (other) skipped.push({ path: childRel, reason: 'not-source', detail: `${other}: no grammar (use --include-unsupported to count its tokens)` });
        continue; // not source code: documentation, data, images — not listed, they are not skipped code
      }
      if (external) {
        skipped.push(outsideRoot());
        continue;
      }
      if (!opts.includeGenerated && generatedByName(childRel)) {
        skipped.push({ path: childRel, reason: 'generated', detail: 'generated-file name pattern (use --include-generated)' });
        continue;
      }
      if (size < 0) {
        try {
          size = (await fs.stat(child)).size;
        } catch (e) {
          skipped.push({ path: childRel, reason: 'unreadable', detail: errorText(e) });
          continue;
        }
      }
      if (size > opts.maxFileSize) {
        skipped.push({ path: childRel, reason: 'too-large', detail: `${size} bytes > limit ${opts.maxFileSize} (use --max-file-size)` });
        continue;
      }
      files.push({ path: child, rel: toPosix(childRel), size, language: supported ?? `unsupported:${other}` });
    }
  }

  await visit(root, '', rootLayers);
  // Directory-level skips are seen by every shard: each belongs to the shard of its path, so
  // that combined shards list it once.
  const shard = opts.shard;
  return { files, skipped: shard ? skipped.filter((s) => shardOf(s.path, shard.count) === shard.index) : skipped };
}

function direntKind(ent: import('node:fs').Dirent): string {
  if (ent.isFIFO()) return 'a FIFO (named pipe)';
  if (ent.isSocket()) return 'a socket';
  if (ent.isCharacterDevice()) return 'a character device';
  if (ent.isBlockDevice()) return 'a block device';
  return 'an entry of unknown type';
}
