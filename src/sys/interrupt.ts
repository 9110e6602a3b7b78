import { ChainmailError } from '../errors.js';

/** 128 + SIGINT, as shells report a program stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

let interrupted: NodeJS.Signals | undefined;
let endsWithCommand = false;
let heldToExit = false;

/**
 * The entry says this process ends when its one command does (a CLI verb,
 * not the UI or a batch, which go on to the next command). Then a signal
 * after the last step still finds a listener, up to the process's exit:
 * removing it would hand the signal back to the kernel's default action,
 * which kills the process mid-output, before its exit code is set.
 */
export function processEndsWithCommand(): void {
  endsWithCommand = true;
}

/**
 * Whether a signal listener is held to the process's exit: the process must
 * then end by process.exit, since an exit by the event loop draining closes
 * the listener's handle first (and with it the protection) while it tears down.
 */
export function signalsHeldToExit(): boolean {
  return heldToExit;
}

/**
 * Runs `fn` so that Ctrl-C (or SIGTERM) stops it between two steps rather
 * than in the middle of one: the step running finishes, what it made is
 * written down, and `throwIfInterrupted` at the next step boundary ends the
 * command with exit 130. A second Ctrl-C ends the process at once. A signal
 * during the last step, or after it in a process that ends with this
 * command, has nothing left to stop: it is said on stderr, and the command
 * reports and exits with its own code.
 */
export async function interruptibleBetweenSteps<T>(fn: () => Promise<T>): Promise<T> {
  let finished = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = signal;
    if (finished) process.stderr.write(`chainmail: ${signal} after the last step: finishing\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (endsWithCommand) heldToExit = true;
  try {
    const result = await fn();
    if (interrupted) process.stderr.write(`chainmail: ${interrupted} during the last step: it completed\n`);
    return result;
  } finally {
    finished = true;
    if (!endsWithCommand) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      interrupted = undefined;
    }
  }
}

/** At a step boundary: ends the command if a signal asked to stop. */
export function throwIfInterrupted(whatRemains: string): void {
  if (interrupted === undefined) return;
  throw new ChainmailError(`interrupted (${interrupted}): ${whatRemains}`, EXIT_INTERRUPTED);
}

/**
 * Calls onSignal on the first of these signals; a second one ends the
 * process as if nobody listened. Returns what removes the listeners. Not
 * process.once: execa's cleanup (signal-exit, once a long-lived child or a
 * probe ran) ends the process on a signal when it finds no listener but its
 * own, and a once listener has removed itself by the time it looks.
 */
export function onFirstSignal(signals: readonly NodeJS.Signals[], onSignal: (signal: NodeJS.Signals) => void): () => void {
  let seen = false;
  const remove = () => {
    for (const s of signals) process.off(s, listener);
  };
  const listener = (signal: NodeJS.Signals) => {
    if (!seen) {
      seen = true;
      onSignal(signal);
      return;
    }
    remove();
    process.kill(process.pid, signal);
  };
  for (const s of signals) process.on(s, listener);
  return remove;
}
