// Running the programs the bench times: synchronously, as a user's shell would, with wall-clock times.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/**
 * @param {string} cmd
 * @param {readonly string[]} args
 * @param {{ input?: string, check?: boolean }} [opts]
 */
export function run(cmd, args, { input, check = true } = {}) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (check && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout || '').slice(0, 800)}`);
  }
  return r;
}

/** @param {string} cmd @param {readonly string[]} args @param {{ input?: string, check?: boolean }} [opts] */
export function timed(cmd, args, opts) {
  const t0 = performance.now();
  const r = run(cmd, args, opts);
  return { ms: performance.now() - t0, r };
}

/** A run with its own environment and no output kept: its time only. @param {string} cmd @param {readonly string[]} args @param {NodeJS.ProcessEnv} env */
export function spawnTimed(cmd, args, env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return performance.now() - t0;
}

export const tenth = (/** @type {number} */ x) => Math.round(x * 10) / 10;
/**
 * To a tenth; null for no figure (NaN included, which JSON writes as null anyway).
 * @param {number | null | undefined} x
 */
export const r1 = (x) => (x === undefined || x === null || Number.isNaN(x) ? null : tenth(x));

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
