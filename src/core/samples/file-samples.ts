// `report --unit function`: the samples of one file. Every function, method or lambda is a sample
// of its own (nested ones cut out of their parent, function-units.ts), windowed as the model reads
// it; the code outside any function is counted apart, like a file (in windows, never truncated).
import type { Tree } from 'web-tree-sitter';
import type { SpanResult, Tokenizer } from '../types';
import { buildMergePlan, windowSavings } from '../merge/plan';
import { spansForScope, type MergeScope } from '../merge/scope';
import { EMPTY_CATEGORY_RANGES } from '../spans/category-ranges';
import { isSupportedLanguage } from '../spans/languages';
import { windowSums, windowSumsAfter, type WindowConfig } from '../report/stats';
import { functionUnits, outsideUnit, sampleText } from './function-units';
import { sampleCounts, type SampleRecord } from './analyze-sample';
import { emptyOutside, type OutsideSums } from './section';
import type { SampleText, SampleWindow } from './types';

export interface FileSamplesInput {
  readonly path: string;
  readonly text: string;
  readonly language: string;
  /** The file's parse; undefined for a language without a grammar (all of it is outside code). */
  readonly tree: Tree | undefined;
  readonly spans: SpanResult | undefined;
  readonly tokenizer: Tokenizer;
  readonly scope: MergeScope;
  readonly window: SampleWindow;
  /** The report's file windows: the outside code is counted in them. */
  readonly fileWindow: WindowConfig;
}

export interface FileSamples {
  readonly samples: SampleRecord[];
  readonly outside: OutsideSums;
}

function mergeSpans(s: SampleText, language: string, scope: MergeScope) {
  return spansForScope({ language, identifiers: s.identifiers, strings: s.strings, categories: EMPTY_CATEGORY_RANGES, hasErrors: false }, scope);
}

const NO_SPANS = (language: string): SpanResult => ({ language, identifiers: [], strings: [], categories: EMPTY_CATEGORY_RANGES, hasErrors: false });

export function fileSamples(input: FileSamplesInput): FileSamples {
  const { text, language, tokenizer, scope } = input;
  const units = input.tree && isSupportedLanguage(language) ? functionUnits(input.tree, text, language) : [];
  const spans = input.spans ?? NO_SPANS(language);
  const samples: SampleRecord[] = units.map((unit) => {
    const own = sampleText(text, unit, spans);
    const counts = sampleCounts({ text: own.text, tokenizer, window: input.window, specials: input.fileWindow.specials, mergeSpans: mergeSpans(own, language, scope) });
    return { origin: { kind: 'function', path: input.path, name: unit.name, line: unit.line }, language, ...counts };
  });
  const outside = emptyOutside();
  const rest = sampleText(text, outsideUnit(text, units), spans);
  if (rest.text.length > 0) {
    const enc = tokenizer.encode(rest.text);
    if (enc.length > 0) {
      const plan = buildMergePlan(rest.text, enc, mergeSpans(rest, language, scope));
      const windows = windowSavings(plan, input.fileWindow.capacity).map((w): [number, number] => [w.tokens, w.merged]);
      const after = windowSumsAfter(windows, input.fileWindow.specials);
      outside.files = 1;
      outside.tokens = plan.tokenCount;
      outside.merged = plan.mergedCount;
      outside.windowsBefore = windowSums(plan.tokenCount, input.fileWindow);
      outside.windowsAfter = after.after;
      outside.windowsProduct = after.product;
    }
  }
  return { samples, outside };
}
