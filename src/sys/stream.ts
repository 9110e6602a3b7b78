/**
 * A child whose output is wanted as it comes, for as long as it runs (a
 * capture): its standard output line by line, or piped as bytes into a
 * stream (a pcap file); its standard error line by line. Stopped by its
 * caller, or with the other children when the UI quits (sys/exec.ts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import { CHILD_ENV, stopOnQuit, terminate } from './exec.js';

export interface StreamOptions {
  /** Each line of its standard output, as it comes; ignored when stdoutTo is given. */
  onLine?: (line: string) => void;
  /** Where its standard output goes as bytes (a file); ended when the child ends. */
  stdoutTo?: NodeJS.WritableStream;
  /** Each line of its standard error, as it comes. */
  onErrorLine?: (line: string) => void;
}

export interface StreamEnd {
  /** 127 when it could not start, 128 + n when a signal ended it. */
  exitCode: number;
  signal?: NodeJS.Signals;
  /** Why it could not be started (e.g. not installed). */
  cannotStart?: string;
}

export interface StreamingChild {
  /** SIGTERM now, SIGKILL after a grace period; `ended` still resolves. */
  stop(): void;
  /** Once it has ended and its output has all been handed over (or written). */
  ended: Promise<StreamEnd>;
}

export function startStreaming(argv: readonly string[], options: StreamOptions): StreamingChild {
  const [file, ...args] = argv;
  if (!file) throw new Error('startStreaming: empty argv');
  const child = spawn(file, args, { shell: false, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { stop: () => terminate(child) };
  const forget = stopOnQuit(entry);
  let cannotStart: string | undefined;
  child.on('error', (e: NodeJS.ErrnoException) => {
    if (child.pid === undefined) cannotStart ??= e.code === 'ENOENT' ? `cannot run ${file}: not installed` : `cannot run ${file}: ${e.message}`;
  });
  const written = options.stdoutTo ? pipeInto(child.stdout, options.stdoutTo) : Promise.resolve();
  if (!options.stdoutTo) createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (l) => options.onLine?.(l));
  createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (l) => options.onErrorLine?.(l));
  const ended = new Promise<StreamEnd>((resolve) => {
    child.on('close', (code, signal) => {
      forget();
      void written.then(() => {
        if (cannotStart !== undefined) resolve({ exitCode: 127, cannotStart });
        else if (signal) resolve({ exitCode: 128 + signalNumber(signal), signal });
        else resolve({ exitCode: code ?? 1 });
      });
    });
  });
  return { stop: entry.stop, ended };
}

async function pipeInto(from: NodeJS.ReadableStream, to: NodeJS.WritableStream): Promise<void> {
  from.pipe(to);
  // the file is complete once written out, which comes after the child's end
  await once(to, 'finish').catch(() => undefined);
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}
