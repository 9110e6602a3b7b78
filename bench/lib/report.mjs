// The bench's tables: chainmail against the floors, and before/after when a baseline ran too.
import { AFTER, BARE_RUN } from './bins.mjs';
import { nodeStartOf } from './node-start.mjs';
import { r1 } from './proc.mjs';

/**
 * @typedef {import('./bins.mjs').Bin} Bin
 * @typedef {import('./bins.mjs').Figure} Figure
 * @typedef {import('./section.mjs').Cell} Cell
 * @typedef {import('./section.mjs').Case} Case
 * @typedef {import('./node-start.mjs').NodeStart} NodeStart
 * @typedef {{
 *   what: string, runs: number, before: Figure | undefined, after: Figure | undefined, ratio: number | null,
 *   includes_node_start: boolean | 'several', before_without_node: Figure, after_without_node: Figure,
 *   ratio_without_node: number | null,
 * }} ComparisonRow
 */

/**
 * A markdown table, its columns padded so it also reads as plain text.
 * @param {Cell[][]} rows the first the header
 */
export function markdown(rows, leftColumns = 1) {
  const header = rows[0] ?? [];
  const w = header.map((_, i) => Math.max(3, ...rows.map((r) => String(r[i] ?? '').length)));
  const cell = (/** @type {Cell} */ c, /** @type {number} */ i) => (i < leftColumns ? String(c ?? '').padEnd(w[i] ?? 0) : String(c ?? '').padStart(w[i] ?? 0));
  const line = (/** @type {Cell[]} */ r) => `| ${r.map(cell).join(' | ')} |`;
  return [line(header), `|${w.map((n, i) => (i < leftColumns ? `:${'-'.repeat(n + 1)}` : `${'-'.repeat(n + 1)}:`)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** chainmail against the floors (this checkout), then Node's own start. @param {Cell[][]} rows @param {NodeStart} ns */
export function floorTable(rows, ns) {
  const nodeRows = [["node -e 0 (any Node CLI's floor; as this bin starts it)", ns.node_start_ms, '', '', `${ns.runs}`]];
  if (ns.node_start_without_extra_ca_ms !== null) nodeRows.push(['  same, without NODE_EXTRA_CA_CERTS', ns.node_start_without_extra_ca_ms, '', '', `${ns.runs}`]);
  return markdown([['what', 'chainmail ms', 'floor ms', 'ratio', 'runs (median of)'], ...rows, ...nodeRows]);
}

/**
 * before/after for every case both bins have, and, where a case includes Node's start, both less it (each bin's own Node start).
 * @param {{ after: Case[], before: Case[], ns: NodeStart }} cases
 * @param {Bin} before the baseline's bin
 * @returns {ComparisonRow[]}
 */
export function comparison({ after, before: beforeCases, ns }, before) {
  /** A figure less a bin's Node start: null without both. @param {Figure | undefined} x @param {Bin} bin */
  const lessNode = (x, bin) => {
    const start = nodeStartOf(ns, bin);
    return typeof x === 'number' && start !== null ? r1(x - start) : null;
  };
  /** @type {ComparisonRow[]} */
  const rows = [];
  for (const c of after) {
    const b = beforeCases.find((x) => x.what === c.what)?.value;
    if (b === undefined) continue;
    const a = c.value;
    const lessB = c.includesNodeStart === true ? lessNode(b, before) : null,
      lessA = c.includesNodeStart === true ? lessNode(a, AFTER) : null;
    rows.push({
      what: c.what,
      runs: c.runs,
      before: b,
      after: a,
      ratio: a != null && b ? Math.round((a / b) * 100) / 100 : null,
      includes_node_start: c.includesNodeStart,
      before_without_node: lessB,
      after_without_node: lessA,
      ratio_without_node: lessB && lessA ? Math.round((lessA / lessB) * 100) / 100 : null,
    });
  }
  return rows;
}

/** @param {ComparisonRow[]} rows @param {NodeStart} ns @param {Bin} before the baseline's bin */
export function comparisonTable(rows, ns, before) {
  const after = AFTER;
  /** @type {Cell[][]} */
  const table = [['what', 'before', 'after', 'ratio', 'before - Node', 'after - Node', 'ratio', 'runs']];
  for (const r of rows) {
    table.push([
      r.what,
      r.before,
      r.after,
      r.ratio ?? '-',
      r.before_without_node ?? (r.includes_node_start === 'several' ? 'n/a' : ''),
      r.after_without_node ?? (r.includes_node_start === 'several' ? 'n/a' : ''),
      r.ratio_without_node ?? '',
      r.runs,
    ]);
  }
  const note = [
    '',
    `Times in ms (median of the runs), except CPU % and MB; ratio = after / before. "- Node" columns: less Node's own start`,
    `as each bin starts it (median of ${ns.runs}, taken between the sections): after ${nodeStartOf(ns, after)} ms (\`node -e 0\` in this environment),`,
    `before ${nodeStartOf(ns, before)} ms${before.startsWithoutCa ? ' (without NODE_EXTRA_CA_CERTS, which its #! line dropped)' : ''}. n/a: several CLI runs in one figure.`,
    ...(BARE_RUN
      ? [
          `Both bins ran without NODE_EXTRA_CA_CERTS: the before bin drops it, so the after bin was run without it too and the rows compare`,
          `the code alone. Node's start with it, as a user who sets it pays it, is the row "node -e 0" of the first table.`,
        ]
      : []),
  ];
  return [markdown(table), ...note].join('\n');
}
