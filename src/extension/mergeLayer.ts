// The `subtokenLens.mergeLayer` setting against the model it runs on. The setting is a whole number
// ≥ 0 (settings.ts), but how many encoder blocks there are is known only once a model is chosen, so
// the upper bound is checked here, with one message for every command that runs the model. No `vscode`.
import { SECTION } from './settings';

export const MERGE_LAYER_SETTING = `${SECTION}.mergeLayer`;

/** Why merge layer `k` cannot run on a model with `layers` encoder blocks; undefined when it can. */
export function mergeLayerRefusal(k: number, layers: number, modelLabel: string): string | undefined {
  if (k <= layers) return undefined;
  return `${MERGE_LAYER_SETTING} is ${k}, but ${modelLabel} has ${layers} encoder blocks: `
    + `set it from 0 (merge at the embeddings) to ${layers} (after the last block).`;
}

/** Thrown by a command that refuses to run a model at the configured merge layer; the message is for the user. */
export class MergeLayerRefused extends Error {
  override readonly name = 'MergeLayerRefused';
}
