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

const BITS = { 4: 32, 6: 128 } as const;

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

/**
 * The index-th usable host of a subnet (0 = first), with the subnet's prefix.
 * Point-to-point subnets (/31, /127) have no network or broadcast address to
 * skip, so their hosts start at the network address.
 */
export function hostAddress(subnet: Cidr, index: number): Cidr {
  const pointToPoint = subnet.prefix === BITS[subnet.family] - 1;
  const value = addressValue(networkOf(subnet)) + BigInt(index + (pointToPoint ? 0 : 1));
  return { family: subnet.family, address: addressText(subnet.family, value), prefix: subnet.prefix };
}

/** Whether an address (any prefix ignored) lies inside a subnet. */
export function subnetContains(subnet: Cidr, address: { family: 4 | 6; address: string }): boolean {
  if (subnet.family !== address.family) return false;
  return networkOf({ ...address, prefix: subnet.prefix }).address === networkOf(subnet).address;
}

export function subnetsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const prefix = Math.min(a.prefix, b.prefix);
  return networkOf({ ...a, prefix }).address === networkOf({ ...b, prefix }).address;
}

/** A subnet as the numbers it spans: from `first` up to, not including, `end`. */
export interface AddressRange {
  family: 4 | 6;
  first: bigint;
  end: bigint;
}

export function addressRange(subnet: Cidr): AddressRange {
  const first = addressValue(networkOf(subnet));
  return { family: subnet.family, first, end: first + subnetSize(subnet) };
}

/** subnetsOverlap on ranges worked out once, for comparing many subnets with each other. */
export const rangesOverlap = (a: AddressRange, b: AddressRange): boolean => a.family === b.family && a.first < b.end && b.first < a.end;

/** IPv4 network or broadcast address of a subnet with room for both (prefix up to /30). */
export function isNetworkOrBroadcast(address: Cidr): boolean {
  if (address.family !== 4 || address.prefix > 30) return false;
  const value = addressValue(address);
  const network = addressValue(networkOf(address));
  return value === network || value === network + subnetSize(address) - 1n;
}

/** How many addresses a subnet spans. */
export function subnetSize(subnet: Cidr): bigint {
  return 1n << BigInt(BITS[subnet.family] - subnet.prefix);
}

export function addressValue(address: { family: 4 | 6; address: string }): bigint {
  if (address.family === 4) {
    return address.address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  }
  return ipv6Value(address.address);
}

export function addressText(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const hextets: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) hextets.push(((value >> shift) & 0xffffn).toString(16));
  // networkOf with a full-length prefix prints IPv6 the way iproute2 does
  return networkOf({ family: 6, address: hextets.join(':'), prefix: 128 }).address;
}

function ipv6Value(address: string): bigint {
  let text = address;
  const v4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4Tail) {
    const [hi, lo] = [Number(v4Tail[1]) * 256 + Number(v4Tail[2]), Number(v4Tail[3]) * 256 + Number(v4Tail[4])];
    text = `${text.slice(0, v4Tail.index)}${hi.toString(16)}:${lo.toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...zeros, ...tailParts].reduce((acc, part) => (acc << 16n) | BigInt(parseInt(part, 16)), 0n);
}

function deriveLink(link: LinkSpec): DesiredLink {
  const [a, b] = linkAddresses(link);
  return { a: { ...link.a, address: a }, b: { ...link.b, address: b } };
}

/** An address as it goes in a URL: IPv6 in brackets. */
export function urlHost(address: { family: 4 | 6; address: string }): string {
  return address.family === 6 ? `[${address.address}]` : address.address;
}

export function sameDestination(a: RouteDestination, b: RouteDestination): boolean {
  if (a.kind === 'default') return b.kind === 'default' && a.family === b.family;
  if (b.kind === 'default') return false;
  return a.prefix.family === b.prefix.family && a.prefix.prefix === b.prefix.prefix && networkOf(a.prefix).address === networkOf(b.prefix).address;
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

/** A prefix as numbers: its network address's value and its length. */
interface Block {
  value: bigint;
  prefix: number;
}

const blockOf = (subnet: Cidr): Block => ({ value: addressValue(networkOf(subnet)), prefix: subnet.prefix });

/**
 * Pure: the fewest prefixes whose union is exactly the union of `subnets`
 * (one family), ordered by the first subnet each covers. Two halves of a
 * prefix merge into it only when both are present, so a summary never claims
 * an address outside the subnets and every address keeps its next hop.
 */
export function exactCover(subnets: readonly Cidr[]): Cidr[] {
  const family = subnets[0]?.family ?? 4;
  return coverBlocks(family, subnets.map(blockOf)).map((b) => ({ family, address: addressText(family, b.value), prefix: b.prefix }));
}

function coverBlocks(family: 4 | 6, blocks: readonly Block[]): Block[] {
  const bits = BITS[family];
  const sizeOf = (prefix: number) => 1n << BigInt(bits - prefix);
  // by address, the wider first: a block starting inside the last one kept is nested in it
  const byPrefix = new Map<number, Set<bigint>>();
  let end = -1n;
  const byAddress = (x: Block, y: Block) => (x.value === y.value ? x.prefix - y.prefix : x.value < y.value ? -1 : 1);
  const sorted = blocks.every((b, i) => i === 0 || byAddress(blocks[i - 1]!, b) <= 0) ? blocks : [...blocks].sort(byAddress);
  for (const b of sorted) {
    if (b.value < end) continue;
    end = b.value + sizeOf(b.prefix);
    const level = byPrefix.get(b.prefix) ?? new Set<bigint>();
    level.add(b.value);
    byPrefix.set(b.prefix, level);
  }
  // from the longest prefix up, two halves present become their parent
  for (let prefix = bits; prefix > 0; prefix--) {
    const level = byPrefix.get(prefix);
    if (!level) continue;
    const size = sizeOf(prefix);
    for (const value of [...level]) {
      if ((value & size) !== 0n || !level.has(value + size)) continue;
      level.delete(value);
      level.delete(value + size);
      const parent = byPrefix.get(prefix - 1) ?? new Set<bigint>();
      parent.add(value);
      byPrefix.set(prefix - 1, parent);
    }
  }
  const cover = [...byPrefix].flatMap(([prefix, values]) => [...values].map((value) => ({ value, prefix }))).sort((x, y) => (x.value < y.value ? -1 : 1));
  // in the order of the first block each one covers (a binary search: cover blocks are disjoint)
  const covering = (value: bigint): Block => {
    let lo = 0;
    let hi = cover.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cover[mid]!.value <= value) lo = mid;
      else hi = mid - 1;
    }
    return cover[lo]!;
  };
  const ordered = new Set<Block>();
  let last: Block | undefined;
  for (const b of blocks) {
    // neighbours in a chain's link order mostly fall in the same cover block
    if (!last || b.value < last.value || b.value >= last.value + sizeOf(last.prefix)) last = covering(b.value);
    ordered.add(last);
  }
  return [...ordered];
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
