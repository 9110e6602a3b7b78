/**
 * Pure: which hops the UI pings all the time and which in turn. Over a
 * chain of hundreds, a pinger per hop is hundreds of processes; the hops on
 * screen are pinged all the time (every hop, in a short chain), the others
 * one at a time in a slow round, so that every hop's health (the header's count)
 * is still known, if later.
 */

/** A hop between two targets, by label. */
export interface HopEnds {
  key: string;
  ends: readonly string[];
}

/**
 * Pure: a chain of at most `continuousMax` hops has every hop pinged all the
 * time (a pinger at rest costs next to nothing; each echo of the round is two
 * processes started). A longer one: the hops with an end shown all the time,
 * the rest in turn. Every hop all the time until the screen says what it shows.
 */
export function splitByShown<T extends HopEnds>(hops: readonly T[], shown: ReadonlySet<string> | undefined, continuousMax = 0): { continuous: T[]; round: T[] } {
  if (!shown || hops.length <= continuousMax) return { continuous: [...hops], round: [] };
  const continuous: T[] = [];
  const round: T[] = [];
  for (const hop of hops) (hop.ends.some((e) => shown.has(e)) ? continuous : round).push(hop);
  return { continuous, round };
}

/** Pure: the hop of the round to ping next: one never pinged (first in order), else the one pinged longest ago. */
export function nextInRound(keys: readonly string[], lastPinged: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestAt = Infinity;
  for (const key of keys) {
    const at = lastPinged.get(key);
    if (at === undefined) return key;
    if (at < bestAt) {
      best = key;
      bestAt = at;
    }
  }
  return best;
}

/** Pure: whether two sets of shown labels are the same (undefined only equals undefined). */
export function sameShown(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && [...a].every((x) => b.has(x));
}
