// Per-language settings of the C-like scanner.
import type { LanguageId } from '../languages';
import type { CLikeProfile } from './c-like';
import { WORDS } from './words';

const base = {
  otherWords: undefined,
  propertyAfterDot: false, dollarInName: false, hashNames: false, preprocessor: undefined, backtick: undefined,
  regexLiterals: false, singleQuote: 'char', charIsLeaf: true, rustStrings: false, cppRawStrings: false,
  csharpStrings: false, javaTextBlocks: false, nestedBlockComments: false, identifierType: 'identifier', stringType: 'string_literal',
} as const satisfies Omit<CLikeProfile, 'words'>;

const js = { ...base, propertyAfterDot: true, dollarInName: true, hashNames: true, backtick: 'template', regexLiterals: true, singleQuote: 'string', stringType: 'string' } as const;

export const C_LIKE_PROFILES: Readonly<Partial<Record<LanguageId, CLikeProfile>>> = {
  javascript: { ...js, words: WORDS.javascript! },
  typescript: { ...js, words: WORDS.typescript! },
  tsx: { ...js, words: WORDS.tsx! },
  java: { ...base, words: WORDS.java!, dollarInName: true, javaTextBlocks: true },
  go: { ...base, words: WORDS.go!, backtick: 'raw', stringType: 'interpreted_string_literal' },
  rust: { ...base, words: WORDS.rust!, otherWords: new Set(['mut', 'crate']), singleQuote: 'rust', rustStrings: true, nestedBlockComments: true },
  c: { ...base, words: WORDS.c!, preprocessor: 'c', charIsLeaf: false },
  cpp: { ...base, words: WORDS.cpp!, otherWords: new Set(['auto']), preprocessor: 'c', charIsLeaf: false, cppRawStrings: true },
  csharp: { ...base, words: WORDS.csharp!, preprocessor: 'csharp', csharpStrings: true, charIsLeaf: false },
};
