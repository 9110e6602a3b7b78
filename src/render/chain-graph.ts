/**
 * The chain view's graph: targets by name, the hops touching each, and the
 * connected groups they form. Shared by the planning and drawing modules.
 */
import type { ChainHop, ChainNode } from './chain-model.js';

export interface Graph {
  nodes: Map<string, ChainNode>;
  hops: readonly ChainHop[];
  /** Indexes of the hops touching each node, in hop (creation) order. */
  hopIndexes: Map<string, number[]>;
}

/** An edge seen from one node: the node at the other end and the hop that joins them. */
export interface Edge {
  node: string;
  hop: number;
}

export function buildGraph(nodes: readonly ChainNode[], hops: readonly ChainHop[]): Graph {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const hopIndexes = new Map(nodes.map((node) => [node.name, [] as number[]]));
  hops.forEach((hop, index) => {
    for (const name of new Set([hop.a.node, hop.b.node])) {
      // A hop naming a target missing from the list: that target is gone.
      if (!byName.has(name)) byName.set(name, { name, state: 'gone' });
      const list = hopIndexes.get(name) ?? [];
      list.push(index);
      hopIndexes.set(name, list);
    }
  });
  return { nodes: byName, hops, hopIndexes };
}

export function hopsOf(graph: Graph, name: string): number[] {
  return graph.hopIndexes.get(name) ?? [];
}

export function hopAt(graph: Graph, index: number): ChainHop {
  return graph.hops[index]!;
}

export function otherEnd(hop: ChainHop, name: string): string {
  return hop.a.node === name ? hop.b.node : hop.a.node;
}

export function isSelfLoop(hop: ChainHop): boolean {
  return hop.a.node === hop.b.node;
}

export function compareNames(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Earliest-created hop first, then name: the order in which ends are preferred as starts. */
export function byFirstHopThenName(graph: Graph): (x: string, y: string) => number {
  const firstHop = (name: string) => hopsOf(graph, name)[0] ?? Number.MAX_SAFE_INTEGER;
  return (x, y) => firstHop(x) - firstHop(y) || compareNames(x, y);
}

/** Nodes joined by hops, each group in discovery order; nodes without hops are left out. */
export function connectedGroups(graph: Graph): string[][] {
  const seen = new Set<string>();
  const groups: string[][] = [];
  for (const start of graph.nodes.keys()) {
    if (seen.has(start) || hopsOf(graph, start).length === 0) continue;
    const group = [start];
    seen.add(start);
    for (let i = 0; i < group.length; i++) {
      const name = group[i]!;
      for (const hop of hopsOf(graph, name)) {
        const next = otherEnd(hopAt(graph, hop), name);
        if (!seen.has(next)) {
          seen.add(next);
          group.push(next);
        }
      }
    }
    groups.push(group);
  }
  return groups;
}
