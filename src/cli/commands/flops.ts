// `flops`: the analytic FLOP model on its own, for a sequence length before/after merging.
import type { Command } from 'commander';
import { crossAttentionFlops, encoderFlops, MODEL_CONFIGS, modelConfig } from '../../core/flops';
import { FatalError, parseIntOption } from '../common';
import { flops as fmt } from '../../core/report/format/numbers';

export function register(program: Command): void {
  program
    .command('flops')
    .description('Analytic encoder FLOPs (1 multiply-add = 2 FLOPs) for a sequence length, optionally before/after merging')
    .requiredOption('--tokens <n>', 'sequence length (special tokens included)', parseIntOption('--tokens', 0))
    .option('--merged <n>', 'sequence length after merging (1 to --tokens: merging never lengthens a sequence)', parseIntOption('--merged', 1))
    .option('--model <key>', MODEL_CONFIGS.map((c) => c.key).join(', '), 'codet5-base')
    .option('--output-length <n>', 'also estimate the decoder cross-attention cost for this many output tokens', parseIntOption('--output-length', 0))
    .option('--json', 'print JSON')
    .action((o: { tokens: number; merged?: number; model: string; outputLength?: number; json?: boolean }) => {
      let cfg;
      try { cfg = modelConfig(o.model); } catch (e) { throw new FatalError((e as Error).message); }
      // A longer "merged" sequence would print a negative saving as if it were a result.
      if (o.merged !== undefined && o.merged > o.tokens) {
        throw new FatalError(`--merged ${o.merged} is more than --tokens ${o.tokens}: merging only shortens a sequence`);
      }
      const before = encoderFlops(cfg, o.tokens);
      const after = o.merged !== undefined ? encoderFlops(cfg, o.merged) : undefined;
      const cross = o.outputLength !== undefined ? { before: crossAttentionFlops(cfg, o.tokens, o.outputLength), after: o.merged !== undefined ? crossAttentionFlops(cfg, o.merged, o.outputLength) : undefined } : undefined;
      if (o.json) {
        process.stdout.write(JSON.stringify({ model: cfg, before, after, crossAttention: cross }) + '\n');
        return;
      }
      const line = (label: string, b: number, a?: number) => `${label.padEnd(22)} ${fmt(b).padStart(14)}${a !== undefined ? `  → ${fmt(a).padStart(14)}  (${((100 * (b - a)) / b).toFixed(1)}% saved)` : ''}\n`;
      process.stdout.write(`${cfg.label}, ${o.tokens}${o.merged !== undefined ? ` → ${o.merged}` : ''} tokens (analytic estimate; 1 multiply-add = 2 FLOPs)\n`);
      process.stdout.write(line('projections', before.projections, after?.projections));
      process.stdout.write(line('attention scores', before.attentionScores, after?.attentionScores));
      process.stdout.write(line('attention context', before.attentionContext, after?.attentionContext));
      process.stdout.write(line('feed-forward', before.feedForward, after?.feedForward));
      process.stdout.write(line('encoder total', before.total, after?.total));
      if (cross) process.stdout.write(line(`cross-attn (${o.outputLength} out)`, cross.before, cross.after));
    });
}
