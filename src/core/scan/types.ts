// Why the scanner left a file out. Declared here, below report/, so the scanner and the report
// schema (which re-exports these types) both import them without a cycle.

export type SkipReason =
  | 'binary'
  | 'too-large'
  | 'invalid-utf8'
  | 'vendored'
  | 'generated'
  | 'minified'
  | 'not-source'
  | 'unreadable'
  | 'symlink-loop'
  /** A FIFO, socket or device: never opened (a FIFO would block the read forever). */
  | 'not-regular'
  /** A symlink whose target lies outside the scanned folder (followed only when asked). */
  | 'outside-root'
  | 'empty'
  | 'error';

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  detail?: string;
}
