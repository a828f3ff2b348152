// Messages between the report webview (media/report.js) and the extension, as one discriminated
// union per direction. Pure types: no `vscode`.
import type { ReportJson } from '../../core/report/schema';

export const EXPORT_FORMATS = ['md', 'csv', 'json', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ToWebview =
  | { readonly type: 'report'; readonly report: ReportJson }
  | { readonly type: 'progress'; readonly message: string }
  | { readonly type: 'error'; readonly message: string };

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'openFile'; readonly path: string }
  | { readonly type: 'export'; readonly format: ExportFormat }
  | { readonly type: 'rerun' };

/** Validates a message from the webview (it is untrusted input). */
export function parseFromWebview(m: unknown): FromWebview | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'rerun':
      return { type: o.type };
    case 'openFile':
      return typeof o.path === 'string' && o.path.length > 0 ? { type: 'openFile', path: o.path } : undefined;
    case 'export':
      return (EXPORT_FORMATS as readonly unknown[]).includes(o.format) ? { type: 'export', format: o.format as ExportFormat } : undefined;
    default:
      return undefined;
  }
}
