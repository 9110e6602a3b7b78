/**
 * What each firewall of the chain dropped, live. Reading iptables counters
 * takes a process in the namespace, so it is done only for targets whose
 * FORWARD chain filters (a rule, or a policy other than ACCEPT), about once a
 * second, and only for those the screen shows (the chain panel's boxes and
 * the selected target's details). Which targets filter is found out by
 * looking at the forwarders shown (targets with two hops or more), a few each
 * second, again now and then for rules added from another terminal, and at
 * once at every target a command just changed (`fw ... add`), or another
 * chainmail is changing (its lock appears in the lock folder). A forwarder
 * off screen is looked at when it comes on: over a chain of hundreds,
 * looking at every one over and over would cost a core's worth of processes;
 * and each look is an iptables process, so rules added by hand from another
 * terminal show within RECHECK_MS, not at once.
 */
import { readForwardCountersOfEach, readIptablesBackend } from '../../net/firewall-rules.js';
import { hasForwardFilter } from '../../net/forward-counters.js';
import { isChainLink } from '../../render/chain-input.js';
import { namespaceIdentitySync, type Namespace } from '../../targets/namespace.js';
import type { Topology } from '../../topology/model.js';
import type { FirewallDropState, SessionStore } from './store.js';

export const DROPS_EVERY_MS = 1000;
/** A forwarder found without rules is looked at again after this long (rules added by hand from another terminal). */
const RECHECK_MS = 120_000;
/** How many forwarders due a look are looked at with each tick, at most. */
export const SURVEY_PER_TICK = 16;

interface Known {
  ns: Namespace;
  /** namespaceIdentity's `dev:ino` when it was looked at, as a lock file names it. */
  identity?: string;
  filters: boolean;
  checkedAt: number;
}

export class FirewallDrops {
  /** What is known of each target's FORWARD chain, by namespace path. */
  private readonly known = new Map<string, Known>();
  private readonly reading = new Set<string>();
  /** Paths told to be looked at again while a look at them was under way. */
  private readonly lookAfterRead = new Set<string>();
  /** The targets with two hops or more at the last read of the host, by namespace path, in the chain's order. */
  private forwarders = new Map<string, Namespace>();
  /** The labels of the targets the chain panel shows (undefined: not said, every target counts as shown). */
  private shown?: ReadonlySet<string>;
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
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Another chainmail took or let go of the lock of the namespace of this identity (namespaceIdentity's; undefined:
   * of any, the lock folder just appeared): if it is known without rules, it is due a look.
   */
  lookAgain(identity: string | undefined): void {
    for (const [path, k] of this.known) {
      if (k.filters || (identity !== undefined && k.identity !== identity)) continue;
      k.checkedAt = 0;
      // a look under way may have started before the change: the next one is still due
      if (this.reading.has(path)) this.lookAfterRead.add(path);
    }
  }

  /** The targets the chain panel shows: only they (and the selected one) are read; a forwarder coming on screen is looked at with the next tick. */
  setShown(labels: ReadonlySet<string> | undefined): void {
    this.shown = labels;
  }

  /** After a read of the host: forgets targets gone, and looks at forwarders due a look and at `changed`. */
  afterRead(topology: Topology, changed: readonly Namespace[]): Promise<void> {
    const present = new Map(topology.targets.filter((t) => t.ns.path !== '').map((t) => [t.ns.path, t.ns]));
    for (const path of this.known.keys()) if (!present.has(path)) this.forget(path);
    const hops = new Map<string, number>();
    for (const link of topology.links.filter(isChainLink)) for (const end of [link.a.target, link.b!.target]) hops.set(end, (hops.get(end) ?? 0) + 1);
    this.forwarders = new Map([...present].filter(([, ns]) => (hops.get(ns.label) ?? 0) >= 2));
    const look = new Map<string, Namespace>();
    for (const ns of changed) if (present.has(ns.path)) look.set(ns.path, present.get(ns.path)!);
    for (const ns of this.due()) look.set(ns.path, ns);
    return this.readAll([...look.values()]);
  }

  /** One reading of every target shown known to filter, and of the next few forwarders shown due a look. */
  tick(): Promise<void> {
    const filtering = [...this.known.values()].filter((k) => k.filters && this.isShown(k.ns)).map((k) => k.ns);
    return this.readAll([...filtering, ...this.due()]);
  }

  private isShown(ns: Namespace): boolean {
    return !this.shown || this.shown.has(ns.label) || this.store.state.selected === ns.label;
  }

  /** Forwarders shown never looked at, or found without rules a while ago: a few, in the chain's order. */
  private due(): Namespace[] {
    const now = Date.now();
    const due: Namespace[] = [];
    for (const ns of this.forwarders.values()) {
      if (due.length >= SURVEY_PER_TICK) break;
      if (!this.isShown(ns) || this.reading.has(ns.path)) continue;
      const k = this.known.get(ns.path);
      if (!k || (!k.filters && now - k.checkedAt >= RECHECK_MS)) due.push(ns);
    }
    return due;
  }

  /** One iptables in each namespace, from a few processes (sys/fan-out.ts); never two at once for the same one. */
  private async readAll(namespaces: readonly Namespace[]): Promise<void> {
    const todo = [...new Map(namespaces.filter((ns) => !this.reading.has(ns.path)).map((ns) => [ns.path, ns])).values()];
    if (this.stopped || todo.length === 0) return;
    for (const ns of todo) this.reading.add(ns.path);
    try {
      const results = await readForwardCountersOfEach(todo);
      if (this.stopped) return;
      for (const [i, ns] of todo.entries()) {
        const r = results[i];
        const counters = r instanceof Error ? undefined : r;
        const filters = counters !== undefined && hasForwardFilter(counters);
        const again = this.lookAfterRead.delete(ns.path);
        this.known.set(ns.path, { ns, identity: namespaceIdentitySync(ns.path), filters, checkedAt: again ? 0 : Date.now() });
        this.show(ns.label, filters && counters ? { dropped: counters.dropped, ...(this.backend ? { backend: this.backend } : {}) } : undefined);
      }
    } finally {
      for (const ns of todo) this.reading.delete(ns.path);
    }
  }

  private forget(path: string): void {
    const k = this.known.get(path);
    this.known.delete(path);
    this.lookAfterRead.delete(path);
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
