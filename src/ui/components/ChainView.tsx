import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { ChainHop, ChainLine, ChainNode, Tone } from '../../render/chain-model.js';
import { renderChains } from '../../render/chain.js';
import { tint } from './panels.js';
import { columns, fitColumns } from '../../render/columns.js';

export const EMPTY_CHAIN_HINT = 'no links yet: try  koko -n a,l1 -n b,l2';

interface ToneStyle {
  color?: string;
  bold?: boolean;
  dimColor?: boolean;
}

const TONE_STYLES: Record<Tone, ToneStyle> = {
  plain: {},
  link: {},
  node: { bold: true },
  'node-down': { color: 'red', dimColor: true },
  ok: { color: 'green' },
  bad: { color: 'red' },
  dim: { color: 'gray', dimColor: true },
  healing: { color: 'yellow' },
  down: { color: 'yellow', bold: true },
};

/** A tone's style, without its colour when colours are off (dim and bold stay). */
function styleOf(tone: Tone): ToneStyle {
  const { color, ...rest } = TONE_STYLES[tone];
  const tinted = tint(color);
  return tinted ? { ...rest, color: tinted } : rest;
}

export interface ChainViewProps {
  nodes: readonly ChainNode[];
  hops: readonly ChainHop[];
  /** Columns available; no drawn line is wider. */
  width: number;
  /** Rows available; a taller drawing shows a window of them, a row above and below saying how many are hidden. */
  maxRows?: number;
  /** The first row of the drawing shown when it is taller than maxRows (clamped). */
  scroll?: number;
  /** The panel has focus: its keys scroll it (else the hint says how to get there). */
  focused?: boolean;
  /** The drawing, when the caller has it already (renderChains of nodes and hops at width). */
  lines?: readonly ChainLine[];
}

export interface ChainWindow {
  /** Rows [start, end) of the drawing are shown. */
  start: number;
  end: number;
  /** Rows hidden above and below; each takes a row of its own to say so. */
  above: number;
  below: number;
}

/** The largest useful scroll of a drawing of `total` rows in `maxRows`: its last row shown, under the "above" row. */
export function chainScrollLimit(total: number, maxRows: number): number {
  return total <= maxRows ? 0 : Math.max(0, total - Math.max(1, maxRows - 1));
}

/** Pure: which rows of a drawing of `total` rows show in `maxRows` rows when scrolled to `scroll`. */
export function chainWindow(total: number, maxRows: number, scroll: number): ChainWindow {
  if (total <= maxRows) return { start: 0, end: total, above: 0, below: 0 };
  const start = Math.max(0, Math.min(scroll, chainScrollLimit(total, maxRows)));
  const room = Math.max(1, maxRows - (start > 0 ? 1 : 0));
  // the last rows fit without a "below" row; otherwise it takes one
  const end = start + room >= total ? total : start + Math.max(1, room - 1);
  return { start, end, above: start, below: total - end };
}

/**
 * Pure: the names of the nodes whose boxes are on these rows of a drawing
 * (a box is `[name]`, `[name ✗ state]`, or `[name` then its drop count).
 */
export function namesOnRows(lines: readonly ChainLine[], nodes: readonly ChainNode[]): Set<string> {
  const boxes = new Map<string, string>();
  for (const n of nodes) {
    boxes.set(`[${n.name}]`, n.name);
    boxes.set(`[${n.name}`, n.name);
    boxes.set(`[${n.name} ✗ ${n.state}]`, n.name);
  }
  const names = new Set<string>();
  for (const line of lines) {
    for (const s of line) {
      const name = (s.tone === 'node' || s.tone === 'node-down') && boxes.get(s.text);
      if (name) names.add(name);
    }
  }
  return names;
}

const more = (n: number) => `${n} more row${n === 1 ? '' : 's'}`;

/** The chain drawing, coloured by tone; every mark also reads without colour. */
export function ChainView({ nodes, hops, width, maxRows, scroll = 0, focused = false, lines: drawn }: ChainViewProps) {
  const lines = useMemo(() => drawn ?? renderChains(nodes, hops, width), [drawn, nodes, hops, width]);
  if (lines.length === 0) return <Text dimColor>{EMPTY_CHAIN_HINT}</Text>;
  const { start, end, above, below } = chainWindow(lines.length, maxRows ?? lines.length, scroll);
  return (
    <Box flexDirection="column">
      {above > 0 && <Text dimColor wrap="truncate-end">{`… ↑ ${more(above)}`}</Text>}
      {lines.slice(start, end).map((line, i) => (
        <ChainLineText key={start + i} line={fitLine(line, width)} />
      ))}
      {below > 0 && <Text dimColor wrap="truncate-end">{`… ↓ ${more(below)}${focused ? '' : ' · Tab to this panel to scroll'}`}</Text>}
    </Box>
  );
}

/** A drawn row cut to `width` columns: names are laid out by length, and a CJK or emoji name is wider. */
function fitLine(line: ChainLine, width: number): ChainLine {
  let left = width;
  const fitted: ChainLine = [];
  for (const segment of line) {
    const w = columns(segment.text);
    if (w <= left) {
      fitted.push(segment);
      left -= w;
      continue;
    }
    if (left > 0) fitted.push({ ...segment, text: fitColumns(segment.text, left) });
    break;
  }
  return fitted;
}

function ChainLineText({ line }: { line: ChainLine }) {
  // an empty Text takes no row; a space keeps the blank line between groups
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((segment, i) => (
        <Text key={i} {...styleOf(segment.tone)}>
          {segment.text}
        </Text>
      ))}
    </Text>
  );
}
