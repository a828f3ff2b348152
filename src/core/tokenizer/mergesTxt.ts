// Reading `merges.txt` (one rule "A B" per line, rank order, an optional "#version" header) and
// judging whether it is whole. An empty, header-only or cut-off file still parses, and a tokenizer
// built from it silently splits words into more pieces than the real one: every count after that
// would be wrong. So such a file is refused, saying what is wrong with it.
import { byteLengthOfToken } from './byteLevel';
import { TokenizerLoadError } from './errors';

/** Vocabulary tokens that a complete merges file may leave unmade (special tokens aside), before
 *  it is called truncated: a few trained tokens can lose their rule, a cut-off file loses a tail. */
function unmadeTokenTolerance(vocabSize: number): number {
  return Math.max(16, Math.ceil(vocabSize * 0.005));
}

/** Parses merges.txt; a line that is not "A B" is refused with its number. Lines end at "\n" or
 *  "\r\n" (as `split(/\r?\n/)` cuts them); scanned in place, without an array per line. */
export function parseMergesTxt(text: string, where: string): Array<[string, string]> {
  const merges: Array<[string, string]> = [];
  const n = text.length;
  for (let i = 0, pos = 0; ; i++) {
    const newline = text.indexOf('\n', pos);
    const last = newline < 0;
    const next = last ? n : newline;
    const end = !last && next > pos && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    if (end > pos && !(i === 0 && text.startsWith('#version', pos))) {
      // Exactly one space, with something on both sides.
      const space = text.indexOf(' ', pos);
      const second = space < 0 ? -1 : text.indexOf(' ', space + 1);
      if (space <= pos || space >= end - 1 || (second >= 0 && second < end)) {
        const line = text.slice(pos, end);
        const cut = last && !text.endsWith('\n') ? ' (the last line, with no newline after it: the file looks truncated)' : '';
        throw new TokenizerLoadError(where, `line ${i + 1} is not a merge rule "A B"${cut}: ${JSON.stringify(line.slice(0, 80))}`);
      }
      merges.push([text.slice(pos, space), text.slice(space + 1, end)]);
    }
    if (last) return merges;
    pos = newline + 1;
  }
}

/** Special tokens such as "<s>", "<|endoftext|>", "[CLS]" live in vocab.json without a merge rule. */
function looksSpecial(token: string): boolean {
  return /^<.+>$/s.test(token) || /^\[.+\]$/s.test(token);
}

/**
 * Refuses a merges.txt that cannot be the whole file for this vocabulary: no rules at all, a last
 * line cut off mid-rule, or far fewer rules than vocab.json's merged tokens (a byte-level BPE
 * vocabulary holds the 256 byte symbols, the special tokens, and one token made by each rule).
 */
export function checkMergesComplete(
  text: string,
  merges: ReadonlyArray<readonly [string, string]>,
  vocab: ReadonlyMap<string, number>,
  where: string,
): void {
  if (merges.length === 0) {
    const what = text.trim() === '' ? 'the file is empty' : 'it holds only its "#version" header line';
    throw new TokenizerLoadError(where, `no merge rules: ${what}, but vocab.json has ${vocab.size} tokens (an interrupted download or copy?)`);
  }
  if (!text.endsWith('\n')) {
    const [a, b] = merges[merges.length - 1]!;
    const missing = [a, b, a + b].find((t) => !vocab.has(t));
    if (missing !== undefined) {
      throw new TokenizerLoadError(where, `the last line "${a} ${b}" is cut off: no newline after it, and "${missing}" is not in vocab.json; the file looks truncated`);
    }
  }
  const made = new Set<string>();
  for (const [a, b] of merges) made.add(a + b);
  let unmade = 0;
  for (const token of vocab.keys()) {
    // Single byte symbols need no rule; tokens outside the byte alphabet cannot be made by one.
    if (token.length < 2 || made.has(token) || byteLengthOfToken(token) < 0 || looksSpecial(token)) continue;
    unmade++;
  }
  if (unmade > unmadeTokenTolerance(vocab.size)) {
    throw new TokenizerLoadError(
      where,
      `only ${merges.length} merge rules, and ${unmade} of vocab.json's ${vocab.size} tokens are made by none of them ` +
        '(a complete file has one rule per merged token): the file looks truncated',
    );
  }
}
