// `subtoken-lens train-merger`: trains the learned subtoken merger from a model folder's own
// embedding matrix and writes merger.json into that folder.

import { type Command, Option } from 'commander';
import { saveMergerParams, trainMerger, type ReconstructionMetrics } from '../../core/runtime/merger/index';
import { modelEmbeddings } from '../../core/runtime/learned';
import { readT5Config } from '../../core/runtime/model-dir';
import { modelDirFromSpec } from '../../core/runtime/resolve-model';
import { cancellable, FatalError, openModelTokenizer, parseIntOption } from '../common';
import { cacheDirFrom, cacheDirOptions, jsonOption, modelOption, tokenizerOption, withOptions } from '../options';
import { terminalLine } from '../../core/safe-text';

interface TrainMergerCliOptions {
  model: string;
  tokenizer?: string;
  cacheDir?: string;
  cache?: string;
  epochs: number;
  seed: number;
  lr: string;
  loss: 'mse' | 'cosine';
  maxPieces: number;
  json?: boolean;
}

const fmt = (m: ReconstructionMetrics) => `MSE ${m.mse.toPrecision(5)}  mean cosine ${m.cosine.toFixed(4)}`;

async function run(o: TrainMergerCliOptions): Promise<void> {
  // Every input is checked before the embedding matrix is read or an epoch runs.
  const { epochs, seed, maxPieces, loss } = o;
  const lr = Number(o.lr);
  if (!(lr > 0 && Number.isFinite(lr))) throw new FatalError(`--lr must be a positive number, got ${JSON.stringify(o.lr)}`);
  // The folder's config.json must describe a T5 encoder (a BERT config is refused, not trained on).
  const cacheDir = cacheDirFrom(o);
  const modelDir = modelDirFromSpec(o.model, cacheDir);
  const config = readT5Config(modelDir);
  // The BPE files that spell the model's vocabulary: --tokenizer, the model folder, or the located
  // one; loading them refuses an empty or truncated merges.txt.
  const tokenizerDir = openModelTokenizer(o.tokenizer, modelDir, cacheDir).dir;

  const matrix = modelEmbeddings(modelDir);
  if (matrix.vocabSize !== config.vocab_size || matrix.dModel !== config.d_model) {
    throw new FatalError(`${modelDir}: config.json says vocab_size ${config.vocab_size}, d_model ${config.d_model} but the embedding matrix in ${matrix.source} is [${matrix.vocabSize}, ${matrix.dModel}]`);
  }
  const { params, report } = await cancellable('no merger.json written', (signal) => trainMerger({
    embeddings: matrix.embeddings, vocabSize: matrix.vocabSize, dModel: matrix.dModel, tokenizerDir,
    epochs, seed, lr, loss, maxPieces, embeddingsSource: matrix.source, signal,
    onProgress: (p) => {
      if (!o.json) process.stderr.write(`epoch ${p.epoch}/${p.epochs}  train loss ${p.trainLoss.toPrecision(5)}  held-out ${fmt(p.heldOut)}\n`);
    },
  }));
  const written = saveMergerParams(modelDir, params); // temporary file + rename: never half a merger.json
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
}

export function register(program: Command): void {
  const command = program
    .command('train-merger')
    .description("Train the learned subtoken merger from the model's own embedding matrix; writes merger.json into the model folder");
  withOptions(command,
    modelOption().makeOptionMandatory(),
    tokenizerOption('the model folder\'s vocab.json + merges.txt, else located automatically'), cacheDirOptions(),
    new Option('--epochs <n>', 'Training epochs').argParser(parseIntOption('--epochs', 1)).default(10),
    new Option('--seed <n>', 'Shuffling seed').argParser(parseIntOption('--seed', 0)).default(1),
    new Option('--lr <rate>', 'Adam learning rate').default('0.01'),
    new Option('--loss <kind>', 'Training loss').choices(['mse', 'cosine']).default('mse'),
    new Option('--max-pieces <n>', 'Longest training group').argParser(parseIntOption('--max-pieces', 2)).default(4),
    jsonOption())
    .action((o: TrainMergerCliOptions) => run(o));
}
