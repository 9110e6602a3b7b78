/**
 * Pure: rates from two readings of ever-growing counters (packets through an
 * interface). A counter that went down was reset (its interface made anew
 * under the same name): it has no rate until the next reading.
 */

/** Counters read at one moment, by key (e.g. `target:ifname`). */
export interface CounterSample {
  atMs: number;
  counters: ReadonlyMap<string, number>;
}

/** Per second, for every key read both times whose counter did not go down; nothing when no time passed. */
export function ratesBetween(previous: CounterSample | undefined, next: CounterSample): Map<string, number> {
  const rates = new Map<string, number>();
  if (!previous) return rates;
  const seconds = (next.atMs - previous.atMs) / 1000;
  if (!(seconds > 0)) return rates;
  for (const [key, now] of next.counters) {
    const before = previous.counters.get(key);
    if (before === undefined || now < before) continue;
    rates.set(key, (now - before) / seconds);
  }
  return rates;
}

/** A rate as it is drawn: whole packets per second, a rate under one but above nought as 1 (something moved). */
export function shownRate(perSecond: number): number {
  if (perSecond <= 0) return 0;
  return Math.max(1, Math.round(perSecond));
}

/** Whether two sets of shown rates differ (a redraw is only worth it then). */
export function sameRates(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
