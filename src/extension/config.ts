// The only reader of VS Code's configuration. Parsing and defaults live in settings.ts.
import * as vscode from 'vscode';
import { parseSettings, RELOAD_KEYS, SECTION, type Settings } from './settings';

export class Config implements vscode.Disposable {
  private current: Settings;
  private readonly changed = new vscode.EventEmitter<{ reload: boolean; affects: (key: string) => boolean }>();
  /** Fires after the settings changed; `reload` when a loaded tokenizer/model is now stale. */
  readonly onDidChange = this.changed.event;
  private readonly listener: vscode.Disposable;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.current = this.read();
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      this.current = this.read();
      const affects = (key: string) => e.affectsConfiguration(`${SECTION}.${key}`);
      this.changed.fire({ reload: RELOAD_KEYS.some(affects), affects });
    });
  }

  get settings(): Settings {
    return this.current;
  }

  /** The settings as they apply to one folder or file (`resource`-scoped ones may differ per folder). */
  forResource(uri: vscode.Uri): Settings {
    return this.read(uri);
  }

  /** VS Code's own `files.exclude` for a folder (raw: `{ glob: true | false | { when } }`). */
  filesExclude(uri: vscode.Uri): unknown {
    return vscode.workspace.getConfiguration('files', uri).get('exclude');
  }

  /** Writes a setting for the user (global) scope. */
  async update(key: string, value: unknown): Promise<void> {
    await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
  }

  private read(scope?: vscode.Uri): Settings {
    const cfg = vscode.workspace.getConfiguration(SECTION, scope);
    const { settings, problems } = parseSettings((key) => cfg.get(key));
    for (const p of problems) this.log.warn(p);
    return settings;
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}
