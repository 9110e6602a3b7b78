/**
 * The UI's state and who is told when it changes. Components read it through
 * useSyncExternalStore; the session's parts change it with update().
 */
import type { HopCheck } from '../../render/chain-input.js';
import type { Route } from '../../topology/read.js';
import type { Topology, TopologyLink } from '../../topology/model.js';
import type { EngineStatus } from '../../watch/docker-events.js';

export type LogTone = 'ok' | 'bad' | 'info';

export interface LogEntry {
  at: Date;
  tone: LogTone;
  text: string;
}

export interface Watch {
  id: number;
  kind: 'ping' | 'http';
  target: string;
  destination: string;
  ok?: boolean;
  detail?: string;
  changedAt?: Date;
  /** Results of the last checks, newest last (for the loss figure). */
  recent: boolean[];
}

export interface TargetDetails {
  label: string;
  routes: Route[];
  forwarding?: { ipv4: boolean; ipv6: boolean };
  firewallRules?: number;
  error?: string;
}

/** The capture pane: what is captured, the newest summary lines, and whether tcpdump still runs. */
export interface CaptureView {
  title: string;
  lines: string[];
  state: 'starting' | 'running' | 'ended' | 'failed';
  message?: string;
}

/** What the chain's firewalls dropped, live: by target label (only targets whose FORWARD chain filters). */
export interface FirewallDropState {
  dropped: number;
  /** The host's iptables back end: nf_tables (iptables-nft) or legacy. */
  backend?: string;
}

export interface SessionState {
  topology?: Topology;
  engine: EngineStatus;
  selected?: string;
  details?: TargetDetails;
  checks: Map<string, HopCheck>;
  broken: Map<string, TopologyLink>;
  watches: Watch[];
  log: LogEntry[];
  busy: boolean;
  /** A `chain heal` is running: broken hops are drawn as being repaired. */
  healing: boolean;
  refreshedAt?: Date;
  /** Open while a capture pane shows (until Esc). */
  capture?: CaptureView;
  /** Packets per second through each chain hop, by its link key (ui/session/traffic.ts). */
  traffic: Map<string, number>;
  /** Packets dropped by each firewalled target's FORWARD chain, by label (ui/session/firewall-drops.ts). */
  drops: Map<string, FirewallDropState>;
}

const LOG_LIMIT = 500;

export class SessionStore {
  state: SessionState = {
    engine: { state: 'connecting' },
    checks: new Map(),
    broken: new Map(),
    watches: [],
    log: [],
    busy: false,
    healing: false,
    traffic: new Map(),
    drops: new Map(),
  };
  private readonly listeners = new Set<() => void>();
  private holds = 0;
  private changedWhileHeld = false;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(patch: Partial<SessionState>): void {
    this.state = { ...this.state, ...patch };
    if (this.holds > 0) {
      this.changedWhileHeld = true;
      return;
    }
    this.notify();
  }

  /** Until the matching release(), changes are kept and drawn once (a command's result with the change it made). */
  hold(): void {
    this.holds++;
  }

  release(): void {
    this.holds--;
    if (this.holds === 0 && this.changedWhileHeld) {
      this.changedWhileHeld = false;
      this.notify();
    }
  }

  log(tone: LogTone, text: string): void {
    this.update({ log: [...this.state.log, { at: new Date(), tone, text }].slice(-LOG_LIMIT) });
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}
