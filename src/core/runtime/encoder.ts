// The CodeT5 encoder on onnxruntime-node, fed from embeddings so that merged positions can be run.
// Two routes into the same runtime: an ONNX export (read config.json and the encoder ONNX, rewrite
// input_ids → inputs_embeds in memory, keep the embedding matrix for lookups here, optionally prove
// the rewrite on a probe input), or a checkpoint (safetensors / pytorch_model.bin, no ONNX: the
// project builds the encoder graph from the weights, cached beside them, see graph/). Either way the
// session is created on the best provider that loads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { EncoderConfig } from '../flops';
import { type CountingModel, type GraphFlopCount, makeCountingModel, sumGraphFlops } from './graph-flops';
import { type T5Config, findEncoderFile, readT5Config, toEncoderConfig } from './model-dir';
import { ModelError, decodeModel, encodeModel, inlineExternalData } from './onnx-model';
import { type ProviderFailure, type SessionFactory, createSessionWithFallback } from './providers';
import { INPUTS_EMBEDS, rewriteToInputsEmbeds } from './rewrite';
import { type GraphSet, ensureBuiltGraphs, findCheckpointFiles } from './graph/cache';
import type { WeightsFormat } from './weights/index';
import { type EncoderGraphSpec, HIDDEN_STATES, LAST_HIDDEN_STATE } from './graph/encoder-graph';
import { type EncoderParts, checkMergeLayer, deviceOfProvider, encoderSpecFromRuntimeGraph, noFlops, partGraphBytes } from './merge-layer';

export interface LoadEncoderOptions {
  /** auto | cpu | cuda | dml | coreml (default auto). */
  readonly device?: string;
  /** Run the original and rewritten graphs on a probe input and compare (default true). */
  readonly probe?: boolean;
  /** Injected session creation, for tests of the provider fallback. */
  readonly sessionFactory?: SessionFactory;
  /** Called before graphs are built from a checkpoint (seconds, once per checkpoint). */
  readonly onGraphBuild?: (dir: string) => void;
}

/** How a model folder's encoder is loaded. */
export type ModelRoute = 'onnx-export' | 'checkpoint';

/** Where the graph came from, for folders loaded through the checkpoint route. */
export interface CheckpointGraphInfo {
  readonly weightsFormat: WeightsFormat;
  readonly weightsFiles: readonly string[];
  /** The cache folder holding the built graphs (undefined: built in memory, folder not writable). */
  readonly graphDir?: string;
  /** True when this load built the graphs; false when they came from the cache. */
  readonly built: boolean;
  readonly buildMs: number;
}

export interface RewriteProof {
  /** Probe token ids (with <s> … </s>). */
  readonly ids: readonly number[];
  /** Max |original(ids) − rewritten(embeddings(ids))| over the output. */
  readonly maxAbsDiff: number;
}

export interface EncoderInfo {
  readonly dir: string;
  /** The ONNX file run: the export, or the graph built from the checkpoint. */
  readonly onnxFile: string;
  readonly route?: ModelRoute;
  readonly checkpoint?: CheckpointGraphInfo;
  readonly config: T5Config;
  readonly encoderConfig: EncoderConfig;
  readonly vocabSize: number;
  readonly dModel: number;
  readonly randomWeights: boolean;
  readonly provider: string;
  readonly providerFailures: readonly ProviderFailure[];
  readonly gatherNode: string;
  readonly repointedShapeReaders: readonly string[];
  readonly proof?: RewriteProof;
  readonly loadMs: number;
}

export interface RunInput {
  /** Row-major [batch, seq, dModel]. */
  readonly embeds: Float32Array;
  readonly batch: number;
  readonly seq: number;
  /** [batch, seq] of 0/1; all ones when omitted. */
  readonly mask?: ArrayLike<number>;
}

type Ort = typeof import('onnxruntime-node');

/** Greatest absolute elementwise difference (NaN-aware: a NaN anywhere gives Infinity). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

export class T5EncoderRuntime {
  /** Counting copies by graph ('full', 'before-k', 'after-k'); null: a graph with no products. */
  private readonly countingModels = new Map<string, { cm: CountingModel; session: InferenceSession } | null>();
  private readonly flopCache = new Map<string, GraphFlopCount>();
  private readonly parts = new Map<number, Promise<EncoderParts>>();
  private spec?: EncoderGraphSpec;

  private constructor(
    readonly info: EncoderInfo,
    /** Row-major [vocabSize, dModel]; row i embeds token id i. */
    readonly embeddings: Float32Array,
    private readonly session: InferenceSession,
    private readonly rewrittenBytes: Uint8Array,
    private readonly ort: Ort,
    private readonly sessionFactory: SessionFactory | undefined,
  ) {}

  static async load(dir: string, opts: LoadEncoderOptions = {}): Promise<T5EncoderRuntime> {
    const t0 = performance.now();
    const config = readT5Config(dir);
    if (modelRoute(dir) === 'checkpoint') return T5EncoderRuntime.loadCheckpoint(dir, config, opts, t0);
    const onnxFile = findEncoderFile(dir);
    const fileBytes = readFileSync(onnxFile);
    const model = decodeModel(fileBytes, onnxFile);
    const hadExternal = (model.graph?.initializer ?? []).some((t) => (t.externalData ?? []).length > 0);
    inlineExternalData(model, onnxFile);
    const originalBytes: Uint8Array | undefined = opts.probe === false ? undefined : hadExternal ? encodeModel(model) : fileBytes;

    const rw = rewriteToInputsEmbeds(model);
    if (rw.dModel !== config.d_model) {
      throw new ModelError(`${dir}: config.json says d_model ${config.d_model} but the embedding matrix in ${onnxFile} is [${rw.vocabSize}, ${rw.dModel}]`);
    }
    if (rw.vocabSize !== config.vocab_size) {
      throw new ModelError(`${dir}: config.json says vocab_size ${config.vocab_size} but the embedding matrix in ${onnxFile} has ${rw.vocabSize} rows`);
    }
    const rewrittenBytes = encodeModel(rw.model);
    const ort = await import('onnxruntime-node');
    const created = await createSessionWithFallback(rewrittenBytes, opts.device ?? 'auto', opts.sessionFactory);
    const names = created.session.inputNames;
    if (!names.includes(INPUTS_EMBEDS) || !names.includes('attention_mask')) {
      throw new ModelError(`${onnxFile}: rewritten graph has inputs [${names.join(', ')}], expected inputs_embeds and attention_mask`);
    }
    if (!created.session.outputNames.includes('last_hidden_state')) {
      throw new ModelError(`${onnxFile}: graph outputs are [${created.session.outputNames.join(', ')}], expected last_hidden_state`);
    }
    const info: EncoderInfo = {
      dir, onnxFile, route: 'onnx-export', config, encoderConfig: toEncoderConfig(config, dir),
      vocabSize: rw.vocabSize, dModel: rw.dModel, randomWeights: config.subtoken_lens_random_weights === true,
      provider: created.provider, providerFailures: created.failed, gatherNode: rw.gatherNode,
      repointedShapeReaders: rw.repointedShapeReaders, loadMs: 0,
    };
    const runtime = new T5EncoderRuntime(info, rw.embeddings, created.session, rewrittenBytes, ort, opts.sessionFactory);
    let proof: RewriteProof | undefined;
    if (originalBytes) proof = await runtime.proveRewrite(originalBytes, created.provider);
    (runtime as { info: EncoderInfo }).info = { ...info, proof, loadMs: performance.now() - t0 };
    return runtime;
  }

  /** The checkpoint route: the encoder graph built from the weights already starts at inputs_embeds. */
  private static async loadCheckpoint(dir: string, config: T5Config, opts: LoadEncoderOptions, t0: number): Promise<T5EncoderRuntime> {
    const graphs = ensureBuiltGraphs(dir, { onBuild: opts.onGraphBuild });
    checkGraphsMatchConfig(graphs, config, dir);
    const bytes = graphs.encoderBytes();
    const ort = await import('onnxruntime-node');
    const created = await createSessionWithFallback(bytes, opts.device ?? 'auto', opts.sessionFactory);
    const info: EncoderInfo = {
      dir, onnxFile: graphs.encoderFile, route: 'checkpoint',
      checkpoint: { weightsFormat: graphs.meta.weightsFormat, weightsFiles: graphs.meta.weightsFiles, graphDir: graphs.dir, built: graphs.built, buildMs: graphs.meta.buildMs },
      config, encoderConfig: toEncoderConfig(config, dir), vocabSize: graphs.meta.vocabSize, dModel: graphs.meta.dModel,
      randomWeights: config.subtoken_lens_random_weights === true,
      provider: created.provider, providerFailures: created.failed, gatherNode: '', repointedShapeReaders: [], loadMs: performance.now() - t0,
    };
    return new T5EncoderRuntime(info, graphs.embeddings(), created.session, bytes, ort, opts.sessionFactory);
  }

  /** Original graph on ids vs rewritten graph on looked-up embeddings; the original is released after. */
  private async proveRewrite(originalBytes: Uint8Array, provider: string): Promise<RewriteProof> {
    const { vocabSize, config } = this.info;
    // <s>, a spread of ids over the whole table (both ends), </s>: cheap and covers the lookup.
    const ids = [config.bos_token_id, 0, 5, Math.floor(vocabSize / 3), Math.floor((2 * vocabSize) / 3), vocabSize - 1, config.eos_token_id];
    const factory = this.sessionFactory ?? (async (m: Uint8Array, p: string) => this.ort.InferenceSession.create(m, { executionProviders: [p] }));
    const original = await factory(originalBytes, provider);
    try {
      const n = ids.length;
      const idsInput = original.inputNames.find((x) => x !== 'attention_mask')!;
      const feeds: Record<string, Tensor> = {
        [idsInput]: new this.ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, n]),
        attention_mask: new this.ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      };
      const out = await original.run(feeds);
      const a = out.last_hidden_state!.data as Float32Array;
      const b = await this.run({ embeds: this.embed(ids), batch: 1, seq: n });
      const diff = maxAbsDiff(a, b);
      if (!(diff < 1e-3)) {
        throw new ModelError(`graph rewrite check failed for ${this.info.onnxFile}: original vs rewritten outputs differ by ${diff} (max abs) on a probe input`);
      }
      return { ids, maxAbsDiff: diff };
    } finally {
      await original.release();
    }
  }

  /** Embedding rows of `ids`, row-major [ids.length, dModel]. Rejects ids outside the table. */
  embed(ids: ArrayLike<number>): Float32Array {
    const d = this.info.dModel;
    const out = new Float32Array(ids.length * d);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.info.vocabSize) {
        throw new RangeError(`token id ${id} at position ${i} is outside the model's vocabulary [0, ${this.info.vocabSize})`);
      }
      out.set(this.embeddings.subarray(id * d, (id + 1) * d), i * d);
    }
    return out;
  }

  /** Runs the encoder; returns last_hidden_state row-major [batch, seq, dModel]. */
  async run(input: RunInput): Promise<Float32Array> {
    return this.runSession(this.session, input, LAST_HIDDEN_STATE);
  }

  private async runSession(session: InferenceSession, input: RunInput, output: string): Promise<Float32Array> {
    const { embeds, batch, seq } = input;
    const d = this.info.dModel;
    if (seq < 1 || batch < 1) throw new RangeError(`cannot run the encoder on an empty sequence (batch ${batch}, seq ${seq})`);
    if (embeds.length !== batch * seq * d) throw new RangeError(`inputs_embeds has ${embeds.length} values, expected ${batch}×${seq}×${d}`);
    const mask = new BigInt64Array(batch * seq);
    if (input.mask) {
      if (input.mask.length !== batch * seq) throw new RangeError(`attention_mask has ${input.mask.length} values, expected ${batch * seq}`);
      for (let i = 0; i < mask.length; i++) mask[i] = BigInt(input.mask[i]!);
    } else mask.fill(1n);
    const out = await session.run({
      [INPUTS_EMBEDS]: new this.ort.Tensor('float32', embeds, [batch, seq, d]),
      attention_mask: new this.ort.Tensor('int64', mask, [batch, seq]),
    }, [output]);
    return out[output]!.data as Float32Array;
  }

  /** Encoder blocks: merge layers run from 0 (at the embeddings) to this (before the final norm). */
  get layers(): number {
    return this.info.config.num_layers;
  }

  /** The two graphs around merge layer k ≥ 1, built from this runtime's own graph on first use. */
  private partsAt(k: number): Promise<EncoderParts> {
    checkMergeLayer(k, this.layers);
    let p = this.parts.get(k);
    if (!p) {
      p = (async () => {
        this.spec ??= encoderSpecFromRuntimeGraph(this.rewrittenBytes, this.info);
        const bytes = partGraphBytes(this.spec, k);
        const device = deviceOfProvider(this.info.provider);
        const before = (await createSessionWithFallback(bytes.before, device, this.sessionFactory)).session;
        const after = (await createSessionWithFallback(bytes.after, device, this.sessionFactory)).session;
        return { k, bytes, before, after };
      })();
      p.catch(() => this.parts.delete(k));
      this.parts.set(k, p);
    }
    return p;
  }

  /**
   * Blocks [0, k) on `input` (hidden states before the final norm, [batch, seq, dModel]); at k = 0
   * the input itself (merging at the embeddings).
   */
  async runBeforeMerge(k: number, input: RunInput): Promise<Float32Array> {
    checkMergeLayer(k, this.layers);
    if (k === 0) return input.embeds;
    return this.runSession((await this.partsAt(k)).before, input, HIDDEN_STATES);
  }

  /** Blocks [k, L) and the final norm on `input` (the merged hidden states); at k = 0 the whole encoder (`run`). */
  async runAfterMerge(k: number, input: RunInput): Promise<Float32Array> {
    checkMergeLayer(k, this.layers);
    if (k === 0) return this.run(input);
    return this.runSession((await this.partsAt(k)).after, input, LAST_HIDDEN_STATE);
  }

  /** Matrix-multiply FLOPs counted from the graph at sequence length `tokens` (batch 1). */
  async graphFlops(tokens: number): Promise<GraphFlopCount> {
    return this.countFlops('full', () => this.rewrittenBytes, tokens);
  }

  /** Graph-counted FLOPs of the blocks before (`before`, on `tokens` positions) or after merge layer k. */
  async partGraphFlops(k: number, part: 'before' | 'after', tokens: number): Promise<GraphFlopCount> {
    checkMergeLayer(k, this.layers);
    if (k === 0) return part === 'before' ? noFlops(tokens) : this.graphFlops(tokens);
    const parts = await this.partsAt(k);
    return this.countFlops(`${part}-${k}`, () => parts.bytes[part], tokens);
  }

  private async countFlops(key: string, bytes: () => Uint8Array, tokens: number): Promise<GraphFlopCount> {
    const cacheKey = `${key}@${tokens}`;
    const cached = this.flopCache.get(cacheKey);
    if (cached) return cached;
    let counting = this.countingModels.get(key);
    if (counting === undefined) {
      const model = decodeModel(bytes(), this.info.onnxFile);
      // A part without blocks (before layer 0, after the last) has no products at all.
      if (!(model.graph?.node ?? []).some((n) => n.opType === 'MatMul' || n.opType === 'Gemm')) counting = null;
      else {
        const cm = makeCountingModel(model);
        // The CPU is enough: this runs once per distinct length and only its shapes are used.
        counting = { cm, session: await this.ort.InferenceSession.create(encodeModel(cm.model), { executionProviders: ['cpu'] }) };
      }
      this.countingModels.set(key, counting);
    }
    if (counting === null) return noFlops(tokens);
    const { cm, session } = counting;
    const d = this.info.dModel;
    const out = await session.run(
      {
        [INPUTS_EMBEDS]: new this.ort.Tensor('float32', new Float32Array(tokens * d), [1, tokens, d]),
        attention_mask: new this.ort.Tensor('int64', new BigInt64Array(tokens).fill(1n), [1, tokens]),
      },
      [...cm.probedOutputs],
    );
    const dims = new Map<string, readonly number[]>();
    for (const name of cm.probedOutputs) dims.set(name, out[name]!.dims);
    const count = sumGraphFlops(cm, dims, tokens);
    this.flopCache.set(cacheKey, count);
    return count;
  }

  async release(): Promise<void> {
    await this.session.release();
    for (const c of this.countingModels.values()) if (c) await c.session.release();
    this.countingModels.clear();
    for (const p of this.parts.values()) {
      const parts = await p.catch(() => undefined);
      if (parts) {
        await parts.before.release();
        await parts.after.release();
      }
    }
    this.parts.clear();
  }
}

/** Loads the encoder in `dir` (see T5EncoderRuntime.load). */
export function loadEncoder(dir: string, opts?: LoadEncoderOptions): Promise<T5EncoderRuntime> {
  return T5EncoderRuntime.load(dir, opts);
}

/** Throws when a tokenizer can produce ids the model has no embedding for. */
export function checkTokenizerMatchesModel(tokenizerVocabSize: number, tokenizerName: string, info: Pick<EncoderInfo, 'vocabSize' | 'dir'>): void {
  if (tokenizerVocabSize !== info.vocabSize) {
    throw new ModelError(`tokenizer ${tokenizerName} has ${tokenizerVocabSize} ids but the model in ${info.dir} has ${info.vocabSize} embeddings; they do not belong together`);
  }
}

/**
 * How `dir` loads: its ONNX encoder export when it has one (as before checkpoints could be read),
 * else its checkpoint weights. Neither: one ModelError naming both kinds of file.
 */
export function modelRoute(dir: string): ModelRoute {
  try {
    findEncoderFile(dir);
    return 'onnx-export';
  } catch (err) {
    if (findCheckpointFiles(dir)) return 'checkpoint';
    throw new ModelError(`${(err as Error).message}; and no checkpoint weights (model.safetensors, model.safetensors.index.json, pytorch_model.bin or pytorch_model.bin.index.json)`);
  }
}

/** The built graphs were made from this folder's weights; config.json must describe the same model. */
function checkGraphsMatchConfig(graphs: GraphSet, config: T5Config, dir: string): void {
  const m = graphs.meta;
  if (m.dModel !== config.d_model || m.vocabSize !== config.vocab_size || m.encoderLayers !== config.num_layers) {
    throw new ModelError(`${dir}: the graphs built from the weights have d_model ${m.dModel}, vocab_size ${m.vocabSize}, ${m.encoderLayers} layers, but config.json says ${config.d_model}, ${config.vocab_size}, ${config.num_layers}`);
  }
}

/** The token-embedding matrix of a model folder's encoder, without creating a session. */
export function loadEmbeddingMatrix(dir: string): { embeddings: Float32Array; vocabSize: number; dModel: number; source: string } {
  if (modelRoute(dir) === 'checkpoint') {
    const graphs = ensureBuiltGraphs(dir);
    return { embeddings: graphs.embeddings(), vocabSize: graphs.meta.vocabSize, dModel: graphs.meta.dModel, source: join(dir, graphs.meta.weightsFiles.find((f) => f !== 'config.json') ?? '') };
  }
  const file = findEncoderFile(dir);
  const model = decodeModel(readFileSync(file), file);
  inlineExternalData(model, file);
  const rw = rewriteToInputsEmbeds(model);
  return { embeddings: rw.embeddings, vocabSize: rw.vocabSize, dModel: rw.dModel, source: file };
}
