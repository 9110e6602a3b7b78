import type { Namespace } from '../targets/namespace.js';
import { NamespaceMonitors } from './namespace-monitor.js';
import { NsidMonitor } from './nsid-monitor.js';

/**
 * The kernel's changes in every namespace the UI shows: the host and every
 * named namespace through one `ip monitor all-nsid` (watch/nsid-monitor.ts),
 * the rest (containers, pid and path targets, which cannot be given an id by
 * name and are few) through a monitor of their own each.
 */
export class NetlinkWatch {
  private readonly shared: NsidMonitor;
  private readonly own: NamespaceMonitors;
  private synced = false;

  constructor(onChange: (ns: Namespace) => void) {
    this.shared = new NsidMonitor(onChange);
    this.own = new NamespaceMonitors(onChange);
  }

  /** Watches exactly these namespaces; resolves with those newly watched. */
  async sync(namespaces: readonly Namespace[]): Promise<Namespace[]> {
    this.synced = true;
    const host = namespaces.find((n) => n.kind === 'host');
    const named = namespaces.filter((n) => n.kind !== 'host' && n.netnsName !== undefined && n.path !== '');
    const rest = namespaces.filter((n) => n.kind !== 'host' && n.netnsName === undefined);
    const started = this.own.sync(rest);
    return [...started, ...(await this.shared.sync(host, named))];
  }

  /** Stops the monitors of their own whose namespace has gone (see NamespaceMonitors.prune); the shared one holds none. */
  prune(): boolean {
    return this.own.prune();
  }

  /** A monitor of its own inside the namespace at `path` (named namespaces have none). */
  processIn(path: string): { pid: number; identity: string } | undefined {
    return this.own.processIn(path);
  }

  /** Whether anything has been watched yet. */
  get started(): boolean {
    return this.synced;
  }

  stop(): void {
    this.shared.stop();
    this.own.stop();
  }
}
