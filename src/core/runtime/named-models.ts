// The model names a user types, shared by the CLI's `--model` and the extension's
// `subtokenLens.model` setting: the embedded random-weight models (`embedded-tiny`,
// `embedded-small`; `tiny` and `small` for short) and the short names of downloadable checkpoints
// (`codet5-small` → its Hub repo). Also the embedded models' folders in the cache, so that listing,
// removing and clearing the cache count what is really on disk.
import { existsSync, statSync } from 'node:fs';
import { EMBEDDED_MODEL_KINDS, embeddedModelDir, type EmbeddedModelKind } from './embedded-model';
import { folderBytes, modelsRoot } from './fetch/cache';
import { removeInside } from './fetch/safe-remove';

/** Hub repos behind the short names of downloadable checkpoints (`model fetch` installs them). */
export const HUB_MODEL_NAMES = Object.freeze({
  'codet5-small': 'Salesforce/codet5-small',
  'codet5-base': 'Salesforce/codet5-base',
  'codet5p-220m': 'Salesforce/codet5p-220m',
  'codet5-base-multi-sum': 'Salesforce/codet5-base-multi-sum',
} as const);

export const embeddedModelName = (kind: EmbeddedModelKind): string => `embedded-${kind}`;

/** `embedded-tiny`, `embedded-small`: the full names, as the extension's setting spells them. */
export const EMBEDDED_MODEL_NAMES: readonly string[] = EMBEDDED_MODEL_KINDS.map(embeddedModelName);

export type NamedModel =
  | { readonly kind: 'embedded'; readonly name: string; readonly embedded: EmbeddedModelKind }
  | { readonly kind: 'hub'; readonly name: string; readonly repo: string };

/** What a model name means; undefined for anything else (a folder, an `owner/name` repo). */
export function namedModel(name: string): NamedModel | undefined {
  const kind = EMBEDDED_MODEL_KINDS.find((k) => name === k || name === embeddedModelName(k));
  if (kind) return { kind: 'embedded', name: embeddedModelName(kind), embedded: kind };
  if (Object.hasOwn(HUB_MODEL_NAMES, name)) return { kind: 'hub', name, repo: HUB_MODEL_NAMES[name as keyof typeof HUB_MODEL_NAMES] };
  return undefined;
}

export interface EmbeddedModelEntry {
  readonly name: string;
  readonly kind: EmbeddedModelKind;
  /** Where it is (or will be) generated. */
  readonly dir: string;
  /** Whether the folder exists: it is generated on first use, and again after a removal. */
  readonly generated: boolean;
  /** Bytes on disk (0 when not generated). */
  readonly bytes: number;
}

/** Every embedded model, generated or not, with its folder in `cacheDir`. */
export function listEmbeddedModels(cacheDir: string): EmbeddedModelEntry[] {
  return EMBEDDED_MODEL_KINDS.map((kind) => {
    const dir = embeddedModelDir(kind, cacheDir);
    const generated = existsSync(dir) && statSync(dir).isDirectory();
    return { name: embeddedModelName(kind), kind, dir, generated, bytes: generated ? folderBytes(dir) : 0 };
  });
}

/** Removes the generated folder of an embedded model (it is generated again on next use); the folder removed, or undefined if there was none. */
export function removeEmbeddedModel(cacheDir: string, kind: EmbeddedModelKind): string | undefined {
  const dir = embeddedModelDir(kind, cacheDir);
  if (!existsSync(dir)) return undefined;
  removeInside(modelsRoot(cacheDir), dir);
  return dir;
}
