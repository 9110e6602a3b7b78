import { startLongLived, type LongLivedChild } from '../sys/exec.js';
import { commandIn, namespaceIdentitySync, type Namespace } from '../targets/namespace.js';

/** What a monitor runs in its namespace: netlink's changes as lines. */
export const MONITOR_ARGV: readonly string[] = ['ip', 'monitor', 'link', 'address', 'route', 'netconf'];
/** A process that only stays inside its namespace (its /proc entry shows the namespace's counters) and says nothing. */
export const IDLE_ARGV: readonly string[] = ['sleep', 'infinity'];

/**
 * One long-lived `ip monitor link address route` per namespace: the kernel
 * tells us about changes as they happen. iproute2 6.1 prints text even with
 * -j, so its output is only a trigger; the state is then read as JSON. The UI
 * keeps these only for namespaces that have no name (containers, a path):
 * named ones are watched together (watch/nsid-monitor.ts). With IDLE_ARGV
 * the same bookkeeping keeps a silent process inside each namespace instead.
 */
export class NamespaceMonitors {
  private readonly running = new Map<string, { ns: Namespace; child: LongLivedChild; identity: string }>();

  constructor(
    private readonly onChange: (ns: Namespace) => void,
    private readonly argv: readonly string[] = MONITOR_ARGV,
  ) {}

  /** Starts monitors for namespaces not yet watched, stops those no longer listed; returns those started. */
  sync(namespaces: readonly Namespace[]): Namespace[] {
    this.prune();
    const started: Namespace[] = [];
    const wanted = new Map(namespaces.filter((n) => n.path !== '').map((n) => [n.path, n]));
    for (const [path, { child }] of this.running) {
      if (!wanted.has(path)) {
        child.stop();
        this.running.delete(path);
      }
    }
    for (const [path, ns] of wanted) {
      if (!this.running.has(path) && this.start(path, ns)) started.push(ns);
    }
    return started;
  }

  /**
   * Stops, at once, every monitor whose namespace is no longer at its path
   * (`ip netns del`, a container's process gone, a new namespace under the
   * same name). A monitor's netlink socket holds its namespace: left running
   * until the next full read, it keeps a deleted namespace, and the veth
   * peers of its links elsewhere, alive. Returns whether any was stopped.
   */
  prune(): boolean {
    let stopped = false;
    for (const [path, { child, identity }] of this.running) {
      if (namespaceIdentitySync(path) === identity) continue;
      this.running.delete(path);
      child.stop();
      stopped = true;
    }
    return stopped;
  }

  /** The namespace files watched now. */
  get paths(): string[] {
    return [...this.running.keys()];
  }

  /**
   * A process inside the namespace at `path`: its monitor, with the
   * namespace's identity to check it against (nsenter enters the namespace
   * and then becomes `ip`, so until then the process is still outside it).
   */
  processIn(path: string): { pid: number; identity: string } | undefined {
    const entry = this.running.get(path);
    const pid = entry?.child.pid();
    return entry && pid !== undefined ? { pid, identity: entry.identity } : undefined;
  }

  get count(): number {
    return this.running.size;
  }

  stop(): void {
    for (const { child } of this.running.values()) child.stop();
    this.running.clear();
  }

  /** Whether a monitor runs now. */
  private start(path: string, ns: Namespace): boolean {
    const identity = namespaceIdentitySync(path);
    // gone already: nothing to watch (the next read will not list it)
    if (identity === undefined) return false;
    // nsenter, never `ip -n`: that gives ip a private copy of the host's mounts, and a long-lived
    // copy holds every container namespace mounted under /run/docker/netns alive after its
    // container is killed, and with it the veth peers that should have gone with it
    const child = startLongLived(commandIn(ns, this.argv), {
      onLine: () => this.onChange(ns),
      onEnd: (started) => {
        this.running.delete(path);
        // a monitor ends when its namespace goes away; that is a change too
        if (started) this.onChange(ns);
      },
    });
    this.running.set(path, { ns, child, identity });
    return true;
  }
}
