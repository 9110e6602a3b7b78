/**
 * When the UI reads the host again. Many events arrive together (a veth pair
 * is several netlink messages): one read serves them all. A change inside a
 * namespace reads only that namespace; anything else (or nothing said) reads
 * the whole host. One read runs at a time, with at most one queued behind it.
 */
import type { Namespace } from '../../targets/namespace.js';

const REFRESH_DEBOUNCE_MS = 60;
/**
 * Netlink events check the watchers' namespaces at most this often (a burst
 * of events is checked once, the rest when the gap is over). Every read
 * checks again before it starts.
 */
const PRUNE_GAP_MS = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One read of the host: all of it, or only the namespaces that changed. */
export interface ReadRequest {
  full: boolean;
  changed: Namespace[];
  /** Called by the read as soon as its topology is in the state. */
  applied: () => void;
}

export interface RefreshHooks {
  read: (request: ReadRequest) => Promise<void>;
  /** Lets go of watchers whose namespace is gone: they must not keep it alive for the read. */
  prune: () => void;
}

export class RefreshScheduler {
  /** Namespaces whose monitor spoke since the last read: only they are read again. */
  private readonly dirty = new Map<string, Namespace>();
  /** Something only a full read sees (a namespace or container came or went, or nothing read yet). */
  private fullReadWanted = true;
  private timer?: NodeJS.Timeout;
  private lastPrune = -Infinity;
  private pruneTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** The one read queued behind the read under way: every caller meanwhile waits for it. */
  private queued?: Promise<void>;
  /** Reads begun so far, numbered; and who waits for a read's topology (a command's result). */
  private readsBegun = 0;
  private readApplied?: (read: number) => void;
  /** A prompt command's first moments: reads the kernel's events ask for wait, so as not to slow it down. */
  private quiet = false;
  private stopped = false;

  constructor(private readonly hooks: RefreshHooks) {}

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.pruneTimer);
  }

  /** A read soon; of `changedIn` only, when given and nothing else is pending. */
  request(changedIn?: Namespace): void {
    if (this.stopped) return;
    // before the (debounced, possibly slow) read: a watcher must not keep a deleted namespace alive
    const sincePrune = performance.now() - this.lastPrune;
    if (!changedIn || sincePrune >= PRUNE_GAP_MS) this.prune();
    // skipped: checked once the gap is over, not only when a read starts (one may be under way)
    else this.pruneTimer ??= setTimeout(() => this.prune(), PRUNE_GAP_MS - sincePrune);
    this.mark(changedIn);
    if (this.quiet) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.now(), REFRESH_DEBOUNCE_MS);
  }

  /** Notes what the next read must cover, without asking for one. */
  mark(changedIn?: Namespace): void {
    if (changedIn) this.dirty.set(changedIn.path, changedIn);
    else this.fullReadWanted = true;
  }

  /** Reads now; resolves once a read that began after this call is in the state. */
  now(): Promise<void> {
    if (this.running) {
      // the read under way may have begun before what the caller wants seen: one more after it
      this.queued ??= this.running
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          return this.now();
        });
      return this.queued;
    }
    this.running = this.readOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** While quiet, requested reads wait; leaving it reads what was asked for meanwhile. */
  setQuiet(quiet: boolean): void {
    this.quiet = quiet;
    if (!quiet) this.requestPending();
  }

  /** Asks for the read that requests made while nothing could run, if any. */
  requestPending(): void {
    if (this.dirty.size || this.fullReadWanted) this.request();
  }

  /**
   * After a change made here: waits until a read begun from now on has
   * applied its topology, or any read finished, or `maxMs` passed (a slow
   * read of the whole host does not hold a command's result back for long).
   */
  async readAfterChange(maxMs: number): Promise<void> {
    this.quiet = false;
    const after = this.readsBegun;
    const applied = new Promise<void>((resolve) => {
      this.readApplied = (read) => {
        if (read > after) resolve();
      };
    });
    await Promise.race([applied, this.now(), sleep(maxMs)]);
    this.readApplied = undefined;
  }

  private prune(): void {
    clearTimeout(this.pruneTimer);
    this.pruneTimer = undefined;
    if (this.stopped) return;
    this.lastPrune = performance.now();
    this.hooks.prune();
  }

  private async readOnce(): Promise<void> {
    const read = ++this.readsBegun;
    // whatever the last check: a read must not see links a watcher keeps alive
    this.prune();
    const full = this.fullReadWanted || this.dirty.size === 0;
    const changed = [...this.dirty.values()];
    this.dirty.clear();
    this.fullReadWanted = false;
    await this.hooks.read({ full, changed, applied: () => this.readApplied?.(read) });
  }
}
