/**
 * HopHealth over a chain of 500 (issue 15): pingers only for the hops on
 * screen (every hop, in a short chain), the others pinged one at a time in
 * turn, every result kept for the header's count. The pingers and the
 * round's prober are stand-ins: nothing here starts a process.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Namespace } from '../../src/targets/namespace.js';
import type { TopologyLink } from '../../src/topology/model.js';
import { CONTINUOUS_MAX, HopHealth, PING_MISSING, ROUND_REDRAW_MS } from '../../src/ui/session/hop-health.js';
import { SessionStore } from '../../src/ui/session/store.js';

const synced: string[][] = [];
const pinged: string[] = [];
let reply = true;
vi.mock('../../src/health/hop-pingers.js', () => ({
  HopPingers: class {
    sync(targets: Array<{ key: string }>) {
      synced.push(targets.map((t) => t.key));
    }
    prune() {}
    stop() {}
    processIn() {
      return undefined;
    }
  },
}));
vi.mock('../../src/health/round-prober.js', () => ({
  RoundProber: class {
    ping(target: { key: string }) {
      pinged.push(target.key);
      return Promise.resolve(reply ? { ok: true, latencyMs: 0.1 } : { ok: false });
    }
    stop() {}
  },
}));

afterEach(() => {
  synced.length = 0;
  pinged.length = 0;
  reply = true;
});

const N = 500;
const ns = (i: number): Namespace => ({ kind: 'netns', label: `n${i}`, path: `/run/netns/n${i}`, netnsName: `n${i}` });
const links: TopologyLink[] = Array.from({ length: N - 1 }, (_, i) => ({
  kind: 'veth',
  a: { target: `n${i}`, ifname: `a${i}`, addresses: [`10.${i >> 8}.${i & 255}.1/30`] },
  b: { target: `n${i + 1}`, ifname: `b${i}`, addresses: [`10.${i >> 8}.${i & 255}.2/30`] },
}));
const namespaceOf = (label: string) => ns(Number(label.slice(1)));

describe('HopHealth over a chain of 500', () => {
  it('a chain of at most CONTINUOUS_MAX hops: every hop pinged all the time, no round', async () => {
    const short = new HopHealth(new SessionStore());
    short.sync(links.slice(0, CONTINUOUS_MAX), namespaceOf);
    short.setShown(new Set(['n0']));
    expect(synced.at(-1)).toHaveLength(CONTINUOUS_MAX);
    await short.roundTick();
    expect(pinged).toEqual([]);
    short.stop();
  });

  it('without ping on the host: says so once, starts nothing, and no hop is drawn broken', async () => {
    const store = new SessionStore();
    const health = new HopHealth(store, CONTINUOUS_MAX, () => false);
    health.sync(links, namespaceOf);
    health.setShown(new Set(['n0']));
    health.sync(links, namespaceOf);
    expect(synced.every((keys) => keys.length === 0)).toBe(true);
    await health.roundTick();
    expect(pinged).toEqual([]);
    expect(store.state.checks.size).toBe(0);
    expect(store.state.log.filter((l) => l.text === PING_MISSING)).toHaveLength(1);
    health.stop();
  });

  it('pings every hop all the time until the screen says what it shows, then only the hops shown', () => {
    const health = new HopHealth(new SessionStore());
    health.sync(links, namespaceOf);
    expect(synced.at(-1)).toHaveLength(N - 1);
    health.setShown(new Set(['n10', 'n11']));
    expect(synced.at(-1)!.sort()).toEqual(['veth|n10:a10|n11:b10', 'veth|n10:b9|n9:a9', 'veth|n11:a11|n12:b11']);
    // the same set again starts and stops nothing
    const calls = synced.length;
    health.setShown(new Set(['n11', 'n10']));
    expect(synced).toHaveLength(calls);
    health.stop();
  });

  it('pings the hops not shown one at a time, each once a round, and keeps their results', async () => {
    const store = new SessionStore();
    const health = new HopHealth(store, 0);
    health.sync(links, namespaceOf);
    health.setShown(new Set(['n0']));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      for (let i = 0; i < N; i++) await health.roundTick();
      // 498 hops not shown, each pinged once, then the round starts again
      expect(new Set(pinged.slice(0, N - 2)).size).toBe(N - 2);
      expect(pinged.slice(0, N - 2).some((k) => k.includes('|n0:'))).toBe(false);
      expect(pinged[N - 2]).toBe(pinged[0]);
      // the results are drawn together, seconds later (only the header's count shows them)
      expect(store.state.checks.size).toBe(0);
      vi.advanceTimersByTime(ROUND_REDRAW_MS);
    } finally {
      vi.useRealTimers();
    }
    expect(store.state.checks.size).toBe(N - 2);
    expect([...store.state.checks.values()].every((c) => c.ok)).toBe(true);
    health.stop();
  });

  it('a hop scrolled off keeps its result; a hop gone loses it', async () => {
    const store = new SessionStore();
    const health = new HopHealth(store, 0);
    health.sync(links.slice(0, 3), namespaceOf);
    health.setShown(new Set(['n0']));
    reply = false;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await health.roundTick();
      // a hop off screen: its result waits for others to join it, then is drawn
      vi.advanceTimersByTime(1000);
      expect(store.state.checks.size).toBe(0);
      vi.advanceTimersByTime(ROUND_REDRAW_MS - 1000);
    } finally {
      vi.useRealTimers();
    }
    expect(store.state.checks.size).toBe(1);
    const [key] = [...store.state.checks.keys()];
    expect(store.state.checks.get(key!)?.ok).toBe(false);
    health.setShown(new Set(['n3']));
    expect(store.state.checks.get(key!)?.ok).toBe(false);
    health.sync(links.slice(0, 1), namespaceOf);
    expect(store.state.checks.has(key!)).toBe(false);
    health.stop();
  });
});
