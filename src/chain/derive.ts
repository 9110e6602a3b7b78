/**
 * Pure: what a chain file means. From the links' subnets come the addresses
 * (end a the first host, end b the second), from the link graph the routes
 * that let every node reach every link subnet, and forwarding on every node
 * that joins two or more links. Probes naming a node are resolved to its
 * first address.
 *
 * The spec is assumed checked by chain/file.ts; what cannot be derived from
 * an unchecked one is a ChainmailError.
 */
import { ChainmailError, EXIT_USAGE } from '../errors.js';
import type { RouteDestination } from '../parse/koro.js';
import { networkOf, parseIp, type Cidr } from '../parse/values.js';
import { addressText, blockOf, coverBlocks, hostAddress, sameDestination, subnetContains, urlHost, type Block } from './subnets.js';
import { withVxlans } from './hosts.js';
import type { ChainSpec, DesiredChain, DesiredLink, DesiredLinkEnd, DesiredProbe, DesiredRoute, LinkSpec, NodeSpec, ProbeSpec, RouteSpec } from './model.js';

export function deriveChain(spec: ChainSpec): DesiredChain {
  const links = withVxlans(spec, spec.links.map(deriveLink));
  return {
    name: spec.name,
    nodes: spec.nodes,
    links,
    routes: mergeFileRoutes(deriveRoutes(spec.nodes, links), spec.routes, links),
    forwarding: deriveForwarding(spec),
    firewall: spec.firewall,
    probes: spec.probes.map((probe) => resolveProbe(probe, spec.nodes, links)),
  };
}

// ---------------------------------------------------------------------------
// Addresses

/** The subnet a link lies in: its own, or the one its explicit addresses share. */
export function linkSubnet(link: LinkSpec): Cidr {
  if (link.subnet) return networkOf(link.subnet);
  if (link.addresses) return networkOf(link.addresses[0]);
  throw new ChainmailError(`link ${endName(link.a)} - ${endName(link.b)} has neither a subnet nor addresses`, EXIT_USAGE);
}

/** The two ends' addresses: explicit ones, or the subnet's first and second hosts. */
export function linkAddresses(link: LinkSpec): [Cidr, Cidr] {
  if (link.addresses) return link.addresses;
  const subnet = linkSubnet(link);
  return [hostAddress(subnet, 0), hostAddress(subnet, 1)];
}

function deriveLink(link: LinkSpec): DesiredLink {
  const [a, b] = linkAddresses(link);
  return { a: { ...link.a, address: a }, b: { ...link.b, address: b } };
}

const endName = (end: { node: string; ifname: string }) => `${end.node}:${end.ifname}`;

// ---------------------------------------------------------------------------
// The link graph

/** One way across a link: from `self` (this node's end) to `peer`. */
interface Edge {
  link: DesiredLink;
  self: DesiredLinkEnd;
  peer: DesiredLinkEnd;
}

type Graph = Map<string, Edge[]>;

/** Adjacency in link order, which is what breaks ties between equal paths. */
function graphOf(links: readonly DesiredLink[]): Graph {
  const graph: Graph = new Map();
  const add = (self: DesiredLinkEnd, peer: DesiredLinkEnd, link: DesiredLink) => {
    const edges = graph.get(self.node) ?? [];
    edges.push({ link, self, peer });
    graph.set(self.node, edges);
  };
  for (const link of links) {
    add(link.a, link.b, link);
    add(link.b, link.a, link);
  }
  return graph;
}

interface Reach {
  hops: number;
  /** Position in discovery order: among equally near nodes, the one found first wins. */
  order: number;
  /** The edge leaving the start node on the way here (absent for the start itself). */
  firstHop?: Edge;
  parent?: string;
}

/** Breadth-first search by hop count, neighbours taken in link order. */
function reachFrom(start: string, graph: Graph): Map<string, Reach> {
  const reached = new Map<string, Reach>([[start, { hops: 0, order: 0 }]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    const here = reached.get(node)!;
    for (const edge of graph.get(node) ?? []) {
      if (reached.has(edge.peer.node)) continue;
      reached.set(edge.peer.node, {
        hops: here.hops + 1,
        order: reached.size,
        firstHop: here.firstHop ?? edge,
        parent: node,
      });
      queue.push(edge.peer.node);
    }
  }
  return reached;
}

/**
 * The nodes on a shortest path from one node to another, both included
 * (ties broken by link order), or undefined when they are not connected.
 */
export function derivePath(spec: ChainSpec, from: string, to: string): string[] | undefined {
  const reached = reachFrom(from, graphOf(spec.links.map(deriveLink)));
  if (!reached.has(to)) return undefined;
  const path = [to];
  for (let node = reached.get(to)!.parent; node !== undefined; node = reached.get(node)!.parent) path.unshift(node);
  return path;
}

// ---------------------------------------------------------------------------
// Routes and forwarding

/**
 * Per address family, so every node reaches every link subnet of its part of
 * the graph: a node on one link sends everything to its neighbour (a default
 * route), a node on several gets a route to each subnet it is not on, via the
 * neighbour on the shortest path there.
 */
export function deriveRoutes(nodes: readonly NodeSpec[], links: readonly DesiredLink[]): DesiredRoute[] {
  const routes: DesiredRoute[] = [];
  for (const family of [4, 6] as const) {
    const familyLinks = links.filter((link) => link.a.address.family === family);
    if (familyLinks.length === 0) continue;
    const graph = graphOf(familyLinks);
    const blocks = new Map(familyLinks.map((link) => [link, blockOf(link.a.address)]));
    for (const node of nodes) {
      const edges = graph.get(node.name) ?? [];
      if (edges.length === 0) continue;
      const reached = reachFrom(node.name, graph);
      const farLinks = familyLinks.filter((link) => !touches(link, node.name) && reached.has(link.a.node));
      if (edges.length === 1) {
        // with nothing beyond the one link, the kernel's link route is all it needs
        if (farLinks.length > 0) routes.push(route(node.name, { kind: 'default', family }, edges[0]!));
        continue;
      }
      // the far subnets behind each neighbour, in link order, then as few prefixes as cover exactly
      // them: a long path's middle node needs a few dozen routes instead of one per link
      const behind = new Map<Edge, Block[]>();
      for (const link of farLinks) {
        const firstHop = nearerEnd(link, reached).firstHop!;
        const subnets = behind.get(firstHop) ?? [];
        subnets.push(blocks.get(link)!);
        behind.set(firstHop, subnets);
      }
      for (const [firstHop, subnets] of behind) {
        for (const b of coverBlocks(family, subnets)) {
          routes.push(route(node.name, { kind: 'prefix', prefix: { family, address: addressText(family, b.value), prefix: b.prefix } }, firstHop));
        }
      }
    }
  }
  return routes;
}

const touches = (link: DesiredLink, node: string) => link.a.node === node || link.b.node === node;

function nearerEnd(link: DesiredLink, reached: Map<string, Reach>): Reach {
  const a = reached.get(link.a.node)!;
  const b = reached.get(link.b.node)!;
  if (a.hops !== b.hops) return a.hops < b.hops ? a : b;
  return a.order < b.order ? a : b;
}

function route(node: string, destination: RouteDestination, edge: Edge): DesiredRoute {
  return { node, destination, via: edge.peer.address.address, dev: edge.self.ifname, origin: 'derived' };
}

/** A file route replaces the derived route of its node to the same destination, in place; others come last. */
function mergeFileRoutes(derived: DesiredRoute[], fileRoutes: readonly RouteSpec[], links: readonly DesiredLink[]): DesiredRoute[] {
  const routes = [...derived];
  for (const fileRoute of fileRoutes) {
    const desired: DesiredRoute = {
      node: fileRoute.node,
      destination: fileRoute.destination,
      via: fileRoute.via,
      dev: fileRoute.dev ?? devTowards(fileRoute, links),
      origin: 'file',
    };
    const replaced = routes.findIndex((r) => r.node === desired.node && sameDestination(r.destination, desired.destination));
    if (replaced >= 0) routes[replaced] = desired;
    else routes.push(desired);
  }
  return routes;
}

/** The node's interface on the link whose subnet holds the gateway. */
function devTowards(fileRoute: RouteSpec, links: readonly DesiredLink[]): string {
  const via = parseIp(fileRoute.via);
  for (const link of links) {
    for (const end of [link.a, link.b]) {
      if (end.node === fileRoute.node && via.ok && subnetContains(end.address, via.value)) return end.ifname;
    }
  }
  throw new ChainmailError(`route on ${fileRoute.node} via ${fileRoute.via}: the gateway is on none of its links`, EXIT_USAGE);
}

/** As written, or every node on two or more links (in node order). */
export function deriveForwarding(spec: ChainSpec): string[] {
  if (spec.forwarding) return [...spec.forwarding];
  const linkCount = (name: string) => spec.links.filter((link) => link.a.node === name || link.b.node === name).length;
  return spec.nodes.filter((node) => linkCount(node.name) >= 2).map((node) => node.name);
}

// ---------------------------------------------------------------------------
// Probes

/** A node's address on its first link, in link order. */
export function firstAddress(node: string, links: readonly DesiredLink[]): Cidr | undefined {
  for (const link of links) {
    if (link.a.node === node) return link.a.address;
    if (link.b.node === node) return link.b.address;
  }
  return undefined;
}

/**
 * A node name becomes its first address (http: `http://ADDR:PORT/`, the port
 * it serves or 80); a bare address for http becomes `http://ADDR/`; URLs and
 * ping addresses pass through.
 */
export function resolveProbe(probe: ProbeSpec, nodes: readonly NodeSpec[], links: readonly DesiredLink[]): DesiredProbe {
  const node = nodes.find((n) => n.name === probe.to);
  const base = { from: probe.from, kind: probe.kind, expect: probe.expect };
  if (node) {
    const address = firstAddress(node.name, links);
    if (!address) throw new ChainmailError(`probe from ${probe.from} to ${node.name}: ${node.name} is on no link, so it has no address`, EXIT_USAGE);
    const target = probe.kind === 'http' ? `http://${urlHost(address)}:${node.serve?.port ?? 80}/` : address.address;
    return { ...base, target };
  }
  const ip = parseIp(probe.to);
  if (probe.kind === 'http' && ip.ok) return { ...base, target: `http://${urlHost(ip.value)}/` };
  return { ...base, target: probe.to };
}
