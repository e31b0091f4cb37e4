/**
 * "Did you mean" for the closed set of slot names. config/ has its own for YAML keys; connector/
 * may not import config/, and this is a dozen lines.
 */

/** Edit distance beyond which a suggestion is more confusing than helpful. */
const MAX_SUGGESTION_DISTANCE = 3;

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The candidate closest to `input` (case-insensitive), or undefined when none is close enough. */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const score = distance(input.toLowerCase(), name.toLowerCase());
    if (score <= MAX_SUGGESTION_DISTANCE && (best === undefined || score < best.score)) best = { name, score };
  }
  return best?.name;
}
