// The message of anything thrown: an Error's message, or the thrown value as text (a rejected
// string, a number). One definition so every layer words a caught error the same way.
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
