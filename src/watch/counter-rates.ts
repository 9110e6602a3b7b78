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
  return previous ? ratesOverWindow([previous], next, Infinity) : new Map<string, number>();
}

/**
 * Per second over about the last `windowMs`: each key's rate from the oldest
 * reading in `history` that is no older than the window and has the key
 * and whose counter did not go down since (a counter reset has no rate
 * until the next reading), so a steady trickle of packets (the UI's own pings,
 * every two seconds) shows as a steady rate instead of flipping each second.
 */
export function ratesOverWindow(history: readonly CounterSample[], next: CounterSample, windowMs: number): Map<string, number> {
  const rates = new Map<string, number>();
  const inWindow = history.filter((s) => s.atMs < next.atMs && next.atMs - s.atMs <= windowMs);
  for (const [key, now] of next.counters) {
    // from the oldest reading since the counter last went down (its interface made anew); none if it just did
    let from: { atMs: number; value: number } | undefined;
    let last: number | undefined;
    for (const s of inWindow) {
      const value = s.counters.get(key);
      if (value === undefined) continue;
      if (!from || (last !== undefined && value < last)) from = { atMs: s.atMs, value };
      last = value;
    }
    if (!from || (last !== undefined && now < last)) continue;
    rates.set(key, (now - from.value) / ((next.atMs - from.atMs) / 1000));
  }
  return rates;
}

/** Pure: the readings worth keeping for the next window: those no older than it, oldest first. */
export function keptForWindow(history: readonly CounterSample[], next: CounterSample, windowMs: number): CounterSample[] {
  return [...history, next].filter((s) => next.atMs - s.atMs < windowMs);
}

/** A rate as it is drawn: whole packets per second, a rate under one but above nought as 1 (something moved). */
export function shownRate(perSecond: number): number {
  if (perSecond <= 0) return 0;
  return Math.max(1, Math.round(perSecond));
}

/**
 * The figure to draw, given the one drawn: a change of one packet a second
 * (or of less than a fifth) is not worth a redraw, a start or a stop always is.
 * The UI's own pings alone move a hop between 1 and 2 as readings and pings drift.
 */
export function steadyRate(drawn: number | undefined, next: number): number {
  if (drawn === undefined || drawn === 0 || next === 0) return next;
  const change = Math.abs(next - drawn);
  return change < 2 || change < drawn / 5 ? drawn : next;
}

/** Whether two sets of shown rates differ (a redraw is only worth it then). */
export function sameRates(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
