// One rule for every saving the reports derive from sums, so files, languages, samples and the code
// outside functions agree on the empty case.

/** `part` as a percentage of `whole`; 0 when there is no whole (an empty set saves nothing). */
export const percentOf = (part: number, whole: number): number => (whole > 0 ? (100 * part) / whole : 0);
