import { assignedAddresses } from '../topology/ip-json.js';
import type { Topology, TopologyLink } from '../topology/model.js';
import { renderTable } from './table.js';

/** Pure: `chainmail ls` as text: targets with their interfaces, then every link. */
export function renderLs(topology: Topology, options: { includeHostInterfaces?: boolean } = {}): string[] {
  const lines: string[] = [];
  const rows: string[][] = [];
  for (const t of topology.targets) {
    const kind = t.ns.kind === 'docker' ? 'docker' : t.ns.kind;
    const where = t.ns.pid ? `pid ${t.ns.pid}` : '';
    const visible = t.interfaces.filter((i) => i.kind !== 'loopback');
    const hostSummary = t.ns.kind === 'host' && !options.includeHostInterfaces;
    rows.push([t.ns.label, kind, t.error ? 'unreadable' : t.status, where, hostSummary ? `${visible.length} interfaces (lo not counted)` : visible.length ? '' : '-']);
    if (hostSummary) continue;
    for (const i of visible) {
      rows.push([`  ${i.name}`, i.kind, i.state === 'UNKNOWN' && i.adminUp ? 'UP' : i.state, '', assignedAddresses(i).join(', ') || '-']);
    }
  }
  lines.push(...renderTable(['target', 'kind', 'state', 'process', 'addresses'], rows));
  lines.push('', `links (${topology.links.length}):`);
  if (topology.links.length === 0) lines.push('  (none)');
  for (const link of topology.links) lines.push(`  ${describeLink(link)}`);
  for (const w of topology.warnings) lines.push('', `warning: ${w}`);
  for (const t of topology.targets.filter((x) => x.error)) lines.push('', `warning: ${t.ns.label}: ${t.error}`);
  return lines;
}

export function describeLink(link: TopologyLink): string {
  const a = `${link.a.target}:${link.a.ifname}`;
  const b = link.b ? `${link.b.target}:${link.b.ifname}` : '?';
  switch (link.kind) {
    case 'veth':
      return `veth     ${a} <-> ${link.b ? b : '(peer not visible)'}`;
    case 'vxlan':
      return `vxlan    ${a} vni ${link.vni}${link.remote ? ` remote ${link.remote}` : ''}${link.port !== undefined ? ` port ${link.port}` : ''} on ${b}`;
    case 'vlan':
      return `vlan     ${a} id ${link.vlanId} on ${b}`;
    case 'macvlan':
      return `macvlan  ${a} mode ${link.mode} on ${b}`;
  }
}
