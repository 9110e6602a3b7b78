// The programs compared: this checkout's bin ("after") and, with BENCH_BASELINE, another
// checkout's ("before"), run in turn so both see the same machine; and merging a section's runs.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, parseJson } from '../shared.mjs';
import { r1, tenth, timed } from './proc.mjs';

/**
 * A program compared. startsWithoutCa: node starts without NODE_EXTRA_CA_CERTS, because its `#!` line
 * drops it (the `env -S -u` line chainmail once had) or because the bench runs without it (BARE_RUN);
 * it decides which Node start is taken off its times.
 * @typedef {{ name: 'after' | 'before', root: string, bin: string, startsWithoutCa: boolean }} Bin
 * @typedef {number | null} Figure a measured figure; null when it had no samples
 */
/**
 * One result for each bin, by its name.
 * @template T
 * @typedef {{ [bin: string]: T }} PerBin
 */

/** This checkout. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Each is run as users run it, by its `#!` line.
 * @param {Bin['name']} name
 * @param {string} root
 * @returns {Bin}
 */
function binOf(name, root) {
  const bin = join(root, 'bin', 'chainmail.js');
  const firstLine = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  return { name, root, bin, startsWithoutCa: BARE_RUN || /\s-u\s+NODE_EXTRA_CA_CERTS\b/.test(firstLine) };
}
/**
 * The variable's value when run.mjs started the bench again without it: the before bin drops it, so the
 * after bin runs without it too and the comparison is of the code alone (node-start.mjs still times it).
 */
export const EXTRA_CA_OF_BARE_RUN = process.env.BENCH_EXTRA_CA_CERTS;
export const BARE_RUN = EXTRA_CA_OF_BARE_RUN !== undefined && process.env.NODE_EXTRA_CA_CERTS === undefined;
export const BASELINE = process.env.BENCH_BASELINE;
export const AFTER = binOf('after', ROOT);
export const BEFORE = BASELINE ? binOf('before', BASELINE) : undefined;
export const BINS = BEFORE ? [AFTER, BEFORE] : [AFTER];

/**
 * The bins (or what goes with them) in the order run k takes them: alternating, so neither always goes first.
 * @template T
 * @param {readonly T[]} bins
 * @param {number} k
 */
export function order(bins, k) {
  return k % 2 ? [...bins].reverse() : bins;
}

/** A bin's CLI, timed. @param {Bin} bin */
export const cmOf =
  (bin) =>
  (/** @type {readonly string[]} */ args, /** @type {{ check?: boolean } | undefined} */ opts = undefined) =>
    timed(bin.bin, args, opts);
/** This checkout's CLI, timed: for setting up and tearing down around what is measured. */
export const cm = cmOf(AFTER);

/**
 * Lists of samples, a set of its own (fresh()) for each bin: the function returned gives a bin's.
 * @template {string} K
 * @param {readonly Bin[]} bins
 * @param {() => Record<K, number[]>} fresh
 * @returns {(bin: Bin) => Record<K, number[]>}
 */
export function perBin(bins, fresh) {
  const all = new Map(bins.map((b) => [b, fresh()]));
  return (bin) => {
    const samples = all.get(bin);
    if (!samples) throw new Error(`bench: ${bin.name} is not a bin of this section`);
    return samples;
  };
}

/** Every list of samples to a tenth. */
export const samplesOf = (/** @type {Record<string, number[]>} */ x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, v.map(tenth)]));

/** What `chain up --json` and `batch --json` print that the bench reads: their own time. */
export const ownMs = (/** @type {string} */ stdout) => /** @type {{ ms: number }} */ (parseJson(stdout)).ms;

/**
 * `runs` whole runs of a section per bin, interleaved, merged into one result
 * per bin: each number the median across the runs, each list of samples
 * joined (and its median, the field named like it, taken again).
 * @template {Record<string, Figure | number[]>} T
 * @param {readonly Bin[]} bins
 * @param {number} runs
 * @param {(bin: Bin) => T | Promise<T>} section
 * @returns {Promise<PerBin<T & { runs: number }>>}
 */
export async function runsOf(bins, runs, section) {
  const all = bins.map((bin) => ({ bin, results: /** @type {T[]} */ ([]) }));
  for (let k = 0; k < runs; k++) for (const x of order(all, k)) x.results.push(await section(x.bin));
  /** @type {PerBin<T & { runs: number }>} */
  const merged = {};
  for (const { bin, results } of all) {
    /** @type {Record<string, Figure | number[]>} */
    const m = { runs };
    for (const key of Object.keys(results[0] ?? {}).filter((k) => k !== 'runs')) {
      const values = results.map((r) => r[key]);
      const first = values[0];
      if (Array.isArray(first)) m[key] = values.flatMap((v) => (Array.isArray(v) ? v : []));
      else if (typeof first === 'number' && key !== 'nodes' && key !== 'idle_seconds') m[key] = r1(median(values.filter((v) => typeof v === 'number')));
      else m[key] = first ?? null;
    }
    for (const [key, v] of Object.entries(m)) if (key.endsWith('_samples') && Array.isArray(v)) m[key.replace(/_samples$/, '_ms')] = r1(median(v));
    // the fields of T, each merged as above, and runs
    merged[bin.name] = /** @type {T & { runs: number }} */ (m);
  }
  return merged;
}

/**
 * A module of a checkout's build, by its file: unknown until the caller says what it exports.
 * @param {string} file
 * @returns {Promise<unknown>}
 */
export function importFile(file) {
  return import(file);
}
