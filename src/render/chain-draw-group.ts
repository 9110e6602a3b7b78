/**
 * Draws one group of the chain view from its plan: the main line, what hangs
 * off its nodes (`├─`/`└─` with `│` stems), detached offshoots and `also` lines.
 */
import { linkPiece, nodeBox } from './chain-boxes.js';
import { hopAt, type Graph } from './chain-graph.js';
import type { Segment } from './chain-model.js';
import { longestWayDown, offshootsOf, type GroupPlan, type Offshoot, type RootedTree } from './chain-plan.js';
import { layoutPieces, segment, type Piece, type Row } from './chain-rows.js';

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

export function drawGroup(graph: Graph, plan: GroupPlan, width: number): Row[] {
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
