/**
 * Packets per second through every hop of the chain, about once a second:
 * the kernel's counters of one end of each hop, read as files through a
 * process already inside its namespace (watch/traffic-counters.ts). No
 * process is started for it where the UI has one inside already (a
 * container's own, a monitor, the hop's pinger); a shown hop with none (an
 * unaddressed hop between named namespaces: no pinger) gets a silent one
 * (`holders`), for as long as it is shown. Only a changed figure redraws. Once the screen has said which
 * targets its chain panel shows, only the hops touching them are read: over
 * a chain of hundreds that is a few dozen files a second, not hundreds (a hop
 * scrolled into view has its rate a reading later).
 */
import { pingPlanFor } from '../../health/link-health.js';
import { isChainLink, linkKey } from '../../render/chain-input.js';
import type { Namespace } from '../../targets/namespace.js';
import type { InterfaceCounters } from '../../topology/net-dev.js';
import { PING_INTERVAL_S } from '../../health/hop-pingers.js';
import { keptForWindow, ratesOverWindow, sameRates, shownRate, steadyRate, type CounterSample } from '../../watch/counter-rates.js';
import { counterProcess, readCounters, type ProcessInside } from '../../watch/traffic-counters.js';
import type { SessionStore } from './store.js';

export const TRAFFIC_EVERY_MS = 1000;
/** Rates are averaged over two of the pingers' intervals: over one second their packets would flip a hop's figure, and redraw the screen, every second. */
export const RATE_WINDOW_MS = 2 * PING_INTERVAL_S * 1000;

/** Silent processes kept inside namespaces, for their counters (watch/namespace-monitor.ts with IDLE_ARGV). */
export interface CounterHolders {
  /** Keeps one inside exactly these namespaces. */
  sync(namespaces: readonly Namespace[]): unknown;
  processIn(path: string): ProcessInside | undefined;
}

/** Packets through an interface, both ways. */
export const packetsOf = (c: InterfaceCounters) => c.rxPackets + c.txPackets;

export class TrafficMeter {
  /** The readings of the last RATE_WINDOW_MS, oldest first. */
  private history: CounterSample[] = [];
  private timer?: NodeJS.Timeout;
  /** The targets whose hops are drawn; undefined: all of them. */
  private shown?: ReadonlySet<string>;
  /** Processes already seen inside their namespace (by pid: the namespace identity), not checked again. */
  private inside = new Map<number, string>();

  constructor(
    private readonly store: SessionStore,
    /** A long-lived process of the UI's inside the namespace at this path, if any. */
    private readonly processIn: (path: string) => ProcessInside | undefined,
    /** Where the hops shown that no pinger covers get a process of their own (none: such hops show no rate). */
    private readonly holders?: CounterHolders,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.tick(), TRAFFIC_EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.holders?.sync([]);
  }

  /** Only the hops with an end on one of these targets are read from now on (undefined: every hop). */
  setShown(labels: ReadonlySet<string> | undefined): void {
    this.shown = labels;
  }

  /** One reading of every hop's counters (files under /proc, read at once: watch/traffic-counters.ts). */
  tick(): void {
    const topology = this.store.state.topology;
    if (!topology) return;
    const shown = this.shown;
    const links = topology.links.filter((l) => isChainLink(l) && (!shown || shown.has(l.a.target) || shown.has(l.b!.target)));
    const wanted = new Set(links.flatMap((l) => [l.a.target, l.b!.target]));
    const pids = new Map<string, number>();
    const inside = new Map<number, string>();
    const nsOf = new Map<string, Namespace>();
    for (const t of topology.targets) {
      if (t.ns.path === '' || !wanted.has(t.ns.label)) continue;
      nsOf.set(t.ns.label, t.ns);
      const pid = this.processFor(t.ns, this.processIn);
      if (pid === undefined) continue;
      pids.set(t.ns.label, pid);
      inside.set(pid, t.ns.path);
    }
    if (this.holders) {
      // a hop with a ping plan has its pinger in end a (once started); one without gets a silent process there
      const held = new Map<string, Namespace>();
      for (const link of links) {
        const ns = nsOf.get(link.a.target);
        if (ns && !pids.has(link.a.target) && !pids.has(link.b!.target) && !pingPlanFor(link)) held.set(ns.path, ns);
      }
      this.holders.sync([...held.values()]);
      for (const ns of held.values()) {
        const pid = this.processFor(ns, (path) => this.holders!.processIn(path));
        if (pid === undefined) continue;
        pids.set(ns.label, pid);
        inside.set(pid, ns.path);
      }
    }
    this.inside = new Map([...this.inside].filter(([pid]) => inside.has(pid)));
    // one end per hop is enough: what leaves one end of a veth pair arrives at the other
    const ends = new Map<string, { target: string; ifname: string }>();
    for (const link of links) {
      const end = [link.a, link.b!].find((e) => pids.has(e.target));
      if (end) ends.set(linkKey(link), end);
    }
    const targets = [...new Set([...ends.values()].map((e) => e.target))];
    const read = targets.map((label) => [label, readCounters(pids.get(label)!)] as const);
    const counters = new Map<string, number>();
    for (const [label, byInterface] of read) for (const [ifname, c] of byInterface ?? []) counters.set(`${label}:${ifname}`, packetsOf(c));
    const sample: CounterSample = { atMs: performance.now(), counters };
    // half a tick more, so that a timer a little late does not shorten the window by a whole reading
    const windowMs = RATE_WINDOW_MS + TRAFFIC_EVERY_MS / 2;
    const rates = ratesOverWindow(this.history, sample, windowMs);
    this.history = keptForWindow(this.history, sample, windowMs);
    const traffic = new Map<string, number>();
    for (const [key, end] of ends) {
      const rate = rates.get(`${end.target}:${end.ifname}`);
      if (rate !== undefined) traffic.set(key, steadyRate(this.store.state.traffic.get(key), shownRate(rate)));
    }
    if (!sameRates(traffic, this.store.state.traffic)) this.store.update({ traffic });
  }

  /** The process whose counters are the namespace's; one already seen inside it is not checked again. */
  private processFor(ns: Namespace, processIn: (path: string) => ProcessInside | undefined): number | undefined {
    const candidate = processIn(ns.path);
    const key = candidate ? `${ns.path} ${candidate.identity}` : undefined;
    if (candidate && this.inside.get(candidate.pid) === key) return candidate.pid;
    const pid = counterProcess(ns, candidate);
    if (candidate && pid === candidate.pid) this.inside.set(pid, key!);
    return pid;
  }
}
