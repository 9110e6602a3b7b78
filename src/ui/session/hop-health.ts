/**
 * The health of every addressed hop of the chain: one long-lived pinger per
 * hop (health/hop-pingers.ts). Only a hop turning good or bad is drawn
 * differently, so only that changes the state, and such changes are gathered
 * into one redraw at most twice a second.
 */
import { HopPingers } from '../../health/hop-pingers.js';
import { pingPlanFor } from '../../health/link-health.js';
import { linkKey, type HopCheck } from '../../render/chain-input.js';
import type { Namespace } from '../../targets/namespace.js';
import type { TopologyLink } from '../../topology/model.js';
import type { SessionStore } from './store.js';

const CHECKS_REDRAW_MS = 500;

export class HopHealth {
  private readonly pingers = new HopPingers((key, sample) => this.sample(key, sample));
  /** Hop results not drawn yet. */
  private pending?: Map<string, HopCheck>;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly store: SessionStore) {}

  /** Pingers for exactly these hops: new ones start, those of hops gone stop, and their results go. */
  sync(chainLinks: readonly TopologyLink[], namespaceOf: (label: string) => Namespace | undefined): void {
    const targets = chainLinks.flatMap((link) => {
      const plan = pingPlanFor(link);
      const ns = plan && namespaceOf(plan.from);
      return plan && ns ? [{ key: linkKey(link), ns, address: plan.address }] : [];
    });
    this.pingers.sync(targets);
    const keys = new Set(targets.map((t) => t.key));
    const kept = (checks: ReadonlyMap<string, HopCheck>) => new Map([...checks].filter(([k]) => keys.has(k)));
    if (this.pending) this.pending = kept(this.pending);
    if ([...this.store.state.checks.keys()].some((k) => !keys.has(k))) this.store.update({ checks: kept(this.store.state.checks) });
  }

  /** Stops the pingers whose namespace is gone. */
  prune(): void {
    this.pingers.prune();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.pingers.stop();
  }

  /** A reply or a miss of one hop; a reply like the last one changes nothing. */
  private sample(key: string, sample: { ok: boolean; latencyMs?: number }): void {
    const checks = this.pending ?? this.store.state.checks;
    if (checks.get(key)?.ok === sample.ok) return;
    this.pending = new Map(checks).set(key, { ok: sample.ok, ...(sample.latencyMs !== undefined ? { latencyMs: sample.latencyMs } : {}) });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const pending = this.pending;
      this.pending = undefined;
      if (pending && !this.stopped) this.store.update({ checks: pending });
    }, CHECKS_REDRAW_MS);
  }
}
