// The T5 decoder + LM head on onnxruntime-node, from the graph the project builds from a checkpoint
// (graph/). One call runs the decoder over a whole prefix against an encoder output and returns the
// logits of every position; greedy decoding (generate.ts) calls it once per new token.
import type { InferenceSession } from 'onnxruntime-node';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecoderShape } from '../decoder-flops';
import { type GraphFlopCount, makeCountingModel, sumGraphFlops } from './graph-flops';
import { ensureBuiltGraphs, findCheckpointFiles } from './graph/cache';
import { DECODER_INPUT_IDS, ENCODER_ATTENTION_MASK, ENCODER_HIDDEN_STATES, LOGITS } from './graph/decoder-graph';
import { ModelConfigError } from './model-dir';
import { ModelError, decodeModel, encodeModel } from './onnx-model';
import { type ProviderFailure, type SessionFactory, createSessionWithFallback } from './providers';
import { parseT5CheckpointConfig, readConfigJson } from './weights/index';

/** The token ids generation needs, as transformers reads them (generation_config.json first). */
export interface GenerationTokens {
  /** decoder_start_token_id (T5: the pad id, 0). */
  readonly decoderStartTokenId: number;
  /** eos_token_id: generation stops at any of these. */
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number;
}

export interface DecoderInfo {
  readonly dir: string;
  readonly decoderFile: string;
  readonly provider: string;
  readonly providerFailures: readonly ProviderFailure[];
  readonly vocabSize: number;
  readonly dModel: number;
  readonly shape: DecoderShape;
  readonly tokens: GenerationTokens;
  /** True when this load built the graphs from the weights (false: from the cache). */
  readonly builtGraphs: boolean;
  readonly loadMs: number;
}

export interface LoadDecoderOptions {
  readonly device?: string;
  readonly sessionFactory?: SessionFactory;
  readonly onGraphBuild?: (dir: string) => void;
}

/** Reads one token-id setting: a whole number in [0, vocab), or a non-empty list of them where `list`. */
function tokenIds(v: unknown, key: string, source: string, vocabSize: number, list: boolean): number[] | undefined {
  if (v === undefined || v === null) return undefined;
  const values = list && Array.isArray(v) ? v : [v];
  if (values.length === 0 || !values.every((x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < vocabSize)) {
    throw new ModelConfigError(`${source}: "${key}" must be ${list ? 'a token id or a list of token ids' : 'a token id'} from 0 to ${vocabSize - 1} (got ${JSON.stringify(v)})`);
  }
  return values as number[];
}

/** decoder_start / eos / pad ids from generation_config.json, else config.json, else T5's defaults (0, 1, 0). */
export function readGenerationTokens(dir: string, config: Record<string, unknown>, vocabSize: number): GenerationTokens {
  let gen: Record<string, unknown> = {};
  const genPath = join(dir, 'generation_config.json');
  if (existsSync(genPath)) {
    try {
      const raw = JSON.parse(readFileSync(genPath, 'utf8')) as unknown;
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) gen = raw as Record<string, unknown>;
    } catch (e) {
      throw new ModelConfigError(`${genPath} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const pick = (key: string, list: boolean): number[] | undefined =>
    tokenIds(gen[key], key, genPath, vocabSize, list) ?? tokenIds(config[key], key, join(dir, 'config.json'), vocabSize, list);
  const pad = pick('pad_token_id', false)?.[0] ?? 0;
  return {
    padTokenId: pad,
    decoderStartTokenId: pick('decoder_start_token_id', false)?.[0] ?? pad,
    eosTokenIds: pick('eos_token_id', true) ?? [1],
  };
}

type Ort = typeof import('onnxruntime-node');

export class T5DecoderRuntime {
  private counting?: { session: InferenceSession; cm: ReturnType<typeof makeCountingModel> };

  private constructor(
    readonly info: DecoderInfo,
    private readonly session: InferenceSession,
    private readonly bytes: Uint8Array,
    private readonly ort: Ort,
  ) {}

  /** The decoder of the checkpoint in `dir`; refuses folders without weights (an ONNX encoder export cannot generate). */
  static async load(dir: string, opts: LoadDecoderOptions = {}): Promise<T5DecoderRuntime> {
    const t0 = performance.now();
    if (!findCheckpointFiles(dir)) {
      throw new ModelError(`${dir} has no checkpoint weights (model.safetensors or pytorch_model.bin): generation needs them, the decoder graph is built from them`);
    }
    const raw = readConfigJson(dir) as Record<string, unknown>;
    const cfg = parseT5CheckpointConfig(raw, join(dir, 'config.json'));
    const tokens = readGenerationTokens(dir, raw, cfg.vocabSize);
    const graphs = ensureBuiltGraphs(dir, { onBuild: opts.onGraphBuild });
    const bytes = graphs.decoderBytes();
    const ort = await import('onnxruntime-node');
    const created = await createSessionWithFallback(bytes, opts.device ?? 'auto', opts.sessionFactory);
    const info: DecoderInfo = {
      dir, decoderFile: graphs.decoderFile, provider: created.provider, providerFailures: created.failed,
      vocabSize: cfg.vocabSize, dModel: cfg.dModel,
      shape: { dModel: cfg.dModel, dFf: cfg.dFf, heads: cfg.numHeads, dKv: cfg.dKv, gatedFeedForward: cfg.gatedFeedForward, vocabSize: cfg.vocabSize, decoderLayers: cfg.numDecoderLayers },
      tokens, builtGraphs: graphs.built, loadMs: performance.now() - t0,
    };
    return new T5DecoderRuntime(info, created.session, bytes, ort);
  }

  private feeds(ids: readonly number[], memory: Float32Array, memoryLength: number, memoryMask?: ArrayLike<number>): Record<string, import('onnxruntime-node').Tensor> {
    const { vocabSize, dModel } = this.info;
    if (ids.length === 0) throw new RangeError('the decoder needs at least one input id (the start token)');
    if (memoryLength < 1) throw new RangeError('the decoder needs a non-empty encoder output');
    if (memory.length !== memoryLength * dModel) throw new RangeError(`encoder output has ${memory.length} values, expected ${memoryLength}×${dModel}`);
    ids.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new RangeError(`decoder id ${id} at position ${i} is outside the vocabulary [0, ${vocabSize})`);
    });
    const mask = new BigInt64Array(memoryLength).fill(1n);
    if (memoryMask) {
      if (memoryMask.length !== memoryLength) throw new RangeError(`encoder mask has ${memoryMask.length} values, expected ${memoryLength}`);
      for (let i = 0; i < memoryLength; i++) mask[i] = BigInt(memoryMask[i]!);
    }
    return {
      [DECODER_INPUT_IDS]: new this.ort.Tensor('int64', BigInt64Array.from(ids, (x) => BigInt(x)), [1, ids.length]),
      [ENCODER_HIDDEN_STATES]: new this.ort.Tensor('float32', memory, [1, memoryLength, dModel]),
      [ENCODER_ATTENTION_MASK]: new this.ort.Tensor('int64', mask, [1, memoryLength]),
    };
  }

  /** Logits [ids.length, vocab] (row-major) of the decoder over `ids` given one encoder output [memoryLength, d_model]. */
  async logits(ids: readonly number[], memory: Float32Array, memoryLength: number, memoryMask?: ArrayLike<number>): Promise<Float32Array> {
    const out = await this.session.run(this.feeds(ids, memory, memoryLength, memoryMask));
    return out[LOGITS]!.data as Float32Array;
  }

  /** Matrix-multiply FLOPs counted from the decoder graph for `t` decoder positions and `s` encoder positions. */
  async graphFlops(t: number, s: number): Promise<GraphFlopCount> {
    if (!this.counting) {
      const cm = makeCountingModel(decodeModel(this.bytes, this.info.decoderFile));
      const session = await this.ort.InferenceSession.create(encodeModel(cm.model), { executionProviders: ['cpu'] });
      this.counting = { session, cm };
    }
    const { session, cm } = this.counting;
    const out = await session.run(this.feeds(new Array<number>(t).fill(0), new Float32Array(s * this.info.dModel), s), [...cm.probedOutputs]);
    const dims = new Map<string, readonly number[]>();
    for (const name of cm.probedOutputs) dims.set(name, out[name]!.dims);
    return sumGraphFlops(cm, dims, t);
  }

  async release(): Promise<void> {
    await this.session.release();
    if (this.counting) await this.counting.session.release();
    this.counting = undefined;
  }
}
