// seed: `chain up` and `chain down` of the story's chain (3 links, 6 addresses, 4 routes, forwarding
// on 2 nodes), against a bash script of one `ip` per command and against the batch floor.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from '../shared.mjs';
import { cmOf, order, ownMs, perBin, samplesOf } from '../lib/bins.mjs';
import { assertClean, chainYaml, ipScript, seedChain, timeFloor } from '../lib/chains.mjs';
import { delNamespaces } from '../lib/namespaces.mjs';
import { r1, timed } from '../lib/proc.mjs';
import { floorRow } from '../lib/section.mjs';

const RUNS = 5;

/** @type {import('../lib/section.mjs').Section} */
export const seed = {
  key: 'seed',
  title: 'seed chain',
  measure({ dir, bins }) {
    const c = seedChain();
    const file = join(dir, 'seed.yaml');
    writeFileSync(file, chainYaml(c));
    const script = join(dir, 'seed-ip.sh');
    writeFileSync(script, ipScript(c));
    const res = perBin(bins, () => ({ chainmail: [], own: [] }));
    const floors = { ip_script: /** @type {number[]} */ ([]), batch_floor: /** @type {number[]} */ ([]) };
    for (let k = 0; k < RUNS; k++) {
      for (const b of order(bins, k)) {
        assertClean(c);
        const up = cmOf(b)(['chain', 'up', file, '--json']);
        res(b).chainmail.push(up.ms);
        res(b).own.push(ownMs(up.r.stdout));
        cmOf(b)(['chain', 'down', file]);
      }
      assertClean(c);
      floors.ip_script.push(timed('bash', [script]).ms);
      delNamespaces(c.nodes);
      assertClean(c);
      floors.batch_floor.push(timeFloor(c));
      delNamespaces(c.nodes);
    }
    const ipCommands = ipScript(c)
      .split('\n')
      .filter((l) => l.startsWith('ip ')).length;
    const ipMs = r1(median(floors.ip_script)),
      floorMs = r1(median(floors.batch_floor));
    return Promise.resolve(
      Object.fromEntries(
        bins.map((b) => {
          const upMs = r1(median(res(b).chainmail));
          // the time chain up reports for its own work: the CLI's wall time less Node's start and module loading
          const ownUpMs = r1(median(res(b).own));
          return [
            b.name,
            {
              json: {
                runs: RUNS,
                chainmail_ms: upMs,
                chainmail_own_ms: ownUpMs,
                ip_script_ms: ipMs,
                batch_floor_ms: floorMs,
                ip_commands: ipCommands,
                samples: samplesOf({ ...res(b), ...floors }),
              },
              rows: [
                floorRow('seed chain up vs ip script', upMs, ipMs, RUNS),
                floorRow('seed chain up vs ip -batch', upMs, floorMs, RUNS),
                floorRow("  same, chain up's own time (no Node start)", ownUpMs, floorMs, RUNS),
              ],
              cases: [
                { what: 'seed chain up', value: upMs, includesNodeStart: true, runs: RUNS },
                { what: 'seed chain up, its own time', value: ownUpMs, includesNodeStart: false, runs: RUNS },
              ],
            },
          ];
        }),
      ),
    );
  },
};
