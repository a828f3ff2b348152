// A model folder in the Hugging Face / Optimum / transformers.js layout: config.json, tokenizer
// files, and the encoder as ONNX at the top level or under onnx/. We read what we need from it and
// say exactly which file is missing or inconsistent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncoderConfig, FfnKind } from '../flops';
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

function num(raw: Record<string, unknown>, key: string, fallback?: number): number {
  const v = raw[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === undefined && fallback !== undefined) return fallback;
  throw new ModelError(`config.json: "${key}" must be a number (got ${JSON.stringify(v)})`);
}

export function parseT5Config(raw: unknown, source = 'config.json'): T5Config {
  if (!raw || typeof raw !== 'object') throw new ModelError(`${source} is not a JSON object`);
  const r = raw as Record<string, unknown>;
  if (r.model_type !== undefined && r.model_type !== 't5') {
    throw new ModelError(`${source}: model_type is "${String(r.model_type)}"; only T5 (CodeT5) encoders are supported`);
  }
  const cfg: T5Config = {
    d_model: num(r, 'd_model'), d_kv: num(r, 'd_kv'), num_heads: num(r, 'num_heads'), d_ff: num(r, 'd_ff'),
    num_layers: num(r, 'num_layers'), vocab_size: num(r, 'vocab_size'),
    feed_forward_proj: typeof r.feed_forward_proj === 'string' ? r.feed_forward_proj : 'relu',
    relative_attention_num_buckets: num(r, 'relative_attention_num_buckets', 32),
    relative_attention_max_distance: num(r, 'relative_attention_max_distance', 128),
    layer_norm_epsilon: num(r, 'layer_norm_epsilon', 1e-6),
    pad_token_id: num(r, 'pad_token_id', 0), bos_token_id: num(r, 'bos_token_id', 1), eos_token_id: num(r, 'eos_token_id', 2),
    subtoken_lens_random_weights: r.subtoken_lens_random_weights === true,
    model_type: 't5',
  };
  return cfg;
}

export function readT5Config(dir: string): T5Config {
  const p = join(dir, 'config.json');
  if (!existsSync(p)) throw new ModelError(`no config.json in ${dir}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(p, 'utf8'));
  } catch (err) {
    throw new ModelError(`${p} is not valid JSON: ${(err as Error).message}`);
  }
  return parseT5Config(raw, p);
}

function ffnKind(proj: string): FfnKind {
  switch (proj) {
    case 'relu': return 'relu';
    case 'gelu': return 'gelu';
    case 'gated-gelu': return 'gated-gelu';
    case 'gated-silu': return 'gated-silu';
    default: throw new ModelError(`config.json: unsupported feed_forward_proj "${proj}"`);
  }
}

/** The analytic FLOP model's view of a T5 config (windows of 512 with <s> ... </s>, as CodeT5). */
export function toEncoderConfig(cfg: T5Config, key: string, label = key): EncoderConfig {
  return {
    key, label, family: 't5', dModel: cfg.d_model, dFf: cfg.d_ff, layers: cfg.num_layers, heads: cfg.num_heads,
    dKv: cfg.d_kv, ffn: ffnKind(cfg.feed_forward_proj), vocabSize: cfg.vocab_size, maxInputTokens: 512,
    specialTokensPerWindow: 2, decoderLayers: 0, tokenizer: 'codet5',
  };
}
