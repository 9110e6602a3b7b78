import { addressLine } from '../plan/koko.js';
import { formatCidr } from '../parse/values.js';
import type { Cidr } from '../parse/values.js';
import type { DesiredLink, DesiredVxlanEnd } from './model.js';
import type { UpAction } from './plan-up.js';

/**
 * Pure: `chain up`'s actions as few processes as the kernel work allows.
 * A process costs more than the netlink work of a line, so:
 * - every missing namespace in one host `ip -batch` (netns add);
 * - every missing veth pair in one host `ip -batch`, each pair made straight
 *   into its two namespaces by one netlink request;
 * - then one `ip -batch` per node (all nodes at once) for its loopback,
 *   addresses, link states and routes, in that order: a route's gateway
 *   must be on a connected subnet of an interface that is up;
 * - forwarding, firewall rules and web servers as they were, per node.
 */
export interface UpBatches {
  /** Network namespaces to create, in the order of the plan. */
  namespaces: string[];
  /** Containers to create or start (Docker mode). */
  containers: Array<{ node: string; start: boolean }>;
  /** Ends of this chain's links whose other end is gone: removed before the links are made again. */
  staleEnds: Array<{ node: string; ifname: string }>;
  /** Veth pairs to create and the `link add` line of each, in the same order. */
  links: DesiredLink[];
  /** This host's ends of links to other hosts: vxlans made in the host and moved into their node. */
  vxlans: DesiredVxlanEnd[];
  /** Lines of each node's batch, for nodes that have any. */
  perNode: Map<string, string[]>;
  /** Interfaces that carry IPv6 addresses, per node: Docker turns IPv6 off in containers. */
  ipv6: Map<string, string[]>;
  forwarding: string[];
  rules: Array<{ node: string; rule: string[] }>;
  serves: Array<Extract<UpAction, { kind: 'serve' }>>;
}

export function batchUpActions(actions: readonly UpAction[], mode: 'netns' | 'docker'): UpBatches {
  const batches: UpBatches = {
    namespaces: [],
    containers: [],
    staleEnds: [],
    links: [],
    vxlans: [],
    perNode: new Map(),
    ipv6: new Map(),
    forwarding: [],
    rules: [],
    serves: [],
  };
  // lines are kept in three groups per node and joined at the end: addresses, then ups, then routes
  const addresses = new Map<string, string[]>();
  const ups = new Map<string, string[]>();
  const routes = new Map<string, string[]>();
  const push = (group: Map<string, string[]>, node: string, line: string) => listOf(group, node).push(line);
  const addAddress = (node: string, ifname: string, address: Cidr) => {
    push(addresses, node, addressLine(ifname, address));
    if (address.family !== 6) return;
    const ipv6 = listOf(batches.ipv6, node);
    if (!ipv6.includes(ifname)) ipv6.push(ifname);
  };

  for (const action of actions) {
    switch (action.kind) {
      case 'create-node':
        if (mode === 'netns') {
          batches.namespaces.push(action.node);
          push(ups, action.node, 'link set dev lo up');
        } else batches.containers.push({ node: action.node, start: false });
        break;
      case 'start-node':
        batches.containers.push({ node: action.node, start: true });
        break;
      case 'remove-stale-end':
        batches.staleEnds.push({ node: action.node, ifname: action.ifname });
        break;
      case 'create-link':
        batches.links.push(action.link);
        for (const end of [action.link.a, action.link.b]) {
          addAddress(end.node, end.ifname, end.address);
          push(ups, end.node, `link set dev ${end.ifname} up`);
        }
        break;
      case 'create-vxlan':
        batches.vxlans.push(action.end);
        addAddress(action.end.node, action.end.ifname, action.end.address);
        push(ups, action.end.node, `link set dev ${action.end.ifname} up`);
        break;
      case 'add-address':
        addAddress(action.node, action.ifname, action.address);
        break;
      case 'set-up':
        push(ups, action.node, `link set dev ${action.ifname} up`);
        break;
      case 'add-route':
      case 'replace-route':
        push(routes, action.route.node, routeLine(action));
        break;
      case 'forwarding-on':
        batches.forwarding.push(action.node);
        break;
      case 'add-rule':
        batches.rules.push({ node: action.node, rule: action.rule });
        break;
      case 'serve':
        batches.serves.push(action);
        break;
    }
  }
  for (const group of [addresses, ups, routes]) {
    for (const [node, list] of group) listOf(batches.perNode, node).push(...list);
  }
  return batches;
}

/**
 * The host batch line that makes a veth pair with each end already in its
 * namespace under its final name and with its own interface index (see
 * net/ifindex.ts): one netlink request, so a pair is made whole or not at
 * all, and nothing is moved between namespaces (a move waits for the kernel
 * to quiesce the device, which dominates at a few hundred links).
 */
export function linkAddLine(link: DesiredLink, namespacePath: (node: string) => string, indexes: readonly [number, number]): string {
  return `link add name ${link.a.ifname} index ${indexes[0]} netns ${namespacePath(link.a.node)} type veth peer name ${link.b.ifname} index ${indexes[1]} netns ${namespacePath(link.b.node)}`;
}

/** The list kept under `key`, made empty the first time. */
function listOf<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

function routeLine({ kind, route }: Extract<UpAction, { kind: 'add-route' | 'replace-route' }>): string {
  const family = route.destination.kind === 'default' ? route.destination.family : route.destination.prefix.family;
  // in a batch "default" means IPv4; the IPv6 default is written as its prefix
  const dst = route.destination.kind === 'default' ? (family === 6 ? '::/0' : 'default') : formatCidr(route.destination.prefix);
  return `route ${kind === 'add-route' ? 'add' : 'replace'} ${dst} via ${route.via} dev ${route.dev}`;
}

/**
 * How many lines of an `ip -batch` ran before the one that failed: iproute2
 * ends its error with "Command failed -:N" (N counted from 1). Undefined
 * when the text does not say.
 */
export function linesDoneBeforeFailure(stderr: string): number | undefined {
  const m = /Command failed -:(\d+)/.exec(stderr);
  return m ? Number(m[1]) - 1 : undefined;
}
