#!/usr/bin/env node
// Soak test: the real terminal UI (bin/chainmail.js in a detached tmux
// session) watching 50 network namespaces while, every second, veth pairs with
// addresses come and go between them and extra namespaces (each linked to one
// of the 50) are created and deleted. Every few seconds the UI's node process
// is sampled: RSS, CPU time, child processes, open file descriptors, and
// whether it is still alive and drawing its header.
//
// It is long because it is one scenario end to end (tmux, the churn, the sampling, the verdict and
// its report), each part used only here; splitting them would scatter one story across files.
//
// Run as root: `npm run soak` (10 minutes), `SOAK_MINUTES=2 npm run soak` or
// `npm run soak -- --minutes 2`. Writes bench/results/soak.json. Exits 1 on a
// crash, RSS growth of 10% or more after warm-up, growth in child processes
// or descriptors, or a UI that stopped following the kernel; 4 without root.
// Everything it makes is named cmt-soak-<hex>... and removed again, also on
// failure and Ctrl-C.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const BIN = join(ROOT, 'bin', 'chainmail.js');
const RESULTS = join(HERE, 'results');
const NETNS_DIR = '/var/run/netns';

const NAMESPACES = 50;
/** veth pairs between the 50 alive at once; the oldest goes when one more is made. */
const LIVE_LINKS = 8;
/** Extra namespaces alive at once, each linked to one of the 50. */
const LIVE_EXTRAS = 3;
const TICK_MS = 1000;
const SAMPLE_EVERY_S = 5;
/** Samples compared at each end of the run (medians, so a transient child or descriptor does not count). */
const WINDOW = 6;
const RSS_LIMIT_PCT = 10;
/** Samples in the windows whose lowest RSS is compared: two minutes. */
const FLOOR_WINDOW = 24;
/** What the leak measures may rise above their baseline (medians) before it counts as growth. */
const CHILD_SLACK = 1;
const FD_SLACK = 2; // four times that for descriptors less the children's stdio, which move with every child

/**
 * @typedef {{
 *   alive: true, rssKb: number, cpuS: number, fds: number, ownFds: number, nonSocketFds: number,
 *   children: number, monitors: number, staleMonitors: number, extraMonitors: number,
 *   otherChildren: number, lingering: number, netnsOnHost: number, containers: number, others: Set<number>,
 * }} Alive
 * @typedef {Omit<Alive, 'others'> & { t: number, header: ReturnType<Ui['header']> | null }} Sample
 * @typedef {{ start: number, end: number, max: number }} Measure
 */

// ---------------------------------------------------------------------------
// Options

function minutesWanted() {
  const i = process.argv.indexOf('--minutes');
  const raw = i >= 0 ? process.argv[i + 1] : process.env.SOAK_MINUTES;
  if (raw === undefined || raw === '') return 10;
  const m = Number(raw);
  if (!Number.isFinite(m) || m <= 0) {
    console.error(`soak: --minutes / SOAK_MINUTES must be a positive number, got "${raw}"`);
    process.exit(2);
  }
  return m;
}

// ---------------------------------------------------------------------------
// Helpers: every program gets an argument array, never a shell

/** @param {string} cmd @param {readonly string[]} args @param {{ check?: boolean }} [opts] */
function run(cmd, args, { check = true } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (check && r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr || '').trim().slice(0, 400)}`);
  return r;
}
const ip = (/** @type {string[]} */ args, /** @type {{ check?: boolean } | undefined} */ opts = undefined) => run('ip', args, opts);
const tmux = (/** @type {string[]} */ args, /** @type {{ check?: boolean } | undefined} */ opts = undefined) => run('tmux', ['-u', ...args], opts);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @param {readonly number[]} xs */
function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}
const r1 = (/** @type {number} */ x) => Math.round(x * 10) / 10;

function netnsNames() {
  try {
    return readdirSync(NETNS_DIR);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------
// The UI's process, from /proc

const CLOCK_TICKS = Number(run('getconf', ['CLK_TCK'], { check: false }).stdout.trim()) || 100;

/** @param {number | string} pid @param {string} file */
function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** pid -> ppid of every process now. */
function parentMap() {
  /** @type {Map<number, number>} */
  const parents = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const stat = readProc(d, 'stat');
    if (!stat) continue;
    // the command name may hold spaces and parentheses: the fields start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parents.set(Number(d), Number(fields[1]));
  }
  return parents;
}

/** @param {number} pid */
function descendants(pid) {
  const parents = parentMap();
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const [p, pp] of parents) {
    const siblings = children.get(pp) ?? [];
    children.set(pp, siblings);
    siblings.push(p);
  }
  const out = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const p = /** @type {number} */ (stack.pop());
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** @param {number} pid */
function cmdline(pid) {
  return (readProc(pid, 'cmdline') ?? '').split('\0').filter(Boolean);
}

/** @param {number} pid */
function fdTargets(pid) {
  /** @type {string[]} */
  const out = [];
  /** @type {string[]} */
  let names = [];
  try {
    names = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of names) {
    try {
      out.push(readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

function runningContainers() {
  const r = spawnSync('docker', ['ps', '-q'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean).length : 0;
}

/**
 * One sample of the UI's node process, or { alive: false }. Raw counts depend
 * on what else the host holds (the UI watches every namespace and container,
 * others' too, and pings every addressed hop), so leaks are judged on counts
 * that do not: monitors of namespaces that are gone, monitors beyond one per
 * namespace and container (and the host), children other than monitors that
 * were already there at the previous sample (a ping or an ip read lives for a
 * second at most), and descriptors other than the children's stdio sockets:
 * node gives each monitor one (its stdout) and each short child two (stdout
 * and stderr), so those are subtracted, and descriptors that are not sockets
 * at all (files, pipes, inotify, epoll, the terminal) are counted on their own.
 */
/**
 * @param {number} pid
 * @param {Set<number> | undefined} previousOthers
 * @returns {Alive | { alive: false }}
 */
function sampleProcess(pid, previousOthers) {
  const status = readProc(pid, 'status');
  const stat = readProc(pid, 'stat');
  if (!status || !stat || /^State:\s+Z/m.test(status)) return { alive: false };
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat; fields[] starts at field 3
  const cpuS = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  const kids = descendants(pid);
  const names = new Set(netnsNames());
  let monitors = 0;
  let staleMonitors = 0;
  /** @type {Set<number>} */
  const others = new Set();
  for (const k of kids) {
    const argv = cmdline(k);
    const m = argv.indexOf('monitor');
    if (argv[0] === 'ip' && m >= 0) {
      monitors++;
      // `ip -n NAME monitor ...` of a namespace that no longer exists (deleted, not yet noticed)
      const n = argv.indexOf('-n');
      if (n >= 0 && n < m && !names.has(argv[n + 1] ?? '')) staleMonitors++;
    } else {
      others.add(k);
    }
  }
  const fdList = fdTargets(pid);
  const nonSocketFds = fdList.filter((t) => !t.startsWith('socket:')).length;
  const ownFds = fdList.length - monitors - 2 * others.size;
  const containers = runningContainers();
  return {
    alive: true,
    rssKb,
    cpuS,
    fds: fdList.length,
    ownFds,
    nonSocketFds,
    children: kids.length,
    monitors,
    staleMonitors,
    extraMonitors: monitors - names.size - containers,
    otherChildren: others.size,
    lingering: [...others].filter((k) => previousOthers?.has(k)).length,
    netnsOnHost: names.size,
    containers,
    others,
  };
}

// ---------------------------------------------------------------------------
// The world the UI watches

class World {
  /** @param {string} stem */
  constructor(stem) {
    this.stem = stem;
    this.base = Array.from({ length: NAMESPACES }, (_, i) => `${stem}-n${String(i).padStart(2, '0')}`);
    /** @type {{ ns: string, ifname: string }[]} */
    this.links = [];
    /** @type {string[]} namespace names */
    this.extras = [];
    this.linkSeq = 0;
    this.extraSeq = 0;
    this.counts = { linksMade: 0, linksRemoved: 0, namespacesMade: 0, namespacesRemoved: 0, failures: 0 };
  }

  setUp() {
    for (const n of this.base) {
      ip(['netns', 'add', n]);
      ip(['-n', n, 'link', 'set', 'lo', 'up']);
    }
  }

  /** A /30 of its own for every link made: 10.(100+k/256%100).(k%256).(0|4|...) */
  /** @param {number} k */
  subnetFor(k) {
    const quad = k % 64;
    const y = Math.floor(k / 64) % 256;
    const x = 100 + (Math.floor(k / (64 * 256)) % 100);
    return { a: `10.${x}.${y}.${quad * 4 + 1}/30`, b: `10.${x}.${y}.${quad * 4 + 2}/30` };
  }

  /** A veth pair with addresses, both ends up, between namespaces nsA and nsB. */
  /** @param {string} nsA @param {string} nsB */
  link(nsA, nsB) {
    const k = this.linkSeq++;
    const ifA = `sk${k}a`;
    const ifB = `sk${k}b`;
    const { a, b } = this.subnetFor(k);
    ip(['link', 'add', ifA, 'netns', nsA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB]);
    ip(['-n', nsA, 'addr', 'add', a, 'dev', ifA]);
    ip(['-n', nsB, 'addr', 'add', b, 'dev', ifB]);
    ip(['-n', nsA, 'link', 'set', ifA, 'up']);
    ip(['-n', nsB, 'link', 'set', ifB, 'up']);
    this.counts.linksMade++;
    return { ns: nsA, ifname: ifA };
  }

  /** @param {string} [exclude] */
  pick(exclude) {
    for (;;) {
      const n = /** @type {string} */ (this.base[Math.floor(Math.random() * this.base.length)]);
      if (n !== exclude) return n;
    }
  }

  /** One second's worth of change: a link made (and the oldest removed), a namespace made (and the oldest removed). */
  tick() {
    try {
      const a = this.pick();
      this.links.push(this.link(a, this.pick(a)));
      while (this.links.length > LIVE_LINKS) {
        const old = /** @type {{ ns: string, ifname: string }} */ (this.links.shift());
        ip(['-n', old.ns, 'link', 'del', old.ifname], { check: false });
        this.counts.linksRemoved++;
      }
      const x = `${this.stem}-x${this.extraSeq++}`;
      ip(['netns', 'add', x]);
      this.extras.push(x);
      ip(['-n', x, 'link', 'set', 'lo', 'up']);
      this.link(x, this.pick());
      this.counts.namespacesMade++;
      while (this.extras.length > LIVE_EXTRAS) {
        // deleting the namespace deletes its veth end, and with it the peer
        ip(['netns', 'del', /** @type {string} */ (this.extras.shift())], { check: false });
        this.counts.namespacesRemoved++;
      }
    } catch (err) {
      this.counts.failures++;
      if (this.counts.failures <= 5) console.error(`soak: churn step failed: ${/** @type {Error} */ (err).message}`);
    }
  }

  /** Every namespace of this run, whatever state the run ended in. */
  tearDown() {
    const ours = netnsNames().filter((n) => n.startsWith(`${this.stem}-`));
    for (const n of ours) ip(['netns', 'del', n], { check: false });
    return netnsNames().filter((n) => n.startsWith(`${this.stem}-`));
  }
}

// ---------------------------------------------------------------------------
// The UI in tmux

const HEADER = /^ chainmail .*netns (\d+) · links (\d+)(?: · (\d+) broken)?/m;

class Ui {
  /** @param {string} session */
  constructor(session) {
    this.session = session;
    this.target = `=${session}:`;
    this.home = mkdtempSync(join(tmpdir(), 'cmt-soak-home-'));
    /** the pane's process: set by start() */
    this.pid = NaN;
  }

  start() {
    // env(1) execs the bin, whose `#!` line execs node: the pane's pid is the UI's node process; the pane
    // stays after it ends (remain-on-exit) so a crash's last screen and status can be read
    tmux([
      'new-session',
      '-d',
      '-s',
      this.session,
      '-x',
      '120',
      '-y',
      '32',
      '-c',
      ROOT,
      'env',
      'TERM=xterm-256color',
      `HOME=${this.home}`,
      'CI=true',
      // SOAK_NODE_OPTIONS: node options for the UI alone, e.g. "--heapsnapshot-signal=SIGUSR2" to look for a leak
      ...(process.env.SOAK_NODE_OPTIONS ? [`NODE_OPTIONS=${process.env.SOAK_NODE_OPTIONS}`] : []),
      BIN,
      ';',
      'set-option',
      '-w',
      '-t',
      this.target,
      'remain-on-exit',
      'on',
    ]);
    this.pid = Number(this.display('#{pane_pid}'));
  }

  /** @param {string} format */
  display(format) {
    return tmux(['display-message', '-p', '-t', this.target, format]).stdout.trim();
  }

  capture() {
    return tmux(['capture-pane', '-p', '-t', this.target], { check: false }).stdout ?? '';
  }

  dead() {
    const r = tmux(['display-message', '-p', '-t', this.target, '#{pane_dead} #{pane_dead_status}'], { check: false });
    if (r.status !== 0) return { dead: true, status: 'session gone' };
    const [dead, status] = r.stdout.trim().split(' ');
    return { dead: dead === '1', status: status ?? '' };
  }

  /** The header's namespace and link counts, or undefined when the header is not drawn. */
  header() {
    const m = HEADER.exec(this.capture());
    return m ? { netns: Number(m[1]), links: Number(m[2]), broken: Number(m[3] ?? 0) } : undefined;
  }

  /**
   * @template T
   * @param {() => T | undefined} test
   * @param {number} timeoutMs
   * @returns {Promise<T | undefined>}
   */
  async waitFor(test, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = test();
      if (v) return v;
      if (Date.now() > deadline) return undefined;
      await sleep(200);
    }
  }

  kill() {
    tmux(['kill-session', '-t', `=${this.session}`], { check: false });
    rmSync(this.home, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------

/** @param {ReturnType<typeof summarize>} summary */
function printTable(summary) {
  /** @type {[string, Measure][]} */
  const rows = [
    ['RSS (MB)', summary.rssMb],
    ['RSS floor (MB, lowest of 2 min) *', summary.rssFloorMb],
    ['CPU (% of one core)', summary.cpuPct],
    ['child processes (all)', summary.children],
    ['  ip monitors', summary.monitors],
    ['  monitors of deleted namespaces *', summary.staleMonitors],
    ['  monitors beyond one per target *', summary.extraMonitors],
    ['  others (pings, reads)', summary.otherChildren],
    ['  others alive 5 s later *', summary.lingering],
    ['open descriptors (all)', summary.fds],
    ["  less children's stdio *", summary.ownFds],
    ['  not sockets *', summary.nonSocketFds],
    ['namespaces on the host', summary.netnsOnHost],
    ['running containers', summary.containers],
  ];
  const pct = (/** @type {number} */ s, /** @type {number} */ e) => (s === 0 ? (e === 0 ? '0%' : 'n/a') : `${r1(((e - s) / s) * 100)}%`);
  console.log('');
  console.log(`${'measure'.padEnd(34)} ${'start'.padStart(9)} ${'end'.padStart(9)} ${'growth'.padStart(8)} ${'max'.padStart(9)}`);
  for (const [name, m] of rows) {
    console.log(`${name.padEnd(34)} ${String(m.start).padStart(9)} ${String(m.end).padStart(9)} ${pct(m.start, m.end).padStart(8)} ${String(m.max).padStart(9)}`);
  }
  console.log(`start, end: medians of ${WINDOW} samples after warm-up and of the last ${WINDOW}; * judged for leaks`);
}

/**
 * @template S
 * @param {S[]} samples
 * @param {'start' | 'end'} which
 */
function window(samples, which) {
  return which === 'start' ? samples.slice(0, WINDOW) : samples.slice(-WINDOW);
}

/**
 * @template S
 * @param {S[]} samples
 * @param {(s: S) => number} f
 * @returns {Measure}
 */
function measure(samples, f, round = (/** @type {number} */ x) => x) {
  const s = median(window(samples, 'start').map(f));
  const e = median(window(samples, 'end').map(f));
  return { start: round(s), end: round(e), max: round(Math.max(...samples.map(f))) };
}

/** CPU use between two samples, in percent of one core. */
/** @param {Sample} a @param {Sample} b */
function cpuBetween(a, b) {
  return ((b.cpuS - a.cpuS) / ((b.t - a.t) / 1000)) * 100;
}

/**
 * The lowest RSS over the first and the last two minutes. RSS swings by tens of
 * megabytes as the heap fills and is collected; a leak raises the level it
 * comes back down to, so that is what is compared.
 */
/** @param {Sample[]} samples @returns {Measure} */
function rssFloor(samples) {
  const mb = samples.map((s) => s.rssKb / 1024);
  return { start: r1(Math.min(...mb.slice(0, FLOOR_WINDOW))), end: r1(Math.min(...mb.slice(-FLOOR_WINDOW))), max: r1(Math.max(...mb)) };
}

/** @param {Sample[]} samples */
function summarize(samples) {
  const cpuRates = samples.slice(1).map((s, i) => ({ ...s, cpuPct: cpuBetween(/** @type {Sample} */ (samples[i]), s) }));
  return {
    rssMb: measure(samples, (s) => s.rssKb / 1024, r1),
    rssFloorMb: rssFloor(samples),
    cpuPct: measure(cpuRates, (s) => s.cpuPct, r1),
    children: measure(samples, (s) => s.children),
    monitors: measure(samples, (s) => s.monitors),
    staleMonitors: measure(samples, (s) => s.staleMonitors),
    extraMonitors: measure(samples, (s) => s.extraMonitors),
    otherChildren: measure(samples, (s) => s.otherChildren),
    lingering: measure(samples, (s) => s.lingering),
    fds: measure(samples, (s) => s.fds),
    ownFds: measure(samples, (s) => s.ownFds),
    nonSocketFds: measure(samples, (s) => s.nonSocketFds),
    netnsOnHost: measure(samples, (s) => s.netnsOnHost),
    containers: measure(samples, (s) => s.containers),
  };
}

/** The verdicts: each failed one is a sentence. */
/** @param {ReturnType<typeof summarize>} summary */
function judge(summary) {
  const failures = [];
  const rssGrowth = ((summary.rssFloorMb.end - summary.rssFloorMb.start) / summary.rssFloorMb.start) * 100;
  if (rssGrowth >= RSS_LIMIT_PCT)
    failures.push(
      `RSS grew ${r1(rssGrowth)}% after warm-up (lowest of the first and last two minutes: ${summary.rssFloorMb.start} -> ${summary.rssFloorMb.end} MB; limit ${RSS_LIMIT_PCT}%)`,
    );
  // raw counts follow what the host holds (others' namespaces too); these do not
  const grew = (/** @type {{ start: number, end: number }} */ m, /** @type {number} */ slack) => m.end > m.start + slack;
  if (grew(summary.staleMonitors, CHILD_SLACK)) failures.push(`monitors of deleted namespaces grew: ${summary.staleMonitors.start} -> ${summary.staleMonitors.end}`);
  // fewer monitors than targets (negative) is the UI lagging behind, not a leak: only growth above zero counts
  if (grew({ start: Math.max(0, summary.extraMonitors.start), end: summary.extraMonitors.end }, CHILD_SLACK))
    failures.push(`monitors beyond one per namespace and container grew: ${summary.extraMonitors.start} -> ${summary.extraMonitors.end}`);
  if (grew(summary.lingering, CHILD_SLACK)) failures.push(`children other than monitors that stay grew: ${summary.lingering.start} -> ${summary.lingering.end}`);
  if (grew(summary.ownFds, 4 * FD_SLACK)) failures.push(`open descriptors other than children's stdio grew: ${summary.ownFds.start} -> ${summary.ownFds.end}`);
  if (grew(summary.nonSocketFds, FD_SLACK)) failures.push(`open descriptors that are not sockets grew: ${summary.nonSocketFds.start} -> ${summary.nonSocketFds.end}`);
  return { rssGrowthPct: r1(rssGrowth), failures };
}

async function main() {
  if (process.getuid?.() !== 0) {
    console.error('soak: needs root (network namespaces)');
    process.exit(4);
  }
  if (run('tmux', ['-V'], { check: false }).status !== 0) {
    console.error('soak: tmux is needed (scripts/install-deps.sh installs it)');
    process.exit(1);
  }
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'main.js'))) {
    console.error('soak: the build (dist/bundle/) is missing: npm run build (npm run soak does)');
    process.exit(1);
  }
  const minutes = minutesWanted();
  const durationMs = minutes * 60_000;
  // warm-up: the first minute (a fifth of a shorter run); the baseline is taken after it
  const warmupMs = Math.min(60_000, durationMs / 5);
  const stem = `cmt-soak-${randomBytes(2).toString('hex')}`;
  const world = new World(stem);
  const ui = new Ui(stem);
  /** @type {Sample[]} */
  const samples = [];
  /** @type {{ failures: string[], lastScreen?: string, rssGrowthPct?: number }} */
  const verdict = { failures: [] };
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    ui.kill();
    const left = world.tearDown();
    if (left.length) console.error(`soak: namespaces left behind: ${left.join(', ')}`);
  };
  const onSignal = (/** @type {NodeJS.Signals} */ sig) => {
    console.error(`\nsoak: ${sig}: cleaning up`);
    cleanup();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  const started = Date.now();
  let lastPid;
  try {
    console.error(`soak: ${minutes} min, ${NAMESPACES} namespaces ${stem}-n*, session ${stem}`);
    world.setUp();
    ui.start();
    lastPid = ui.pid;
    const comm = cmdline(ui.pid);
    if (!comm[0]?.includes('node')) throw new Error(`the pane's process is not node: ${comm.join(' ')}`);
    const first = await ui.waitFor(() => ui.header(), 15_000);
    if (!first) throw new Error(`the UI did not draw its header within 15 s:\n${ui.capture()}`);
    await ui.waitFor(() => (ui.header()?.netns ?? 0) >= NAMESPACES, 15_000);

    const t0 = Date.now();
    let nextSample = t0;
    let lastReport = t0;
    let drawnMissing = 0;
    /** @type {Set<number> | undefined} */
    let previousOthers;
    while (Date.now() - t0 < durationMs) {
      const tickStart = Date.now();
      world.tick();
      if (Date.now() >= nextSample) {
        nextSample += SAMPLE_EVERY_S * 1000;
        const p = sampleProcess(ui.pid, previousOthers);
        const pane = ui.dead();
        if (!p.alive || pane.dead) {
          verdict.failures.push(`the UI ended after ${r1((Date.now() - t0) / 1000)} s (pane status ${pane.status || '?'})`);
          verdict.lastScreen = ui.capture();
          break;
        }
        const header = ui.header();
        drawnMissing = header ? 0 : drawnMissing + 1;
        // one missing header may be a frame caught mid-draw; three in a row is a UI that stopped drawing
        if (drawnMissing >= 3) {
          verdict.failures.push('the UI stopped drawing its header');
          verdict.lastScreen = ui.capture();
          break;
        }
        previousOthers = p.others;
        const { others, ...rest } = p;
        samples.push({ t: Date.now() - t0, ...rest, header: header ?? null });
        if (Date.now() - lastReport >= 60_000) {
          lastReport = Date.now();
          console.error(
            `soak: ${r1((Date.now() - t0) / 60_000)} min: RSS ${r1(p.rssKb / 1024)} MB, cpu ${r1(p.cpuS)} s, children ${p.children} (monitors ${p.monitors}), fds ${p.fds}, namespaces ${p.netnsOnHost}`,
          );
        }
      }
      await sleep(Math.max(0, TICK_MS - (Date.now() - tickStart)));
    }

    // the UI still follows the kernel: with the churn stopped its header counts
    // the namespaces on the host (others' included) within a few seconds
    if (verdict.failures.length === 0) {
      const agreed = await ui.waitFor(() => {
        const h = ui.header();
        return h && h.netns === netnsNames().length ? h : undefined;
      }, 20_000);
      if (!agreed)
        verdict.failures.push(
          `after the churn the header does not count the namespaces on the host (${netnsNames().length}): ${ui.header() ? JSON.stringify(ui.header()) : 'no header'}`,
        );
    }

    // and it quits cleanly, taking its children with it
    if (verdict.failures.length === 0) {
      const before = descendants(ui.pid);
      tmux(['send-keys', '-t', ui.target, 'q']);
      const ended = await ui.waitFor(() => (ui.dead().dead ? ui.dead() : undefined), 15_000);
      if (!ended) verdict.failures.push('q did not end the UI within 15 s');
      // an empty status is tmux not having reaped it yet (see test/support/tmux.ts); the process is gone either way
      else if (ended.status !== '0' && ended.status !== '') verdict.failures.push(`the UI exited with status ${ended.status}`);
      await sleep(1000);
      const orphans = before.filter((p) => existsSync(`/proc/${p}`) && cmdline(p)[0] === 'ip');
      if (orphans.length)
        verdict.failures.push(
          `${orphans.length} child processes outlived the UI: ${orphans
            .slice(0, 5)
            .map((p) => cmdline(p).join(' '))
            .join('; ')}`,
        );
    }
  } catch (err) {
    verdict.failures.push(`soak harness: ${/** @type {Error} */ (err).message}`);
  } finally {
    cleanup();
  }

  // the baseline is what the UI holds once warm: samples after the warm-up
  const warm = samples.filter((s) => s.t >= warmupMs);
  let summary;
  if (warm.length >= 2 * WINDOW) {
    summary = summarize(warm);
    const j = judge(summary);
    verdict.rssGrowthPct = j.rssGrowthPct;
    verdict.failures.push(...j.failures);
    printTable(summary);
  } else if (verdict.failures.length === 0) {
    verdict.failures.push(`too few samples after warm-up (${warm.length}; need ${2 * WINDOW}): run for longer`);
  }
  const cpuTotal = samples.length >= 2 ? r1(cpuBetween(/** @type {Sample} */ (samples[0]), /** @type {Sample} */ (samples.at(-1)))) : null;
  const result = {
    when: new Date().toISOString(),
    node: process.version,
    kernel: run('uname', ['-r'], { check: false }).stdout.trim(),
    minutes,
    warmupSeconds: warmupMs / 1000,
    sampleEverySeconds: SAMPLE_EVERY_S,
    windowSamples: WINDOW,
    namespaces: NAMESPACES,
    churn: world.counts,
    uiPid: lastPid,
    cpuPctWholeRun: cpuTotal,
    summary,
    ok: verdict.failures.length === 0,
    failures: verdict.failures,
    ...(verdict.lastScreen ? { lastScreen: verdict.lastScreen } : {}),
    samples,
    seconds: r1((Date.now() - started) / 1000),
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'soak.json'), JSON.stringify(result, null, 2) + '\n');
  const c = world.counts;
  console.log(
    `\nchurn: ${c.linksMade} links made, ${c.linksRemoved} removed; ${c.namespacesMade} namespaces made, ${c.namespacesRemoved} removed; ${c.failures} failed steps`,
  );
  if (cpuTotal !== null) console.log(`UI CPU over the run: ${cpuTotal}% of one core`);
  console.log('written bench/results/soak.json');
  if (verdict.failures.length) {
    for (const f of verdict.failures) console.error(`soak: FAIL: ${f}`);
    if (verdict.lastScreen) console.error(`---- last screen ----\n${verdict.lastScreen}\n----`);
    process.exitCode = 1;
  } else {
    console.log(`soak: ok (RSS growth ${verdict.rssGrowthPct}%, no growth in children or descriptors)`);
  }
}

main().catch((/** @type {Error} */ e) => {
  console.error(`soak: ${e.stack || e}`);
  process.exitCode = 1;
});
