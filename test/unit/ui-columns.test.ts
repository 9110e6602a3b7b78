import { describe, expect, it } from 'vitest';
import { columns, fitColumns, headColumns, padColumns } from '../../src/ui/columns.js';

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

  it('pads to a width in columns', () => {
    expect(padColumns('名', 4)).toBe('名  ');
    expect(padColumns('ab', 4)).toBe('ab  ');
    expect(padColumns('abcdef', 4)).toBe('abcdef');
  });

  it('never returns more columns than asked, for any mix', () => {
    const samples = ['', 'a', '名', '🙂', 'a名🙂b', '名'.repeat(30), `x${'🙂'.repeat(9)}y`, 'e\u0301te\u0301'];
    for (const s of samples) for (let w = 0; w <= 12; w++) expect(columns(fitColumns(s, w)), `${s} in ${w}`).toBeLessThanOrEqual(w);
  });
});
