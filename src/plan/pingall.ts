/**
 * Pure: the pairs `pingall` pings. Every ordered pair of different targets
 * that both have an address, each pinged from inside its source at the
 * destination's address; `expected` marks the pairs that must reach (a chain
 * file's, chain/pingall-targets.ts), for the exit code.
 */

export interface PingallTarget {
  name: string;
  /** The address pinged when this target is the destination; none: left out. */
  address?: string;
}

export interface PingallPair {
  from: string;
  to: string;
  address: string;
  /** The chain file expects this pair to reach. */
  expected: boolean;
}

/** "from→to", the key of an ordered pair. */
export const pairKey = (from: string, to: string): string => `${from}→${to}`;

/** Every ordered pair of addressed targets, sources in the order given, then destinations. */
export function planPingPairs(targets: readonly PingallTarget[], expected: ReadonlySet<string> = new Set()): PingallPair[] {
  const addressed = targets.filter((t): t is Required<PingallTarget> => t.address !== undefined);
  return addressed.flatMap((from) =>
    addressed
      .filter((to) => to.name !== from.name)
      .map((to) => ({ from: from.name, to: to.name, address: to.address, expected: expected.has(pairKey(from.name, to.name)) })),
  );
}

/** What one pair's ping found: a reply (with its round trip), none, or why it could not run. */
export interface PingallResult extends PingallPair {
  ok: boolean;
  ms?: number;
  /** Why the ping did not run, or what answered instead (an ICMP error). */
  detail?: string;
  /** The ping ran (the source exists): a pair that did not run says nothing about the path. */
  ran: boolean;
}

export interface PingallSummary {
  reachable: number;
  total: number;
  /** Expected pairs that did not reach. */
  missed: PingallResult[];
  /** At least one ping ran. */
  anyRan: boolean;
}

export function summarizePingall(results: readonly PingallResult[]): PingallSummary {
  return {
    reachable: results.filter((r) => r.ok).length,
    total: results.length,
    missed: results.filter((r) => r.expected && !r.ok),
    anyRan: results.some((r) => r.ran),
  };
}
