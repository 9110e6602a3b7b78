/**
 * The containerlab export: a topology file (`*.clab.yml`) of `kind: linux`
 * nodes whose `exec:` lines rebuild a chain, or the live host's veth links.
 */
import { Document, isSeq, Scalar } from 'yaml';
import { formatCidr } from '../parse/values.js';
import type { EndRef } from '../topology/model.js';
import { kindText, type LiveLink, type LiveNode } from './export-live.js';
import { Names, routeDestination } from './export-shared.js';
import type { DesiredChain, DesiredRoute } from './model.js';

/** The image of a containerlab node when neither --image nor the chain file names one. */
export const DEFAULT_EXPORT_IMAGE = 'chainmail-test:busybox';

export interface ExportOptions {
  /** containerlab: the image of every node, over the chain file's. */
  image?: string;
}

export interface TopologyExportOptions extends ExportOptions {
  /** containerlab: the lab's name (default `chainmail`). */
  name?: string;
}

export function chainLab(chain: DesiredChain, options: ExportOptions): Lab {
  const names = new Names(
    chain.nodes.map((node) => node.name),
    clabName,
    CLAB_RESERVED,
    '-',
  );
  const notes = [`chainmail chain ${JSON.stringify(chain.name)}, for containerlab deploy`, ...names.renamedNotes()];
  const nodes = chain.nodes.map((node): LabNode => {
    const exec: string[] = [];
    const ends = chain.links.flatMap((link) => [link.a, link.b]).filter((e) => e.node === node.name);
    for (const e of ends) exec.push(`ip addr add ${formatCidr(e.address)} dev ${e.ifname}`);
    for (const route of chain.routes.filter((r) => r.node === node.name)) exec.push(routeCommand(route));
    if (chain.forwarding.includes(node.name)) {
      exec.push('sysctl -w net.ipv4.ip_forward=1');
      if (ends.some((e) => e.address.family === 6)) exec.push('sysctl -w net.ipv6.conf.all.forwarding=1');
    }
    for (const rule of chain.firewall.filter((r) => r.node === node.name)) {
      exec.push(shellLine(['iptables', '-A', 'FORWARD', ...rule.rule]));
    }
    if (node.serve) notes.push(`${node.name} serves HTTP on port ${node.serve.port} under chainmail; containerlab does not start that server`);
    return {
      name: names.of(node.name),
      image: options.image ?? node.image ?? DEFAULT_EXPORT_IMAGE,
      ...(node.command ? { cmd: shellLine(node.command) } : {}),
      exec,
    };
  });
  const endpoint = (e: { node: string; ifname: string }) => `${names.of(e.node)}:${e.ifname}`;
  return { name: clabName(chain.name), notes, nodes, links: chain.links.map((link) => [endpoint(link.a), endpoint(link.b)]) };
}

function routeCommand(route: DesiredRoute): string {
  const d = route.destination;
  const ip = (d.kind === 'default' ? d.family : d.prefix.family) === 6 ? 'ip -6' : 'ip';
  return `${ip} route add ${routeDestination(route)} via ${route.via} dev ${route.dev}`;
}

/**
 * Veth links only: containerlab makes veth pairs, and a link to the host
 * is its `host:IFNAME` endpoint. What cannot be rebuilt is said in comments.
 */
export function liveLab(view: { nodes: LiveNode[]; links: LiveLink[] }, options: TopologyExportOptions): Lab {
  const labNodes = view.nodes.filter((node) => node.target?.ns.kind !== 'host');
  const names = new Names(
    labNodes.map((node) => node.name),
    clabName,
    CLAB_RESERVED,
    '-',
  );
  const notes = ['chainmail: the live host, for containerlab deploy (links and addresses; routes and forwarding are not read)', ...names.renamedNotes()];
  const isHost = (name: string) => view.nodes.some((node) => node.name === name && node.target?.ns.kind === 'host');
  const veths = view.links.filter((link) => link.kind === 'veth');
  for (const link of view.links) {
    if (link.kind !== 'veth') notes.push(`not exported: ${kindText(link)} ${link.a.target}:${link.a.ifname} on ${link.b.target}:${link.b.ifname}`);
  }
  for (const e of veths.flatMap((link) => [link.a, link.b])) {
    if (isHost(e.target) && e.addresses.length > 0) notes.push(`on the host, ${e.ifname} had ${e.addresses.join(', ')}; containerlab leaves it without`);
  }
  const nodes = labNodes.map((node): LabNode => ({
    name: names.of(node.name),
    image: options.image ?? DEFAULT_EXPORT_IMAGE,
    exec: veths
      .flatMap((link) => [link.a, link.b])
      .filter((e) => e.target === node.name)
      .flatMap((e) => e.addresses.map((address) => `ip addr add ${address} dev ${e.ifname}`)),
  }));
  const endpoint = (e: EndRef) => `${isHost(e.target) ? 'host' : names.of(e.target)}:${e.ifname}`;
  return {
    name: clabName(options.name ?? 'chainmail'),
    notes,
    nodes,
    links: veths.map((link) => [endpoint(link.a), endpoint(link.b)]),
  };
}

interface LabNode {
  name: string;
  image: string;
  cmd?: string;
  exec: string[];
}

interface Lab {
  name: string;
  /** Comment lines at the top of the file. */
  notes: string[];
  nodes: LabNode[];
  /** Endpoints `node:ifname`. */
  links: Array<[string, string]>;
}

/** Endpoint node names containerlab gives a meaning of its own. */
const CLAB_RESERVED = new Set(['host', 'mgmt-net', 'macvlan']);

/** Container names: `[A-Za-z0-9][A-Za-z0-9_.-]*` (containerlab makes `clab-LAB-NODE` of them). */
function clabName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return safe === '' ? 'node' : safe;
}

export function containerlabText(lab: Lab): string {
  const nodes: Record<string, unknown> = {};
  for (const node of lab.nodes) {
    nodes[node.name] = {
      kind: 'linux',
      image: node.image,
      'network-mode': 'none',
      ...(node.cmd !== undefined ? { cmd: node.cmd } : {}),
      ...(node.exec.length > 0 ? { exec: node.exec } : {}),
    };
  }
  const topology = { nodes, ...(lab.links.length > 0 ? { links: lab.links.map((endpoints) => ({ endpoints })) } : {}) };
  // YAML 1.1 rules for quoting, so that `no`, `on`, `yes` stay strings for any reader
  const doc = new Document({ name: lab.name, topology }, { version: '1.1' });
  lab.links.forEach((_, i) => {
    const endpoints = doc.getIn(['topology', 'links', i, 'endpoints'], true);
    if (!isSeq(endpoints)) return;
    endpoints.flow = true;
    for (const item of endpoints.items) (item as Scalar).type = Scalar.QUOTE_DOUBLE;
  });
  doc.commentBefore = lab.notes.map((line) => ` ${line}`).join('\n');
  return doc.toString({ lineWidth: 0 });
}

/** Words joined for a command line; words a shell (or containerlab's splitter) would break are single-quoted. */
function shellLine(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_.,:/=@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
