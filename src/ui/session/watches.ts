/**
 * The prompt's watches: a ping or an HTTP GET from a target, checked every
 * round and drawn under the chain with their loss over the last checks.
 */
import { ChainmailError, EXIT_USAGE } from '../../errors.js';
import { probeFrom } from '../../health/http-probe.js';
import { pingFrom } from '../../health/ping.js';
import type { Namespace } from '../../targets/namespace.js';
import type { SessionStore, Watch } from './store.js';

const WATCH_WINDOW = 20;
const PROBE_TIMEOUT_MS = 1500;

export class Watches {
  private nextId = 1;
  private checking = false;

  constructor(
    private readonly store: SessionStore,
    private readonly namespaceOf: (label: string) => Namespace | undefined,
  ) {}

  add(kind: Watch['kind'], target: string, destination: string): string {
    const watch: Watch = { id: this.nextId++, kind, target, destination, recent: [] };
    this.store.update({ watches: [...this.store.state.watches, watch] });
    const said = `watch ${watch.id}: ${kind} ${target} → ${destination}`;
    this.store.log('ok', said);
    void this.checkAll();
    return said;
  }

  /** `which`: a watch's number, or "all". */
  remove(which: string): string {
    const { watches } = this.store.state;
    if (which === 'all') {
      this.store.update({ watches: [] });
      this.store.log('ok', 'removed every watch');
      return 'removed every watch';
    }
    const id = Number(which);
    if (!watches.some((w) => w.id === id)) {
      throw new ChainmailError(`no watch "${which}": unwatch N | unwatch all (watches: ${watches.map((w) => w.id).join(', ') || 'none'})`, EXIT_USAGE);
    }
    this.store.update({ watches: watches.filter((w) => w.id !== id) });
    this.store.log('ok', `removed watch ${id}`);
    return `removed watch ${id}`;
  }

  /** One round of every watch; a round still under way is not doubled. */
  async checkAll(): Promise<void> {
    if (this.checking || !this.store.state.topology || this.store.state.watches.length === 0) return;
    this.checking = true;
    try {
      const checked = new Map((await Promise.all(this.store.state.watches.map((w) => this.check(w)))).map((w) => [w.id, w]));
      // watches added or removed while this round ran are kept as they are now
      this.store.update({ watches: this.store.state.watches.map((w) => checked.get(w.id) ?? w) });
    } finally {
      this.checking = false;
    }
  }

  private async check(w: Watch): Promise<Watch> {
    const ns = this.namespaceOf(w.target);
    let ok: boolean;
    let detail: string;
    if (!ns) {
      ok = false;
      detail = `${w.target} is not running`;
    } else if (w.kind === 'ping') {
      const r = await pingFrom(ns, w.destination, 1);
      ok = r.received > 0;
      detail = ok ? `${r.avgMs ?? '?'} ms` : (r.error ?? 'no reply');
    } else {
      const r = await probeFrom(ns, w.destination, PROBE_TIMEOUT_MS);
      ok = r.status !== undefined && r.status < 400;
      detail = r.error ?? `${r.status} ${r.ms} ms`;
    }
    const changed = w.ok !== ok;
    if (changed && w.ok !== undefined)
      this.store.log(ok ? 'ok' : 'bad', `watch ${w.id} ${w.kind} ${w.target} → ${w.destination}: ${ok ? 'ok again' : 'failing'} (${detail})`);
    const recent = [...w.recent, ok].slice(-WATCH_WINDOW);
    const loss = Math.round((recent.filter((r) => !r).length / recent.length) * 100);
    return { ...w, ok, recent, detail: `${detail} · loss ${loss}% of ${recent.length}`, ...(changed ? { changedAt: new Date() } : {}) };
  }
}
