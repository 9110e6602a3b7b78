/**
 * Pure: the story's repair, automated. When nodes die, their live neighbours
 * are joined directly by new links (fresh subnets, fresh interface names),
 * and the chain without the dead nodes is what gets derived and applied.
 */
import { ChainmailError, EXIT_USAGE } from '../errors.js';
import { formatCidr, networkOf, parseIp, type Cidr } from '../parse/values.js';
import { linkAddresses, linkSubnet } from './derive.js';
import { addressText, addressValue, subnetContains, subnetSize, subnetsOverlap } from './subnets.js';
import type { ChainSpec, LinkSpec, ProbeSpec, RouteSpec } from './model.js';

export interface BypassPlan {
  /** The chain without the dead nodes, their links and entries, with the new links last. */
  spec: ChainSpec;
  newLinks: LinkSpec[];
  /** What was decided that the user should hear about, one sentence each. */
  notes: string[];
}

export function planBypass(spec: ChainSpec, dead: string[], usedSubnets: Cidr[] = []): BypassPlan {
  checkDeadNames(spec, dead);
  const deadSet = new Set(dead);
  const notes: string[] = [];
  const survivingLinks = spec.links.filter((link) => !deadSet.has(link.a.node) && !deadSet.has(link.b.node));
  const taken = [...spec.links.map(linkSubnet), ...usedSubnets];
  const names = new InterfaceNames(spec);
  const newLinks: LinkSpec[] = [];

  for (const group of deadGroups(spec, deadSet)) {
    const template = spec.links.find((link) => touchesAny(link, group));
    if (!template) {
      notes.push(`${listOf(group)} ${group.length > 1 ? 'were' : 'was'} on no link: removed`);
      continue;
    }
    for (const [a, b] of pairsToJoin(spec, group, [...survivingLinks, ...newLinks], notes)) {
      const subnet = freshSubnet(linkSubnet(template), taken);
      taken.push(subnet);
      const link: LinkSpec = { a: { node: a, ifname: names.next() }, b: { node: b, ifname: names.next() }, subnet };
      newLinks.push(link);
      notes.push(`joined ${a} and ${b} around ${listOf(group)}: ${a}:${link.a.ifname} - ${b}:${link.b.ifname}, ${formatCidr(subnet)}`);
    }
  }

  const healed: ChainSpec = {
    ...spec,
    nodes: spec.nodes.filter((node) => !deadSet.has(node.name)),
    links: [...survivingLinks, ...newLinks],
    firewall: spec.firewall.filter((rule) => !deadSet.has(rule.node)),
  };
  healed.routes = keptRoutes(spec.routes, healed, deadSet, notes);
  healed.probes = keptProbes(spec, healed, deadSet, notes);
  if (spec.forwarding) healed.forwarding = keptForwarding(spec.forwarding, healed, newLinks, deadSet, notes);
  return { spec: healed, newLinks, notes };
}

function checkDeadNames(spec: ChainSpec, dead: readonly string[]): void {
  for (const name of dead) {
    if (!spec.nodes.some((node) => node.name === name)) {
      const known = spec.nodes.map((node) => node.name).join(', ');
      throw new ChainmailError(`cannot bypass "${name}": it is not a node of ${spec.name} (nodes: ${known})`, EXIT_USAGE);
    }
  }
}

const touchesAny = (link: LinkSpec, nodes: readonly string[]) => nodes.includes(link.a.node) || nodes.includes(link.b.node);

const listOf = (names: readonly string[]) => (names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/**
 * Dead nodes linked to each other die as one: the live nodes around the
 * whole group are joined (two dead nodes in a row are bypassed together).
 */
function deadGroups(spec: ChainSpec, deadSet: ReadonlySet<string>): string[][] {
  const groups: string[][] = [];
  const grouped = new Set<string>();
  for (const node of spec.nodes) {
    if (!deadSet.has(node.name) || grouped.has(node.name)) continue;
    const group = [node.name];
    grouped.add(node.name);
    for (let i = 0; i < group.length; i++) {
      for (const peer of neighboursOf(spec, group[i]!)) {
        if (deadSet.has(peer) && !grouped.has(peer)) {
          grouped.add(peer);
          group.push(peer);
        }
      }
    }
    groups.push(spec.nodes.map((n) => n.name).filter((name) => group.includes(name)));
  }
  return groups;
}

function neighboursOf(spec: ChainSpec, node: string): string[] {
  return spec.links.flatMap((link) => (link.a.node === node ? [link.b.node] : link.b.node === node ? [link.a.node] : []));
}

/**
 * The live neighbours of a dead group, in file order, as pairs to link: one
 * pair for two neighbours; for more, a path (a star needs the dead centre).
 * Neighbours already linked to each other need no new link.
 */
function pairsToJoin(spec: ChainSpec, group: readonly string[], liveLinks: readonly LinkSpec[], notes: string[]): [string, string][] {
  const around = new Set(group.flatMap((dead) => neighboursOf(spec, dead)).filter((name) => !group.includes(name)));
  const neighbours = spec.nodes.map((node) => node.name).filter((name) => around.has(name));
  if (neighbours.length < 2) {
    const left = neighbours.length === 0 ? 'no live neighbours' : `one live neighbour, ${neighbours[0]}`;
    notes.push(`${listOf(group)} had ${left}: removed, nothing to join`);
    return [];
  }
  if (neighbours.length > 2) {
    notes.push(
      `${listOf(group)} joined ${neighbours.length} nodes (${neighbours.join(', ')}); without it they cannot form a star, ` +
        `so they are linked as a path in file order: ${neighbours.join(' - ')}`,
    );
  }
  const pairs: [string, string][] = [];
  for (let i = 1; i < neighbours.length; i++) {
    const [a, b] = [neighbours[i - 1]!, neighbours[i]!];
    const linked = liveLinks.some((link) => touchesAny(link, [a]) && touchesAny(link, [b]));
    if (linked) notes.push(`${a} and ${b} are already linked: no new link between them`);
    else pairs.push([a, b]);
  }
  return pairs;
}

/** `link<N>` names, numbered on from the highest `link<N>` anywhere in the chain, so none is taken on any node. */
class InterfaceNames {
  private number: number;

  constructor(spec: ChainSpec) {
    const numbers = spec.links.flatMap((link) => [link.a.ifname, link.b.ifname]).map((name) => /^link(\d+)$/.exec(name)?.[1]);
    this.number = Math.max(0, ...numbers.filter((n) => n !== undefined).map(Number));
  }

  next(): string {
    this.number += 1;
    return `link${this.number}`;
  }
}

/**
 * The first subnet of the template's family and size after the template that
 * overlaps none taken (10.0.1.0/24 with .2 and .3 taken gives 10.0.4.0/24);
 * past the end of the address space the search goes on from its start.
 */
export function freshSubnet(template: Cidr, taken: readonly Cidr[]): Cidr {
  const size = subnetSize(template);
  const end = 1n << BigInt(template.family === 4 ? 32 : 128);
  const start = addressValue(networkOf(template));
  let value = start + size;
  let wrapped = false;
  for (;;) {
    if (value >= end && !wrapped) [value, wrapped] = [0n, true];
    if (wrapped && value >= start) break;
    const candidate: Cidr = { family: template.family, address: addressText(template.family, value), prefix: template.prefix };
    const blocker = taken.find((subnet) => subnetsOverlap(subnet, candidate));
    if (!blocker) return candidate;
    // a bigger taken subnet is skipped whole rather than one candidate at a time
    value = [value + size, addressValue(networkOf(blocker)) + subnetSize(blocker)].reduce((x, y) => (x > y ? x : y));
  }
  throw new ChainmailError(`no free /${template.prefix} subnet left for a new link (all overlap the chain's or those in use)`, EXIT_USAGE);
}

/** File routes of live nodes whose gateway is still across one of their links. */
function keptRoutes(routes: readonly RouteSpec[], healed: ChainSpec, deadSet: ReadonlySet<string>, notes: string[]): RouteSpec[] {
  return routes.filter((route) => {
    if (deadSet.has(route.node)) return false;
    const via = parseIp(route.via);
    const stillReachable =
      via.ok && endsOf(healed, route.node).some((end) => (route.dev === undefined || route.dev === end.ifname) && subnetContains(end.address, via.value));
    if (!stillReachable) notes.push(`the route on ${route.node} via ${route.via} is dropped: its link is gone`);
    return stillReachable;
  });
}

function endsOf(spec: ChainSpec, node: string): { ifname: string; address: Cidr }[] {
  return spec.links.flatMap((link) => {
    const [a, b] = linkAddresses(link);
    return [
      { ...link.a, address: a },
      { ...link.b, address: b },
    ].filter((end) => end.node === node);
  });
}

/** Probes between live nodes, except those aimed at an address that went with a removed link. */
function keptProbes(spec: ChainSpec, healed: ChainSpec, deadSet: ReadonlySet<string>, notes: string[]): ProbeSpec[] {
  const kept = new Set(healed.links);
  const goneAddresses = spec.links.filter((link) => !kept.has(link)).flatMap((link) => linkAddresses(link).map(addressValueOf));
  return spec.probes.filter((probe) => {
    if (deadSet.has(probe.from) || deadSet.has(probe.to)) return false;
    const address = probeAddress(probe.to);
    const gone = address !== undefined && goneAddresses.some((value) => value === address);
    if (gone) notes.push(`the ${probe.kind} probe from ${probe.from} to ${probe.to} is dropped: that address went with its link`);
    return !gone;
  });
}

const addressValueOf = (cidr: Cidr) => `${cidr.family}/${addressValue(cidr)}`;

/** The address a probe aims at when written as one (or as a URL's host); undefined for node names. */
function probeAddress(to: string): string | undefined {
  let host = to;
  if (to.includes('://')) {
    try {
      host = new URL(to).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return undefined;
    }
  }
  const ip = parseIp(host);
  return ip.ok ? addressValueOf({ ...ip.value, prefix: 0 }) : undefined;
}

/**
 * An explicit forwarding list loses the dead nodes; a node that now joins
 * two or more links through a new one must forward for the bypass to work.
 */
function keptForwarding(forwarding: readonly string[], healed: ChainSpec, newLinks: readonly LinkSpec[], deadSet: ReadonlySet<string>, notes: string[]): string[] {
  const kept = forwarding.filter((name) => !deadSet.has(name));
  for (const node of healed.nodes) {
    const joined = newLinks.some((link) => touchesAny(link, [node.name]));
    const linkCount = healed.links.filter((link) => touchesAny(link, [node.name])).length;
    if (joined && linkCount >= 2 && !kept.includes(node.name)) {
      kept.push(node.name);
      notes.push(`${node.name} now forwards: the bypass goes through it`);
    }
  }
  return kept;
}
