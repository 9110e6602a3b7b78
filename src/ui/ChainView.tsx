import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { ChainHop, ChainLine, ChainNode, Tone } from '../render/chain-model.js';
import { renderChains } from '../render/chain.js';

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
};

export interface ChainViewProps {
  nodes: readonly ChainNode[];
  hops: readonly ChainHop[];
  /** Columns available; no drawn line is wider. */
  width: number;
  /** Rows available; a taller drawing is cut, its last row saying how much is hidden. */
  maxRows?: number;
}

/** The chain drawing, coloured by tone; every mark also reads without colour. */
export function ChainView({ nodes, hops, width, maxRows }: ChainViewProps) {
  const lines = useMemo(() => renderChains(nodes, hops, width), [nodes, hops, width]);
  if (lines.length === 0) return <Text dimColor>{EMPTY_CHAIN_HINT}</Text>;
  const fits = maxRows === undefined || lines.length <= maxRows;
  const shown = fits ? lines : lines.slice(0, Math.max(0, maxRows - 1));
  return (
    <Box flexDirection="column">
      {shown.map((line, i) => (
        <ChainLineText key={i} line={line} />
      ))}
      {!fits && <Text dimColor>{`… ${lines.length - shown.length} more rows (a taller terminal shows them)`}</Text>}
    </Box>
  );
}

function ChainLineText({ line }: { line: ChainLine }) {
  // an empty Text takes no row; a space keeps the blank line between groups
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((segment, i) => (
        <Text key={i} {...TONE_STYLES[segment.tone]}>
          {segment.text}
        </Text>
      ))}
    </Text>
  );
}
