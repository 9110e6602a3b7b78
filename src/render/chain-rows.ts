/**
 * Rows of the chain view: pieces wrapped to the width (cut with `…` when one
 * is too wide), and rows turned into ChainLines with their `│` stems.
 */
import type { ChainLine, Segment, Tone } from './chain-model.js';

const CONTINUATION_INDENT = 3;

/** A box or a link: what wrapping keeps together on one row. */
export type Piece = Segment[];

/** A drawn row before it becomes a ChainLine: `body` starts at `indent`; `stems` are columns left of it that get a `│`. */
export interface Row {
  indent: number;
  stems: number[];
  body: Segment[];
}

/** Greedy: a piece that does not fit starts a continuation row; one too wide even there is cut. */
export function layoutPieces(indent: number, lead: readonly Segment[], pieces: readonly Piece[], width: number): { rows: Row[]; placed: { row: number; col: number }[] } {
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

export function pieceLength(piece: readonly Segment[]): number {
  return piece.reduce((sum, seg) => sum + seg.text.length, 0);
}

/** Cuts a piece to `room` columns, ending in `…` when anything was cut. */
export function truncate(piece: Piece, room: number): Piece {
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

export function rowToLine(row: Row): ChainLine {
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

export function segment(text: string, tone: Tone): Segment {
  return { text, tone };
}
