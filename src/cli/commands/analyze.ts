// `analyze FILE`: run the encoder on a file unmerged and merged, and report lengths, FLOPs (analytic
// and counted from the graph), measured latency and how the outputs change.
import { type Command, Option } from 'commander';
import { FatalError, cancellable, openModelTokenizer, parseIntOption, readSourceFile } from '../common';
import { cacheDirFrom, cacheDirOptions, jsonOption, modelOption, providerOption, strategyOption, tokenizerOption, withOptions } from '../options';
import { type AnalysisResult, analyzeFile } from '../../core/runtime/analysis';
import { sweepMarkdown, sweepMergeLayers, sweepText } from '../../core/runtime/layer-sweep';
import { FLOP_PROFILES, type FlopProfile, checkProfile } from '../../core/task-flops';
import { checkTokenizerMatchesModel, loadEncoder } from '../../core/runtime/encoder';
import { averageReducer } from '../../core/runtime/merge';
import { loadOrTrainLearnedReducer } from '../../core/runtime/learned';
import { planFile } from '../../core/runtime/plan-input';
import { modelDirFromSpec } from '../../core/runtime/resolve-model';
import { SpanExtractor } from '../../core/spans';
import { describeSpeedup } from '../../core/runtime/speedup-interval';
import { terminalText } from '../../core/safe-text';
import { flops as fmtFlops } from '../../core/report/format/numbers';

interface AnalyzeFlags {
  model: string;
  strategy: 'average' | 'learned' | 'both';
  provider: string;
  runs: number;
  timeBudget: number;
  tokenizer?: string;
  json?: boolean;
  cacheDir?: string;
  cache?: string;
  mergeLayer: number | 'all';
  profile?: FlopProfile;
  outputLength?: number;
  markdown?: boolean;
}

/** `--merge-layer K|all`: a block number, or every one (the layer sweep). */
function parseMergeLayer(v: string): number | 'all' {
  if (v === 'all') return 'all';
  if (!/^\d+$/.test(v)) throw new FatalError(`--merge-layer must be a whole number ≥ 0 or "all", got "${v}"`);
  return Number(v);
}

const fmt = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

export function formatAnalysis(r: AnalysisResult, planner: string): string {
  const lines: string[] = [];
  lines.push(`model: ${r.model.dir} (d_model ${r.model.dModel}, ${r.model.layers} layers, ${r.model.heads} heads)`);
  if (r.randomWeights) lines.push(`NOTE: ${r.note}`);
  const failed = r.provider.failures.map((f) => `${f.provider} failed: ${f.reason}`).join('; ');
  lines.push(`provider: ${r.provider.used} (requested ${r.provider.requested}${failed ? `; ${failed}` : ''})`);
  if (r.model.rewriteMaxAbsDiff !== undefined) lines.push(`graph rewrite input_ids→inputs_embeds checked: max abs diff ${r.model.rewriteMaxAbsDiff.toExponential(2)}`);
  lines.push(`plan: ${planner}; ${r.contentTokens} tokens, ${r.groupCount} groups, ${r.windows.length} window(s) of ≤${r.windowContentTokens}+2`);
  lines.push('');
  lines.push('| win | len before→after | FLOPs before→after (analytic = graph?) | pred. speed-up | strategy | latency ms (median/p90) unmerged → merged | realised | pooled cos | min token cos | mean group cos | max abs | rel L2 |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const w of r.windows) {
    for (const s of w.strategies) {
      const gm = s.groups.length ? s.groups.reduce((a, g) => a + g.cosine, 0) / s.groups.length : NaN;
      lines.push(`| ${w.index} | ${w.lengthBefore}→${w.lengthAfter} | ${fmtFlops(w.flops.analyticBefore.total)}→${fmtFlops(w.flops.analyticAfter.total)} (${w.flops.agree ? 'agree' : `DIFFER: graph ${fmtFlops(w.flops.graphBefore.total)}→${fmtFlops(w.flops.graphAfter.total)}`}) | ${fmt(w.flops.predictedSpeedup, 3)}× | ${s.strategy} | ${fmt(w.unmergedLatency.medianMs, 2)}/${fmt(w.unmergedLatency.p90Ms, 2)} → ${fmt(s.latency.medianMs, 2)}/${fmt(s.latency.p90Ms, 2)} | ${fmt(s.realisedSpeedup, 3)}× | ${fmt(s.pooledCosine)} | ${fmt(s.minTokenCosine)} | ${fmt(gm)} | ${fmt(s.maxAbsDiff)} | ${fmt(s.relativeL2)} |`);
    }
  }
  for (const name of ['average', 'learned'] as const) {
    const groups = r.windows.flatMap((w) => w.strategies.filter((s) => s.strategy === name).flatMap((s) => s.groups));
    if (!groups.length) continue;
    const worst = [...groups].sort((a, b) => a.cosine - b.cosine).slice(0, 10);
    lines.push('', `identifiers whose representation changes most (${name}; cosine of merged output vs mean of its subtokens' unmerged outputs):`);
    for (const g of worst) lines.push(`  ${fmt(g.cosine)}  ${g.label ?? `group ${g.fileGroup}`}  (${g.positions.length} subtokens)`);
  }
  const t = r.totals;
  lines.push('');
  if (t.mergeLayer > 0) lines.push(`merged after encoder block ${t.mergeLayer} (blocks before it run on all ${t.lengthBefore} positions)`);
  if (t.task) lines.push(`FLOPs saved: encoder ${(100 * t.task.encoderSaving).toFixed(1)}%, whole model (${t.task.profile}${t.task.profile === 'seq2seq' ? `, ${t.task.outputTokens} output positions` : ''}) ${(100 * t.task.totalSaving).toFixed(1)}%`);
  lines.push(`total: ${t.lengthBefore}→${t.lengthAfter} positions; ${fmtFlops(t.analyticFlopsBefore)}→${fmtFlops(t.analyticFlopsAfter)} (graph count ${fmtFlops(t.graphFlopsBefore)}→${fmtFlops(t.graphFlopsAfter)}); predicted ${fmt(t.predictedSpeedup, 3)}×`);
  // One timing for every strategy (identical shapes): the speed-up with its 95% interval, "within noise" when it covers 1.0x.
  const interval = Object.values(t.speedupInterval)[0];
  if (interval) lines.push(`realised speed-up (${Object.keys(t.speedupInterval).join(' and ')}, one shared timing, ${r.windows[0]?.unmergedLatency.runs ?? 0} interleaved runs per window): ${describeSpeedup(interval)} (${Math.round(100 * interval.confidence)}% interval)`);
  return lines.join('\n');
}

export function register(program: Command): void {
  const command = program
    .command('analyze')
    .description('Run the encoder on FILE unmerged and merged; report lengths, FLOPs, latency and output changes')
    .argument('<file>', 'Source file');
  withOptions(command,
    modelOption('embedded-tiny'),
    strategyOption(['average', 'learned', 'both'], 'average'),
    providerOption(),
    new Option('--runs <n>', 'Timed runs per configuration (at least; see --time-budget)').argParser(parseIntOption('--runs', 1)).default(10),
    new Option('--time-budget <ms>', 'Per window: keep timing interleaved runs until the speed-up\'s interval is within ±5% or this many ms have passed (0: exactly --runs)').argParser(parseIntOption('--time-budget', 0)).default(1000),
    new Option('--merge-layer <k>', 'Merge after encoder block K (0 = at the embeddings), or "all" for one row per K').argParser(parseMergeLayer).default(0),
    new Option('--profile <profile>', 'Whole-model FLOPs beside the encoder\'s').choices(FLOP_PROFILES).default(undefined, 'classify; seq2seq with --output-length'),
    new Option('--output-length <n>', 'Decoder positions for --profile seq2seq (implies it)').argParser(parseIntOption('--output-length', 0)),
    new Option('--markdown', 'With --merge-layer all: print the sweep as a Markdown table'),
    tokenizerOption(), cacheDirOptions(), jsonOption())
    .action(async (file: string, flags: AnalyzeFlags) => {
      const profile = flags.profile ?? (flags.outputLength !== undefined ? 'seq2seq' : 'classify');
      // Cheap checks first: the file, then the model's config.json, before anything is generated or run.
      const text = await readSourceFile(file);
      const say = (obj: unknown, human: string): void => {
        process.stdout.write(flags.json ? `${JSON.stringify(obj, null, 2)}\n` : `${terminalText(human)}\n`);
      };
      if (text.length === 0) return say({ noop: true, reason: 'empty file' }, `${file}: empty file, nothing to analyze`);
      const cacheDir = cacheDirFrom(flags);
      const dir = modelDirFromSpec(flags.model, cacheDir);
      const { tokenizer, dir: tokenizerDir } = openModelTokenizer(flags.tokenizer, dir, cacheDir);
      // Printed only once the whole analysis is done: an interrupt leaves no partial table.
      const outcome = await cancellable('nothing printed', async (signal) => {
        const extractor = await SpanExtractor.create();
        const plan = await planFile(text, file, tokenizer, extractor).finally(() => extractor.dispose());
        if (plan.groups.length === 0) {
          return { obj: { noop: true, reason: 'no identifiers split into 2+ subtokens', contentTokens: plan.ids.length },
            human: `${file}: ${plan.ids.length} tokens, no identifier split into 2+ subtokens: merging changes nothing` };
        }
        signal.throwIfAborted();
        const runtime = await loadEncoder(dir, { device: flags.provider });
        try {
          checkTokenizerMatchesModel(tokenizer.vocabSize, tokenizer.name, runtime.info);
          const wanted = flags.strategy === 'both' ? (['average', 'learned'] as const) : [flags.strategy];
          const strategies = [];
          for (const name of wanted) {
            if (name === 'average') { strategies.push({ name, reducer: averageReducer }); continue; }
            const learned = await loadOrTrainLearnedReducer(dir, runtime.info.dModel, {
              trainIfMissing: runtime.info.randomWeights,
              tokenizerDir, signal,
              onProgress: (p) => process.stderr.write(`training the embedded model's learned merger (one-time): epoch ${p.epoch}/${p.epochs}\n`),
            });
            strategies.push({ name, reducer: learned.reducer });
          }
          const cfg = { ...runtime.info.encoderConfig, decoderLayers: runtime.info.config.num_layers };
          try {
            checkProfile(cfg, profile, profile === 'seq2seq' ? undefined : flags.outputLength);
          } catch (err) {
            throw new FatalError((err as Error).message);
          }
          if (profile === 'seq2seq' && flags.outputLength === undefined) throw new FatalError('--profile seq2seq needs --output-length L');
          if (flags.mergeLayer !== 'all' && flags.mergeLayer > runtime.layers) throw new FatalError(`--merge-layer ${flags.mergeLayer}: the encoder has ${runtime.layers} blocks (0 to ${runtime.layers})`);
          const common = { strategies, runs: flags.runs, timeBudgetMs: flags.timeBudget, requestedProvider: flags.provider, signal, profile, ...(flags.outputLength !== undefined ? { outputLength: flags.outputLength } : {}) };
          if (flags.mergeLayer === 'all') {
            process.stderr.write(`layer sweep: K = 0..${runtime.layers}, ${flags.runs} timed run(s) each (Ctrl-C stops)…\n`);
            const sweep = await sweepMergeLayers(runtime, plan, common);
            return { obj: { sweep, planner: plan.planner }, human: flags.markdown ? sweepMarkdown(sweep) : sweepText(sweep) };
          }
          process.stderr.write(`running the encoder: ${plan.ids.length} tokens unmerged and with ${strategies.map((x) => x.name).join(' and ')} merging, ${flags.runs} timed run(s) each (Ctrl-C stops)…\n`);
          const result = await analyzeFile(runtime, plan, { ...common, mergeLayer: flags.mergeLayer });
          return { obj: { ...result, planner: plan.planner }, human: formatAnalysis(result, plan.planner) };
        } finally {
          await runtime.release();
        }
      });
      say(outcome.obj, outcome.human);
    });
}
