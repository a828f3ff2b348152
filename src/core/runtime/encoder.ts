// The CodeT5 encoder on onnxruntime-node, fed from embeddings so that merged positions can be run.
// Loading: read config.json and the encoder ONNX, rewrite input_ids → inputs_embeds in memory, keep
// the embedding matrix for lookups here, optionally prove the rewrite on a probe input, and create
// the session on the best provider that loads.
import { readFileSync } from 'node:fs';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { EncoderConfig } from '../flops';
import { type CountingModel, type GraphFlopCount, makeCountingModel, sumGraphFlops } from './graph-flops';
import { type T5Config, findEncoderFile, readT5Config, toEncoderConfig } from './model-dir';
import { ModelError, decodeModel, encodeModel, inlineExternalData } from './onnx-model';
import { type ProviderFailure, type SessionFactory, createSessionWithFallback } from './providers';
import { INPUTS_EMBEDS, rewriteToInputsEmbeds } from './rewrite';

export interface LoadEncoderOptions {
  /** auto | cpu | cuda | dml | coreml (default auto). */
  readonly device?: string;
  /** Run the original and rewritten graphs on a probe input and compare (default true). */
  readonly probe?: boolean;
  /** Injected session creation, for tests of the provider fallback. */
  readonly sessionFactory?: SessionFactory;
}

export interface RewriteProof {
  /** Probe token ids (with <s> … </s>). */
  readonly ids: readonly number[];
  /** Max |original(ids) − rewritten(embeddings(ids))| over the output. */
  readonly maxAbsDiff: number;
}

export interface EncoderInfo {
  readonly dir: string;
  readonly onnxFile: string;
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
  private countingModel?: { cm: CountingModel; session: InferenceSession };
  private readonly flopCache = new Map<number, GraphFlopCount>();

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
      dir, onnxFile, config, encoderConfig: toEncoderConfig(config, dir),
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
    const { embeds, batch, seq } = input;
    const d = this.info.dModel;
    if (seq < 1 || batch < 1) throw new RangeError(`cannot run the encoder on an empty sequence (batch ${batch}, seq ${seq})`);
    if (embeds.length !== batch * seq * d) throw new RangeError(`inputs_embeds has ${embeds.length} values, expected ${batch}×${seq}×${d}`);
    const mask = new BigInt64Array(batch * seq);
    if (input.mask) {
      if (input.mask.length !== batch * seq) throw new RangeError(`attention_mask has ${input.mask.length} values, expected ${batch * seq}`);
      for (let i = 0; i < mask.length; i++) mask[i] = BigInt(input.mask[i]!);
    } else mask.fill(1n);
    const out = await this.session.run({
      [INPUTS_EMBEDS]: new this.ort.Tensor('float32', embeds, [batch, seq, d]),
      attention_mask: new this.ort.Tensor('int64', mask, [batch, seq]),
    });
    return out.last_hidden_state!.data as Float32Array;
  }

  /** Matrix-multiply FLOPs counted from the graph at sequence length `tokens` (batch 1). */
  async graphFlops(tokens: number): Promise<GraphFlopCount> {
    const cached = this.flopCache.get(tokens);
    if (cached) return cached;
    if (!this.countingModel) {
      const cm = makeCountingModel(decodeModel(this.rewrittenBytes, this.info.onnxFile));
      // The CPU is enough: this runs once per distinct length and only its shapes are used.
      const session = await this.ort.InferenceSession.create(encodeModel(cm.model), { executionProviders: ['cpu'] });
      this.countingModel = { cm, session };
    }
    const { cm, session } = this.countingModel;
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
    this.flopCache.set(tokens, count);
    return count;
  }

  async release(): Promise<void> {
    await this.session.release();
    if (this.countingModel) await this.countingModel.session.release();
    this.countingModel = undefined;
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

/** The token-embedding matrix of a model folder's encoder, without creating a session. */
export function loadEmbeddingMatrix(dir: string): { embeddings: Float32Array; vocabSize: number; dModel: number; source: string } {
  const file = findEncoderFile(dir);
  const model = decodeModel(readFileSync(file), file);
  inlineExternalData(model, file);
  const rw = rewriteToInputsEmbeds(model);
  return { embeddings: rw.embeddings, vocabSize: rw.vocabSize, dModel: rw.dModel, source: file };
}
