/**
 * @alcalzone/ansi-tokenize as Ink's output.js sees it in the bundle
 * (scripts/bundle-settings.mjs points Ink's import here): the same answers, found
 * with less work. A patch of Ink 6.8.0, which package.json pins and
 * test/unit/ink-patch.test.ts checks. Ink draws every frame whole; turning
 * each line into styled characters (kept only for the frame it draws) and
 * the screen's characters back into text, comparing the styles of every two
 * neighbours, were most of a frame's cost (docs/performance.md).
 *
 * - tokenize and styledCharsFromTokens remember their answers across frames:
 *   most lines are the same from one frame to the next. Ink only reads what
 *   they return, so one answer serves every frame; callers must not change it.
 * - Characters styled alike share one styles array, so styledCharsToString
 *   can tell "the same style as its neighbour" by identity, without the diff.
 */
import {
  ansiCodesToString,
  diffAnsiCodes,
  styledCharsFromTokens as styledCharsOf,
  tokenize as tokenizeAnew,
  type AnsiCode,
  type StyledChar,
  type Token,
} from '@alcalzone/ansi-tokenize';
import { memoByText } from './memo.js';

export * from '@alcalzone/ansi-tokenize';

/** Characters of lines kept: a dozen full screens of a large terminal (160x50) of entirely new text. */
const CHARACTERS_KEPT = 100_000;
/** Distinct styles on a screen are a few dozen; past this many something churns, so start again. */
const STYLES_KEPT = 1024;

const tokenizeLine = memoByText((line: string) => tokenizeAnew(line), CHARACTERS_KEPT);
/** By the token array tokenize returned: it lives as long as tokenize keeps it. */
const styledByTokens = new WeakMap<Token[], StyledChar[]>();
const stylesByCodes = new Map<string, AnsiCode[]>();

export function tokenize(str: string, endChar?: number): Token[] {
  return endChar === undefined ? tokenizeLine(str) : tokenizeAnew(str, endChar);
}

export function styledCharsFromTokens(tokens: Token[]): StyledChar[] {
  let chars = styledByTokens.get(tokens);
  if (chars === undefined) {
    chars = styledCharsOf(tokens).map((c) => ({ ...c, styles: shared(c.styles) }));
    styledByTokens.set(tokens, chars);
  }
  return chars;
}

/** The library's text for these characters; neighbours with one styles array (or none) need no diff. */
export function styledCharsToString(chars: StyledChar[]): string {
  let text = '';
  let before: AnsiCode[] | undefined;
  for (const char of chars) {
    const styles = char.styles;
    if (before === undefined) text += ansiCodesToString(styles);
    else if (styles !== before && (styles.length > 0 || before.length > 0)) text += ansiCodesToString(diffAnsiCodes(before, styles));
    text += char.value;
    before = styles;
  }
  if (before !== undefined) text += ansiCodesToString(diffAnsiCodes(before, []));
  return text;
}

/** The one array for this style (an escape sequence starts each code, so joined they name it unambiguously). */
function shared(styles: AnsiCode[]): AnsiCode[] {
  if (styles.length === 0) return styles;
  const key = styles.map((s) => `${s.code}${s.endCode}`).join('');
  const known = stylesByCodes.get(key);
  if (known) return known;
  if (stylesByCodes.size >= STYLES_KEPT) stylesByCodes.clear();
  stylesByCodes.set(key, styles);
  return styles;
}
