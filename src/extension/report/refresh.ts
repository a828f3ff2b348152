// Refreshing an open workspace report when files are saved. With the result cache the refresh is
// a whole re-run in which every unchanged file is a cache hit, so only the saved files are analysed
// again; patching one file into the shown report instead would need every file's outcome kept in
// memory to re-aggregate, which is what the cache already holds. Pure (timers only, no `vscode`),
// so test/extension/reportRefresh.test.ts drives it with a fake clock.

export interface RefreshHost {
  /** Whether a scan is running now (a save during it waits for it to end). */
  busy(): boolean;
  /** Starts the quiet re-run. */
  refresh(): Promise<void>;
}

/** Saves within this many ms of each other trigger one refresh ("Save All", format-on-save). */
export const REFRESH_DELAY_MS = 400;

export class RefreshOnSave {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly host: RefreshHost, private readonly delayMs = REFRESH_DELAY_MS) {}

  /** A file of the reported folder was saved. */
  saved(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), this.delayMs);
  }

  private fire(): void {
    this.timer = undefined;
    if (this.disposed) return;
    // A scan in progress may have read the file before the save: try again once it is over.
    if (this.host.busy()) {
      this.saved();
      return;
    }
    void this.host.refresh().catch(() => undefined); // the host reports its own errors
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
