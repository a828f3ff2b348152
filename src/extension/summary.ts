// The numbers an analysis shows in its CodeLens header, as short labelled parts. Pure (no
// `vscode`): test/extension/summary.test.ts checks the wording and arithmetic.
import { flops as formatFlops, int as formatInt, ms as formatMs, reduction as formatReduction } from '../core/report/format/numbers';

export interface AnalysisSummary {
  readonly scope: 'file' | 'selection';
  readonly tokens: number;
  readonly merged: number;
  readonly modelLabel: string;
  readonly strategy: string;
  /** Present when the encoder ran. */
  readonly run?: {
    readonly lengthBefore: number;
    readonly lengthAfter: number;
    readonly analyticBefore: number;
    readonly analyticAfter: number;
    readonly countedBefore: number;
    readonly countedAfter: number;
    readonly latencyBeforeMs: number;
    readonly latencyAfterMs: number;
    readonly pooledCosine: number;
    readonly provider: string;
    /** The provider setting; `auto` tries GPU providers first, so its failures are no fallback. */
    readonly requestedProvider: string;
    /** Providers that failed to load before `provider` ran. */
    readonly fallbacks: readonly string[];
    readonly randomWeights: boolean;
  };
  /** Why the encoder did not run (analytic numbers only). */
  readonly runError?: string;
  /** Analytic FLOPs when the encoder did not run. */
  readonly analyticOnly?: { readonly before: number; readonly after: number };
}

/** One CodeLens: a short title (several share one line above the code, so each stays short) and
 *  a tooltip with the full numbers. */
export interface SummaryLens {
  readonly title: string;
  readonly tooltip: string;
}

/** What the model lens's tooltip says of a random-weight model. */
export const RANDOM_WEIGHTS_CAVEAT = 'Random weights: output changes and colours are mechanical, not semantic.';

/**
 * The analysis header as 2-3 CodeLenses: the model (with the random-weights caveat); lengths and
 * FLOPs; latency, provider and output change. VS Code puts every lens of a line on that one line,
 * indented like the code under it, and clips what passes the editor's edge: so the titles together
 * stay short (SUMMARY_LENS_BUDGET) and the caveat comes first, where a narrow editor cannot cut it.
 * The details go to the tooltips.
 */
export function summaryParts(s: AnalysisSummary): SummaryLens[] {
  const what = s.scope === 'selection' ? 'Selection' : 'File';
  if (s.run) {
    const r = s.run;
    const speedup = r.latencyAfterMs > 0 ? r.latencyBeforeMs / r.latencyAfterMs : 1;
    const fellBack = r.fallbacks.length > 0 && r.requestedProvider !== 'auto';
    return [
      {
        title: `${s.modelLabel}${r.randomWeights ? ', random weights' : ''}`,
        tooltip: `Model ${s.modelLabel}${r.randomWeights ? `: ${RANDOM_WEIGHTS_CAVEAT} Choose a trained model with "Subtoken Lens: Select Model..." for numbers that mean something.` : '.'}`,
      },
      {
        title: `${what} ${formatInt(r.lengthBefore)} → ${formatInt(r.lengthAfter)} positions (${formatReduction(r.lengthBefore, r.lengthAfter)}), `
          + `FLOPs ${formatReduction(r.analyticBefore, r.analyticAfter)}`,
        tooltip: `Sequence positions (with <s> and </s>) before → after merging each identifier's subtokens into one.\n`
          + `Encoder FLOPs ${formatFlops(r.analyticBefore)} → ${formatFlops(r.analyticAfter)}: `
          + `${formatReduction(r.analyticBefore, r.analyticAfter)} analytic, ${formatReduction(r.countedBefore, r.countedAfter)} counted from the ONNX graph.`,
      },
      {
        title: `${formatMs(r.latencyBeforeMs).replace(/ ms$/, '')} → ${formatMs(r.latencyAfterMs)} (${speedup.toFixed(2)}×, ${r.provider}${fellBack ? ' fallback' : ''}), `
          + `cos ${r.pooledCosine.toFixed(4)} (${s.strategy})`,
        tooltip: `Median encoder latency unmerged → merged, on the ${r.provider} execution provider`
          + (fellBack ? ` (fell back from ${r.fallbacks.join(', ')}, which failed to load; see the log).`
            : r.fallbacks.length ? ` (auto: ${r.fallbacks.join(', ')} could not load here).` : '.')
          + `\nOutput change: cosine similarity of the mean-pooled encoder output with and without ${s.strategy} merging (1 = unchanged).`,
      },
    ];
  }
  const parts: SummaryLens[] = [];
  const counts = `${what} ${formatInt(s.tokens)} → ${formatInt(s.merged)} subtokens (${formatReduction(s.tokens, s.merged)})`;
  parts.push(s.analyticOnly
    ? {
      title: `${counts}, FLOPs ${formatReduction(s.analyticOnly.before, s.analyticOnly.after)} (analytic, ${s.modelLabel})`,
      tooltip: `Subtokens before → after merging. Encoder FLOPs for ${s.modelLabel} from the analytic model: `
        + `${formatFlops(s.analyticOnly.before)} → ${formatFlops(s.analyticOnly.after)}.`,
    }
    : { title: counts, tooltip: 'Subtokens before → after merging each identifier into one position.' });
  if (s.runError) {
    // The reason often holds a long path: it goes to the tooltip (and the notification), not the line.
    parts.push({ title: '$(warning) encoder not run (hover for why)', tooltip: `The encoder did not run: ${s.runError}` });
  }
  return parts;
}

/** Characters of CodeLens text (the titles joined by VS Code's " | "): about what one line of a
 *  1,100 px editor holds. test/extension/summary.test.ts holds the longest header (a selection,
 *  five-digit lengths, a provider fallback: 153) to it, and test/e2e/results.test.ts checks the
 *  pixels of a selection's header over indented code. Past it, only the end is cut, never the caveat. */
export const SUMMARY_LENS_BUDGET = 155;

/** The stale header: the analysed code changed after the analysis; clicking re-runs it. */
export function staleLens(scope: 'file' | 'selection'): SummaryLens {
  return {
    title: '$(warning) stale: the code changed since this analysis, click to re-run',
    tooltip: `The ${scope === 'selection' ? 'selection' : 'file'} changed after the analysis, so its numbers and colours no longer `
      + 'describe the code (the header follows the analysed code as you edit). Click to analyse it again.',
  };
}
