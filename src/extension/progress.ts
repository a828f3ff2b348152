// The one way a long command shows a cancellable notification: Cancel aborts an AbortSignal that
// the core checks between steps (encoder runs, decoder steps, layers, downloads).
import * as vscode from 'vscode';

export interface CancellableProgress {
  readonly progress: vscode.Progress<{ message?: string; increment?: number }>;
  /** Aborted when the person presses Cancel. */
  readonly signal: AbortSignal;
  /** Throws vscode.CancellationError once Cancel was pressed: a check between steps of our own. */
  readonly throwIfCancelled: () => void;
}

export function withCancellableProgress<T>(title: string, task: (p: CancellableProgress) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const onCancel = token.onCancellationRequested(() => abort.abort());
    const throwIfCancelled = () => { if (abort.signal.aborted) throw new vscode.CancellationError(); };
    try {
      return await task({ progress, signal: abort.signal, throwIfCancelled });
    } finally {
      onCancel.dispose();
    }
  });
}
