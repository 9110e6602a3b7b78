import { formatCidr, networkOf, parseCidr, type Cidr } from '../parse/values.js';
import { formatDestination } from '../parse/koro.js';
import type { Route } from '../topology/read.js';
import type { Interface } from '../topology/model.js';
import type { DesiredChain, DesiredLink, DesiredRoute, DesiredVxlanEnd } from './model.js';

/** What one node holds now, as read from the kernel. */
export interface ObservedNode {
  exists: boolean;
  /** Docker only: a container that exists but does not run. */
  stopped?: boolean;
  interfaces: Interface[];
  routes: Route[];
  forwarding: boolean;
  /** FORWARD rules, as iptables -S prints them after "-A FORWARD ". */
  rules: string[];
  /** An HTTP server chainmail started there is still running. */
  serving: boolean;
}

export type UpAction =
  | { kind: 'create-node'; node: string }
  | { kind: 'start-node'; node: string }
  | { kind: 'remove-stale-end'; node: string; ifname: string }
  | { kind: 'create-link'; link: DesiredLink }
  | { kind: 'create-vxlan'; end: DesiredVxlanEnd }
  | { kind: 'add-address'; node: string; ifname: string; address: Cidr }
  | { kind: 'set-up'; node: string; ifname: string }
  | { kind: 'forwarding-on'; node: string }
  | { kind: 'add-route'; route: DesiredRoute }
  | { kind: 'replace-route'; route: DesiredRoute; was: string }
  | { kind: 'add-rule'; node: string; rule: string[] }
  | { kind: 'serve'; node: string; port: number; body?: string };

/** A link end or route that exists but is not what the chain says: up refuses to guess. */
export interface Conflict {
  message: string;
}

export function describeAction(a: UpAction): string {
  switch (a.kind) {
    case 'create-node':
      return `create ${a.node}`;
    case 'start-node':
      return `start ${a.node}`;
    case 'remove-stale-end':
      return `remove ${a.node}:${a.ifname}, left from this chain's link whose other end is gone`;
    case 'create-link':
      return `link ${a.link.a.node}:${a.link.a.ifname} ${formatCidr(a.link.a.address)} <-> ${a.link.b.node}:${a.link.b.ifname} ${formatCidr(a.link.b.address)}`;
    case 'create-vxlan':
      return `vxlan ${a.end.node}:${a.end.ifname} ${formatCidr(a.end.address)} vni ${a.end.vni} to ${a.end.remote} port ${a.end.port} mtu ${a.end.mtu} (its other end: ${a.end.peer.node}:${a.end.peer.ifname} on the host at ${a.end.remote})`;
    case 'add-address':
      return `add ${formatCidr(a.address)} to ${a.node}:${a.ifname}`;
    case 'set-up':
      return `set ${a.node}:${a.ifname} up`;
    case 'forwarding-on':
      return `turn forwarding on in ${a.node}`;
    case 'add-route':
      return `route ${describeRoute(a.route)}`;
    case 'replace-route':
      return `route ${describeRoute(a.route)} (was ${a.was})`;
    case 'add-rule':
      return `firewall ${a.node}: ${a.rule.join(' ')}`;
    case 'serve':
      return `serve HTTP on port ${a.port} in ${a.node}`;
  }
}

export function describeRoute(r: DesiredRoute): string {
  return `${r.node}: ${formatDestination(r.destination)} via ${r.via} dev ${r.dev}`;
}

/** A destination as one comparable text: "default" or the canonical prefix. */
function desiredDst(r: DesiredRoute): string {
  return r.destination.kind === 'default' ? 'default' : formatCidr(networkOf(r.destination.prefix));
}

/** The kernel writes host routes without a length (10.9.9.9) and IPv6 in its own form. */
function kernelDst(dst: string, family: 4 | 6): string {
  if (dst === 'default') return dst;
  const parsed = parseCidr(dst.includes('/') ? dst : `${dst}/${family === 4 ? 32 : 128}`);
  return parsed.ok ? formatCidr(networkOf(parsed.value)) : dst;
}

function familyOf(r: DesiredRoute): 4 | 6 {
  return r.destination.kind === 'default' ? r.destination.family : r.destination.prefix.family;
}

const hasAddress = (iface: Interface | undefined, address: Cidr) => iface?.addresses.some((a) => a.address === address.address && a.prefix === address.prefix) ?? false;

/**
 * Pure: the actions that take the observed state to the desired chain,
 * creating what is missing and nothing else. Running them and planning again
 * gives no actions. A name already used by something else is a conflict.
 */
export function planChainUp(
  desired: DesiredChain,
  observedNow: ReadonlyMap<string, ObservedNode>,
  ownLinks: ReadonlySet<string> = new Set(),
): { actions: UpAction[]; conflicts: Conflict[] } {
  const { observed, stale } = withoutStaleEnds(desired, observedNow, ownLinks);
  const actions: UpAction[] = [...stale];
  const conflicts: Conflict[] = [];
  const node = (name: string) => observed.get(name);

  for (const n of desired.nodes) {
    const o = node(n.name);
    if (!o?.exists) actions.push({ kind: 'create-node', node: n.name });
    else if (o.stopped) actions.push({ kind: 'start-node', node: n.name });
  }

  for (const link of desired.links) {
    const ia = node(link.a.node)?.interfaces.find((i) => i.name === link.a.ifname);
    const ib = node(link.b.node)?.interfaces.find((i) => i.name === link.b.ifname);
    if (!ia && !ib) {
      actions.push({ kind: 'create-link', link });
      continue;
    }
    if (!ia || !ib) {
      const [have, missing] = ia ? [link.a, link.b] : [link.b, link.a];
      conflicts.push({
        message: `${have.node}:${have.ifname} exists but ${missing.node}:${missing.ifname} does not: it is not this chain's link (remove it, or rename the link in the file)`,
      });
      continue;
    }
    for (const [end, iface] of [
      [link.a, ia],
      [link.b, ib],
    ] as const) {
      if (!hasAddress(iface, end.address)) actions.push({ kind: 'add-address', node: end.node, ifname: end.ifname, address: end.address });
      // an up interrupted between making a link and setting it up leaves it down
      if (!iface.adminUp) actions.push({ kind: 'set-up', node: end.node, ifname: end.ifname });
    }
  }

  // a link to another host: this host's end, a vxlan (the other end is the other host's business)
  for (const end of desired.vxlans ?? []) {
    const iface = node(end.node)?.interfaces.find((i) => i.name === end.ifname);
    if (!iface) {
      actions.push({ kind: 'create-vxlan', end });
      continue;
    }
    if (!hasAddress(iface, end.address)) actions.push({ kind: 'add-address', node: end.node, ifname: end.ifname, address: end.address });
    if (!iface.adminUp) actions.push({ kind: 'set-up', node: end.node, ifname: end.ifname });
  }

  for (const name of desired.forwarding) {
    if (!node(name)?.forwarding) actions.push({ kind: 'forwarding-on', node: name });
  }

  // each node's routes by family and destination: a long chain has tens of thousands
  const routeIndex = new Map<string, Map<string, Route>>();
  const routesOf = (name: string) => {
    let index = routeIndex.get(name);
    if (!index) {
      index = new Map();
      for (const r of node(name)?.routes ?? []) {
        const key = `${r.family} ${kernelDst(r.dst, r.family)}`;
        if (!index.has(key)) index.set(key, r);
      }
      routeIndex.set(name, index);
    }
    return index;
  };
  for (const route of desired.routes) {
    const current = routesOf(route.node).get(`${familyOf(route)} ${desiredDst(route)}`);
    if (!current) actions.push({ kind: 'add-route', route });
    else if (current.gateway !== route.via || current.dev !== route.dev) {
      actions.push({ kind: 'replace-route', route, was: `${current.gateway ? `via ${current.gateway} ` : ''}dev ${current.dev ?? '?'}` });
    }
  }

  for (const rule of desired.firewall) {
    const text = rule.rule.join(' ');
    if (!node(rule.node)?.rules.some((r) => r === text)) actions.push({ kind: 'add-rule', node: rule.node, rule: rule.rule });
  }

  for (const n of desired.nodes) {
    if (n.serve && !node(n.name)?.serving) {
      actions.push({ kind: 'serve', node: n.name, port: n.serve.port, ...(n.serve.body !== undefined ? { body: n.serve.body } : {}) });
    }
  }
  return { actions, conflicts };
}

/**
 * A link this chain made (its end a is in `ownLinks`, as the chain's record
 * keeps it) with one end left and the other gone: its node died and came
 * back, and the old end lingers while the kernel tears the dead namespace
 * down. That end is removed and the link made again, planned as if the end
 * and the routes through it were not there.
 */
function withoutStaleEnds(
  desired: DesiredChain,
  observed: ReadonlyMap<string, ObservedNode>,
  ownLinks: ReadonlySet<string>,
): { observed: ReadonlyMap<string, ObservedNode>; stale: UpAction[] } {
  const stale: Array<{ node: string; ifname: string }> = [];
  for (const link of desired.links) {
    if (!ownLinks.has(`${link.a.node}:${link.a.ifname}`)) continue;
    const has = (end: DesiredLink['a']) => observed.get(end.node)?.interfaces.some((i) => i.name === end.ifname) === true;
    const [a, b] = [has(link.a), has(link.b)];
    if (a !== b) stale.push(a ? link.a : link.b);
  }
  if (stale.length === 0) return { observed, stale: [] };
  const copy = new Map(observed);
  for (const end of stale) {
    const o = copy.get(end.node)!;
    copy.set(end.node, { ...o, interfaces: o.interfaces.filter((i) => i.name !== end.ifname), routes: o.routes.filter((r) => r.dev !== end.ifname) });
  }
  return { observed: copy, stale: stale.map((end) => ({ kind: 'remove-stale-end', node: end.node, ifname: end.ifname })) };
}

/**
 * What `chain up` would do on a host where none of the chain exists: the
 * dry run of a user who may not read namespaces (not root) plans from the
 * file alone.
 */
export function planOnEmptyHost(desired: DesiredChain): string[] {
  const nothing: ObservedNode = { exists: false, stopped: false, interfaces: [], routes: [], forwarding: false, rules: [], serving: false };
  return planChainUp(desired, new Map(desired.nodes.map((n) => [n.name, nothing]))).actions.map(describeAction);
}
