/**
 * The shape of one group of the chain view: its spanning tree, the main line
 * (the tree's longest path), what hangs off each node, and the hops left over.
 */
import { byFirstHopThenName, hopAt, hopsOf, isSelfLoop, otherEnd, type Edge, type Graph } from './chain-graph.js';

export interface RootedTree {
  root: string;
  parentOf: Map<string, Edge>;
  /** In hop order. */
  childrenOf: Map<string, Edge[]>;
  depthOf: Map<string, number>;
  /** Nodes on the longest way down from a node, itself included. */
  heightOf: Map<string, number>;
}

export interface GroupPlan {
  size: number;
  tree: RootedTree;
  /** Hops doubling a tree link, filed under the parent end. */
  parallelsUnder: Map<string, Edge[]>;
  /** Hops that close a cycle (or loop on one node). */
  crossHops: number[];
}

export function planGroup(graph: Graph, group: readonly string[]): GroupPlan {
  const treeHops = spanningHops(graph, group);
  const adjacency = treeAdjacency(graph, group, treeHops);
  const tree = rootTree(adjacency, mainLineStart(graph, group, adjacency));
  const parallelsUnder = new Map<string, Edge[]>();
  const crossHops: number[] = [];
  for (const index of hopsOfGroup(graph, group)) {
    if (treeHops.has(index)) continue;
    const hop = hopAt(graph, index);
    const parentEnd = isSelfLoop(hop) ? undefined : parentEndOf(tree, hop.a.node, hop.b.node);
    if (parentEnd === undefined) crossHops.push(index);
    else pushTo(parallelsUnder, parentEnd, { node: otherEnd(hop, parentEnd), hop: index });
  }
  return { size: group.length, tree, parallelsUnder, crossHops };
}

function hopsOfGroup(graph: Graph, group: readonly string[]): number[] {
  return [...new Set(group.flatMap((name) => hopsOf(graph, name)))].sort((x, y) => x - y);
}

/** If x and y are joined in the tree, the one nearer the root. */
function parentEndOf(tree: RootedTree, x: string, y: string): string | undefined {
  if (tree.parentOf.get(y)?.node === x) return x;
  if (tree.parentOf.get(x)?.node === y) return y;
  return undefined;
}

/** Depth-first from a preferred end, following hops in creation order, so a ring unrolls into one long line. */
function spanningHops(graph: Graph, group: readonly string[]): Set<number> {
  const start = spanningStart(graph, group);
  const seen = new Set([start]);
  const used = new Set<number>();
  const visit = (name: string): void => {
    for (const hop of hopsOf(graph, name)) {
      const next = otherEnd(hopAt(graph, hop), name);
      if (seen.has(next)) continue;
      seen.add(next);
      used.add(hop);
      visit(next);
    }
  };
  visit(start);
  return used;
}

/** An end of the group (one neighbour) if there is one, else any node; earliest hop, then name. */
function spanningStart(graph: Graph, group: readonly string[]): string {
  const neighbourCount = (name: string) =>
    new Set(
      hopsOf(graph, name)
        .map((hop) => otherEnd(hopAt(graph, hop), name))
        .filter((n) => n !== name),
    ).size;
  const ends = group.filter((name) => neighbourCount(name) === 1);
  return [...(ends.length > 0 ? ends : group)].sort(byFirstHopThenName(graph))[0]!;
}

function treeAdjacency(graph: Graph, group: readonly string[], treeHops: Set<number>): Map<string, Edge[]> {
  const adjacency = new Map(group.map((name) => [name, [] as Edge[]]));
  for (const index of [...treeHops].sort((x, y) => x - y)) {
    const { a, b } = hopAt(graph, index);
    adjacency.get(a.node)!.push({ node: b.node, hop: index });
    adjacency.get(b.node)!.push({ node: a.node, hop: index });
  }
  return adjacency;
}

/**
 * An end of the tree's longest path. Among equals: an end that is its hop's
 * `a` side (the line then follows the hops' own direction, which a broken hop
 * keeps, so the chain does not flip when a target dies), then the end whose
 * first hop came earliest, then by name.
 */
function mainLineStart(graph: Graph, group: readonly string[], adjacency: Map<string, Edge[]>): string {
  const leaves = group.filter((name) => adjacency.get(name)!.length <= 1);
  const reach = new Map(leaves.map((leaf) => [leaf, farthestReach(adjacency, leaf)]));
  const startsItsHop = (leaf: string) => adjacency.get(leaf)!.some((edge) => hopAt(graph, edge.hop).a.node === leaf);
  const preference = (leaf: string) => (startsItsHop(leaf) ? 0 : 1);
  return [...leaves].sort((x, y) => reach.get(y)! - reach.get(x)! || preference(x) - preference(y) || byFirstHopThenName(graph)(x, y))[0]!;
}

/** Nodes on the longest way from `start` through the tree. */
function farthestReach(adjacency: Map<string, Edge[]>, start: string): number {
  return rootTree(adjacency, start).heightOf.get(start)!;
}

function rootTree(adjacency: Map<string, Edge[]>, root: string): RootedTree {
  const parentOf = new Map<string, Edge>();
  const childrenOf = new Map<string, Edge[]>();
  const depthOf = new Map([[root, 0]]);
  const order = [root];
  for (let i = 0; i < order.length; i++) {
    const name = order[i]!;
    const parent = parentOf.get(name)?.node;
    const children = adjacency.get(name)!.filter((edge) => edge.node !== parent);
    childrenOf.set(name, children);
    for (const child of children) {
      parentOf.set(child.node, { node: name, hop: child.hop });
      depthOf.set(child.node, depthOf.get(name)! + 1);
      order.push(child.node);
    }
  }
  const heightOf = new Map<string, number>();
  for (const name of [...order].reverse()) {
    heightOf.set(name, 1 + Math.max(0, ...childrenOf.get(name)!.map((child) => heightOf.get(child.node)!)));
  }
  return { root, parentOf, childrenOf, depthOf, heightOf };
}

/** A run of nodes and the hops between them (hops[i] joins path[i] and path[i + 1]). */
interface Walk {
  path: string[];
  hops: number[];
}

/** Down the tallest child each time; among equals, the one reached by the earliest hop. */
export function longestWayDown(tree: RootedTree, start: string): Walk {
  const walk: Walk = { path: [start], hops: [] };
  for (let name = start; ;) {
    const children = tree.childrenOf.get(name) ?? [];
    const tallest = children.reduce<Edge | undefined>(
      (best, child) => (best === undefined || tree.heightOf.get(child.node)! > tree.heightOf.get(best.node)! ? child : best),
      undefined,
    );
    if (tallest === undefined) return walk;
    walk.path.push(tallest.node);
    walk.hops.push(tallest.hop);
    name = tallest.node;
  }
}

/** Something drawn off a node of a line: a side subtree's longest way, or one parallel link. */
export interface Offshoot extends Walk {
  /** Nodes of `path` whose own offshoots are drawn below this one. */
  branchesFrom: string[];
}

export function offshootsOf(plan: GroupPlan, name: string, nextOnLine: string | undefined): Offshoot[] {
  const sideChildren = (plan.tree.childrenOf.get(name) ?? []).filter((child) => child.node !== nextOnLine);
  const subtrees = sideChildren.map((child) => {
    const down = longestWayDown(plan.tree, child.node);
    return { hop: child.hop, offshoot: { path: [name, ...down.path], hops: [child.hop, ...down.hops], branchesFrom: down.path } };
  });
  const parallels = (plan.parallelsUnder.get(name) ?? []).map((edge) => ({
    hop: edge.hop,
    offshoot: { path: [name, edge.node], hops: [edge.hop], branchesFrom: [] },
  }));
  return [...subtrees, ...parallels].sort((x, y) => x.hop - y.hop).map((entry) => entry.offshoot);
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
