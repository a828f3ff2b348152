// How a report row writes an identifier's BPE spellings: one spelling as its pieces
// (`def · ect · s`), several as each with its occurrences and saving, most frequent first, and
// "+ N other spellings" past `shown`, with their occurrences and saving too: the savings a row
// prints always add up to its total. A leading space BPE glued on is written `␣` (as the hover does).
import type { IdentifierEntry, Spelling } from './stats';

export const SPELLINGS_SHOWN = 3;

function pieceText(pieces: readonly string[]): string {
  return pieces.map((p) => p.replace(/ /g, '␣')).join(' · ');
}

/** The entry's spellings, or its one `pieces` for a report of an older version. */
export function entrySpellings(e: IdentifierEntry): Spelling[] {
  return e.spellings?.length ? e.spellings : [{ pieces: e.pieces, occurrences: e.occurrences, saved: e.saved }];
}

export function spellingText(e: IdentifierEntry, shown = SPELLINGS_SHOWN): string {
  const all = entrySpellings(e);
  if (all.length === 1) return pieceText(all[0]!.pieces);
  const parts = all.slice(0, shown).map((x) => `${pieceText(x.pieces)} ×${x.occurrences} (saves ${x.saved})`);
  const rest = all.slice(shown);
  if (rest.length > 0) {
    const sum = (k: 'occurrences' | 'saved') => rest.reduce((a, x) => a + x[k], 0);
    parts.push(`+ ${rest.length} other spelling${rest.length === 1 ? '' : 's'} ×${sum('occurrences')} (saves ${sum('saved')})`);
  }
  return parts.join('; ');
}
