/**
 * The live host as the exports see it: which targets and links are drawn
 * (liveView), and a non-veth link's kind in words.
 */
import { isChainLink } from '../render/chain-input.js';
import type { EndRef, TargetState, Topology, TopologyLink } from '../topology/model.js';

export type LiveState = 'up' | 'stopped' | 'gone';

export interface LiveNode {
  name: string;
  target?: TargetState;
  state: LiveState;
}

/** A link of the view: both ends known. */
export type LiveLink = TopologyLink & { b: EndRef };

/**
 * What of the live host is exported. Links: veth pairs between two different
 * targets (not Docker's own bridge plumbing), and vxlan/vlan/macvlan
 * interfaces as links to their parent where it was found. Nodes, in target
 * order: every target other than the host with such a link, every container
 * that is not running and every namespace that could not be read (to be
 * shown down), and the host only when one of the links ends there.
 */
export function liveView(topology: Topology): { nodes: LiveNode[]; links: LiveLink[] } {
  const links = topology.links.filter((link): link is LiveLink => (link.kind === 'veth' ? isChainLink(link) : link.b !== undefined));
  const linked = new Set(links.flatMap((link) => [link.a.target, link.b.target]));
  const nodes: LiveNode[] = [];
  for (const target of topology.targets) {
    const name = target.ns.label;
    const state = targetState(target);
    if (linked.has(name) || (target.ns.kind !== 'host' && state !== 'up')) nodes.push({ name, target, state });
  }
  // a link to a target the topology does not list (it went while being read)
  for (const name of linked) if (!nodes.some((node) => node.name === name)) nodes.push({ name, state: 'gone' });
  return { nodes, links };
}

function targetState(target: TargetState): LiveState {
  if (target.error !== undefined) return 'gone';
  return target.ns.kind === 'docker' && target.status !== 'running' ? 'stopped' : 'up';
}

export function kindText(link: TopologyLink): string {
  if (link.kind === 'vxlan') return link.vni !== undefined ? `vxlan ${link.vni}` : 'vxlan';
  if (link.kind === 'vlan') return link.vlanId !== undefined ? `vlan ${link.vlanId}` : 'vlan';
  return link.mode !== undefined ? `macvlan ${link.mode}` : 'macvlan';
}
