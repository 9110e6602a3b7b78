#!/usr/bin/env node
// Benchmark harness: chainmail against plain iproute2 (one process per command)
// and against the batch floor (ip -batch), on network namespaces named cmt-b*.
// Run as root: `npm run bench`. Writes bench/results/latest.json and latest.md.
//
// BENCH_BASELINE=/path/to/another/checkout (built: npm ci && npm run build there)
// times every case for that checkout's bin too, the two interleaved run by run
// (alternating which goes first) so both see the same machine, and adds a
// before/after table. Node's own start (`node -e 0`) is a row of its own, and
// rows that include it are also given without it: less the median start of
// Node as that bin starts it.
// BENCH_ONLY=seed,scale,koko,batch,heal,detect,tui,traffic runs those sections only (written
// to results/partial.json and partial.md). BENCH_IDLE_SECONDS (30) is how long
// each TUI run watches the idle UI; BENCH_TUI_RUNS (2) how many it makes per bin.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync, readdirSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { median, parseJson } from './shared.mjs';

/**
 * A chain of nodes in a path, each link with its two ends' interfaces and addresses.
 * @typedef {{ a: string, b: string, ifa: string, ifb: string, subnet: string, addrA: string, addrB: string }} Link
 * @typedef {{ name: string, nodes: string[], links: Link[] }} Chain
 *
 * A program compared (see binOf).
 * @typedef {{ name: 'after' | 'before', root: string, bin: string, startsWithoutCa: boolean }} Bin
 *
 * What the sections find for one bin: a figure is null when it had no samples (r1).
 * @typedef {number | null} Figure
 * @typedef {{
 *   runs: number, chainmail_ms: Figure, chainmail_own_ms: Figure, ip_script_ms: Figure, batch_floor_ms: Figure,
 *   ip_commands: number, samples: Record<string, number[]>,
 * }} SeedResult
 * @typedef {{
 *   nodes: number, runs: number, routes: number, up_ms: Figure, up_own_ms: Figure, batch_floor_ms: Figure,
 *   ls_ms: Figure, ls_loop_ms: Figure, down_ms: Figure, samples: Record<string, number[]>,
 * }} ScaleResult
 * @typedef {{ runs: number, koko_ms: Figure, koko_ip_ms: Figure, samples: { koko: number[], ip: number[] } }} KokoResult
 * @typedef {{
 *   runs: number, lines: number, batch_ms: Figure, batch_own_ms: Figure, ip_script_ms: Figure, ip_commands: number,
 *   samples: { batch: number[], own: number[], ip: number[] },
 * }} BatchResult
 * @typedef {{ detect_ms: Figure, detect_polls: number, heal_ms: Figure, heal_cmd_ms: Figure, heal_reported_ms: number, runs: number }} DetectHealResult
 * @typedef {{ detect_model_ms: Figure, samples: number[] }} DetectModelResult
 * @typedef {{
 *   nodes: number, first_frame_ms: Figure, first_paint_ms: Figure, idle_cpu_pct: Figure, idle_seconds: number, rss_mb: Figure,
 *   prompt_samples: number[], prompt_ms: Figure, echo_samples: number[], echo_ms: Figure,
 * }} TuiRun one run of the UI
 * @typedef {TuiRun & { runs: number }} TuiResult
 * @typedef {{
 *   namespaces: number, hops: number, seconds: number, idle_cpu_ms_per_s: Figure, traffic_cpu_ms_per_s: Figure,
 *   cost_ms_per_s: Figure, cost_ms_per_read: Figure, reads: number, processes_started: number,
 * }} TrafficResult
 * @typedef {{
 *   seed_chain?: SeedResult, scale?: ScaleResult[], koko?: KokoResult, batch?: BatchResult, detect_heal?: DetectHealResult,
 *   detect_model?: DetectModelResult, tui?: TuiResult, traffic?: TrafficResult,
 * }} Results
 * @typedef {{
 *   runs: number, node_start_ms: Figure, node_start_without_extra_ca_ms: Figure,
 *   samples: { plain: number[], without_extra_ca: number[] },
 * }} NodeStart
 * @typedef {{
 *   what: string, runs: number, before: Figure | undefined, after: Figure | undefined, ratio: number | null,
 *   includes_node_start: boolean | 'several', before_without_node: Figure, after_without_node: Figure,
 *   ratio_without_node: number | null,
 * }} ComparisonRow
 */
/**
 * One result for each bin, by its name.
 * @template T
 * @typedef {{ [bin: string]: T }} PerBin
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const RESULTS = join(HERE, 'results');
const STATE_DIR = '/var/run/chainmail/chains';
const PREFIX = 'cmt-b';
const SEED_RUNS = 5;
const KOKO_RUNS = 10;
const SCALE = [
  { nodes: 10, runs: 3 },
  { nodes: 50, runs: 3 },
  { nodes: 200, runs: 3 },
];
/** node -e 0 runs before each section and at the end. */
const NODE_START_RUNS = 6;
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
/** Each a whole run of its own (a chain made, the UI started), per bin: the medians are taken across them. */
const HEAL_RUNS = 3;
const TUI_RUNS = Number(process.env.BENCH_TUI_RUNS ?? 2);
/** How long the traffic section measures the CPU with and without the UI's counter reads. */
const TRAFFIC_SECONDS = Number(process.env.BENCH_TRAFFIC_SECONDS ?? 10);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const want = (/** @type {string} */ section) => !ONLY || ONLY.has(section);

// ---------------------------------------------------------------------------
// Helpers

/**
 * @param {string} cmd
 * @param {readonly string[]} args
 * @param {{ input?: string, check?: boolean }} [opts]
 */
function run(cmd, args, { input, check = true } = {}) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (check && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout || '').slice(0, 800)}`);
  }
  return r;
}

/** @param {string} cmd @param {readonly string[]} args @param {{ input?: string, check?: boolean }} [opts] */
function timed(cmd, args, opts) {
  const t0 = performance.now();
  const r = run(cmd, args, opts);
  return { ms: performance.now() - t0, r };
}

/**
 * The programs compared: this checkout's ("after") and, with BENCH_BASELINE,
 * that checkout's ("before"). Each is run as users run it, by its `#!` line;
 * startsWithoutCa: that line starts node without NODE_EXTRA_CA_CERTS (the
 * `env -S -u` line chainmail once had), which decides which Node start is
 * taken off its times.
 * @param {Bin['name']} name
 * @param {string} root
 * @returns {Bin}
 */
function binOf(name, root) {
  const bin = join(root, 'bin', 'chainmail.js');
  const firstLine = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  return { name, root, bin, startsWithoutCa: /\s-u\s+NODE_EXTRA_CA_CERTS\b/.test(firstLine) };
}
const BASELINE = process.env.BENCH_BASELINE;
const AFTER = binOf('after', ROOT);
const BEFORE = BASELINE ? binOf('before', BASELINE) : undefined;
const BINS = BEFORE ? [AFTER, BEFORE] : [AFTER];
/**
 * The bins (or what goes with them) in the order run k takes them: alternating, so neither always goes first.
 * @template T
 * @param {readonly T[]} bins
 * @param {number} k
 */
function order(bins, k) {
  return k % 2 ? [...bins].reverse() : bins;
}

/**
 * A bin's result of a section.
 * @template T
 * @param {PerBin<T>} results
 * @param {Bin} bin
 */
function ofBin(results, bin) {
  const r = results[bin.name];
  if (r === undefined) throw new Error(`bench: no result for ${bin.name}`);
  return r;
}

/** @param {Bin} bin */
const cmOf =
  (bin) =>
  (/** @type {readonly string[]} */ args, /** @type {{ check?: boolean } | undefined} */ opts = undefined) =>
    timed(bin.bin, args, opts);
const cm = cmOf(AFTER);

const tenth = (/** @type {number} */ x) => Math.round(x * 10) / 10;
/**
 * To a tenth; null for no figure (NaN included, which JSON writes as null anyway).
 * @param {number | null | undefined} x
 */
const r1 = (x) => (x === undefined || x === null || Number.isNaN(x) ? null : tenth(x));

function ourNamespaces() {
  const out = run('ip', ['netns', 'list'], { check: false }).stdout || '';
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(PREFIX));
}

/** @param {readonly string[]} names */
function delNamespaces(names) {
  if (names.length === 0) return;
  const r = run('ip', ['-force', '-batch', '-'], { input: names.map((n) => `netns del ${n}`).join('\n') + '\n', check: false });
  for (const n of ourNamespaces()) if (names.includes(n)) run('ip', ['netns', 'del', n], { check: false });
  return r;
}

/** Everything this harness may have left: namespaces cmt-b*, state files of chains cmt-b*. */
function cleanupAll() {
  run('tmux', ['kill-session', '-t', `=${TMUX_SESSION}`], { check: false });
  delNamespaces(ourNamespaces());
  try {
    for (const f of readdirSync(STATE_DIR)) if (f.startsWith(PREFIX)) rmSync(join(STATE_DIR, f), { force: true });
  } catch {
    /* no state dir */
  }
}

// ---------------------------------------------------------------------------
// A path chain: node i linked to node i+1, fixed generated data only.

/**
 * @param {string} name
 * @param {string[]} nodes
 * @param {(i: number) => string} ifA link i's interface in its first node
 * @param {(i: number) => string} ifB the same in its second
 * @param {(i: number) => string} subnetOf link i's /24, as "10.x.y"
 * @returns {Chain}
 */
function pathChain(name, nodes, ifA, ifB, subnetOf) {
  /** @type {Link[]} */
  const links = [];
  nodes.forEach((a, i) => {
    const b = nodes[i + 1];
    if (b === undefined) return; // the last node: no link from it
    const base = subnetOf(i); // "10.x.y"
    links.push({ a, b, ifa: ifA(i), ifb: ifB(i), subnet: `${base}.0/24`, addrA: `${base}.1`, addrB: `${base}.2` });
  });
  return { name, nodes, links };
}

function seedChain() {
  const names = ['client', 'firewall', 'router', 'webserver'].map((n) => `${PREFIX}-${n}`);
  return pathChain(
    `${PREFIX}-seed`,
    names,
    (i) => `link${2 * i + 1}`,
    (i) => `link${2 * i + 2}`,
    (i) => `10.0.${i + 1}`,
  );
}

/** @param {number} n */
function scaleChain(n, tag = 's') {
  const names = Array.from({ length: n }, (_, i) => `${PREFIX}-${tag}${i}`);
  // link i: 10.(i/256).(i%256).0/24 — distinct and valid for i < 65536
  return pathChain(
    `${PREFIX}-${tag}${n}`,
    names,
    (i) => `a${i}`,
    (i) => `b${i}`,
    (i) => `10.${Math.floor(i / 256)}.${i % 256}`,
  );
}

/** @param {Chain} c @param {readonly string[]} [probes] */
function chainYaml(c, probes = []) {
  const lines = [`name: ${c.name}`, 'nodes:', ...c.nodes.map((n) => `  - ${n}`), 'links:'];
  for (const l of c.links) lines.push(`  - [${l.a}:${l.ifa}, ${l.b}:${l.ifb}, ${l.subnet}]`);
  if (probes.length) lines.push('probes:', ...probes.map((p) => `  - ${p}`));
  return lines.join('\n') + '\n';
}

/** The same routes chainmail derives for a path: defaults at the ends, every non-adjacent subnet in the middle. @param {Chain} c */
function routes(c) {
  /** @type {{ ns: string, route: string }[]} */
  const out = [];
  const L = c.links;
  c.nodes.forEach((ns, i) => {
    // node i's links: L[i - 1] on its left, L[i] on its right; the ends have one each
    const left = L[i - 1],
      right = L[i];
    if (!left && right) out.push({ ns, route: `default via ${right.addrB} dev ${right.ifa}` });
    else if (left && !right) out.push({ ns, route: `default via ${left.addrA} dev ${left.ifb}` });
    else if (left && right) {
      for (const l of L.slice(0, i - 1)) out.push({ ns, route: `${l.subnet} via ${left.addrA} dev ${left.ifb}` });
      for (const l of L.slice(i + 1)) out.push({ ns, route: `${l.subnet} via ${right.addrB} dev ${right.ifa}` });
    }
  });
  return out;
}
const forwarders = (/** @type {Chain} */ c) => c.nodes.slice(1, -1);
const SYSCTL = ['sysctl', '-e', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1'];

/** (a) one iproute2 process per command, as a bash script. @param {Chain} c */
function ipScript(c) {
  const s = ['#!/bin/bash', 'set -e'];
  for (const n of c.nodes) s.push(`ip netns add ${n}`, `ip -n ${n} link set lo up`);
  for (const l of c.links) {
    s.push(`ip link add ${l.ifa} netns ${l.a} type veth peer name ${l.ifb} netns ${l.b}`);
    s.push(`ip -n ${l.a} addr add ${l.addrA}/24 dev ${l.ifa}`, `ip -n ${l.b} addr add ${l.addrB}/24 dev ${l.ifb}`);
    s.push(`ip -n ${l.a} link set ${l.ifa} up`, `ip -n ${l.b} link set ${l.ifb} up`);
  }
  for (const f of forwarders(c)) s.push(`ip netns exec ${f} ${SYSCTL.join(' ')}`);
  for (const r of routes(c)) s.push(`ip -n ${r.ns} route add ${r.route}`);
  return s.join('\n') + '\n';
}

/** (b) the batch floor: namespaces one process each, links from the host in one batch, the rest one batch per namespace. @param {Chain} c */
function batchFloor(c) {
  for (const n of c.nodes) run('ip', ['netns', 'add', n]);
  run('ip', ['-batch', '-'], { input: c.links.map((l) => `link add ${l.ifa} netns ${l.a} type veth peer name ${l.ifb} netns ${l.b}`).join('\n') + '\n' });
  const per = new Map(c.nodes.map((n) => [n, ['link set lo up']]));
  const add = (/** @type {string} */ ns, /** @type {string[]} */ ...cmds) => {
    const batch = per.get(ns);
    if (!batch) throw new Error(`batch floor: ${ns} is not a node of ${c.name}`);
    batch.push(...cmds);
  };
  for (const l of c.links) {
    add(l.a, `addr add ${l.addrA}/24 dev ${l.ifa}`, `link set ${l.ifa} up`);
    add(l.b, `addr add ${l.addrB}/24 dev ${l.ifb}`, `link set ${l.ifb} up`);
  }
  for (const r of routes(c)) add(r.ns, `route add ${r.route}`);
  for (const [ns, cmds] of per) run('ip', ['-n', ns, '-batch', '-'], { input: cmds.join('\n') + '\n' });
  for (const f of forwarders(c)) run('ip', ['netns', 'exec', f, ...SYSCTL]);
}

/** @param {Chain} c */
function timeFloor(c) {
  const t0 = performance.now();
  batchFloor(c);
  return performance.now() - t0;
}

/** @param {Chain} c */
function assertClean(c) {
  const left = ourNamespaces().filter((n) => c.nodes.includes(n));
  if (left.length) throw new Error(`namespaces left before a run: ${left.join(', ')}`);
}

// ---------------------------------------------------------------------------
// Sections

/**
 * Lists of samples, a set of its own (fresh()) for each bin: the function returned gives a bin's.
 * @template {string} K
 * @param {readonly Bin[]} bins
 * @param {() => Record<K, number[]>} fresh
 * @returns {(bin: Bin) => Record<K, number[]>}
 */
function perBin(bins, fresh) {
  const all = new Map(bins.map((b) => [b, fresh()]));
  return (bin) => {
    const samples = all.get(bin);
    if (!samples) throw new Error(`bench: ${bin.name} is not a bin of this section`);
    return samples;
  };
}
const samplesOf = (/** @type {Record<string, number[]>} */ x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, v.map(tenth)]));
/** What `chain up --json` prints that the bench reads: its own time. */
const ownMs = (/** @type {string} */ stdout) => /** @type {{ ms: number }} */ (parseJson(stdout)).ms;

/** @param {string} dir @param {readonly Bin[]} bins @returns {PerBin<SeedResult>} */
function benchSeed(dir, bins) {
  const c = seedChain();
  const file = join(dir, 'seed.yaml');
  writeFileSync(file, chainYaml(c));
  const script = join(dir, 'seed-ip.sh');
  writeFileSync(script, ipScript(c));
  const res = perBin(bins, () => ({ chainmail: [], own: [] }));
  const floors = { ip_script: /** @type {number[]} */ ([]), batch_floor: /** @type {number[]} */ ([]) };
  for (let k = 0; k < SEED_RUNS; k++) {
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
  return Object.fromEntries(
    bins.map((b) => [
      b.name,
      {
        runs: SEED_RUNS,
        chainmail_ms: r1(median(res(b).chainmail)),
        // the time chain up reports for its own work: the CLI's wall time less Node's start and module loading
        chainmail_own_ms: r1(median(res(b).own)),
        ip_script_ms: r1(median(floors.ip_script)),
        batch_floor_ms: r1(median(floors.batch_floor)),
        ip_commands: ipScript(c)
          .split('\n')
          .filter((l) => l.startsWith('ip ')).length,
        samples: samplesOf({ ...res(b), ...floors }),
      },
    ]),
  );
}

/** ls's baseline: every namespace on the host read by `ip -j` three times (addresses, routes, links). */
const LS_LOOP =
  'for ns in $(ip netns list | cut -d" " -f1); do ip -n "$ns" -j addr show >/dev/null; ip -n "$ns" -j route show >/dev/null; ip -n "$ns" -j link show >/dev/null; done';

/** @param {string} dir @param {{ nodes: number, runs: number }} size @param {readonly Bin[]} bins @returns {PerBin<ScaleResult>} */
function benchScale(dir, { nodes, runs }, bins) {
  const c = scaleChain(nodes);
  const file = join(dir, `scale-${nodes}.yaml`);
  writeFileSync(file, chainYaml(c));
  const s = perBin(bins, () => ({ up: [], own: [], ls: [], down: [] }));
  const floors = { floor: /** @type {number[]} */ ([]), lsLoop: /** @type {number[]} */ ([]) };
  for (let k = 0; k < runs; k++) {
    for (const b of order(bins, k)) {
      assertClean(c);
      const up = cmOf(b)(['chain', 'up', file, '--json']);
      s(b).up.push(up.ms);
      s(b).own.push(ownMs(up.r.stdout));
      s(b).ls.push(cmOf(b)(['ls', '--json']).ms);
      if (b === bins[0]) floors.lsLoop.push(timed('bash', ['-c', LS_LOOP]).ms);
      s(b).down.push(cmOf(b)(['chain', 'down', file]).ms);
    }
    assertClean(c);
    floors.floor.push(timeFloor(c));
    delNamespaces(c.nodes);
  }
  return Object.fromEntries(
    bins.map((b) => [
      b.name,
      {
        nodes,
        runs,
        routes: routes(c).length,
        up_ms: r1(median(s(b).up)),
        up_own_ms: r1(median(s(b).own)),
        batch_floor_ms: r1(median(floors.floor)),
        ls_ms: r1(median(s(b).ls)),
        ls_loop_ms: r1(median(floors.lsLoop)),
        down_ms: r1(median(s(b).down)),
        samples: samplesOf({ ...s(b), ...floors }),
      },
    ]),
  );
}

/**
 * What any Node CLI pays before its first line: `node -e 0`, in this
 * environment as it is and, where NODE_EXTRA_CA_CERTS is set, without it
 * (as a bin whose `#!` line drops it starts node). Alternating, so both see
 * the same host, and taken before every section and at the end, so the
 * medians follow the machine through the whole run.
 */
const nodeStarts = { plain: /** @type {number[]} */ ([]), bare: /** @type {number[]} */ ([]) };
function sampleNodeStart() {
  const { NODE_EXTRA_CA_CERTS: extra, ...withoutCa } = process.env;
  for (let i = 0; i < NODE_START_RUNS; i++) {
    nodeStarts.plain.push(timed(process.execPath, ['-e', '0']).ms);
    if (extra) nodeStarts.bare.push(spawnTimed(process.execPath, ['-e', '0'], withoutCa));
  }
}
/** @returns {NodeStart} */
function nodeStartResult() {
  return {
    runs: nodeStarts.plain.length,
    node_start_ms: r1(median(nodeStarts.plain)),
    node_start_without_extra_ca_ms: nodeStarts.bare.length ? r1(median(nodeStarts.bare)) : null,
    samples: { plain: nodeStarts.plain.map(tenth), without_extra_ca: nodeStarts.bare.map(tenth) },
  };
}

/** The median start of Node as this bin starts it. @param {NodeStart} ns @param {Bin} bin */
const nodeStartOf = (ns, bin) => (bin.startsWithoutCa && ns.node_start_without_extra_ca_ms !== null ? ns.node_start_without_extra_ca_ms : ns.node_start_ms);

/** @param {string} cmd @param {readonly string[]} args @param {NodeJS.ProcessEnv} env */
function spawnTimed(cmd, args, env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return performance.now() - t0;
}

/** @param {string} dir @param {readonly Bin[]} bins @returns {PerBin<KokoResult>} */
function benchKoko(dir, bins) {
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
    for (let i = 0; i < KOKO_RUNS; i++) {
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
  return Object.fromEntries(
    bins.map((b) => [
      b.name,
      {
        runs: KOKO_RUNS,
        koko_ms: r1(median(k(b).koko)),
        koko_ip_ms: r1(median(p)),
        samples: { koko: k(b).koko.map(tenth), ip: p.map(tenth) },
      },
    ]),
  );
}

/** The seed story's links, addresses, routes and forwarding as prompt lines (koko, koro, forward), as a user replays it. @param {Chain} c */
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

/**
 * The seed story replayed as one `batch` (one Node start for all its lines)
 * against a bash script of ip commands doing the same, in namespaces made
 * beforehand for both. Only this checkout's bin: the baseline may have no batch.
 * @param {string} dir
 * @returns {BatchResult}
 */
function benchBatch(dir) {
  const c = seedChain();
  const file = join(dir, 'story.batch');
  writeFileSync(file, storyBatch(c));
  const script = join(dir, 'story-ip.sh');
  writeFileSync(script, storyIpScript(c));
  /** @type {number[]} */
  const batch = [];
  /** @type {number[]} */
  const own = [];
  /** @type {number[]} */
  const ip = [];
  const replay = () => {
    const r = cm(['batch', file, '--json']);
    batch.push(r.ms);
    own.push(ownMs(r.r.stdout));
  };
  const fresh = () => {
    delNamespaces(c.nodes);
    for (const n of c.nodes) run('ip', ['netns', 'add', n]);
  };
  try {
    for (let k = 0; k < SEED_RUNS; k++) {
      // alternate which goes first, so both see the same machine
      const pair = [replay, () => ip.push(timed('bash', [script]).ms)];
      for (const go of k % 2 ? pair.reverse() : pair) {
        fresh();
        go();
      }
    }
  } finally {
    delNamespaces(c.nodes);
  }
  return {
    runs: SEED_RUNS,
    lines: storyBatch(c)
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#')).length,
    batch_ms: r1(median(batch)),
    // the time batch reports for its lines: the CLI's wall time less Node's start and module loading
    batch_own_ms: r1(median(own)),
    ip_script_ms: r1(median(ip)),
    ip_commands: storyIpScript(c)
      .split('\n')
      .filter((l) => l.startsWith('ip ')).length,
    samples: { batch: batch.map(tenth), own: own.map(tenth), ip: ip.map(tenth) },
  };
}

/**
 * What `chain status --json` and `chain heal --json` print that the bench reads.
 * @typedef {{ ok: boolean, items: { what: string, ok: boolean }[] }} ChainStatus
 * @typedef {{ probesOk: boolean, ms: number }} ChainHeal
 */

/** @param {Chain} c @param {number} i */
function nodeOf(c, i) {
  const node = c.nodes[i];
  if (node === undefined) throw new Error(`bench: ${c.name} has no node ${i}`);
  return node;
}

/** @param {string} dir @param {Bin} bin @returns {DetectHealResult} */
function benchDetectHeal(dir, bin) {
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

/**
 * A module of another checkout, by its file: unknown until the caller says what it exports.
 * @param {string} file
 * @returns {Promise<unknown>}
 */
function importFile(file) {
  return import(file);
}

/**
 * detect through the UI's model (events, no polling of ours): kill -> the hop drawn broken. Each sample a fresh session, the bins in turn.
 * @param {string} dir
 * @param {readonly Bin[]} bins
 * @returns {Promise<PerBin<DetectModelResult>>}
 */
async function benchDetectModel(dir, bins) {
  const c = scaleChain(5, 'd');
  const file = join(dir, 'detect.yaml');
  writeFileSync(file, chainYaml(c));
  cm(['chain', 'up', file]);
  // where tsc puts them, in the layout of either checkout (before and after src/ was rearranged in layers)
  const first = (/** @type {string} */ root, /** @type {string[]} */ paths) =>
    paths.map((p) => join(root, 'dist', p)).find((f) => existsSync(f)) ?? join(root, 'dist', paths[0] ?? '');
  // typed as this checkout's: the bench uses only what both checkouts' have (start, stop, the topology's targets, the broken hops)
  /** @type {Map<Bin, { Session: typeof import('#dist/ui/session/session.js').Session, createContext: typeof import('#dist/host/context.js').createContext }>} */
  const code = new Map();
  for (const b of bins) {
    code.set(b, {
      Session: /** @type {typeof import('#dist/ui/session/session.js')} */ (await importFile(first(b.root, ['ui/session/session.js', 'ui/session.js']))).Session,
      createContext: /** @type {typeof import('#dist/host/context.js')} */ (await importFile(first(b.root, ['host/context.js', 'commands/context.js']))).createContext,
    });
  }
  const samples = perBin(bins, () => ({ detect: [] }));
  const middle = nodeOf(c, 2);
  const until = async (/** @type {() => boolean | undefined} */ pred, /** @type {string} */ what, ms = 20000) => {
    const t0 = performance.now();
    while (!pred()) {
      if (performance.now() - t0 > ms) throw new Error(`detect: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  try {
    for (let k = 0; k < 3; k++) {
      for (const b of order(bins, k)) {
        const bc = code.get(b);
        if (!bc) throw new Error(`detect: ${b.name}'s session not loaded`);
        const session = new bc.Session(bc.createContext());
        try {
          session.start();
          await until(() => session.state.topology?.targets.some((t) => t.ns.label === middle) && session.state.broken.size === 0, 'the chain whole');
          await new Promise((r) => setTimeout(r, 300));
          const t0 = performance.now();
          run('ip', ['netns', 'del', middle]);
          await until(() => session.state.broken.size > 0, 'the hop broken');
          samples(b).detect.push(performance.now() - t0);
        } finally {
          session.stop();
        }
        cm(['chain', 'up', file]);
      }
    }
  } finally {
    cm(['chain', 'down', file], { check: false });
  }
  return Object.fromEntries(bins.map((b) => [b.name, { detect_model_ms: r1(median(samples(b).detect)), samples: samples(b).detect.map(tenth) }]));
}

// ---------------------------------------------------------------------------
// The UI in a real terminal (tmux), over a 50-node chain.

const TMUX_SESSION = 'cmt-bench-ui';
const tmux = (/** @type {readonly string[]} */ args, /** @type {{ check?: boolean } | undefined} */ opts = undefined) => run('tmux', ['-u', ...args], opts);
const capture = () => tmux(['capture-pane', '-p', '-t', `=${TMUX_SESSION}:`], { check: false }).stdout || '';

/** @param {number} pid */
function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime stime cutime cstime are fields 14-17 (1-based) of the whole line: 11-14 after the name
  const ticks = fields
    .slice(11, 15)
    .map(Number)
    .reduce((a, b) => a + b, 0);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { ticks, rssKb };
}

/** @param {(screen: string) => boolean} pred @param {number} ms @param {string} what */
async function waitScreen(pred, ms, what) {
  const t0 = performance.now();
  for (;;) {
    const screen = capture();
    if (pred(screen)) return performance.now() - t0;
    if (performance.now() - t0 > ms) {
      const dead = tmux(['display-message', '-p', '-t', `=${TMUX_SESSION}:`, '#{pane_dead} #{pane_dead_status}'], { check: false }).stdout.trim();
      throw new Error(`ui: timed out waiting for ${what} (pane dead/status: ${dead}):\n${screen}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

const headerLinks = (/** @type {string} */ screen) => Number(/ links (\d+)/.exec(screen.split('\n')[0] ?? '')?.[1] ?? NaN);

/** @param {string} dir @param {{ idleSeconds: number }} opts @param {Bin} bin @returns {Promise<TuiRun>} */
async function benchTui(dir, { idleSeconds }, bin) {
  const c = scaleChain(50, 'u');
  const file = join(dir, 'tui.yaml');
  writeFileSync(file, chainYaml(c));
  cm(['chain', 'up', file]);
  const [pa, pb] = [`${PREFIX}-pa`, `${PREFIX}-pb`];
  run('ip', ['netns', 'add', pa]);
  run('ip', ['netns', 'add', pb]);
  const home = mkdtempSync(join(tmpdir(), 'cmt-bench-home-'));
  tmux(['kill-session', '-t', `=${TMUX_SESSION}`], { check: false });
  try {
    const t0 = performance.now();
    // the pane stays after the program ends, so a crash is seen (and said) instead of an empty screen
    tmux([
      'new-session',
      '-d',
      '-s',
      TMUX_SESSION,
      '-x',
      '160',
      '-y',
      '50',
      'env',
      'TERM=xterm-256color',
      `HOME=${home}`,
      bin.bin,
      ';',
      'set-option',
      '-w',
      '-t',
      `=${TMUX_SESSION}:`,
      'remain-on-exit',
      'on',
    ]);
    const pid = Number(tmux(['display-message', '-p', '-t', `=${TMUX_SESSION}:`, '#{pane_pid}']).stdout.trim());
    await waitScreen((s) => / chainmail /.test(s), 20000, 'the first frame');
    const firstPaint = performance.now() - t0;
    await waitScreen((s) => headerLinks(s) >= 49, 30000, 'the 50-node chain');
    const firstFrame = performance.now() - t0;
    // settle, then idle
    await new Promise((r) => setTimeout(r, 5000));
    const start = procStat(pid);
    const rss = [start.rssKb];
    const tStart = performance.now();
    while (performance.now() - tStart < idleSeconds * 1000) {
      await new Promise((r) => setTimeout(r, 5000));
      rss.push(procStat(pid).rssKb);
    }
    const end = procStat(pid);
    const clk = Number(run('getconf', ['CLK_TCK']).stdout.trim()) || 100;
    const idleCpuPct = ((end.ticks - start.ticks) / clk / ((performance.now() - tStart) / 1000)) * 100;

    // prompt: Enter on a koko line -> the new link drawn. The targets filter shows only pa,
    // whose details panel then lists the new interface, whatever else the host is doing
    const send = (/** @type {string[]} */ ...keys) => tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, ...keys]);
    send('/');
    await waitScreen((s) => s.includes('targets /'), 3000, 'the targets filter');
    send('-l', pa);
    await waitScreen((s) => s.includes(`targets /${pa}`), 3000, 'the filter text');
    send('Enter');
    await waitScreen((s) => s.includes(`▸ ${pa}`) || new RegExp(`details.*\\n.*${pa}`).test(s), 5000, `${pa} selected`);
    /** @type {number[]} */
    const prompt = [];
    /** @type {number[]} */
    const echo = [];
    for (let k = 0; k < 5; k++) {
      // a key that arrives while the UI is busy redrawing may be missed: ask again
      for (let tries = 0; ; tries++) {
        tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, ':']);
        try {
          await waitScreen((s) => /^ :.*Tab completes/m.test(s), 1500, 'the prompt');
          break;
        } catch (err) {
          if (tries >= 3) throw err;
        }
      }
      // the baseline: a key typed at the prompt -> drawn (one frame of this UI, through tmux)
      await new Promise((r) => setTimeout(r, 300));
      const te = performance.now();
      tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, '-l', 'koko']);
      await waitScreen((s) => /^ : ?koko/m.test(s), 3000, 'the typed word');
      echo.push(performance.now() - te);
      tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, '-l', ` -n ${pa},px${k},10.250.${k}.1/24 -n ${pb},py${k},10.250.${k}.2/24`]);
      await new Promise((r) => setTimeout(r, 300));
      const tk = performance.now();
      tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, 'Enter']);
      // drawn: the new interface's row in the details panel of pa (not the log's "created ..." line)
      await waitScreen((s) => new RegExp(`\\bpx${k} +(UP|DOWN|UNKNOWN|LOWERLAYERDOWN)\\b`).test(s), 10000, `link px${k} drawn`);
      prompt.push(performance.now() - tk);
      tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, 'Escape']);
      await new Promise((r) => setTimeout(r, 500));
    }
    return {
      nodes: 50,
      first_frame_ms: r1(firstFrame),
      first_paint_ms: r1(firstPaint),
      idle_cpu_pct: r1(idleCpuPct),
      idle_seconds: idleSeconds,
      rss_mb: r1(Math.max(...rss) / 1024),
      prompt_samples: prompt.map(tenth),
      prompt_ms: r1(median(prompt)),
      echo_samples: echo.map(tenth),
      echo_ms: r1(median(echo)),
    };
  } finally {
    tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, 'q'], { check: false });
    await new Promise((r) => setTimeout(r, 1000));
    tmux(['kill-session', '-t', `=${TMUX_SESSION}`], { check: false });
    rmSync(home, { recursive: true, force: true });
    delNamespaces([pa, pb]);
    cm(['chain', 'down', file], { check: false });
  }
}

// ---------------------------------------------------------------------------

const ratio = (/** @type {Figure | undefined} */ a, /** @type {Figure | undefined} */ b) => (a && b ? `${(a / b).toFixed(1)}x` : '-');

/** @typedef {string | number | null | undefined} Cell a table's: empty for null and undefined */

/**
 * A markdown table, its columns padded so it also reads as plain text.
 * @param {Cell[][]} rows the first the header
 */
function markdown(rows, leftColumns = 1) {
  const header = rows[0] ?? [];
  const w = header.map((_, i) => Math.max(3, ...rows.map((r) => String(r[i] ?? '').length)));
  const cell = (/** @type {Cell} */ c, /** @type {number} */ i) => (i < leftColumns ? String(c ?? '').padEnd(w[i] ?? 0) : String(c ?? '').padStart(w[i] ?? 0));
  const line = (/** @type {Cell[]} */ r) => `| ${r.map(cell).join(' | ')} |`;
  return [line(header), `|${w.map((n, i) => (i < leftColumns ? `:${'-'.repeat(n + 1)}` : `${'-'.repeat(n + 1)}:`)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** chainmail against the floors: this checkout only. @param {Results} res @param {NodeStart | undefined} ns */
function floorTable(res, ns) {
  /** @type {Cell[][]} */
  const rows = [['what', 'chainmail ms', 'floor ms', 'ratio', 'runs (median of)']];
  const s = res.seed_chain;
  if (s) {
    rows.push(['seed chain up vs ip script', s.chainmail_ms, s.ip_script_ms, ratio(s.chainmail_ms, s.ip_script_ms), `${s.runs}`]);
    rows.push(['seed chain up vs ip -batch', s.chainmail_ms, s.batch_floor_ms, ratio(s.chainmail_ms, s.batch_floor_ms), `${s.runs}`]);
    rows.push(["  same, chain up's own time (no Node start)", s.chainmail_own_ms, s.batch_floor_ms, ratio(s.chainmail_own_ms, s.batch_floor_ms), `${s.runs}`]);
  }
  for (const x of res.scale ?? []) {
    const runs = x.runs === 1 ? '1 (single run)' : `${x.runs}`;
    rows.push([`scale ${x.nodes} nodes up vs ip -batch`, x.up_ms, x.batch_floor_ms, ratio(x.up_ms, x.batch_floor_ms), runs]);
    rows.push([`  same, chain up's own time`, x.up_own_ms, x.batch_floor_ms, ratio(x.up_own_ms, x.batch_floor_ms), runs]);
    rows.push([`scale ${x.nodes} nodes ls --json vs shell loop`, x.ls_ms, x.ls_loop_ms, ratio(x.ls_ms, x.ls_loop_ms), runs]);
    rows.push([`scale ${x.nodes} nodes chain down`, x.down_ms, '', '', runs]);
  }
  const b = res.batch;
  if (b) {
    const what = `seed story as one batch (${b.lines} lines) vs ip script (${b.ip_commands} commands)`;
    rows.push([what, b.batch_ms, b.ip_script_ms, ratio(b.batch_ms, b.ip_script_ms), `${b.runs}`]);
    rows.push(["  same, batch's own time (no Node start)", b.batch_own_ms, b.ip_script_ms, ratio(b.batch_own_ms, b.ip_script_ms), `${b.runs}`]);
  }
  if (res.koko) rows.push(['koko veth+2 addrs vs ip script', res.koko.koko_ms, res.koko.koko_ip_ms, ratio(res.koko.koko_ms, res.koko.koko_ip_ms), `${res.koko.runs}`]);
  if (ns) {
    rows.push(["node -e 0 (any Node CLI's floor; as this bin starts it)", ns.node_start_ms, '', '', `${ns.runs}`]);
    if (ns.node_start_without_extra_ca_ms !== null) rows.push(['  same, without NODE_EXTRA_CA_CERTS', ns.node_start_without_extra_ca_ms, '', '', `${ns.runs}`]);
  }
  const dh = res.detect_heal;
  if (dh) {
    rows.push([`detect (kill -> status CLI says broken, ${dh.detect_polls} polls)`, dh.detect_ms, '', '', `${dh.runs}`]);
    rows.push([`heal (kill -> heal done; heal says ${dh.heal_reported_ms})`, dh.heal_ms, '', '', `${dh.runs}`]);
  }
  if (res.detect_model) rows.push(['detect (kill -> UI model shows the hop broken)', res.detect_model.detect_model_ms, '', '', `${res.detect_model.samples.length}`]);
  const t = res.tui;
  if (t) {
    rows.push(['TUI first frame, 50-node chain drawn', t.first_frame_ms, '', '', `${t.runs}`]);
    rows.push([`TUI idle CPU % over ${t.idle_seconds} s (own + children)`, t.idle_cpu_pct, '', '', `${t.runs}`]);
    rows.push(['TUI RSS MB (max while idle)', t.rss_mb, '', '', `${t.runs}`]);
    rows.push(['prompt: Enter on koko -> link drawn', t.prompt_ms, t.echo_ms, ratio(t.prompt_ms, t.echo_ms), `${t.prompt_samples.length}`]);
    rows.push(['  baseline: a key typed -> drawn (one frame)', t.echo_ms, '', '', `${t.echo_samples.length}`]);
  }
  return markdown(rows);
}

/**
 * Every timed case, as [label, value of a bin's results, whether the value
 * includes one start of Node, runs]. A case made of several CLI runs (the
 * status polls) includes several starts: it gets no row without them.
 * @param {Results} res
 */
function cases(res) {
  /** @type {[string, (r: Results) => Figure | undefined, boolean | 'several', number][]} */
  const out = [];
  const s = res.seed_chain;
  if (s) {
    out.push(['seed chain up', (r) => r.seed_chain?.chainmail_ms, true, s.runs]);
    out.push(['seed chain up, its own time', (r) => r.seed_chain?.chainmail_own_ms, false, s.runs]);
  }
  (res.scale ?? []).forEach((x, i) => {
    out.push([`scale ${x.nodes} nodes chain up`, (r) => r.scale?.[i]?.up_ms, true, x.runs]);
    out.push([`scale ${x.nodes} nodes chain up, its own time`, (r) => r.scale?.[i]?.up_own_ms, false, x.runs]);
    out.push([`scale ${x.nodes} nodes ls --json`, (r) => r.scale?.[i]?.ls_ms, true, x.runs]);
    out.push([`scale ${x.nodes} nodes chain down`, (r) => r.scale?.[i]?.down_ms, true, x.runs]);
  });
  if (res.koko) out.push(['koko veth + 2 addresses', (r) => r.koko?.koko_ms, true, res.koko.runs]);
  if (res.detect_heal) {
    const runs = res.detect_heal.runs;
    out.push(['detect (kill -> status CLI says broken)', (r) => r.detect_heal?.detect_ms, 'several', runs]);
    out.push(['heal command', (r) => r.detect_heal?.heal_cmd_ms, true, runs]);
    out.push(['heal (kill -> healed)', (r) => r.detect_heal?.heal_ms, 'several', runs]);
  }
  if (res.detect_model) out.push(['detect (kill -> UI model shows it)', (r) => r.detect_model?.detect_model_ms, false, res.detect_model.samples.length]);
  if (res.tui) {
    const runs = res.tui.runs;
    out.push(['TUI first paint', (r) => r.tui?.first_paint_ms, true, runs]);
    out.push(['TUI first frame, 50-node chain drawn', (r) => r.tui?.first_frame_ms, true, runs]);
    out.push([`TUI idle CPU % over ${res.tui.idle_seconds} s`, (r) => r.tui?.idle_cpu_pct, false, runs]);
    out.push(['TUI RSS MB (max while idle)', (r) => r.tui?.rss_mb, false, runs]);
    out.push(['prompt: Enter on koko -> link drawn', (r) => r.tui?.prompt_ms, false, res.tui.prompt_samples.length]);
    out.push(['a key typed -> drawn (one frame)', (r) => r.tui?.echo_ms, false, res.tui.echo_samples.length]);
  }
  return out;
}

/**
 * before/after for every case, and, where a case includes Node's start, both less it (each bin's own Node start).
 * @param {{ after: Results, before: Results, ns: NodeStart | undefined }} res
 * @param {Bin} before the baseline's bin
 * @returns {ComparisonRow[]}
 */
function comparison(res, before) {
  const { ns } = res;
  /** A figure less a bin's Node start: null without both. @param {Figure | undefined} x @param {Bin} bin */
  const lessNode = (x, bin) => {
    const start = ns ? nodeStartOf(ns, bin) : null;
    return typeof x === 'number' && start !== null ? r1(x - start) : null;
  };
  /** @type {ComparisonRow[]} */
  const rows = [];
  for (const [what, get, withNode, runs] of cases(res.after)) {
    const a = get(res.after),
      b = get(res.before);
    const lessB = withNode === true ? lessNode(b, before) : null,
      lessA = withNode === true ? lessNode(a, AFTER) : null;
    rows.push({
      what,
      runs,
      before: b,
      after: a,
      ratio: a != null && b ? Math.round((a / b) * 100) / 100 : null,
      includes_node_start: withNode,
      before_without_node: lessB,
      after_without_node: lessA,
      ratio_without_node: lessB && lessA ? Math.round((lessA / lessB) * 100) / 100 : null,
    });
  }
  return rows;
}

/** @param {ComparisonRow[]} rows @param {NodeStart | undefined} ns @param {Bin} before the baseline's bin */
function comparisonTable(rows, ns, before) {
  const after = AFTER;
  /** @type {Cell[][]} */
  const table = [['what', 'before', 'after', 'ratio', 'before - Node', 'after - Node', 'ratio', 'runs']];
  for (const r of rows) {
    table.push([
      r.what,
      r.before,
      r.after,
      r.ratio ?? '-',
      r.before_without_node ?? (r.includes_node_start === 'several' ? 'n/a' : ''),
      r.after_without_node ?? (r.includes_node_start === 'several' ? 'n/a' : ''),
      r.ratio_without_node ?? '',
      r.runs,
    ]);
  }
  const note = ns
    ? [
        '',
        `Times in ms (median of the runs), except CPU % and MB; ratio = after / before. "- Node" columns: less Node's own start`,
        `as each bin starts it (median of ${ns.runs}, taken between the sections): after ${nodeStartOf(ns, after)} ms (\`node -e 0\` in this environment),`,
        `before ${nodeStartOf(ns, before)} ms${before.startsWithoutCa ? ' (without NODE_EXTRA_CA_CERTS, which its #! line dropped)' : ''}. n/a: several CLI runs in one figure.`,
      ]
    : [];
  return [markdown(table), ...note].join('\n');
}

/**
 * `runs` whole runs of a section per bin, interleaved, merged into one result
 * per bin: each number the median across the runs, each list of samples
 * joined (and its median, the field named like it, taken again).
 */
/**
 * @template {Record<string, Figure | number[]>} T
 * @param {number} runs
 * @param {(bin: Bin) => T | Promise<T>} section
 * @returns {Promise<PerBin<T & { runs: number }>>}
 */
async function runsOf(runs, section) {
  const all = BINS.map((bin) => ({ bin, results: /** @type {T[]} */ ([]) }));
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

// ---------------------------------------------------------------------------
// The UI's traffic reads (packets per second on every hop) over 50 namespaces.

/**
 * This process's CPU time (user and system) and the children it started, over `seconds`.
 * @param {number} seconds
 */
async function cpuOver(seconds) {
  const before = process.cpuUsage();
  const children = childCount();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, started: Math.max(0, childCount() - children) };
}

/** How many child processes this process has now (a new one per read would show). */
function childCount() {
  let n = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) n++;
    } catch {
      /* gone meanwhile */
    }
  }
  return n;
}

/**
 * The UI's traffic meter in this process over a 50-node chain: its netlink monitors run either way
 * (the UI has them anyway); the CPU with the meter reading every hop's counters once a second,
 * against the monitors alone.
 * @param {string} dir
 * @returns {Promise<TrafficResult>}
 */
async function benchTraffic(dir) {
  const c = scaleChain(50, 't');
  const file = join(dir, 'traffic.yaml');
  writeFileSync(file, chainYaml(c));
  cm(['chain', 'up', file]);
  const load = async (/** @type {string} */ path) => importFile(join(ROOT, 'dist', path));
  const { NamespaceMonitors } = /** @type {typeof import('#dist/watch/namespace-monitor.js')} */ (await load('watch/namespace-monitor.js'));
  const { TrafficMeter } = /** @type {typeof import('#dist/ui/session/traffic.js')} */ (await load('ui/session/traffic.js'));
  const { SessionStore } = /** @type {typeof import('#dist/ui/session/store.js')} */ (await load('ui/session/store.js'));
  const { readNamespace } = /** @type {typeof import('#dist/topology/read.js')} */ (await load('topology/read.js'));
  const { resolveLinks } = /** @type {typeof import('#dist/topology/links.js')} */ (await load('topology/links.js'));
  const { prepareLongLived } = /** @type {typeof import('#dist/sys/exec.js')} */ (await load('sys/exec.js'));
  await prepareLongLived();
  /** @type {import('#dist/targets/namespace.js').Namespace[]} */
  const namespaces = c.nodes.map((n) => ({ kind: 'netns', label: n, path: `/var/run/netns/${n}`, netnsName: n }));
  const targets = await Promise.all(namespaces.map(async (ns) => ({ ns, status: 'present', ...(await readNamespace(ns)) })));
  const store = new SessionStore();
  store.update({ topology: { targets, links: resolveLinks(targets), warnings: [] } });
  const monitors = new NamespaceMonitors(() => {});
  monitors.sync(namespaces);
  const meter = new TrafficMeter(store, (path) => monitors.processIn(path));
  try {
    // the monitors started and inside their namespaces: every hop measured
    const t0 = performance.now();
    while (store.state.traffic.size < c.links.length) {
      if (performance.now() - t0 > 20_000) throw new Error(`traffic: ${store.state.traffic.size} of ${c.links.length} hops measured`);
      await meter.tick();
      await new Promise((r) => setTimeout(r, 200));
    }
    const idle = await cpuOver(TRAFFIC_SECONDS);
    let reads = 0;
    const timer = setInterval(() => {
      reads++;
      void meter.tick();
    }, 1000);
    const measured = await cpuOver(TRAFFIC_SECONDS);
    clearInterval(timer);
    const cost = (measured.ms - idle.ms) / TRAFFIC_SECONDS;
    return {
      namespaces: namespaces.length,
      hops: store.state.traffic.size,
      seconds: TRAFFIC_SECONDS,
      idle_cpu_ms_per_s: r1(idle.ms / TRAFFIC_SECONDS),
      traffic_cpu_ms_per_s: r1(measured.ms / TRAFFIC_SECONDS),
      cost_ms_per_s: r1(cost),
      cost_ms_per_read: r1(reads ? (measured.ms - idle.ms) / reads : NaN),
      reads,
      processes_started: measured.started,
    };
  } finally {
    meter.stop();
    monitors.stop();
    cm(['chain', 'down', file], { check: false });
  }
}

/** @param {TrafficResult} t */
function trafficTable(t) {
  return markdown([
    ['case', 'CPU ms per second'],
    [`${t.namespaces} namespaces, their netlink monitors only`, String(t.idle_cpu_ms_per_s)],
    [`the same, with every hop's counters read once a second (${t.hops} hops)`, String(t.traffic_cpu_ms_per_s)],
    ['cost of the traffic reads', `${t.cost_ms_per_s} (${t.cost_ms_per_read} ms per read, ${t.processes_started} processes started)`],
  ]);
}

async function main() {
  if (process.getuid?.() !== 0) {
    console.error('bench: needs root (network namespaces)');
    process.exit(4);
  }
  if (BEFORE && !existsSync(join(BEFORE.root, 'dist', 'bundle', 'main.js'))) {
    console.error(`bench: ${BEFORE.root} is not built (npm ci && npm run build there)`);
    process.exit(1);
  }
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'cmt-bench-'));
  let ok = false;
  const onSignal = () => {
    cleanupAll();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    cleanupAll();
    /** @type {{ after: Results, before: Results }} */
    const byBin = { after: {}, before: {} };
    /** @template {keyof Results} S @param {S} section @param {PerBin<Results[S]>} results */
    const put = (section, results) => {
      for (const b of BINS) byBin[b.name][section] = ofBin(results, b);
    };
    /**
     * @type {{
     *   when: string, node: string, baseline: string | null, node_start?: NodeStart, after?: Results, before?: Results,
     *   comparison?: ComparisonRow[], total_ms?: Figure,
     * }}
     */
    const res = { when: new Date().toISOString(), node: process.version, baseline: BASELINE ?? null };
    const step = (/** @type {string} */ what) => {
      console.error(`bench: ${what} (${((performance.now() - started) / 1000).toFixed(0)} s) ...`);
      sampleNodeStart();
    };
    if (want('seed')) {
      step('seed chain');
      put('seed_chain', benchSeed(dir, BINS));
    }
    if (want('scale')) {
      for (const b of BINS) byBin[b.name].scale = [];
      for (const sc of SCALE) {
        step(`scale ${sc.nodes}`);
        const r = benchScale(dir, sc, BINS);
        for (const b of BINS) byBin[b.name].scale?.push(ofBin(r, b));
      }
    }
    if (want('koko')) {
      step('koko');
      put('koko', benchKoko(dir, BINS));
    }
    if (want('batch')) {
      step('seed story as one batch');
      byBin.after.batch = benchBatch(dir);
    }
    if (want('heal')) {
      step('detect/heal');
      put('detect_heal', await runsOf(HEAL_RUNS, (b) => benchDetectHeal(dir, b)));
    }
    if (want('detect')) {
      step('detect (UI model)');
      put('detect_model', await benchDetectModel(dir, BINS));
    }
    if (want('tui')) {
      step(`TUI over 50 namespaces (${TUI_RUNS} runs per bin, ${IDLE_SECONDS} s idle each)`);
      put('tui', await runsOf(TUI_RUNS, (b) => benchTui(dir, { idleSeconds: IDLE_SECONDS }, b)));
    }
    if (want('traffic')) {
      step(`traffic reads over 50 namespaces (${TRAFFIC_SECONDS} s with and without)`);
      byBin.after.traffic = await benchTraffic(dir);
    }
    sampleNodeStart();
    const ns = nodeStartResult();
    res.node_start = ns;
    res.after = byBin.after;
    if (BEFORE) res.before = byBin.before;
    const rows = BEFORE ? comparison({ after: byBin.after, before: byBin.before, ns }, BEFORE) : undefined;
    if (rows) res.comparison = rows;
    const totalMs = performance.now() - started;
    res.total_ms = r1(totalMs);
    const report = [
      `# chainmail bench, ${res.when.slice(0, 10)}, Node ${res.node}`,
      '',
      '## chainmail against the floors',
      '',
      floorTable(byBin.after, ns),
      '',
      'floor = same work with one `ip -batch` per namespace (veth pairs from one host batch); ip script = one ip process per command via bash.',
      'chainmail times are wall time of the CLI process (including Node start-up) unless they say own time.',
      ...(byBin.after.traffic ? ['', '## traffic reads (packets per second on every hop)', '', trafficTable(byBin.after.traffic)] : []),
      ...(BEFORE && rows ? ['', `## before (${BEFORE.root}) and after (${ROOT})`, '', comparisonTable(rows, ns, BEFORE)] : []),
      '',
      `total ${(totalMs / 1000).toFixed(1)} s`,
      '',
    ].join('\n');
    mkdirSync(RESULTS, { recursive: true });
    const out = ONLY ? 'partial' : 'latest';
    writeFileSync(join(RESULTS, `${out}.json`), JSON.stringify(res, null, 2) + '\n');
    writeFileSync(join(RESULTS, `${out}.md`), report);
    console.log(report);
    console.log(`written bench/results/${out}.json and ${out}.md`);
    ok = true;
  } finally {
    cleanupAll();
    rmSync(dir, { recursive: true, force: true });
    const left = ourNamespaces();
    if (left.length) {
      console.error(`bench: namespaces left: ${left.join(', ')}`);
      ok = false;
    }
  }
  if (!ok) process.exitCode = 1;
}

main().catch((/** @type {unknown} */ e) => {
  console.error(`bench: ${(e instanceof Error && e.stack) || String(e)}`);
  process.exitCode = 1;
});
