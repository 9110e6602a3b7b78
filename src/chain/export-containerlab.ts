/**
 * The containerlab export: a topology file (`*.clab.yml`) of `kind: linux`
 * nodes that rebuild a chain, or the live host's veth links. What every node
 * shares (kind, image, network mode) is said once, in `topology.defaults`;
 * forwarding is the node's `sysctls:`; addresses, routes, firewall rules and
 * a declared web server are its `exec:` lines. docs/containerlab.md says
 * how each part maps and what the image must provide.
 */
import { Document, isSeq, Scalar } from 'yaml';
import { formatCidr } from '../parse/values.js';
import type { EndRef } from '../topology/model.js';
import { kindText, type LiveLink, type LiveNode } from './export-live.js';
import { Names, routeDestination } from './export-shared.js';
import type { DesiredChain, DesiredRoute } from './model.js';
import { servePage } from './serve-page.js';

/** The image of a containerlab node when neither --image nor the chain file names one. */
export const DEFAULT_EXPORT_IMAGE = 'chainmail-test:busybox';

/** Where an exported node's web server serves from: made by its exec lines, so no image needs it. */
export const SERVE_ROOT = '/var/www/chainmail';

export interface ExportOptions {
  /** containerlab: the image of every node, over the chain file's (as with `chain up --image`). */
  image?: string;
  /** containerlab, a chain across hosts: the host whose lab this is (the chain given is its part, chain/hosts.ts). */
  host?: string;
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
  const notes = [
    options.host === undefined
      ? `chainmail chain ${JSON.stringify(chain.name)}, for containerlab deploy`
      : `chainmail chain ${JSON.stringify(chain.name)}, host ${options.host}'s part, for containerlab deploy on that host`,
    ...names.renamedNotes(),
  ];
  const vxlans = chain.vxlans ?? [];
  if (vxlans.length > 0) notes.push('links to nodes on other hosts are vxlan links: each host deploys its own lab, and the vxlans meet on udp-port 4789');
  const hasIpv6 = chain.links.some((link) => link.a.address.family === 6);
  if (chain.firewall.length > 0) notes.push('the firewall rules are iptables exec lines: the image needs iptables');
  if (chain.probes.length > 0) notes.push("probes are chainmail's own (chain status); containerlab does not run them");
  const nodes = chain.nodes.map((node): LabNode => {
    const exec: string[] = [];
    const ends = [...chain.links.flatMap((link) => [link.a, link.b]), ...vxlans].filter((e) => e.node === node.name);
    for (const e of ends) exec.push(`ip addr add ${formatCidr(e.address)} dev ${e.ifname}`);
    for (const route of chain.routes.filter((r) => r.node === node.name)) exec.push(routeCommand(route));
    for (const rule of chain.firewall.filter((r) => r.node === node.name)) {
      exec.push(shellLine(['iptables', '-A', 'FORWARD', ...rule.rule]));
    }
    if (node.serve) {
      exec.push(...serveCommands(node.name, node.serve));
      notes.push(`${names.of(node.name)} serves HTTP on port ${node.serve.port} with busybox httpd: its image needs sh, mkdir and httpd`);
    }
    return {
      name: names.of(node.name),
      image: options.image ?? node.image ?? DEFAULT_EXPORT_IMAGE,
      ...(node.command ? { cmd: shellLine(node.command) } : {}),
      ...(chain.forwarding.includes(node.name) ? { sysctls: forwardingSysctls(hasIpv6) } : {}),
      exec,
    };
  });
  const endpoint = (e: { node: string; ifname: string }) => `${names.of(e.node)}:${e.ifname}`;
  return {
    name: clabName(options.host === undefined ? chain.name : `${chain.name}-${options.host}`),
    notes,
    nodes,
    links: chain.links.map((link) => [endpoint(link.a), endpoint(link.b)]),
    vxlans: vxlans.map((v) => ({ node: names.of(v.node), interface: v.ifname, remote: v.remote, vni: v.vni, port: v.port, mtu: v.mtu })),
  };
}

/** Set when containerlab creates the container, as `docker run --sysctl` does: no writable /proc/sys needed. */
function forwardingSysctls(ipv6: boolean): Record<string, number> {
  return { 'net.ipv4.ip_forward': 1, ...(ipv6 ? { 'net.ipv6.conf.all.forwarding': 1 } : {}) };
}

/**
 * The web root made and its page written (by sh, for the redirection; the
 * page goes in as an argument, so it is quoted once, for containerlab's
 * splitter), then busybox httpd started without `-f`: it daemonizes, so the
 * exec line ends (containerlab waits for each) and the server outlives it.
 */
function serveCommands(name: string, serve: { port: number; body?: string }): string[] {
  return [
    `mkdir -p ${SERVE_ROOT}`,
    // a line of text for containerlab to run in the node (chainmail runs no shell)
    `sh -c ${shellLine([`printf %s "$1" > ${SERVE_ROOT}/index.html`])} sh ${shellLine([servePage(name, serve.body)])}`,
    `httpd -p ${serve.port} -h ${SERVE_ROOT}`,
  ];
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
  sysctls?: Record<string, number>;
  exec: string[];
}

interface Lab {
  name: string;
  /** Comment lines at the top of the file. */
  notes: string[];
  nodes: LabNode[];
  /** Endpoints `node:ifname`. */
  links: Array<[string, string]>;
  /** Ends of links to other hosts: containerlab's vxlan link type. */
  vxlans?: LabVxlan[];
}

interface LabVxlan {
  node: string;
  interface: string;
  remote: string;
  vni: number;
  port: number;
  mtu: number;
}

/** Endpoint node names containerlab gives a meaning of its own. */
const CLAB_RESERVED = new Set(['host', 'mgmt-net', 'macvlan']);

/** Container names: `[A-Za-z0-9][A-Za-z0-9_.-]*` (containerlab makes `clab-LAB-NODE` of them). */
function clabName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return safe === '' ? 'node' : safe;
}

export function containerlabText(lab: Lab): string {
  const image = commonest(lab.nodes.map((node) => node.image)) ?? DEFAULT_EXPORT_IMAGE;
  // without a management network: its default route would clash with the chain's, and it would be a second path between nodes
  const defaults = { kind: 'linux', image, 'network-mode': 'none' };
  const nodes: Record<string, unknown> = {};
  for (const node of lab.nodes) {
    nodes[node.name] = {
      ...(node.image !== image ? { image: node.image } : {}),
      ...(node.cmd !== undefined ? { cmd: clabText(node.cmd) } : {}),
      ...(node.sysctls !== undefined ? { sysctls: node.sysctls } : {}),
      ...(node.exec.length > 0 ? { exec: node.exec.map(clabText) } : {}),
    };
  }
  // containerlab reads a vxlan's port as udp-port (its own default is 14789, not koko's 4789)
  const vxlanLinks = (lab.vxlans ?? []).map((v) => ({
    type: 'vxlan',
    endpoint: { node: v.node, interface: v.interface },
    remote: v.remote,
    vni: v.vni,
    'udp-port': v.port,
    mtu: v.mtu,
  }));
  const links = [...lab.links.map((endpoints) => ({ endpoints })), ...vxlanLinks];
  const topology = { defaults, nodes, ...(links.length > 0 ? { links } : {}) };
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

/** The value most items have; the first of those tied. */
function commonest(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

/** containerlab expands `$VAR` anywhere in the file before reading it; `$$` is its escape for a `$`. */
function clabText(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

/** Words joined for a command line; words a shell (or containerlab's splitter) would break are single-quoted. */
function shellLine(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_.,:/=@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
