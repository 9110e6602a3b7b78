/**
 * The health of every addressed hop of the chain: one long-lived pinger per
 * hop of a short chain, or per hop shown on screen (health/hop-pingers.ts),
 * and the other hops pinged once each in a slow round (health/hop-round.ts)
 * by one long-lived helper (health/round-prober.ts), their last result kept.
 * Only a hop turning good or bad is drawn differently, so only that changes
 * the state, and such changes are gathered into one redraw at most twice a
 * second (every 15 s for the round's hops, off screen).
 */
import { HopPingers, type PingTarget } from '../../health/hop-pingers.js';
import { RoundProber } from '../../health/round-prober.js';
import { nextInRound, sameShown, splitByShown } from '../../health/hop-round.js';
import { pingPlanFor } from '../../health/link-health.js';
import { linkKey, type HopCheck } from '../../render/chain-input.js';
import { onPath } from '../../sys/which.js';
import type { Namespace } from '../../targets/namespace.js';
import type { TopologyLink } from '../../topology/model.js';
import type { SessionStore } from './store.js';

const CHECKS_REDRAW_MS = 500;
/**
 * A change found by the round (a hop off screen: only the header's count shows it) waits this long for
 * others to join it: each such frame draws the whole long chain again, and a round of hundreds takes minutes.
 */
export const ROUND_REDRAW_MS = 15000;
/**
 * One hop of those not shown is pinged this often: a round of 500 takes minutes. Each echo
 * is a process (nsenter, ping) started by the prober; a link or address gone is seen at once
 * from the kernel's events anyway, the round finds what only an echo shows (a rule dropping it).
 */
export const ROUND_EVERY_MS = 2000;
/** A chain of at most this many hops has every hop pinged all the time, and no round. */
export const CONTINUOUS_MAX = 64;
/** Said once when the host has no ping: the hops are then drawn unchecked, not broken. */
export const PING_MISSING = 'ping is not installed: hop health is not checked (apt install iputils-ping)';

type RoundTarget = PingTarget & { ends: readonly string[] };

export class HopHealth {
  private readonly pingers = new HopPingers((key, sample) => this.sample(key, sample));
  private readonly prober = new RoundProber();
  /** Hop results not drawn yet. */
  private pending?: Map<string, HopCheck>;
  private timer?: NodeJS.Timeout;
  /** When the pending results are drawn (performance.now()). */
  private redrawDue = 0;
  private stopped = false;
  /** Every addressed hop; those of the round; the targets shown (undefined: not said, every hop is pinged all the time). */
  private targets: RoundTarget[] = [];
  private round: RoundTarget[] = [];
  private shown?: ReadonlySet<string>;
  /** When each hop was last pinged in turn, or seen pinged all the time. */
  private readonly lastPinged = new Map<string, number>();
  private roundTimer?: NodeJS.Timeout;
  private probing = false;
  /** Whether the host has ping, looked up at the first hop to check. */
  private pingInstalled?: boolean;

  constructor(
    private readonly store: SessionStore,
    private readonly continuousMax = CONTINUOUS_MAX,
    private readonly hasPing: () => boolean = () => onPath('ping') !== undefined,
  ) {}

  /** Pingers for exactly these hops: new ones start, those of hops gone stop, and their results go. */
  sync(chainLinks: readonly TopologyLink[], namespaceOf: (label: string) => Namespace | undefined): void {
    const targets = chainLinks.flatMap((link) => {
      const plan = pingPlanFor(link);
      const ns = plan && namespaceOf(plan.from);
      return plan && ns ? [{ key: linkKey(link), ns, address: plan.address, ends: [link.a.target, link.b!.target] }] : [];
    });
    if (targets.length > 0 && this.pingInstalled === undefined) {
      this.pingInstalled = this.hasPing();
      if (!this.pingInstalled) this.store.log('bad', PING_MISSING);
    }
    // without ping every pinger would end at once and every hop be drawn broken: they stay unchecked
    this.targets = this.pingInstalled === false ? [] : targets;
    this.apply();
    const keys = new Set(targets.map((t) => t.key));
    const kept = (checks: ReadonlyMap<string, HopCheck>) => new Map([...checks].filter(([k]) => keys.has(k)));
    if (this.pending) this.pending = kept(this.pending);
    if ([...this.store.state.checks.keys()].some((k) => !keys.has(k))) this.store.update({ checks: kept(this.store.state.checks) });
  }

  /** The targets the chain panel shows: their hops are pinged all the time, the others in turn (undefined: all the time). */
  setShown(labels: ReadonlySet<string> | undefined): void {
    if (sameShown(labels, this.shown)) return;
    this.shown = labels;
    if (!this.stopped) this.apply();
  }

  /** A pinger inside the namespace at `path`, if one runs (its counters are the namespace's). */
  processIn(path: string): { pid: number; identity: string } | undefined {
    return this.pingers.processIn(path);
  }

  /** One ping of the hop of the round whose turn it is; one at a time. */
  async roundTick(): Promise<void> {
    if (this.probing || this.stopped) return;
    const key = nextInRound(
      this.round.map((t) => t.key),
      this.lastPinged,
    );
    const target = this.round.find((t) => t.key === key);
    if (!target) return;
    this.probing = true;
    this.lastPinged.set(target.key, performance.now());
    try {
      const sample = await this.prober.ping(target);
      // a hop gone meanwhile has no health to show; no answer (the prober restarting) tells nothing
      if (sample && !this.stopped && this.targets.some((t) => t.key === target.key)) this.sample(target.key, sample, ROUND_REDRAW_MS);
    } finally {
      this.probing = false;
    }
  }

  /** Pingers for the hops shown, the round for the rest. */
  private apply(): void {
    const { continuous, round } = splitByShown(this.targets, this.shown, this.continuousMax);
    this.pingers.sync(continuous);
    this.round = round;
    // a hop just pinged all the time comes last in the round; hops gone are forgotten
    const now = performance.now();
    for (const t of continuous) this.lastPinged.set(t.key, now);
    const keys = new Set(this.targets.map((t) => t.key));
    for (const key of this.lastPinged.keys()) if (!keys.has(key)) this.lastPinged.delete(key);
    if (round.length) this.roundTimer ??= setInterval(() => void this.roundTick(), ROUND_EVERY_MS);
    else {
      clearInterval(this.roundTimer);
      this.roundTimer = undefined;
      this.prober.stop();
    }
  }

  /** Stops the pingers whose namespace is gone. */
  prune(): void {
    this.pingers.prune();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.roundTimer);
    this.pingers.stop();
    this.prober.stop();
  }

  /** A reply or a miss of one hop; a reply like the last one changes nothing. Drawn within `redrawMs`, with the others pending. */
  private sample(key: string, sample: { ok: boolean; latencyMs?: number }, redrawMs = CHECKS_REDRAW_MS): void {
    const checks = this.pending ?? this.store.state.checks;
    if (checks.get(key)?.ok === sample.ok) return;
    this.pending = new Map(checks).set(key, { ok: sample.ok, ...(sample.latencyMs !== undefined ? { latencyMs: sample.latencyMs } : {}) });
    const due = performance.now() + redrawMs;
    if (this.timer && this.redrawDue <= due) return;
    clearTimeout(this.timer);
    this.redrawDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const pending = this.pending;
      this.pending = undefined;
      if (pending && !this.stopped) this.store.update({ checks: pending });
    }, redrawMs);
  }
}
