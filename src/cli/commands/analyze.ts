// `analyze FILE`: run the encoder on a file unmerged and merged, and report lengths, FLOPs (analytic
// and counted from the graph), measured latency and how the outputs change.
import type { Command } from 'commander';
import { FatalError, openTokenizer, parseIntOption, readSourceFile } from '../common';
import { type AnalysisResult, analyzeFile } from '../../core/runtime/analysis';
import { checkTokenizerMatchesModel, loadEncoder } from '../../core/runtime/encoder';
import { averageReducer } from '../../core/runtime/merge';
import { loadOrTrainLearnedReducer } from '../../core/runtime/learned';
import { planFile } from '../../core/runtime/plan-input';
import { DEVICES } from '../../core/runtime/providers';
import { modelDirFromSpec } from '../../core/runtime/resolve-model';
import { ModelConfigError } from '../../core/runtime/model-dir';
import { SpanExtractor } from '../../core/spans';
import { terminalText } from '../../core/safe-text';

/** Runs a command body; a thrown error becomes one `error:` line and exit code 1, not a stack. */
export async function reportErrors(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof FatalError) throw err; // usage/input refusals keep their exit code 2 (main.ts)
    if (err instanceof ModelConfigError) throw new FatalError(err.message); // an unusable config.json is an input error too
    process.stderr.write(`error: ${terminalText((err as Error).message ?? String(err))}\n`);
    process.exitCode = 1;
  }
}

interface AnalyzeFlags {
  model?: string;
  strategy: 'average' | 'learned' | 'both';
  provider: string;
  runs: number;
  tokenizer?: string;
  json?: boolean;
  cacheDir?: string;
}

const fmtFlops = (f: number): string => (f >= 1e9 ? `${(f / 1e9).toFixed(2)} GFLOP` : `${(f / 1e6).toFixed(2)} MFLOP`);
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
  lines.push(`total: ${t.lengthBefore}→${t.lengthAfter} positions; ${fmtFlops(t.analyticFlopsBefore)}→${fmtFlops(t.analyticFlopsAfter)} (graph count ${fmtFlops(t.graphFlopsBefore)}→${fmtFlops(t.graphFlopsAfter)}); predicted ${fmt(t.predictedSpeedup, 3)}×, realised ${Object.entries(t.realisedSpeedup).map(([k, v]) => `${k} ${fmt(v!, 3)}×`).join(', ')}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('analyze')
    .description('run the encoder on FILE unmerged and merged; report lengths, FLOPs, latency and output changes')
    .argument('<file>', 'source file')
    .option('--model <dir|tiny|small>', 'model folder, or an embedded random-weight model', 'tiny')
    .option('--strategy <average|learned|both>', 'merge strategy', 'average')
    .option('--provider <auto|cpu|cuda|dml|coreml>', 'execution provider', 'auto')
    .option('--runs <n>', 'timed runs per configuration', parseIntOption('--runs', 1), 10)
    .option('--tokenizer <dir>', 'tokenizer folder (default: located automatically)')
    .option('--cache-dir <dir>', 'cache folder for embedded models')
    .option('--json', 'print the AnalysisResult as JSON')
    .action((file: string, flags: AnalyzeFlags) => reportErrors(async () => {
      if (!['average', 'learned', 'both'].includes(flags.strategy)) throw new Error(`--strategy must be average, learned or both (got "${flags.strategy}")`);
      if (!(DEVICES as readonly string[]).includes(flags.provider)) throw new Error(`--provider must be one of ${DEVICES.join(', ')} (got "${flags.provider}")`);
      const dir = modelDirFromSpec(flags.model, flags.cacheDir); // its config.json is checked before anything runs
      const text = await readSourceFile(file);
      const say = (obj: unknown, human: string): void => {
        process.stdout.write(flags.json ? `${JSON.stringify(obj, null, 2)}\n` : `${terminalText(human)}\n`);
      };
      if (text.length === 0) return say({ noop: true, reason: 'empty file' }, `${file}: empty file, nothing to analyze`);
      const { tokenizer, dir: tokenizerDir } = openTokenizer(flags.tokenizer);
      const extractor = await SpanExtractor.create();
      const plan = await planFile(text, file, tokenizer, extractor).finally(() => extractor.dispose());
      if (plan.groups.length === 0) {
        return say({ noop: true, reason: 'no identifiers split into 2+ subtokens', contentTokens: plan.ids.length },
          `${file}: ${plan.ids.length} tokens, no identifier split into 2+ subtokens: merging changes nothing`);
      }
      const runtime = await loadEncoder(dir, { device: flags.provider });
      try {
        checkTokenizerMatchesModel(tokenizer.vocabSize, tokenizer.name, runtime.info);
        const wanted = flags.strategy === 'both' ? (['average', 'learned'] as const) : [flags.strategy];
        const strategies = [];
        for (const name of wanted) {
          if (name === 'average') { strategies.push({ name, reducer: averageReducer }); continue; }
          const learned = await loadOrTrainLearnedReducer(dir, runtime.info.dModel, {
            trainIfMissing: runtime.info.randomWeights,
            tokenizerDir,
            onProgress: (p) => process.stderr.write(`training the embedded model's learned merger (one-time): epoch ${p.epoch}/${p.epochs}\n`),
          });
          strategies.push({ name, reducer: learned.reducer });
        }
        const result = await analyzeFile(runtime, plan, { strategies, runs: flags.runs, requestedProvider: flags.provider });
        say({ ...result, planner: plan.planner }, formatAnalysis(result, plan.planner));
      } finally {
        await runtime.release();
      }
    }));
}
