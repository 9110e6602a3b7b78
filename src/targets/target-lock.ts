/**
 * One lock per target namespace, so that two chainmail processes changing the
 * same target never interleave: the second waits (up to 10 s, or
 * CHAINMAIL_LOCK_WAIT_MS) and then fails with one line naming the target and
 * the pid holding it.
 *
 * Why flock(2), taken through flock(1): a lock file made with O_EXCL holding
 * a pid goes stale when its holder dies (SIGKILL, a crash, a killed
 * container's exec), and taking a stale file over safely needs an atomic
 * "remove it if it is still that file", which POSIX does not have: two
 * processes that both judge it stale can both take it. A flock belongs to an
 * open file description and the kernel drops it when the last descriptor
 * closes, however the process ends, so there is no stale state at all: a lock
 * file left by a dead pid is just a file whose lock anyone can take. Node
 * cannot call flock(2) itself, so it opens the file and hands the descriptor
 * to `flock -x FD` (util-linux), which locks that shared description and
 * exits; the lock then stays with this process until it closes the file.
 * Descriptors Node opens are close-on-exec, so no other child inherits it.
 * Several locks tried together go to one `xargs` running one flock per
 * descriptor: each process Node starts blocks its one thread for a while,
 * and a flock started by xargs costs xargs far less.
 *
 * A holder removes its file before letting go; whoever then gets the lock of
 * a removed file sees that the path no longer names what it locked, and tries
 * again on the new file. The file holds its holder's pid, for the message.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile, stat, unlink, type FileHandle } from 'node:fs/promises';
import { ChainmailError } from '../errors.js';
import { run } from '../sys/exec.js';
import { forEachLimit } from '../sys/limit.js';
import { namespaceIdentity, type Namespace } from './namespace.js';
import { LOCK_DIR, lockPath } from './lock-files.js';

const DEFAULT_WAIT_MS = 10_000;
/** Locks tried by one process: a chain of 200 nodes starts 13. */
const TRIES_AT_ONCE = 16;
/** Lockers (each an xargs with its flocks) running at once. */
const LOCKERS_AT_ONCE = 4;
/** A locker's timeout beyond the wait it was given (flock -w keeps to that itself). */
const LOCKER_SLACK_MS = 5000;

/** How long to wait for a busy target: CHAINMAIL_LOCK_WAIT_MS (tests), else 10 s. */
export function lockWaitMs(): number {
  const v = process.env.CHAINMAIL_LOCK_WAIT_MS;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : DEFAULT_WAIT_MS;
}

export interface TargetLockOptions {
  /** Longest wait for all the locks together; lockWaitMs() unless given. */
  waitMs?: number;
}

interface Held {
  path: string;
  handle: FileHandle;
}

/** Lock keys held by the current async call chain (so nested calls on them do not wait on themselves). */
const heldHere = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * Runs `fn` while holding the lock of every namespace given, and lets go when
 * it settles (resolves or throws). Use it around read → plan → execute, so
 * that what was read is still true when the steps run.
 *
 * - Namespaces are told apart by identity (device:inode of the namespace
 *   file), so `docker client` and `pid 4121` of the same container share one
 *   lock. Duplicates are fine; a namespace already gone is skipped (there is
 *   nothing to protect, and the command then fails on its own).
 * - Locks are taken in sorted order, so two callers cannot deadlock.
 * - Nested calls in the same async call chain take only the namespaces they
 *   do not hold yet (re-entrant); prefer one call with every namespace, since
 *   a nested call adding new ones takes them out of order.
 * - A busy target is waited for up to `waitMs` in total; then it throws a
 *   ChainmailError (exit 1): `<label> is being changed by another chainmail
 *   (pid N); gave up after 10 s`.
 * - Released on every exit path, and by the kernel when the process dies
 *   (SIGINT, SIGTERM, SIGKILL alike).
 */
export async function withTargetLocks<T>(namespaces: readonly Namespace[], fn: () => Promise<T>, options: TargetLockOptions = {}): Promise<T> {
  const wanted = new Map<string, string>();
  for (const ns of namespaces) {
    const identity = await namespaceIdentity(ns.path);
    if (identity !== undefined && !wanted.has(`netns-${identity}`)) wanted.set(`netns-${identity}`, ns.label);
  }
  return withLocks(wanted, fn, options);
}

/**
 * The lock of one chain: `chain up`, `down` and `heal` of the same chain run
 * one after the other, so its record (what it made) is never written by two
 * at once. Taken before the chain's namespaces' locks.
 */
export async function withChainLock<T>(chain: string, fn: () => Promise<T>, options: TargetLockOptions = {}): Promise<T> {
  return withLocks(new Map([[`chain-${encodeURIComponent(chain)}`, `chain "${chain}"`]]), fn, options);
}

/** Locks by key (a lock file's name) -> what to call it in a message. */
async function withLocks<T>(keys: ReadonlyMap<string, string>, fn: () => Promise<T>, options: TargetLockOptions): Promise<T> {
  const outer = heldHere.getStore() ?? new Set<string>();
  const wanted = new Map([...keys].filter(([key]) => !outer.has(key)));
  if (wanted.size === 0) return fn();
  const order = [...wanted.keys()].sort();
  await ensureLockDir();
  const waitMs = options.waitMs ?? lockWaitMs();
  const deadline = Date.now() + waitMs;
  const held: Held[] = [];
  try {
    // uncontended, the usual case: every lock tried at once (a try never waits, so it cannot deadlock)
    const chunks: string[][] = [];
    for (let i = 0; i < order.length; i += TRIES_AT_ONCE) chunks.push(order.slice(i, i + TRIES_AT_ONCE));
    // a few lockers at a time: a thousand flocks at once swamp a small machine past the lockers' timeout
    const tries: Array<PromiseSettledResult<Held[]>> = [];
    await forEachLimit([...chunks.keys()], LOCKERS_AT_ONCE, async (i) => {
      tries[i] = await tryAcquireAll(chunks[i]!).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
    });
    const got = tries.flatMap((t) => (t.status === 'fulfilled' ? t.value : []));
    const failed = tries.find((t): t is PromiseRejectedResult => t.status === 'rejected');
    if (failed || got.length < order.length) {
      for (const h of got) await release(h);
      if (failed) throw failed.reason;
      // someone holds one: wait for each in sorted order
      for (const identity of order) {
        const h = await acquire(identity, deadline);
        if (!h) {
          const holder = await holderPid(lockPath(identity));
          throw new ChainmailError(
            `${wanted.get(identity)!} is being changed by another chainmail (${holder ? `pid ${holder}` : 'pid unknown'}); gave up after ${formatWait(waitMs)}`,
          );
        }
        held.push(h);
      }
    } else {
      held.push(...got);
    }
    return await heldHere.run(new Set([...outer, ...order]), fn);
  } finally {
    for (const h of held.reverse()) await release(h);
  }
}

/** The lock folder, made root-only; an existing one is never widened, and a symlink there is refused. */
async function ensureLockDir(): Promise<void> {
  try {
    await mkdir(LOCK_DIR, { recursive: true, mode: 0o700 });
  } catch (err) {
    // a user with the network capabilities but not root: the lock folder is root's
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new ChainmailError(`cannot make ${LOCK_DIR} for the per-target locks (${code}): run chainmail as root`, 4);
    }
    throw err;
  }
  const st = await lstat(LOCK_DIR);
  const uid = process.getuid?.() ?? 0;
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) {
    throw new ChainmailError(`refusing to use ${LOCK_DIR}: it must be a directory owned by uid ${uid} that no one else can write to`);
  }
}

/**
 * Every lock of `keys` at once, by one process, never waiting: all of them,
 * or none (one is busy, and those taken are let go, their files removed).
 */
async function tryAcquireAll(keys: readonly string[]): Promise<Held[]> {
  const opened: Held[] = [];
  try {
    for (const key of keys) opened.push({ path: lockPath(key), handle: await openLock(lockPath(key)) });
  } catch (err) {
    for (const h of opened) await h.handle.close();
    throw err;
  }
  const all = await tryFlockAll(opened.map((h) => h.handle.fd)).catch(async (err: unknown) => {
    await letGoOfSome(opened);
    throw err;
  });
  if (!all) {
    await letGoOfSome(opened);
    return [];
  }
  const held: Held[] = [];
  let next = 0;
  try {
    for (; next < opened.length; next++) {
      const h = opened[next]!;
      const claimed = await claim(h).catch(async (err: unknown) => {
        // this one is held and on no list yet: let it go before the others
        await letGo(h).catch(() => h.handle.close().catch(() => undefined));
        throw err;
      });
      if (claimed) {
        held.push(h);
        continue;
      }
      // its file was replaced meanwhile (what it locked is no one's): that one again, on its own
      await h.handle.close();
      const again = await acquire(keys[next]!, 0);
      if (!again) {
        for (const rest of opened.slice(next + 1)) await letGo(rest);
        for (const x of held) await release(x);
        return [];
      }
      held.push(again);
    }
    return held;
  } catch (err) {
    for (const rest of opened.slice(next + 1)) await letGo(rest);
    for (const x of held) await release(x);
    throw err;
  }
}

/**
 * After a try that found one busy: each that this process holds (a second
 * flock on the same open file succeeds at once) is let go with its file
 * removed, as a holder does; the others are only closed.
 */
async function letGoOfSome(opened: readonly Held[]): Promise<void> {
  for (const h of opened) {
    if (await flockFd(h.handle.fd, 0).catch(() => false)) await letGo(h);
    else await h.handle.close();
  }
}

/** A lock held but not claimed: its file is removed if the path still names it, then closed. */
async function letGo(h: Held): Promise<void> {
  if (await pathNamesFile(h)) await unlink(h.path).catch(() => undefined);
  await h.handle.close();
}

/** The lock of one namespace, waiting until `deadline` (0: not at all); undefined when it is still busy then. */
async function acquire(identity: string, deadline: number): Promise<Held | undefined> {
  const path = lockPath(identity);
  for (;;) {
    const handle = await openLock(path);
    try {
      if (!(await flockFd(handle.fd, deadline - Date.now()))) {
        await handle.close();
        return undefined;
      }
      if (await claim({ path, handle })) return { path, handle };
      // the last holder removed this file before letting go: the lock is on a file no one else will use
    } catch (err) {
      await handle.close();
      throw err;
    }
    await handle.close();
  }
}

async function openLock(path: string): Promise<FileHandle> {
  // O_NOFOLLOW: never lock (or write a pid into) what a planted symlink points at
  return open(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EACCES' || err.code === 'EPERM') throw new ChainmailError(`cannot open the lock ${path} (${err.code}): run chainmail as root`, 4);
    throw err;
  });
}

/** A lock just taken: writes this pid into it if its path still names the file locked; false if that file was replaced. */
async function claim(h: Held): Promise<boolean> {
  if (!(await pathNamesFile(h))) return false;
  await h.handle.truncate(0);
  await h.handle.write(`${process.pid}\n`, 0);
  return true;
}

/** Whether the lock's path still names the file this handle has open (a holder's release removes it). */
async function pathNamesFile({ path, handle }: Held): Promise<boolean> {
  const [mine, now] = await Promise.all([handle.stat(), stat(path).catch(() => undefined)]);
  return now !== undefined && now.dev === mine.dev && now.ino === mine.ino;
}

async function release({ path, handle }: Held): Promise<void> {
  // removed while still locked, so that a newcomer makes a new file rather than sharing a dying one
  await unlink(path).catch(() => undefined);
  await handle.close();
}

/** Locks the open file description behind fd; false when msLeft ran out first. */
function flockFd(fd: number, msLeft: number): Promise<boolean> {
  const wait = msLeft > 0 ? ['-w', (msLeft / 1000).toFixed(3)] : ['-n'];
  return runLocker(['flock', '-x', '-E', '75', ...wait, '3'], [fd], undefined, (code) => (code === 0 ? true : code === 75 ? false : undefined), msLeft);
}

/**
 * Tries to lock the open file descriptions behind fds, never waiting: true
 * when all are locked. False when one was busy, or a flock failed (its own
 * try, alone, then says why); those locked stay so until closed. One fd:
 * flock itself. More: xargs runs a flock for each, all at once (descriptor
 * numbers on its stdin, the only thing it reads).
 */
function tryFlockAll(fds: readonly number[]): Promise<boolean> {
  if (fds.length === 1) return flockFd(fds[0]!, 0);
  const childFds = fds.map((_, i) => String(3 + i)).join('\n') + '\n';
  // all at once (-P 0: a try never waits, so the order does not matter); xargs exits 0 when every
  // flock exited 0, 123 when any exited 1 to 125 (75: busy), 126 or 127 when flock cannot run
  return runLocker(
    ['xargs', '-n', '1', '-P', '0', 'flock', '-x', '-E', '75', '-n'],
    fds,
    childFds,
    (code) => {
      if (code === 126 || code === 127) return 'cannot lock the target: flock (util-linux) is needed';
      return code === 0 ? true : code === 123 ? false : undefined;
    },
    0,
  );
}

/**
 * Runs a locker with fds as its descriptors 3, 4, ...; verdict maps its exit
 * code to locked or not, or to a failure (its message, or undefined: the
 * exit code and the locker's own words). msLeft: how long it may wait (0
 * or less: not at all).
 */
async function runLocker(
  argv: readonly string[],
  fds: readonly number[],
  input: string | undefined,
  verdict: (code: number) => boolean | string | undefined,
  msLeft: number,
): Promise<boolean> {
  const r = await run(argv, { descriptors: fds, ...(input !== undefined ? { input } : {}), timeoutMs: Math.max(msLeft, 0) + LOCKER_SLACK_MS });
  if (r.cannotStart) throw new ChainmailError(`cannot lock the target: ${argv[0]} (util-linux flock, findutils xargs) is needed (${r.failure})`);
  // timed out, or stopped by a signal (a quit): not a verdict on the lock
  if (r.failure !== undefined) throw new ChainmailError(`cannot lock the target: ${r.failure}`);
  const locked = verdict(r.exitCode);
  if (typeof locked === 'boolean') return locked;
  throw new ChainmailError(locked ?? `cannot lock the target: ${argv[0]} exited with ${r.exitCode}: ${r.stderr.trim()}`);
}

async function holderPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function formatWait(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
