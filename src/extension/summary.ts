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

/**
 * The analysis header as 2-3 CodeLenses: lengths and FLOPs; latency and provider; output change.
 * VS Code puts every lens of a line on that one line, so the titles together must fit a normal
 * editor width; the details go to the tooltips.
 */
export function summaryParts(s: AnalysisSummary): SummaryLens[] {
  const what = s.scope === 'selection' ? 'Selection' : 'File';
  if (s.run) {
    const r = s.run;
    const speedup = r.latencyAfterMs > 0 ? r.latencyBeforeMs / r.latencyAfterMs : 1;
    const fellBack = r.fallbacks.length > 0 && r.requestedProvider !== 'auto';
    return [
      {
        title: `${what} ${formatInt(r.lengthBefore)} → ${formatInt(r.lengthAfter)} positions (${formatReduction(r.lengthBefore, r.lengthAfter)}), `
          + `FLOPs ${formatReduction(r.analyticBefore, r.analyticAfter)}`,
        tooltip: `Sequence positions (with <s> and </s>) before → after merging each identifier's subtokens into one.\n`
          + `Encoder FLOPs ${formatFlops(r.analyticBefore)} → ${formatFlops(r.analyticAfter)}: `
          + `${formatReduction(r.analyticBefore, r.analyticAfter)} analytic, ${formatReduction(r.countedBefore, r.countedAfter)} counted from the ONNX graph.`,
      },
      {
        title: `${formatMs(r.latencyBeforeMs).replace(/ ms$/, '')} → ${formatMs(r.latencyAfterMs)} (${speedup.toFixed(2)}×, ${r.provider}${fellBack ? ' fallback' : ''})`,
        tooltip: `Median encoder latency unmerged → merged, on the ${r.provider} execution provider`
          + (fellBack ? ` (fell back from ${r.fallbacks.join(', ')}, which failed to load; see the log).`
            : r.fallbacks.length ? ` (auto: ${r.fallbacks.join(', ')} could not load here).` : '.'),
      },
      {
        title: `cos ${r.pooledCosine.toFixed(4)} (${s.strategy}) · ${s.modelLabel}${r.randomWeights ? ', random weights' : ''}`,
        tooltip: `Output change: cosine similarity of the mean-pooled encoder output with and without ${s.strategy} merging `
          + `(1 = unchanged), on ${s.modelLabel}.${r.randomWeights ? ' Random weights: differences are mechanical, not semantic.' : ''}`,
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
