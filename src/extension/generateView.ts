// What "Generate With and Without Merging" shows, as plain text: the Markdown document with both
// outputs side by side, and the message for a model that cannot generate. No `vscode`, so it is
// unit-tested under plain node (test/extension/generateView.test.ts).
import type { GenerationComparison, GenerationRun } from '../core/runtime/generate';
import { flops as formatFlops } from '../core/report/format/numbers';

export interface GenerationView {
  /** What was generated from, e.g. "add.py, function add_numbers (lines 3–5)". */
  readonly source: string;
  readonly model: string;
  readonly randomWeights: boolean;
  readonly strategy: string;
  readonly comparison: GenerationComparison;
  readonly texts: { readonly unmerged: string; readonly merged: string };
  /** Groups merged in the input window. */
  readonly groups: number;
  /** Content tokens past the first encoder window, left out. */
  readonly truncatedTokens: number;
}

/** Why the selected model cannot generate. */
export type NoDecoder = 'embedded' | 'onnx-export';

/** One message for a model without a decoder; the caller offers "Download Model..." beside it. */
export function noDecoderMessage(model: string, why: NoDecoder): string {
  const what = why === 'embedded'
    ? `${model} is a shipped encoder-only model`
    : `${model} is an ONNX encoder export`;
  return `Subtoken Lens: ${what}, so it has no decoder to generate with. `
    + 'Generation needs a checkpoint with weights (model.safetensors or pytorch_model.bin), e.g. codet5-base-multi-sum: download one.';
}

/** A text inside a table cell: quoted, one line, with Markdown's special characters escaped. */
function cell(text: string): string {
  return JSON.stringify(text).replace(/[\\`*_{}[\]()#+!<>|~-]/g, (c) => `\\${c}`);
}

/** A fenced block longer than any run of backticks in `text`, so the text cannot close it. */
function fenced(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}

const stopped = (r: GenerationRun): string => (r.stoppedBy === 'eos' ? '</s>' : 'token limit');
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function generationMarkdown(v: GenerationView): string {
  const r = v.comparison;
  const where = r.mergeLayer === 0 ? 'at the embeddings' : `after encoder block ${r.mergeLayer}`;
  const row = (name: string, f: (run: GenerationRun) => string): string => `| ${name} | ${f(r.unmerged)} | ${f(r.merged)} |`;
  const lines = [
    '# Generation with and without merging',
    '',
    `Input: ${v.source}. Model ${v.model}; ${v.groups} identifier(s) merged (${v.strategy}, ${where}).`,
  ];
  if (v.randomWeights) lines.push('', '**Random weights**: these outputs are not those of a trained model; only the mechanics (lengths, FLOPs, whether merging changes the tokens) are real.');
  if (v.truncatedTokens > 0) lines.push('', `Only the first encoder window was used: ${v.truncatedTokens} token(s) left out.`);
  lines.push(
    '',
    '| | Unmerged | Merged |',
    '|---|---|---|',
    row('Output', (run) => cell(run === r.unmerged ? v.texts.unmerged : v.texts.merged)),
    row('Encoder positions', (run) => String(run.encoderLength)),
    row('Tokens generated', (run) => `${run.ids.length} (stopped by ${stopped(run)})`),
    row('Encoder FLOPs', (run) => formatFlops(run.flops.encoder)),
    row('Decoder FLOPs', (run) => formatFlops(run.flops.decoder)),
    row('Total FLOPs', (run) => formatFlops(run.flops.total)),
    '',
    r.firstDifference === null
      ? `**Same output**: all ${r.agreement.compared} generated tokens agree.`
      : `**First difference** at generated token ${r.firstDifference}; token agreement ${r.agreement.matching}/${r.agreement.compared} (${pct(r.agreement.fraction)}).`,
    '',
    `FLOPs saved by merging: ${pct(r.flopSaving)} of the whole run (analytic, encoder + decoder as run).`,
    '',
    '## Unmerged output',
    '',
    fenced(v.texts.unmerged),
    '',
    '## Merged output',
    '',
    fenced(v.texts.merged),
    '',
  );
  return lines.join('\n');
}
