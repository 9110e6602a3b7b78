/**
 * The json export: the stable shapes ChainJson and TopologyJson, and how a
 * chain or the live view becomes one.
 */
import { formatCidr } from '../parse/values.js';
import type { EndRef, TargetState, TopologyLink } from '../topology/model.js';
import type { LiveLink, LiveNode, LiveState } from './export-live.js';
import { routeDestination } from './export-shared.js';
import type { DesiredChain, DesiredLinkEnd } from './model.js';

/**
 * `exportChain(chain, 'json')`. Addresses are CIDRs (`10.0.1.1/24`); a
 * route's destination is a prefix (`10.0.3.0/24`) or `default`, with its
 * family. Optional node fields appear only when the chain file sets them.
 */
export interface ChainJson {
  name: string;
  nodes: Array<{
    name: string;
    forwarding: boolean;
    image?: string;
    command?: string[];
    serve?: { port: number; body?: string };
  }>;
  links: Array<{ a: ChainJsonEnd; b: ChainJsonEnd }>;
  routes: Array<{ node: string; destination: string; family: 4 | 6; via: string; dev: string; origin: 'derived' | 'file' }>;
  firewall: Array<{ node: string; rule: string[] }>;
  probes: Array<{ from: string; kind: 'ping' | 'http'; target: string; expect: 'ok' | 'fail' | number }>;
}

export interface ChainJsonEnd {
  node: string;
  ifname: string;
  address: string;
}

/**
 * `exportTopology(topology, 'json')`: the targets drawn (see liveView) and
 * their links. `kind` is the target's (docker, netns, pid, path, host);
 * `state` is `up`, `stopped` (a container not running) or `gone` (a
 * namespace that could not be read, `error` says why, or that vanished).
 */
export interface TopologyJson {
  nodes: Array<{ name: string; kind?: TargetState['ns']['kind']; status: string; state: LiveState; error?: string }>;
  links: Array<{
    kind: TopologyLink['kind'];
    a: TopologyJsonEnd;
    b: TopologyJsonEnd;
    vni?: number;
    remote?: string;
    vlanId?: number;
    mode?: string;
  }>;
}

export interface TopologyJsonEnd {
  node: string;
  ifname: string;
  addresses: string[];
}

export const jsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export function chainJson(chain: DesiredChain): ChainJson {
  const end = (e: DesiredLinkEnd): ChainJsonEnd => ({ node: e.node, ifname: e.ifname, address: formatCidr(e.address) });
  return {
    name: chain.name,
    nodes: chain.nodes.map((node) => ({
      name: node.name,
      forwarding: chain.forwarding.includes(node.name),
      ...(node.image !== undefined ? { image: node.image } : {}),
      ...(node.command !== undefined ? { command: [...node.command] } : {}),
      ...(node.serve !== undefined ? { serve: { ...node.serve } } : {}),
    })),
    links: chain.links.map((link) => ({ a: end(link.a), b: end(link.b) })),
    routes: chain.routes.map((route) => ({
      node: route.node,
      destination: routeDestination(route),
      family: route.destination.kind === 'default' ? route.destination.family : route.destination.prefix.family,
      via: route.via,
      dev: route.dev,
      origin: route.origin,
    })),
    firewall: chain.firewall.map((rule) => ({ node: rule.node, rule: [...rule.rule] })),
    probes: chain.probes.map((probe) => ({ from: probe.from, kind: probe.kind, target: probe.target, expect: probe.expect })),
  };
}

export function liveJson(view: { nodes: LiveNode[]; links: LiveLink[] }): TopologyJson {
  const end = (e: EndRef): TopologyJsonEnd => ({ node: e.target, ifname: e.ifname, addresses: [...e.addresses] });
  return {
    nodes: view.nodes.map((node) => ({
      name: node.name,
      ...(node.target ? { kind: node.target.ns.kind } : {}),
      status: node.target?.status ?? 'gone',
      state: node.state,
      ...(node.target?.error !== undefined ? { error: node.target.error } : {}),
    })),
    links: view.links.map((link) => ({
      kind: link.kind,
      a: end(link.a),
      b: end(link.b),
      ...(link.vni !== undefined ? { vni: link.vni } : {}),
      ...(link.remote !== undefined ? { remote: link.remote } : {}),
      ...(link.vlanId !== undefined ? { vlanId: link.vlanId } : {}),
      ...(link.mode !== undefined ? { mode: link.mode } : {}),
    })),
  };
}
