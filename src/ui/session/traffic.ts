/**
 * Packets per second through every hop of the chain, about once a second:
 * the kernel's counters of one end of each hop, read as files through a
 * process already inside its namespace (watch/traffic-counters.ts). No
 * process is started; a hop whose namespaces have no such process shows no
 * rate. Only a changed figure redraws.
 */
import { isChainLink, linkKey } from '../../render/chain-input.js';
import type { InterfaceCounters } from '../../topology/net-dev.js';
import { ratesBetween, sameRates, shownRate, type CounterSample } from '../../watch/counter-rates.js';
import { counterProcess, readCounters, type ProcessInside } from '../../watch/traffic-counters.js';
import type { SessionStore } from './store.js';

export const TRAFFIC_EVERY_MS = 1000;

/** Packets through an interface, both ways. */
export const packetsOf = (c: InterfaceCounters) => c.rxPackets + c.txPackets;

export class TrafficMeter {
  private previous?: CounterSample;
  private timer?: NodeJS.Timeout;
  private reading = false;

  constructor(
    private readonly store: SessionStore,
    /** A long-lived process of the UI's inside the namespace at this path, if any. */
    private readonly processIn: (path: string) => ProcessInside | undefined,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), TRAFFIC_EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One reading of every hop's counters; a reading still under way is not doubled. */
  async tick(): Promise<void> {
    const topology = this.store.state.topology;
    if (this.reading || !topology) return;
    this.reading = true;
    try {
      const pids = new Map<string, number>();
      for (const t of topology.targets) {
        const pid = t.ns.path === '' ? undefined : counterProcess(t.ns, this.processIn(t.ns.path));
        if (pid !== undefined) pids.set(t.ns.label, pid);
      }
      // one end per hop is enough: what leaves one end of a veth pair arrives at the other
      const ends = new Map<string, { target: string; ifname: string }>();
      for (const link of topology.links.filter(isChainLink)) {
        const end = [link.a, link.b!].find((e) => pids.has(e.target));
        if (end) ends.set(linkKey(link), end);
      }
      const targets = [...new Set([...ends.values()].map((e) => e.target))];
      const read = await Promise.all(targets.map(async (label) => [label, await readCounters(pids.get(label)!)] as const));
      const counters = new Map<string, number>();
      for (const [label, byInterface] of read) for (const [ifname, c] of byInterface ?? []) counters.set(`${label}:${ifname}`, packetsOf(c));
      const sample: CounterSample = { atMs: performance.now(), counters };
      const rates = ratesBetween(this.previous, sample);
      this.previous = sample;
      const traffic = new Map<string, number>();
      for (const [key, end] of ends) {
        const rate = rates.get(`${end.target}:${end.ifname}`);
        if (rate !== undefined) traffic.set(key, shownRate(rate));
      }
      if (!sameRates(traffic, this.store.state.traffic)) this.store.update({ traffic });
    } finally {
      this.reading = false;
    }
  }
}
