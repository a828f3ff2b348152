// Messages between the workspace-report webview (src/webview/vscode-bridge.ts) and the extension,
// one discriminated union per direction. Pure types and a validator: no `vscode`, no DOM. Both sides
// import these types, so there is one definition, here.
import type { ReportJson } from './schema';

export const EXPORT_FORMATS = ['md', 'csv', 'json', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Extension → webview. */
export type ToWebview =
  /** A finished report to render (replaces any earlier one). */
  | { readonly type: 'report'; readonly report: ReportJson }
  /** Scan progress, or the end of a scan that produced no report (cancelled). */
  | { readonly type: 'progress'; readonly message: string }
  | { readonly type: 'error'; readonly message: string };

/** Webview → extension. Untrusted: always read through `parseFromWebview`. */
export type FromWebview =
  /** The script has loaded and listens; the extension answers with the current report, if any. */
  | { readonly type: 'ready' }
  /** Open a reported file; `path` is relative to the report's root. */
  | { readonly type: 'openFile'; readonly path: string }
  /** Find an identifier of the report's top list in the workspace (the search view). */
  | { readonly type: 'findIdentifier'; readonly name: string }
  | { readonly type: 'export'; readonly format: ExportFormat }
  | { readonly type: 'rerun' };

export type ToWebviewType = ToWebview['type'];
export type FromWebviewType = FromWebview['type'];

/** Validates a message from the webview; undefined for anything malformed or unknown. */
export function parseFromWebview(m: unknown): FromWebview | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'rerun':
      return { type: o.type };
    case 'openFile':
      // Relative paths inside the report only: no absolute paths, no climbing out of the root.
      return typeof o.path === 'string' && o.path.length > 0 && !isEscapingPath(o.path) ? { type: 'openFile', path: o.path } : undefined;
    case 'findIdentifier':
      // The extension also checks that the name is one the report lists.
      return typeof o.name === 'string' && o.name.length > 0 && o.name.length <= 1000 ? { type: 'findIdentifier', name: o.name } : undefined;
    case 'export':
      return (EXPORT_FORMATS as readonly unknown[]).includes(o.format) ? { type: 'export', format: o.format as ExportFormat } : undefined;
    default:
      return undefined;
  }
}

function isEscapingPath(p: string): boolean {
  if (p.startsWith('/') || p.startsWith('\\') || /^[a-zA-Z]:/.test(p)) return true;
  return p.split(/[\\/]/).includes('..');
}
