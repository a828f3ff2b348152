// Lexical fast path for span extraction: one hand-written pass per language family that gives the
// SpanResult tree-sitter + grammars/<language>.scm give (identifiers, string contents, syntax
// categories), as often as a lexer can, at tens of MB/s. tree-sitter stays the reference:
// test/core/spans/lexical.test.ts measures the agreement on real files.
//
// `hasErrors` is always false: a lexer cannot tell whether the text parses. Identifier node
// types are approximate (`identifier` mostly); ranges are what is compared with tree-sitter.

import type { SpanResult } from '../../types';
import type { LanguageId } from '../languages';
import { scanCLike } from './c-like';
import { C_LIKE_PROFILES } from './profiles';
import { scanPhp } from './php';
import { scanPython } from './python';
import { scanRuby } from './ruby';
import type { SpanSink } from './sink';

const SCANNERS: Readonly<Partial<Record<LanguageId, (text: string) => SpanSink>>> = {
  ...Object.fromEntries(Object.entries(C_LIKE_PROFILES).map(([lang, profile]) => [lang, (text: string) => scanCLike(text, profile)])),
  python: scanPython,
  php: scanPhp,
  ruby: scanRuby,
};

/** Languages `lexicalSpans` supports. */
// Object.keys types its result string[]; SCANNERS is keyed by LanguageId.
export const LEXICAL_LANGUAGES: readonly LanguageId[] = Object.freeze(Object.keys(SCANNERS) as LanguageId[]);

/** Spans of `text` by the lexical scanner of `language`, or undefined when there is none (also for
 *  an id that is no LanguageId at all). */
export function lexicalSpans(text: string, language: string): SpanResult | undefined {
  const scan = Object.hasOwn(SCANNERS, language) ? SCANNERS[language as LanguageId] : undefined;
  if (!scan) return undefined;
  const sink = scan(text);
  return { language, identifiers: sink.identifiers, strings: sink.strings, categories: sink.categories.finish(), hasErrors: false };
}
