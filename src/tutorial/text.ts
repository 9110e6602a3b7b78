import { columns, fitColumns, pieceColumns } from '../render/columns.js';

/**
 * Pure: a tutorial's text as lines of at most `width` columns (a CJK
 * character takes two). Paragraphs
 * are separated by blank lines and their lines joined and refilled; a line
 * that starts with spaces (a command, an example) is kept as it is, cut at
 * the width if it must be.
 */
export function wrapText(text: string, width: number): string[] {
  const room = Math.max(8, width);
  const out: string[] = [];
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n[ \t]*\n/);
  paragraphs.forEach((paragraph, i) => {
    if (i > 0) out.push('');
    let words: string[] = [];
    const flush = () => {
      out.push(...fill(words, room));
      words = [];
    };
    for (const line of paragraph.split('\n')) {
      if (/^\s/.test(line) && line.trim() !== '') {
        flush();
        out.push(fitColumns(line, room));
      } else words.push(...line.split(/\s+/).filter(Boolean));
    }
    flush();
  });
  return out;
}

function fill(words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && columns(line) + 1 + columns(word) > width) {
      lines.push(line);
      line = '';
    }
    // a word longer than the line (or a sentence in a script without spaces) is cut into pieces
    let rest = word;
    while (!line && columns(rest) > width) {
      const piece = pieceColumns(rest, width);
      lines.push(piece);
      rest = rest.slice(piece.length);
    }
    line = line ? `${line} ${rest}` : rest;
  }
  if (line) lines.push(line);
  return lines;
}
