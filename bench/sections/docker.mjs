// docker: `chain up --docker` of a 20-container path chain against
// its floor, a bash script that makes the same containers with a `docker run -d`
// loop and then the same links, addresses, forwarding and routes with one `ip`
// (or nsenter) process per command between their pids' namespaces; and
// `chain down` of it. Containers and chains are named cmt-bd*. Run as root
// with a Docker engine up and the test image built (scripts/test.sh builds it).
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, parseJson } from '../shared.mjs';
import { AFTER } from '../lib/bins.mjs';
import { r1, run, tenth, timed } from '../lib/proc.mjs';
import { markdown } from '../lib/report.mjs';
import { afterOnly, floorRow } from '../lib/section.mjs';

/**
 * @typedef {{ a: string, b: string, ifa: string, ifb: string, subnet: string, addrA: string, addrB: string }} Link
 * @typedef {{ name: string, nodes: string[], links: Link[] }} Chain
 * @typedef {import('../lib/bins.mjs').Figure} Figure
 * @typedef {{
 *   containers: number, runs: number, up_ms: Figure, up_own_ms: Figure, floor_ms: Figure, floor_run_ms: Figure,
 *   ratio: number | null, down_ms: Figure, rm_ms: Figure, samples: Record<string, number[]>,
 * }} DockerResult
 */

const STATE_DIR = '/var/run/chainmail/chains';
const PREFIX = 'cmt-bd';
const IMAGE = process.env.CHAINMAIL_TEST_IMAGE ?? 'chainmail-test:busybox';
const CONTAINERS = Number(process.env.BENCH_DOCKER_CONTAINERS ?? 20);
const RUNS = Number(process.env.BENCH_DOCKER_RUNS ?? 3);
const RUN_FLAGS = ['--net=none', '--cap-add', 'NET_ADMIN', '--cap-add', 'NET_RAW'];

/** @returns {Chain} a path of n containers, link i between node i and i+1 on 10.9.i.0/24 */
function dockerChain(n = CONTAINERS) {
  const nodes = Array.from({ length: n }, (_, i) => `${PREFIX}${i}`);
  /** @type {Link[]} */
  const links = [];
  for (let i = 0; i + 1 < n; i++) {
    links.push({ a: nodes[i] ?? '', b: nodes[i + 1] ?? '', ifa: `a${i}`, ifb: `b${i}`, subnet: `10.9.${i}.0/24`, addrA: `10.9.${i}.1`, addrB: `10.9.${i}.2` });
  }
  return { name: `${PREFIX}${n}`, nodes, links };
}

/** @param {Chain} c */
function chainYaml(c) {
  const lines = [`name: ${c.name}`, 'nodes:', ...c.nodes.map((n) => `  - ${n}`), 'links:'];
  for (const l of c.links) lines.push(`  - [${l.a}:${l.ifa}, ${l.b}:${l.ifb}, ${l.subnet}]`);
  return lines.join('\n') + '\n';
}

/** The routes chainmail derives for a path: defaults at the ends, every non-adjacent subnet in the middle. @param {Chain} c */
function routes(c) {
  /** @type {{ node: string, route: string }[]} */
  const out = [];
  const L = c.links;
  c.nodes.forEach((node, i) => {
    const left = L[i - 1];
    const right = L[i];
    if (!left && right) out.push({ node, route: `default via ${right.addrB} dev ${right.ifa}` });
    else if (left && !right) out.push({ node, route: `default via ${left.addrA} dev ${left.ifb}` });
    else if (left && right) {
      for (const l of L.slice(0, i - 1)) out.push({ node, route: `${l.subnet} via ${left.addrA} dev ${left.ifb}` });
      for (const l of L.slice(i + 1)) out.push({ node, route: `${l.subnet} via ${right.addrB} dev ${right.ifa}` });
    }
  });
  return out;
}

/**
 * The floor: what a user would script by hand. One `docker run -d` per
 * container, their pids in one `docker inspect`, then one process per
 * kernel change, as bench's ipScript: veth pairs from the host between the
 * pids' namespaces, the rest by nsenter into each.
 * @param {Chain} c
 */
function floorScript(c) {
  const s = ['#!/bin/bash', 'set -e', 'declare -A pid'];
  s.push(`for c in ${c.nodes.join(' ')}; do docker run -d --name "$c" ${RUN_FLAGS.join(' ')} ${IMAGE} >/dev/null; done`);
  s.push('echo run $(date +%s%N)');
  s.push(`while read -r name p; do pid[$name]=$p; done < <(docker inspect -f '{{.Name}} {{.State.Pid}}' ${c.nodes.join(' ')} | sed 's|^/||')`);
  const inNs = (/** @type {string} */ node) => `nsenter -t \${pid[${node}]} -n`;
  for (const l of c.links) {
    s.push(`ip link add ${l.ifa} netns \${pid[${l.a}]} type veth peer name ${l.ifb} netns \${pid[${l.b}]}`);
    s.push(`${inNs(l.a)} ip addr add ${l.addrA}/24 dev ${l.ifa}`, `${inNs(l.b)} ip addr add ${l.addrB}/24 dev ${l.ifb}`);
    s.push(`${inNs(l.a)} ip link set ${l.ifa} up`, `${inNs(l.b)} ip link set ${l.ifb} up`);
  }
  for (const f of c.nodes.slice(1, -1)) s.push(`${inNs(f)} sysctl -e -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1`);
  for (const r of routes(c)) s.push(`${inNs(r.node)} ip route add ${r.route}`);
  return s.join('\n') + '\n';
}

/** Names of containers that exist, of this section's. */
function ourContainers() {
  const r = run('docker', ['ps', '-a', '--format', '{{.Names}}'], { check: false });
  return (r.stdout || '').split('\n').filter((n) => n.startsWith(PREFIX));
}

function removeContainers() {
  const names = ourContainers();
  if (names.length) run('docker', ['rm', '-f', ...names], { check: false });
}

function cleanupDocker() {
  removeContainers();
  try {
    for (const f of readdirSync(STATE_DIR)) if (f.startsWith(PREFIX)) rmSync(join(STATE_DIR, f), { force: true });
  } catch {
    /* no state dir */
  }
}

/** @param {Chain} c */
function assertClean(c) {
  const left = ourContainers().filter((n) => c.nodes.includes(n));
  if (left.length) throw new Error(`containers left before a run: ${left.join(', ')}`);
}

/** @param {string} dir @param {string} bin @returns {DockerResult} */
export function benchDocker(dir, bin) {
  const c = dockerChain();
  const file = join(dir, 'docker.yaml');
  writeFileSync(file, chainYaml(c));
  const script = join(dir, 'docker-floor.sh');
  writeFileSync(script, floorScript(c));
  /** @type {Record<string, number[]>} */
  const s = { up: [], own: [], down: [], floor: [], floor_run: [], rm: [] };
  cleanupDocker();
  run('docker', ['image', 'inspect', IMAGE], { check: true });
  for (let k = 0; k < RUNS; k++) {
    // alternating which goes first, so neither always meets the machine as the other left it
    const steps = [
      () => {
        assertClean(c);
        const up = timed(bin, ['chain', 'up', file, '--docker', '--json']);
        s.up?.push(up.ms);
        s.own?.push(/** @type {{ ms: number }} */ (parseJson(up.r.stdout)).ms);
        s.down?.push(timed(bin, ['chain', 'down', file]).ms);
      },
      () => {
        assertClean(c);
        const t0 = performance.now();
        const r = run('bash', [script]);
        const ran = Number(/run (\d+)/.exec(r.stdout)?.[1] ?? NaN) / 1e6;
        s.floor?.push(performance.now() - t0);
        // the docker run loop alone, by the wall clock the script printed after it
        s.floor_run?.push(ran - (Date.now() - (performance.now() - t0)));
        const t1 = performance.now();
        run('docker', ['rm', '-f', ...c.nodes]);
        s.rm?.push(performance.now() - t1);
      },
    ];
    for (const step of k % 2 ? [...steps].reverse() : steps) step();
  }
  cleanupDocker();
  const up = median(s.up ?? []);
  const floor = median(s.floor ?? []);
  return {
    containers: c.nodes.length,
    runs: RUNS,
    up_ms: r1(up),
    up_own_ms: r1(median(s.own ?? [])),
    floor_ms: r1(floor),
    floor_run_ms: r1(median(s.floor_run ?? [])),
    ratio: Number.isNaN(up / floor) ? null : Math.round((up / floor) * 100) / 100,
    down_ms: r1(median(s.down ?? [])),
    rm_ms: r1(median(s.rm ?? [])),
    samples: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.map(tenth)])),
  };
}

/** @param {DockerResult} d */
export function dockerTable(d) {
  const rows = [
    ['chain up --docker (CLI wall time)', d.up_ms],
    ['chain up --docker (own time it reports)', d.up_own_ms],
    ['floor: docker run -d loop + ip/nsenter script', d.floor_ms],
    ['  of which the docker run loop', d.floor_run_ms],
    ['chain up / floor', d.ratio],
    ['chain down', d.down_ms],
    ['docker rm -f of the same containers', d.rm_ms],
  ];
  return markdown([[`${d.containers} containers, median of ${d.runs}`, 'ms'], ...rows]);
}

/** @type {import('../lib/section.mjs').Section} */
export const docker = {
  key: 'docker',
  title: `chain up --docker of ${CONTAINERS} containers against a docker run loop plus ip`,
  measure({ dir }) {
    // without an engine or the image the other sections' results still count: this one says why it is empty
    const ready = run('docker', ['image', 'inspect', IMAGE], { check: false });
    if (ready.status !== 0) {
      const why = `skipped: no Docker engine or no ${IMAGE} (scripts/ensure-docker.sh, scripts/build-test-image.sh)`;
      console.error(`bench: docker ${why}`);
      return Promise.resolve(afterOnly(AFTER, { json: { skipped: why }, rows: [], cases: [] }));
    }
    let d;
    try {
      d = benchDocker(dir, AFTER.bin);
    } finally {
      cleanupDocker();
    }
    return Promise.resolve(
      afterOnly(AFTER, {
        json: d,
        rows: [
          floorRow(`chain up --docker, ${d.containers} containers, vs docker run loop + ip script`, d.up_ms, d.floor_ms, d.runs),
          floorRow(`chain down --docker, ${d.containers} containers, vs docker rm -f`, d.down_ms, d.rm_ms, d.runs),
        ],
        cases: [
          { what: `chain up --docker, ${d.containers} containers`, value: d.up_ms, includesNodeStart: true, runs: d.runs },
          { what: `chain down --docker, ${d.containers} containers`, value: d.down_ms, includesNodeStart: true, runs: d.runs },
        ],
        tables: [{ title: `chain up --docker (${d.containers} containers)`, markdown: dockerTable(d) }],
      }),
    );
  },
};
