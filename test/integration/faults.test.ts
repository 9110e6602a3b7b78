/**
 * Faults, on the real kernel: two chainmail processes changing the same
 * target (the per-target lock makes the second wait, or fail clearly; a dead
 * holder's lock is taken over), and a container killed while a link to it is
 * being made (the command fails clearly and nothing half-made is left).
 *
 * Steps are held open with the executor's test hook
 * CHAINMAIL_PAUSE_AT_STEP=N:FILE (the run writes its pid to FILE before step
 * N and goes on once FILE is removed), so every interleaving here is exact,
 * not a matter of timing.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addressesOf, BIN, chainmail, chainmailAsync, isRoot, leftoverTemps, links, linkNames, Scratch, stableSnapshot, type CliRun } from '../support/kernel.js';
import { containerIpJson, containerPid, containerRunning, docker, dockerReady, dockerRequired, removeContainers, runContainer } from '../support/docker.js';
import { withTargetLocks } from '../../src/targets/target-lock.js';
import { LOCK_DIR } from '../../src/targets/lock-files.js';
import { netnsNamespace } from '../../src/targets/resolve.js';

const scratch = new Scratch();
const pauseFiles = new Set<string>();
const running = new Set<ChildProcess>();
afterEach(async () => {
  // a paused run goes on (and ends) once its file is gone; kill what is left
  for (const f of pauseFiles) rmSync(f, { force: true });
  pauseFiles.clear();
  await Promise.all(
    [...running].map(
      (c) =>
        new Promise<void>((r) => {
          if (c.exitCode !== null || c.signalCode !== null) return r();
          c.once('exit', () => r());
          c.kill('SIGKILL');
        }),
    ),
  );
  running.clear();
  await scratch.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A run of the real program that the test can signal; `done` settles when it has exited. */
function start(args: readonly string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr });
    }),
  );
  return { child, done };
}

/** A pause file name for CHAINMAIL_PAUSE_AT_STEP, removed after the test whatever happens. */
function pauseFile(): string {
  const f = join(tmpdir(), `cmt-pause-${randomBytes(4).toString('hex')}`);
  pauseFiles.add(f);
  return f;
}

/** Starts `args` paused before step `step`; resolves once it is there, with the pid it wrote. */
async function startPaused(args: readonly string[], step: number): Promise<{ child: ChildProcess; done: Promise<CliRun>; file: string; pid: number }> {
  const file = pauseFile();
  const run = start(args, { CHAINMAIL_PAUSE_AT_STEP: `${step}:${file}` });
  const deadline = Date.now() + 15_000;
  while (!existsSync(file) || readFileSync(file, 'utf8').trim() === '') {
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not reach step ${step} within 15 s`);
    const early = await Promise.race([run.done, sleep(20).then(() => undefined)]);
    if (early) throw new Error(`${args.join(' ')} ended before step ${step}: ${early.code} ${early.stderr}`);
  }
  return { ...run, file, pid: Number(readFileSync(file, 'utf8').trim()) };
}

/** The interface `ifname` in ns and its veth peer's name and namespace id, from ip -j -d. */
function vethEnd(ns: string, ifname: string): { ifindex: number; peerIndex: number } | undefined {
  const l = links(ns).find((x) => x.ifname === ifname) as (ReturnType<typeof links>[number] & { ifindex: number; link_index?: number }) | undefined;
  return l && l.linkinfo?.info_kind === 'veth' && l.link_index !== undefined ? { ifindex: l.ifindex, peerIndex: l.link_index } : undefined;
}

/** Exactly one complete link a:ifA <-> b:ifB: both names once, peers of each other, the given addresses once. */
function expectOneCompleteLink(a: string, ifA: string, b: string, ifB: string, addrA: string[]): void {
  expect(linkNames(a).filter((n) => n === ifA)).toEqual([ifA]);
  expect(linkNames(b).filter((n) => n === ifB)).toEqual([ifB]);
  const endA = vethEnd(a, ifA);
  const endB = vethEnd(b, ifB);
  expect(endA && endB && endA.peerIndex === endB.ifindex && endB.peerIndex === endA.ifindex, `${a}:${ifA} and ${b}:${ifB} are one veth pair`).toBe(true);
  expect(addressesOf(a, ifA)).toEqual(addrA);
  expect(leftoverTemps([a, b])).toEqual([]);
}

/** A koko run paused before its first step while `meddle` (an argv) changes the kernel under it, then let go. */
async function meddledWith(args: readonly string[], meddle: readonly string[]): Promise<CliRun> {
  const run = await startPaused(args, 0);
  execFileSync(meddle[0]!, meddle.slice(1));
  rmSync(run.file);
  return run.done;
}

/** a holds only the other program's interfaces (and lo), b none; no temporary name anywhere. */
function expectOnlyTheirs(a: string, theirs: string[], b: string): void {
  expect(
    linkNames(a)
      .filter((n) => n !== 'lo')
      .sort(),
  ).toEqual(theirs);
  expect(linkNames(b).filter((n) => n !== 'lo')).toEqual([]);
  expect(leftoverTemps([a, b])).toEqual([]);
}

/** Resolves once another process holds the lock of file (a try without waiting is refused). */
async function untilLockedElsewhere(file: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (spawnSync('flock', ['-x', '-n', '-E', '75', file, 'true']).status !== 75) {
    if (Date.now() > deadline) throw new Error(`no one took the lock ${file} within 10 s`);
    await sleep(10);
  }
}

/** The lock file of a named namespace (see src/targets/target-lock.ts). */
function lockFileOf(netns: string): string {
  const st = statSync(`/var/run/netns/${netns}`);
  return `${LOCK_DIR}/netns-${st.dev}-${st.ino}.lock`;
}

describe.skipIf(!isRoot)('per-target lock: two processes changing the same target', () => {
  it('two koko runs racing for the same names: exactly one makes the link, the other says the name is taken', async () => {
    const a = scratch.netns('lra');
    const b = scratch.netns('lrb');
    for (let round = 0; round < 4; round++) {
      const args = ['koko', '-n', `${a},race${round}a,10.70.${round}.1/24`, '-n', `${b},race${round}b,10.70.${round}.2/24`];
      const results = await Promise.all([chainmailAsync(args), chainmailAsync(args)]);
      const codes = results.map((r) => r.code).sort();
      expect(codes, results.map((r) => r.stderr).join('\n')).toEqual([0, 1]);
      const loser = results.find((r) => r.code === 1)!;
      // the loser waited for the winner, then read the name as taken: refused before any change
      expect(loser.stderr.split('\n')[0]).toBe(`chainmail: interface "race${round}a" already exists in ${a}`);
      expectOneCompleteLink(a, `race${round}a`, b, `race${round}b`, [`10.70.${round}.1/24`]);
      expect(addressesOf(b, `race${round}b`)).toEqual([`10.70.${round}.2/24`]);
    }
  });

  it('the second run waits while the first is half way, then works on what the first made', async () => {
    const a = scratch.netns('lwa');
    const b = scratch.netns('lwb');
    const args = ['koko', '-n', `${a},w1,10.71.0.1/24`, '-n', `${b},w2,10.71.0.2/24`];
    // the first holds both targets with its veth made, its second end not yet named
    const first = await startPaused(args, 1);
    const second = start(args);
    // the second neither finishes nor changes anything while the first is paused
    const early = await Promise.race([second.done, sleep(1000).then(() => undefined)]);
    expect(early, 'the second run waits for the lock').toBeUndefined();
    expect(linkNames(b)).not.toContain('w2');
    rmSync(first.file);
    const [r1, r2] = await Promise.all([first.done, second.done]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code).toBe(1);
    expect(r2.stderr.split('\n')[0]).toBe(`chainmail: interface "w1" already exists in ${a}`);
    expectOneCompleteLink(a, 'w1', b, 'w2', ['10.71.0.1/24']);
  });

  it('a name taken while the run is paused: the batch that made the pair fails at its rename, and the pair is deleted', async () => {
    const a = scratch.netns('lra');
    const b = scratch.netns('lrb');
    // paused before its first step: the batch whose first line makes the pair, whose last names it
    // someone else (not chainmail: no lock) takes the name meanwhile
    // (numbered high: the indexes chainmail chose stay free)
    const r = await meddledWith(
      ['koko', '-n', `${a},r1,10.74.0.1/24`, '-n', `${b},r2,10.74.0.2/24`],
      ['ip', '-n', a, 'link', 'add', 'r1', 'index', '50', 'type', 'veth', 'peer', 'name', 'r1p', 'index', '51'],
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(
      new RegExp(
        `^chainmail: failed to create veth pair r1 in ${a} <-> r2 in ${b} \\(as (cm[0-9a-f]{8})a, \\1b\\), ` +
          `add 10\\.74\\.0\\.1/24 to \\1a, name it r1 and set it up in ${a}: "r1" already exists in ${a} \\(created meanwhile by someone else\\); nothing was changed$`,
      ),
    );
    // the other's pair stays; nothing of chainmail's, no temporary name, in either namespace
    expectOnlyTheirs(a, ['r1', 'r1p'], b);
  });

  it("an interface index taken while the run is paused: the pair's line fails and says so; nothing is left", async () => {
    const a = scratch.netns('lia');
    const b = scratch.netns('lib');
    // someone else's pair takes the first free indexes, which the paused run chose
    const r = await meddledWith(['koko', '-n', `${a},i1`, '-n', `${b},i2`], ['ip', '-n', a, 'link', 'add', 'o1', 'type', 'veth', 'peer', 'name', 'o2']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(
      new RegExp(`: interface index 2 in ${a} or 3 in ${b} was taken meanwhile by another program; run it again; nothing was changed$`),
    );
    expectOnlyTheirs(a, ['o1', 'o2'], b);
  });

  it('a busy target: the waiting run gives up after CHAINMAIL_LOCK_WAIT_MS with one line naming the target and the holder pid', async () => {
    const a = scratch.netns('lta');
    const b = scratch.netns('ltb');
    const first = await startPaused(['koko', '-n', `${a},t1`, '-n', `${b},t2`], 1);
    expect(first.pid).toBe(first.child.pid);
    // the lock files are root-only, in a root-only folder, and name the holder
    expect(statSync(LOCK_DIR).mode & 0o077).toBe(0);
    expect(statSync(lockFileOf(a)).mode & 0o777).toBe(0o600);
    expect(readFileSync(lockFileOf(b), 'utf8')).toBe(`${first.pid}\n`);
    const before = stableSnapshot([b]);

    // another verb, and the namespace spelled as a path: the same namespace, the same lock
    const started = Date.now();
    const r = chainmail(['koro', `/var/run/netns/${b}`, 'address', 'add', '10.72.0.9/32', 'dev', 'lo'], { CHAINMAIL_LOCK_WAIT_MS: '400' });
    const took = Date.now() - started;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`chainmail: /var/run/netns/${b} is being changed by another chainmail (pid ${first.pid}); gave up after 400 ms\n`);
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(5000);
    expect(stableSnapshot([b])).toEqual(before);

    // forward and fw changes wait on it too; reads (fw list, forward without a setting) do not
    const fwd = chainmail(['forward', b, 'on'], { CHAINMAIL_LOCK_WAIT_MS: '200' });
    expect(fwd.stderr.split('\n')[0]).toBe(`chainmail: ${b} is being changed by another chainmail (pid ${first.pid}); gave up after 200 ms`);
    const fw = chainmail(['fw', b, 'add', '-p', 'icmp', '-j', 'DROP'], { CHAINMAIL_LOCK_WAIT_MS: '200' });
    expect(fw.stderr.split('\n')[0]).toBe(`chainmail: ${b} is being changed by another chainmail (pid ${first.pid}); gave up after 200 ms`);
    expect(chainmail(['fw', b, 'list'], { CHAINMAIL_LOCK_WAIT_MS: '200' }).code).toBe(0);
    expect(chainmail(['forward', b], { CHAINMAIL_LOCK_WAIT_MS: '200' }).code).toBe(0);

    rmSync(first.file);
    expect((await first.done).code).toBe(0);
    // let go: the file is removed with the lock, and the next change goes through at once
    expect(existsSync(lockFileOf(b))).toBe(false);
    const again = chainmail(['koro', `/var/run/netns/${b}`, 'address', 'add', '10.72.0.9/32', 'dev', 'lo'], { CHAINMAIL_LOCK_WAIT_MS: '400' });
    expect(again.code, again.stderr).toBe(0);
  });

  it('a holder killed (SIGTERM, SIGKILL) lets go at once, and a lock file left by a dead pid is taken over', async () => {
    const a = scratch.netns('lda');
    const b = scratch.netns('ldb');
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      // paused before its first step: killed, it leaves nothing in the kernel
      const holder = await startPaused(['koko', '-n', `${a},d1`, '-n', `${b},d2`], 0);
      holder.child.kill(signal);
      const killed = await holder.done;
      expect(killed.code, `${signal}: the holder is gone`).toBe(-1);
      // its file is still there, naming a dead pid
      expect(readFileSync(lockFileOf(a), 'utf8')).toBe(`${holder.pid}\n`);
      const started = Date.now();
      const next = chainmail(['koko', '-n', `${a},d1`, '-n', `${b},d2`], { CHAINMAIL_LOCK_WAIT_MS: '20000' });
      expect(next.code, `${signal}: ${next.stderr}`).toBe(0);
      expect(Date.now() - started, `${signal}: taken over without waiting`).toBeLessThan(5000);
      expectOneCompleteLink(a, 'd1', b, 'd2', []);
      expect(chainmail(['koko', '-N', `${a},d1`]).code).toBe(0);
    }

    // lock files from a crash, planted by hand with the pid of a process that has ended,
    // and two runs taking them over at once: one takes them, the other waits for it
    const dead = spawn('true');
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(lockFileOf(a), `${dead.pid}\n`, { mode: 0o600 });
    writeFileSync(lockFileOf(b), `${dead.pid}\n`, { mode: 0o600 });
    const started = Date.now();
    const args = ['koko', '-n', `${a},d3`, '-n', `${b},d4`];
    const both = await Promise.all([chainmailAsync(args, { CHAINMAIL_LOCK_WAIT_MS: '20000' }), chainmailAsync(args, { CHAINMAIL_LOCK_WAIT_MS: '20000' })]);
    expect(both.map((r) => r.code).sort(), both.map((r) => r.stderr).join('\n')).toEqual([0, 1]);
    expect(both.find((r) => r.code === 1)!.stderr.split('\n')[0]).toBe(`chainmail: interface "d3" already exists in ${a}`);
    expect(Date.now() - started).toBeLessThan(5000);
    expectOneCompleteLink(a, 'd3', b, 'd4', []);
  });

  it('the UI takes the same lock: a line at its prompt waits for a CLI run, then fails naming it', async () => {
    const a = scratch.netns('lua');
    const b = scratch.netns('lub');
    const holder = await startPaused(['koko', '-n', `${a},u1`, '-n', `${b},u2`], 1);
    const { Session } = await import('../../src/ui/session/session.js');
    const { createContext } = await import('../../src/host/context.js');
    const session = new Session(createContext());
    const saved = process.env.CHAINMAIL_LOCK_WAIT_MS;
    process.env.CHAINMAIL_LOCK_WAIT_MS = '300';
    try {
      const out = await session.runLine(`koro netns ${a} address add 10.75.0.1/32 dev lo`);
      expect(out.ok).toBe(false);
      expect(out.lines[0]).toBe(`${a} is being changed by another chainmail (pid ${holder.pid}); gave up after 300 ms`);
      expect(session.state.log.some((l) => l.tone === 'bad' && l.text.includes(`(pid ${holder.pid})`))).toBe(true);
      rmSync(holder.file);
      expect((await holder.done).code).toBe(0);
      // the lock is free: the same line goes through, on what the CLI run made
      const again = await session.runLine(`koro netns ${a} address add 10.75.0.1/24 dev u1`);
      expect(again.ok, again.lines.join('\n')).toBe(true);
      expect(addressesOf(a, 'u1')).toEqual(['10.75.0.1/24']);
    } finally {
      if (saved === undefined) delete process.env.CHAINMAIL_LOCK_WAIT_MS;
      else process.env.CHAINMAIL_LOCK_WAIT_MS = saved;
      session.stop();
    }
  });

  it('in one process: nested calls on a held target do not wait on themselves, concurrent ones take turns', async () => {
    const a = netnsNamespace(scratch.netns('lpa'));
    const b = netnsNamespace(scratch.netns('lpb'));
    // re-entrant: the inner call holds a already, and takes b (which the outer did not ask for)
    const nested = await withTargetLocks([a], () => withTargetLocks([a, b], async () => 'inner ran'), { waitMs: 1000 });
    expect(nested).toBe('inner ran');

    const events: string[] = [];
    const job = (name: string, ns: (typeof a)[]) =>
      withTargetLocks(
        ns,
        async () => {
          events.push(`${name} in`);
          await sleep(150);
          events.push(`${name} out`);
        },
        { waitMs: 5000 },
      );
    await Promise.all([job('one', [a, b]), job('two', [b, a]), job('three', [b])]);
    // never two inside at once
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]!.endsWith(' in') && events[i + 1] === events[i]!.replace(' in', ' out'), events.join(', ')).toBe(true);
    }
    expect(events).toHaveLength(6);

    // a throwing body lets go too
    await expect(
      withTargetLocks([a], async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await withTargetLocks([a], async () => 'free again', { waitMs: 200 })).toBe('free again');
  });

  it('a lock whose claim fails (a full disk) is let go with the others: no descriptor, no file, no lock kept', async () => {
    const names = [scratch.netns('lca'), scratch.netns('lcb')];
    const probe = await open('/dev/null');
    const fileHandle = Object.getPrototypeOf(probe) as { truncate: (...args: unknown[]) => Promise<void> };
    await probe.close();
    const realTruncate = fileHandle.truncate;
    let calls = 0;
    // the second lock's claim (writing this pid) fails
    fileHandle.truncate = function (this: unknown, ...args: unknown[]) {
      if (++calls === 2) return Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
      return realTruncate.apply(this, args);
    };
    try {
      await expect(withTargetLocks(names.map(netnsNamespace), async () => 'ran', { waitMs: 0 })).rejects.toThrow('no space left');
    } finally {
      fileHandle.truncate = realTruncate;
    }
    const files = names.map(lockFileOf);
    const openHere = readdirSync('/proc/self/fd').map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    });
    expect(openHere.filter((target) => files.some((f) => target.startsWith(f)))).toEqual([]);
    expect(files.filter((f) => existsSync(f))).toEqual([]);
    expect(await withTargetLocks(names.map(netnsNamespace), async () => 'free', { waitMs: 0 })).toBe('free');
  });

  it('a busy target given up on leaves no lock file of the others behind', async () => {
    const names = [scratch.netns('lfa'), scratch.netns('lfb'), scratch.netns('lfc')];
    const files = names.map(lockFileOf);
    const busy = [...files].sort()[0]!;
    // -o: the sleep does not inherit the lock, so killing flock lets it go
    const holder = spawn('flock', ['-x', '-o', busy, 'sleep', '3'], { stdio: 'ignore' });
    try {
      await untilLockedElsewhere(busy);
      await expect(withTargetLocks(names.map(netnsNamespace), async () => 'ran', { waitMs: 300 })).rejects.toThrow(
        /is being changed by another chainmail .*gave up after 300 ms/,
      );
      // the busy one is its holder's; none of the others stays
      expect(files.filter((f) => f !== busy && existsSync(f))).toEqual([]);
    } finally {
      holder.kill();
      rmSync(busy, { force: true });
    }
  });

  it('many targets at once (tried by more than one process): one held elsewhere is waited for, then all are held, then all let go', async () => {
    const names = Array.from({ length: 18 }, (_, i) => scratch.netns(`lm${i}`));
    const busy = names[17]!;
    // another holder of one lock, for 400 ms once it has it (flock(1) on the same lock file)
    const holder = spawn('flock', ['-x', '-o', lockFileOf(busy), 'sleep', '0.4'], { stdio: 'ignore' });
    try {
      await untilLockedElsewhere(lockFileOf(busy));
      const started = Date.now();
      const inside = await withTargetLocks(
        names.map(netnsNamespace),
        async () => {
          // while held: a try from another process fails for every one of them
          const tries = names.map((n) => spawnSync('flock', ['-x', '-n', '-E', '75', lockFileOf(n), 'true']).status);
          return { waited: Date.now() - started, tries };
        },
        { waitMs: 5000 },
      );
      expect(inside.waited).toBeGreaterThanOrEqual(200);
      expect(inside.tries).toEqual(names.map(() => 75));
      // let go: every lock can be taken again at once
      expect(await withTargetLocks(names.map(netnsNamespace), async () => 'again', { waitMs: 0 })).toBe('again');
    } finally {
      holder.kill();
    }
  });
});

const haveDocker = isRoot && dockerReady();

describe.skipIf(!haveDocker && !dockerRequired())('a container killed while a link to it is made', () => {
  const containers: string[] = [];
  afterEach(() => {
    removeContainers(containers.splice(0));
  });

  /** Interfaces in a running container other than lo. */
  const containerLinks = (name: string) =>
    containerIpJson<Array<{ ifname: string }>>(name, ['link', 'show'])
      .map((l) => l.ifname)
      .filter((n) => n !== 'lo');

  /**
   * Whatever the plan's steps are (their number changes as the planner is
   * tuned), B is killed before each one after the first in turn: the run is
   * paused before step k, B killed, the run let go. The loop ends at the
   * first k the run no longer reaches (it finished: k was past the last step).
   */
  it('killed before any step after the first: the command fails clearly and no half-made link is left anywhere', async () => {
    expect(haveDocker, 'Docker and the test image are needed (scripts/ensure-docker.sh, scripts/build-test-image.sh)').toBe(true);
    const a = runContainer('fka');
    containers.push(a);
    const killedAt: number[] = [];
    for (let step = 1; step <= 12; step++) {
      const b = runContainer('fkb');
      containers.push(b);
      const args = ['koko', '-d', `${a},ka,10.73.0.1/24`, '-d', `${b},kb,10.73.0.2/24`];
      const reached = await startPaused(args, step).catch((err: Error) => err);
      if (reached instanceof Error) {
        // past the last step: the run made the whole link; every earlier step was covered
        expect(reached.message, 'only a finished run ends before its pause').toMatch(/ended before step \d+: 0 /);
        expect(containerLinks(a)).toEqual(['ka']);
        break;
      }
      const bPid = containerPid(b);
      expect(docker(['kill', b]).code).toBe(0);
      const deadline = Date.now() + 10_000;
      while ((containerRunning(b) || existsSync(`/proc/${bPid}/ns/net`)) && Date.now() < deadline) await sleep(50);
      expect(containerRunning(b)).toBe(false);
      rmSync(reached.file);
      const r = await reached.done;
      const where = `killed before step ${step}: ${r.stderr}`;

      expect(r.code, where).toBe(1);
      expect(r.stdout, where).toBe('');
      // one line: that B went away, which step failed, and that the earlier changes were undone
      expect(r.stderr.split('\n')[0], where).toMatch(
        new RegExp(`^chainmail: ${b} went away while the link was being made: failed to .+; the \\d+ changes? before it (was|were) undone$`),
      );
      expect(r.stderr, where).not.toMatch(/incomplete|by hand|internal error/);
      // A as it was (loopback only), B dead, and no temporary in the host
      expect(containerLinks(a), where).toEqual([]);
      expect(leftoverTemps([]), where).toEqual([]);
      expect(
        linkNames(undefined).filter((n) => n === 'ka' || n === 'kb'),
        where,
      ).toEqual([]);
      killedAt.push(step);
      removeContainers([b]);
    }
    expect(killedAt.length, 'the plan has more than one step to kill between').toBeGreaterThanOrEqual(1);
  });

  it('a container and its pid spelling share one lock', async () => {
    expect(haveDocker).toBe(true);
    const a = runContainer('fla');
    const b = runContainer('flb');
    containers.push(a, b);
    const holder = await startPaused(['koko', '-d', `${a},la`, '-d', `${b},lb`], 1);
    const pid = containerPid(b);
    const r = chainmail(['koro', 'pid', String(pid), 'address', 'add', '10.74.0.1/32', 'dev', 'lo'], { CHAINMAIL_LOCK_WAIT_MS: '300' });
    expect(r.stderr).toBe(`chainmail: pid ${pid} is being changed by another chainmail (pid ${holder.pid}); gave up after 300 ms\n`);
    rmSync(holder.file);
    expect((await holder.done).code).toBe(0);
    expect(containerLinks(b)).toEqual(['lb']);
  });
});
