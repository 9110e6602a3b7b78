/** Suggestions for mistyped words: "did you mean ...?". */

/** Damerau-Levenshtein distance: edits (insert, delete, change, swap two neighbours) to turn a into b. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const change = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + change);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate nearest to word, at most maxDistance edits away; of equally
 * near ones the first, or none at all when `unique` asks for a single nearest.
 */
export function nearestWord(word: string, candidates: readonly string[], maxDistance: number, { unique = false }: { unique?: boolean } = {}): string | undefined {
  let best: { word: string; distance: number } | undefined;
  let tied = false;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance > maxDistance) continue;
    if (!best || distance < best.distance) {
      best = { word: candidate, distance };
      tied = false;
    } else if (distance === best.distance) tied = true;
  }
  return unique && tied ? undefined : best?.word;
}
