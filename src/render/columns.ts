/**
 * Pure: text measured and cut in the cells a terminal (and Ink) draws it in. A CJK character
 * or an emoji takes two, so cutting by `.length` can leave a row wider than
 * its panel, and Ink's own truncation keeps a double-width character that
 * straddles the last column. Ink gives every character at least one cell,
 * also those string-width counts as none (a zero-width space, a control
 * character), so they count one here too. Rows cut here fit, which lets the
 * panels skip Ink's sideways clipping (a fifth to a third of every frame).
 */
import stringWidth from 'string-width';

/**
 * One cell a character, measured by length: printable ASCII and the marks
 * the UI draws with (box lines, arrows, ✓ ✗ ● ▸ … ·), which string-width
 * counts as one (test/unit/render-columns.test.ts checks each). Most rows are
 * only these, and measuring them grapheme by grapheme would slow every frame.
 */
export const ONE_CELL_EACH = /^[\x20-\x7e\u00b7\u2026\u2190-\u2195\u2500-\u257f\u2588\u25b8\u25cf\u2713\u2717]*$/;
const graphemes = new Intl.Segmenter();

/** How many cells text takes in Ink's frame. */
export function columns(text: string): number {
  if (ONE_CELL_EACH.test(text)) return text.length;
  let cells = 0;
  for (const { segment } of graphemes.segment(text)) cells += cellsOf(segment);
  return cells;
}

const cellsOf = (grapheme: string) => Math.max(1, stringWidth(grapheme));

/** The longest start of text (whole characters) that takes at most `width` columns. */
export function headColumns(text: string, width: number): string {
  if (ONE_CELL_EACH.test(text)) return text.slice(0, Math.max(0, width));
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    used += cellsOf(segment);
    if (used > width) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** The next piece of text to put on a row of `width` columns: headColumns, or its first character when even that is wider. */
export function pieceColumns(text: string, width: number): string {
  const head = headColumns(text, width);
  if (head || text === '') return head;
  return graphemes.segment(text)[Symbol.iterator]().next().value!.segment;
}

/** text in at most `width` columns: as it is when it fits, else cut with "…" as its last column. */
export function fitColumns(text: string, width: number): string {
  if (columns(text) <= width) return text;
  return width <= 0 ? '' : `${headColumns(text, width - 1)}…`;
}

/** text filled with spaces to `width` columns. */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - columns(text)));
}
