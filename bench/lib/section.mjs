// What a bench section is and gives back, so that run.mjs can run any of them and report them
// alike: a section measures each bin (interleaved), then says for each bin what it found as JSON,
// its rows of the table against the floors, and its timed cases for a before/after comparison.

/**
 * @typedef {import('./bins.mjs').Bin} Bin
 * @typedef {import('./bins.mjs').Figure} Figure
 * @typedef {string | number | null | undefined} Cell a table's: empty for null and undefined
 * @typedef {[what: Cell, chainmail: Cell, floor: Cell, ratio: Cell, runs: Cell]} FloorRow
 * @typedef {{ what: string, value: Figure | undefined, includesNodeStart: boolean | 'several', runs: number }} Case
 *   one timed case, matched by `what` between the bins; includesNodeStart: one start of Node (which
 *   the comparison also takes off), none, or several CLI runs in one figure
 * @typedef {{ json: unknown, rows: FloorRow[], cases: Case[], tables?: { title: string, markdown: string }[] }} Measured
 * @typedef {{ dir: string, bins: readonly Bin[] }} Context dir: a temporary directory for chain files and scripts
 * @typedef {{ key: string, title: string, measure: (ctx: Context) => Promise<import('./bins.mjs').PerBin<Measured>> }} Section
 *   key: its name in BENCH_ONLY and in the JSON
 */

/** @param {Figure | undefined} a @param {Figure | undefined} b */
export const ratio = (a, b) => (a && b ? `${(a / b).toFixed(1)}x` : '-');

/**
 * A row of the table against the floors; the ratio is chainmail's figure over the floor's.
 * @param {string} what @param {Figure | undefined} chainmail @param {Figure | undefined} floor @param {number | string} runs
 * @returns {FloorRow}
 */
export const floorRow = (what, chainmail, floor, runs) => [what, chainmail, floor ?? '', floor === undefined ? '' : ratio(chainmail, floor), `${runs}`];

/**
 * A section measured for this checkout only (e.g. a verb the baseline may not have).
 * @param {import('./bins.mjs').Bin} after
 * @param {Measured} measured
 * @returns {import('./bins.mjs').PerBin<Measured>}
 */
export const afterOnly = (after, measured) => ({ [after.name]: measured });
