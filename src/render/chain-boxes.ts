/**
 * The text of the chain view's pieces: a target's box (`[name]`, or
 * `[name ✗ state]`) and a link with its ends, health mark and round trip.
 */
import type { Graph } from './chain-graph.js';
import type { ChainHop, HopEnd, HopHealth, Segment } from './chain-model.js';
import { segment, type Piece } from './chain-rows.js';

export function nodeBox(graph: Graph, name: string): Piece {
  const node = graph.nodes.get(name) ?? { name, state: 'gone' };
  if (node.state !== 'up') return [segment(`[${name} ✗ ${node.state}]`, 'node-down')];
  if (node.dropped === undefined) return [segment(`[${name}]`, 'node')];
  // a firewall's box counts what its FORWARD chain dropped: `[wu-firewall · 12 dropped]`
  return [segment(`[${name}`, 'node'), segment(` · ${node.dropped} dropped`, node.dropped > 0 ? 'bad' : 'dim'), segment(']', 'node')];
}

const HEALTH_MARK: Record<HopHealth, Segment> = {
  ok: { text: '✓', tone: 'ok' },
  failing: { text: '✗', tone: 'bad' },
  unknown: { text: '?', tone: 'dim' },
  broken: { text: '╳', tone: 'bad' },
  down: { text: '⇣', tone: 'down' },
};

/**
 * `─link1 10.0.1.1 ═✓ 0.08ms 12pps═ 10.0.1.2 link2─` (the round trip of the reply that made the hop
 * healthy, the packets per second through it), or `═⇣ down═` for a hop with an end set down, read
 * from the end at `from`.
 */
export function linkPiece(hop: ChainHop, from: string): Piece {
  const [left, right] = hop.a.node === from ? [hop.a, hop.b] : [hop.b, hop.a];
  return [
    segment(`─${endLabel(left).join(' ')} ═`, 'link'),
    { ...HEALTH_MARK[hop.health] },
    ...(hop.health === 'ok' && hop.latencyMs !== undefined ? [segment(` ${formatLatency(hop.latencyMs)}`, 'dim')] : []),
    ...(hop.health === 'down' ? [segment(' down', 'down')] : []),
    ...(hop.pps !== undefined ? [segment(` ${formatRate(hop.pps)}`, hop.pps > 0 ? 'plain' : 'dim')] : []),
    ...(hop.healing ? [segment('⟳', 'healing')] : []),
    segment(`═ ${endLabel(right).reverse().join(' ')}─`, 'link'),
  ];
}

/** A round trip as ping would say it, short: 0.08ms, 1.4ms, 23ms. */
export function formatLatency(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  return `${Math.round(ms)}ms`;
}

/** Packets per second, short: 0pps, 12pps, 3.4kpps, 1.2Mpps. */
export function formatRate(pps: number): string {
  if (pps < 1000) return `${Math.round(pps)}pps`;
  if (pps < 1_000_000) return `${(pps / 1000).toFixed(pps < 10_000 ? 1 : 0)}kpps`;
  return `${(pps / 1_000_000).toFixed(1)}Mpps`;
}

/** Interface name then address; `(gone)` when the interface went with its namespace. */
function endLabel(end: HopEnd): string[] {
  if (!end.ifname) return ['(gone)'];
  return end.address ? [end.ifname, end.address] : [end.ifname];
}
