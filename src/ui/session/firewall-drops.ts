/**
 * What each firewall of the chain dropped, live. Reading iptables counters
 * takes a process, so it is done only for targets whose FORWARD chain
 * filters (a rule, or a policy other than ACCEPT), about once a second each.
 * Which targets those are is found out after the UI reads the host: the
 * targets in the middle of the chain (two hops or more: forwarders) not
 * looked at lately, and every target a command just changed (`fw ... add`).
 * Forwarders are looked at a few at a time, each second: every look starts a
 * process, and a chain of hundreds looked at all at once would hold the UI
 * (its keys, a prompt line's result) for seconds.
 */
import { readForwardCounters, readIptablesBackend } from '../../net/firewall-rules.js';
import { hasForwardFilter } from '../../net/forward-counters.js';
import { isChainLink } from '../../render/chain-input.js';
import { forEachLimit } from '../../sys/limit.js';
import type { Namespace } from '../../targets/namespace.js';
import type { Topology } from '../../topology/model.js';
import type { FirewallDropState, SessionStore } from './store.js';

export const DROPS_EVERY_MS = 1000;
/** A forwarder found without rules is looked at again after this long (rules added from another terminal). */
const RECHECK_MS = 30_000;
/** How many forwarders not known to filter are looked at now and then with each tick. */
export const SURVEY_PER_TICK = 16;
/** How many iptables processes run at once. */
const PARALLEL_READS = 8;

interface Known {
  ns: Namespace;
  filters: boolean;
  checkedAt: number;
}

export class FirewallDrops {
  /** What is known of each target's FORWARD chain, by namespace path. */
  private readonly known = new Map<string, Known>();
  private readonly reading = new Set<string>();
  /** Forwarders waiting to be looked at, by namespace path, oldest first. */
  private readonly survey = new Map<string, Namespace>();
  private timer?: NodeJS.Timeout;
  private backend?: string;
  private stopped = false;

  constructor(private readonly store: SessionStore) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), DROPS_EVERY_MS);
    void readIptablesBackend()
      .then((b) => {
        this.backend = b;
      })
      .catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    this.survey.clear();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** After a read of the host: forgets targets gone, and looks at forwarders not looked at lately and at `changed`. */
  afterRead(topology: Topology, changed: readonly Namespace[]): Promise<void> {
    const present = new Map(topology.targets.filter((t) => t.ns.path !== '').map((t) => [t.ns.path, t.ns]));
    for (const path of this.known.keys()) if (!present.has(path)) this.forget(path);
    for (const path of this.survey.keys()) if (!present.has(path)) this.survey.delete(path);
    const hops = new Map<string, number>();
    for (const link of topology.links.filter(isChainLink)) for (const end of [link.a.target, link.b!.target]) hops.set(end, (hops.get(end) ?? 0) + 1);
    const now = Date.now();
    for (const ns of present.values()) {
      const k = this.known.get(ns.path);
      if ((hops.get(ns.label) ?? 0) >= 2 && (!k || (!k.filters && now - k.checkedAt >= RECHECK_MS))) this.survey.set(ns.path, ns);
    }
    const look = new Map<string, Namespace>();
    for (const ns of changed) if (present.has(ns.path)) look.set(ns.path, present.get(ns.path)!);
    for (const ns of this.surveyed()) look.set(ns.path, ns);
    return this.readAll([...look.values()]);
  }

  /** One reading of every target known to filter, and of the next few forwarders waiting to be looked at. */
  tick(): Promise<void> {
    const filtering = [...this.known.values()].filter((k) => k.filters).map((k) => k.ns);
    return this.readAll([...filtering, ...this.surveyed()]);
  }

  /** The next forwarders to look at, taken off the waiting list. */
  private surveyed(): Namespace[] {
    const next = [...this.survey.values()].slice(0, SURVEY_PER_TICK);
    for (const ns of next) this.survey.delete(ns.path);
    return next;
  }

  private async readAll(namespaces: readonly Namespace[]): Promise<void> {
    await forEachLimit(namespaces, PARALLEL_READS, (ns) => this.readOne(ns));
  }

  /** One iptables process for one target, never two at once for the same one. */
  private async readOne(ns: Namespace): Promise<void> {
    if (this.stopped || this.reading.has(ns.path)) return;
    this.reading.add(ns.path);
    try {
      const counters = await readForwardCounters(ns).catch(() => undefined);
      if (this.stopped) return;
      const filters = counters !== undefined && hasForwardFilter(counters);
      this.known.set(ns.path, { ns, filters, checkedAt: Date.now() });
      this.show(ns.label, filters && counters ? { dropped: counters.dropped, ...(this.backend ? { backend: this.backend } : {}) } : undefined);
    } finally {
      this.reading.delete(ns.path);
    }
  }

  private forget(path: string): void {
    const k = this.known.get(path);
    this.known.delete(path);
    if (k) this.show(k.ns.label, undefined);
  }

  private show(label: string, state: FirewallDropState | undefined): void {
    const drops = this.store.state.drops;
    const before = drops.get(label);
    if (before?.dropped === state?.dropped && before?.backend === state?.backend) return;
    const next = new Map(drops);
    if (state) next.set(label, state);
    else next.delete(label);
    this.store.update({ drops: next });
  }
}
