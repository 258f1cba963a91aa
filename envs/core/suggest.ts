/**
 * "Did you mean …?" for a mistyped name (a command, a flag, an env id, an option): the
 * closest of the allowed names by edit distance (insertions, deletions, substitutions and
 * swaps of two neighbours each count 1), when it is close enough to be a typo.
 */

/** Optimal string alignment distance between a and b (Damerau–Levenshtein without repeated edits of a substring). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const row = new Array<number>(n + 1);
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[n];
}

/**
 * The allowed name closest to `given` (case ignored), or undefined when none is within a
 * typo's reach: at most 1 edit for names of up to 4 letters, 2 up to 8, else 3.
 */
export function closest(given: string, allowed: readonly string[]): string | undefined {
  const g = given.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of allowed) {
    const d = editDistance(g, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  if (best === undefined || bestDistance === 0) return best;
  const reach = best.length <= 4 ? 1 : best.length <= 8 ? 2 : 3;
  return bestDistance <= reach ? best : undefined;
}

/** ` (did you mean "x"?)` (`show` writes the name as the caller does, e.g. `--steps`), or an empty string when nothing is close. */
export function didYouMean(given: string, allowed: readonly string[], show: (name: string) => string = (n) => JSON.stringify(n)): string {
  const c = closest(given, allowed);
  return c === undefined || c === given ? '' : ` (did you mean ${show(c)}?)`;
}
