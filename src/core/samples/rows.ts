// From a dataset row to a sample: the text field and the language, or the reason the row is none.
// Every such reason is listed with the row's index in the report, never dropped in silence.
import { isSupportedLanguage, type LanguageId } from '../spans/languages';
import type { DatasetRow } from './dataset';
import type { InvalidRow } from './section';

export interface RowSpec {
  /** The field holding the code. */
  readonly field: string;
  /** One language for every row (--language)… */
  readonly language?: LanguageId;
  /** …or the field naming each row's language (--language-field). */
  readonly languageField?: string;
}

export interface RowSample {
  readonly index: number;
  readonly text: string;
  readonly language: LanguageId;
}

/** Names datasets use for languages that are spelt otherwise here (CodeSearchNet, The Stack, …). */
const ALIASES: Readonly<Record<string, LanguageId>> = {
  'c++': 'cpp', cxx: 'cpp', 'c#': 'csharp', c_sharp: 'csharp', cs: 'csharp', 'c-sharp': 'csharp',
  js: 'javascript', ts: 'typescript', py: 'python', python3: 'python', golang: 'go', rb: 'ruby', rs: 'rust',
  sh: 'bash', shell: 'bash', kt: 'kotlin',
};

/** A language name as datasets write it ("Python", "C++", "c_sharp") → a language id, or undefined. */
export function languageId(name: string): LanguageId | undefined {
  const n = name.trim().toLowerCase();
  if (isSupportedLanguage(n)) return n;
  return ALIASES[n];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a ${t}`;
}

export function rowSample(r: DatasetRow, spec: RowSpec): RowSample | InvalidRow {
  if ('error' in r) return { index: r.index, reason: r.error };
  const own = (k: string) => Object.prototype.hasOwnProperty.call(r.row, k);
  if (!own(spec.field) || r.row[spec.field] === undefined) return { index: r.index, reason: `field "${spec.field}" missing` };
  const text = r.row[spec.field];
  if (typeof text !== 'string') return { index: r.index, reason: `field "${spec.field}" is ${describe(text)}, not a string` };
  let language = spec.language;
  if (!language) {
    const f = spec.languageField!;
    const v = own(f) ? r.row[f] : undefined;
    if (v === undefined) return { index: r.index, reason: `language field "${f}" missing` };
    if (typeof v !== 'string') return { index: r.index, reason: `language field "${f}" is ${describe(v)}, not a string` };
    language = languageId(v);
    if (!language) return { index: r.index, reason: `language "${v.length > 40 ? v.slice(0, 40) + '…' : v}" has no grammar here` };
  }
  return { index: r.index, text, language };
}

export function isInvalidRow(x: RowSample | InvalidRow): x is InvalidRow {
  return 'reason' in x;
}
