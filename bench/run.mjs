#!/usr/bin/env node
// Benchmark harness: chainmail against plain iproute2 (one process per command)
// and against the batch floor (ip -batch), on network namespaces named cmt-b*.
// Run as root: `npm run bench`. Writes bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readdirSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const BIN = join(ROOT, 'bin', 'chainmail.js');
const RESULTS = join(HERE, 'results');
const STATE_DIR = '/var/run/chainmail/chains';
const PREFIX = 'cmt-b';
const SEED_RUNS = 5;
const KOKO_RUNS = 10;
const SCALE = [{ nodes: 10, runs: 3 }, { nodes: 50, runs: 3 }, { nodes: 200, runs: 3 }];
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
// BENCH_ONLY=seed,scale,koko,heal,detect,tui runs those sections only (written to results/partial.json)
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const want = (/** @type {string} */ section) => !ONLY || ONLY.has(section);

/**
 * @typedef {{ input?: string, check?: boolean }} RunOptions
 * @typedef {{ a: string, b: string, ifa: string, ifb: string, subnet: string, addrA: string, addrB: string }} Link
 * @typedef {{ name: string, nodes: string[], links: Link[] }} Chain
 * @typedef {(i: number) => string} Naming
 * @typedef {string | number | null | undefined} Cell
 * @typedef {{
 *   seed_chain?: ReturnType<typeof benchSeed>, scale?: ReturnType<typeof benchScale>[],
 *   koko?: ReturnType<typeof benchKoko> & Partial<ReturnType<typeof benchNodeStart>>, koko_ms?: number | null, koko_ip_ms?: number | null,
 *   detect_heal?: ReturnType<typeof benchDetectHeal>, heal_ms?: number | null,
 *   detect_model?: Awaited<ReturnType<typeof benchDetectModel>>, detect_ms?: number | null,
 *   tui?: Awaited<ReturnType<typeof benchTui>>, prompt_ms?: number | null,
 *   total_ms?: number | null, when?: string, node?: string,
 * }} Results
 */

// ---------------------------------------------------------------------------
// Helpers

/** @param {string} cmd @param {readonly string[]} args @param {RunOptions} [opts] */
function run(cmd, args, { input, check = true } = {}) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (check && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout || '').slice(0, 800)}`);
  }
  return r;
}

/** @param {string} cmd @param {readonly string[]} args @param {RunOptions} [opts] */
function timed(cmd, args, opts) {
  const t0 = performance.now();
  const r = run(cmd, args, opts);
  return { ms: performance.now() - t0, r };
}

// run as users run it: its `#!` line starts node (without NODE_EXTRA_CA_CERTS, bin/chainmail.js)
const cm = (/** @type {string[]} */ args, /** @type {RunOptions | undefined} */ opts = undefined) => timed(BIN, args, opts);

/** @param {readonly number[]} xs NaN for none */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}
/** JSON.parse, the caller saying what it expects. @param {string} text @returns {unknown} */
const parseJson = (text) => JSON.parse(text);
const r1 = (/** @type {number | null | undefined} */ x) => (x === undefined || x === null ? null : Math.round(x * 10) / 10);

function ourNamespaces() {
  const out = run('ip', ['netns', 'list'], { check: false }).stdout || '';
  return out.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(PREFIX));
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
  } catch { /* no state dir */ }
}

// ---------------------------------------------------------------------------
// A path chain: node i linked to node i+1, fixed generated data only.

/** @param {string} name @param {string[]} nodes @param {Naming} ifA @param {Naming} ifB @param {Naming} subnetOf @returns {Chain} */
function pathChain(name, nodes, ifA, ifB, subnetOf) {
  const links = [];
  for (let i = 0; i < nodes.length - 1; i++) {
    const base = subnetOf(i); // "10.x.y"
    links.push({ a: /** @type {string} */ (nodes[i]), b: /** @type {string} */ (nodes[i + 1]), ifa: ifA(i), ifb: ifB(i), subnet: `${base}.0/24`, addrA: `${base}.1`, addrB: `${base}.2` });
  }
  return { name, nodes, links };
}

function seedChain() {
  const names = ['client', 'firewall', 'router', 'webserver'].map((n) => `${PREFIX}-${n}`);
  return pathChain(`${PREFIX}-seed`, names, (i) => `link${2 * i + 1}`, (i) => `link${2 * i + 2}`, (i) => `10.0.${i + 1}`);
}

/** @param {number} n */
function scaleChain(n, tag = 's') {
  const names = Array.from({ length: n }, (_, i) => `${PREFIX}-${tag}${i}`);
  // link i: 10.(i/256).(i%256).0/24 — distinct and valid for i < 65536
  return pathChain(`${PREFIX}-${tag}${n}`, names, (i) => `a${i}`, (i) => `b${i}`, (i) => `10.${Math.floor(i / 256)}.${i % 256}`);
}

/** @param {Chain} c @param {string[]} probes */
function chainYaml(c, probes = []) {
  const lines = [`name: ${c.name}`, 'nodes:', ...c.nodes.map((n) => `  - ${n}`), 'links:'];
  for (const l of c.links) lines.push(`  - [${l.a}:${l.ifa}, ${l.b}:${l.ifb}, ${l.subnet}]`);
  if (probes.length) lines.push('probes:', ...probes.map((p) => `  - ${p}`));
  return lines.join('\n') + '\n';
}

/** The same routes chainmail derives for a path: defaults at the ends, every non-adjacent subnet in the middle. */
/** @param {Chain} c */
function routes(c) {
  const out = []; // { ns, cmd }
  const N = c.nodes.length;
  // a path: link i joins node i and i + 1, so every index below is in range
  const L = /** @type {(i: number) => Link} */ ((i) => /** @type {Link} */ (c.links[i]));
  for (let i = 0; i < N; i++) {
    const ns = /** @type {string} */ (c.nodes[i]);
    if (i === 0) { out.push({ ns, route: `default via ${L(0).addrB} dev ${L(0).ifa}` }); continue; }
    if (i === N - 1) { out.push({ ns, route: `default via ${L(N - 2).addrA} dev ${L(N - 2).ifb}` }); continue; }
    const left = L(i - 1), right = L(i);
    for (let j = 0; j < i - 1; j++) out.push({ ns, route: `${L(j).subnet} via ${left.addrA} dev ${left.ifb}` });
    for (let j = i + 1; j < c.links.length; j++) out.push({ ns, route: `${L(j).subnet} via ${right.addrB} dev ${right.ifa}` });
  }
  return out;
}
const forwarders = (/** @type {Chain} */ c) => c.nodes.slice(1, -1);
const SYSCTL = ['sysctl', '-e', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1'];

/** (a) one iproute2 process per command, as a bash script. */
/** @param {Chain} c */
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

/** (b) the batch floor: namespaces one process each, links from the host in one batch, the rest one batch per namespace. */
/** @param {Chain} c */
function batchFloor(c) {
  for (const n of c.nodes) run('ip', ['netns', 'add', n]);
  run('ip', ['-batch', '-'], { input: c.links.map((l) => `link add ${l.ifa} netns ${l.a} type veth peer name ${l.ifb} netns ${l.b}`).join('\n') + '\n' });
  const per = new Map(c.nodes.map((n) => [n, ['link set lo up']]));
  // every link end and route is in one of the chain's nodes
  const of = (/** @type {string} */ ns) => /** @type {string[]} */ (per.get(ns));
  for (const l of c.links) {
    of(l.a).push(`addr add ${l.addrA}/24 dev ${l.ifa}`, `link set ${l.ifa} up`);
    of(l.b).push(`addr add ${l.addrB}/24 dev ${l.ifb}`, `link set ${l.ifb} up`);
  }
  for (const r of routes(c)) of(r.ns).push(`route add ${r.route}`);
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

/** @param {string} dir */
function benchSeed(dir) {
  const c = seedChain();
  const file = join(dir, 'seed.yaml');
  writeFileSync(file, chainYaml(c));
  const script = join(dir, 'seed-ip.sh');
  writeFileSync(script, ipScript(c));
  /** @type {Record<'chainmail' | 'own' | 'ip_script' | 'batch_floor', number[]>} */
  const res = { chainmail: [], own: [], ip_script: [], batch_floor: [] };
  for (let k = 0; k < SEED_RUNS; k++) {
    assertClean(c);
    const up = cm(['chain', 'up', file, '--json']);
    res.chainmail.push(up.ms);
    res.own.push(/** @type {{ ms: number }} */ (parseJson(up.r.stdout)).ms);
    cm(['chain', 'down', file]);
    assertClean(c);
    res.ip_script.push(timed('bash', [script]).ms);
    delNamespaces(c.nodes);
    assertClean(c);
    res.batch_floor.push(timeFloor(c));
    delNamespaces(c.nodes);
  }
  return {
    runs: SEED_RUNS,
    chainmail_ms: r1(median(res.chainmail)),
    // the time chain up reports for its own work: the CLI's wall time less Node's start and module loading
    chainmail_own_ms: r1(median(res.own)),
    ip_script_ms: r1(median(res.ip_script)),
    batch_floor_ms: r1(median(res.batch_floor)),
    ip_commands: ipScript(c).split('\n').filter((l) => l.startsWith('ip ')).length,
    samples: Object.fromEntries(Object.entries(res).map(([k, v]) => [k, v.map(r1)])),
  };
}

/** ls's baseline: every namespace on the host read by `ip -j` three times (addresses, routes, links). */
const LS_LOOP = 'for ns in $(ip netns list | cut -d" " -f1); do ip -n "$ns" -j addr show >/dev/null; ip -n "$ns" -j route show >/dev/null; ip -n "$ns" -j link show >/dev/null; done';

/** @param {string} dir @param {{ nodes: number, runs: number }} size */
function benchScale(dir, { nodes, runs }) {
  const c = scaleChain(nodes);
  const file = join(dir, `scale-${nodes}.yaml`);
  writeFileSync(file, chainYaml(c));
  /** @type {Record<'up' | 'own' | 'floor' | 'ls' | 'lsLoop' | 'down', number[]>} */
  const s = { up: [], own: [], floor: [], ls: [], lsLoop: [], down: [] };
  for (let k = 0; k < runs; k++) {
    assertClean(c);
    const up = cm(['chain', 'up', file, '--json']);
    s.up.push(up.ms);
    s.own.push(/** @type {{ ms: number }} */ (parseJson(up.r.stdout)).ms);
    s.ls.push(cm(['ls', '--json']).ms);
    s.lsLoop.push(timed('bash', ['-c', LS_LOOP]).ms);
    s.down.push(cm(['chain', 'down', file]).ms);
    assertClean(c);
    s.floor.push(timeFloor(c));
    delNamespaces(c.nodes);
  }
  return {
    nodes, runs, routes: routes(c).length,
    up_ms: r1(median(s.up)), up_own_ms: r1(median(s.own)), batch_floor_ms: r1(median(s.floor)), ls_ms: r1(median(s.ls)), ls_loop_ms: r1(median(s.lsLoop)), down_ms: r1(median(s.down)),
    samples: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.map(r1)])),
  };
}

/**
 * What any Node CLI pays before its first line: `node -e 0`, in this
 * environment and, where NODE_EXTRA_CA_CERTS is set, without it (as
 * bin/chainmail.js starts node). Alternating, so both see the same host.
 */
function benchNodeStart() {
  const { NODE_EXTRA_CA_CERTS: extra, ...withoutCa } = process.env;
  const plain = [], bare = [];
  for (let i = 0; i < 10; i++) {
    plain.push(timed(process.execPath, ['-e', '0']).ms);
    if (extra) bare.push(spawnTimed(process.execPath, ['-e', '0'], withoutCa));
  }
  return { node_start_ms: r1(median(plain)), node_start_without_extra_ca_ms: extra ? r1(median(bare)) : null };
}

/** @param {string} cmd @param {string[]} args @param {NodeJS.ProcessEnv} env */
function spawnTimed(cmd, args, env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return performance.now() - t0;
}

/** @param {string} dir */
function benchKoko(dir) {
  const A = `${PREFIX}-ka`, B = `${PREFIX}-kb`;
  const script = join(dir, 'koko-ip.sh');
  writeFileSync(script, [
    '#!/bin/bash', 'set -e',
    `ip link add x netns ${A} type veth peer name y netns ${B}`,
    `ip -n ${A} addr add 10.9.0.1/24 dev x`, `ip -n ${B} addr add 10.9.0.2/24 dev y`,
    `ip -n ${A} link set x up`, `ip -n ${B} link set y up`, '',
  ].join('\n'));
  run('ip', ['netns', 'add', A]);
  run('ip', ['netns', 'add', B]);
  const k = [], p = [];
  try {
    for (let i = 0; i < KOKO_RUNS; i++) {
      k.push(cm(['koko', '-n', `${A},x,10.9.0.1/24`, '-n', `${B},y,10.9.0.2/24`]).ms);
      run('ip', ['-n', A, 'link', 'del', 'x']);
      p.push(timed('bash', [script]).ms);
      run('ip', ['-n', A, 'link', 'del', 'x']);
    }
  } finally {
    delNamespaces([A, B]);
  }
  return { runs: KOKO_RUNS, koko_ms: r1(median(k)), koko_ip_ms: r1(median(p)), samples: { koko: k.map(r1), ip: p.map(r1) } };
}

/** @param {string} dir */
function benchDetectHeal(dir) {
  const c = scaleChain(5, 'h');
  const [first, , middle, , last] = /** @type {[string, string, string, string, string]} */ (c.nodes);
  const file = join(dir, 'heal.yaml');
  writeFileSync(file, chainYaml(c, [`{ from: ${first}, ping: ${last} }`]));
  cm(['chain', 'up', file]);
  try {
    /** @typedef {{ ok: boolean, items: { what: string, ok: boolean }[] }} Status */
    const before = /** @type {Status} */ (parseJson(cm(['chain', 'status', file, '--json'], { check: false }).r.stdout));
    if (!before.ok) throw new Error('5-node chain not ok before the kill');
    const t0 = performance.now();
    run('ip', ['netns', 'del', middle]);
    let polls = 0, detect;
    for (;;) {
      polls++;
      const st = /** @type {Status} */ (parseJson(cm(['chain', 'status', file, '--json'], { check: false }).r.stdout));
      if (!st.ok && st.items.some((i) => i.what === middle && !i.ok)) { detect = performance.now() - t0; break; }
      if (performance.now() - t0 > 30000) throw new Error('kill not detected within 30 s');
    }
    const h = cm(['chain', 'heal', file, '--json'], { check: false });
    const heal = performance.now() - t0;
    const hj = /** @type {{ probesOk: boolean, ms: number }} */ (parseJson(h.r.stdout));
    if (!hj.probesOk) throw new Error(`heal did not make the probes pass: ${h.r.stdout.slice(0, 500)}`);
    return { detect_ms: r1(detect), detect_polls: polls, heal_ms: r1(heal), heal_cmd_ms: r1(h.ms), heal_reported_ms: hj.ms, runs: 1 };
  } finally {
    cm(['chain', 'down', file], { check: false });
  }
}

/** detect through the UI's model (events, no polling of ours): kill -> the hop drawn broken. */
/** @param {string} dir */
async function benchDetectModel(dir) {
  const c = scaleChain(5, 'd');
  const file = join(dir, 'detect.yaml');
  writeFileSync(file, chainYaml(c));
  cm(['chain', 'up', file]);
  // the built modules, typed by their sources
  const built = (/** @type {string[]} */ ...path) => /** @type {Promise<unknown>} */ (import(join(ROOT, 'dist', ...path)));
  const { Session } = /** @type {typeof import('../src/ui/session.js')} */ (await built('ui', 'session.js'));
  const { createContext } = /** @type {typeof import('../src/commands/context.js')} */ (await built('commands', 'context.js'));
  const session = new Session(createContext());
  const samples = [];
  try {
    session.start();
    const middle = /** @type {string} */ (c.nodes[2]);
    const until = async (/** @type {() => unknown} */ pred, /** @type {string} */ what, ms = 20000) => {
      const t0 = performance.now();
      while (!pred()) {
        if (performance.now() - t0 > ms) throw new Error(`detect: timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    for (let k = 0; k < 3; k++) {
      await until(() => session.state.topology?.targets.some((t) => t.ns.label === middle) && session.state.broken.size === 0, 'the chain whole');
      await new Promise((r) => setTimeout(r, 300));
      const t0 = performance.now();
      run('ip', ['netns', 'del', middle]);
      await until(() => session.state.broken.size > 0, 'the hop broken');
      samples.push(performance.now() - t0);
      cm(['chain', 'up', file]);
      session.forgetBroken();
    }
  } finally {
    session.stop();
    cm(['chain', 'down', file], { check: false });
  }
  return { detect_model_ms: r1(median(samples)), samples: samples.map(r1) };
}

// ---------------------------------------------------------------------------
// The UI in a real terminal (tmux), over a 50-node chain.

const TMUX_SESSION = 'cmt-bench-ui';
const tmux = (/** @type {string[]} */ args, /** @type {RunOptions | undefined} */ opts = undefined) => run('tmux', ['-u', ...args], opts);
const capture = () => tmux(['capture-pane', '-p', '-t', `=${TMUX_SESSION}:`], { check: false }).stdout || '';

/** @param {number} pid */
function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime stime cutime cstime are fields 14-17 (1-based) of the whole line: 11-14 after the name
  const ticks = fields.slice(11, 15).map(Number).reduce((a, b) => a + b, 0);
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

/** @param {string} dir @param {{ idleSeconds: number }} opts */
async function benchTui(dir, { idleSeconds }) {
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
    tmux(['new-session', '-d', '-s', TMUX_SESSION, '-x', '160', '-y', '50', 'env', 'TERM=xterm-256color', `HOME=${home}`, BIN,
      ';', 'set-option', '-w', '-t', `=${TMUX_SESSION}:`, 'remain-on-exit', 'on']);
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
    const idleCpuPct = ((end.ticks - start.ticks) / clk) / ((performance.now() - tStart) / 1000) * 100;

    // prompt: Enter on a koko line -> the new link drawn. The targets filter shows only pa,
    // whose details panel then lists the new interface, whatever else the host is doing
    const send = (/** @type {string[]} */ ...keys) => tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, ...keys]);
    send('/');
    await waitScreen((s) => s.includes('targets /'), 3000, 'the targets filter');
    send('-l', pa);
    await waitScreen((s) => s.includes(`targets /${pa}`), 3000, 'the filter text');
    send('Enter');
    await waitScreen((s) => s.includes(`▸ ${pa}`) || new RegExp(`details.*\\n.*${pa}`).test(s), 5000, `${pa} selected`);
    const prompt = [];
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
      first_frame_ms: r1(firstFrame), first_paint_ms: r1(firstPaint),
      idle_cpu_pct: r1(idleCpuPct), idle_seconds: idleSeconds,
      rss_mb: r1(Math.max(...rss) / 1024),
      prompt_samples: prompt.map(r1), prompt_ms: r1(median(prompt)),
      echo_samples: echo.map(r1), echo_ms: r1(median(echo)),
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

/** @param {Cell} s @param {number} n */
function pad(s, n, right = false) { s = String(s); return right ? s.padEnd(n) : s.padStart(n); }
const ratio = (/** @type {number | null | undefined} */ a, /** @type {number | null | undefined} */ b) => (a && b ? `${(a / b).toFixed(1)}x` : '-');

/** @param {Results} res */
function printTable(res) {
  /** @type {[Cell[], ...Cell[][]]} */
  const rows = [['what', 'chainmail ms', 'floor ms', 'ratio', 'runs (median of)']];
  const s = res.seed_chain;
  if (s) {
    rows.push(['seed chain up vs ip script', s.chainmail_ms, s.ip_script_ms, ratio(s.chainmail_ms, s.ip_script_ms), `${s.runs}`]);
    rows.push(['seed chain up vs ip -batch', s.chainmail_ms, s.batch_floor_ms, ratio(s.chainmail_ms, s.batch_floor_ms), `${s.runs}`]);
    rows.push(['  same, chain up\'s own time (no Node start)', s.chainmail_own_ms, s.batch_floor_ms, ratio(s.chainmail_own_ms, s.batch_floor_ms), `${s.runs}`]);
  }
  for (const x of res.scale ?? []) {
    const runs = x.runs === 1 ? '1 (single run)' : `${x.runs}`;
    rows.push([`scale ${x.nodes} nodes up vs ip -batch`, x.up_ms, x.batch_floor_ms, ratio(x.up_ms, x.batch_floor_ms), runs]);
    rows.push([`  same, chain up's own time`, x.up_own_ms, x.batch_floor_ms, ratio(x.up_own_ms, x.batch_floor_ms), runs]);
    rows.push([`scale ${x.nodes} nodes ls --json vs shell loop`, x.ls_ms, x.ls_loop_ms, ratio(x.ls_ms, x.ls_loop_ms), runs]);
    rows.push([`scale ${x.nodes} nodes chain down`, x.down_ms, '', '', runs]);
  }
  if (res.koko) {
    rows.push(['koko veth+2 addrs vs ip script', res.koko_ms, res.koko_ip_ms, ratio(res.koko_ms, res.koko_ip_ms), `${res.koko.runs}`]);
    rows.push(['  node -e 0 (any Node CLI\'s floor)', res.koko.node_start_ms, res.koko_ip_ms, ratio(res.koko.node_start_ms, res.koko_ip_ms), '10']);
    const bare = res.koko.node_start_without_extra_ca_ms;
    if (bare) rows.push(['  same, without NODE_EXTRA_CA_CERTS (as bin starts)', bare, res.koko_ip_ms, ratio(bare, res.koko_ip_ms), '10']);
  }
  if (res.detect_heal) {
    rows.push([`detect (kill -> status CLI says broken, ${res.detect_heal.detect_polls} polls)`, res.detect_heal.detect_ms, '', '', '1 (single run)']);
    rows.push([`heal (kill -> heal done; heal says ${res.detect_heal.heal_reported_ms})`, res.heal_ms, '', '', '1 (single run)']);
  }
  if (res.detect_model) rows.push(['detect (kill -> UI model shows the hop broken)', res.detect_ms, '', '', `${res.detect_model.samples.length}`]);
  const t = res.tui;
  if (t) {
    rows.push(['TUI first frame, 50-node chain drawn', t.first_frame_ms, '', '', '1']);
    rows.push([`TUI idle CPU % over ${t.idle_seconds} s (own + children)`, t.idle_cpu_pct, '', '', '1']);
    rows.push(['TUI RSS MB (max while idle)', t.rss_mb, '', '', '1']);
    rows.push(['prompt: Enter on koko -> link drawn', res.prompt_ms, t.echo_ms, ratio(res.prompt_ms, t.echo_ms), `${t.prompt_samples.length}`]);
    rows.push(['  baseline: a key typed -> drawn (one frame)', t.echo_ms, '', '', `${t.echo_samples.length}`]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (/** @type {Cell[]} */ r) => r.map((c, i) => pad(c, w[i] ?? 0, i === 0 || i === 4)).join('  ');
  console.log(line(rows[0]));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log('\nfloor = same work with one `ip -batch` per namespace (veth pairs from one host batch); ip script = one ip process per command via bash.');
  console.log('chainmail times are wall time of the CLI process (including Node start-up).');
}

async function main() {
  if (process.getuid?.() !== 0) { console.error('bench: needs root (network namespaces)'); process.exit(4); }
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'cmt-bench-'));
  let ok = false;
  const onSignal = () => { cleanupAll(); rmSync(dir, { recursive: true, force: true }); process.exit(130); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    cleanupAll();
    /** @type {Results} */
    const res = {};
    if (want('seed')) {
      console.error('bench: seed chain ...');
      res.seed_chain = benchSeed(dir);
    }
    if (want('scale')) {
      res.scale = [];
      for (const sc of SCALE) { console.error(`bench: scale ${sc.nodes} ...`); res.scale.push(benchScale(dir, sc)); }
    }
    if (want('koko')) {
      console.error('bench: koko ...');
      res.koko = benchKoko(dir);
      Object.assign(res.koko, benchNodeStart());
      res.koko_ms = res.koko.koko_ms;
      res.koko_ip_ms = res.koko.koko_ip_ms;
    }
    if (want('heal')) {
      console.error('bench: detect/heal ...');
      res.detect_heal = benchDetectHeal(dir);
      res.heal_ms = res.detect_heal.heal_ms;
    }
    if (want('detect')) {
      console.error('bench: detect (UI model) ...');
      res.detect_model = await benchDetectModel(dir);
      res.detect_ms = res.detect_model.detect_model_ms;
    }
    if (want('tui')) {
      console.error(`bench: TUI over 50 namespaces (${IDLE_SECONDS} s idle) ...`);
      res.tui = await benchTui(dir, { idleSeconds: IDLE_SECONDS });
      res.prompt_ms = res.tui.prompt_ms;
    }
    res.total_ms = r1(performance.now() - started);
    res.when = new Date().toISOString();
    res.node = process.version;
    mkdirSync(RESULTS, { recursive: true });
    const out = ONLY ? 'partial.json' : 'latest.json';
    writeFileSync(join(RESULTS, out), JSON.stringify(res, null, 2) + '\n');
    printTable(res);
    console.log(`\ntotal ${(/** @type {number} */ (res.total_ms) / 1000).toFixed(1)} s; written bench/results/${out}`);
    ok = true;
  } finally {
    cleanupAll();
    rmSync(dir, { recursive: true, force: true });
    const left = ourNamespaces();
    if (left.length) { console.error(`bench: namespaces left: ${left.join(', ')}`); ok = false; }
  }
  if (!ok) process.exitCode = 1;
}

main().catch((/** @type {Error} */ e) => { console.error(`bench: ${e.stack || e}`); process.exitCode = 1; });
