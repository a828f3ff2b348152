// The numbers an analysis shows in its CodeLens header, as short labelled parts. Pure (no
// `vscode`): test/extension/summary.test.ts checks the wording and arithmetic.
import { formatFlops, formatInt, formatMs, formatReduction } from './format';

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
    readonly fallbacks: readonly string[];
    readonly randomWeights: boolean;
  };
  /** Why the encoder did not run (analytic numbers only). */
  readonly runError?: string;
  /** Analytic FLOPs when the encoder did not run. */
  readonly analyticOnly?: { readonly before: number; readonly after: number };
}

export function summaryParts(s: AnalysisSummary): string[] {
  const parts: string[] = [];
  const what = s.scope === 'selection' ? 'Selection' : 'File';
  if (s.run) {
    const r = s.run;
    parts.push(`${what}: ${formatInt(r.lengthBefore)} → ${formatInt(r.lengthAfter)} positions (${formatReduction(r.lengthBefore, r.lengthAfter)})`);
    parts.push(`FLOPs ${formatFlops(r.analyticBefore)} → ${formatFlops(r.analyticAfter)} (${formatReduction(r.analyticBefore, r.analyticAfter)} analytic, `
      + `${formatReduction(r.countedBefore, r.countedAfter)} counted)`);
    const speedup = r.latencyAfterMs > 0 ? r.latencyBeforeMs / r.latencyAfterMs : 1;
    parts.push(`Latency ${formatMs(r.latencyBeforeMs)} → ${formatMs(r.latencyAfterMs)} (${speedup.toFixed(2)}×, ${r.provider}`
      + `${r.fallbacks.length ? `; fell back from ${r.fallbacks.join(', ')}` : ''})`);
    parts.push(`Pooled cosine ${r.pooledCosine.toFixed(4)} (${s.strategy})`);
    parts.push(r.randomWeights ? `${s.modelLabel} · random weights` : s.modelLabel);
  } else {
    parts.push(`${what}: ${formatInt(s.tokens)} → ${formatInt(s.merged)} subtokens (${formatReduction(s.tokens, s.merged)})`);
    if (s.analyticOnly) {
      parts.push(`FLOPs ${formatFlops(s.analyticOnly.before)} → ${formatFlops(s.analyticOnly.after)} (${formatReduction(s.analyticOnly.before, s.analyticOnly.after)} analytic, ${s.modelLabel})`);
    }
    if (s.runError) parts.push(`Encoder not run: ${s.runError}`);
  }
  return parts;
}
