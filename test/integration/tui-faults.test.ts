/**
 * The UI when the world changes under it: a namespace deleted while it is
 * selected, a container restarted (new pid) while it is selected and watched,
 * and the Docker engine stopped and started again while the UI runs.
 *
 * The model (Session) is driven in this process where that proves the point
 * (fast, and it can look at state the screen only hints at); tmux runs the
 * real program where only the real screen proves it. The engine test stops
 * the dockerd that scripts/ensure-docker.sh started for the suite (its pid is
 * in $CHAINMAIL_TEST_STATE_DIR/dockerd.pid), never anyone else's, starts it
 * again with the same script, and is the last thing in this file that
 * touches Docker.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createNetns, ip, isRoot, linkNames, REPO, Scratch, uniqueName } from '../support/kernel.js';
import { containerPid, docker, dockerReady, removeContainers, runContainer, TEST_IMAGE } from '../support/docker.js';
import { escapeRegExp as re, hasTmux, logRows, panel, TmuxTerminal } from '../support/tmux.js';
import { createContext } from '../../src/host/context.js';
import { Session } from '../../src/ui/session/session.js';
import { DockerEngine } from '../../src/targets/docker.js';
import { TargetError } from '../../src/errors.js';

const scratch = new Scratch();
const containers: string[] = [];
let session: Session | undefined;
let term: TmuxTerminal | undefined;
afterEach(async () => {
  session?.stop();
  session = undefined;
  term?.kill();
  term = undefined;
  await scratch.cleanup();
});
afterAll(() => removeContainers(containers.splice(0)));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy; fails with `what` on timeout. */
async function until<T>(what: string, probe: () => T | undefined | false | null, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** device:inode of a namespace file: what tells namespaces apart. */
function nsIdentity(path: string): string {
  const st = statSync(path);
  return `${st.dev}:${st.ino}`;
}

/**
 * Whether any process (a UI's pinger, a silent counter process, a monitor)
 * runs inside the namespace of that identity. Found by the namespace each
 * process is in, not by its command line: `nsenter --net=PATH -- ...` execs
 * its program, so the path is not in it.
 */
function processRunsIn(identity: string): boolean {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (nsIdentity(`/proc/${pid}/ns/net`) === identity) return true;
    } catch {
      /* ended meanwhile */
    }
  }
  return false;
}

/** Whether an `ip monitor` of the UI's (a container's watch) runs inside the namespace of that identity. */
function monitorRunsIn(identity: string): boolean {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0] === 'ip' && argv.includes('monitor') && nsIdentity(`/proc/${pid}/ns/net`) === identity) return true;
    } catch {
      /* ended meanwhile */
    }
  }
  return false;
}

/** Whether the named namespace has an id in the host: the UI's one `ip monitor all-nsid` hears it then. */
function hasHostId(name: string): boolean {
  const ids = JSON.parse(spawnSync('ip', ['-j', 'netns', 'list-id'], { encoding: 'utf8' }).stdout || '[]') as Array<{ name?: string }>;
  return ids.some((e) => e.name === name);
}

/** An engine that hangs for a while on every listing and then is unreachable, as one does while it stops. */
class HangingEngine extends DockerEngine {
  override async list(): Promise<never> {
    await sleep(2500);
    throw new TargetError('cannot reach the Docker engine (timed out): docker targets are unavailable');
  }
}

describe.skipIf(!isRoot)('the UI model under faults (in process)', () => {
  it(
    'a namespace deleted while selected: nothing of the UI holds it, it leaves the list, the selection moves to its neighbour, its hop is broken',
    { timeout: 180_000 },
    async () => {
      const stem = uniqueName('sd');
      const [A, B, C] = ['a', 'b', 'c'].map((x) => {
        const n = scratch.adoptNetns(`${stem}${x}`);
        createNetns(n);
        return n;
      }) as [string, string, string];
      ip(A, ['link', 'add', 'name', 'ab1', 'type', 'veth', 'peer', 'name', 'ab2', 'netns', B]);
      ip(A, ['addr', 'add', '10.76.0.1/24', 'dev', 'ab1']);
      ip(A, ['link', 'set', 'ab1', 'up']);

      // every full read takes 2.5 s (the engine hangs): only what happens without one is fast
      const s = new Session({ ...createContext(), docker: new HangingEngine() });
      session = s;
      s.start();
      await until('the first read with A, B and C', () => [A, B, C].every((n) => s.namespaceOf(n)), 30_000);
      const bIdentity = nsIdentity(`/var/run/netns/${B}`);
      await until(`${B} watched (an id in the host)`, () => hasHostId(B));
      s.select(B);
      await until(`the details of ${B}`, () => s.state.details?.label === B && !s.state.details.error);

      const deleted = Date.now();
      ip(undefined, ['netns', 'del', B]);
      // a process of the UI's inside B would hold it (and so the veth, and its end ab1 in A) alive; none may, after the next read
      await until(`${A}:ab1 to go with ${B}`, () => !linkNames(A).includes('ab1'), 5000);
      const goneMs = Date.now() - deleted;
      expect(processRunsIn(bIdentity)).toBe(false);
      expect(goneMs, `ab1 lived ${goneMs} ms after ${B} was deleted`).toBeLessThan(1500);

      await until(`${B} to leave the list`, () => s.state.topology && !s.state.topology.targets.some((t) => t.ns.label === B), 30_000);
      // the next one in the list, not the top of it
      expect(s.state.selected).toBe(C);
      await until(`the details of ${C}`, () => s.state.details?.label === C);
      expect(s.state.details?.error).toBeUndefined();
      // the hop is remembered and drawn broken, B as gone
      const hop = await until('the hop A-B drawn broken', () => s.chain().hops.find((h) => h.health === 'broken' && [h.a.node, h.b.node].includes(B)));
      expect([hop.a.node, hop.b.node].sort()).toEqual([A, B].sort());
      expect(s.chain().nodes.find((n) => n.name === B)?.state).toBe('gone');
      expect(s.state.log.some((l) => l.tone === 'bad' && l.text === `hop ${A} ↔ ${B} broken`)).toBe(true);

      // and the UI goes on: a line at the prompt still runs
      const out = await s.runLine(`koko -n ${A},ac1 -n ${C},ac2`);
      expect(out.ok, out.lines.join('\n')).toBe(true);
    },
  );

  it.skipIf(!dockerReady())('a container restarted while selected and watched: the view and its monitor follow it to the new pid', { timeout: 180_000 }, async () => {
    const c = runContainer('trs', ['--stop-timeout', '1']);
    containers.push(c);
    const s = new Session(createContext());
    session = s;
    s.start();
    const pid1 = containerPid(c);
    await until(`${c} listed with pid ${pid1}`, () => s.namespaceOf(c)?.pid === pid1, 30_000);
    s.select(c);
    const watched = await s.runLine(`watch ping ${c} 127.0.0.1`);
    expect(watched.ok, watched.lines.join('\n')).toBe(true);
    await until('the watch to pass', () => s.state.watches[0]?.ok === true, 20_000);
    const oldNs = nsIdentity(`/proc/${pid1}/ns/net`);
    await until(`the monitor of pid ${pid1}`, () => monitorRunsIn(oldNs), 20_000);

    expect(docker(['restart', '-t', '0', c]).code).toBe(0);
    const pid2 = containerPid(c);
    expect(pid2).not.toBe(pid1);
    await until(`${c} listed with its new pid ${pid2}`, () => s.namespaceOf(c)?.pid === pid2, 30_000);
    expect(s.state.selected).toBe(c);
    // the old namespace is let go, the new one watched
    const newNs = nsIdentity(`/proc/${pid2}/ns/net`);
    expect(newNs).not.toBe(oldNs);
    await until(`the monitor of pid ${pid1} to stop`, () => !monitorRunsIn(oldNs), 20_000);
    await until(`a monitor of pid ${pid2}`, () => monitorRunsIn(newNs), 20_000);

    // a change in the new namespace shows, in the list and in the details of the selection
    const nsenter = (args: string[]) => expect(spawnSync('nsenter', ['-t', String(pid2), '-n', 'ip', ...args]).status).toBe(0);
    nsenter(['link', 'add', 'cmtrs0', 'type', 'veth', 'peer', 'name', 'cmtrs1']);
    nsenter(['addr', 'add', '10.77.0.1/24', 'dev', 'cmtrs0']);
    nsenter(['link', 'set', 'cmtrs0', 'up']);
    await until('the new interface in the view', () => s.state.topology?.targets.find((t) => t.ns.label === c)?.interfaces.some((i) => i.name === 'cmtrs0'), 20_000);
    await until(
      'the route of the new interface in the details',
      () => s.state.details?.label === c && s.state.details.routes.some((r) => r.dst === '10.77.0.0/24'),
      20_000,
    );
    // the watch follows the name to the new namespace
    const before = s.state.watches[0]!.recent.length;
    await until('the watch to pass again after the restart', () => s.state.watches[0]!.recent.length > before && s.state.watches[0]!.ok === true, 20_000);
  });
});

/** The targets panel row of a target: `▸ name …` when selected, `  name …` otherwise. */
function targetRow(screen: string, name: string): string | undefined {
  return panel(screen, 'targets')?.rows.find((r) => r.slice(2).startsWith(`${name} `));
}

/** The name of the selected row of the targets panel, if any. */
function selectedRow(screen: string): string | undefined {
  return panel(screen, 'targets')
    ?.rows.find((r) => r.startsWith('▸ '))
    ?.slice(2)
    .split(' ')[0];
}

/**
 * Moves ▸ to `name` with ↓/↑, `order` being the rows as listed. Each key waits for ▸ itself to
 * move, not for any change of the screen: other tests redraw the chain panel, and a second key
 * sent before the first one is drawn overshoots.
 */
async function stepTo(t: TmuxTerminal, name: string, order: readonly string[]): Promise<void> {
  for (let i = 0; i < 2 * order.length + 2; i++) {
    const at = selectedRow(t.capture());
    if (at === name) return;
    const from = at === undefined ? -1 : order.indexOf(at);
    t.sendKeys(from > order.indexOf(name) ? 'Up' : 'Down');
    await t.waitFor((s) => selectedRow(s) !== at, 2000).catch(() => undefined);
  }
}

/** Starts the UI filtered to `stem` and waits for `names` in its targets panel. */
async function startUi(stem: string, names: readonly string[]): Promise<TmuxTerminal> {
  const t = TmuxTerminal.start({ width: 120, height: 32, prefix: 'tuif' });
  term = t;
  await t.waitFor(/^ chainmail /, 10_000, 'the UI to start');
  t.sendKeys('/');
  await t.waitFor((s) => panel(s, 'targets /')?.title === 'targets /█', 3000, 'the targets filter to open');
  t.typeText(stem);
  await t.waitFor((s) => panel(s, 'targets /')?.title === `targets /${stem}█`, 3000, 'the filter text');
  t.sendKeys('Enter');
  await t.waitFor(
    (s) => names.every((n) => targetRow(s, n) !== undefined) && !panel(s, 'targets')!.title.includes('█'),
    30_000,
    `the targets panel listing ${names.join(', ')}`,
  );
  return t;
}

/** Runs a line at the prompt and waits for the log to show `done`. */
async function runAtPrompt(t: TmuxTerminal, line: string, done: RegExp, what: string, timeoutMs = 10_000): Promise<string> {
  t.sendKeys(':');
  await t.waitFor((s) => s.includes('Tab completes'), 3000, 'the prompt to take focus');
  t.typeLine(line);
  const screen = await t.waitFor((s) => logRows(s).some((r) => done.test(r)), timeoutMs, what);
  t.sendKeys('Escape');
  await t.waitFor((s) => /^ : command {3}\? help/m.test(s), 3000, 'the prompt to let go');
  return screen;
}

describe.skipIf(!isRoot)('the UI under faults, on the real screen (tmux)', () => {
  it(
    'the selected namespace deleted from outside: the row goes, ▸ moves to the next one the filter shows, its details show, the hop is broken',
    { timeout: 180_000 },
    async () => {
      expect(hasTmux, 'tmux must be installed').toBe(true);
      const stem = uniqueName('sx');
      const [A, B, C] = ['a', 'b', 'c'].map((x) => {
        const n = scratch.adoptNetns(`${stem}${x}`);
        createNetns(n);
        return n;
      }) as [string, string, string];
      ip(A, ['link', 'add', 'name', 'x1', 'type', 'veth', 'peer', 'name', 'x2', 'netns', B]);
      const t = await startUi(stem, [A, B, C]);
      // the filter lists A, B, C in that order; step to ▸ B (the selection may start outside the filter)
      await stepTo(t, B, [A, B, C]);
      // (the chain panel draws every target on the host; on a busy host this hop may be out of its view)
      await t.waitFor(
        (s) => targetRow(s, B)?.startsWith('▸') === true && panel(s, `${B} (netns`)?.rows.some((r) => r.startsWith('x2 ') && r.includes(`↔ ${A}:x1`)) === true,
        10_000,
        `▸ ${B} and its details: x2 ↔ ${A}:x1`,
      );

      ip(undefined, ['netns', 'del', B]);
      const screen = await t.waitFor(
        (s) =>
          targetRow(s, B) === undefined &&
          targetRow(s, C)?.startsWith('▸') === true &&
          panel(s, `${C} (netns`) !== undefined &&
          logRows(s).some((r) => r.includes(`✗ hop ${A} ↔ ${B} broken`)),
        30_000,
        `${B} gone from the list, ▸ ${C} with its details, the hop broken in the log`,
      );
      expect(targetRow(screen, A)).toMatch(/^ {2}/);
      // the keys still work on what is left; A's end went with B
      t.sendKeys('Up');
      await t.waitFor(
        (s) =>
          targetRow(s, A)?.startsWith('▸') === true &&
          panel(s, `${A} (netns`)?.rows.some((r) => r.startsWith('lo ')) === true &&
          !panel(s, `${A} (netns`)!.rows.some((r) => r.startsWith('x1 ')),
        10_000,
        `↑: ▸ ${A}, without x1`,
      );
      // the last one the filter shows deleted: ▸ goes back to one it shows (A), not to the next
      // namespace on the host, which the filter hides
      t.sendKeys('Down');
      await t.waitFor((s) => targetRow(s, C)?.startsWith('▸') === true, 10_000, `↓: ▸ ${C}`);
      ip(undefined, ['netns', 'del', C]);
      await t.waitFor(
        (s) => targetRow(s, C) === undefined && targetRow(s, A)?.startsWith('▸') === true && panel(s, `${A} (netns`) !== undefined,
        30_000,
        `${C} gone, ▸ ${A} and its details`,
      );
      expect(t.paneDead).toBe(false);
    },
  );

  // ---- last in this file: nothing after it may need Docker ------------------------------

  const stateDir = process.env.CHAINMAIL_TEST_STATE_DIR ?? '/tmp/chainmail-test-state';
  const pidFile = `${stateDir}/dockerd.pid`;
  let stoppedEngine = false;

  const engineAnswers = () => spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const startEngine = () => {
    const r = spawnSync(`${REPO}scripts/ensure-docker.sh`, [], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`scripts/ensure-docker.sh failed (${r.status}): ${r.stdout}${r.stderr}`);
  };
  afterAll(() => {
    // whatever happened, the suite's engine runs again
    if (stoppedEngine && !engineAnswers()) startEngine();
  }, 150_000);

  it('the Docker engine stopped while the UI runs: it says so, namespaces keep working, and it recovers when the engine is back', { timeout: 240_000 }, async (ctx) => {
    expect(hasTmux, 'tmux must be installed').toBe(true);
    // only a dockerd that the test scripts started (and recorded) is ours to stop
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
    if (!pid || !alive(pid) || readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'dockerd') {
      ctx.skip(`the Docker engine was not started by the test scripts (no live dockerd in ${pidFile}); not stopping someone else's engine`);
    }
    if (!engineAnswers() || !dockerReady()) ctx.skip('the Docker engine started by the test scripts does not answer, or has no test image');

    const stem = uniqueName('se');
    const A = scratch.adoptNetns(`${stem}a`);
    const B = scratch.adoptNetns(`${stem}b`);
    createNetns(A);
    createNetns(B);
    // named like the namespaces, short enough for the targets panel; a quick stop (the image's sleep ignores SIGTERM as pid 1)
    const c = `${stem}c`;
    containers.push(c);
    const made = docker(['run', '-d', '--name', c, '--net=none', '--cap-add', 'NET_ADMIN', '--stop-timeout', '1', TEST_IMAGE]);
    expect(made.code, made.stderr).toBe(0);
    const t = await startUi(stem, [A, B, c]);
    await t.waitFor(
      (s) => /^ chainmail {2}docker ● \d+ running/.test(s) && / docker +\d+ /.test(targetRow(s, c) ?? ''),
      30_000,
      `the engine connected in the header, ${c} running`,
    );

    // ---- the engine stops -------------------------------------------------------------
    stoppedEngine = true;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 60_000;
    while (alive(pid) && Date.now() < deadline) await sleep(100);
    expect(alive(pid), `dockerd ${pid} stopped within 60 s`).toBe(false);
    // (generous waits: a full read of a host busy with other tests' hundreds of namespaces takes seconds)
    let screen = await t.waitFor(
      (s) => /^ chainmail {2}docker ✗ unreachable/.test(s) && logRows(s).some((r) => /✗ docker engine unreachable/.test(r)),
      20_000,
      'the header and the log to say the engine is unreachable',
    );
    // the container is no longer shown as running; the namespaces are
    screen = await t.waitFor((s) => !/ docker +\d+ /.test(targetRow(s, c) ?? ''), 40_000, `${c} not shown as running`);
    expect(targetRow(screen, A)).toBeDefined();

    // namespace targets work throughout: a link between the two at the prompt
    screen = await runAtPrompt(
      t,
      `koko -n ${A},e1,10.78.0.1/24 -n ${B},e2,10.78.0.2/24`,
      new RegExp(`✓ koko -n ${re(A)},e1`),
      'koko A-B to succeed while the engine is down',
      30_000,
    );
    // shown in A's details (the chain panel draws every target on the host: on a busy one this hop may be out of view)
    for (let i = 0; i < 4 && targetRow(t.capture(), A)?.startsWith('▸') !== true; i++) {
      const before = t.capture();
      t.sendKeys('Up');
      await t.waitFor((s) => s !== before, 1000).catch(() => undefined);
    }
    const linkShown = (s: string) => panel(s, `${A} (netns`)?.rows.some((r) => /^e1 +UP +10\.78\.0\.1\/24 +↔ /.test(r) && r.endsWith(`${B}:e2`)) === true;
    await t.waitFor(linkShown, 30_000, `▸ ${A} with e1 ↔ ${B}:e2 in its details`);
    expect(linkNames(A)).toContain('e1');
    expect(linkNames(B)).toContain('e2');
    expect(t.paneDead).toBe(false);

    // ---- the engine comes back ------------------------------------------------------------
    startEngine();
    stoppedEngine = false;
    screen = await t.waitFor(
      (s) => /^ chainmail {2}docker ● \d+ running/.test(s) && logRows(s).some((r) => /✓ docker engine is back/.test(r)) && targetRow(s, c) !== undefined,
      40_000,
      'the header and the log to say the engine is back, and the container listed again',
    );
    expect(targetRow(screen, c)).toMatch(/ docker /);
    // and the link between the namespaces is still there
    expect(linkShown(screen), screen).toBe(true);
    t.sendKeys('q');
    const exit = await t.waitForExit(5000);
    expect(exit.status).toBe(0);
  });
});

describe.skipIf(!isRoot)('the terminal closed under the demo', () => {
  const DEMO_NAMES = ['client', 'firewall', 'router', 'webserver'];
  const present = () => {
    const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    return DEMO_NAMES.filter((n) => new RegExp(`^${n}( |$)`, 'm').test(listed));
  };

  it('SIGHUP (the window closed) ends the UI as q does: the demo removes its chain', { timeout: 90_000 }, async (ctx) => {
    expect(hasTmux, 'tmux must be installed').toBe(true);
    // the demo's names are fixed: a host that has one of them already is someone else's to clean
    if (present().length) ctx.skip(`namespaces of the demo's names exist already: ${present().join(', ')}`);
    const t = TmuxTerminal.start({ argv: [`${REPO}bin/chainmail.js`, 'demo'], prefix: 'hup', width: 160, height: 50 });
    try {
      await t.waitFor((s) => / links 3 /.test(s.split('\n')[0] ?? ''), 30_000, 'the demo chain drawn');
      expect(present()).toEqual(DEMO_NAMES);
      // tmux's kill-session hangs the terminal up: the program gets SIGHUP and every write then fails
      t.kill();
      await until('the demo to remove its namespaces', () => present().length === 0, 20_000);
    } finally {
      t.kill();
      if (present().length) spawnSync(`${REPO}bin/chainmail.js`, ['chain', 'down', `${REPO}examples/service-chain.yaml`], { stdio: 'ignore' });
    }
  });
});
