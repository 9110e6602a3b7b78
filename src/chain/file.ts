/**
 * Chain files: nodes, the veth links between them and what to check, in YAML.
 *
 *   name: service-chain                 # letters, digits, _ . -
 *   nodes:                              # each a network namespace (or a Docker container)
 *     - client                          # a bare name, or a mapping:
 *     - name: webserver
 *       serve: { port: 80, body: "<title>hi</title>" }   # an HTTP server in the node; port defaults to 80
 *       image: chainmail-test:busybox   # Docker only
 *       command: [sleep, "2000000"]     # Docker only; a list of words, or one string split on spaces
 *   links:                              # veth pairs, NODE:INTERFACE at each end
 *     - [client:link1, firewall:link2, 10.0.1.0/24]                # [A, B, SUBNET]: A gets .1, B .2
 *     - [router:link5, webserver:link6, 10.0.3.1/24, 10.0.3.2/24]  # [A, B, A's ADDRESS, B's ADDRESS]
 *     - { a: firewall:link3, b: router:link4, subnet: 10.0.2.0/24 }
 *     - { a: x:eth1, b: y:eth1, addresses: [2001:db8::1/64, 2001:db8::2/64] }
 *   routes:                             # optional: extra to the derived ones (replacing one to the same place)
 *     - { node: client, to: default, via: 10.0.1.2 }   # to: default | PREFIX | ADDRESS; dev: optional
 *   forwarding: [firewall, router]      # optional: by default every node on two or more links forwards
 *   firewall:                           # optional: rules added to the node's FORWARD chain
 *     - { node: firewall, rule: "-p icmp -j DROP" }    # words split on spaces; a list for words with spaces
 *   probes:                             # optional: what `chain status` checks
 *     - { from: client, http: webserver }              # http: NODE | ADDRESS | URL
 *     - { from: client, ping: 10.0.3.2, expect: fail } # ping: NODE | ADDRESS; expect: ok (default) | fail | HTTP status
 *
 * Mistakes are a ChainFileError naming the file, the line and the field:
 *   examples/x.yaml:7: links[1].a: "firewall" is not a node (nodes: client, router)
 */
import { ruleWordProblem } from '../parse/iptables-rule.js';
import { imageProblem } from '../parse/values.js';
import { isScalar, isSeq } from 'yaml';
import type { RouteDestination } from '../parse/koro.js';
import { nearestWord } from '../parse/nearest.js';
import {
  checkContainerName,
  checkInterfaceName,
  checkNetnsName,
  formatCidr,
  networkOf,
  parseCidr,
  parseIp,
  type Cidr,
} from '../parse/values.js';
import { Fields, fieldPath, isAbsent, parseYamlFile, readList, readText, readYamlFile, YamlFileError, type Field, type Source, type YamlFileFormat } from '../parse/yaml-file.js';
import {
  addressValue,
  deriveChain,
  isNetworkOrBroadcast,
  linkAddresses,
  linkSubnet,
  sameDestination,
  subnetContains,
  subnetsOverlap,
} from './derive.js';
import type { ChainSpec, DesiredRoute, FirewallRuleSpec, LinkEndSpec, LinkSpec, NodeSpec, ProbeSpec, RouteSpec } from './model.js';

export class ChainFileError extends YamlFileError {}

const CHAIN_FILE: YamlFileFormat = {
  kind: 'chain',
  error: ChainFileError,
  nearestField: (key, known) => nearestWord(key.toLowerCase(), known, key.length <= 3 ? 1 : 2),
};

export function loadChainFile(path: string): ChainSpec {
  return parseChainText(readYamlFile(path, CHAIN_FILE.kind), path);
}

/** Pure: the chain a file's text describes, checked. */
export function parseChainText(text: string, fileName: string): ChainSpec {
  const { source, root } = parseYamlFile(text, fileName, CHAIN_FILE);
  return readChain(source, root);
}

// ---------------------------------------------------------------------------
// Reading YAML nodes

/** Words: a list, or one string split on spaces (no quoting). */
function readWords(source: Source, field: Field, what: string): string[] {
  const words = isSeq(field.node)
    ? readList(source, field, what).map((item) => readText(source, item, 'a word'))
    : readText(source, field, `${what}: a list of words or one string`).split(/\s+/).filter(Boolean);
  if (words.length === 0) source.fail(field.node, field.path, `is empty; it must be ${what}`);
  return words;
}

function readInteger(source: Source, field: Field, min: number, max: number, what: string): number {
  const text = readText(source, field, `${what} (${min}-${max})`);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) source.fail(field.node, field.path, `${text} is not ${what} (${min}-${max})`);
  return value;
}

const quote = (text: string) => JSON.stringify(text);

// ---------------------------------------------------------------------------
// The chain

const TOP_FIELDS = ['name', 'nodes', 'links', 'routes', 'forwarding', 'firewall', 'probes'];
const CHAIN_SHAPE = 'name, nodes, links (and optionally routes, forwarding, firewall, probes)';

function readChain(source: Source, root: unknown): ChainSpec {
  if (isAbsent(root)) source.fail(root, '', `the file is empty; a chain file has ${CHAIN_SHAPE}`);
  const top = new Fields(source, { node: root, path: '' }, TOP_FIELDS, CHAIN_SHAPE);
  const name = readChainName(source, top.required('name', 'the chain\'s name'));
  const nodes = readNodes(source, top.required('nodes', 'the list of nodes'));
  const links = readLinks(source, top.required('links', 'the list of links, e.g. - [client:link1, firewall:link2, 10.0.1.0/24]'), nodes);
  const known = new KnownNodes(nodes, links);
  const routesField = top.optional('routes');
  const forwardingField = top.optional('forwarding');
  const firewallField = top.optional('firewall');
  const probesField = top.optional('probes');
  const routes = routesField ? readRoutes(source, routesField, known) : [];
  checkRouteLoops(source, nodes, links, routes);
  return {
    name,
    file: source.file,
    nodes,
    links,
    routes: routes.map((r) => r.spec),
    ...(forwardingField ? { forwarding: readForwarding(source, forwardingField, known) } : {}),
    firewall: firewallField ? readFirewall(source, firewallField, known) : [],
    probes: probesField ? readProbes(source, probesField, known) : [],
  };
}

function readChainName(source: Source, field: Field): string {
  const name = readText(source, field, 'the chain\'s name');
  const valid = checkNetnsName(name);
  if (!valid.ok) source.fail(field.node, field.path, `${quote(name)} is not a valid chain name: ${valid.reason}`);
  return name;
}

/** The nodes and links read so far, for checking what refers to them. */
class KnownNodes {
  constructor(
    readonly nodes: readonly NodeSpec[],
    readonly links: readonly LinkSpec[],
  ) {}

  has(name: string): boolean {
    return this.nodes.some((node) => node.name === name);
  }

  notANode(name: string): string {
    return `${quote(name)} is not a node (nodes: ${this.nodes.map((node) => node.name).join(', ')})`;
  }

  check(source: Source, field: Field): string {
    const name = readText(source, field, 'a node name');
    if (!this.has(name)) source.fail(field.node, field.path, this.notANode(name));
    return name;
  }

  /** The node's link ends with their addresses, in link order. */
  endsOf(node: string): { ifname: string; address: Cidr; peer: LinkEndSpec & { address: Cidr } }[] {
    return this.links.flatMap((link) => {
      const [a, b] = linkAddresses(link);
      if (link.a.node === node) return [{ ifname: link.a.ifname, address: a, peer: { ...link.b, address: b } }];
      if (link.b.node === node) return [{ ifname: link.b.ifname, address: b, peer: { ...link.a, address: a } }];
      return [];
    });
  }
}

// ---------------------------------------------------------------------------
// Nodes

const NODE_FIELDS = ['name', 'image', 'command', 'serve'];
const NODE_SHAPE = '{ name, image, command, serve }, or just a name';

function readNodes(source: Source, field: Field): NodeSpec[] {
  const items = readList(source, field, `nodes, each ${NODE_SHAPE}`);
  if (items.length === 0) source.fail(field.node, field.path, 'is empty; a chain needs nodes');
  const nodes: NodeSpec[] = [];
  const seen = new Map<string, string>();
  for (const item of items) {
    const { node, nameField } = readNode(source, item);
    const earlier = seen.get(node.name);
    if (earlier) source.fail(nameField.node, nameField.path, `${quote(node.name)} is already a node (${earlier})`);
    seen.set(node.name, item.path);
    nodes.push(node);
  }
  return nodes;
}

function readNode(source: Source, item: Field): { node: NodeSpec; nameField: Field } {
  if (isScalar(item.node)) return { node: { name: readNodeName(source, item) }, nameField: item };
  const fields = new Fields(source, item, NODE_FIELDS, NODE_SHAPE);
  const nameField = fields.required('name', 'the node\'s name');
  const node: NodeSpec = { name: readNodeName(source, nameField) };
  const image = fields.optional('image');
  if (image) node.image = readImage(source, image);
  const command = fields.optional('command');
  if (command) node.command = readWords(source, command, 'the command the container runs');
  const serve = fields.optional('serve');
  if (serve) node.serve = readServe(source, serve);
  return { node, nameField };
}

/** A node is a namespace or a container of that name, so it must be valid as both. */
function readNodeName(source: Source, field: Field): string {
  const name = readText(source, field, 'a node name');
  for (const check of [checkNetnsName, checkContainerName]) {
    const valid = check(name);
    if (!valid.ok) source.fail(field.node, field.path, `${quote(name)} is not a valid node name: ${valid.reason}`);
  }
  if (parseIp(name).ok) source.fail(field.node, field.path, `${quote(name)} is an address; a node name must not be one (probes could not tell them apart)`);
  return name;
}

function readImage(source: Source, field: Field): string {
  const image = readText(source, field, 'a Docker image');
  const problem = imageProblem(image);
  if (problem) source.fail(field.node, field.path, problem);
  return image;
}

function readServe(source: Source, field: Field): { port: number; body?: string } {
  const fields = new Fields(source, field, ['port', 'body'], '{ port: 80, body: "<title>...</title>" }');
  const port = fields.optional('port');
  const body = fields.optional('body');
  return {
    port: port ? readInteger(source, port, 1, 65535, 'a port') : 80,
    ...(body ? { body: readText(source, body, 'the page served') } : {}),
  };
}

// ---------------------------------------------------------------------------
// Links

const LINK_FIELDS = ['a', 'b', 'subnet', 'addresses'];
const LINK_SHAPE = '[A-NODE:IF, B-NODE:IF, SUBNET], [A-NODE:IF, B-NODE:IF, A-ADDRESS, B-ADDRESS] or { a, b, subnet | addresses }';
const MAX_PREFIX = { 4: 32, 6: 128 } as const;

/** Where a link came from, for messages about later links. */
interface ReadLink {
  spec: LinkSpec;
  path: string;
  subnet: Cidr;
}

function readLinks(source: Source, field: Field, nodes: readonly NodeSpec[]): LinkSpec[] {
  const items = readList(source, field, `links, each ${LINK_SHAPE}`);
  if (items.length === 0) source.fail(field.node, field.path, 'is empty; a chain needs at least one link');
  const known = new KnownNodes(nodes, []);
  const links: ReadLink[] = [];
  const interfaces = new Map<string, string>();
  for (const item of items) {
    const parts = linkParts(source, item);
    const a = readLinkEnd(source, parts.a, known);
    const b = readLinkEnd(source, parts.b, known);
    if (a.node === b.node) source.fail(parts.b.node, parts.b.path, `both ends are on ${a.node}; a link joins two different nodes`);
    for (const [end, endField] of [[a, parts.a], [b, parts.b]] as const) {
      const key = `${end.node}:${end.ifname}`;
      const earlier = interfaces.get(key);
      if (earlier) source.fail(endField.node, endField.path, `${end.node} already has an interface ${quote(end.ifname)} (${earlier})`);
      interfaces.set(key, endField.path);
    }
    const spec: LinkSpec = { a, b };
    if ('subnet' in parts) spec.subnet = readSubnet(source, parts.subnet);
    else spec.addresses = readAddressPair(source, parts.addresses, parts.addressFields);
    const subnetField = 'subnet' in parts ? parts.subnet : parts.addresses;
    const subnet = linkSubnet(spec);
    const overlapped = links.find((earlier) => subnetsOverlap(earlier.subnet, subnet));
    if (overlapped) {
      source.fail(subnetField.node, subnetField.path, `${formatCidr(subnet)} overlaps ${formatCidr(overlapped.subnet)} of ${overlapped.path}`);
    }
    links.push({ spec, path: item.path, subnet });
  }
  return links.map((link) => link.spec);
}

/** A link's fields, whichever form it was written in; addresses as the pair and each one. */
type LinkParts = { a: Field; b: Field } & ({ subnet: Field } | { addresses: Field; addressFields: [Field, Field] });

/** The short form [a, b, subnet] / [a, b, addrA, addrB], or the mapping form, as the same parts. */
function linkParts(source: Source, item: Field): LinkParts {
  if (isSeq(item.node)) {
    const values = readList(source, item, 'link ends and a subnet').map((f) => f.node);
    if (values.length !== 3 && values.length !== 4) source.fail(item.node, item.path, `has ${values.length} items; a link is ${LINK_SHAPE}`);
    const part = (i: number, path: string): Field => ({ node: values[i], path: fieldPath(item.path, path) });
    if (values.length === 3) return { a: part(0, 'a'), b: part(1, 'b'), subnet: part(2, 'subnet') };
    const addresses = { node: item.node, path: fieldPath(item.path, 'addresses') };
    return { a: part(0, 'a'), b: part(1, 'b'), addresses, addressFields: [part(2, 'addresses[0]'), part(3, 'addresses[1]')] };
  }
  const fields = new Fields(source, item, LINK_FIELDS, LINK_SHAPE);
  const a = fields.required('a', 'one end, NODE:INTERFACE');
  const b = fields.required('b', 'the other end, NODE:INTERFACE');
  const subnet = fields.optional('subnet');
  const addresses = fields.optional('addresses');
  if (subnet && addresses) source.fail(addresses.node, addresses.path, 'give subnet or addresses, not both');
  if (subnet) return { a, b, subnet };
  if (!addresses) source.fail(item.node, fieldPath(item.path, 'subnet'), 'missing (the link\'s subnet, e.g. 10.0.1.0/24, or addresses: [A, B])');
  const pair = readList(source, addresses, 'two addresses [A, B]');
  if (pair.length !== 2) source.fail(addresses.node, addresses.path, `has ${pair.length} addresses; it must be two, [A's, B's]`);
  return { a, b, addresses, addressFields: [pair[0]!, pair[1]!] };
}

function readLinkEnd(source: Source, field: Field, known: KnownNodes): LinkEndSpec {
  const text = readText(source, field, 'NODE:INTERFACE');
  const parts = text.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    source.fail(field.node, field.path, `${quote(text)} must be NODE:INTERFACE (e.g. client:link1)`);
  }
  const [node, ifname] = parts as [string, string];
  if (!known.has(node)) source.fail(field.node, field.path, known.notANode(node));
  const valid = checkInterfaceName(ifname);
  if (!valid.ok) source.fail(field.node, field.path, `${quote(ifname)} is not a valid interface name: ${valid.reason}`);
  return { node, ifname };
}

function readCidr(source: Source, field: Field, what: string): Cidr {
  const text = readText(source, field, what);
  const parsed = parseCidr(text);
  if (!parsed.ok) source.fail(field.node, field.path, `${quote(text)} is not ${what}: ${parsed.reason}`);
  return parsed.value;
}

function readSubnet(source: Source, field: Field): Cidr {
  const subnet = readCidr(source, field, 'a subnet');
  const network = networkOf(subnet);
  if (addressValue(network) !== addressValue(subnet)) {
    source.fail(field.node, field.path, `${formatCidr(subnet)} has host bits set; did you mean ${formatCidr(network)}?`);
  }
  checkRoomForTwo(source, field, subnet);
  return network;
}

/** /31 and /127 are point-to-point subnets with two addresses; /32 and /128 hold one. */
function checkRoomForTwo(source: Source, field: Field, cidr: Cidr): void {
  if (cidr.prefix === 0) source.fail(field.node, field.path, `${formatCidr(cidr)} is the whole address space; a link needs a subnet of its own`);
  if (cidr.prefix === MAX_PREFIX[cidr.family]) {
    source.fail(field.node, field.path, `${formatCidr(cidr)} has room for one address; a link needs two (/${MAX_PREFIX[cidr.family] - 1} or shorter)`);
  }
}

function readAddressPair(source: Source, pair: Field, [aField, bField]: [Field, Field]): [Cidr, Cidr] {
  const [a, b] = [readCidr(source, aField, 'an address'), readCidr(source, bField, 'an address')];
  for (const [cidr, field] of [[a, aField], [b, bField]] as const) {
    checkRoomForTwo(source, field, cidr);
    if (isNetworkOrBroadcast(cidr)) {
      const which = addressValue(cidr) === addressValue(networkOf(cidr)) ? 'network' : 'broadcast';
      source.fail(field.node, field.path, `${formatCidr(cidr)} is the ${which} address of ${formatCidr(networkOf(cidr))}`);
    }
  }
  const both = `${formatCidr(a)} and ${formatCidr(b)}`;
  const fail = (problem: string) => source.fail(pair.node, pair.path, problem);
  if (a.family !== b.family) fail(`${both} are not of one address family`);
  if (a.prefix !== b.prefix) fail(`${both} have different prefix lengths`);
  if (addressValue(a) === addressValue(b)) fail(`both ends have ${formatCidr(a)}`);
  if (!subnetContains(networkOf(a), b)) fail(`${both} are not in one subnet (${formatCidr(networkOf(a))}, ${formatCidr(networkOf(b))})`);
  return [a, b];
}

// ---------------------------------------------------------------------------
// Routes

const ROUTE_FIELDS = ['node', 'to', 'via', 'dev'];
const ROUTE_SHAPE = '{ node, to: default | PREFIX, via: ADDRESS, dev: IF }';

/** A route of the file with where its destination is written, for messages. */
interface ReadRoute {
  spec: RouteSpec;
  path: string;
  toField: Field;
}

function readRoutes(source: Source, field: Field, known: KnownNodes): ReadRoute[] {
  const routes: ReadRoute[] = [];
  for (const item of readList(source, field, `routes, each ${ROUTE_SHAPE}`)) {
    const fields = new Fields(source, item, ROUTE_FIELDS, ROUTE_SHAPE);
    const node = known.check(source, fields.required('node', 'the node the route is on'));
    const viaField = fields.required('via', 'the gateway, a neighbour\'s address');
    const toField = fields.required('to', 'default, a prefix or an address');
    const devField = fields.optional('dev');
    const via = readAddress(source, viaField);
    const destination = readDestination(source, toField, via.family);
    const destinationFamily = destination.kind === 'default' ? destination.family : destination.prefix.family;
    if (destinationFamily !== via.family) {
      source.fail(viaField.node, viaField.path, `${via.address} is IPv${via.family} but ${formatTo(destination)} is IPv${destinationFamily}`);
    }
    const dev = devField ? readText(source, devField, 'an interface name') : undefined;
    checkGateway(source, { node, via, dev, viaField, devField }, known);
    checkNotOnLink(source, toField, node, destination, known);
    const earlier = routes.find((r) => r.spec.node === node && sameDestination(r.spec.destination, destination));
    if (earlier) source.fail(toField.node, toField.path, `${node} already has a route to ${formatTo(destination)} (${earlier.path})`);
    routes.push({ spec: { node, destination, via: via.address, ...(dev ? { dev } : {}) }, path: item.path, toField });
  }
  return routes;
}

/**
 * The file's routes must not send a packet round in a circle (a -> b -> a),
 * alone or together with the derived ones: follow each one hop by hop, the
 * way the kernels would for its destination, until the packet reaches a node
 * on the destination's subnet, a node with no route for it, or a node it has
 * passed already.
 */
function checkRouteLoops(source: Source, nodes: readonly NodeSpec[], links: readonly LinkSpec[], routes: readonly ReadRoute[]): void {
  if (routes.length === 0) return;
  const desired = deriveChain({ name: 'loop-check', nodes: [...nodes], links: [...links], routes: routes.map((r) => r.spec), firewall: [], probes: [] });
  const ends = desired.links.flatMap((link) => [link.a, link.b]);
  for (const { spec, toField } of routes) {
    const { destination } = spec;
    const family = destination.kind === 'default' ? destination.family : destination.prefix.family;
    // the packet: to the destination's first address, or (default) to an address no subnet holds
    const to = destination.kind === 'prefix' ? destination.prefix : undefined;
    const matches = (d: RouteDestination) => (d.kind === 'default' ? d.family === family : to !== undefined && d.prefix.prefix <= to.prefix && subnetContains(d.prefix, to));
    const path = [spec.node];
    let via: string | undefined = spec.via;
    while (via !== undefined) {
      const gateway: string = via;
      const next: string | undefined = ends.find((end) => end.address.address === gateway)?.node;
      if (next === undefined) break;
      if (path.includes(next)) {
        source.fail(toField.node, toField.path, `${formatTo(destination)} goes round in a loop: ${[...path, next].join(' -> ')} (no node on the way has it on a link)`);
      }
      path.push(next);
      if (to && ends.some((end) => end.node === next && subnetsOverlap(networkOf(end.address), to))) break;
      const best: DesiredRoute | undefined = desired.routes
        .filter((r) => r.node === next && matches(r.destination))
        .sort((x, y) => prefixLength(y.destination) - prefixLength(x.destination))[0];
      via = best?.via;
    }
  }
}

const prefixLength = (d: RouteDestination) => (d.kind === 'default' ? -1 : d.prefix.prefix);

function readAddress(source: Source, field: Field): { family: 4 | 6; address: string } {
  const text = readText(source, field, 'an address');
  const ip = parseIp(text);
  if (!ip.ok) source.fail(field.node, field.path, `${quote(text)} is not an address`);
  return ip.value;
}

/** As koro reads it: `default`, a prefix, or a bare address (a host route). */
function readDestination(source: Source, field: Field, viaFamily: 4 | 6): RouteDestination {
  const text = readText(source, field, 'default, a prefix or an address');
  if (text === 'default') return { kind: 'default', family: viaFamily };
  const bare = parseIp(text);
  const cidr = bare.ok ? parseCidr(`${text}/${MAX_PREFIX[bare.value.family]}`) : parseCidr(text);
  if (!cidr.ok) source.fail(field.node, field.path, `${quote(text)} is not default, a prefix or an address: ${cidr.reason}`);
  const network = networkOf(cidr.value);
  if (addressValue(network) !== addressValue(cidr.value)) {
    source.fail(field.node, field.path, `${text} has host bits set; did you mean ${formatCidr(network)}?`);
  }
  return network.prefix === 0 ? { kind: 'default', family: network.family } : { kind: 'prefix', prefix: network };
}

const formatTo = (d: RouteDestination) => (d.kind === 'default' ? 'default' : formatCidr(d.prefix));

/** A gateway must be the neighbour's address across one of the node's links (the one named by dev, if given). */
function checkGateway(
  source: Source,
  route: { node: string; via: { family: 4 | 6; address: string }; dev?: string; viaField: Field; devField?: Field },
  known: KnownNodes,
): void {
  const { node, via, dev, viaField, devField } = route;
  const ends = known.endsOf(node);
  if (dev !== undefined && !ends.some((end) => end.ifname === dev)) {
    source.fail(devField!.node, devField!.path, `${node} has no interface ${quote(dev)} (its interfaces: ${ends.map((e) => e.ifname).join(', ') || 'none'})`);
  }
  const candidates = ends.filter((end) => dev === undefined || end.ifname === dev);
  const end = candidates.find((e) => subnetContains(e.address, via));
  if (!end) {
    const subnets = candidates.map((e) => formatCidr(networkOf(e.address))).join(', ') || 'none';
    const where = dev !== undefined ? `${node}'s ${dev} subnet (${subnets})` : `any link of ${node} (its subnets: ${subnets})`;
    source.fail(viaField.node, viaField.path, `${via.address} is not on ${where}`);
  }
  const value = addressValue(via);
  if (value === addressValue(end.address)) {
    source.fail(viaField.node, viaField.path, `${via.address} is ${node}'s own address on ${end.ifname}; via must be a neighbour's`);
  }
  if (value !== addressValue(end.peer.address)) {
    source.fail(viaField.node, viaField.path,
      `${via.address} is on ${node}'s ${end.ifname} subnet, but the neighbour there, ${end.peer.node}, has ${end.peer.address.address}`);
  }
}

/** The kernel already routes a node's own link subnets; adding one again fails with "File exists". */
function checkNotOnLink(source: Source, field: Field, node: string, destination: RouteDestination, known: KnownNodes): void {
  if (destination.kind === 'default') return;
  const end = known.endsOf(node).find((e) => sameDestination({ kind: 'prefix', prefix: networkOf(e.address) }, destination));
  if (end) source.fail(field.node, field.path, `${formatTo(destination)} is the subnet of ${node}'s ${end.ifname}; it needs no route`);
}

// ---------------------------------------------------------------------------
// Forwarding, firewall rules

function readForwarding(source: Source, field: Field, known: KnownNodes): string[] {
  const names: string[] = [];
  for (const item of readList(source, field, 'node names')) {
    const name = known.check(source, item);
    if (names.includes(name)) source.fail(item.node, item.path, `${name} is listed twice`);
    names.push(name);
  }
  return names;
}

function readFirewall(source: Source, field: Field, known: KnownNodes): FirewallRuleSpec[] {
  const shape = '{ node, rule: "-p icmp -j DROP" }';
  return readList(source, field, `rules, each ${shape}`).map((item) => {
    const fields = new Fields(source, item, ['node', 'rule'], shape);
    const node = known.check(source, fields.required('node', 'the node whose FORWARD chain gets the rule'));
    const ruleField = fields.required('rule', 'iptables matches and a target, e.g. "-p icmp -j DROP"');
    const rule = readWords(source, ruleField, 'iptables matches and a target');
    for (const word of rule) {
      const problem = ruleWordProblem(word);
      if (problem) source.fail(ruleField.node, ruleField.path, problem);
    }
    return { node, rule };
  });
}

// ---------------------------------------------------------------------------
// Probes

const PROBE_FIELDS = ['from', 'http', 'ping', 'expect'];
const PROBE_SHAPE = '{ from: NODE, http: NODE | ADDRESS | URL } or { from: NODE, ping: NODE | ADDRESS }, with expect: ok | fail | STATUS';

function readProbes(source: Source, field: Field, known: KnownNodes): ProbeSpec[] {
  return readList(source, field, `probes, each ${PROBE_SHAPE}`).map((item) => {
    const fields = new Fields(source, item, PROBE_FIELDS, PROBE_SHAPE);
    const from = known.check(source, fields.required('from', 'the node the probe runs in'));
    const http = fields.optional('http');
    const ping = fields.optional('ping');
    const target = http ?? ping;
    if (http && ping) source.fail(ping.node, ping.path, 'give http or ping, not both');
    if (!target) source.fail(item.node, fieldPath(item.path, 'http'), 'missing (what to probe: http: NODE | ADDRESS | URL, or ping: NODE | ADDRESS)');
    const kind = http ? 'http' : 'ping';
    const to = readProbeTarget(source, target, kind, known);
    const expectField = fields.optional('expect');
    const expect = expectField ? readExpect(source, expectField, kind) : 'ok';
    return { from, kind, to, expect };
  });
}

function readProbeTarget(source: Source, field: Field, kind: 'http' | 'ping', known: KnownNodes): string {
  const text = readText(source, field, kind === 'http' ? 'a node, an address or a URL' : 'a node or an address');
  const fail = (problem: string) => source.fail(field.node, field.path, problem);
  if (parseIp(text).ok) return text;
  if (text.includes('://') || text.includes('/')) {
    if (kind === 'ping') fail(`${quote(text)}: ping takes a node or an address, not a URL`);
    checkUrl(text, fail);
    return text;
  }
  if (!known.has(text)) fail(kind === 'http' ? `${known.notANode(text)}, an address or a URL` : `${known.notANode(text)} or an address`);
  if (known.endsOf(text).length === 0) fail(`${text} is on no link, so it has no address to probe`);
  return text;
}

function checkUrl(text: string, fail: (problem: string) => never): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail(`${quote(text)} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`${quote(text)} is not an http:// or https:// URL`);
  if (!url.hostname) fail(`${quote(text)} has no host`);
}

function readExpect(source: Source, field: Field, kind: 'http' | 'ping'): ProbeSpec['expect'] {
  const text = readText(source, field, 'ok, fail or an HTTP status');
  if (text === 'ok' || text === 'fail') return text;
  if (kind === 'ping') source.fail(field.node, field.path, `${quote(text)} is not ok or fail (what a ping must do)`);
  const status = Number(text);
  if (!/^\d{3}$/.test(text) || status < 100 || status > 599) {
    source.fail(field.node, field.path, `${quote(text)} is not ok, fail or an HTTP status (100-599)`);
  }
  return status;
}
