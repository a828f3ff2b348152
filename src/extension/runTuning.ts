// The settings that tune a model run (the whole-model FLOP profile, the seq2seq output length, the
// interleaved timing budget) turned into the core's analysis options, for every command that runs
// the analysis: Analyze, Compare Strategies and Sweep Merge Layer. No `vscode`.
import { type EncoderConfig } from '../core/flops';
import { type FlopProfile, defaultProfile } from '../core/task-flops';
import type { Settings } from './settings';

/** The part of the core's AnalyzeOptions the settings decide. */
export interface RunTuning {
  readonly profile: FlopProfile;
  /** seq2seq only. */
  readonly outputLength?: number;
  readonly timeBudgetMs: number;
}

/**
 * `model` is the loaded model's encoder config with its decoder's depth (the runtime's models are
 * T5 encoder-decoders, so `default` is classify for them, as in the CLI).
 */
export function runTuning(settings: Pick<Settings, 'flopProfile' | 'outputLength' | 'timingBudgetMs'>, model: EncoderConfig): RunTuning {
  const profile = settings.flopProfile === 'default' ? defaultProfile(model) : settings.flopProfile;
  return {
    profile,
    ...(profile === 'seq2seq' ? { outputLength: settings.outputLength } : {}),
    timeBudgetMs: settings.timingBudgetMs,
  };
}

/** The loaded encoder's config with its decoder (T5: as many decoder blocks as encoder blocks unless
 *  config.json says otherwise; the analysis reads num_decoder_layers itself for the counts). */
export function withDecoder(encoder: EncoderConfig, layers: number): EncoderConfig {
  return { ...encoder, decoderLayers: encoder.decoderLayers > 0 ? encoder.decoderLayers : layers };
}
