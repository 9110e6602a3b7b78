/**
 * widest-line as Ink's render-node-to-output.js sees it in the bundle
 * (scripts/bundle.mjs points Ink's import here): the same answer, remembered.
 * Ink measures the text of every Text node in every frame with string-width,
 * grapheme by grapheme wherever it is not plain ASCII (box-drawing, ✓, ↔):
 * about 13% of a frame here, for text that rarely changes.
 */
import widestLineOf from 'widest-line';
import { memoByText } from './memo.js';

/** Characters of texts kept: a dozen screens' worth; only the texts and a number each are held. */
const CHARACTERS_KEPT = 100_000;

export default memoByText(widestLineOf, CHARACTERS_KEPT);
