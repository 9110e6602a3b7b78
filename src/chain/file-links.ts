/**
 * The chain file's `links:` section: veth pairs between two nodes, each with
 * a subnet or a pair of addresses, no interface used twice, no subnets overlapping.
 */
import { isSeq } from 'yaml';
import { checkInterfaceName, formatCidr, networkOf, parseCidr, type Cidr } from '../parse/values.js';
import { Fields, fieldPath, readList, readText, type Field, type Source } from '../parse/yaml-file.js';
import { linkSubnet } from './derive.js';
import { addressRange, addressValue, isNetworkOrBroadcast, rangesOverlap, subnetContains, type AddressRange } from './subnets.js';
import { KnownNodes, MAX_PREFIX, quote, readInteger } from './file-values.js';
import type { LinkEndSpec, LinkSpec, NodeSpec } from './model.js';

export const LINK_FIELDS = ['a', 'b', 'subnet', 'addresses', 'vni', 'mtu'] as const;
const LINK_SHAPE = '[A-NODE:IF, B-NODE:IF, SUBNET], [A-NODE:IF, B-NODE:IF, A-ADDRESS, B-ADDRESS] or { a, b, subnet | addresses }';

/** Where a link came from, for messages about later links. */
interface ReadLink {
  spec: LinkSpec;
  path: string;
  subnet: Cidr;
  /** The subnet as numbers: comparing a thousand links with each other by text took seconds. */
  range: AddressRange;
}

export function readLinks(source: Source, field: Field, nodes: readonly NodeSpec[]): LinkSpec[] {
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
    for (const [end, endField] of [
      [a, parts.a],
      [b, parts.b],
    ] as const) {
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
    const range = addressRange(subnet);
    const overlapped = links.find((earlier) => rangesOverlap(earlier.range, range));
    if (overlapped) {
      source.fail(subnetField.node, subnetField.path, `${formatCidr(subnet)} overlaps ${formatCidr(overlapped.subnet)} of ${overlapped.path}`);
    }
    for (const key of ['vni', 'mtu'] as const) {
      const f = parts.vxlan?.[key];
      if (!f) continue;
      const [hostA, hostB] = [a, b].map((end) => nodes.find((n) => n.name === end.node)?.host);
      if (hostA === hostB)
        source.fail(f.node, f.path, `is for links between two hosts (a vxlan); ${a.node} and ${b.node} are ${hostA ? `both on ${hostA}` : 'on one host'}`);
      spec[key] = key === 'vni' ? readInteger(source, f, 1, VNI_MAX, 'a VNI') : readInteger(source, f, 68, 65535, 'an MTU');
    }
    const vniTaken = spec.vni !== undefined ? links.find((earlier) => earlier.spec.vni === spec.vni) : undefined;
    if (vniTaken) source.fail(parts.vxlan!.vni!.node, parts.vxlan!.vni!.path, `VNI ${spec.vni} is already the VNI of ${vniTaken.path}`);
    links.push({ spec, path: item.path, subnet, range });
  }
  return links.map((link) => link.spec);
}

/** A link's fields, whichever form it was written in; addresses as the pair and each one. */
type LinkParts = { a: Field; b: Field; vxlan?: { vni?: Field; mtu?: Field } } & ({ subnet: Field } | { addresses: Field; addressFields: [Field, Field] });

/** The largest VNI: 24 bits. */
export const VNI_MAX = 16_777_215;

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
  const [vni, mtu] = [fields.optional('vni'), fields.optional('mtu')];
  const vxlan = { ...(vni ? { vni } : {}), ...(mtu ? { mtu } : {}) };
  if (subnet && addresses) source.fail(addresses.node, addresses.path, 'give subnet or addresses, not both');
  if (subnet) return { a, b, subnet, vxlan };
  if (!addresses) source.fail(item.node, fieldPath(item.path, 'subnet'), "missing (the link's subnet, e.g. 10.0.1.0/24, or addresses: [A, B])");
  const pair = readList(source, addresses, 'two addresses [A, B]');
  if (pair.length !== 2) source.fail(addresses.node, addresses.path, `has ${pair.length} addresses; it must be two, [A's, B's]`);
  return { a, b, addresses, addressFields: [pair[0]!, pair[1]!], vxlan };
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
  for (const [cidr, field] of [
    [a, aField],
    [b, bField],
  ] as const) {
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
