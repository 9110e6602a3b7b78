// traffic: the UI's packets-per-second reads over a 50-node chain, in the bench's own process: the
// CPU with the 50 `ip monitor` processes the UI keeps anyway, against the same with every hop's
// counters read once a second, and how many processes the reads started. This checkout's bin only.
// BENCH_TRAFFIC_SECONDS (10) for each half.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AFTER, ROOT, cm, importFile } from '../lib/bins.mjs';
import { chainYaml, scaleChain } from '../lib/chains.mjs';
import { markdown } from '../lib/report.mjs';
import { r1 } from '../lib/proc.mjs';
import { afterOnly } from '../lib/section.mjs';

/**
 * @typedef {import('../lib/bins.mjs').Figure} Figure
 * @typedef {{
 *   namespaces: number, hops: number, seconds: number, idle_cpu_ms_per_s: Figure, traffic_cpu_ms_per_s: Figure,
 *   cost_ms_per_s: Figure, cost_ms_per_read: Figure, reads: number, processes_started: number,
 * }} TrafficResult
 */

const TRAFFIC_SECONDS = Number(process.env.BENCH_TRAFFIC_SECONDS ?? 10);

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
async function measureTraffic(dir) {
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
      meter.tick();
      await new Promise((r) => setTimeout(r, 200));
    }
    const idle = await cpuOver(TRAFFIC_SECONDS);
    let reads = 0;
    const timer = setInterval(() => {
      reads++;
      meter.tick();
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

/** @type {import('../lib/section.mjs').Section} */
export const traffic = {
  key: 'traffic',
  title: `traffic reads over 50 namespaces (${TRAFFIC_SECONDS} s with and without)`,
  async measure({ dir }) {
    const t = await measureTraffic(dir);
    return afterOnly(AFTER, { json: t, rows: [], cases: [], tables: [{ title: 'traffic reads (packets per second on every hop)', markdown: trafficTable(t) }] });
  },
};
