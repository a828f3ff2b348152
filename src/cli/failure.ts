// What a failed command exits with and says, decided in one place for every command (README, "The
// command line"): 2 for a usage or input error, 130 for an interrupt, 1 for any other failure.
// Commands throw; none writes its own error line or sets process.exitCode.
import { FatalError, InterruptedError } from './common';
import { FetchModelError } from '../core/runtime/fetch/errors';
import { MergerFormatError } from '../core/runtime/merger/params';
import { ModelError } from '../core/runtime/onnx-model';
import { WeightsError } from '../core/runtime/weights/errors';
import { WalkRootError } from '../core/scan/walk';
import { UnsupportedLanguageError } from '../core/spans/errors';
import { TokenizerLoadError, TokenizerNotFoundError } from '../core/tokenizer/errors';

export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

export interface Failure {
  readonly code: (typeof EXIT)[keyof typeof EXIT];
  /** The line after `subtoken-lens: `. */
  readonly message: string;
}

/**
 * Errors about what the user gave: a model folder, checkpoint, merger file or tokenizer that cannot
 * be used, a language without a grammar, a root that is not a folder. Like a bad flag, they are
 * fixed by changing the command, so they exit 2.
 */
const INPUT_ERRORS = [FatalError, ModelError, WeightsError, MergerFormatError, TokenizerLoadError, TokenizerNotFoundError, UnsupportedLanguageError, WalkRootError];

export function describeFailure(e: unknown): Failure {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof InterruptedError) return { code: EXIT.interrupted, message: `interrupted: ${message}` };
  if (e instanceof FetchModelError) {
    if (e.code === 'bad-input') return { code: EXIT.usage, message };
    if (e.code === 'aborted') return { code: EXIT.interrupted, message: 'interrupted' };
    return { code: EXIT.failure, message };
  }
  if (e instanceof Error && e.name === 'AbortError') return { code: EXIT.interrupted, message: 'interrupted' };
  if (INPUT_ERRORS.some((kind) => e instanceof kind)) return { code: EXIT.usage, message };
  return { code: EXIT.failure, message };
}
