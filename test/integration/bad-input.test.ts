/**
 * Bad input, through the CLI and through the TUI prompt: every case of
 * test/support/bad-input-cases.ts must fail (non-zero exit, not-ok outcome)
 * with a short message whose first line names the bad token, no stack trace,
 * within a second, and change nothing in any namespace: the `ip -j` state
 * (links, addresses, routes) of the host and of every named namespace, plus
 * forwarding and the FORWARD chain of the fixtures, is the same before and
 * after each group of cases.
 *
 * Others may run tests on this machine at the same time. The snapshot leaves
 * out what is theirs: cmt-* namespaces this file did not make, and host
 * interfaces that are Docker's (docker0, br-*, veth*) or other tests'
 * (cmt*, and chainmail temporaries cm<8 hex>a|b, which are checked apart: one
 * that appears and is still there a second later counts). A namespace of
 * someone else's that appears or vanishes meanwhile is not a change of ours;
 * one whose name starts with this file's tag is. (The tag is cmt-in<hex>, not
 * cmt-b...: bench/run.mjs sweeps every namespace starting with cmt-b.)
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/host/context.js';
import { quoteWord } from '../../src/tutorial/check-line.js';
import { Session } from '../../src/ui/session/session.js';
import { badInputCases, promptOnlyCases, writeCaseFiles, type BadInputCase, type Fixtures, type PromptOnlyCase } from '../support/bad-input-cases.js';
import { chainmailAsync, createNetns, ip, ipJson, isRoot, REPO, Scratch, TEMP_IFNAME, type LinkInfo } from '../support/kernel.js';

/** A case's time, unless it says otherwise (limitMs: a Docker image asked about). */
const LIMIT_MS = 1000;
const GROUP_SIZE = 16;
const CLI_CONCURRENCY = 2;

const tag = randomBytes(3).toString('hex');
const mine = `cmt-in${tag}`;
const scratch = new Scratch();
const containers: string[] = [];
let fx: Fixtures;
let dockerSkip: string | undefined;

// ---------------------------------------------------------------------------
// Fixtures

function dockerAnswers(): boolean {
  return spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 15_000 }).status === 0;
}

/** A dockerd this file started, run on its own (scripts/test.sh starts and stops the suite's): stopped after it. */
let ownDockerd: number | undefined;

/** Docker with the test image, or why not. */
function prepareDocker(): string | undefined {
  if (!dockerAnswers()) {
    // ensure-docker.sh records the pid of a dockerd it starts in its state folder: a folder of our own says whether it did
    const state = mkdtempSync(join(tmpdir(), 'cmt-dockerd-'));
    spawnSync(join(REPO, 'scripts/ensure-docker.sh'), [], { stdio: 'ignore', timeout: 90_000, env: { ...process.env, CHAINMAIL_TEST_STATE_DIR: state } });
    const pidFile = join(state, 'dockerd.pid');
    if (existsSync(pidFile)) ownDockerd = Number(readFileSync(pidFile, 'utf8').trim());
    rmSync(state, { recursive: true, force: true });
    if (!dockerAnswers()) return 'the Docker engine does not answer (scripts/ensure-docker.sh could not start one)';
  }
  const image = 'chainmail-test:busybox';
  if (spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0) {
    spawnSync(join(REPO, 'scripts/build-test-image.sh'), [], { stdio: 'ignore', timeout: 120_000 });
    if (spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0) return `no image ${image} (scripts/build-test-image.sh failed)`;
  }
  return undefined;
}

function createStoppedContainer(name: string): boolean {
  if (!containers.includes(name)) containers.push(name);
  return spawnSync('docker', ['create', '--name', name, '--net=none', 'chainmail-test:busybox', 'sleep', '3600'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

function containerState(name: string): string {
  return spawnSync('docker', ['inspect', '--format', '{{.State.Status}}', name], { encoding: 'utf8' }).stdout.trim();
}

/** A pid no process has (and none is likely to get during the test). */
function deadPid(): number {
  for (let pid = 4_194_000; pid > 4_000_000; pid--) if (!existsSync(`/proc/${pid}`)) return pid;
  throw new Error('no free pid found');
}

function netns(name: string): string {
  scratch.adoptNetns(name);
  createNetns(name);
  return name;
}

/** a:link1 10.77.1.1/24 2001:db8:77::1/64 <-> b:link2 10.77.1.2/24, and in a a route to 10.77.9.0/24. */
function makePair(a: string, b: string): void {
  netns(a);
  netns(b);
  ip(a, ['link', 'add', 'name', 'link1', 'type', 'veth', 'peer', 'name', 'link2', 'netns', b]);
  ip(a, ['addr', 'add', '10.77.1.1/24', 'dev', 'link1']);
  ip(a, ['addr', 'add', '2001:db8:77::1/64', 'dev', 'link1', 'nodad']);
  ip(b, ['addr', 'add', '10.77.1.2/24', 'dev', 'link2']);
  ip(a, ['link', 'set', 'link1', 'up']);
  ip(b, ['link', 'set', 'link2', 'up']);
  ip(a, ['route', 'add', '10.77.9.0/24', 'via', '10.77.1.2', 'dev', 'link1']);
}

const netnsExists = (name: string) => existsSync(`/var/run/netns/${name}`);

/**
 * Before each group: the fixtures are still there. On a shared machine a
 * sweep of cmt-* by someone else's run can take them mid-file; they are made
 * again (and that is said) so the groups after it still test something.
 * A fixture vanishing inside a group still fails that group.
 */
function ensureFixtures(): void {
  if (!netnsExists(fx.a) || !netnsExists(fx.b)) {
    console.warn(`bad-input: fixture namespaces ${fx.a}/${fx.b} were removed by someone else; making them again`);
    for (const n of [fx.a, fx.b]) if (netnsExists(n)) spawnSync('ip', ['netns', 'del', n]);
    makePair(fx.a, fx.b);
  }
  if (fx.twin && !netnsExists(fx.twin)) netns(fx.twin);
  if (!existsSync(fx.dir)) {
    mkdirSync(fx.dir, { recursive: true });
    writeCaseFiles(fx);
  }
}

/** Why docker cases cannot run now (the engine may be stopped by others' fault tests), or undefined. */
function dockerUnavailable(): string | undefined {
  if (dockerSkip) return dockerSkip;
  if (!dockerAnswers()) return 'the Docker engine stopped answering during the run';
  for (const c of [fx.stopped!, fx.twin!]) {
    if (containerState(c) === '' && !createStoppedContainer(c)) return `container ${c} is gone and could not be made again`;
  }
  return undefined;
}

beforeAll(() => {
  if (!isRoot) return;
  const [a, b] = [`${mine}-a`, `${mine}-b`];
  makePair(a, b);
  const dir = mkdtempSync(join(tmpdir(), 'cmt-in-'));
  fx = { a, b, missing: `${mine}-gone`, deadPid: deadPid(), dir, tag };

  dockerSkip = prepareDocker();
  if (!dockerSkip) {
    const stopped = `${mine}-stopped`;
    const twin = `${mine}-twin`;
    if (createStoppedContainer(stopped) && createStoppedContainer(twin)) {
      netns(twin);
      fx = { ...fx, stopped, twin };
    } else dockerSkip = 'docker create of a test container failed';
  }
  writeCaseFiles(fx);
}, 240_000);

afterAll(async () => {
  try {
    for (const c of containers) spawnSync('docker', ['rm', '-f', c], { stdio: 'ignore', timeout: 30_000 });
    await scratch.cleanup();
    if (fx?.dir) rmSync(fx.dir, { recursive: true, force: true });
  } finally {
    if (ownDockerd) await stopDockerd(ownDockerd);
  }
}, 120_000);

/** SIGTERM, and up to 20 s for it to go (as scripts/test.sh stops its own); only a pid that is still a dockerd. */
async function stopDockerd(pid: number): Promise<void> {
  const isDockerd = () => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd';
    } catch {
      return false; // gone
    }
  };
  if (!isDockerd()) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && isDockerd(); i++) await new Promise((r) => setTimeout(r, 200));
  if (isDockerd()) process.kill(pid, 'SIGKILL');
}

// ---------------------------------------------------------------------------
// Snapshots

const FOREIGN_HOST_IF = /^(docker\d*|br-[0-9a-f]+|veth[0-9a-f]+)$|^cmt/;

interface Snapshot {
  /** Namespace name (host: "") -> its state as JSON. */
  states: Map<string, string>;
  /** chainmail temporaries in the host. */
  hostTemps: Set<string>;
}

function namedNamespaces(): string[] {
  return ipJson<Array<{ name: string }>>(undefined, ['netns', 'list'])
    .map((n) => n.name)
    .filter((n) => !n.startsWith('cmt-') || n.startsWith(mine));
}

/** `ip -j ARGS -batch -` with the given lines (in ns when given): one JSON value per line of output. */
function ipBatch(ns: string | undefined, lines: readonly string[]): unknown[] {
  const r = spawnSync('ip', [...(ns ? ['-n', ns] : []), '-j', '-d', '-batch', '-'], { input: lines.join('\n') + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip -batch in ${ns ?? 'host'}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);
}

type RouteJson = { dst: string; gateway?: string; dev?: string; table?: string; type?: string };
type NetconfJson = { family: string; interface: string; forwarding?: boolean };

/** Links, addresses, routes of every table (both families) and forwarding, read in one ip process. */
function stateOf(ns: string | undefined): { state: string; temps: string[] } {
  const keep = (name?: string) => ns !== undefined || name === undefined || !(FOREIGN_HOST_IF.test(name) || TEMP_IFNAME.test(name));
  const [addrs = [], routes = [], netconf = []] = ipBatch(ns, ['addr show', 'route show table all', 'netconf show']) as [LinkInfo[], RouteJson[], NetconfJson[]];
  const links = addrs
    .filter((l) => keep(l.ifname))
    .map((l) => ({
      n: l.ifname,
      kind: l.linkinfo?.info_kind ?? '',
      up: l.flags.includes('UP'),
      mtu: l.mtu,
      // link-local addresses are the kernel's, and come when duplicate detection ends
      a: (l.addr_info ?? [])
        .filter((x) => x.scope !== 'link')
        .map((x) => `${x.local}/${x.prefixlen}`)
        .sort(),
    }));
  const state: Record<string, unknown> = {
    links,
    routes: routes
      .filter((r) => keep(r.dev) && !(r.dst.startsWith('fe80:') || r.dst === 'ff00::/8'))
      .map((r) => `${r.type ?? ''} ${r.dst} via ${r.gateway ?? '-'} dev ${r.dev ?? '-'} table ${r.table ?? 'main'}`)
      .sort(),
  };
  if (ns?.startsWith(mine)) {
    // what fw and forward would change
    state.forwarding = netconf
      .filter((c) => c.interface === 'all')
      .map((c) => `${c.family} ${c.forwarding}`)
      .sort();
    state.rules = spawnSync('ip', ['netns', 'exec', ns, 'iptables', '-S', 'FORWARD'], { encoding: 'utf8' }).stdout.trim();
  }
  return { state: JSON.stringify(state), temps: addrs.map((l) => l.ifname).filter((n) => TEMP_IFNAME.test(n)) };
}

function takeSnapshot(): Snapshot {
  const host = stateOf(undefined);
  const states = new Map<string, string>([['', host.state]]);
  for (const ns of namedNamespaces()) {
    try {
      states.set(ns, stateOf(ns).state);
    } catch {
      // someone else's namespace vanished while it was read: not ours (ours are never deleted here)
      if (ns.startsWith(mine)) throw new Error(`cannot read namespace ${ns}`);
    }
  }
  return { states, hostTemps: new Set(host.temps) };
}

/** What changed between two snapshots, in words; empty when nothing did. */
async function changes(before: Snapshot, after: Snapshot): Promise<string[]> {
  const found: string[] = [];
  for (const name of new Set([...before.states.keys(), ...after.states.keys()])) {
    const label = name || 'host';
    const [was, is] = [before.states.get(name), after.states.get(name)];
    if (was !== undefined && is !== undefined) {
      if (was !== is) found.push(`${label} changed:\n  before ${was}\n  after  ${is}`);
    } else if (name.startsWith(mine)) {
      found.push(`namespace ${label} ${was === undefined ? 'appeared' : 'vanished'}`);
    }
  }
  const newTemps = [...after.hostTemps].filter((t) => !before.hostTemps.has(t));
  if (newTemps.length) {
    // a concurrent run's temporary lives for milliseconds; ours would stay
    await new Promise((r) => setTimeout(r, 1000));
    const still = new Set(ipJson<LinkInfo[]>(undefined, ['link', 'show']).map((l) => l.ifname));
    for (const t of newTemps.filter((x) => still.has(x))) found.push(`host temporary ${t} left behind`);
  }
  return found;
}

// ---------------------------------------------------------------------------
// Running a case, and what every failure must look like

interface Outcome {
  /** The time limit this run was held to, when the machine was found slow at that moment (see timed). */
  limitMs?: number;
  failed: boolean;
  /** The lines a user sees: stderr of the CLI, or the prompt's outcome lines. */
  lines: string[];
  stdout: string;
  ms: number;
  code?: number;
}

const STACK_LINE = /^\s+at\s/;
/** What Node prints for an uncaught error, or chainmail for one it did not expect. */
const INTERNAL = /^(\w*Error|Error)(\s\[\w+\])?:|node:internal|internal error|Node\.js v\d/;

async function runCli(c: BadInputCase): Promise<Outcome> {
  const started = performance.now();
  const r = await chainmailAsync(c.words);
  const ms = performance.now() - started;
  return { failed: r.code !== 0, code: r.code, lines: r.stderr.split('\n').filter((l) => l !== ''), stdout: r.stdout, ms };
}

/**
 * Runs a case again when it took a second or more, but not five: on a machine
 * shared with other test runs a slow answer may be the scheduler's. It counts
 * as slow only when every one of three runs is, and when it is also slower than
 * three times the program's own `--version` timed right after (the machine's
 * speed at that moment); the fastest run is the one checked. Five seconds or more
 * is no scheduling hiccup and is not retried.
 */
async function timed(run: () => Promise<Outcome>, limit = LIMIT_MS): Promise<Outcome> {
  let best = await run();
  for (let retry = 0; retry < 2 && best.ms >= limit && best.ms < 5 * limit; retry++) {
    const again = await run();
    if (again.ms < best.ms) best = again;
  }
  if (best.ms >= limit && best.ms < 5 * limit) {
    const started = performance.now();
    await chainmailAsync(['--version']);
    best.limitMs = Math.max(limit, 3 * (performance.now() - started));
  }
  return best;
}

/**
 * The prompt's handling of a line (Session.runLine: strip, split, the prompt's
 * own verbs and refusals, parse, run with a real CommandContext, log) without
 * the view's refresh that follows every line. That refresh only reads (every
 * namespace and Docker) and is the UI's, not the line's; on a machine shared
 * with other runs it can wait on their namespaces or a stopped engine for a
 * minute, which would time this file out without saying anything about input.
 */
class PromptLines extends Session {
  override async refreshNow(): Promise<void> {}
}

let session: Session | undefined;
function promptSession(): Session {
  if (!session) {
    session = new PromptLines(createContext());
    // never started: no event sources, monitors or timers
    session.stop();
  }
  return session;
}

async function runPrompt(line: string): Promise<Outcome> {
  const started = performance.now();
  const r = await promptSession().runLine(line);
  const ms = performance.now() - started;
  return { failed: !r.ok, lines: r.lines, stdout: '', ms };
}

/** The prompt line of a case's words: each word quoted as the prompt reads it back. */
const promptLine = (words: readonly string[]) => words.map((w) => quoteWord(w)).join(' ');

/** Why the outcome is not a proper refusal; empty when it is one. */
function problemsOf(o: Outcome, names: string, via: 'cli' | 'prompt', c?: BadInputCase): string[] {
  const p: string[] = [];
  if (!o.failed) p.push('succeeded');
  if (via === 'cli' && c && o.code !== c.exit) p.push(`exit code ${o.code}, expected ${c.exit}`);
  if (o.ms >= (o.limitMs ?? c?.limitMs ?? LIMIT_MS)) p.push(`took ${Math.round(o.ms)} ms`);
  const first = o.lines[0] ?? '';
  const message = via === 'cli' ? first.replace(/^chainmail: /, '') : first;
  if (via === 'cli' && !first.startsWith('chainmail: ')) p.push(`first line is not "chainmail: MESSAGE": ${JSON.stringify(first)}`);
  if (!message.includes(names)) p.push(`message does not name ${JSON.stringify(names)}: ${JSON.stringify(message)}`);
  // a file's mistake: FILE:LINE: leads the message
  if (c?.at) {
    const at = c.at.line !== undefined ? `${c.at.file}:${c.at.line}: ` : undefined;
    if (at ? !message.startsWith(at) : !new RegExp(`^${c.at.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `).test(message)) {
      p.push(`message does not start with ${at ?? `${c.at.file}:LINE: `}: ${JSON.stringify(message)}`);
    }
  }
  if (message.length > 400) p.push(`message is ${message.length} characters long`);
  // one message line, then at most the marked line, its caret, a usage of up to four lines, or what the kernel said
  if (o.lines.length > 8) p.push(`${o.lines.length} lines of output`);
  const stack = o.lines.find((l) => STACK_LINE.test(l) || INTERNAL.test(l));
  if (stack) p.push(`stack trace or internal error: ${JSON.stringify(stack)}`);
  if (via === 'cli' && c) {
    if (c.words.includes('--json')) {
      let parsed: { ok?: unknown; error?: unknown } | undefined;
      try {
        parsed = JSON.parse(o.stdout) as typeof parsed;
      } catch {
        /* reported below */
      }
      if (parsed?.ok !== false || typeof parsed.error !== 'string') p.push(`--json: stdout is not {"ok": false, "error": ...}: ${JSON.stringify(o.stdout)}`);
    } else if (o.stdout !== '') p.push(`printed on stdout: ${JSON.stringify(o.stdout)}`);
  }
  return p;
}

/** Runs items with at most `limit` at a time, keeping their order in the results. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

/** Runs a group between two snapshots; returns every problem, per case and of the group. */
async function runGroup<T extends { what: string }>(items: readonly T[], run: (item: T) => Promise<string[]>, concurrency: number): Promise<string[]> {
  const before = takeSnapshot();
  const perCase = await pool(items, concurrency, run);
  const after = takeSnapshot();
  const found = perCase.flatMap((p, i) => p.map((x) => `${items[i]!.what}: ${x}`));
  found.push(...(await changes(before, after)).map((x) => `after this group: ${x}`));
  return found;
}

// ---------------------------------------------------------------------------
// The cases (built from the fixtures' names, which exist only in the hooks)

const placeholder: Fixtures = {
  a: `${mine}-a`,
  b: `${mine}-b`,
  missing: `${mine}-gone`,
  deadPid: 4_194_000,
  dir: join(tmpdir(), 'cmt-in-x'),
  tag,
  stopped: `${mine}-stopped`,
  twin: `${mine}-twin`,
};
/** The table's shape is known before the fixtures exist: groups are made from it, the words when they run. */
const planned = badInputCases(placeholder);
const current = (): BadInputCase[] => badInputCases(fx);

function groups<T extends { verb?: string }>(items: readonly T[]): { verb: string; indices: number[] }[] {
  const out: { verb: string; indices: number[] }[] = [];
  items.forEach((item, i) => {
    const verb = item.verb ?? 'prompt';
    const last = out.at(-1);
    if (last && last.verb === verb && last.indices.length < GROUP_SIZE) last.indices.push(i);
    else out.push({ verb, indices: [i] });
  });
  return out;
}

const both = planned.filter((c) => !c.cliOnly);

describe.skipIf(!isRoot)('bad input', () => {
  it(`the table has at least 200 cases run through both the CLI and the prompt (${both.length}), across every verb`, () => {
    expect(both.length).toBeGreaterThanOrEqual(200);
    const verbs = new Set(planned.map((c) => c.verb));
    for (const verb of ['koko', 'koro', 'forward', 'fw', 'ls', 'routes', 'ping', 'probe', 'kill', 'chain', 'export', 'tutorial', 'demo', 'verbs']) {
      expect(verbs, verb).toContain(verb);
    }
    // each chain action reads files of every kind of mistake
    for (const action of ['up', 'status', 'heal', 'down'])
      expect(planned.filter((c) => c.words[0] === 'chain' && c.words[1] === action).length, action).toBeGreaterThanOrEqual(5);
    // the table run is the one planned, with the fixtures' names (docker cases last, left out without Docker)
    expect(current().map((c) => `${c.verb}: ${c.what}`)).toEqual(planned.filter((c) => !c.docker || fx.stopped).map((c) => `${c.verb}: ${c.what}`));
    expect(planned.findIndex((c) => c.docker)).toBe(planned.length - planned.filter((c) => c.docker).length);
    expect(new Set(planned.map((c) => `${c.verb}: ${c.what}`)).size).toBe(planned.length);
  });

  it('the snapshot sees a change of an address, a route, a link, a rule and forwarding in a fixture', async () => {
    ensureFixtures();
    const changes_ = async (change: string[], undo: string[], ns = fx.a) => {
      const before = takeSnapshot();
      ip(ns, change);
      const after = takeSnapshot();
      ip(ns, undo);
      return changes(before, after);
    };
    expect(await changes_(['addr', 'add', '10.77.3.3/24', 'dev', 'link1'], ['addr', 'del', '10.77.3.3/24', 'dev', 'link1'])).toHaveLength(1);
    expect(await changes_(['route', 'add', '10.77.4.0/24', 'via', '10.77.1.2'], ['route', 'del', '10.77.4.0/24'])).toHaveLength(1);
    expect(await changes_(['link', 'add', 'cmtx0', 'type', 'veth', 'peer', 'name', 'cmtx1'], ['link', 'del', 'cmtx0'], fx.b)).toHaveLength(1);
    const inA = (argv: string[]) => spawnSync('ip', ['netns', 'exec', fx.a, ...argv], { stdio: 'ignore' });
    let before = takeSnapshot();
    inA(['iptables', '-A', 'FORWARD', '-p', 'icmp', '-j', 'DROP']);
    let after = takeSnapshot();
    inA(['iptables', '-D', 'FORWARD', '-p', 'icmp', '-j', 'DROP']);
    expect(await changes(before, after)).toHaveLength(1);
    const forwarding = spawnSync('ip', ['netns', 'exec', fx.a, 'sysctl', '-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).stdout.trim();
    before = takeSnapshot();
    inA(['sysctl', '-q', '-w', `net.ipv4.ip_forward=${forwarding === '1' ? 0 : 1}`]);
    after = takeSnapshot();
    inA(['sysctl', '-q', '-w', `net.ipv4.ip_forward=${forwarding}`]);
    expect(await changes(before, after)).toHaveLength(1);
    expect(await changes(takeSnapshot(), takeSnapshot())).toEqual([]);
  });

  describe('through the CLI (bin/chainmail.js WORDS..., no terminal)', () => {
    for (const group of groups(planned)) {
      const dockerOnly = group.indices.every((i) => planned[i]!.docker);
      it(`${group.verb}: ${group.indices
        .map((i) => planned[i]!.what)
        .slice(0, 3)
        .join('; ')}${group.indices.length > 3 ? `; ... (${group.indices.length})` : ''}`, async (ctx) => {
        ensureFixtures();
        const noDocker = group.indices.some((i) => planned[i]!.docker) ? dockerUnavailable() : undefined;
        if (dockerOnly && noDocker) ctx.skip(`docker cases: ${noDocker}`);
        const all = current();
        const cases = group.indices.filter((i) => !planned[i]!.docker || !noDocker).map((i) => all[i]!);
        // a docker target costs half a second alone (dockerode): those run one at a time
        const problems = await runGroup(cases, async (c) => problemsOf(await timed(() => runCli(c), c.limitMs), c.names, 'cli', c), dockerOnly ? 1 : CLI_CONCURRENCY);
        expect(problems).toEqual([]);
      }, 180_000);
    }
  });

  describe('through the TUI prompt (Session.runLine, in process)', () => {
    for (const group of groups(planned.filter((c) => !c.cliOnly))) {
      const list = planned.filter((c) => !c.cliOnly);
      const dockerOnly = group.indices.every((i) => list[i]!.docker);
      it(`${group.verb}: ${group.indices
        .map((i) => list[i]!.what)
        .slice(0, 3)
        .join('; ')}${group.indices.length > 3 ? `; ... (${group.indices.length})` : ''}`, async (ctx) => {
        ensureFixtures();
        const noDocker = group.indices.some((i) => list[i]!.docker) ? dockerUnavailable() : undefined;
        if (dockerOnly && noDocker) ctx.skip(`docker cases: ${noDocker}`);
        const all = current().filter((c) => !c.cliOnly);
        const cases = group.indices.filter((i) => !list[i]!.docker || !noDocker).map((i) => all[i]!);
        const problems = await runGroup(
          cases,
          async (c) => problemsOf(await timed(() => runPrompt(promptLine(c.words)), c.limitMs), c.promptNames ?? c.names, 'prompt', c),
          1,
        );
        expect(problems).toEqual([]);
      }, 180_000);
    }

    it('lines only the prompt reads: docker, watch, unwatch, heal, quotes, pasted prompts', async () => {
      ensureFixtures();
      const cases: PromptOnlyCase[] = promptOnlyCases(fx);
      const problems = await runGroup(cases, async (c) => problemsOf(await timed(() => runPrompt(c.line)), c.names, 'prompt'), 1);
      expect(problems).toEqual([]);
      // none of them added a watch
      expect(promptSession().state.watches).toEqual([]);
    }, 180_000);
  });

  it('the stopped containers were never started', (ctx) => {
    if (dockerSkip || !dockerAnswers()) ctx.skip(`docker cases: ${dockerSkip ?? 'the Docker engine stopped answering during the run'}`);
    expect(containerState(fx.stopped!)).toBe('created');
    expect(containerState(fx.twin!)).toBe('created');
  });
});
