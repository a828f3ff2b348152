// Checkpoint route benchmark: a CodeT5-small-shaped checkpoint (random weights of the real shape,
// written here as model.safetensors, or a folder you give) through import + graph build (time and
// peak RSS, measured in a child process of its own), a cached reload, encoder latency and greedy
// generation latency unmerged vs merged on the CPU, realised next to FLOP-predicted speed-ups.
// Run: npx tsx bench/checkpoint.ts [--model DIR] [--runs N] [--new-tokens N]
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { greedyDecodeFlops } from '../src/core/decoder-flops';
import { encoderFlops } from '../src/core/flops';
import { T5DecoderRuntime } from '../src/core/runtime/decoder';
import { loadEncoder } from '../src/core/runtime/encoder';
import { ensureBuiltGraphs } from '../src/core/runtime/graph/cache';
import { greedyDecode } from '../src/core/runtime/generate';
import { averageReducer, mergeEmbeddings } from '../src/core/runtime/merge';
import { planFile } from '../src/core/runtime/plan-input';
import { mulberry32, normalSampler } from '../src/core/runtime/prng';
import { loadTokenizerFor } from '../src/core/runtime/resolve-model';
import { splitIntoWindows } from '../src/core/runtime/windows';
import { SpanExtractor } from '../src/core/spans';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** CodeT5-small's config.json sizes (Salesforce/codet5-small). */
const SMALL = {
  model_type: 't5', architectures: ['T5ForConditionalGeneration'], vocab_size: 32100, d_model: 512, d_kv: 64, d_ff: 2048,
  num_layers: 6, num_decoder_layers: 6, num_heads: 8, feed_forward_proj: 'relu', relative_attention_num_buckets: 32,
  relative_attention_max_distance: 128, layer_norm_epsilon: 1e-6, tie_word_embeddings: true,
  pad_token_id: 0, bos_token_id: 1, eos_token_id: 2, decoder_start_token_id: 0,
};

/** Writes a random checkpoint of SMALL's shape as model.safetensors (float32), one tensor at a time. */
function writeRandomCheckpoint(dir: string): void {
  const c = SMALL;
  const inner = c.num_heads * c.d_kv;
  const shapes: [string, number[]][] = [['shared.weight', [c.vocab_size, c.d_model]]];
  const attn = (p: string) => (['q', 'k', 'v'] as const).map((n): [string, number[]] => [`${p}.${n}.weight`, [inner, c.d_model]]).concat([[`${p}.o.weight`, [c.d_model, inner]]]);
  const ff = (p: string): [string, number[]][] => [[`${p}.DenseReluDense.wi.weight`, [c.d_ff, c.d_model]], [`${p}.DenseReluDense.wo.weight`, [c.d_model, c.d_ff]]];
  for (const stack of ['encoder', 'decoder'] as const) {
    for (let i = 0; i < c.num_layers; i++) {
      const b = `${stack}.block.${i}.layer`;
      shapes.push(...attn(`${b}.0.SelfAttention`), [`${b}.0.layer_norm.weight`, [c.d_model]]);
      if (i === 0) shapes.push([`${b}.0.SelfAttention.relative_attention_bias.weight`, [c.relative_attention_num_buckets, c.num_heads]]);
      if (stack === 'decoder') shapes.push(...attn(`${b}.1.EncDecAttention`), [`${b}.1.layer_norm.weight`, [c.d_model]]);
      const f = stack === 'decoder' ? 2 : 1;
      shapes.push(...ff(`${b}.${f}`), [`${b}.${f}.layer_norm.weight`, [c.d_model]]);
    }
    shapes.push([`${stack}.final_layer_norm.weight`, [c.d_model]]);
  }
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of shapes) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const fd = openSync(join(dir, 'model.safetensors'), 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    writeSync(fd, len);
    writeSync(fd, json);
    const normal = normalSampler(mulberry32(7));
    for (const [name, shape] of shapes) {
      const n = shape.reduce((a, b) => a * b, 1);
      const t = new Float32Array(n);
      if (name.endsWith('layer_norm.weight')) t.fill(1);
      else {
        const scale = name === 'shared.weight' ? 1 : shape[1]! ** -0.5; // HF T5 init scales, roughly
        for (let i = 0; i < n; i++) t[i] = normal() * scale;
      }
      writeSync(fd, new Uint8Array(t.buffer));
    }
  } finally {
    closeSync(fd);
  }
  writeFileSync(join(dir, 'config.json'), JSON.stringify(SMALL, null, 2));
}

/** Child process: import + build only, so its peak RSS is the build's. */
function buildPhase(dir: string): void {
  const t0 = performance.now();
  const set = ensureBuiltGraphs(dir);
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, built: set.built, maxRssMB: process.resourceUsage().maxRSS / 1024, encoderMB: set.meta.sizes['encoder.onnx']! / 1e6, decoderMB: set.meta.sizes['decoder.onnx']! / 1e6 }));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (process.argv[2] === '--build-phase') return buildPhase(process.argv[3]!);
  const runs = Number(arg('--runs') ?? 10);
  const newTokens = Number(arg('--new-tokens') ?? 20);
  let dir = arg('--model');
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'sl-bench-ckpt-'));
    const t0 = performance.now();
    writeRandomCheckpoint(dir);
    process.stderr.write(`wrote a random CodeT5-small-shaped checkpoint to ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--build-phase', dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`build phase failed: ${child.stderr}`);
  const build = JSON.parse(child.stdout) as { ms: number; built: boolean; maxRssMB: number; encoderMB: number; decoderMB: number };

  const t1 = performance.now();
  const encoder = await loadEncoder(dir, { device: 'cpu' });
  const decoder = await T5DecoderRuntime.load(dir, { device: 'cpu' });
  const cachedLoadMs = performance.now() - t1;

  // Input: the first window of commander's command.js, with its identifier merge plan.
  const src = join(__dirname, '..', 'node_modules', 'commander', 'lib', 'command.js');
  const tokenizer = await loadTokenizerFor();
  const extractor = await SpanExtractor.create();
  const plan = await planFile(readFileSync(src, 'utf8'), src, tokenizer, extractor).finally(() => extractor.dispose());
  const rows: string[] = [];
  rows.push(`checkpoint: ${dir} (CodeT5-small shape: 6+6 layers, d_model 512, vocab 32100)`);
  rows.push(`import + graph build: ${(build.ms / 1000).toFixed(2)} s, peak RSS ${build.maxRssMB.toFixed(0)} MB (graphs: encoder ${build.encoderMB.toFixed(0)} MB, decoder ${build.decoderMB.toFixed(0)} MB); cached reload of encoder + decoder sessions: ${(cachedLoadMs / 1000).toFixed(2)} s`);
  rows.push(`source: commander/lib/command.js, first N content tokens + <s> </s>; ${runs} timed runs after 2 warm-up; greedy generation of ${newTokens} tokens (no early stop), decoder over the whole prefix each step; CPU`);
  rows.push('');
  rows.push('| tokens | merged | encoder ms unmerged → merged | realised | predicted | generate ms unmerged → merged | realised | predicted (enc + dec FLOPs) |');
  rows.push('|---|---|---|---|---|---|---|---|');
  try {
    for (const len of [128, 256, 512]) {
      const n = len - 2;
      const [win] = splitIntoWindows({ ids: plan.ids.subarray(0, n), groups: plan.groups.filter((g) => g[g.length - 1]! < n) }, 1, 2);
      const embeds = encoder.embed(win!.ids);
      const merged = mergeEmbeddings(embeds, 512, win!.groups, averageReducer);
      const time = async (f: () => Promise<unknown>, count: number): Promise<number> => {
        for (let i = 0; i < 2; i++) await f();
        const ts: number[] = [];
        for (let i = 0; i < count; i++) { const t = performance.now(); await f(); ts.push(performance.now() - t); }
        return median(ts);
      };
      const encU = await time(() => encoder.run({ embeds, batch: 1, seq: len }), runs);
      const encM = await time(() => encoder.run({ embeds: merged.embeds, batch: 1, seq: merged.length }), runs);
      const gen = (e: Float32Array, m: number) => async () => {
        const memory = await encoder.run({ embeds: e, batch: 1, seq: m });
        await greedyDecode(decoder, memory, m, { maxNewTokens: newTokens, startTokenId: 0, eosTokenIds: [] });
      };
      const genRuns = Math.max(3, Math.floor(runs / 3));
      const genU = await time(gen(embeds, len), genRuns);
      const genM = await time(gen(merged.embeds, merged.length), genRuns);
      const ef = (k: number) => encoderFlops(encoder.info.encoderConfig, k).total;
      const gf = (k: number) => ef(k) + greedyDecodeFlops(decoder.info.shape, k, newTokens);
      rows.push(`| ${len} | ${merged.length} | ${encU.toFixed(1)} → ${encM.toFixed(1)} | ${(encU / encM).toFixed(3)}× | ${(ef(len) / ef(merged.length)).toFixed(3)}× | ${genU.toFixed(0)} → ${genM.toFixed(0)} | ${(genU / genM).toFixed(3)}× | ${(gf(len) / gf(merged.length)).toFixed(3)}× |`);
    }
  } finally {
    await encoder.release();
    await decoder.release();
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
