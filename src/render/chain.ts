/**
 * Draws the chain view: every connected group of targets as lines of boxes
 * joined by links, readable without colour. Pure: ChainNode/ChainHop in,
 * ChainLine out (see chain-model.ts).
 *
 * Layout rules:
 * - Groups (targets joined by hops) come largest first, then by the name of
 *   their first box; targets without hops follow, packed on shared lines. A
 *   blank line separates groups.
 * - Each group is drawn from a spanning tree (depth-first, hops in list
 *   order, so a ring unrolls into one line). Its main line is the tree's
 *   longest path, read from the end that is the `a` side of its hop, then
 *   the end whose first hop comes earliest in `hops`, then by name: a chain
 *   reads the way its hops point, and keeps that way when a hop breaks.
 * - What hangs off a node of a line (side subtrees, and extra links parallel
 *   to a tree link) is drawn below the line as `├─…`/`└─…` under the node's
 *   box, right-most node first so `│` stems can pass down to the nodes on its
 *   left. A node whose box is past half the width, or not on the line's last
 *   row after wrapping, cannot be pointed at: its offshoots are drawn after
 *   the tree as lines of their own that start by repeating its box.
 * - Hops that close a cycle are listed last as `also [a]─… ─[b]`.
 * - A line too wide breaks between a box and a link; the rest continues 3
 *   columns further in. A single box or link wider than a row is cut with `…`.
 */
import type { ChainHop, ChainLine, ChainNode, HopEnd, HopHealth, Segment, Tone } from './chain-model.js';
import { lineText } from './chain-model.js';

const CONTINUATION_INDENT = 3;
const ISOLATED_GAP = '  ';

/** A box or a link: what wrapping keeps together on one row. */
type Piece = Segment[];

/** A drawn row before it becomes a ChainLine: `body` starts at `indent`; `stems` are columns left of it that get a `│`. */
interface Row {
  indent: number;
  stems: number[];
  body: Segment[];
}

export function renderChains(nodes: readonly ChainNode[], hops: readonly ChainHop[], width: number): ChainLine[] {
  const graph = buildGraph(nodes, hops);
  const rowWidth = Math.max(1, Math.floor(width));
  const plans = connectedGroups(graph)
    .map((group) => planGroup(graph, group))
    .sort((x, y) => y.size - x.size || compareNames(x.tree.root, y.tree.root));
  const blocks = plans.map((plan) => drawGroup(graph, plan, rowWidth));
  const isolated = [...graph.nodes.keys()].filter((name) => hopsOf(graph, name).length === 0).sort(compareNames);
  if (isolated.length > 0) blocks.push(drawIsolated(graph, isolated, rowWidth));
  const blankRow: Row = { indent: 0, stems: [], body: [] };
  return blocks.flatMap((rows, i) => (i === 0 ? rows : [blankRow, ...rows])).map(rowToLine);
}

export function renderChainsText(nodes: readonly ChainNode[], hops: readonly ChainHop[], width: number): string[] {
  return renderChains(nodes, hops, width).map(lineText);
}

// ---- the graph ------------------------------------------------------------

interface Graph {
  nodes: Map<string, ChainNode>;
  hops: readonly ChainHop[];
  /** Indexes of the hops touching each node, in hop (creation) order. */
  hopIndexes: Map<string, number[]>;
}

/** An edge seen from one node: the node at the other end and the hop that joins them. */
interface Edge {
  node: string;
  hop: number;
}

function buildGraph(nodes: readonly ChainNode[], hops: readonly ChainHop[]): Graph {
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

function hopsOf(graph: Graph, name: string): number[] {
  return graph.hopIndexes.get(name) ?? [];
}

function hopAt(graph: Graph, index: number): ChainHop {
  return graph.hops[index]!;
}

function otherEnd(hop: ChainHop, name: string): string {
  return hop.a.node === name ? hop.b.node : hop.a.node;
}

function isSelfLoop(hop: ChainHop): boolean {
  return hop.a.node === hop.b.node;
}

function compareNames(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Earliest-created hop first, then name: the order in which ends are preferred as starts. */
function byFirstHopThenName(graph: Graph): (x: string, y: string) => number {
  const firstHop = (name: string) => hopsOf(graph, name)[0] ?? Number.MAX_SAFE_INTEGER;
  return (x, y) => firstHop(x) - firstHop(y) || compareNames(x, y);
}

/** Nodes joined by hops, each group in discovery order; nodes without hops are left out. */
function connectedGroups(graph: Graph): string[][] {
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

// ---- the plan: spanning tree, main line, extra hops ------------------------

interface RootedTree {
  root: string;
  parentOf: Map<string, Edge>;
  /** In hop order. */
  childrenOf: Map<string, Edge[]>;
  depthOf: Map<string, number>;
  /** Nodes on the longest way down from a node, itself included. */
  heightOf: Map<string, number>;
}

interface GroupPlan {
  size: number;
  tree: RootedTree;
  /** Hops doubling a tree link, filed under the parent end. */
  parallelsUnder: Map<string, Edge[]>;
  /** Hops that close a cycle (or loop on one node). */
  crossHops: number[];
}

function planGroup(graph: Graph, group: readonly string[]): GroupPlan {
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
    new Set(hopsOf(graph, name).map((hop) => otherEnd(hopAt(graph, hop), name)).filter((n) => n !== name)).size;
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
  return [...leaves].sort(
    (x, y) => reach.get(y)! - reach.get(x)! || preference(x) - preference(y) || byFirstHopThenName(graph)(x, y),
  )[0]!;
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
function longestWayDown(tree: RootedTree, start: string): Walk {
  const walk: Walk = { path: [start], hops: [] };
  for (let name = start; ; ) {
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
interface Offshoot extends Walk {
  /** Nodes of `path` whose own offshoots are drawn below this one. */
  branchesFrom: string[];
}

function offshootsOf(plan: GroupPlan, name: string, nextOnLine: string | undefined): Offshoot[] {
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

// ---- drawing a group --------------------------------------------------------

interface Drawing {
  graph: Graph;
  plan: GroupPlan;
  width: number;
  /** Offshoots that could not be drawn under their node, drawn after the tree. */
  detached: Offshoot[];
}

interface LineSpec extends Offshoot {
  indent: number;
  lead: Segment[];
  /** False when the line hangs under its first node's box, which is drawn above. */
  drawFirstBox: boolean;
}

function drawGroup(graph: Graph, plan: GroupPlan, width: number): Row[] {
  const drawing: Drawing = { graph, plan, width, detached: [] };
  const main = longestWayDown(plan.tree, plan.tree.root);
  const rows = drawLine(drawing, { ...main, branchesFrom: main.path, indent: 0, lead: [], drawFirstBox: true });
  for (let next = drawing.detached.shift(); next !== undefined; next = drawing.detached.shift()) {
    rows.push(...drawLine(drawing, { ...next, indent: 0, lead: [], drawFirstBox: true }));
  }
  for (const hop of plan.crossHops) rows.push(...drawLine(drawing, alsoLine(graph, plan.tree, hop)));
  return rows;
}

/** A cycle-closing hop, read from the end nearer the main line's start. */
function alsoLine(graph: Graph, tree: RootedTree, index: number): LineSpec {
  const { a, b } = hopAt(graph, index);
  const [left, right] = tree.depthOf.get(b.node)! < tree.depthOf.get(a.node)! ? [b.node, a.node] : [a.node, b.node];
  return { path: [left, right], hops: [index], branchesFrom: [], indent: 0, lead: [segment('also ', 'dim')], drawFirstBox: true };
}

/** The line itself, wrapped, then what hangs off its nodes. */
function drawLine(drawing: Drawing, spec: LineSpec): Row[] {
  const { pieces, pieceOfNode } = linePieces(drawing.graph, spec);
  const { rows, placed } = layoutPieces(spec.indent, spec.lead, pieces, drawing.width);
  const anchors: Anchor[] = [];
  for (const name of spec.branchesFrom) {
    const offshoots = offshootsOf(drawing.plan, name, spec.path[spec.path.indexOf(name) + 1]);
    if (offshoots.length === 0) continue;
    const at = placed[pieceOfNode.get(name)!]!;
    const canPointAt = at.row === rows.length - 1 && at.col <= drawing.width / 2;
    if (canPointAt) anchors.push({ col: at.col, offshoots });
    else drawing.detached.push(...offshoots);
  }
  return [...rows, ...drawHanging(drawing, anchors)];
}

/** Offshoots of the nodes of one row, to be drawn under the box at `col`. */
interface Anchor {
  col: number;
  offshoots: Offshoot[];
}

/**
 * Right-most anchor first: its rows lie right of every anchor still to come,
 * so those anchors' columns stay free for the `│` that joins them to their rows below.
 */
function drawHanging(drawing: Drawing, anchors: readonly Anchor[]): Row[] {
  const rightToLeft = [...anchors].sort((x, y) => y.col - x.col);
  const rows: Row[] = [];
  rightToLeft.forEach((anchor, i) => {
    const pending = rightToLeft.slice(i + 1).map((later) => later.col);
    anchor.offshoots.forEach((offshoot, j) => {
      const last = j === anchor.offshoots.length - 1;
      const lead = [segment(last ? '└' : '├', 'link')];
      const block = drawLine(drawing, { ...offshoot, indent: anchor.col, lead, drawFirstBox: false });
      block.forEach((row, k) => rows.push(withStems(row, k === 0 || last ? pending : [...pending, anchor.col])));
    });
  });
  return rows;
}

function withStems(row: Row, stems: readonly number[]): Row {
  return { ...row, stems: [...row.stems, ...stems] };
}

function linePieces(graph: Graph, spec: LineSpec): { pieces: Piece[]; pieceOfNode: Map<string, number> } {
  const pieces: Piece[] = [];
  const pieceOfNode = new Map<string, number>();
  const addBox = (name: string) => {
    pieceOfNode.set(name, pieces.length);
    pieces.push(nodeBox(graph, name));
  };
  if (spec.drawFirstBox) addBox(spec.path[0]!);
  spec.hops.forEach((hop, i) => {
    pieces.push(linkPiece(hopAt(graph, hop), spec.path[i]!));
    addBox(spec.path[i + 1]!);
  });
  return { pieces, pieceOfNode };
}

// ---- boxes and links ------------------------------------------------------------

function nodeBox(graph: Graph, name: string): Piece {
  const node = graph.nodes.get(name) ?? { name, state: 'gone' };
  return node.state === 'up' ? [segment(`[${name}]`, 'node')] : [segment(`[${name} ✗ ${node.state}]`, 'node-down')];
}

const HEALTH_MARK: Record<HopHealth, Segment> = {
  ok: { text: '✓', tone: 'ok' },
  failing: { text: '✗', tone: 'bad' },
  unknown: { text: '?', tone: 'dim' },
  broken: { text: '╳', tone: 'bad' },
};

/** `─link1 10.0.1.1 ═✓ 0.08ms═ 10.0.1.2 link2─` (the round trip of the reply that made the hop healthy), read from the end at `from`. */
function linkPiece(hop: ChainHop, from: string): Piece {
  const [left, right] = hop.a.node === from ? [hop.a, hop.b] : [hop.b, hop.a];
  return [
    segment(`─${endLabel(left).join(' ')} ═`, 'link'),
    { ...HEALTH_MARK[hop.health] },
    ...(hop.health === 'ok' && hop.latencyMs !== undefined ? [segment(` ${formatLatency(hop.latencyMs)}`, 'dim')] : []),
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

/** Interface name then address; `(gone)` when the interface went with its namespace. */
function endLabel(end: HopEnd): string[] {
  if (!end.ifname) return ['(gone)'];
  return end.address ? [end.ifname, end.address] : [end.ifname];
}

// ---- rows ----------------------------------------------------------------------

/** Greedy: a piece that does not fit starts a continuation row; one too wide even there is cut. */
function layoutPieces(
  indent: number,
  lead: readonly Segment[],
  pieces: readonly Piece[],
  width: number,
): { rows: Row[]; placed: { row: number; col: number }[] } {
  const continuationIndent = Math.min(indent + CONTINUATION_INDENT, width - 1);
  const rows: Row[] = [{ indent, stems: [], body: [...lead] }];
  const placed: { row: number; col: number }[] = [];
  let col = indent + pieceLength(lead);
  let rowHasPiece = false;
  for (const piece of pieces) {
    if (rowHasPiece && col + pieceLength(piece) > width) {
      rows.push({ indent: continuationIndent, stems: [], body: [] });
      col = continuationIndent;
    }
    const fitted = truncate(piece, width - col);
    rows[rows.length - 1]!.body.push(...fitted);
    placed.push({ row: rows.length - 1, col });
    col += pieceLength(fitted);
    rowHasPiece = true;
  }
  return { rows, placed };
}

function pieceLength(piece: readonly Segment[]): number {
  return piece.reduce((sum, seg) => sum + seg.text.length, 0);
}

/** Cuts a piece to `room` columns, ending in `…` when anything was cut. */
function truncate(piece: Piece, room: number): Piece {
  if (pieceLength(piece) <= room) return piece;
  const kept: Segment[] = [];
  let left = Math.max(0, room - 1);
  for (const seg of piece) {
    if (left === 0) {
      if (room > 0) kept.push(segment('…', seg.tone));
      return kept;
    }
    if (seg.text.length > left) {
      kept.push(segment(`${seg.text.slice(0, left)}…`, seg.tone));
      return kept;
    }
    kept.push(seg);
    left -= seg.text.length;
  }
  return kept;
}

/** Boxes of targets without hops, as many to a row as fit. */
function drawIsolated(graph: Graph, names: readonly string[], width: number): Row[] {
  const rows: Row[] = [];
  let current: Row | undefined;
  let col = 0;
  for (const name of names) {
    const box = nodeBox(graph, name);
    if (current !== undefined && col + ISOLATED_GAP.length + pieceLength(box) <= width) {
      current.body.push(segment(ISOLATED_GAP, 'plain'), ...box);
      col += ISOLATED_GAP.length + pieceLength(box);
      continue;
    }
    current = { indent: 0, stems: [], body: truncate(box, width) };
    rows.push(current);
    col = pieceLength(current.body);
  }
  return rows;
}

function rowToLine(row: Row): ChainLine {
  const gutter: Segment[] = [];
  for (let col = 0; col < row.indent; col++) {
    gutter.push(row.stems.includes(col) ? segment('│', 'link') : segment(' ', 'plain'));
  }
  return mergeSegments([...gutter, ...row.body]);
}

/** Joins neighbours of the same tone, so the UI gets few spans. */
function mergeSegments(segments: readonly Segment[]): ChainLine {
  const merged: ChainLine = [];
  for (const seg of segments) {
    const last = merged[merged.length - 1];
    if (seg.text === '') continue;
    if (last !== undefined && last.tone === seg.tone) merged[merged.length - 1] = segment(last.text + seg.text, seg.tone);
    else merged.push(seg);
  }
  return merged;
}

function segment(text: string, tone: Tone): Segment {
  return { text, tone };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
