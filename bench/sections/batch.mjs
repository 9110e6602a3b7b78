// batch: the seed story's lines (koko, koro routes, forward) run by one `chainmail batch`, against a
// bash script of the `ip` commands that do the same, both in namespaces made beforehand. This
// checkout's bin only: a baseline may have no `batch`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from '../shared.mjs';
import { AFTER, cm, ownMs } from '../lib/bins.mjs';
import { forwarders, ipScript, routes, seedChain } from '../lib/chains.mjs';
import { delNamespaces } from '../lib/namespaces.mjs';
import { r1, run, spawnTimed, tenth, timed } from '../lib/proc.mjs';
import { afterOnly, floorRow } from '../lib/section.mjs';

/** @typedef {import('../lib/chains.mjs').Chain} Chain */

const RUNS = 9;

/** The seed story's links, addresses, routes and forwarding as prompt lines, as a user replays it. @param {Chain} c */
function storyBatch(c) {
  const lines = ['# the seed story, by hand'];
  for (const l of c.links) lines.push(`koko -n ${l.a},${l.ifa},${l.addrA}/24 -n ${l.b},${l.ifb},${l.addrB}/24`);
  for (const r of routes(c)) lines.push(`koro netns ${r.ns} route add ${r.route}`);
  for (const f of forwarders(c)) lines.push(`forward ${f} on`);
  return lines.join('\n') + '\n';
}

/** The same kernel work as storyBatch, one ip process per command via bash (the namespaces exist). @param {Chain} c */
function storyIpScript(c) {
  return ipScript(c)
    .split('\n')
    .filter((l) => !l.startsWith('ip netns add ') && !/ link set lo up$/.test(l))
    .join('\n');
}

/** @type {import('../lib/section.mjs').Section} */
export const batch = {
  key: 'batch',
  title: 'seed story as one batch',
  measure({ dir }) {
    const c = seedChain();
    const file = join(dir, 'story.batch');
    writeFileSync(file, storyBatch(c));
    const script = join(dir, 'story-ip.sh');
    writeFileSync(script, storyIpScript(c));
    /** @type {number[]} */
    const replays = [];
    /** @type {number[]} */
    const own = [];
    /** @type {number[]} */
    const ip = [];
    /** @type {number[]} */
    const nodeStart = [];
    // Node's start as the bin starts it, sampled between the replays so it sees the same machine
    const { NODE_EXTRA_CA_CERTS: _extra, ...withoutCa } = process.env;
    const startNode = () => nodeStart.push(spawnTimed(process.execPath, ['-e', '0'], AFTER.startsWithoutCa ? withoutCa : process.env));
    const replay = () => {
      const r = cm(['batch', file, '--json']);
      replays.push(r.ms);
      own.push(ownMs(r.r.stdout));
    };
    const fresh = () => {
      delNamespaces(c.nodes);
      for (const n of c.nodes) run('ip', ['netns', 'add', n]);
    };
    try {
      for (let k = 0; k < RUNS; k++) {
        // alternate which goes first, so both see the same machine
        const pair = [replay, () => ip.push(timed('bash', [script]).ms)];
        for (const go of k % 2 ? pair.reverse() : pair) {
          fresh();
          go();
        }
        startNode();
      }
    } finally {
      delNamespaces(c.nodes);
    }
    const lines = storyBatch(c)
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#')).length;
    const ipCommands = storyIpScript(c)
      .split('\n')
      .filter((l) => l.startsWith('ip ')).length;
    const batchMs = r1(median(replays)),
      // the time batch reports for its lines: the CLI's wall time less Node's start and module loading
      ownBatchMs = r1(median(own)),
      ipMs = r1(median(ip)),
      // the target is judged on this: the CLI's wall time less Node's own start, which no Node program can shorten
      lessNodeMs = r1(median(replays) - median(nodeStart));
    return Promise.resolve(
      afterOnly(AFTER, {
        json: {
          runs: RUNS,
          lines,
          batch_ms: batchMs,
          batch_own_ms: ownBatchMs,
          batch_less_node_ms: lessNodeMs,
          node_start_ms: r1(median(nodeStart)),
          ip_script_ms: ipMs,
          ip_commands: ipCommands,
          samples: { batch: replays.map(tenth), own: own.map(tenth), ip: ip.map(tenth), node_start: nodeStart.map(tenth) },
        },
        rows: [
          floorRow(`seed story as one batch (${lines} lines) vs ip script (${ipCommands} commands)`, batchMs, ipMs, RUNS),
          floorRow("  same, less Node's start (node -e 0 in this section)", lessNodeMs, ipMs, RUNS),
          floorRow("  same, batch's own time (from its file read to its end)", ownBatchMs, ipMs, RUNS),
        ],
        cases: [{ what: 'seed story as one batch', value: batchMs, includesNodeStart: true, runs: RUNS }],
      }),
    );
  },
};
