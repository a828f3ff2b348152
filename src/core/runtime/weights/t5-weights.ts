// A T5 (CodeT5) checkpoint's state dict as a typed record, every tensor's shape checked against
// config.json. Names and the order of operations follow transformers' modeling_t5.py; matrices
// keep PyTorch's nn.Linear layout [out, in] (y = x·Wᵀ).
import { WeightsError } from './errors';
import { formatShape, type StateDict, type Tensor } from './tensor';

/** The sizes and switches of config.json the weights depend on (transformers' T5Config names in comments). */
export interface T5CheckpointConfig {
  readonly dModel: number; // d_model
  readonly dKv: number; // d_kv
  readonly numHeads: number; // num_heads
  readonly dFf: number; // d_ff
  readonly numLayers: number; // num_layers (encoder)
  readonly numDecoderLayers: number; // num_decoder_layers, default num_layers
  readonly vocabSize: number; // vocab_size
  readonly relativeAttentionNumBuckets: number; // default 32
  readonly relativeAttentionMaxDistance: number; // default 128
  readonly layerNormEpsilon: number; // default 1e-6
  /** feed_forward_proj "relu" | "gated-gelu" | …: gated means wi_0/wi_1, else wi. */
  readonly gatedFeedForward: boolean;
  /** transformers' dense_act_fn: "gated-gelu" means gelu_new (the tanh approximation). */
  readonly activation: 'relu' | 'gelu' | 'gelu_new' | 'silu';
  /** tie_word_embeddings, default true (original T5, CodeT5); false for T5 v1.1 / flan-t5. */
  readonly tieWordEmbeddings: boolean;
  /** Whether the decoder output is scaled by d_model^-0.5 before the LM head: scale_decoder_outputs
   *  where a config has it (transformers ≥ 5 writes it), else tie_word_embeddings. */
  readonly scaleDecoderOutputs: boolean;
}

export interface T5AttentionWeights {
  /** [num_heads·d_kv, d_model] each. */
  readonly q: Tensor;
  readonly k: Tensor;
  readonly v: Tensor;
  /** [d_model, num_heads·d_kv]. */
  readonly o: Tensor;
}

export type T5FeedForwardWeights =
  /** wi [d_ff, d_model], wo [d_model, d_ff]: wo·act(wi·x). */
  | { readonly gated: false; readonly wi: Tensor; readonly wo: Tensor }
  /** wi0, wi1 [d_ff, d_model], wo [d_model, d_ff]: wo·(act(wi0·x) ⊙ wi1·x). */
  | { readonly gated: true; readonly wi0: Tensor; readonly wi1: Tensor; readonly wo: Tensor };

export interface T5EncoderBlockWeights {
  /** RMS norm weights [d_model], applied before the sub-layer they name. */
  readonly selfAttentionNorm: Tensor;
  readonly selfAttention: T5AttentionWeights;
  readonly feedForwardNorm: Tensor;
  readonly feedForward: T5FeedForwardWeights;
}

export interface T5DecoderBlockWeights extends T5EncoderBlockWeights {
  readonly crossAttentionNorm: Tensor;
  readonly crossAttention: T5AttentionWeights;
}

export interface T5StackWeights<Block> {
  readonly blocks: readonly Block[];
  /** Block 0's table [relative_attention_num_buckets, num_heads]; every block of the stack uses it. */
  readonly relativeAttentionBias: Tensor;
  /** [d_model]. */
  readonly finalNorm: Tensor;
}

export interface T5CheckpointWeights {
  readonly config: T5CheckpointConfig;
  /** The token embedding [vocab_size, d_model], shared by encoder and decoder. */
  readonly shared: Tensor;
  /** The state dict name it was read from (shared.weight, or an embed_tokens alias). */
  readonly sharedName: string;
  readonly encoder: T5StackWeights<T5EncoderBlockWeights>;
  readonly decoder: T5StackWeights<T5DecoderBlockWeights>;
  /** The LM head [vocab_size, d_model]: the shared embedding itself when tied. */
  readonly lmHead: { readonly tied: boolean; readonly weight: Tensor };
  /** Multiply the decoder's final hidden states by this before the LM head: d_model^-0.5 when
   *  `config.scaleDecoderOutputs` (tied heads of original T5), else 1. */
  readonly decoderOutputScale: number;
  /** State dict names the record does not use (e.g. an old EncDecAttention relative bias). */
  readonly unused: readonly string[];
}

const ACTIVATIONS = ['relu', 'gelu', 'gelu_new', 'silu'] as const;

/** Reads the T5 sizes of a parsed config.json, refusing anything but positive integer sizes. */
export function parseT5CheckpointConfig(raw: unknown, source = 'config.json'): T5CheckpointConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new WeightsError(`${source} is not a JSON object`);
  const r = raw as Record<string, unknown>;
  if (r.model_type !== 't5') {
    throw new WeightsError(`${source}: model_type is ${JSON.stringify(r.model_type ?? null)}; only T5 (CodeT5) checkpoints are supported`);
  }
  const size = (key: string, fallback?: number): number => {
    const v = r[key] ?? fallback;
    if (!Number.isSafeInteger(v) || (v as number) <= 0) throw new WeightsError(`${source}: "${key}" must be a positive integer (got ${JSON.stringify(r[key] ?? null)})`);
    return v as number;
  };
  const flag = (key: string): boolean | undefined => {
    const v = r[key];
    if (v !== undefined && typeof v !== 'boolean') throw new WeightsError(`${source}: "${key}" must be true or false (got ${JSON.stringify(v)})`);
    return v;
  };
  const eps = r.layer_norm_epsilon ?? 1e-6;
  if (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps)) throw new WeightsError(`${source}: "layer_norm_epsilon" must be a positive number (got ${JSON.stringify(eps)})`);
  const proj = r.feed_forward_proj ?? 'relu';
  if (typeof proj !== 'string') throw new WeightsError(`${source}: "feed_forward_proj" must be a string`);
  // As T5Config: "act" or "gated-act"; "gated-gelu" means gelu_new for backward compatibility.
  const parts = proj.split('-');
  const gated = parts.length === 2 && parts[0] === 'gated';
  const activation = proj === 'gated-gelu' ? 'gelu_new' : parts[parts.length - 1]!;
  if ((parts.length !== 1 && !gated) || !(ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new WeightsError(`${source}: unsupported feed_forward_proj ${JSON.stringify(proj)} (supported: relu, gelu, silu, each optionally gated-)`);
  }
  const numLayers = size('num_layers');
  const tie = flag('tie_word_embeddings') ?? true;
  return {
    dModel: size('d_model'), dKv: size('d_kv'), numHeads: size('num_heads'), dFf: size('d_ff'),
    numLayers, numDecoderLayers: size('num_decoder_layers', numLayers), vocabSize: size('vocab_size'),
    relativeAttentionNumBuckets: size('relative_attention_num_buckets', 32),
    relativeAttentionMaxDistance: size('relative_attention_max_distance', 128),
    layerNormEpsilon: eps, gatedFeedForward: gated, activation: activation as T5CheckpointConfig['activation'],
    tieWordEmbeddings: tie, scaleDecoderOutputs: flag('scale_decoder_outputs') ?? tie,
  };
}

const EMBEDDING_NAMES = ['shared.weight', 'encoder.embed_tokens.weight', 'decoder.embed_tokens.weight'];

function sameValues(a: Tensor, b: Tensor): boolean {
  if (a.data === b.data) return true;
  if (a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (!Object.is(a.data[i], b.data[i])) return false;
  return true;
}

/**
 * The typed T5 weights of `stateDict`, every tensor's shape checked against `rawConfig` (a parsed
 * config.json; `source` names it in messages). Missing tensors, wrong shapes and blocks beyond the
 * configured layer counts are refused with one line naming the tensor.
 */
export function t5WeightsFromStateDict(stateDict: StateDict, rawConfig: unknown, source = 'config.json'): T5CheckpointWeights {
  const cfg = parseT5CheckpointConfig(rawConfig, source);
  const used = new Set<string>();
  const sizes = {
    d_model: cfg.dModel, 'num_heads*d_kv': cfg.numHeads * cfg.dKv, d_ff: cfg.dFf, vocab_size: cfg.vocabSize,
    relative_attention_num_buckets: cfg.relativeAttentionNumBuckets, num_heads: cfg.numHeads,
  };
  type Dim = keyof typeof sizes;
  const tensor = (name: string, dims: readonly Dim[], hint = ''): Tensor => {
    const t = stateDict.get(name);
    if (!t) throw new WeightsError(`checkpoint has no tensor ${name}${hint}`);
    const expected = dims.map((d) => sizes[d]);
    if (t.shape.length !== expected.length || t.shape.some((n, i) => n !== expected[i])) {
      throw new WeightsError(`tensor ${name} has shape ${formatShape(t.shape)}, but ${source} gives [${dims.join(', ')}] = ${formatShape(expected)}`);
    }
    used.add(name);
    return t;
  };

  checkBlockCounts(stateDict, cfg, source);

  const sharedName = EMBEDDING_NAMES.find((n) => stateDict.has(n)) ?? 'shared.weight';
  const shared = tensor(sharedName, ['vocab_size', 'd_model']);
  for (const alias of EMBEDDING_NAMES) {
    const t = stateDict.get(alias);
    if (!t || alias === sharedName) continue;
    if (!sameValues(tensor(alias, ['vocab_size', 'd_model']), shared)) {
      throw new WeightsError(`tensor ${alias} differs from ${sharedName}; T5 encoder and decoder share one embedding`);
    }
  }

  const attention = (prefix: string): T5AttentionWeights => ({
    q: tensor(`${prefix}.q.weight`, ['num_heads*d_kv', 'd_model']),
    k: tensor(`${prefix}.k.weight`, ['num_heads*d_kv', 'd_model']),
    v: tensor(`${prefix}.v.weight`, ['num_heads*d_kv', 'd_model']),
    o: tensor(`${prefix}.o.weight`, ['d_model', 'num_heads*d_kv']),
  });
  const feedForward = (prefix: string): T5FeedForwardWeights => {
    const p = `${prefix}.DenseReluDense`;
    if (!cfg.gatedFeedForward) {
      const hint = stateDict.has(`${p}.wi_0.weight`) ? ` (the checkpoint has ${p}.wi_0.weight: is feed_forward_proj "gated-…"?)` : '';
      return { gated: false, wi: tensor(`${p}.wi.weight`, ['d_ff', 'd_model'], hint), wo: tensor(`${p}.wo.weight`, ['d_model', 'd_ff']) };
    }
    const hint = stateDict.has(`${p}.wi.weight`) ? ` (the checkpoint has ${p}.wi.weight: is feed_forward_proj not gated?)` : '';
    return {
      gated: true, wi0: tensor(`${p}.wi_0.weight`, ['d_ff', 'd_model'], hint), wi1: tensor(`${p}.wi_1.weight`, ['d_ff', 'd_model'], hint),
      wo: tensor(`${p}.wo.weight`, ['d_model', 'd_ff']),
    };
  };
  const norm = (name: string) => tensor(name, ['d_model']);
  const bias = (stack: string) => tensor(`${stack}.block.0.layer.0.SelfAttention.relative_attention_bias.weight`, ['relative_attention_num_buckets', 'num_heads']);

  const encoderBlocks: T5EncoderBlockWeights[] = [];
  for (let i = 0; i < cfg.numLayers; i++) {
    const b = `encoder.block.${i}.layer`;
    encoderBlocks.push({
      selfAttentionNorm: norm(`${b}.0.layer_norm.weight`), selfAttention: attention(`${b}.0.SelfAttention`),
      feedForwardNorm: norm(`${b}.1.layer_norm.weight`), feedForward: feedForward(`${b}.1`),
    });
  }
  const decoderBlocks: T5DecoderBlockWeights[] = [];
  for (let i = 0; i < cfg.numDecoderLayers; i++) {
    const b = `decoder.block.${i}.layer`;
    decoderBlocks.push({
      selfAttentionNorm: norm(`${b}.0.layer_norm.weight`), selfAttention: attention(`${b}.0.SelfAttention`),
      crossAttentionNorm: norm(`${b}.1.layer_norm.weight`), crossAttention: attention(`${b}.1.EncDecAttention`),
      feedForwardNorm: norm(`${b}.2.layer_norm.weight`), feedForward: feedForward(`${b}.2`),
    });
  }
  const encoder = { blocks: encoderBlocks, relativeAttentionBias: bias('encoder'), finalNorm: norm('encoder.final_layer_norm.weight') };
  const decoder = { blocks: decoderBlocks, relativeAttentionBias: bias('decoder'), finalNorm: norm('decoder.final_layer_norm.weight') };

  // As transformers: an explicitly untied config needs a head of its own; otherwise the head is the
  // embedding, unless the checkpoint holds a different one (then that one is used, untied).
  let lmHead: T5CheckpointWeights['lmHead'];
  if (!cfg.tieWordEmbeddings) {
    lmHead = { tied: false, weight: tensor('lm_head.weight', ['vocab_size', 'd_model'], ` (${source} sets tie_word_embeddings false)`) };
  } else if (stateDict.has('lm_head.weight')) {
    const head = tensor('lm_head.weight', ['vocab_size', 'd_model']);
    lmHead = sameValues(head, shared) ? { tied: true, weight: shared } : { tied: false, weight: head };
  } else {
    lmHead = { tied: true, weight: shared };
  }

  return {
    config: cfg, shared, sharedName, encoder, decoder, lmHead,
    decoderOutputScale: cfg.scaleDecoderOutputs ? cfg.dModel ** -0.5 : 1,
    unused: [...stateDict.keys()].filter((n) => !used.has(n)).sort(),
  };
}

/** Blocks past the configured counts mean config.json belongs to another model: say so. */
function checkBlockCounts(stateDict: StateDict, cfg: T5CheckpointConfig, source: string): void {
  for (const name of stateDict.keys()) {
    const m = /^(encoder|decoder)\.block\.(\d+)\./.exec(name);
    if (!m) continue;
    const [key, count] = m[1] === 'encoder' ? ['num_layers', cfg.numLayers] : ['num_decoder_layers', cfg.numDecoderLayers];
    if (Number(m[2]) >= count) throw new WeightsError(`tensor ${name} is in ${m[1]} block ${m[2]}, but ${source} sets ${key} to ${count}`);
  }
}
