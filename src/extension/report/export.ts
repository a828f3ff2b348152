// What the report panel's Export buttons write, and how: the text of each format, the file name
// the save dialog proposes, and an atomic write (a temporary file beside the target, then a
// rename), so a failed or interrupted export never leaves a half-written report where the person
// looks for it. No `vscode` import: test/extension/reportExport.test.ts runs it in node.
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatCsv, formatHtml, formatMarkdown, loadReportViewAssets, type ReportJson } from '../../core/report';
import type { ExportFormat } from '../../core/report/messages';

/** The format's name in the dialog's title and file-type filter. */
export const EXPORT_LABELS: Readonly<Record<ExportFormat, string>> = { md: 'Markdown', csv: 'CSV', json: 'JSON', html: 'HTML' };

/** The file name the save dialog proposes (in the reported folder). */
export function defaultExportName(format: ExportFormat): string {
  return `subtoken-report.${format}`;
}

/** How "Open" shows a saved export: HTML in the browser (it is a page with charts), the others
 *  as a document in the editor. */
export function openWith(format: ExportFormat): 'browser' | 'editor' {
  return format === 'html' ? 'browser' : 'editor';
}

/** The export's text. `distDir`: the extension's dist/, where the HTML export's renderer lies. */
export function exportText(report: ReportJson, format: ExportFormat, distDir: string): string {
  switch (format) {
    case 'md': return formatMarkdown(report);
    case 'csv': return formatCsv(report);
    case 'json': return `${JSON.stringify(report, null, 2)}\n`;
    case 'html': return formatHtml(report, loadReportViewAssets(distDir));
  }
}

/** Writes `text` to `path` whole or not at all: into a temporary file in the same folder (so the
 *  rename stays on one file system), then renamed over the target. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
