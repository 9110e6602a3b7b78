/**
 * Pure: pingall's reachability matrix. Rows are sources, columns
 * destinations; a cell is `✓ 0.08ms` (a reply and its round trip), `✗` (none)
 * or `·` (a target and itself, or a pair not pinged). Under it the summary,
 * and each pair the chain expected to reach that did not.
 */
import { pairKey, summarizePingall, type PingallResult } from '../plan/pingall.js';
import { formatLatency } from './chain-boxes.js';
import { renderTable } from './table.js';

export function pingallCell(r: PingallResult | undefined): string {
  if (!r) return '·';
  if (!r.ok) return '✗';
  return r.ms !== undefined ? `✓ ${formatLatency(r.ms)}` : '✓';
}

/** The matrix, its summary line, then one line per expected pair that did not reach. */
export function renderPingall(names: readonly string[], results: readonly PingallResult[]): string[] {
  if (results.length === 0) return ['nothing to ping: fewer than two targets have an address'];
  const byPair = new Map(results.map((r) => [pairKey(r.from, r.to), r]));
  const rows = names.map((from) => [from, ...names.map((to) => pingallCell(byPair.get(pairKey(from, to))))]);
  const summary = summarizePingall(results);
  const lines = renderTable(['from \\ to', ...names], rows);
  const expectedAll = results.filter((r) => r.expected).length;
  const tail =
    expectedAll === 0 ? '' : summary.missed.length ? `; ${summary.missed.length} of ${expectedAll} expected pairs do not` : `; all ${expectedAll} expected pairs do`;
  lines.push(`${summary.reachable}/${summary.total} reachable${tail}`);
  for (const r of summary.missed) lines.push(`✗ ${r.from} → ${r.to} (${r.address}): expected to reach${r.detail ? `, ${r.detail}` : ', no reply'}`);
  return lines;
}
