// Shared fixtures for the runtime tests: the t5-tiny reference beside the checkout and a generated
// tiny model in a temporary cache folder.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureEmbeddedModel } from '../../../src/core/runtime/embedded-model';

/** `../shared` relative to the repository root (this file is test/core/runtime/helpers.ts). */
export const SHARED = resolve(__dirname, '..', '..', '..', '..', 'shared');
export const REF_DIR = join(SHARED, 'reference', 't5-tiny');

export interface RefCase {
  name: string;
  input_ids: number[][];
  attention_mask: number[][];
  last_hidden_state: { shape: number[]; data: number[] };
}
export function readCases(): RefCase[] {
  return (JSON.parse(readFileSync(join(REF_DIR, 'cases.json'), 'utf8')) as { cases: RefCase[] }).cases;
}
export interface MergeCase {
  name: string;
  input_ids: number[][] | number[];
  groups: number[][];
  merged_length: number;
  merged_positions: number[];
  merged_inputs_embeds: { shape: number[]; data: number[] };
  last_hidden_state: { shape: number[]; data: number[] };
  unmerged_last_hidden_state: { shape: number[]; data: number[] };
}
export function readMergeCases(): MergeCase[] {
  return (JSON.parse(readFileSync(join(REF_DIR, 'merge_cases.json'), 'utf8')) as { cases: MergeCase[] }).cases;
}

let tinyDir: string | undefined;
/** The embedded tiny model, generated once per test process into a temp cache. */
export function tinyModelDir(): string {
  tinyDir ??= ensureEmbeddedModel('tiny', mkdtempSync(join(tmpdir(), 'sl-runtime-')));
  return tinyDir;
}
