/**
 * The `?` overlay: every key and every prompt verb with its usage, in a
 * bordered box of exactly width x height. Lines that do not fit are cut with
 * an ellipsis; when rows run short, koko's and koro's continuation lines go
 * first, then the headings, then the tail is replaced by a "more" line.
 */
import { Box, Text } from 'ink';
import { KEY_BINDINGS, type KeyBinding } from '../keymap.js';
import { PROMPT_VERBS, usageOf } from '../../parse/verb-table.js';

export interface HelpOverlayProps {
  width: number;
  height: number;
}

export interface HelpRow {
  text: string;
  style?: 'heading' | 'dim';
}

/** Border and one column of padding on each side. */
const FRAME_WIDTH = 4;
const FRAME_HEIGHT = 2;

export function HelpOverlay({ width, height }: HelpOverlayProps) {
  const rows = helpRows(width - FRAME_WIDTH, height - FRAME_HEIGHT);
  return (
    <Box borderStyle="round" flexDirection="column" paddingX={1} width={width} height={height} overflow="hidden">
      {rows.map((row, i) => (
        <Text key={i} bold={row.style === 'heading'} dimColor={row.style === 'dim'} wrap="truncate-end">
          {row.text}
        </Text>
      ))}
    </Box>
  );
}

/** From the fullest layout to the most compact; the first that fits is used. */
const LAYOUTS = [
  { continuations: true, headings: true, columns: 1, minorKeys: true },
  { continuations: false, headings: true, columns: 1, minorKeys: true },
  { continuations: false, headings: false, columns: 1, minorKeys: true },
  { continuations: false, headings: true, columns: 1, minorKeys: false },
  { continuations: false, headings: false, columns: 1, minorKeys: false },
  // the smallest screens: commands side by side, their usage cut short
  { continuations: false, headings: true, columns: 2, minorKeys: false },
  { continuations: false, headings: false, columns: 2, minorKeys: false },
  { continuations: false, headings: false, columns: 3, minorKeys: false },
];

/** The overlay's lines for an inside of width x height cells. */
export function helpRows(width: number, height: number): HelpRow[] {
  if (width <= 0 || height <= 0) return [];
  const build = ({ continuations, headings, columns, minorKeys }: (typeof LAYOUTS)[number]): HelpRow[] => [
    ...(headings ? [{ text: 'keys', style: 'heading' as const }] : []),
    ...keyRows(
      KEY_BINDINGS.filter((b) => minorKeys || !b.minor),
      width,
    ).map((text) => ({ text })),
    ...(headings ? [{ text: 'commands', style: 'heading' as const }] : []),
    ...(columns === 1 ? commandRows(continuations) : sideBySide(commandRows(false), width, columns)).map((text) => ({ text })),
    { text: 'any key closes this help', style: 'dim' },
  ];
  const layouts = LAYOUTS.map(build);
  let rows = layouts.find((l) => l.length <= height) ?? layouts.at(-1)!;
  if (rows.length > height) {
    const hidden = rows.length - height + 1;
    rows = [...rows.slice(0, height - 1), { text: `… ${hidden} more lines: enlarge the terminal`, style: 'dim' }];
  }
  return rows.map((row) => ({ ...row, text: fit(row.text, width) }));
}

/** Key bindings in two columns when they fit side by side, else one. */
function keyRows(bindings: readonly KeyBinding[], width: number): string[] {
  const keyWidth = Math.max(...bindings.map((b) => b.keys.length)) + 2;
  const cells = bindings.map((b) => b.keys.padEnd(keyWidth) + b.action);
  const longest = Math.max(...cells.map((c) => c.length));
  const cellWidth = longest + 3;
  if (cellWidth + longest > width) return cells;
  const half = Math.ceil(cells.length / 2);
  return cells.slice(0, half).map((left, i) => {
    const right = cells[half + i];
    return right === undefined ? left : left.padEnd(cellWidth) + right;
  });
}

/** One line per verb; koko and koro continue on indented lines when asked. */
function commandRows(withContinuations: boolean): string[] {
  return PROMPT_VERBS.flatMap((verb) => {
    const [first = verb, ...more] = (usageOf(verb) ?? verb).split('\n');
    const continuations = withContinuations ? more.map((line) => '    ' + line.trim()) : [];
    return [first, ...continuations];
  });
}

/** Columns of equal width, filled top to bottom, every cell cut to fit. */
function sideBySide(cells: readonly string[], width: number, columns: number): string[] {
  const cellWidth = Math.floor((width - 2 * (columns - 1)) / columns);
  const perColumn = Math.ceil(cells.length / columns);
  return Array.from({ length: perColumn }, (_, row) =>
    Array.from({ length: columns }, (_, c) => cells[c * perColumn + row])
      .filter((cell): cell is string => cell !== undefined)
      .map((cell, c, all) => (c === all.length - 1 ? fit(cell, cellWidth) : fit(cell, cellWidth).padEnd(cellWidth + 2)))
      .join(''),
  );
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width - 1) + '…';
}
