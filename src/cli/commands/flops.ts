// `flops`: the analytic FLOP model on its own, for a sequence length before/after merging.
import { type Command, Option } from 'commander';
import { crossAttentionFlops, encoderFlops, encoderFlopsAtLayer } from '../../core/flops';
import { FLOP_PROFILES, type FlopProfile, type TaskFlops, ProfileError, taskFlops } from '../../core/task-flops';
import { FatalError, parseIntOption } from '../common';
import { archFrom, archOption, deprecatedModelKeyOption, jsonOption, withOptions } from '../options';
import { flops as fmt } from '../../core/report/format/numbers';

export function register(program: Command): void {
  const command = program
    .command('flops')
    .description('Analytic encoder FLOPs (1 multiply-add = 2 FLOPs) for a sequence length, optionally before/after merging');
  withOptions(command,
    new Option('--tokens <n>', 'Sequence length (special tokens included)').argParser(parseIntOption('--tokens', 0)).makeOptionMandatory(),
    new Option('--merged <n>', 'Sequence length after merging (1 to --tokens: merging never lengthens a sequence)').argParser(parseIntOption('--merged', 1)),
    archOption(), deprecatedModelKeyOption(),
    new Option('--output-length <n>', 'Decoder positions L for --profile seq2seq (implies it)').argParser(parseIntOption('--output-length', 0)),
    new Option('--profile <profile>', 'Whole-model FLOPs of a task: encoder only, seq2seq (encoder + decoder over L + LM head), or classify (CodeT5 recipe: L = source length)').choices(FLOP_PROFILES),
    new Option('--merge-layer <k>', 'Merge after encoder block K (0 = at the embeddings)').argParser(parseIntOption('--merge-layer', 0)),
    jsonOption())
    .action((o: { tokens: number; merged?: number; arch: string; model?: string; outputLength?: number; profile?: FlopProfile; mergeLayer?: number; json?: boolean }, cmd: Command) => {
      const cfg = archFrom(o, cmd);
      const profile = o.profile ?? (o.outputLength !== undefined ? 'seq2seq' : undefined);
      let task: TaskFlops | undefined;
      if (profile !== undefined || o.mergeLayer !== undefined) {
        try {
          task = taskFlops(cfg, { profile: profile ?? 'encoder', inputTokens: o.tokens, mergedTokens: Math.min(o.merged ?? o.tokens, o.tokens), outputLength: o.outputLength, mergeLayer: o.mergeLayer });
        } catch (err) {
          if (err instanceof RangeError) throw new FatalError(err instanceof ProfileError ? err.message : `${err.message}`);
          throw err;
        }
      }
      // A longer "merged" sequence would print a negative saving as if it were a result.
      if (o.merged !== undefined && o.merged > o.tokens) {
        throw new FatalError(`--merged ${o.merged} is more than --tokens ${o.tokens}: merging only shortens a sequence`);
      }
      const before = encoderFlops(cfg, o.tokens);
      const after = o.merged !== undefined ? encoderFlopsAtLayer(cfg, o.tokens, o.merged, o.mergeLayer ?? 0) : undefined;
      const cross = o.outputLength !== undefined && cfg.decoderLayers > 0 ? { before: crossAttentionFlops(cfg, o.tokens, o.outputLength), after: o.merged !== undefined ? crossAttentionFlops(cfg, o.merged, o.outputLength) : undefined } : undefined;
      if (o.json) {
        process.stdout.write(JSON.stringify({ model: cfg, before, after, crossAttention: cross, ...(task ? { task } : {}) }) + '\n');
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
      if (task) {
        const k = task.mergeLayer;
        process.stdout.write(`profile ${task.profile}${task.outputTokens ? `, ${task.outputTokens} decoder positions` : ''}${k ? `, merged after encoder block ${k}` : ''}:\n`);
        process.stdout.write(line('encoder', task.before.encoder, task.after.encoder));
        if (task.profile !== 'encoder') {
          process.stdout.write(line('decoder self-attention', task.before.decoderSelfAttention, task.after.decoderSelfAttention));
          process.stdout.write(line('cross-attention', task.before.crossAttention, task.after.crossAttention));
          process.stdout.write(line('decoder feed-forward', task.before.decoderFeedForward, task.after.decoderFeedForward));
          process.stdout.write(line('LM head', task.before.lmHead, task.after.lmHead));
        }
        process.stdout.write(line(`whole model (${task.profile})`, task.before.total, task.after.total));
      }
    });
}
