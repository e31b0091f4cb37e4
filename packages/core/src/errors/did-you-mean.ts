/**
 * Edit distance counting insertions, deletions, substitutions and swaps of neighbours (optimal
 * string alignment), since `qurey` for `query` is one slip of the fingers, not two.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The closest candidate to `input`, or undefined when none is close enough to be a likely typo.
 * Case and `-`/`_` differences count as near-misses, so `link-header` finds `link_header`.
 * @example
 * didYouMean('tokn', ['token', 'type']); // 'token'
 * didYouMean('zzz', ['token']);          // undefined
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const normalise = (s: string): string => s.toLowerCase().replace(/-/g, '_');
  const wanted = normalise(input);
  // Roughly a third of the word may be wrong; at least one edit, at most four.
  const threshold = Math.min(4, Math.max(1, Math.floor(wanted.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const distance = editDistance(wanted, normalise(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= threshold ? best : undefined;
}
