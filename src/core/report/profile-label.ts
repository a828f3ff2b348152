// The task profile of a report's whole-model FLOPs and how outputs name it. Kept apart from
// profile-flops.ts so the browser's view model (view-model.ts) needs no FLOP arithmetic.
import type { FlopProfile } from '../task-flops';

/** The task profile a report's whole-model figures are for. */
export interface ReportProfile {
  readonly name: FlopProfile;
  /** Decoder positions per window: profile seq2seq only. */
  readonly outputLength?: number;
}

/** "classify", "seq2seq, 128 output positions per window": how outputs name the profile. */
export function profileLabel(p: ReportProfile): string {
  return p.name === 'seq2seq' ? `seq2seq, ${p.outputLength ?? 0} output positions per window` : p.name;
}
