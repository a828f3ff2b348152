// The workspace report webview: one panel at a time, which owns its listeners. The scan runs in
// the core (worker threads), the panel shows the ReportJson and exports it on request. The panel
// keeps the URI of the folder it reported on (a picker chooses one in a multi-root workspace), so
// a file link opens inside that folder and nowhere else. After a reload VS Code restores the panel
// through the serializer: the webview keeps the report in its state, the folder is remembered in
// the workspace state.
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import * as vscode from 'vscode';
import { runReport, type ReportJson } from '../../core/report';
import type { ReportCacheSummary } from '../../core/report/result-cache';
import type { Ctx } from '../ctx';
import { WEBVIEW_REPORT } from '../manifest';
import { WINDOW_CAPACITY } from '../services';
import { REPORT_VIEW_FILES, reportHtml } from './html';
import { parseFromWebview, type ExportFormat, type ToWebview } from '../../core/report/messages';
import { progressText, reportJobs, reportModelKey, reportPatterns, reportProfile } from './scope';
import { checkReportLink, isInsideFolder } from './links';
import { RefreshOnSave } from './refresh';
import { defaultExportName, EXPORT_LABELS, exportText, openWith, writeFileAtomic } from './export';

/** workspaceState key: URI of the folder the last report scanned (restores links after reload). */
const FOLDER_KEY = 'subtokenLens.report.folder';

export class ReportPanel implements vscode.Disposable {
  private static current: ReportPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private report: ReportJson | undefined;
  private scan: AbortController | undefined;
  /** The folder the report is about; links resolve against its URI. */
  private folder: vscode.WorkspaceFolder | undefined;
  /** Scans running now (a save waits for them before refreshing). */
  private scanning = 0;
  private readonly refreshOnSave = new RefreshOnSave({ busy: () => this.scanning > 0, refresh: () => this.run({ quiet: true }) });

  /** Shows the panel (creating it once) and starts a scan of a folder (asks which one when the
   *  workspace has several). Returns undefined when the person dismissed the folder picker. */
  static async show(ctx: Ctx): Promise<ReportPanel | undefined> {
    const folder = await pickFolder();
    if (!folder) {
      if (!vscode.workspace.workspaceFolders?.length) void vscode.window.showInformationMessage('Subtoken Lens: open a folder to report on.');
      return undefined;
    }
    if (ReportPanel.current) {
      ReportPanel.current.panel.reveal();
    } else {
      const panel = vscode.window.createWebviewPanel(WEBVIEW_REPORT, 'Subtoken Lens Report', vscode.ViewColumn.Active, webviewOptions(ctx));
      ReportPanel.current = new ReportPanel(ctx, panel);
    }
    ReportPanel.current.folder = folder;
    void ReportPanel.current.run();
    return ReportPanel.current;
  }

  /** Restores the panel after a window reload from the webview's saved report. */
  static registerSerializer(ctx: Ctx): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(WEBVIEW_REPORT, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        ReportPanel.current?.dispose();
        panel.webview.options = webviewOptions(ctx);
        const restored = new ReportPanel(ctx, panel);
        const saved = ctx.extCtx.workspaceState.get<string>(FOLDER_KEY);
        restored.folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === saved);
        const report = (state as { report?: unknown } | undefined)?.report;
        if (isReportJson(report) && restored.folder) restored.report = report;
        ReportPanel.current = restored;
        ctx.log.info(`workspace report restored after reload${restored.report ? ` (${restored.folder!.uri.fsPath})` : ': no saved report, press Re-run'}`);
      },
    });
  }

  private constructor(private readonly ctx: Ctx, private readonly panel: vscode.WebviewPanel) {
    const ext = ctx.extCtx.extensionUri;
    const uri = (...p: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(ext, ...p)).toString();
    panel.iconPath = vscode.Uri.joinPath(ext, 'media', 'icon.png');
    panel.webview.html = reportHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: uri(...REPORT_VIEW_FILES.script),
      styleUri: uri(...REPORT_VIEW_FILES.style),
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw) => void this.onMessage(raw)),
      // With the result cache a refresh analyses only what changed, so a save refreshes the report.
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (this.report && this.folder && isInsideFolder(this.folder.uri.path, doc.uri.path)
          && this.ctx.config.forResource(this.folder.uri).reportCache) this.refreshOnSave.saved();
      }),
      this.refreshOnSave,
    );
  }

  private post(m: ToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromWebview(raw);
    if (!m) {
      this.ctx.log.warn(`report webview sent an unknown message: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    try {
      switch (m.type) {
        case 'ready':
          if (this.report) this.post({ type: 'report', report: this.report });
          break;
        case 'rerun':
          await this.run();
          break;
        case 'openFile':
          await this.openFile(m.path);
          break;
        case 'findIdentifier':
          await this.findIdentifier(m.name);
          break;
        case 'export':
          await this.export(m.format);
          break;
      }
    } catch (err) {
      this.ctx.showError(`report ${m.type}`, err);
    }
  }

  /** Opens a file the report lists, joined onto the reported folder's URI; anything else is refused and logged. */
  private async openFile(relPath: string): Promise<void> {
    const folder = this.folder;
    if (!folder || !this.report) {
      this.ctx.log.warn(`report link ${JSON.stringify(relPath)} refused: no report is shown`);
      return;
    }
    const check = checkReportLink(relPath, new Set(this.report.files.map((f) => f.path)));
    const target = check.ok ? vscode.Uri.joinPath(folder.uri, ...check.segments) : undefined;
    if (!target || !isInsideFolder(folder.uri.path, target.path)) {
      this.ctx.log.warn(`report link ${JSON.stringify(relPath)} refused: ${check.ok ? 'outside the folder' : check.reason}`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(target);
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
  }

  /** "Jump to occurrences" of a top identifier: the search view, whole word and case, in the
   *  reported folder. Only names the report lists are searched (the webview is untrusted). */
  private async findIdentifier(name: string): Promise<void> {
    const folder = this.folder;
    if (!folder || !this.report?.topIdentifiers.some((t) => t.name === name)) {
      this.ctx.log.warn(`report search for ${JSON.stringify(name).slice(0, 200)} refused: not an identifier of the report`);
      return;
    }
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    await vscode.commands.executeCommand('workbench.action.findInFiles', {
      query: name, isRegex: false, isCaseSensitive: true, matchWholeWord: true, triggerSearch: true,
      // In a multi-root window the search covers the reported folder only (`./name` is VS Code's
      // notation for a workspace folder); in a single folder, all of it.
      filesToInclude: multiRoot ? `./${folder.name}` : '',
    });
    this.ctx.log.info(`report: finding the occurrences of ${name}`);
  }

  /** `quiet`: a refresh after a save, shown in the status bar rather than as a notification. */
  async run(opts: { quiet?: boolean } = {}): Promise<void> {
    // Re-run keeps the folder chosen when the panel opened; a removed folder falls back to asking.
    const folder = this.folder && vscode.workspace.getWorkspaceFolder(this.folder.uri)?.uri.toString() === this.folder.uri.toString()
      ? this.folder : await pickFolder();
    if (!folder) {
      this.post({ type: 'error', message: 'Open a folder to report on.' });
      return;
    }
    this.folder = folder;
    void this.ctx.extCtx.workspaceState.update(FOLDER_KEY, folder.uri.toString());
    this.scan?.abort();
    const scan = new AbortController();
    this.scan = scan;
    const settings = this.ctx.config.forResource(folder.uri);
    const patterns = reportPatterns({
      include: settings.reportInclude, exclude: settings.reportExclude, filesExclude: this.ctx.config.filesExclude(folder.uri),
    });
    if (patterns.unsupported.length) {
      this.ctx.log.info(`workspace report: files.exclude entries with "when" conditions are not applied: ${patterns.unsupported.join(', ')}`);
    }
    const jobs = reportJobs(availableParallelism());
    const modelKey = reportModelKey(settings.model);
    try {
      const { profile, fallback } = reportProfile(settings, modelKey);
      if (fallback) this.ctx.log.warn(`workspace report: subtokenLens.flopProfile does not fit ${modelKey} (${fallback}); using its default profile`);
      const { tokenizer, located } = await this.ctx.engine.tokenizer();
      const ext = this.ctx.extCtx.extensionPath;
      const t0 = performance.now();
      const report = await vscode.window.withProgress({
        location: opts.quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
        title: 'Subtoken Lens: scanning the workspace', cancellable: true,
      }, (progress, token) => {
        const cancel = token.onCancellationRequested(() => scan.abort());
        let shown = 0;
        this.scanning++;
        return runReport({
          root: folder.uri.fsPath,
          tokenizerDir: located.dir,
          tokenizerName: tokenizer.name,
          modelKey,
          profile,
          scope: 'identifiers',
          window: { capacity: WINDOW_CAPACITY, specials: 2 },
          maxFileSize: settings.reportMaxFileSize,
          includeVendored: false,
          includeGenerated: false,
          includeUnsupported: false,
          exclude: patterns.exclude,
          ...(patterns.include.length ? { include: patterns.include } : {}),
          // Worker threads keep the extension host (hovers, the status bar) responsive while the
          // files are tokenized and parsed (this thread never analyses files beside them).
          jobs,
          topLimit: 100,
          includeIdentifierTable: false,
          toolVersion: String(this.ctx.extCtx.extension.packageJSON.version ?? '0'),
          grammarDirs: [join(ext, 'dist', 'grammars')],
          runtimeWasm: join(ext, 'dist', 'tree-sitter.wasm'),
          workerFile: join(ext, 'dist', 'report-worker.js'),
          // Used when the report runs in this thread (a folder with a single file); the workers
          // get a snapshot of it instead of loading the tokenizer files again.
          tokenizer,
          signal: scan.signal,
          ...(settings.reportCache ? {
            cache: { cacheDir: this.ctx.engine.cacheDir },
            onCache: (c: ReportCacheSummary) => {
              if (c.warning) this.ctx.log.warn(`workspace report: ${c.warning}`);
              else this.ctx.log.info(`workspace report: ${c.hits} file(s) from the cache, ${c.analysed} analysed (${c.dir})`);
            },
          } : {}),
          onProgress: (p) => {
            const { message, percent } = progressText(p);
            progress.report({ message, increment: percent - shown });
            shown = percent;
            this.post({ type: 'progress', message: `Scanning: ${message}` });
          },
        }).finally(() => { cancel.dispose(); this.scanning--; });
      });
      if (scan.signal.aborted) {
        this.post({ type: 'progress', message: 'Scan cancelled. Press Re-run to start again.' });
        return;
      }
      this.ctx.log.info(`workspace report: ${report.totals.files} files, ${report.skipped.length} skipped, in `
        + `${(performance.now() - t0).toFixed(0)} ms on ${jobs} worker thread${jobs === 1 ? '' : 's'}`
        + `${patterns.include.length ? `; include ${patterns.include.join(' ')}` : ''}; exclude ${patterns.exclude.join(' ')}`);
      this.report = report;
      this.post({ type: 'report', report });
    } catch (err) {
      if (scan.signal.aborted) {
        this.ctx.log.info('workspace report: cancelled');
        this.post({ type: 'progress', message: 'Scan cancelled. Press Re-run to start again.' });
        return;
      }
      this.post({ type: 'error', message: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
      throw err;
    }
  }

  /** Export: the save dialog (in the reported folder, named by format), an atomic write, then one
   *  notification that offers to open the file or reveal it. Cancelling the dialog writes nothing. */
  private async export(format: ExportFormat): Promise<void> {
    const report = this.report;
    if (!report) {
      void vscode.window.showInformationMessage('Subtoken Lens: the report is still being computed.');
      return;
    }
    const folder = this.folder?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const label = EXPORT_LABELS[format];
    const target = await vscode.window.showSaveDialog({
      title: `Export the report as ${label}`,
      saveLabel: 'Export',
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, defaultExportName(format)) } : {}),
      filters: { [label]: [format] },
    });
    if (!target) {
      this.ctx.log.info(`report export (${format}) cancelled: nothing written`);
      return;
    }
    const text = exportText(report, format, join(this.ctx.extCtx.extensionPath, 'dist'));
    if (target.scheme === 'file') await writeFileAtomic(target.fsPath, text);
    else await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    this.ctx.log.info(`exported the report (${format}) to ${target.toString(true)}`);
    const where = target.scheme === 'file' ? target.fsPath : target.toString(true);
    const choice = await vscode.window.showInformationMessage(`Report saved to ${where}`, 'Open', 'Reveal');
    if (choice === 'Open') await openExport(target, format);
    else if (choice === 'Reveal') await revealExport(target);
  }

  dispose(): void {
    ReportPanel.current = undefined;
    this.scan?.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  /** Disposes the open panel, if any (extension deactivation). */
  static disposeCurrent(): void {
    ReportPanel.current?.dispose();
  }
}

function webviewOptions(ctx: Ctx): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    // The renderer's script and stylesheet are all the page loads.
    localResourceRoots: [vscode.Uri.joinPath(ctx.extCtx.extensionUri, 'dist', 'media')],
  };
}

/** The only folder, or the one a person picks in a multi-root workspace (undefined: none/dismissed). */
async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Subtoken Lens: which folder should the report scan?' });
}

/** Enough of a ReportJson to render, link and export (the webview's saved state is data we wrote). */
function isReportJson(x: unknown): x is ReportJson {
  const r = x as Partial<ReportJson> | undefined;
  return !!r && typeof r === 'object' && r.schema === 'subtoken-lens/report' && Array.isArray(r.files) && !!r.totals;
}

/** Opens a saved export: HTML in the browser (where its charts run), falling back to the editor
 *  where no browser can reach the file; the other formats as a document. */
async function openExport(target: vscode.Uri, format: ExportFormat): Promise<void> {
  if (openWith(format) === 'browser' && await vscode.env.openExternal(target)) return;
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target), { preview: false });
}

/** Shows a saved export: in the Explorer when it lies in the workspace, else in the system's file manager. */
async function revealExport(target: vscode.Uri): Promise<void> {
  if (vscode.workspace.getWorkspaceFolder(target)) await vscode.commands.executeCommand('revealInExplorer', target);
  else await vscode.commands.executeCommand('revealFileInOS', target);
}
