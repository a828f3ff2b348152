// `encode`: last hidden states of the encoder for a file or explicit ids, optionally merged, written
// as JSON, .npz or .npy (hidden-states-file.ts). With FILE the runtime adds <s> … </s> around each
// window of the file's tokens; with --ids the ids are taken exactly as given (add 1 … 2 yourself).
import { type Command, Option } from 'commander';
import { cancellable, FatalError, openModelTokenizer, prepareOutput, readSourceFile, writeAtomic } from '../common';
import { type EncodedWindow, hiddenStatesFiles } from '../hidden-states-file';
import { cacheDirFrom, cacheDirOptions, checkMergeLayerFlag, idsOption, mergeLayerOption, modelOption, providerOption, strategyOption, tokenizerOption, withOptions } from '../options';
import { loadEncoder, checkTokenizerMatchesModel, type T5EncoderRuntime } from '../../core/runtime/encoder';
import { type GroupReducer, averageReducer, loadLearnedReducer } from '../../core/runtime/merge';
import { runMergedAtLayer } from '../../core/runtime/merge-layer';
import { planFile } from '../../core/runtime/plan-input';
import { splitIntoWindows } from '../../core/runtime/windows';
import { modelDirFromSpec } from '../../core/runtime/resolve-model';
import { SpanExtractor } from '../../core/spans';
import { terminalLine } from '../../core/safe-text';

interface EncodeFlags {
  ids?: string;
  groups?: string;
  strategy: 'none' | 'average' | 'learned';
  model: string;
  out: string;
  provider: string;
  tokenizer?: string;
  cacheDir?: string;
  cache?: string;
  mergeLayer: number;
}

function parseJsonArg<T>(name: string, raw: string, check: (v: unknown) => v is T, expected: string): T {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new FatalError(`${name} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!check(v)) throw new FatalError(`${name} must be ${expected}`);
  return v;
}
const isIntArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x));
const isGroups = (v: unknown): v is number[][] => Array.isArray(v) && v.every(isIntArray);

/** One window, merged after block `mergeLayer` (0: at the embeddings; without a reducer nothing merges, so the whole encoder runs). */
async function encodeOne(rt: T5EncoderRuntime, ids: number[], groups: number[][], reducer: GroupReducer | undefined, mergeLayer: number): Promise<EncodedWindow> {
  const { out: data, merged } = await runMergedAtLayer(rt, reducer ? mergeLayer : 0, rt.embed(ids), groups, reducer);
  return { ids, groups, mergedToOriginal: Array.from(merged.mergedToOriginal), shape: [1, merged.length, rt.info.dModel], data };
}

export function register(program: Command): void {
  const command = program
    .command('encode')
    .description("Write the encoder's last hidden states (optionally merged) as JSON, .npz or .npy")
    .argument('[file]', 'Source file (tokenized, split into windows, <s> … </s> added)');
  withOptions(command,
    idsOption(),
    new Option('--groups <json>', "Groups of consecutive positions to merge, JSON [[3,4,5],[10,11]]; with FILE: positions in the file's tokens").default(undefined, "with FILE, the file's identifiers"),
    strategyOption(['none', 'average', 'learned'], 'none'),
    modelOption('embedded-tiny'),
    mergeLayerOption(),
    new Option('--out <file>', 'Output file: .json, .npz (hidden.npy [windows, length, d] + lengths.npy) or .npy (see README)').makeOptionMandatory(),
    providerOption(), tokenizerOption(), cacheDirOptions())
    .action(async (file: string | undefined, flags: EncodeFlags) => {
      if ((file === undefined) === (flags.ids === undefined)) throw new FatalError('give either FILE or --ids (exactly one)');
      const explicitIds = flags.ids !== undefined ? parseJsonArg('--ids', flags.ids, isIntArray, 'an array of integer token ids') : undefined;
      if (explicitIds?.length === 0) throw new FatalError('--ids is empty: nothing to encode');
      const explicitGroups = flags.groups !== undefined ? parseJsonArg('--groups', flags.groups, isGroups, 'an array of arrays of integers') : undefined;
      // Input and output are checked before the model loads: a bad path fails in a second, not after the work.
      const source = file === undefined ? undefined : await readSourceFile(file);
      if (source !== undefined && source.length === 0) throw new FatalError(`${file}: empty file, nothing to encode`);
      prepareOutput(flags.out);
      const cacheDir = cacheDirFrom(flags);
      const dir = modelDirFromSpec(flags.model, cacheDir);
      const tokenizer = source !== undefined ? openModelTokenizer(flags.tokenizer, dir, cacheDir).tokenizer : undefined;
      const { windows, provider, randomWeights } = await cancellable('nothing written', async (signal) => {
        const rt = await loadEncoder(dir, { device: flags.provider, probe: false });
        try {
          checkMergeLayerFlag(flags.mergeLayer, rt.layers);
          const reducer = flags.strategy === 'none' ? undefined : flags.strategy === 'average' ? averageReducer : loadLearnedReducer(dir, rt.info.dModel);
          let inputs: Array<{ ids: number[]; groups: number[][] }>;
          if (explicitIds) inputs = [{ ids: explicitIds, groups: explicitGroups ?? [] }];
          else {
            checkTokenizerMatchesModel(tokenizer!.vocabSize, tokenizer!.name, rt.info);
            const extractor = await SpanExtractor.create();
            const plan = await planFile(source!, file!, tokenizer!, extractor).finally(() => extractor.dispose());
            inputs = splitIntoWindows({ ids: plan.ids, groups: explicitGroups ?? plan.groups }, rt.info.config.bos_token_id, rt.info.config.eos_token_id);
          }
          process.stderr.write(`encoding ${inputs.length} window(s) (Ctrl-C stops)…\n`);
          const out: EncodedWindow[] = [];
          for (const w of inputs) {
            signal.throwIfAborted(); // one window run is the unit that cannot be interrupted
            out.push(await encodeOne(rt, w.ids, w.groups, reducer, flags.mergeLayer));
          }
          return { windows: out, provider: rt.info.provider, randomWeights: rt.info.randomWeights };
        } finally {
          await rt.release();
        }
      });
      const meta = { model: dir, provider, strategy: flags.strategy, mergeLayer: flags.mergeLayer, randomWeights };
      const output = hiddenStatesFiles(flags.out, windows, meta);
      for (const f of output.files) writeAtomic(f.path, f.bytes);
      process.stderr.write(`wrote ${terminalLine(flags.out)}: ${terminalLine(output.summary)} on ${provider}\n`);
    });
}
