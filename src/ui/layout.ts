/**
 * Where each panel goes for a terminal of a given size (pure). The frame
 * stays a row shorter than the terminal: Ink clears the whole screen before
 * every update of a frame as tall as the terminal.
 */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export interface ScreenLayout {
  /** The whole frame. */
  height: number;
  /** The targets and chain panels. */
  topHeight: number;
  /** The details and log (or step) panels. */
  bottomHeight: number;
  leftWidth: number;
  rightWidth: number;
  detailWidth: number;
  /** The log's, or a tutorial's step pane's, width. */
  logWidth: number;
  /** Rows of the chain panel given to watches (at most half of it). */
  watchRows: number;
  chainWidth: number;
  chainRows: number;
}

export function screenLayout(columns: number, rows: number, watches: number, tutorial: boolean): ScreenLayout {
  // header, two rows of panels, the prompt and its completion line
  const height = rows - 1;
  const body = height - 3;
  const topHeight = Math.max(8, Math.floor(body / 2));
  const bottomHeight = body - topHeight;
  const leftWidth = Math.min(40, Math.floor(columns * 0.34));
  const rightWidth = columns - leftWidth;
  const watchRows = Math.min(watches, Math.floor((topHeight - 3) / 2));
  // a tutorial's step pane (in the log's place) gets more of the width for its text
  const detailWidth = Math.floor(columns * (tutorial ? 0.4 : 0.5));
  return {
    height,
    topHeight,
    bottomHeight,
    leftWidth,
    rightWidth,
    detailWidth,
    logWidth: columns - detailWidth,
    watchRows,
    chainWidth: rightWidth - 4,
    chainRows: topHeight - 3 - watchRows,
  };
}

/** Cuts at a word boundary, with an ellipsis, to at most `width` characters. */
export function fitText(text: string, width: number): string {
  if (text.length <= width) return text;
  const cut = text.slice(0, Math.max(0, width - 1));
  const space = cut.lastIndexOf(' ');
  return `${space > width / 2 ? cut.slice(0, space) : cut}…`;
}

export const clamp = (n: number, low: number, high: number) => Math.max(low, Math.min(high, n));
