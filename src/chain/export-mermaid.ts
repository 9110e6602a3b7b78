/**
 * The mermaid export: a `graph LR` flowchart of a chain or the live view, one
 * node per target and one edge per link.
 */
import type { EndRef } from '../topology/model.js';
import { kindText, type LiveLink, type LiveNode } from './export-live.js';
import { Names } from './export-shared.js';
import type { DesiredChain } from './model.js';

export function chainGraph(chain: DesiredChain): Graph {
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

export function liveGraph(view: { nodes: LiveNode[]; links: LiveLink[] }): Graph {
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

export function mermaidText(graph: Graph): string {
  const ids = new Names(
    graph.nodes.map((node) => node.name),
    mermaidId,
    new Set(),
    '_',
  );
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
