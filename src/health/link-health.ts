import type { TopologyLink } from '../topology/model.js';

export interface PingPlan {
  /** Target label to ping from. */
  from: string;
  address: string;
}

/** Pure: how to check a link: from end a to an address of end b in a subnet they share. */
export function pingPlanFor(link: TopologyLink): PingPlan | undefined {
  if (!link.b) return undefined;
  for (const family of [4, 6] as const) {
    const mine = link.a.addresses.filter((a) => a.includes(':') === (family === 6));
    const theirs = link.b.addresses.filter((a) => a.includes(':') === (family === 6));
    if (mine.length && theirs[0]) return { from: link.a.target, address: theirs[0].split('/')[0]! };
  }
  return undefined;
}
