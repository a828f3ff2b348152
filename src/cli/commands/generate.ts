// `generate FILE|--ids JSON`: greedy generation with a CodeT5 checkpoint from the unmerged and the
// merged encoder output, printing both texts, where they first differ, how many tokens agree and
// the FLOPs of each run. What someone with a fine-tuned model (e.g. codet5-base-multi-sum) asks:
// does merging change the summary? The decoder graph is built from the checkpoint's weights.
import { type Command, Option } from 'commander';
import { FatalError, cancellable, openModelTokenizer, parseIntOption, readSourceFile } from '../common';
import { cacheDirFrom, cacheDirOptions, checkMergeLayerFlag, idsOption, jsonOption, mergeLayerOption, modelOption, providerOption, strategyOption, tokenizerOption, withOptions } from '../options';
import { decodeIds } from '../../core/runtime/decode-text';
import { flops, pct as formatPct } from '../../core/report/format/numbers';
import { T5DecoderRuntime } from '../../core/runtime/decoder';
import { type T5EncoderRuntime, checkTokenizerMatchesModel, loadEncoder } from '../../core/runtime/encoder';
import { type GenerationComparison, generateWithAndWithoutMerging } from '../../core/runtime/generate';
import { loadOrTrainLearnedReducer } from '../../core/runtime/learned';
import { averageReducer, validateGroups } from '../../core/runtime/merge';
import { planFile } from '../../core/runtime/plan-input';
import { readT5Config } from '../../core/runtime/model-dir';
import { modelDirFromSpec } from '../../core/runtime/resolve-model';
import { splitIntoWindows } from '../../core/runtime/windows';
import { SpanExtractor } from '../../core/spans';
import { terminalText } from '../../core/safe-text';

interface GenerateFlags {
  ids?: string;
  groups?: string;
  model?: string;
  maxNewTokens: number;
  strategy: 'average' | 'learned';
  provider: string;
  tokenizer?: string;
  cacheDir?: string;
  cache?: string;
  json?: boolean;
  mergeLayer: number;
}

export const DEFAULT_MAX_NEW_TOKENS = 20;

function parseJson(name: string, raw: string, ok: (v: unknown) => boolean, expected: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new FatalError(`${name} is not valid JSON: ${(e as Error).message}`);
  }
  if (!ok(v)) throw new FatalError(`${name} must be ${expected}`);
  return v;
}
const isIntArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x));

interface GenerateInput {
  ids: number[];
  groups: number[][];
  /** Where the input came from, for the output. */
  source: string;
  /** Content tokens left out because the file is longer than one encoder window. */
  truncatedTokens: number;
}

const fmtFlops = (f: number): string => flops(f, 3);
const pct = (x: number): string => formatPct(100 * x);

export function formatGeneration(r: GenerationComparison & { texts: { unmerged: string; merged: string } }, head: string[]): string {
  const lines = [...head];
  const side = (name: string, run: GenerationComparison['unmerged'], text: string): string =>
    `${name} (${run.encoderLength} encoder positions, ${run.ids.length} tokens, stopped by ${run.stoppedBy === 'eos' ? '</s>' : '--max-new-tokens'}): ${JSON.stringify(text)}`;
  lines.push(side('unmerged', r.unmerged, r.texts.unmerged));
  lines.push(side('merged  ', r.merged, r.texts.merged));
  lines.push(r.firstDifference === null
    ? `same tokens: ${r.agreement.matching}/${r.agreement.compared}`
    : `first difference at generated token ${r.firstDifference}; agreement ${r.agreement.matching}/${r.agreement.compared} tokens (${pct(r.agreement.fraction)})`);
  const f = (run: GenerationComparison['unmerged']): string =>
    `${fmtFlops(run.flops.total)} (encoder ${fmtFlops(run.flops.encoder)} + decoder ${fmtFlops(run.flops.decoder)}; with a KV cache the decoder would take ${fmtFlops(run.flops.decoderWithKvCache)})`;
  lines.push(`FLOPs unmerged: ${f(r.unmerged)}`);
  lines.push(`FLOPs merged:   ${f(r.merged)}`);
  lines.push(`saved: ${pct(r.flopSaving)} of the FLOPs (analytic, as run)`);
  return lines.join('\n');
}

export function register(program: Command): void {
  const command = program
    .command('generate')
    .description('Greedy generation from the unmerged and the merged encoder output of a checkpoint; print both texts, where they differ and the FLOPs of each')
    .argument('[file]', 'Source file (tokenized, <s> … </s> added; its first encoder window is the input)');
  withOptions(command,
    idsOption(),
    new Option('--groups <json>', 'Groups of consecutive positions to merge, JSON [[3,4,5],[10,11]] (with --ids; FILE merges its identifiers)'),
    modelOption(),
    new Option('--max-new-tokens <n>', 'Most tokens to generate per run').argParser(parseIntOption('--max-new-tokens', 1)).default(DEFAULT_MAX_NEW_TOKENS),
    strategyOption(['average', 'learned'], 'average'),
    mergeLayerOption(),
    providerOption(),
    tokenizerOption('the model folder\'s own, else located automatically'), cacheDirOptions(), jsonOption())
    .action(async (file: string | undefined, flags: GenerateFlags) => {
      // Cheap checks first: arguments, the file, the model's config.json; then graphs and sessions.
      if ((file === undefined) === (flags.ids === undefined)) throw new FatalError('give either FILE or --ids (exactly one)');
      if (file !== undefined && flags.groups !== undefined) throw new FatalError('--groups goes with --ids; with FILE the identifiers are the groups');
      if (flags.model === undefined) throw new FatalError('--model is required: a checkpoint folder, or a Hub repo owner/name fetched with `model fetch`');
      const explicitIds = flags.ids === undefined ? undefined : parseJson('--ids', flags.ids, (v) => isIntArray(v) && v.length > 0, 'a non-empty array of integer token ids') as number[];
      const explicitGroups = flags.groups === undefined ? [] : parseJson('--groups', flags.groups, (v) => Array.isArray(v) && v.every(isIntArray), 'an array of arrays of integers') as number[][];
      if (explicitIds) {
        try {
          validateGroups(explicitGroups, explicitIds.length);
        } catch (e) {
          throw new FatalError(`--groups: ${(e as Error).message}`);
        }
      }
      const text = file === undefined ? undefined : await readSourceFile(file);
      if (text !== undefined && text.length === 0) throw new FatalError(`${file}: empty file, nothing to generate from`);
      const cacheDir = cacheDirFrom(flags);
      const dir = modelDirFromSpec(flags.model, cacheDir);
      const { tokenizer, dir: tokenizerDir } = openModelTokenizer(flags.tokenizer, dir, cacheDir);
      // From config.json, before any graph is built.
      checkMergeLayerFlag(flags.mergeLayer, readT5Config(dir).num_layers);

      // The merger before the model: a missing learned merger is refused before any graph is built.
      let reducer = averageReducer;
      if (flags.strategy === 'learned') {
        const config = readT5Config(dir);
        try {
          reducer = (await loadOrTrainLearnedReducer(dir, config.d_model, { trainIfMissing: config.subtoken_lens_random_weights === true, tokenizerDir })).reducer;
        } catch (e) {
          throw new FatalError((e as Error).message);
        }
      }
      const note = (d: string) => { if (!flags.json) process.stderr.write(`building the encoder and decoder graphs from the checkpoint in ${terminalText(d)} (once)…\n`); };

      // Printed only once both runs are done: an interrupt leaves no half output.
      const printed = await cancellable('nothing printed', async (signal) => {
        const decoder = await T5DecoderRuntime.load(dir, { device: flags.provider, onGraphBuild: note }); // first: refuses a folder without weights
        let encoder: T5EncoderRuntime | undefined;
        try {
          encoder = await loadEncoder(dir, { device: flags.provider, probe: false });
          checkTokenizerMatchesModel(tokenizer.vocabSize, tokenizer.name, encoder.info);
          let input: GenerateInput;
          if (explicitIds) {
            input = { ids: explicitIds, groups: explicitGroups, source: '--ids', truncatedTokens: 0 };
          } else {
            const extractor = await SpanExtractor.create();
            const plan = await planFile(text!, file!, tokenizer, extractor).finally(() => extractor.dispose());
            if (plan.ids.length === 0) throw new FatalError(`${file}: no tokens, nothing to generate from`);
            const [first] = splitIntoWindows(plan, encoder.info.config.bos_token_id, encoder.info.config.eos_token_id);
            input = { ids: first!.ids, groups: first!.groups, source: `${file} (${plan.planner})`, truncatedTokens: plan.ids.length - (first!.ids.length - 2) };
          }
          const r = await generateWithAndWithoutMerging(encoder, decoder, input.ids, input.groups, reducer, { maxNewTokens: flags.maxNewTokens, signal, mergeLayer: flags.mergeLayer });
          const texts = { unmerged: decodeIds(tokenizer, r.unmerged.ids), merged: decodeIds(tokenizer, r.merged.ids) };
          const graphsBuilt = decoder.info.builtGraphs || encoder.info.checkpoint?.built === true; // whichever loaded first built them
          const body = {
            model: dir, route: encoder.info.route, weightsFormat: encoder.info.checkpoint?.weightsFormat, graphsBuilt,
            provider: encoder.info.provider, strategy: flags.strategy, tokenizer: tokenizer.name, source: input.source,
            inputIds: input.ids, groups: input.groups, truncatedTokens: input.truncatedTokens, maxNewTokens: flags.maxNewTokens,
            decoderStartTokenId: decoder.info.tokens.decoderStartTokenId, eosTokenIds: decoder.info.tokens.eosTokenIds,
            randomWeights: encoder.info.randomWeights,
            ...r, texts,
          };
          if (flags.json) return `${JSON.stringify(body, null, 2)}\n`;
          const head = [
            `model: ${dir} (${encoder.info.route === 'checkpoint' ? `checkpoint ${encoder.info.checkpoint?.weightsFormat}, graphs ${graphsBuilt ? 'built now' : 'from the cache'}` : 'ONNX export'}; ${encoder.info.provider})`,
            `input: ${input.source}: ${input.ids.length} positions, ${input.groups.length} groups merged (${flags.strategy}${r.mergeLayer > 0 ? `, after encoder block ${r.mergeLayer}` : ''}) → ${r.merged.encoderLength}` +
              (input.truncatedTokens > 0 ? `; only the first window: ${input.truncatedTokens} tokens left out` : ''),
          ];
          return `${terminalText(formatGeneration(body, head))}\n`;
        } finally {
          await encoder?.release();
          await decoder.release();
        }
      });
      process.stdout.write(printed);
    });
}
