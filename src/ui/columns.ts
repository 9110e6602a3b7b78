/**
 * Pure: text measured and cut in terminal columns, as Ink lays it out (it
 * measures with the same string-width). A CJK character or an emoji takes
 * two columns, so cutting by `.length` can leave a row wider than its panel;
 * Ink's own truncation also keeps a double-width character that straddles
 * the last column. Rows cut here always fit, which lets the panels skip
 * Ink's sideways clipping (a fifth of every frame).
 */
import stringWidth from 'string-width';

/** Printable ASCII: one column a character, measured by length. */
const PLAIN = /^[\x20-\x7e]*$/;
const graphemes = new Intl.Segmenter();

/** How many columns text takes on a terminal. */
export function columns(text: string): number {
  return PLAIN.test(text) ? text.length : stringWidth(text);
}

/** The longest start of text (whole characters) that takes at most `width` columns. */
export function headColumns(text: string, width: number): string {
  if (PLAIN.test(text)) return text.slice(0, Math.max(0, width));
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    used += stringWidth(segment);
    if (used > width) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
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
