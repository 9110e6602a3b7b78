// scale: path chains of BENCH_SCALE_NODES namespaces (10, 50 and 200 by default; BENCH_SCALE_NODES=10,50,200,1000 adds issue 15's size
// of a million routes, which takes minutes): `chain up` against the batch floor, `chain status`, `ls --json` against a bash loop
// calling `ip -j` three times per namespace, and `chain down`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from '../shared.mjs';
import { cmOf, order, ownMs, perBin, samplesOf } from '../lib/bins.mjs';
import { assertClean, chainYaml, routes, scaleChain, timeFloor } from '../lib/chains.mjs';
import { delNamespaces } from '../lib/namespaces.mjs';
import { r1, timed } from '../lib/proc.mjs';
import { floorRow } from '../lib/section.mjs';

/** @typedef {import('../lib/bins.mjs').Bin} Bin */

const SIZES = (process.env.BENCH_SCALE_NODES ?? '10,50,200').split(',').map(Number);
/**
 * Runs per size: a 1000-node chain holds a million routes, and one run of it
 * takes minutes with its floors; a 10-node run is a few hundred ms, where
 * three runs leave the before/after ratio to the noise.
 */
const runsOf = (/** @type {number} */ nodes) => (nodes >= 1000 ? 1 : nodes <= 10 ? 9 : 3);

/** ls's baseline: every namespace on the host read by `ip -j` three times (addresses, routes, links). */
const LS_LOOP =
  'for ns in $(ip netns list | cut -d" " -f1); do ip -n "$ns" -j addr show >/dev/null; ip -n "$ns" -j route show >/dev/null; ip -n "$ns" -j link show >/dev/null; done';

/**
 * One size, every bin: what it found for each.
 * @param {string} dir @param {number} nodes @param {readonly Bin[]} bins
 */
function measureSize(dir, nodes, bins) {
  const RUNS = runsOf(nodes);
  const c = scaleChain(nodes);
  const file = join(dir, `scale-${nodes}.yaml`);
  writeFileSync(file, chainYaml(c));
  const s = perBin(bins, () => ({ up: [], own: [], status: [], ls: [], down: [] }));
  const floors = { floor: /** @type {number[]} */ ([]), lsLoop: /** @type {number[]} */ ([]) };
  for (let k = 0; k < RUNS; k++) {
    for (const b of order(bins, k)) {
      assertClean(c);
      const up = cmOf(b)(['chain', 'up', file, '--json']);
      s(b).up.push(up.ms);
      s(b).own.push(ownMs(up.r.stdout));
      s(b).status.push(cmOf(b)(['chain', 'status', file]).ms);
      s(b).ls.push(cmOf(b)(['ls', '--json']).ms);
      if (b === bins[0]) floors.lsLoop.push(timed('bash', ['-c', LS_LOOP]).ms);
      s(b).down.push(cmOf(b)(['chain', 'down', file]).ms);
    }
    assertClean(c);
    floors.floor.push(timeFloor(c));
    delNamespaces(c.nodes);
  }
  const floorMs = r1(median(floors.floor)),
    lsLoopMs = r1(median(floors.lsLoop));
  return new Map(
    bins.map((b) => {
      const x = { up: r1(median(s(b).up)), own: r1(median(s(b).own)), status: r1(median(s(b).status)), ls: r1(median(s(b).ls)), down: r1(median(s(b).down)) };
      return [
        b,
        {
          json: {
            nodes,
            runs: RUNS,
            routes: routes(c).length,
            up_ms: x.up,
            up_own_ms: x.own,
            status_ms: x.status,
            batch_floor_ms: floorMs,
            ls_ms: x.ls,
            ls_loop_ms: lsLoopMs,
            down_ms: x.down,
            samples: samplesOf({ ...s(b), ...floors }),
          },
          rows: [
            floorRow(`scale ${nodes} nodes up vs ip -batch`, x.up, floorMs, RUNS),
            floorRow(`  same, chain up's own time`, x.own, floorMs, RUNS),
            floorRow(`scale ${nodes} nodes chain status`, x.status, undefined, RUNS),
            floorRow(`scale ${nodes} nodes ls --json vs shell loop`, x.ls, lsLoopMs, RUNS),
            floorRow(`scale ${nodes} nodes chain down`, x.down, undefined, RUNS),
          ],
          /** @type {import('../lib/section.mjs').Case[]} */
          cases: [
            { what: `scale ${nodes} nodes chain up`, value: x.up, includesNodeStart: true, runs: RUNS },
            { what: `scale ${nodes} nodes chain up, its own time`, value: x.own, includesNodeStart: false, runs: RUNS },
            { what: `scale ${nodes} nodes chain status`, value: x.status, includesNodeStart: true, runs: RUNS },
            { what: `scale ${nodes} nodes ls --json`, value: x.ls, includesNodeStart: true, runs: RUNS },
            { what: `scale ${nodes} nodes chain down`, value: x.down, includesNodeStart: true, runs: RUNS },
          ],
        },
      ];
    }),
  );
}

/** @type {import('../lib/section.mjs').Section} */
export const scale = {
  key: 'scale',
  title: `scale ${SIZES.join(', ')} nodes`,
  measure({ dir, bins }) {
    const sizes = SIZES.map((n) => {
      console.error(`bench:   ${n} nodes ...`);
      return measureSize(dir, n, bins);
    });
    const of = (/** @type {Bin} */ b) => sizes.map((m) => m.get(b) ?? { json: null, rows: [], cases: [] });
    return Promise.resolve(
      Object.fromEntries(bins.map((b) => [b.name, { json: of(b).map((x) => x.json), rows: of(b).flatMap((x) => x.rows), cases: of(b).flatMap((x) => x.cases) }])),
    );
  },
};
