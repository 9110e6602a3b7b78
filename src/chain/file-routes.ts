/**
 * The chain file's `routes:` section: each gateway a neighbour's address, no
 * route to a node's own link subnet, and no loop with the derived routes.
 */
import type { RouteDestination } from '../parse/koro.js';
import { formatCidr, networkOf, parseCidr, parseIp } from '../parse/values.js';
import { Fields, readList, readText, type Field, type Source } from '../parse/yaml-file.js';
import { deriveChain } from './derive.js';
import { addressValue, sameDestination, subnetContains, subnetsOverlap } from './subnets.js';
import { KnownNodes, MAX_PREFIX, quote } from './file-values.js';
import type { DesiredRoute, LinkSpec, NodeSpec, RouteSpec } from './model.js';

export const ROUTE_FIELDS = ['node', 'to', 'via', 'dev'] as const;
const ROUTE_SHAPE = '{ node, to: default | PREFIX, via: ADDRESS, dev: IF }';

/** A route of the file with where its destination is written, for messages. */
interface ReadRoute {
  spec: RouteSpec;
  path: string;
  toField: Field;
}

export function readRoutes(source: Source, field: Field, known: KnownNodes): ReadRoute[] {
  const routes: ReadRoute[] = [];
  for (const item of readList(source, field, `routes, each ${ROUTE_SHAPE}`)) {
    const fields = new Fields(source, item, ROUTE_FIELDS, ROUTE_SHAPE);
    const node = known.check(source, fields.required('node', 'the node the route is on'));
    const viaField = fields.required('via', "the gateway, a neighbour's address");
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
export function checkRouteLoops(source: Source, nodes: readonly NodeSpec[], links: readonly LinkSpec[], routes: readonly ReadRoute[]): void {
  if (routes.length === 0) return;
  const desired = deriveChain({ name: 'loop-check', nodes: [...nodes], links: [...links], routes: routes.map((r) => r.spec), firewall: [], probes: [] });
  const ends = desired.links.flatMap((link) => [link.a, link.b]);
  for (const { spec, toField } of routes) {
    const { destination } = spec;
    const family = destination.kind === 'default' ? destination.family : destination.prefix.family;
    // the packet: to the destination's first address, or (default) to an address no subnet holds
    const to = destination.kind === 'prefix' ? destination.prefix : undefined;
    const matches = (d: RouteDestination) =>
      d.kind === 'default' ? d.family === family : to !== undefined && d.prefix.prefix <= to.prefix && subnetContains(d.prefix, to);
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
    source.fail(
      viaField.node,
      viaField.path,
      `${via.address} is on ${node}'s ${end.ifname} subnet, but the neighbour there, ${end.peer.node}, has ${end.peer.address.address}`,
    );
  }
}

/** The kernel already routes a node's own link subnets; adding one again fails with "File exists". */
function checkNotOnLink(source: Source, field: Field, node: string, destination: RouteDestination, known: KnownNodes): void {
  if (destination.kind === 'default') return;
  const end = known.endsOf(node).find((e) => sameDestination({ kind: 'prefix', prefix: networkOf(e.address) }, destination));
  if (end) source.fail(field.node, field.path, `${formatTo(destination)} is the subnet of ${node}'s ${end.ifname}; it needs no route`);
}
