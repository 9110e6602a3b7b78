// What any Node CLI pays before its first line: `node -e 0`, in this environment as it is and, where
// NODE_EXTRA_CA_CERTS is set, without it (as a bin whose `#!` line drops it starts node). Sampled
// before every section and at the end, alternating, so the medians follow the machine through the run.
import { median } from '../shared.mjs';
import { EXTRA_CA_OF_BARE_RUN } from './bins.mjs';
import { r1, spawnTimed, tenth } from './proc.mjs';

/**
 * @typedef {import('./bins.mjs').Bin} Bin
 * @typedef {{
 *   runs: number, node_start_ms: import('./bins.mjs').Figure, node_start_without_extra_ca_ms: import('./bins.mjs').Figure,
 *   samples: { plain: number[], without_extra_ca: number[] },
 * }} NodeStart
 */

const RUNS_EACH_TIME = 6;
const samples = { plain: /** @type {number[]} */ ([]), bare: /** @type {number[]} */ ([]) };

export function sampleNodeStart() {
  const { NODE_EXTRA_CA_CERTS: set, BENCH_EXTRA_CA_CERTS: _, ...withoutCa } = process.env;
  const extra = set ?? EXTRA_CA_OF_BARE_RUN;
  const asUsersHaveIt = extra ? { ...withoutCa, NODE_EXTRA_CA_CERTS: extra } : withoutCa;
  for (let i = 0; i < RUNS_EACH_TIME; i++) {
    samples.plain.push(spawnTimed(process.execPath, ['-e', '0'], asUsersHaveIt));
    if (extra) samples.bare.push(spawnTimed(process.execPath, ['-e', '0'], withoutCa));
  }
}

/** @returns {NodeStart} */
export function nodeStartResult() {
  return {
    runs: samples.plain.length,
    node_start_ms: r1(median(samples.plain)),
    node_start_without_extra_ca_ms: samples.bare.length ? r1(median(samples.bare)) : null,
    samples: { plain: samples.plain.map(tenth), without_extra_ca: samples.bare.map(tenth) },
  };
}

/** The median start of Node as this bin starts it. @param {NodeStart} ns @param {Bin} bin */
export const nodeStartOf = (ns, bin) => (bin.startsWithoutCa && ns.node_start_without_extra_ca_ms !== null ? ns.node_start_without_extra_ca_ms : ns.node_start_ms);
