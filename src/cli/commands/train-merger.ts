// `subtoken-lens train-merger`: trains the learned subtoken merger from a model folder's own
// embedding matrix and writes merger.json into that folder.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { saveMergerParams, trainMerger, type ReconstructionMetrics } from '../../core/runtime/merger/index';
import { modelEmbeddings } from '../../core/runtime/learned';
import { ModelConfigError, readT5Config } from '../../core/runtime/model-dir';
import { modelDirFromSpec } from '../../core/runtime/resolve-model';
import { loadTokenizer, locateTokenizer } from '../../core/tokenizer';
import { FatalError } from '../common';
import { terminalLine, terminalText } from '../../core/safe-text';

interface TrainMergerCliOptions {
  model: string;
  tokenizer?: string;
  epochs: string;
  seed: string;
  lr: string;
  loss: string;
  maxPieces: string;
  json?: boolean;
}

function positiveInt(name: string, v: string, min = 1): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new FatalError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return n;
}

const fmt = (m: ReconstructionMetrics) => `MSE ${m.mse.toPrecision(5)}  mean cosine ${m.cosine.toFixed(4)}`;

/** Runs `body`, turning an input error from core (a config or tokenizer that cannot be used) into
 *  a FatalError: one line, exit 2. */
function asInputError<T>(body: () => T): T {
  try {
    return body();
  } catch (e) {
    throw e instanceof FatalError || !(e instanceof Error) ? e : new FatalError(e.message);
  }
}

async function run(o: TrainMergerCliOptions): Promise<void> {
  // Every input is checked before the embedding matrix is read or an epoch runs.
  const epochs = positiveInt('epochs', o.epochs);
  const seed = positiveInt('seed', o.seed, 0);
  const maxPieces = positiveInt('max-pieces', o.maxPieces, 2);
  const lr = Number(o.lr);
  if (!(lr > 0 && Number.isFinite(lr))) throw new FatalError(`--lr must be a positive number, got ${JSON.stringify(o.lr)}`);
  if (o.loss !== 'mse' && o.loss !== 'cosine') throw new FatalError(`--loss must be mse or cosine, got ${JSON.stringify(o.loss)}`);
  // The folder's config.json must describe a T5 encoder (a BERT config is refused, not trained on).
  const modelDir = asInputError(() => modelDirFromSpec(o.model));
  const config = readT5Config(modelDir);
  const hasBpe = (dir: string) => existsSync(join(dir, 'vocab.json')) && existsSync(join(dir, 'merges.txt'));
  // The BPE files that spell the model's vocabulary: --tokenizer, the model folder, or the located one.
  const tokenizerDir = asInputError(() => (o.tokenizer ? resolve(o.tokenizer) : hasBpe(modelDir) ? modelDir : locateTokenizer().dir));
  asInputError(() => loadTokenizer(tokenizerDir)); // refuses an empty or truncated merges.txt

  const matrix = modelEmbeddings(modelDir);
  if (matrix.vocabSize !== config.vocab_size || matrix.dModel !== config.d_model) {
    throw new FatalError(`${modelDir}: config.json says vocab_size ${config.vocab_size}, d_model ${config.d_model} but the embedding matrix in ${matrix.source} is [${matrix.vocabSize}, ${matrix.dModel}]`);
  }
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    const { params, report } = await trainMerger({
      embeddings: matrix.embeddings, vocabSize: matrix.vocabSize, dModel: matrix.dModel, tokenizerDir,
      epochs, seed, lr, loss: o.loss, maxPieces, embeddingsSource: matrix.source, signal: ac.signal,
      onProgress: (p) => {
        if (!o.json) process.stderr.write(`epoch ${p.epoch}/${p.epochs}  train loss ${p.trainLoss.toPrecision(5)}  held-out ${fmt(p.heldOut)}\n`);
      },
    });
    const written = saveMergerParams(modelDir, params);
    if (o.json) {
      process.stdout.write(JSON.stringify({ merger: written, report }, null, 2) + '\n');
      return;
    }
    const out = process.stdout;
    out.write(`examples: ${report.examples.train} train, ${report.examples.heldOut} held out (${report.examples.skipped} skipped)\n`);
    out.write(`held-out learned: ${fmt(report.heldOut.learned)}\n`);
    out.write(`held-out average: ${fmt(report.heldOut.average)}\n`);
    for (const g of report.heldOutByGroupSize) {
      out.write(`  ${g.pieces} pieces (${g.count}): learned ${fmt(g.learned)} | average ${fmt(g.average)}\n`);
    }
    out.write(`${report.verdict}\nwrote ${terminalLine(written)} (${report.seconds.toFixed(1)} s)\n`);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export function register(program: Command): void {
  program
    .command('train-merger')
    .description("train the learned subtoken merger from the model's own embedding matrix; writes merger.json into the model folder")
    .requiredOption('--model <dir|tiny|small>', 'model folder (ONNX encoder, or config.json + embeddings.f32), or an embedded model')
    .option('--tokenizer <dir>', 'folder with vocab.json + merges.txt (default: the model folder, else the located CodeT5 tokenizer)')
    .option('--epochs <n>', 'training epochs', '10')
    .option('--seed <s>', 'shuffling seed', '1')
    .option('--lr <rate>', 'Adam learning rate', '0.01')
    .option('--loss <kind>', 'mse or cosine', 'mse')
    .option('--max-pieces <n>', 'longest training group', '4')
    .option('--json', 'print the report as JSON')
    .action(async (o: TrainMergerCliOptions) => {
      try {
        await run(o);
      } catch (e) {
        if (e instanceof FatalError) throw e; // input refusals: one line, exit 2 (main.ts)
        if (e instanceof ModelConfigError) throw new FatalError(e.message);
        const err = e as Error;
        process.stderr.write(err.name === 'AbortError' ? 'train-merger: cancelled, nothing written\n' : `train-merger: ${terminalText(err.message)}\n`);
        process.exitCode = err.name === 'AbortError' ? 130 : 1;
      }
    });
}
