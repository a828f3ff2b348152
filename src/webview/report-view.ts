// Entry of the report renderer bundle (dist/media/report-view.js, built by scripts/build.mjs): the
// same script draws the report in the VS Code webview, where the data arrives by message, and in
// the self-contained HTML export, where it is embedded as JSON in #report-data.
import type { ReportJson } from '../core/report/schema';
import { renderReport } from './render';
import { startWebview } from './vscode-bridge';

const root = document.getElementById('report');
const embedded = document.getElementById('report-data');
if (root && embedded) {
  const report = JSON.parse(embedded.textContent ?? 'null') as ReportJson;
  renderReport(root, report);
  // The export follows the system's light or dark palette; its charts are redrawn when that changes.
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => renderReport(root, report));
} else if (root) {
  startWebview(root);
}
