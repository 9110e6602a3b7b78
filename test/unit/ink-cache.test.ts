/**
 * src/ui/ink-cache/: what the bundle gives Ink in place of
 * @alcalzone/ansi-tokenize and widest-line must answer exactly as they do,
 * for any text Ink draws (styles nested, reset, bold and dim together, wide
 * and zero-width characters), including rows Ink puts together from the
 * characters of several lines and its own blank cells.
 */
import * as library from '@alcalzone/ansi-tokenize';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import widestLineOf from 'widest-line';
import * as cached from '../../src/ui/ink-cache/ansi-tokenize.js';
import { memoByText } from '../../src/ui/ink-cache/memo.js';
import widestLine from '../../src/ui/ink-cache/widest-line.js';

const ESC = '\u001B[';
/** Pieces Ink's text is made of: chalk's codes (each start with its end), a full reset, and characters of every width. */
const CODES = ['31m', '39m', '32m', '1m', '22m', '2m', '4m', '24m', '7m', '27m', '38;5;208m', '48;2;10;20;30m', '49m', '0m'].map((c) => ESC + c);
const TEXT = ['a', ' ', 'ab c', '│', '─', '✓', '↔', '╳', '…', '古', '🙂', '👩‍💻', '\u200b', 'e\u0301'];

const line = fc.array(fc.oneof(fc.constantFrom(...CODES), fc.constantFrom(...TEXT)), { maxLength: 24 }).map((parts) => parts.join(''));

/**
 * A row as Ink's Output.get() makes it: blank cells, then the characters of
 * lines written over them, each wide character followed by empty cells in
 * its style; cells never written stay undefined and are left out.
 */
function row(lines: readonly string[], offsets: readonly number[], width: number, api: typeof library): library.StyledChar[] {
  const cells: Array<library.StyledChar | undefined> = Array.from({ length: width }, () => ({ type: 'char', value: ' ', fullWidth: false, styles: [] }));
  lines.forEach((text, i) => {
    let x = offsets[i]! % width;
    for (const char of api.styledCharsFromTokens(api.tokenize(text))) {
      cells[x] = char;
      const cellsWide = Math.max(1, stringWidth(char.value));
      for (let k = 1; k < cellsWide; k++) cells[x + k] = { type: 'char', value: '', fullWidth: false, styles: char.styles };
      x += cellsWide;
    }
  });
  return cells.filter((c) => c !== undefined);
}

describe('ink-cache', () => {
  it('tokenize and styledCharsFromTokens answer as the library does, the second time too', () => {
    fc.assert(
      fc.property(line, (text) => {
        const expected = library.styledCharsFromTokens(library.tokenize(text));
        expect(cached.tokenize(text)).toEqual(library.tokenize(text));
        expect(cached.styledCharsFromTokens(cached.tokenize(text))).toEqual(expected);
        expect(cached.styledCharsFromTokens(cached.tokenize(text))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("styledCharsToString gives the library's text for rows made of several lines and blank cells", () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(60), { minLength: 5, maxLength: 5 }), (lines, offsets) => {
        const expected = library.styledCharsToString(row(lines, offsets, 40, library));
        expect(cached.styledCharsToString(row(lines, offsets, 40, cached))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('characters styled alike share one styles array; an unstyled one keeps its own empty one', () => {
    const [a, b, c] = cached.styledCharsFromTokens(cached.tokenize(`${ESC}31mx${ESC}39m${ESC}31my${ESC}39mz`));
    expect(a!.styles).toBe(b!.styles);
    expect(c!.styles).toEqual([]);
  });

  it("tokenize with an end character is the library's, not remembered", () => {
    expect(cached.tokenize('abcdef', 3)).toEqual(library.tokenize('abcdef', 3));
  });

  it('widestLine answers as widest-line does', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 4 }), (lines) => {
        const text = lines.join('\n');
        expect(widestLine(text)).toBe(widestLineOf(text));
        expect(widestLine(text)).toBe(widestLineOf(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('memoByText', () => {
  it('works each text out once while it is kept, and forgets the least recently used first, by characters held', () => {
    const asked: string[] = [];
    // a text weighs its length and one: 'a' 2, 'bb' 3, 'ccc' 4; the budget holds 'a' and 'ccc', not all three
    const length = memoByText((text: string) => {
      asked.push(text);
      return text.length;
    }, 6);
    expect([length('a'), length('bb'), length('a')]).toEqual([1, 2, 1]);
    expect(asked).toEqual(['a', 'bb']);
    length('ccc'); // 9 held: 'bb' (least recently used) goes, 'a' stays
    length('a');
    expect(asked).toEqual(['a', 'bb', 'ccc']);
    length('bb');
    expect(asked).toEqual(['a', 'bb', 'ccc', 'bb']);
  });

  it('keeps no text longer than the whole budget', () => {
    const asked: string[] = [];
    const upper = memoByText((text: string) => {
      asked.push(text);
      return text.toUpperCase();
    }, 4);
    upper('long text');
    upper('long text');
    expect(asked).toEqual(['long text', 'long text']);
  });
});
