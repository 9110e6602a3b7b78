import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { columns, fitColumns, headColumns, ONE_CELL_EACH, padColumns, pieceColumns } from '../../src/render/columns.js';

describe('columns: text measured and cut in terminal columns', () => {
  it('measures ASCII by length, CJK and emoji as two columns, marks as one', () => {
    expect(columns('client')).toBe(6);
    expect(columns('名前')).toBe(4);
    expect(columns('a🙂b')).toBe(4);
    expect(columns('═✓ 0.05ms═ ↔ …')).toBe(14);
  });

  it('cuts only between whole characters, never past the width', () => {
    expect(headColumns('abcdef', 3)).toBe('abc');
    expect(headColumns('名前です', 3)).toBe('名');
    expect(headColumns('名前です', 4)).toBe('名前');
    // an emoji is two UTF-16 units: never split in half
    expect(headColumns('🙂🙂', 3)).toBe('🙂');
    expect(headColumns('名', 1)).toBe('');
  });

  it('fits with "…" as the last column when cut, and leaves what fits alone', () => {
    expect(fitColumns('webserver', 9)).toBe('webserver');
    expect(fitColumns('webserver', 6)).toBe('webse…');
    expect(fitColumns('名前です', 6)).toBe('名前…');
    // the double-width character that would straddle the last column goes
    expect(fitColumns('名前です', 5)).toBe('名前…');
    expect(columns(fitColumns('名前です', 5))).toBe(5);
    expect(fitColumns('名前', 0)).toBe('');
  });

  it.each([
    ['abcdef', 4, 'abcd'],
    ['名前', 3, '名'],
    ['名前', 1, '名'],
    ['🙂x', 1, '🙂'],
    ['', 3, ''],
  ] as const)('gives a row its next piece, what fits or else one whole character: %j in %i -> %j', (text, width, piece) => expect(pieceColumns(text, width)).toBe(piece));

  it('pads to a width in columns', () => {
    expect(padColumns('名', 4)).toBe('名  ');
    expect(padColumns('ab', 4)).toBe('ab  ');
    expect(padColumns('abcdef', 4)).toBe('abcdef');
  });

  it('the characters measured by length take one cell each by string-width too', () => {
    const ranges: Array<[number, number]> = [
      [0x20, 0x7e],
      [0xb7, 0xb7],
      [0x2026, 0x2026],
      [0x2190, 0x2195],
      [0x2500, 0x257f],
      [0x2588, 0x2588],
      [0x25b8, 0x25b8],
      [0x25cf, 0x25cf],
      [0x2713, 0x2713],
      [0x2717, 0x2717],
    ];
    for (const [from, to] of ranges) {
      for (let c = from; c <= to; c++) {
        const ch = String.fromCodePoint(c);
        expect(ONE_CELL_EACH.test(ch), ch).toBe(true);
        expect(stringWidth(ch), `U+${c.toString(16)} ${ch}`).toBe(1);
      }
    }
    // and nothing else is: the next characters on either side go the long way
    for (const ch of ['\u2196', '\u2580', '\u25b9', '\u2714', '\u00a0', '\t']) expect(ONE_CELL_EACH.test(ch), ch).toBe(false);
  });

  it('never returns more columns than asked, for any mix', () => {
    const samples = ['', 'a', '名', '🙂', 'a名🙂b', '名'.repeat(30), `x${'🙂'.repeat(9)}y`, 'e\u0301te\u0301'];
    for (const s of samples) for (let w = 0; w <= 12; w++) expect(columns(fitColumns(s, w)), `${s} in ${w}`).toBeLessThanOrEqual(w);
  });
});
