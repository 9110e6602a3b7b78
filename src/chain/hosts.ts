/**
 * Pure: chains that span hosts. A link between nodes on two hosts is a vxlan
 * at each end (koko's -x): on the host's underlay interface, to the other
 * host's underlay address, with a VNI of its own and an MTU lowered by the
 * vxlan headers. Each host builds its part (`chain up --as HOST`): its nodes,
 * the links between them, its ends of the vxlans, and of the routes,
 * forwarding, rules and probes (all derived over the whole chain) those of
 * its nodes.
 */
import { VXLAN_DEFAULT_PORT } from '../parse/koko.js';
import { parseIp } from '../parse/values.js';
import type { ChainSpec, DesiredChain, DesiredLink, DesiredVxlanEnd, HostSpec, LinkSpec } from './model.js';

/** The vxlan headers an underlay packet carries (outer IP, UDP, vxlan, inner Ethernet). */
export const VXLAN_OVERHEAD = { 4: 50, 6: 70 } as const;
/** The underlay MTU assumed when a link does not give its own. */
const UNDERLAY_MTU = 1500;
const VNI_SPACE = 16_777_215;

/** The host of each node, for a chain with hosts. */
function hostOf(spec: ChainSpec): (node: string) => HostSpec | undefined {
  const hosts = new Map((spec.hosts ?? []).map((h) => [h.name, h]));
  const nodes = new Map(spec.nodes.map((n) => [n.name, n.host]));
  return (node) => {
    const name = nodes.get(node);
    return name === undefined ? undefined : hosts.get(name);
  };
}

/**
 * A link's VNI when the file gives none: from the chain's name and the
 * link's end a, so it is the same on every host and in every run, and stays
 * when other links are added or reordered. FNV-1a, folded into 24 bits.
 */
export function derivedVni(chain: string, link: Pick<LinkSpec, 'a'>): number {
  let hash = 0x811c9dc5;
  for (const ch of Buffer.from(`${chain}/${link.a.node}:${link.a.ifname}`, 'utf8')) {
    hash ^= ch;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (((hash >>> 24) ^ hash) & 0xffffff) % VNI_SPACE || 1;
}

/**
 * The links with their vxlan, for those between two hosts. VNIs the file
 * gives come first; a derived one that meets one taken moves to the next free.
 */
export function withVxlans(spec: ChainSpec, links: readonly DesiredLink[]): DesiredLink[] {
  if (!spec.hosts) return [...links];
  const host = hostOf(spec);
  const taken = new Set(spec.links.flatMap((l) => (l.vni !== undefined ? [l.vni] : [])));
  return links.map((link, i) => {
    const [ha, hb] = [host(link.a.node), host(link.b.node)];
    if (!ha || !hb || ha.name === hb.name) return link;
    const given = spec.links[i]!;
    let vni = given.vni;
    if (vni === undefined) {
      vni = derivedVni(spec.name, given);
      while (taken.has(vni)) vni = (vni % VNI_SPACE) + 1;
      taken.add(vni);
    }
    const family = parseIp(ha.address).ok && ha.address.includes(':') ? 6 : 4;
    const mtu = given.mtu ?? UNDERLAY_MTU - VXLAN_OVERHEAD[family];
    return { ...link, vxlan: { vni, port: VXLAN_DEFAULT_PORT, mtu, hosts: [ha, hb] } };
  });
}

/** Whether the chain places nodes on hosts. */
export const spansHosts = (spec: Pick<ChainSpec, 'hosts'>) => spec.hosts !== undefined;

/**
 * One host's part of a chain derived whole: its nodes; links with both ends
 * there; its ends of the vxlans; routes, forwarding and rules of its nodes;
 * probes that start there.
 */
export function hostPart(desired: DesiredChain, host: string): DesiredChain {
  const here = new Set(desired.nodes.filter((n) => n.host === host).map((n) => n.name));
  const vxlans: DesiredVxlanEnd[] = [];
  const links: DesiredLink[] = [];
  for (const link of desired.links) {
    const [a, b] = [here.has(link.a.node), here.has(link.b.node)];
    if (!link.vxlan) {
      if (a && b) links.push(link);
      continue;
    }
    if (!a && !b) continue;
    const [end, peer, local, remote] = a ? [link.a, link.b, link.vxlan.hosts[0], link.vxlan.hosts[1]] : [link.b, link.a, link.vxlan.hosts[1], link.vxlan.hosts[0]];
    vxlans.push({
      ...end,
      vni: link.vxlan.vni,
      port: link.vxlan.port,
      mtu: link.vxlan.mtu,
      local,
      remote: remote.address,
      peer: { node: peer.node, ifname: peer.ifname },
    });
  }
  return {
    name: desired.name,
    nodes: desired.nodes.filter((n) => here.has(n.name)),
    links,
    vxlans,
    routes: desired.routes.filter((r) => here.has(r.node)),
    forwarding: desired.forwarding.filter((n) => here.has(n)),
    firewall: desired.firewall.filter((r) => here.has(r.node)),
    probes: desired.probes.filter((p) => here.has(p.from)),
  };
}

/** The key a host's part of a chain is recorded and locked under: `NAME@HOST`, or the chain's name. */
export const recordKey = (chain: string, host: string | undefined) => (host === undefined ? chain : `${chain}@${host}`);

/**
 * Which host of a chain this is: the one named (--as), or the one whose
 * underlay address is on one of this host's interfaces. A message when it
 * cannot be told.
 */
export function pickHost(spec: Pick<ChainSpec, 'hosts' | 'name'>, named: string | undefined, localAddresses: readonly string[]): { host?: string } | { problem: string } {
  const hosts = spec.hosts;
  if (!hosts) return named === undefined ? {} : { problem: `--as ${named}: chain ${spec.name} names no hosts (it runs on one host; leave --as out)` };
  const names = hosts.map((h) => h.name).join(', ');
  if (named !== undefined)
    return hosts.some((h) => h.name === named) ? { host: named } : { problem: `--as ${named}: not a host of chain ${spec.name} (hosts: ${names})` };
  const here = hosts.filter((h) => localAddresses.includes(h.address));
  if (here.length === 1) return { host: here[0]!.name };
  const why = here.length === 0 ? 'none of their underlay addresses is on this host' : `${here.map((h) => h.name).join(' and ')} all have their address here`;
  return { problem: `chain ${spec.name} spans hosts (${names}) and ${why}: say which this is with --as HOST` };
}
