/**
 * Every child process chainmail starts is started here, so that this module
 * knows which of them still run and can stop them when the UI quits.
 *
 * Three kinds:
 * - one-shot programs (`ip -batch`, queries, flock, a probe run by a
 *   one-shot verb): `run`, on plain node:child_process, so that the
 *   one-shot verbs (`chainmail koko ...`) never pay for loading execa;
 * - children that run until stopped, and those the UI keeps starting (the
 *   netlink monitors, the hop pingers, the UI's probes): `startLongLived`
 *   and `runProbe`, on execa, imported on first use. Its cleanup when this
 *   process exits, its SIGKILL after a grace period (forceKillAfterDelay),
 *   its timeout and its line-by-line output do what would otherwise be
 *   written by hand;
 * - programs given this terminal (`chainmail exec`, a shell): `runAttached`,
 *   which waits for them with the event loop stopped;
 * - children meant to outlive chainmail (a chain's web servers):
 *   `startDetached`, in a process group of their own and never stopped here.
 *
 * It is longer than most modules on purpose: splitting the kinds apart would
 * split the one list of running children they all keep.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { ChainmailError } from '../errors.js';
import type { Result, ResultPromise } from 'execa';

export interface ExecResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Why it did not exit by itself: it could not start, timed out, or was killed by a signal (the words end stderr too). */
  failure?: string;
  /** It could not be started at all (its exit code is then 127). */
  cannotStart?: true;
}

export interface ExecOptions {
  /** Written to the child's stdin (e.g. an `ip -batch -` script). */
  input?: string;
  timeoutMs?: number;
  /**
   * In a process group of its own, so that Ctrl-C at the terminal (sent to
   * the whole foreground group) does not stop it half way: for batches whose
   * end chainmail must see before it stops. stopChildren leaves it alone.
   */
  ownProcessGroup?: boolean;
  /** The child's whole environment; CHILD_ENV unless given. */
  env?: NodeJS.ProcessEnv;
  /** Open descriptors handed to the child as its descriptors 3, 4, ... (the flock lockers). */
  descriptors?: readonly number[];
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** How the shell reports a program it could not start; callers treat it like any failure. */
const CANNOT_START = 127;
/** Between SIGTERM and SIGKILL, for a child asked to stop that does not. */
const STOP_GRACE_MS = 1000;

/** The environment of every program chainmail starts: error texts are matched in English, so iproute2 and friends must not translate them. */
export const CHILD_ENV: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C' };

/**
 * For chainmail's own Node programs, which check no certificate (the web
 * server; the http probe asks whether a site answers, not whom to trust):
 * without NODE_EXTRA_CA_CERTS, which makes Node 20 build its whole
 * certificate store before their first line (bin/chainmail.js).
 */
export const NODE_CHILD_ENV: NodeJS.ProcessEnv = (() => {
  const { NODE_EXTRA_CA_CERTS: _unused, ...env } = CHILD_ENV;
  return env;
})();

/** The children started here that still run and that a quit stops: none in a process group of its own. */
const stoppable = new Set<{ stop(): void }>();

/**
 * Stops every child this process started that still runs, but for those in
 * a process group of their own (a chain's web servers, batches that must
 * not stop half way): SIGTERM now, SIGKILL a second later to any still
 * there. The UI calls it on quit, so that a prompt command still running
 * (ping -c 50) does not keep the process alive on a screen given back.
 */
export function stopChildren(): void {
  for (const child of [...stoppable]) child.stop();
}

/**
 * Adds a child started in another module of sys/ (sys/stream.ts) to those
 * that stopChildren stops; returns what takes it off again.
 */
export function stopOnQuit(entry: { stop(): void }): () => void {
  stoppable.add(entry);
  return () => stoppable.delete(entry);
}

let execaModule: Promise<typeof import('execa')> | undefined;
/** execa, loaded on first use: one-shot verbs never load it. */
const loadExeca = () => (execaModule ??= import('execa'));

/**
 * Loads execa now, for a caller that will soon start long-lived children
 * (the UI, before its first read): loading it takes the one thread a
 * moment, better spent while that read waits on the kernel than once keys
 * are being pressed.
 */
export function prepareLongLived(): Promise<void> {
  return loadExeca().then(
    () => undefined,
    () => undefined,
  );
}

/**
 * Runs a program with an argument array: never through a shell, so no word a
 * user typed can be read as shell syntax. A non-zero exit is a result, not a
 * throw; callers decide what it means.
 */
export function run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('run: empty argv'));
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      shell: false,
      env: options.env ?? CHILD_ENV,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', ...(options.descriptors ?? [])],
      detached: options.ownProcessGroup === true,
    });
    const entry = { stop: () => terminate(child) };
    if (options.ownProcessGroup !== true) stoppable.add(entry);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let failure: string | undefined;
    let cannotStart: string | undefined;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      failure = `timed out after ${timeoutMs} ms: ${file}`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid === undefined) cannotStart ??= startFailure(file, e);
      failure ??= cannotStart ?? `cannot run ${file}: ${e.message}`;
    });
    if (options.input !== undefined) {
      // a child that exits without reading all of its input is not our failure: its exit code says what happened
      child.stdin!.on('error', () => {});
      child.stdin!.end(options.input);
    }
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      stoppable.delete(entry);
      if (code === null && signal) failure ??= `${file} was killed by ${signal}`;
      resolve(result(argv, code, Buffer.concat(out).toString('utf8'), Buffer.concat(err).toString('utf8'), failure, cannotStart));
    });
  });
}

/** SIGTERM, and SIGKILL after the grace period if it has not ended by then. */
export function terminate(child: ChildProcess): void {
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  if (ended()) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!ended()) child.kill('SIGKILL');
  }, STOP_GRACE_MS);
  child.once('exit', () => clearTimeout(timer));
}

/** A child that runs until stopped. */
export interface LongLivedChild {
  /** SIGTERM now, SIGKILL after a grace period if it is still there; nothing is reported after it. */
  stop(): void;
  /** Its process id once started (the UI reads a namespace's counters through a process inside it). */
  pid(): number | undefined;
  /** Writes to its standard input (with `input: true`; kept until it has started); false once stopped or ended, or when it takes none. */
  write(text: string): boolean;
}

export interface LongLivedOptions {
  /** CHILD_ENV unless given. */
  env?: NodeJS.ProcessEnv;
  /** Each line of its standard output, as it comes. */
  onLine: (line: string) => void;
  /** Once, when it ended by itself or could not start (started: false), unless stop() came first. */
  onEnd: (started: boolean) => void;
  /** Its standard input is a pipe that write() feeds (a helper that takes requests); else it reads nothing. */
  input?: boolean;
}

/** Long-lived children started in one turn of the event loop; the rest wait for the next turns. */
const STARTS_PER_TURN = 2;
const startWaiting: Array<() => void> = [];

/**
 * Resolves when this child may start. Starting a process holds this one for
 * a moment (the fork); hundreds started together (a UI's monitors and
 * pingers over a chain of hundreds) would hold its keys and frames for
 * seconds, so they start a few a turn, with the terminal's input read between.
 */
function startSlot(): Promise<void> {
  return new Promise((resolve) => {
    startWaiting.push(resolve);
    if (startWaiting.length === 1) setImmediate(startSome);
  });
}

function startSome(): void {
  for (const resolve of startWaiting.splice(0, STARTS_PER_TURN)) resolve();
  if (startWaiting.length) setImmediate(startSome);
}

/**
 * Starts a program that runs until stopped (`ip monitor`, `ping -O`) and
 * hands over its output line by line; its standard error is dropped. Its
 * output is not kept: it may run for hours. The handle is returned at once;
 * the child starts once execa has loaded (only the first time takes a
 * moment), unless stopped before.
 */
export function startLongLived(argv: readonly string[], options: LongLivedOptions): LongLivedChild {
  const [file, ...args] = argv;
  if (!file) throw new Error('startLongLived: empty argv');
  let stopped = false;
  let subprocess: ResultPromise | undefined;
  const beforeStart: string[] = [];
  const entry: LongLivedChild = {
    stop: () => {
      stopped = true;
      stoppable.delete(entry);
      subprocess?.kill();
    },
    pid: () => (stopped ? undefined : subprocess?.pid),
    write: (text) => {
      if (stopped || !options.input) return false;
      // not started yet (execa loading, waiting for a start slot): kept for it
      if (!subprocess) return beforeStart.push(text) > 0;
      const stdin = subprocess.stdin;
      if (!stdin || stdin.destroyed || !stdin.writable) return false;
      stdin.write(text);
      return true;
    },
  };
  stoppable.add(entry);
  let reported = false;
  const ended = (started: boolean) => {
    stoppable.delete(entry);
    if (stopped || reported) return;
    reported = true;
    options.onEnd(started);
  };
  loadExeca()
    .then(async ({ execa }) => {
      await startSlot();
      if (stopped) return;
      const child = execa(file, args, {
        env: options.env ?? CHILD_ENV,
        extendEnv: false,
        stdin: options.input ? 'pipe' : 'ignore',
        stderr: 'ignore',
        buffer: false,
        reject: false,
        forceKillAfterDelay: STOP_GRACE_MS,
      });
      subprocess = child;
      // a helper that ended while a request was on its way: its end is reported by onEnd, not by a throw here
      child.stdin?.on('error', () => undefined);
      for (const text of beforeStart.splice(0)) child.stdin?.write(text);
      const started = child.pid !== undefined;
      for await (const line of child) if (!stopped) options.onLine(line);
      await child;
      ended(started);
    })
    .catch(() => ended(false));
  return entry;
}

/**
 * Runs a health probe (a ping, an HTTP GET from a namespace). Where execa is
 * loaded already (the UI, which starts one per watch every few seconds) it
 * runs on execa: on timeout SIGTERM, then SIGKILL after a grace period, and
 * killed with this process however it ends. Elsewhere (`chainmail ping`,
 * `chain status`, one probe or a few) on `run`, so that a one-shot verb
 * does not load execa for it. The result reads the same either way.
 */
export async function runProbe(argv: readonly string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error('runProbe: empty argv');
  if (!execaModule) return run(argv, options);
  const { execa } = await execaModule;
  const subprocess = execa(file, args, {
    env: options.env ?? CHILD_ENV,
    extendEnv: false,
    stdin: 'ignore',
    timeout: options.timeoutMs,
    forceKillAfterDelay: STOP_GRACE_MS,
    reject: false,
    stripFinalNewline: false,
  });
  const entry = { stop: () => subprocess.kill() };
  stoppable.add(entry);
  let r: Result;
  try {
    r = await subprocess;
  } finally {
    stoppable.delete(entry);
  }
  const cannotStart = subprocess.pid === undefined ? startFailure(file, r.cause) : undefined;
  const failure =
    cannotStart ?? (r.timedOut ? `timed out after ${options.timeoutMs} ms: ${file}` : undefined) ?? (r.signal ? `${file} was killed by ${r.signal}` : undefined);
  return result(argv, r.exitCode ?? null, text(r.stdout), text(r.stderr), failure, cannotStart);
}

/**
 * Starts a program meant to outlive chainmail (a chain's web server): in a
 * process group of its own, so Ctrl-C at the terminal does not reach it,
 * with no pipe to this process, and never stopped by stopChildren. Returns
 * its pid, or undefined when it could not be started.
 */
export function startDetached(argv: readonly string[], env: NodeJS.ProcessEnv = CHILD_ENV): number | undefined {
  const [file, ...args] = argv;
  if (!file) throw new Error('startDetached: empty argv');
  const child = spawn(file, args, { detached: true, stdio: 'ignore', env });
  // nothing to report: a failure to start shows as no pid
  child.on('error', () => {});
  child.unref();
  return child.pid;
}

/**
 * Runs a program on this process's terminal: its standard input, output and
 * error are ours. It is waited for synchronously, so that nothing of this
 * process (the UI's reads of the keyboard, its timers) touches the terminal
 * while the program has it. Ctrl-C and Ctrl-\ at the terminal are the
 * program's to act on: this process waits on. Returns its exit code, or
 * 128 + N when signal N ended it, as shells report it.
 */
export function runAttached(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const [file, ...args] = argv;
  if (!file) throw new Error('runAttached: empty argv');
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  try {
    const r = spawnSync(file, args, { stdio: 'inherit', env, shell: false });
    if (r.error && r.pid === 0) throw new ChainmailError(startFailure(file, r.error), CANNOT_START);
    if (r.status !== null) return r.status;
    return 128 + (r.signal ? (constants.signals[r.signal] ?? 0) : 0);
  } finally {
    // a signal the terminal sent meanwhile is delivered on the next turn of the loop: it must still find a listener
    setImmediate(() => {
      process.off('SIGINT', ignore);
      process.off('SIGQUIT', ignore);
    });
  }
}

function startFailure(file: string, cause: unknown): string {
  const e = cause as NodeJS.ErrnoException | undefined;
  return e?.code === 'ENOENT' ? `cannot run ${file}: not installed (spawn ${file} ENOENT)` : `cannot run ${file}: ${e?.message ?? 'could not start'}`;
}

function text(output: unknown): string {
  return typeof output === 'string' ? output : '';
}

/** One result for both runners: a failure (timeout, signal, no start) is added to stderr and gives a non-zero exit code. */
function result(
  argv: readonly string[],
  code: number | null,
  stdout: string,
  rawStderr: string,
  failure: string | undefined,
  cannotStart: string | undefined,
): ExecResult {
  const stderr = withoutFinalNewline(rawStderr);
  return {
    argv,
    exitCode: failure !== undefined ? (code !== null && code > 0 ? code : CANNOT_START) : (code ?? CANNOT_START),
    stdout: withoutFinalNewline(stdout),
    stderr: failure !== undefined ? `${stderr}${stderr ? '\n' : ''}${failure}` : stderr,
    ...(failure !== undefined ? { failure } : {}),
    ...(cannotStart !== undefined ? { cannotStart: true as const } : {}),
  };
}

function withoutFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text;
}
