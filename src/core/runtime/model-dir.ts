// A model folder in the Hugging Face / Optimum / transformers.js layout: config.json, tokenizer
// files, and the encoder as ONNX at the top level or under onnx/. We read what we need from it and
// say exactly which file is missing or inconsistent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkEncoderConfig, type EncoderConfig, type FfnKind } from '../flops';
import { ModelError } from './onnx-model';

/** The T5 config keys the runtime uses (Hugging Face names). */
export interface T5Config {
  readonly d_model: number;
  readonly d_kv: number;
  readonly num_heads: number;
  readonly d_ff: number;
  readonly num_layers: number;
  readonly vocab_size: number;
  readonly feed_forward_proj: string;
  readonly relative_attention_num_buckets: number;
  readonly relative_attention_max_distance: number;
  readonly layer_norm_epsilon: number;
  readonly pad_token_id: number;
  readonly bos_token_id: number;
  readonly eos_token_id: number;
  /** Our marker for generated models whose weights are random. */
  readonly subtoken_lens_random_weights?: boolean;
  readonly model_type?: string;
}

/** Encoder file names, best first: fp32 before quantized variants. */
const ENCODER_CANDIDATES = [
  'encoder_model.onnx', 'onnx/encoder_model.onnx',
  'model.onnx', 'onnx/model.onnx',
  'encoder_model_fp16.onnx', 'onnx/encoder_model_fp16.onnx',
  'encoder_model_quantized.onnx', 'onnx/encoder_model_quantized.onnx',
];

export function findEncoderFile(dir: string): string {
  for (const rel of ENCODER_CANDIDATES) {
    const p = join(dir, rel);
    if (existsSync(p)) return p;
  }
  throw new ModelError(`no encoder ONNX file in ${dir}: looked for ${ENCODER_CANDIDATES.join(', ')}`);
}

/** A config.json that cannot describe a model the runtime runs: wrong architecture or impossible
 *  sizes. Raised before anything is loaded or computed, so callers can refuse with its one line. */
export class ModelConfigError extends ModelError {}

/** The architectures the runtime runs: T5 encoders (CodeT5 and CodeT5+ 220M/770M say "t5"). */
export const SUPPORTED_MODEL_TYPES: readonly string[] = ['t5'];

/** Sizes that must be whole numbers ≥ 1: a zero or negative one makes every FLOP figure nonsense. */
const POSITIVE_SIZES = ['d_model', 'd_kv', 'num_heads', 'd_ff', 'num_layers', 'vocab_size'] as const;

function fieldError(source: string, key: string, want: string, v: unknown): ModelConfigError {
  return new ModelConfigError(`${source}: "${key}" must be ${want} (got ${JSON.stringify(v) ?? 'nothing'})`);
}

function positiveInt(r: Record<string, unknown>, key: string, source: string, fallback?: number): number {
  const v = r[key] === undefined ? fallback : r[key];
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return v;
  throw fieldError(source, key, 'a whole number ≥ 1', r[key]);
}

function tokenId(r: Record<string, unknown>, key: string, source: string, fallback: number, vocabSize: number): number {
  const v = r[key] === undefined ? fallback : r[key];
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < vocabSize) return v;
  throw fieldError(source, key, `a token id from 0 to vocab_size − 1 = ${vocabSize - 1}`, r[key]);
}

/** Checks that a config.json describes a T5 encoder with usable sizes; one-line ModelConfigError otherwise. */
export function parseT5Config(raw: unknown, source = 'config.json'): T5Config {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ModelConfigError(`${source} is not a JSON object`);
  const r = raw as Record<string, unknown>;
  if (typeof r.model_type !== 'string' || !SUPPORTED_MODEL_TYPES.includes(r.model_type)) {
    const said = r.model_type === undefined ? 'has no model_type' : `says model_type ${JSON.stringify(r.model_type)}`;
    throw new ModelConfigError(`${source} ${said}; only T5 encoders (model_type "t5", e.g. CodeT5) are supported`);
  }
  const [dModel, dKv, numHeads, dFf, numLayers, vocabSize] = POSITIVE_SIZES.map((k) => positiveInt(r, k, source));
  const ffn = r.feed_forward_proj === undefined ? 'relu' : r.feed_forward_proj;
  if (typeof ffn !== 'string' || !FFN_KINDS.includes(ffn as FfnKind)) {
    throw fieldError(source, 'feed_forward_proj', `one of ${FFN_KINDS.join(', ')}`, r.feed_forward_proj);
  }
  const epsilon = r.layer_norm_epsilon === undefined ? 1e-6 : r.layer_norm_epsilon;
  if (typeof epsilon !== 'number' || !(epsilon > 0 && epsilon < 1)) throw fieldError(source, 'layer_norm_epsilon', 'a number between 0 and 1', r.layer_norm_epsilon);
  return {
    d_model: dModel!, d_kv: dKv!, num_heads: numHeads!, d_ff: dFf!, num_layers: numLayers!, vocab_size: vocabSize!,
    feed_forward_proj: ffn,
    relative_attention_num_buckets: positiveInt(r, 'relative_attention_num_buckets', source, 32),
    relative_attention_max_distance: positiveInt(r, 'relative_attention_max_distance', source, 128),
    layer_norm_epsilon: epsilon,
    pad_token_id: tokenId(r, 'pad_token_id', source, 0, vocabSize!),
    bos_token_id: tokenId(r, 'bos_token_id', source, 1, vocabSize!),
    eos_token_id: tokenId(r, 'eos_token_id', source, 2, vocabSize!),
    subtoken_lens_random_weights: r.subtoken_lens_random_weights === true,
    model_type: r.model_type,
  };
}

export function readT5Config(dir: string): T5Config {
  const p = join(dir, 'config.json');
  if (!existsSync(p)) throw new ModelConfigError(`no config.json in ${dir}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(p, 'utf8'));
  } catch (err) {
    throw new ModelConfigError(`${p} is not valid JSON: ${(err as Error).message}`);
  }
  return parseT5Config(raw, p);
}

const FFN_KINDS: readonly FfnKind[] = ['relu', 'gelu', 'gated-gelu', 'gated-silu'];

function ffnKind(proj: string): FfnKind {
  if (!FFN_KINDS.includes(proj as FfnKind)) throw new ModelConfigError(`config.json: unsupported feed_forward_proj "${proj}"`);
  return proj as FfnKind;
}

/** The analytic FLOP model's view of a T5 config (windows of 512 with <s> ... </s>, as CodeT5). */
export function toEncoderConfig(cfg: T5Config, key: string, label = key): EncoderConfig {
  return checkEncoderConfig({
    key, label, family: 't5', dModel: cfg.d_model, dFf: cfg.d_ff, layers: cfg.num_layers, heads: cfg.num_heads,
    dKv: cfg.d_kv, ffn: ffnKind(cfg.feed_forward_proj), vocabSize: cfg.vocab_size, maxInputTokens: 512,
    specialTokensPerWindow: 2, decoderLayers: 0, tokenizer: 'codet5',
  });
}
