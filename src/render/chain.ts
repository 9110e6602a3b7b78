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
 *
 * This module arranges the groups; chain-graph.ts and chain-plan.ts work out
 * each group's shape, chain-draw-group.ts draws it, chain-boxes.ts and
 * chain-rows.ts make the text and wrap it.
 */
import { nodeBox } from './chain-boxes.js';
import { drawGroup } from './chain-draw-group.js';
import { buildGraph, compareNames, connectedGroups, hopsOf, type Graph } from './chain-graph.js';
import type { ChainHop, ChainLine, ChainNode } from './chain-model.js';
import { lineText } from './chain-model.js';
import { planGroup } from './chain-plan.js';
import { pieceLength, rowToLine, segment, truncate, type Row } from './chain-rows.js';

const ISOLATED_GAP = '  ';

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
