/**
 * widest-line as Ink's measure-text.js and render-node-to-output.js see it in the bundle
 * (scripts/bundle-settings.mjs points Ink's import here): the same answer, remembered.
 * Ink measures the text of every Text node in every frame with string-width,
 * grapheme by grapheme wherever it is not plain ASCII (box-drawing, ✓, ↔),
 * for text that rarely changes. Part of the Ink 6.8.0 patch (ansi-tokenize.ts).
 */
import widestLineOf from 'widest-line';
import { memoByText } from './memo.js';

/** Characters of texts kept: a dozen screens' worth; only the texts and a number each are held. */
const CHARACTERS_KEPT = 100_000;

export default memoByText(widestLineOf, CHARACTERS_KEPT);
