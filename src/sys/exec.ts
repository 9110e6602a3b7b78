import { spawn } from 'node:child_process';

export interface ExecResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Written to the child's stdin (e.g. an `ip -batch -` script). */
  input?: string;
  timeoutMs?: number;
  /**
   * In a process group of its own, so that Ctrl-C at the terminal (sent to
   * the whole foreground group) does not stop it half way: for batches whose
   * end chainmail must see before it stops.
   */
  ownProcessGroup?: boolean;
  /** The child's whole environment; CHILD_ENV unless given. */
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** How the shell reports a program it could not start; callers treat it like any failure. */
const CANNOT_START = 127;

/** The environment of every program chainmail starts: error texts are matched in English, so iproute2 and friends must not translate them. */
export const CHILD_ENV: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C' };

/**
 * For chainmail's own Node programs, which check no certificate (the web
 * server; the http probe asks whether a site answers, not whom to trust):
 * without NODE_EXTRA_CA_CERTS, which makes Node 20 build its whole
 * certificate store before their first line, 40 to 60 ms here
 * (bin/chainmail.js).
 */
export const NODE_CHILD_ENV: NodeJS.ProcessEnv = (() => {
  const { NODE_EXTRA_CA_CERTS: _unused, ...env } = CHILD_ENV;
  return env;
})();

/**
 * Runs a program with an argument array: never through a shell, so no word a
 * user typed can be read as shell syntax. A non-zero exit is a result, not a
 * throw; callers decide what it means.
 *
 * Plain node:child_process rather than execa: importing execa costs about
 * 100 ms, more than all the kernel work of a typical `chainmail koko`
 * (README, Performance).
 */
export function run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('run: empty argv'));
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      shell: false,
      env: options.env ?? CHILD_ENV,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: options.ownProcessGroup === true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let failure: string | undefined;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      failure = `timed out after ${timeoutMs} ms: ${file}`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      failure ??= e.code === 'ENOENT' ? `cannot run ${file}: not installed (spawn ${file} ENOENT)` : `cannot run ${file}: ${e.message}`;
    });
    if (options.input !== undefined) {
      // a child that exits without reading all of its input is not our failure: its exit code says what happened
      child.stdin!.on('error', () => {});
      child.stdin!.end(options.input);
    }
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === null && signal) failure ??= `${file} was killed by ${signal}`;
      const stderr = withoutFinalNewline(Buffer.concat(err).toString('utf8'));
      resolve({
        argv,
        exitCode: failure !== undefined ? (code !== null && code > 0 ? code : CANNOT_START) : (code ?? CANNOT_START),
        stdout: withoutFinalNewline(Buffer.concat(out).toString('utf8')),
        stderr: failure !== undefined ? `${stderr}${stderr ? '\n' : ''}${failure}` : stderr,
      });
    });
  });
}

function withoutFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text;
}
