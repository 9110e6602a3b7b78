/**
 * src/sys/exec.ts with real processes (sleep, sh): what a quit stops and
 * what it leaves, and that the two runners report alike.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareLongLived, run, runProbe, startDetached, startLongLived, stopChildren } from '../../src/sys/exec.js';
import { onFirstSignal } from '../../src/sys/interrupt.js';

/** Pids of this process's children whose command line is exactly argv. */
function childrenRunning(argv: readonly string[]): number[] {
  const want = argv.join('\0') + '\0';
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // a zombie has ended: only its parent has not collected it yet
        if (Number(ppid) !== process.pid || state === 'Z') return [];
        return readFileSync(`/proc/${name}/cmdline`, 'utf8') === want ? [Number(name)] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Left running on purpose by a test: ended after it. */
const leftRunning: number[] = [];
afterEach(() => {
  for (const pid of leftRunning.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

describe('stopChildren: what a quit stops', () => {
  it('stops every child still running, SIGKILLs one that ignores SIGTERM, and leaves those in a process group of their own', async () => {
    // each sleep has its own length, so that /proc tells them apart
    const stubborn = ['sh', '-c', 'trap "" TERM; echo ready; exec sleep 61'];
    const lines: string[] = [];
    const ends: boolean[] = [];
    startLongLived(stubborn, { onLine: (l) => lines.push(l), onEnd: (started) => ends.push(started) });
    const pinger = startLongLived(['sleep', '62'], { onLine: () => {}, onEnd: (started) => ends.push(started) });
    const oneShot = run(['sleep', '63']);
    const probe = runProbe(['sleep', '64'], { timeoutMs: 60_000 });
    const batch = run(['sleep', '65'], { ownProcessGroup: true, timeoutMs: 60_000 });
    const server = startDetached(['sleep', '66']);
    expect(server).toBeGreaterThan(0);
    leftRunning.push(server!);
    await until('every child to run', () => lines.includes('ready') && ['62', '63', '64', '65'].every((s) => childrenRunning(['sleep', s]).length === 1));
    const [batchPid] = childrenRunning(['sleep', '65']);
    leftRunning.push(batchPid!);
    expect(childrenRunning(['sleep', '61'])).toHaveLength(1);
    expect(pinger).toBeDefined();

    stopChildren();

    const [oneShotResult, probeResult] = await Promise.all([oneShot, probe]);
    expect(oneShotResult).toMatchObject({ exitCode: 127, failure: 'sleep was killed by SIGTERM' });
    expect(probeResult).toMatchObject({ exitCode: 127, failure: 'sleep was killed by SIGTERM' });
    await until('the pinger to go', () => childrenRunning(['sleep', '62']).length === 0);
    // SIGTERM is ignored: SIGKILL comes after the grace period
    expect(childrenRunning(['sleep', '61'])).toHaveLength(1);
    await until('the stubborn child to be killed', () => childrenRunning(['sleep', '61']).length === 0, 5000);
    // stopped on purpose: not reported as ended
    expect(ends).toEqual([]);
    expect(alive(batchPid!)).toBe(true);
    expect(alive(server!)).toBe(true);
    // the batch goes on to its end, untouched
    process.kill(batchPid!, 'SIGTERM');
    expect((await batch).failure).toBe('sleep was killed by SIGTERM');
  });

  it('stopping a long-lived child before it started starts nothing', async () => {
    const ends: boolean[] = [];
    startLongLived(['sleep', '67'], { onLine: () => {}, onEnd: (s) => ends.push(s) }).stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(childrenRunning(['sleep', '67'])).toEqual([]);
    expect(ends).toEqual([]);
  });
});

describe('startLongLived: output line by line', () => {
  it('hands over each line, the last one without a newline too, then says it ended', async () => {
    const lines: string[] = [];
    const ended = new Promise<boolean>((resolve) => {
      startLongLived(['printf', 'one\\ntwo\\nthree'], { onLine: (l) => lines.push(l), onEnd: resolve });
    });
    expect(await ended).toBe(true);
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('a program that cannot start ends at once, not started', async () => {
    const started = await new Promise<boolean>((resolve) => {
      startLongLived(['chainmail-no-such-program'], { onLine: () => {}, onEnd: resolve });
    });
    expect(started).toBe(false);
  });
});

describe('runProbe on execa (in the UI) reports as run does', () => {
  it('exit code, output and error words alike', async () => {
    await prepareLongLived();
    for (const argv of [
      ['sh', '-c', 'echo out; echo err >&2; exit 3'],
      ['sh', '-c', 'printf "a\\nb\\n"'],
      ['chainmail-no-such-program', 'x'],
    ]) {
      expect(await runProbe(argv, { timeoutMs: 10_000 })).toEqual(await run(argv));
    }
  });

  it('a timeout is a failure, in the same words', async () => {
    await prepareLongLived();
    const r = await runProbe(['sleep', '68'], { timeoutMs: 100 });
    expect(r).toMatchObject({ exitCode: 127, failure: 'timed out after 100 ms: sleep' });
    expect(r.stderr).toBe('timed out after 100 ms: sleep');
  });
});

describe("onFirstSignal beside execa's cleanup", () => {
  it('the first signal reaches the handler and the process lives on, when a child started after it', async () => {
    // execa's cleanup (signal-exit) listens to SIGUSR2 too while a child runs; listening after a
    // process.once listener, it would find itself alone when the signal comes and end the process
    const before = process.listenerCount('SIGUSR2');
    const seen: string[] = [];
    const stopListening = onFirstSignal(['SIGUSR2'], (s) => seen.push(s));
    const lines: string[] = [];
    const child = startLongLived(['sh', '-c', 'echo ready; exec sleep 69'], { onLine: (l) => lines.push(l), onEnd: () => {} });
    try {
      await until('the child to run', () => lines.includes('ready'));
      expect(process.listenerCount('SIGUSR2')).toBe(before + 2);
      process.kill(process.pid, 'SIGUSR2');
      await until('the signal', () => seen.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual(['SIGUSR2']);
      expect(childrenRunning(['sleep', '69'])).toHaveLength(1);
    } finally {
      stopListening();
      child.stop();
    }
  });
});
