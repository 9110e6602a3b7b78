/**
 * Pure: a chain (what it means) or the live host (what is there) written out
 * for other tools.
 *
 * - containerlab: a topology file (`*.clab.yml`) that `containerlab deploy`
 *   turns back into the chain. Every node is a `kind: linux` container with
 *   `network-mode: none` (no management network: its default route would
 *   clash with the chain's, and it would be a second path between nodes);
 *   its `exec:` lines add the addresses, routes, forwarding and firewall rules.
 * - mermaid: a `graph LR` flowchart, one node per target and one edge per link.
 * - json: a stable shape, described at ChainJson and TopologyJson.
 *
 * Names are made safe for the format they go into (mermaid ids, container
 * names); wherever that changes a name, the original is still shown (mermaid
 * labels) or said (containerlab comments).
 */
import { Document, isSeq, Scalar } from 'yaml';
import { formatDestination } from '../parse/koro.js';
import { formatCidr, networkOf } from '../parse/values.js';
import { isChainLink } from '../render/chain-input.js';
import type { EndRef, TargetState, Topology, TopologyLink } from '../topology/model.js';
import type { DesiredChain, DesiredLinkEnd, DesiredRoute } from './model.js';

export const EXPORT_FORMATS = ['containerlab', 'mermaid', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

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

// ---------------------------------------------------------------------------
// JSON shapes

/**
 * `exportChain(chain, 'json')`. Addresses are CIDRs (`10.0.1.1/24`); a
 * route's destination is a prefix (`10.0.3.0/24`) or `default`, with its
 * family. Optional node fields appear only when the chain file sets them.
 */
export interface ChainJson {
  name: string;
  nodes: Array<{
    name: string;
    forwarding: boolean;
    image?: string;
    command?: string[];
    serve?: { port: number; body?: string };
  }>;
  links: Array<{ a: ChainJsonEnd; b: ChainJsonEnd }>;
  routes: Array<{ node: string; destination: string; family: 4 | 6; via: string; dev: string; origin: 'derived' | 'file' }>;
  firewall: Array<{ node: string; rule: string[] }>;
  probes: Array<{ from: string; kind: 'ping' | 'http'; target: string; expect: 'ok' | 'fail' | number }>;
}

export interface ChainJsonEnd {
  node: string;
  ifname: string;
  address: string;
}

/**
 * `exportTopology(topology, 'json')`: the targets drawn (see liveView) and
 * their links. `kind` is the target's (docker, netns, pid, path, host);
 * `state` is `up`, `stopped` (a container not running) or `gone` (a
 * namespace that could not be read, `error` says why, or that vanished).
 */
export interface TopologyJson {
  nodes: Array<{ name: string; kind?: TargetState['ns']['kind']; status: string; state: LiveState; error?: string }>;
  links: Array<{
    kind: TopologyLink['kind'];
    a: TopologyJsonEnd;
    b: TopologyJsonEnd;
    vni?: number;
    remote?: string;
    vlanId?: number;
    mode?: string;
  }>;
}

export interface TopologyJsonEnd {
  node: string;
  ifname: string;
  addresses: string[];
}

// ---------------------------------------------------------------------------
// Entry points

export function exportChain(chain: DesiredChain, format: ExportFormat, options: ExportOptions = {}): string {
  switch (format) {
    case 'containerlab':
      return containerlabText(chainLab(chain, options));
    case 'mermaid':
      return mermaidText(chainGraph(chain));
    case 'json':
      return jsonText(chainJson(chain));
  }
}

export function exportTopology(topology: Topology, format: ExportFormat, options: TopologyExportOptions = {}): string {
  const view = liveView(topology);
  switch (format) {
    case 'containerlab':
      return containerlabText(liveLab(view, options));
    case 'mermaid':
      return mermaidText(liveGraph(view));
    case 'json':
      return jsonText(liveJson(view));
  }
}

const jsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

// ---------------------------------------------------------------------------
// The chain

function chainJson(chain: DesiredChain): ChainJson {
  const end = (e: DesiredLinkEnd): ChainJsonEnd => ({ node: e.node, ifname: e.ifname, address: formatCidr(e.address) });
  return {
    name: chain.name,
    nodes: chain.nodes.map((node) => ({
      name: node.name,
      forwarding: chain.forwarding.includes(node.name),
      ...(node.image !== undefined ? { image: node.image } : {}),
      ...(node.command !== undefined ? { command: [...node.command] } : {}),
      ...(node.serve !== undefined ? { serve: { ...node.serve } } : {}),
    })),
    links: chain.links.map((link) => ({ a: end(link.a), b: end(link.b) })),
    routes: chain.routes.map((route) => ({
      node: route.node,
      destination: routeDestination(route),
      family: route.destination.kind === 'default' ? route.destination.family : route.destination.prefix.family,
      via: route.via,
      dev: route.dev,
      origin: route.origin,
    })),
    firewall: chain.firewall.map((rule) => ({ node: rule.node, rule: [...rule.rule] })),
    probes: chain.probes.map((probe) => ({ from: probe.from, kind: probe.kind, target: probe.target, expect: probe.expect })),
  };
}

/** `default`, or the prefix with host bits cleared (the kernel refuses `10.0.3.7/24` as a route). */
function routeDestination(route: DesiredRoute): string {
  const d = route.destination;
  return d.kind === 'default' ? formatDestination(d) : formatCidr(networkOf(d.prefix));
}

function chainLab(chain: DesiredChain, options: ExportOptions): Lab {
  const names = new Names(chain.nodes.map((node) => node.name), clabName, CLAB_RESERVED, '-');
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

function chainGraph(chain: DesiredChain): Graph {
  return {
    nodes: chain.nodes.map((node) => ({ name: node.name, label: node.name, down: false })),
    edges: chain.links.map((link) => ({
      a: link.a.node,
      b: link.b.node,
      label: `${link.a.ifname} ${link.a.address.address} — ${link.b.address.address} ${link.b.ifname}`,
      dotted: false,
    })),
  };
}

// ---------------------------------------------------------------------------
// The live host

export type LiveState = 'up' | 'stopped' | 'gone';

export interface LiveNode {
  name: string;
  target?: TargetState;
  state: LiveState;
}

/** A link of the view: both ends known. */
export type LiveLink = TopologyLink & { b: EndRef };

/**
 * What of the live host is exported. Links: veth pairs between two different
 * targets (not Docker's own bridge plumbing), and vxlan/vlan/macvlan
 * interfaces as links to their parent where it was found. Nodes, in target
 * order: every target other than the host with such a link, every container
 * that is not running and every namespace that could not be read (to be
 * shown down), and the host only when one of the links ends there.
 */
export function liveView(topology: Topology): { nodes: LiveNode[]; links: LiveLink[] } {
  const links = topology.links.filter((link): link is LiveLink =>
    link.kind === 'veth' ? isChainLink(link) : link.b !== undefined);
  const linked = new Set(links.flatMap((link) => [link.a.target, link.b.target]));
  const nodes: LiveNode[] = [];
  for (const target of topology.targets) {
    const name = target.ns.label;
    const state = targetState(target);
    if (linked.has(name) || (target.ns.kind !== 'host' && state !== 'up')) nodes.push({ name, target, state });
  }
  // a link to a target the topology does not list (it went while being read)
  for (const name of linked) if (!nodes.some((node) => node.name === name)) nodes.push({ name, state: 'gone' });
  return { nodes, links };
}

function targetState(target: TargetState): LiveState {
  if (target.error !== undefined) return 'gone';
  return target.ns.kind === 'docker' && target.status !== 'running' ? 'stopped' : 'up';
}

function liveJson(view: { nodes: LiveNode[]; links: LiveLink[] }): TopologyJson {
  const end = (e: EndRef): TopologyJsonEnd => ({ node: e.target, ifname: e.ifname, addresses: [...e.addresses] });
  return {
    nodes: view.nodes.map((node) => ({
      name: node.name,
      ...(node.target ? { kind: node.target.ns.kind } : {}),
      status: node.target?.status ?? 'gone',
      state: node.state,
      ...(node.target?.error !== undefined ? { error: node.target.error } : {}),
    })),
    links: view.links.map((link) => ({
      kind: link.kind,
      a: end(link.a),
      b: end(link.b),
      ...(link.vni !== undefined ? { vni: link.vni } : {}),
      ...(link.remote !== undefined ? { remote: link.remote } : {}),
      ...(link.vlanId !== undefined ? { vlanId: link.vlanId } : {}),
      ...(link.mode !== undefined ? { mode: link.mode } : {}),
    })),
  };
}

function liveGraph(view: { nodes: LiveNode[]; links: LiveLink[] }): Graph {
  return {
    nodes: view.nodes.map((node) => ({
      name: node.name,
      label: node.state === 'up' ? node.name : `${node.name} (${node.state === 'stopped' ? node.target!.status : 'gone'})`,
      down: node.state !== 'up',
    })),
    edges: view.links.map((link) => {
      const ends = `${endText(link.a)} — ${endText(link.b, false)}`;
      return { a: link.a.target, b: link.b.target, label: link.kind === 'veth' ? ends : `${kindText(link)}: ${ends}`, dotted: link.kind !== 'veth' };
    }),
  };
}

/** `link1 10.0.1.1` (or `10.0.1.2 link2` for the far end): an interface and its addresses, without prefixes. */
function endText(e: EndRef, ifnameFirst = true): string {
  const addresses = e.addresses.map((a) => a.split('/')[0]!);
  return (ifnameFirst ? [e.ifname, ...addresses] : [...addresses, e.ifname]).join(' ');
}

function kindText(link: TopologyLink): string {
  if (link.kind === 'vxlan') return link.vni !== undefined ? `vxlan ${link.vni}` : 'vxlan';
  if (link.kind === 'vlan') return link.vlanId !== undefined ? `vlan ${link.vlanId}` : 'vlan';
  return link.mode !== undefined ? `macvlan ${link.mode}` : 'macvlan';
}

/**
 * Veth links only: containerlab makes veth pairs, and a link to the host
 * is its `host:IFNAME` endpoint. What cannot be rebuilt is said in comments.
 */
function liveLab(view: { nodes: LiveNode[]; links: LiveLink[] }, options: TopologyExportOptions): Lab {
  const labNodes = view.nodes.filter((node) => node.target?.ns.kind !== 'host');
  const names = new Names(labNodes.map((node) => node.name), clabName, CLAB_RESERVED, '-');
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

// ---------------------------------------------------------------------------
// containerlab

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

function containerlabText(lab: Lab): string {
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

// ---------------------------------------------------------------------------
// mermaid

interface Graph {
  nodes: Array<{ name: string; label: string; down: boolean }>;
  edges: Array<{ a: string; b: string; label: string; dotted: boolean }>;
}

/** Words mermaid flowcharts read as keywords, so not usable as node ids. */
const MERMAID_RESERVED = new Set(['end', 'graph', 'flowchart', 'subgraph', 'direction', 'class', 'classdef', 'style', 'linkstyle', 'click', 'call', 'href', 'default']);

/** Mermaid ids: letters, digits and `_`, not starting with a digit, not a keyword. */
function mermaidId(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (id === '' || /^[0-9]/.test(id)) id = `n_${id}`;
  return MERMAID_RESERVED.has(id.toLowerCase()) ? `${id}_` : id;
}

/** Text inside a mermaid "string": quotes and pipes as entity codes. */
const mermaidString = (text: string) => `"${text.replace(/"/g, '#quot;').replace(/\|/g, '#124;')}"`;

function mermaidText(graph: Graph): string {
  const ids = new Names(graph.nodes.map((node) => node.name), mermaidId, new Set(), '_');
  const lines = ['graph LR'];
  for (const node of graph.nodes) {
    const label = /^[A-Za-z0-9_.-]+$/.test(node.label) ? node.label : mermaidString(node.label);
    lines.push(`  ${ids.of(node.name)}[${label}]`);
  }
  for (const edge of graph.edges) {
    lines.push(`  ${ids.of(edge.a)} ${edge.dotted ? '-.-' : '---'}|${mermaidString(edge.label)}| ${ids.of(edge.b)}`);
  }
  const down = graph.nodes.filter((node) => node.down);
  if (down.length > 0) {
    lines.push('  classDef down fill:#eee,stroke:#999,stroke-dasharray:5 5,color:#999');
    lines.push(`  class ${down.map((node) => ids.of(node.name)).join(',')} down`);
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------

/**
 * Names made safe for a format, and unique: a second name that comes out the
 * same gets `-2` (or `_2`), and so on. Names not given up front (a link end
 * outside the node list) are added when first asked for.
 */
class Names {
  private readonly ids = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(
    names: readonly string[],
    private readonly safe: (name: string) => string,
    private readonly reserved: ReadonlySet<string>,
    private readonly separator: string,
  ) {
    for (const name of names) this.of(name);
  }

  of(name: string): string {
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    const base = this.safe(name);
    let id = base;
    for (let n = 2; this.taken.has(id) || this.reserved.has(id); n++) id = `${base}${this.separator}${n}`;
    this.ids.set(name, id);
    this.taken.add(id);
    return id;
  }

  /** `node "netns red" is "netns-red" here`, for every name that changed. */
  renamedNotes(): string[] {
    return [...this.ids].filter(([name, id]) => name !== id).map(([name, id]) => `node ${JSON.stringify(name)} is ${JSON.stringify(id)} here`);
  }
}
