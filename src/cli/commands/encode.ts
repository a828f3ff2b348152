// `encode`: last hidden states of the encoder for a file or explicit ids, optionally merged, written
// as JSON {shape, data} or as .npy. With FILE the runtime adds <s> … </s> around each window of the
// file's tokens; with --ids the ids are taken exactly as given (add 1 … 2 yourself if wanted).
import type { Command } from 'commander';
import { FatalError, prepareOutput, readSourceFile, writeAtomic } from '../common';
import { loadEncoder, checkTokenizerMatchesModel, type T5EncoderRuntime } from '../../core/runtime/encoder';
import { type GroupReducer, averageReducer, loadLearnedReducer, mergeEmbeddings } from '../../core/runtime/merge';
import { encodeNpyFloat32 } from '../../core/runtime/npy';
import { planFile } from '../../core/runtime/plan-input';
import { DEVICES } from '../../core/runtime/providers';
import { splitIntoWindows } from '../../core/runtime/windows';
import { loadTokenizerFor, modelDirFromSpec } from '../../core/runtime/resolve-model';
import { SpanExtractor } from '../../core/spans';
import { reportErrors } from './analyze';
import { terminalLine } from '../../core/safe-text';

interface EncodeFlags {
  ids?: string;
  groups?: string;
  strategy: 'none' | 'average' | 'learned';
  model?: string;
  out: string;
  provider: string;
  tokenizer?: string;
  cacheDir?: string;
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

interface EncodedWindow { ids: number[]; groups: number[][]; mergedToOriginal: number[]; shape: number[]; data: Float32Array }

async function encodeOne(rt: T5EncoderRuntime, ids: number[], groups: number[][], reducer: GroupReducer | undefined): Promise<EncodedWindow> {
  if (ids.length === 0) throw new Error('nothing to encode: no token ids');
  const merged = mergeEmbeddings(rt.embed(ids), rt.info.dModel, groups, reducer);
  const data = await rt.run({ embeds: merged.embeds, batch: 1, seq: merged.length });
  return { ids, groups, mergedToOriginal: Array.from(merged.mergedToOriginal), shape: [1, merged.length, rt.info.dModel], data };
}

export function register(program: Command): void {
  program
    .command('encode')
    .description('write the encoder\'s last hidden states (optionally merged) as JSON {shape, data} or .npy')
    .argument('[file]', 'source file (tokenized, split into windows, <s> … </s> added)')
    .option('--ids <json>', 'token ids as a JSON array, used exactly as given')
    .option('--groups <json>', 'groups of consecutive positions to merge, JSON [[3,4,5],[10,11]]; with FILE: positions in the file\'s tokens (default: the file\'s plan)')
    .option('--strategy <none|average|learned>', 'merge strategy', 'none')
    .option('--model <dir|tiny|small>', 'model folder, or an embedded random-weight model', 'tiny')
    .requiredOption('--out <file>', 'output file (.json, or .npy for a NumPy array)')
    .option('--provider <auto|cpu|cuda|dml|coreml>', 'execution provider', 'auto')
    .option('--tokenizer <dir>', 'tokenizer folder (default: located automatically)')
    .option('--cache-dir <dir>', 'cache folder for embedded models')
    .action((file: string | undefined, flags: EncodeFlags) => reportErrors(async () => {
      if (!['none', 'average', 'learned'].includes(flags.strategy)) throw new Error(`--strategy must be none, average or learned (got "${flags.strategy}")`);
      if (!(DEVICES as readonly string[]).includes(flags.provider)) throw new Error(`--provider must be one of ${DEVICES.join(', ')} (got "${flags.provider}")`);
      if ((file === undefined) === (flags.ids === undefined)) throw new Error('give either FILE or --ids (exactly one)');
      const explicitGroups = flags.groups !== undefined ? parseJsonArg('--groups', flags.groups, isGroups, 'an array of arrays of integers') : undefined;
      // Input and output are checked before the model loads: a bad path fails in a second, not after the work.
      const source = file === undefined ? undefined : await readSourceFile(file);
      prepareOutput(flags.out);
      const dir = modelDirFromSpec(flags.model, flags.cacheDir);
      const rt = await loadEncoder(dir, { device: flags.provider, probe: false });
      try {
        const reducer = flags.strategy === 'none' ? undefined : flags.strategy === 'average' ? averageReducer : loadLearnedReducer(dir, rt.info.dModel);
        const windows: EncodedWindow[] = [];
        if (flags.ids !== undefined) {
          const ids = parseJsonArg('--ids', flags.ids, isIntArray, 'an array of integer token ids');
          windows.push(await encodeOne(rt, ids, explicitGroups ?? [], reducer));
        } else {
          const text = source!;
          if (text.length === 0) throw new Error(`${file}: empty file, nothing to encode`);
          const tokenizer = await loadTokenizerFor(flags.tokenizer);
          checkTokenizerMatchesModel(tokenizer.vocabSize, tokenizer.name, rt.info);
          const extractor = await SpanExtractor.create();
          const plan = await planFile(text, file!, tokenizer, extractor).finally(() => extractor.dispose());
          const input = { ids: plan.ids, groups: explicitGroups ?? plan.groups };
          for (const w of splitIntoWindows(input, rt.info.config.bos_token_id, rt.info.config.eos_token_id)) {
            windows.push(await encodeOne(rt, w.ids, w.groups, reducer));
          }
        }
        const meta = { model: dir, provider: rt.info.provider, strategy: flags.strategy, randomWeights: rt.info.randomWeights };
        if (flags.out.endsWith('.npy')) {
          if (windows.length > 1) throw new Error(`${windows.length} windows have different lengths; write JSON instead of .npy`);
          writeAtomic(flags.out, encodeNpyFloat32(windows[0]!.data, windows[0]!.shape));
        } else {
          const asJson = (w: EncodedWindow) => ({ shape: w.shape, data: Array.from(w.data), ids: w.ids, groups: w.groups, mergedToOriginal: w.mergedToOriginal });
          const body = windows.length === 1 ? { ...meta, ...asJson(windows[0]!) } : { ...meta, windows: windows.map(asJson) };
          writeAtomic(flags.out, JSON.stringify(body));
        }
        process.stderr.write(`wrote ${terminalLine(flags.out)}: ${windows.map((w) => `[${w.shape}]`).join(', ')} on ${rt.info.provider}\n`);
      } finally {
        await rt.release();
      }
    }));
}
