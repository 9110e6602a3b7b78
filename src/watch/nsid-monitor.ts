/**
 * Every named namespace's netlink changes through ONE `ip monitor all-nsid`
 * in the host namespace, instead of one monitor process per namespace. The
 * kernel reports to such a listener the changes of every namespace that has
 * an id (an nsid) in the host, each line prefixed `[nsid N]` (`[nsid
 * current]` for the host's own); so each named namespace watched is given an
 * id first (`ip netns set NAME auto`, all of them in one `ip -batch`). An id
 * holds nothing alive: a deleted namespace's id goes with it, so this
 * monitor needs no pruning.
 */
import { run, startLongLived, type LongLivedChild } from '../sys/exec.js';
import { namespaceIdentitySync, type Namespace } from '../targets/namespace.js';

/** Whose change a monitor line reports: the host's (`current`), another namespace's by its id, or none (a continuation line). */
export type MonitorSource = 'current' | number | undefined;

/**
 * Pure: the namespace a line of `ip monitor all-nsid` is about. A message's
 * first line carries the prefix; its continuation lines (indented
 * attributes) carry none, and say nothing new.
 */
export function monitorLineSource(line: string): MonitorSource {
  const m = /^\[nsid (current|\d+)\]/.exec(line);
  if (!m) return undefined;
  return m[1] === 'current' ? 'current' : Number(m[1]);
}

/** One entry of `ip -j netns list-id`: an id in this namespace and, if iproute2 found it, the named namespace behind it. */
export interface NsidEntry {
  nsid: number;
  name?: string;
}

/** Pure: `ip -j netns list-id` output -> its entries (empty output: none). */
export function parseNsidList(text: string): NsidEntry[] {
  const raw = text.trim() ? (JSON.parse(text) as Array<{ nsid?: unknown; name?: unknown }>) : [];
  return raw.flatMap((e) => (typeof e.nsid === 'number' ? [{ nsid: e.nsid, ...(typeof e.name === 'string' ? { name: e.name } : {}) }] : []));
}

/** Pure: the named namespaces that still need an id in the host, given its list of ids. */
export function namesWithoutNsid(names: readonly string[], listed: readonly NsidEntry[]): string[] {
  const have = new Set(listed.flatMap((e) => (e.name !== undefined ? [e.name] : [])));
  return names.filter((n) => !have.has(n));
}

/** The `ip -batch` script giving each of these named namespaces an id (a name ip -batch would split or read as a comment is left out). */
export function nsidBatch(names: readonly string[]): string {
  return names
    .filter((n) => /^[^\s"'\\#]+$/.test(n))
    .map((n) => `netns set ${n} auto\n`)
    .join('');
}

/** Between two re-reads of the id list asked for by ids not in it. */
const RELIST_GAP_MS = 1000;

export class NsidMonitor {
  private child?: LongLivedChild;
  /** The named namespaces watched, by name, with their identity when last given an id. */
  private watched = new Map<string, { ns: Namespace; identity: string | undefined }>();
  /** Id -> watched namespace; ids listed without a watched name (a container's, say) map to undefined. */
  private byNsid = new Map<number, Namespace | undefined>();
  private host?: Namespace;
  private relistTimer?: NodeJS.Timeout;
  private lastRelist = -Infinity;
  private syncing: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly onChange: (ns: Namespace) => void) {}

  /**
   * Watches the host (when given) and exactly these named namespaces: the
   * monitor starts on first use, and the namespaces new here (by name or
   * identity) are given an id. Resolves with those newly watched, once the
   * ids are known. Calls are run one after the other.
   */
  sync(host: Namespace | undefined, named: readonly Namespace[]): Promise<Namespace[]> {
    const next = this.syncing.then(() => this.syncNow(host, named));
    this.syncing = next.catch(() => undefined);
    return next;
  }

  /** Whether the monitor runs (or is starting). */
  get running(): boolean {
    return this.child !== undefined;
  }

  /** Named namespaces watched now. */
  get count(): number {
    return this.watched.size;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.relistTimer);
    this.child?.stop();
    this.child = undefined;
  }

  private async syncNow(host: Namespace | undefined, named: readonly Namespace[]): Promise<Namespace[]> {
    if (this.stopped) return [];
    this.host = host;
    const wanted = new Map(named.flatMap((ns) => (ns.netnsName !== undefined ? [[ns.netnsName, { ns, identity: namespaceIdentitySync(ns.path) }] as const] : [])));
    const fresh = [...wanted].filter(([name, w]) => {
      const before = this.watched.get(name);
      return !before || before.identity !== w.identity;
    });
    this.watched = wanted;
    if (wanted.size === 0 && !host) {
      this.child?.stop();
      this.child = undefined;
      return [];
    }
    this.startMonitor();
    if (fresh.length === 0) {
      // a namespace gone since: its id maps to nothing now
      for (const [id, ns] of this.byNsid) if (ns && !wanted.has(ns.netnsName!)) this.byNsid.set(id, undefined);
      return [];
    }
    let listed = await this.listIds();
    const missing = namesWithoutNsid(
      fresh.map(([name]) => name),
      listed,
    );
    const script = nsidBatch(missing);
    if (script) {
      // -force: one namespace gone meanwhile (or given an id by someone else) does not stop the rest
      await run(['ip', '-force', '-batch', '-'], { input: script, timeoutMs: 30_000 });
      listed = await this.listIds();
    }
    this.mapIds(listed);
    const mapped = new Set([...this.byNsid.values()].flatMap((ns) => (ns ? [ns.netnsName] : [])));
    return fresh.filter(([name]) => mapped.has(name)).map(([, w]) => w.ns);
  }

  private async listIds(): Promise<NsidEntry[]> {
    const r = await run(['ip', '-j', 'netns', 'list-id'], { timeoutMs: 15_000 });
    if (r.exitCode !== 0) return [];
    try {
      return parseNsidList(r.stdout);
    } catch {
      return [];
    }
  }

  private mapIds(listed: readonly NsidEntry[]): void {
    this.byNsid = new Map(listed.map((e) => [e.nsid, e.name !== undefined ? this.watched.get(e.name)?.ns : undefined]));
  }

  private startMonitor(): void {
    if (this.child || this.stopped) return;
    // in the host namespace, as plain ip: no nsenter, and no namespace held by its socket
    this.child = startLongLived(['ip', 'monitor', 'all-nsid', 'link', 'address', 'route', 'netconf'], {
      onLine: (line) => this.line(line),
      onEnd: () => {
        // it should not end: say so as a change of everything, and start again at the next sync
        this.child = undefined;
        if (this.host) this.onChange(this.host);
        for (const { ns } of this.watched.values()) this.onChange(ns);
      },
    });
  }

  private line(line: string): void {
    const source = monitorLineSource(line);
    if (source === undefined) return;
    if (source === 'current') {
      if (this.host) this.onChange(this.host);
      return;
    }
    if (!this.byNsid.has(source)) return this.relistSoon();
    const ns = this.byNsid.get(source);
    if (ns) this.onChange(ns);
  }

  /** An id not in the last list (given by the kernel or someone else since): the list is read again, at most once a gap. */
  private relistSoon(): void {
    if (this.relistTimer || this.stopped) return;
    const wait = Math.max(0, this.lastRelist + RELIST_GAP_MS - performance.now());
    this.relistTimer = setTimeout(() => {
      this.lastRelist = performance.now();
      const relist = this.syncing.then(async () => {
        this.relistTimer = undefined;
        if (this.stopped) return;
        const before = new Set([...this.byNsid.values()].flatMap((ns) => (ns ? [ns] : [])));
        this.mapIds(await this.listIds());
        // a watched namespace seen under its id only now: what it said meanwhile is read again
        for (const ns of this.byNsid.values()) if (ns && !before.has(ns)) this.onChange(ns);
      });
      this.syncing = relist.catch(() => undefined);
    }, wait);
  }
}
