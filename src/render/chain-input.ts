import { isKokoTemporaryName } from '../net/temporary-name.js';
import type { Topology, TopologyLink } from '../topology/model.js';
import type { ChainHop, ChainNode, HopHealth } from './chain-model.js';

/** Live figures drawn on the chain: packets per second by link key, packets dropped by target label. */
export interface ChainTraffic {
  pps?: ReadonlyMap<string, number>;
  dropped?: ReadonlyMap<string, number>;
}

export interface HopCheck {
  ok: boolean;
  latencyMs?: number;
}

/** Stable key of a link, the same whichever end is listed first. */
export function linkKey(link: TopologyLink): string {
  const ends = [`${link.a.target}:${link.a.ifname}`, link.b ? `${link.b.target}:${link.b.ifname}` : '?'];
  return `${link.kind}|${ends.sort().join('|')}`;
}

/** Links worth drawing: veth pairs between two different targets, except Docker's own bridge plumbing. */
export function isChainLink(link: TopologyLink): boolean {
  if (link.kind !== 'veth' || !link.b || link.a.target === link.b.target) return false;
  const hostEnd = link.a.target === 'host' ? link.a : link.b.target === 'host' ? link.b : undefined;
  return !(hostEnd && /^veth[0-9a-f]{7}$/.test(hostEnd.ifname));
}

const firstAddress = (addresses: readonly string[]): string | undefined => {
  const v4 = addresses.find((a) => !a.includes(':')) ?? addresses[0];
  return v4?.split('/')[0];
};

/**
 * Pure: what the chain view draws. Links seen earlier that have vanished
 * while one of their targets died (`broken`) are drawn broken, with the dead
 * end marked; a live link with an end set administratively down is `down`;
 * the other live links carry the health of their last check.
 */
export function chainFromTopology(
  topology: Topology,
  broken: ReadonlyMap<string, TopologyLink>,
  checks: ReadonlyMap<string, HopCheck>,
  traffic: ChainTraffic = {},
): { nodes: ChainNode[]; hops: ChainHop[] } {
  const state = new Map<string, ChainNode['state']>();
  // ends set administratively down, as "target:ifname"
  const downEnds = new Set(topology.targets.flatMap((t) => t.interfaces.filter((i) => !i.adminUp).map((i) => `${t.ns.label}:${i.name}`)));
  for (const t of topology.targets) {
    state.set(t.ns.label, t.ns.kind === 'docker' && t.status !== 'running' ? 'stopped' : 'up');
  }
  const nodes = new Map<string, ChainNode>();
  const addNode = (name: string) => {
    if (nodes.has(name)) return;
    const nodeState = state.get(name) ?? 'gone';
    const dropped = nodeState === 'up' ? traffic.dropped?.get(name) : undefined;
    nodes.set(name, { name, state: nodeState, ...(dropped !== undefined ? { dropped } : {}) });
  };
  const hops: ChainHop[] = [];
  for (const link of topology.links.filter(isChainLink)) {
    addNode(link.a.target);
    addNode(link.b!.target);
    const check = checks.get(linkKey(link));
    const pps = traffic.pps?.get(linkKey(link));
    const down = downEnds.has(`${link.a.target}:${link.a.ifname}`) || downEnds.has(`${link.b!.target}:${link.b!.ifname}`);
    const health: HopHealth = down ? 'down' : !check ? 'unknown' : check.ok ? 'ok' : 'failing';
    hops.push({
      a: end(link.a),
      b: end(link.b!),
      health,
      ...(check?.ok && check.latencyMs !== undefined ? { latencyMs: check.latencyMs } : {}),
      ...(pps !== undefined ? { pps } : {}),
    });
  }
  for (const link of broken.values()) {
    addNode(link.a.target);
    addNode(link.b!.target);
    const alive = (target: string) => state.get(target) === 'up';
    hops.push({
      a: alive(link.a.target) ? end(link.a) : { node: link.a.target },
      b: alive(link.b!.target) ? end(link.b!) : { node: link.b!.target },
      health: 'broken',
    });
  }
  // targets with no links are shown too (they are what the user builds from)
  for (const t of topology.targets) if (t.ns.kind !== 'host') addNode(t.ns.label);
  return { nodes: [...nodes.values()], hops };
}

function end(ref: { target: string; ifname: string; addresses: string[] }) {
  const address = firstAddress(ref.addresses);
  return { node: ref.target, ifname: ref.ifname, ...(address ? { address } : {}) };
}

/** Broken hops kept at most, the newest: a host where namespaces come and go all day must not pile them up. */
export const MAX_BROKEN_HOPS = 32;

/**
 * Pure: which remembered links are broken now. A link is kept, to be drawn
 * broken, when it vanished because a target stopped or disappeared, or when
 * it vanished with both targets up (deleted with plain `ip`, say), unless
 * chainmail itself removed it (`removedOnPurpose` holds "target:ifname" of
 * ends deleted by its own verbs). It is kept while at least one of its ends
 * is still there to draw it from, and only the newest MAX_BROKEN_HOPS.
 */
export function updateBrokenLinks(
  previous: ReadonlyMap<string, TopologyLink>,
  seenBefore: ReadonlyMap<string, TopologyLink>,
  topology: Topology,
  removedOnPurpose: ReadonlySet<string> = new Set(),
): Map<string, TopologyLink> {
  const listed = new Set(topology.targets.map((t) => t.ns.label));
  const present = new Set(topology.links.filter(isChainLink).map(linkKey));
  const result = new Map<string, TopologyLink>();
  for (const [key, link] of [...previous, ...seenBefore]) {
    if (present.has(key) || result.has(key)) continue;
    const ends = [`${link.a.target}:${link.a.ifname}`, `${link.b!.target}:${link.b!.ifname}`];
    if (ends.some((e) => removedOnPurpose.has(e))) continue;
    // a koko end under its temporary name vanishes by being renamed, not broken
    if (isKokoTemporaryName(link.a.ifname) || isKokoTemporaryName(link.b!.ifname)) continue;
    if (listed.has(link.a.target) || listed.has(link.b!.target)) result.set(key, link);
  }
  // the map keeps insertion order: the oldest come first
  return new Map([...result].slice(-MAX_BROKEN_HOPS));
}
