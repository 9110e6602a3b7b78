// heal: a 5-node chain with a ping probe, its middle namespace deleted: how long until `chain status`
// says so (polling the CLI), and until `chain heal` has the probe green again. Each run a chain of its own.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseJson } from '../shared.mjs';
import { cmOf, runsOf } from '../lib/bins.mjs';
import { chainYaml, nodeOf, scaleChain } from '../lib/chains.mjs';
import { r1, run } from '../lib/proc.mjs';
import { floorRow } from '../lib/section.mjs';

/**
 * What `chain status --json` and `chain heal --json` print that the bench reads.
 * @typedef {{ ok: boolean, items: { what: string, ok: boolean }[] }} ChainStatus
 * @typedef {{ probesOk: boolean, ms: number }} ChainHeal
 * @typedef {{ detect_ms: import('../lib/bins.mjs').Figure, detect_polls: number, heal_ms: import('../lib/bins.mjs').Figure, heal_cmd_ms: import('../lib/bins.mjs').Figure, heal_reported_ms: number, runs: number }} DetectHealResult
 */

const RUNS = 3;

/** @param {string} dir @param {import('../lib/bins.mjs').Bin} bin @returns {DetectHealResult} */
function killAndHeal(dir, bin) {
  const cm = cmOf(bin);
  const c = scaleChain(5, 'h');
  const first = nodeOf(c, 0),
    last = nodeOf(c, 4),
    middle = nodeOf(c, 2);
  const file = join(dir, 'heal.yaml');
  writeFileSync(file, chainYaml(c, [`{ from: ${first}, ping: ${last} }`]));
  cm(['chain', 'up', file]);
  try {
    const before = /** @type {ChainStatus} */ (parseJson(cm(['chain', 'status', file, '--json'], { check: false }).r.stdout));
    if (!before.ok) throw new Error('5-node chain not ok before the kill');
    const t0 = performance.now();
    run('ip', ['netns', 'del', middle]);
    let polls = 0,
      detect = NaN;
    for (;;) {
      polls++;
      const st = /** @type {ChainStatus} */ (parseJson(cm(['chain', 'status', file, '--json'], { check: false }).r.stdout));
      if (!st.ok && st.items.some((i) => i.what === middle && !i.ok)) {
        detect = performance.now() - t0;
        break;
      }
      if (performance.now() - t0 > 30000) throw new Error('kill not detected within 30 s');
    }
    const h = cm(['chain', 'heal', file, '--json'], { check: false });
    const heal = performance.now() - t0;
    const hj = /** @type {ChainHeal} */ (parseJson(h.r.stdout));
    if (!hj.probesOk) throw new Error(`heal did not make the probes pass: ${h.r.stdout.slice(0, 500)}`);
    return { detect_ms: r1(detect), detect_polls: polls, heal_ms: r1(heal), heal_cmd_ms: r1(h.ms), heal_reported_ms: hj.ms, runs: 1 };
  } finally {
    cm(['chain', 'down', file], { check: false });
  }
}

/** @type {import('../lib/section.mjs').Section} */
export const heal = {
  key: 'heal',
  title: 'detect/heal',
  async measure({ dir, bins }) {
    const merged = await runsOf(bins, RUNS, (b) => killAndHeal(dir, b));
    return Object.fromEntries(
      Object.entries(merged).map(([name, dh]) => [
        name,
        {
          json: dh,
          rows: [
            floorRow(`detect (kill -> status CLI says broken, ${dh.detect_polls} polls)`, dh.detect_ms, undefined, dh.runs),
            floorRow(`heal (kill -> heal done; heal says ${dh.heal_reported_ms})`, dh.heal_ms, undefined, dh.runs),
          ],
          cases: [
            { what: 'detect (kill -> status CLI says broken)', value: dh.detect_ms, includesNodeStart: 'several', runs: dh.runs },
            { what: 'heal command', value: dh.heal_cmd_ms, includesNodeStart: true, runs: dh.runs },
            { what: 'heal (kill -> healed)', value: dh.heal_ms, includesNodeStart: 'several', runs: dh.runs },
          ],
        },
      ]),
    );
  },
};
