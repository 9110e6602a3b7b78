/**
 * Pure: a chain's nodes as pingall targets, and the pairs the chain expects
 * to reach. Expected are the pairs of a ping probe that expects a reply, and
 * both directions between every two ends of the chain (nodes on one link),
 * unless the chain has firewall rules (they may drop ICMP on purpose: then
 * only its ping probes say what must reach) or a ping probe between them
 * expects a failure. HTTP probes do not count: HTTP may pass where ICMP is
 * dropped.
 */
import { pairKey, type PingallTarget } from '../plan/pingall.js';
import { firstAddress } from './derive.js';
import type { DesiredChain } from './model.js';

export interface ChainPingall {
  targets: PingallTarget[];
  expected: Set<string>;
}

export function chainPingTargets(desired: DesiredChain): ChainPingall {
  const targets = desired.nodes.map((n) => {
    const address = firstAddress(n.name, desired.links);
    return { name: n.name, ...(address ? { address: address.address } : {}) };
  });
  // which node an address belongs to: probes name addresses
  const owner = new Map<string, string>();
  for (const link of desired.links) for (const end of [link.a, link.b]) owner.set(end.address.address, end.node);
  const pings = desired.probes.filter((p) => p.kind === 'ping' && owner.has(p.target));
  const refused = new Set(pings.filter((p) => p.expect === 'fail').map((p) => pairKey(p.from, owner.get(p.target)!)));
  const expected = new Set(pings.filter((p) => p.expect !== 'fail').map((p) => pairKey(p.from, owner.get(p.target)!)));
  if (desired.firewall.length === 0) {
    const degree = new Map<string, number>();
    for (const link of desired.links) for (const end of [link.a, link.b]) degree.set(end.node, (degree.get(end.node) ?? 0) + 1);
    const ends = desired.nodes.map((n) => n.name).filter((n) => degree.get(n) === 1);
    for (const from of ends) for (const to of ends) if (from !== to && !refused.has(pairKey(from, to))) expected.add(pairKey(from, to));
  }
  return { targets, expected };
}
