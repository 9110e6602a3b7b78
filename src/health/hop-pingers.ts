import { startLongLived, type LongLivedChild } from '../sys/exec.js';
import { commandIn, namespaceIdentitySync, type Namespace } from '../targets/namespace.js';

/** A hop to keep pinging: from a namespace to an address on the other end. */
export interface PingTarget {
  key: string;
  ns: Namespace;
  address: string;
}

export interface PingSample {
  ok: boolean;
  latencyMs?: number;
}

/** Seconds between two echoes of one hop. */
export const PING_INTERVAL_S = 2;
/** A pinger that ended is not started again for this long (a namespace on its way out). */
const RESTART_AFTER_MS = 5000;

/**
 * Pure: one line of `ping -n -O` -> a sample, or nothing for lines that are
 * not about an echo (the header, a blank line).
 */
export function parsePingLine(line: string): PingSample | undefined {
  const reply = /icmp_seq=\d+ .*time[=<]([\d.]+) ms/.exec(line);
  if (reply) return { ok: true, latencyMs: Number(reply[1]) };
  if (/^no answer yet for icmp_seq=/.test(line)) return { ok: false };
  if (/^From \S+.* icmp_seq=\d+ /.test(line)) return { ok: false };
  return undefined;
}

/**
 * One long-lived `ping -O -i 2` per hop instead of a new process per hop per
 * round: an idle UI over fifty hops then starts no processes at all, and
 * each reply (or "no answer yet") arrives as a line.
 */
export class HopPingers {
  private readonly running = new Map<string, { target: PingTarget; child: LongLivedChild; identity: string }>();
  private readonly ended = new Map<string, number>();

  constructor(private readonly onSample: (key: string, sample: PingSample) => void) {}

  /** Starts pingers for new hops, stops those of hops gone or changed. */
  sync(targets: readonly PingTarget[]): void {
    const wanted = new Map(targets.map((t) => [t.key, t]));
    // a hop's last end matters only while it may not restart yet: the map does not grow with hops come and gone
    for (const [key, at] of this.ended) if (!wanted.has(key) || Date.now() - at >= RESTART_AFTER_MS) this.ended.delete(key);
    for (const [key, { target, child }] of this.running) {
      const now = wanted.get(key);
      if (!now || now.address !== target.address || now.ns.path !== target.ns.path) this.stopOne(key, child);
    }
    for (const [key, target] of wanted) {
      if (this.running.has(key)) continue;
      if (Date.now() - (this.ended.get(key) ?? 0) < RESTART_AFTER_MS) continue;
      this.start(target);
    }
  }

  /** Stops pingers whose namespace is no longer at its path: a pinger must not keep a deleted namespace alive. */
  prune(): void {
    for (const [key, { target, child, identity }] of this.running) {
      if (namespaceIdentitySync(target.ns.path) !== identity) this.stopOne(key, child);
    }
  }

  stop(): void {
    for (const { child } of this.running.values()) child.stop();
    this.running.clear();
  }

  /** A pinger running inside the namespace at `path`, with the namespace's identity (its counters are the namespace's). */
  processIn(path: string): { pid: number; identity: string } | undefined {
    for (const { target, child, identity } of this.running.values()) {
      const pid = target.ns.path === path ? child.pid() : undefined;
      if (pid !== undefined) return { pid, identity };
    }
    return undefined;
  }

  private stopOne(key: string, child: LongLivedChild): void {
    child.stop();
    this.running.delete(key);
  }

  private start(target: PingTarget): void {
    const identity = namespaceIdentitySync(target.ns.path);
    if (identity === undefined) return;
    // stop() reports nothing after it: what arrives is about this pinger, still the hop's
    const child = startLongLived(commandIn(target.ns, ['ping', '-n', '-O', '-i', String(PING_INTERVAL_S), '-W', '1', target.address]), {
      onLine: (line) => {
        const sample = parsePingLine(line);
        if (sample) this.onSample(target.key, sample);
      },
      onEnd: () => {
        this.running.delete(target.key);
        this.ended.set(target.key, Date.now());
        this.onSample(target.key, { ok: false });
      },
    });
    this.running.set(target.key, { target, child, identity });
  }
}
