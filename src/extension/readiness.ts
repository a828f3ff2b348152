// The extension's one state: is the tokenizer loading, missing or loaded, and is the selected
// model on this machine. The status bar, the hover and every command read it from here, and what
// a person can do about a missing piece (download it, choose a folder, use the embedded model) is
// decided once, here. Pure (no `vscode`), so test/extension/readiness.test.ts checks it.
import type { TokenizerState } from './services';

export type Readiness =
  | { readonly kind: 'loading' }
  | { readonly kind: 'no-tokenizer'; readonly reason: string }
  | { readonly kind: 'model-missing'; readonly model: string; readonly reason: string; readonly chosenFolder: boolean }
  | { readonly kind: 'ready' };

export interface ModelAvailabilityLike {
  readonly available: boolean;
  readonly error?: { readonly message: string; readonly chosenFolder?: boolean };
}

/** A missing tokenizer stops everything; a missing model stops only what runs the encoder. */
export function readiness(tokenizer: TokenizerState, model: ModelAvailabilityLike, modelLabel: string): Readiness {
  if (tokenizer.kind === 'missing') return { kind: 'no-tokenizer', reason: tokenizer.reason };
  if (tokenizer.kind === 'loading') return { kind: 'loading' };
  if (!model.available) {
    return { kind: 'model-missing', model: modelLabel, reason: model.error?.message ?? `model ${modelLabel} is not available`, chosenFolder: !!model.error?.chosenFolder };
  }
  return { kind: 'ready' };
}

/** What a command needs before it can run. */
export type Need = 'tokenizer' | 'model';

/** The piece missing for `needs`, or undefined when the command can run (or wait for a load). */
export function blocker(r: Readiness, needs: readonly Need[]): Exclude<Readiness, { kind: 'ready' | 'loading' }> | undefined {
  if (r.kind === 'no-tokenizer') return r;
  if (r.kind === 'model-missing' && needs.includes('model')) return r;
  return undefined;
}

export type StepAction = 'downloadTokenizer' | 'chooseTokenizerFolder' | 'downloadModel' | 'chooseModelFolder' | 'useEmbeddedModel' | 'showLog';

export interface NextStep {
  /** Button title. */
  readonly title: string;
  readonly action: StepAction;
}

/** The ways forward from a missing piece, most likely first. */
export function nextSteps(r: Readiness): NextStep[] {
  switch (r.kind) {
    case 'no-tokenizer':
      return [
        { title: 'Download', action: 'downloadTokenizer' },
        { title: 'Choose Folder...', action: 'chooseTokenizerFolder' },
        { title: 'Show Log', action: 'showLog' },
      ];
    case 'model-missing':
      return [
        ...(r.chosenFolder ? [] : [{ title: 'Download', action: 'downloadModel' as const }]),
        { title: 'Choose Folder...', action: 'chooseModelFolder' },
        { title: 'Use Embedded Model', action: 'useEmbeddedModel' },
      ];
    default:
      return [];
  }
}

/** One sentence saying why `what` cannot run yet. */
export function blockedMessage(r: Exclude<Readiness, { kind: 'ready' | 'loading' }>, what: string): string {
  if (r.kind === 'no-tokenizer') {
    return `Subtoken Lens: ${what} needs the CodeT5 tokenizer, which was not found (${r.reason}). Download it or choose the folder that holds vocab.json and merges.txt.`;
  }
  return r.chosenFolder
    ? `Subtoken Lens: ${what} needs the model folder ${r.model}, which is gone. Choose another folder or use the embedded model.`
    : `Subtoken Lens: ${what} needs the model ${r.model}, which is not downloaded. Download it, choose a model folder, or use the embedded model (random weights).`;
}

/** Status-bar text and tooltip for a state without file numbers (loading, no tokenizer). */
export function statusWithoutCounts(r: Readiness): { text: string; tooltip: string; warning: boolean } | undefined {
  if (r.kind === 'loading') return { text: '$(loading~spin) subtokens', tooltip: 'Subtoken Lens: loading the tokenizer…', warning: false };
  if (r.kind === 'no-tokenizer') {
    return {
      text: '$(warning) subtokens: no tokenizer',
      tooltip: `Subtoken Lens: no CodeT5 tokenizer (${r.reason}). Click to download it or choose its folder.`,
      warning: true,
    };
  }
  return undefined;
}

/** A line added to the status-bar tooltip when the counts work but the analysis would not. */
export function modelNote(r: Readiness): string | undefined {
  return r.kind === 'model-missing'
    ? `Model ${r.model} is ${r.chosenFolder ? 'a folder that is gone' : 'not downloaded'}: the counts work, the analysis offers to fix it.`
    : undefined;
}

/**
 * Logs a warning once per cause: the hover asks on every mouse move, the status bar on every edit,
 * and the log should say a missing tokenizer once, not a hundred times. A cause is forgotten when
 * it is cleared (the piece came back), so a second loss is logged again.
 */
export class WarnOnce {
  private readonly seen = new Set<string>();

  constructor(private readonly write: (message: string) => void) {}

  /** Writes `message` unless `cause` was written and not cleared since; true when written. */
  warn(cause: string, message: string): boolean {
    if (this.seen.has(cause)) return false;
    this.seen.add(cause);
    this.write(message);
    return true;
  }

  clear(cause?: string): void {
    if (cause === undefined) this.seen.clear();
    else this.seen.delete(cause);
  }
}
