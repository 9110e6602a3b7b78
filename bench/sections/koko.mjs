// koko: one `koko` making a veth pair with two addresses between two namespaces, against a script
// of the same five `ip` commands.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from '../shared.mjs';
import { cmOf, order, perBin } from '../lib/bins.mjs';
import { PREFIX, delNamespaces } from '../lib/namespaces.mjs';
import { r1, run, tenth, timed } from '../lib/proc.mjs';
import { floorRow } from '../lib/section.mjs';

const RUNS = 10;

/** @type {import('../lib/section.mjs').Section} */
export const koko = {
  key: 'koko',
  title: 'koko',
  measure({ dir, bins }) {
    const A = `${PREFIX}-ka`,
      B = `${PREFIX}-kb`;
    const script = join(dir, 'koko-ip.sh');
    writeFileSync(
      script,
      [
        '#!/bin/bash',
        'set -e',
        `ip link add x netns ${A} type veth peer name y netns ${B}`,
        `ip -n ${A} addr add 10.9.0.1/24 dev x`,
        `ip -n ${B} addr add 10.9.0.2/24 dev y`,
        `ip -n ${A} link set x up`,
        `ip -n ${B} link set y up`,
        '',
      ].join('\n'),
    );
    run('ip', ['netns', 'add', A]);
    run('ip', ['netns', 'add', B]);
    const k = perBin(bins, () => ({ koko: [] }));
    /** @type {number[]} */
    const p = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        for (const b of order(bins, i)) {
          k(b).koko.push(cmOf(b)(['koko', '-n', `${A},x,10.9.0.1/24`, '-n', `${B},y,10.9.0.2/24`]).ms);
          run('ip', ['-n', A, 'link', 'del', 'x']);
        }
        p.push(timed('bash', [script]).ms);
        run('ip', ['-n', A, 'link', 'del', 'x']);
      }
    } finally {
      delNamespaces([A, B]);
    }
    const ipMs = r1(median(p));
    return Promise.resolve(
      Object.fromEntries(
        bins.map((b) => {
          const kokoMs = r1(median(k(b).koko));
          return [
            b.name,
            {
              json: { runs: RUNS, koko_ms: kokoMs, koko_ip_ms: ipMs, samples: { koko: k(b).koko.map(tenth), ip: p.map(tenth) } },
              rows: [floorRow('koko veth+2 addrs vs ip script', kokoMs, ipMs, RUNS)],
              cases: [{ what: 'koko veth + 2 addresses', value: kokoMs, includesNodeStart: true, runs: RUNS }],
            },
          ];
        }),
      ),
    );
  },
};
