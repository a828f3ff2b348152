// Which file a click in the workspace report may open. The webview is untrusted: a path it sends is
// opened only when it is a plain relative path inside the reported folder that the report itself
// lists. The caller joins the segments onto the folder's URI (Uri.joinPath), never onto a name or
// the process's working directory. Pure, so test/extension/reportLinks.test.ts checks it.

export type LinkCheck =
  | { readonly ok: true; readonly segments: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** The report's own paths are '/'-separated and relative to the folder it scanned. */
export function checkReportLink(relPath: unknown, listed: ReadonlySet<string>): LinkCheck {
  if (typeof relPath !== 'string' || relPath.length === 0) return { ok: false, reason: 'not a path' };
  if (relPath.includes('\0')) return { ok: false, reason: 'contains a NUL character' };
  if (relPath.startsWith('/') || relPath.startsWith('\\') || /^[a-zA-Z]:/.test(relPath) || /^[a-zA-Z][\w+.-]*:\/\//.test(relPath)) {
    return { ok: false, reason: 'absolute path or URI' };
  }
  if (relPath.includes('\\')) return { ok: false, reason: 'backslash in a report path' };
  const segments = relPath.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return { ok: false, reason: 'empty, "." or ".." segment' };
  if (!listed.has(relPath)) return { ok: false, reason: 'not a file of this report' };
  return { ok: true, segments };
}

/** True when `childPath` (a URI path) lies strictly inside `folderPath`: the last check after joining. */
export function isInsideFolder(folderPath: string, childPath: string): boolean {
  const base = folderPath.endsWith('/') ? folderPath : `${folderPath}/`;
  return childPath.startsWith(base) && childPath.length > base.length;
}
