// The checkpoint fixtures (scripts/fixtures/make_t5_checkpoints.py) with PyTorch's forward and
// greedy-generation references, and temporary copies of them (loading writes the graph cache
// into the model folder, which must not be the committed fixture).
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(__dirname, '..', '..', '..', 'fixtures', 't5-checkpoints');
export const TOKENIZER_100 = join(FIXTURES, 'tokenizer-100');

/** Every model folder: both models in safetensors, sharded safetensors and .bin, plus the fp16/bf16 copies. */
export const MODEL_FOLDERS = [
  'tied-relu', 'tied-relu-sharded', 'tied-relu-bin', 'tied-relu-fp16', 'tied-relu-fp16-bin',
  'untied-gated', 'untied-gated-sharded', 'untied-gated-bin', 'untied-gated-bf16', 'untied-gated-bf16-bin',
] as const;

interface Array3 { shape: number[]; data: number[] }
export interface ForwardReference {
  input_ids: number[][];
  decoder_input_ids: number[][];
  encoder_last_hidden_state: Array3;
  logits: Array3;
  merged: { groups: number[][]; encoder_last_hidden_state: Array3 };
}
export interface GenerateReference {
  input_ids: number[];
  groups: number[][];
  max_new_tokens: number;
  /** transformers' sequences: the start token, then the generated ids. */
  plain: number[];
  merged: number[];
  plain_margins: number[];
  merged_margins: number[];
}
interface Reference {
  forward: Record<string, ForwardReference>;
  generate: Record<string, GenerateReference[]>;
}
export const REFERENCE = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as Reference;

/** The reference entry of a folder: the same weights in another file format share one. */
export const referenceKey = (folder: string): string => folder.replace(/-(sharded|bin)$/, '');

/** A copy of fixture folder `name` in a fresh temporary folder; returns the copy's path. */
export function copyModel(name: string, extra: string[] = []): string {
  const dir = join(mkdtempSync(join(tmpdir(), `sl-graph-${name}-`)), name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  for (const f of extra) cpSync(f, join(dir, f.split('/').pop()!));
  return dir;
}

/** Largest |a − b| (any NaN gives Infinity). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}
