/**
 * The UI's slow round over the hops off screen (ui/session/hop-health.ts)
 * asks one long-lived helper (round-prober.sh) for each echo instead of
 * starting a ping of its own: starting a process holds the UI's thread for
 * the fork of a large program, once a second for as long as the UI is open.
 */
import { fileURLToPath } from 'node:url';
import { startLongLived, type LongLivedChild } from '../sys/exec.js';
import { parsePingLine, type PingSample, type PingTarget } from './hop-pingers.js';

/** Beside this module in the sources, in dist/ and in the bundle (scripts/bundle.mjs copies it). */
const HELPER = fileURLToPath(new URL('./round-prober.sh', import.meta.url));
/** The namespace field of a request for the host's own network namespace: ping runs as it is. */
const HOST = '-';
/** An echo waits at most a second (ping -W 1); a request not answered in this long is given up and the helper started again. */
const ANSWER_WITHIN_MS = 5000;

/** Pure: a request line for the helper; undefined when a field could not be passed on as one word of a line. */
export function requestLine(id: number, nsPath: string, address: string): string | undefined {
  if ([nsPath, address].some((f) => f === '' || /[\t\n\r]/.test(f))) return undefined;
  return `${id}\t${nsPath}\t${address}\n`;
}

/** Pure: the helper's answer line -> the request's id and its sample (no echo line: a miss). */
export function parseAnswer(line: string): { id: number; sample: PingSample } | undefined {
  const tab = line.indexOf('\t');
  if (tab < 1 || !/^\d+$/.test(line.slice(0, tab))) return undefined;
  return { id: Number(line.slice(0, tab)), sample: parsePingLine(line.slice(tab + 1)) ?? { ok: false } };
}

export class RoundProber {
  private child?: LongLivedChild;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (s: PingSample | undefined) => void; timer: NodeJS.Timeout }>();

  /** One echo of the hop: its sample, or undefined when there was no answer to judge by (the helper ended or hung). */
  ping(target: PingTarget): Promise<PingSample | undefined> {
    const id = this.nextId++;
    // the host's own hops need no nsenter (nor the capability to enter a namespace)
    const line = requestLine(id, target.ns.kind === 'host' ? HOST : target.ns.path, target.address);
    if (line === undefined) return Promise.resolve({ ok: false });
    return new Promise((resolve) => {
      // a helper that does not answer is stopped (every request on it given up) and started afresh for the next
      const timer = setTimeout(() => this.stop(), ANSWER_WITHIN_MS);
      this.waiting.set(id, { resolve, timer });
      // a helper that ended is started again; one still starting keeps the line for when it has
      this.child ??= this.start();
      if (!this.child.write(line)) this.answer(id, undefined);
    });
  }

  stop(): void {
    this.child?.stop();
    this.child = undefined;
    for (const id of [...this.waiting.keys()]) this.answer(id, undefined);
  }

  private start(): LongLivedChild {
    // /bin/sh by its path, so a `sh` earlier on PATH cannot stand in for it
    const child = startLongLived(['/bin/sh', HELPER], {
      input: true,
      onLine: (line) => {
        const a = parseAnswer(line);
        if (a) this.answer(a.id, a.sample);
      },
      onEnd: () => {
        if (this.child === child) this.child = undefined;
        for (const id of [...this.waiting.keys()]) this.answer(id, undefined);
      },
    });
    return child;
  }

  private answer(id: number, sample: PingSample | undefined): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    w.resolve(sample);
  }
}
