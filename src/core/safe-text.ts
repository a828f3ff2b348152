// Text that came from outside (file and folder names, source snippets, names in a shard JSON or a
// server's file list) made safe for the place it is shown. A file named `\x1b]0;pwned\x07.py` must
// not retitle the user's terminal, a path starting with `=` must not run as a spreadsheet formula,
// and a name with `|` or a newline must not break a Markdown table. JSON output needs none of this
// for exactness (its strings are escaped and parse back to the exact names), so it stays exact.

/**
 * Characters a terminal acts on instead of showing, or that change how the rest of a line reads:
 * C0 controls, DEL, C1 controls (U+009B is a one-character CSI on some terminals), the Unicode
 * line/paragraph separators and the bidirectional controls behind "Trojan Source" tricks.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same set less the line feed, for multi-line messages whose line breaks are meant. */
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw although a terminal would act on it (it escapes only C0). */
const JSON_RAW_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (code: number, width: number): string => code.toString(16).padStart(width, '0');

/** `\t`, `\n`, `\r`, `\x1b`, `\u202e`: the character spelled out, as a JavaScript string would. */
function spelled(c: string): string {
  if (c === '\t') return '\\t';
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

/** One line for a terminal: every control character (line breaks and tabs included) spelled out. */
export function terminalLine(text: string): string {
  return text.replace(UNSAFE, spelled);
}

/** Text for a terminal that keeps its line breaks; every other control character is spelled out. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, spelled);
}

/**
 * JSON text (from JSON.stringify) with DEL, C1 and bidi controls written as \uXXXX escapes: still
 * valid JSON that parses to exactly the same values, but inert when printed to a terminal. Those
 * characters can only occur inside JSON strings, so the escapes cannot change the structure.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(JSON_RAW_UNSAFE, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}

const MD_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Literal text inside a Markdown (GFM) table cell or line: stays one cell, renders as written.
 * Line breaks and tabs become spaces; `|`, `\`, backticks and emphasis/link/strike characters are
 * backslash-escaped (so `__init__.py` is not bold); `&<>` become entities (no raw HTML, no entity
 * smuggling); other control characters are spelled out (`\x1b`).
 */
export function markdownText(text: string): string {
  return text
    .replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => MD_ENTITIES[c]!)
    .replace(UNSAFE, spelled);
}

/** Leading characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvQuoted(text: string, force: boolean): string {
  return force || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A CSV cell holding text (a path, a language, a reason). A cell a spreadsheet would evaluate as a
 * formula gets a leading `'` and is quoted (OWASP CSV-injection advice); control characters are
 * spelled out, so every record is one line. For exact names use the JSON report.
 */
export function csvText(text: string): string {
  const neutral = FORMULA_START.test(text) ? `'${text}` : text;
  return csvQuoted(terminalLine(neutral), neutral !== text);
}

const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * A CSV cell holding a number (given as a number or as formatted digits such as "-3.500"): written
 * as is, so a negative number stays a number. Anything that is not a plain number is treated as text.
 */
export function csvNumber(value: number | string): string {
  const text = String(value);
  return NUMBER.test(text) ? text : csvText(text);
}
