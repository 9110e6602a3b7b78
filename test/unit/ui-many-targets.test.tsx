/**
 * The UI over hundreds of targets (issue 15): the targets panel draws only
 * the rows that fit and follows the selection; the firewall survey looks at
 * a few forwarders a tick, not all of them at once. Nothing here starts a process.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Namespace } from '../../src/targets/namespace.js';
import type { TargetState, Topology, TopologyLink } from '../../src/topology/model.js';
import { renderChains } from '../../src/render/chain.js';
import { chainFromTopology } from '../../src/render/chain-input.js';
import { chainWindow, namesOnRows } from '../../src/ui/components/ChainView.js';
import { TargetsPanel, visibleTargets } from '../../src/ui/components/panels.js';
import { TrafficMeter } from '../../src/ui/session/traffic.js';
import { FirewallDrops, SURVEY_PER_TICK } from '../../src/ui/session/firewall-drops.js';
import { SessionStore } from '../../src/ui/session/store.js';

const read: string[] = [];
vi.mock('../../src/net/firewall-rules.js', () => ({
  readForwardCountersOfEach: (namespaces: Namespace[]) => {
    read.push(...namespaces.map((ns) => ns.label));
    return Promise.resolve(namespaces.map(() => ({ policy: 'ACCEPT', policyPackets: 0, rules: [], dropped: 0 })));
  },
  readIptablesBackend: () => Promise.resolve('nf_tables'),
}));

const counted: number[] = [];
vi.mock('../../src/watch/traffic-counters.js', () => ({
  counterProcess: (_ns: Namespace, inside: { pid: number } | undefined) => inside?.pid,
  readCounters: (pid: number) => {
    counted.push(pid);
    return new Map([[`a${pid}`, { rxBytes: 0, rxPackets: pid, rxDropped: 0, txBytes: 0, txPackets: 0, txDropped: 0 }]]);
  },
}));

afterEach(() => {
  read.length = 0;
  counted.length = 0;
});

const N = 500;
const ns = (i: number): Namespace => ({ kind: 'netns', label: `cmt-u${i}`, path: `/run/netns/cmt-u${i}`, netnsName: `cmt-u${i}` });
const target = (i: number): TargetState => ({ ns: ns(i), status: 'present', interfaces: [] });
const end = (i: number, ifname: string) => ({ target: `cmt-u${i}`, ifname, addresses: [] });
/** A path of N namespaces: link i joins node i and i + 1. */
const topology: Topology = {
  targets: [{ ns: { kind: 'host', label: 'host', path: '' }, status: 'host', interfaces: [] }, ...Array.from({ length: N }, (_, i) => target(i))],
  links: Array.from({ length: N - 1 }, (_, i): TopologyLink => ({ kind: 'veth', a: end(i, `a${i}`), b: end(i + 1, `b${i}`) })),
  warnings: [],
};

describe('the targets panel over 500 targets', () => {
  const rowsOf = (frame: string) => frame.split('\n').filter((l) => /cmt-u\d+/.test(l));

  it('draws only the rows that fit, the selection among them', () => {
    const targets = visibleTargets(topology, '');
    const { lastFrame } = render(<TargetsPanel targets={targets} selected="cmt-u0" filter="" filtering={false} width={40} height={20} focused />);
    const rows = rowsOf(lastFrame() ?? '');
    // the border and the title take 3 of the 20 rows
    expect(rows).toHaveLength(17);
    expect(rows[0]).toContain('▸ cmt-u0 ');
    expect(lastFrame()).toContain(`targets (${N + 1})`);
  });

  it('scrolls to keep a selection deep in the list in view', () => {
    const targets = visibleTargets(topology, '');
    const { lastFrame, rerender } = render(<TargetsPanel targets={targets} selected="cmt-u0" filter="" filtering={false} width={40} height={20} focused />);
    rerender(<TargetsPanel targets={targets} selected="cmt-u250" filter="" filtering={false} width={40} height={20} focused />);
    const rows = rowsOf(lastFrame() ?? '');
    expect(rows).toHaveLength(17);
    expect(rows.some((r) => r.includes('▸ cmt-u250 '))).toBe(true);
    expect(rows.some((r) => / cmt-u0 /.test(r))).toBe(false);
    rerender(<TargetsPanel targets={targets} selected="cmt-u499" filter="" filtering={false} width={40} height={20} focused />);
    const last = rowsOf(lastFrame() ?? '');
    expect(last.some((r) => r.includes('▸ cmt-u499 '))).toBe(true);
  });
});

describe('FirewallDrops over a chain of 500', () => {
  it('looks at a few forwarders at once, the rest a few each tick, each once', async () => {
    const drops = new FirewallDrops(new SessionStore());
    await drops.afterRead(topology, []);
    expect(read).toHaveLength(SURVEY_PER_TICK);
    await drops.tick();
    expect(read).toHaveLength(2 * SURVEY_PER_TICK);
    // a read meanwhile adds none twice
    await drops.afterRead(topology, []);
    expect(read).toHaveLength(3 * SURVEY_PER_TICK);
    for (let i = 0; i < N; i++) await drops.tick();
    // the 498 forwarders (nodes with two hops), each looked at once
    expect(read).toHaveLength(N - 2);
    expect(new Set(read).size).toBe(N - 2);
    drops.stop();
  });

  it('once told what the screen shows, looks only at the forwarders shown and the one selected', async () => {
    const store = new SessionStore();
    const drops = new FirewallDrops(store);
    drops.setShown(new Set(['cmt-u0', 'cmt-u1', 'cmt-u2', 'cmt-u3']));
    await drops.afterRead(topology, []);
    // cmt-u0 is an end of the chain (one hop): not a forwarder
    expect(read).toEqual(['cmt-u1', 'cmt-u2', 'cmt-u3']);
    for (let i = 0; i < 20; i++) await drops.tick();
    expect(read).toHaveLength(3);
    // scrolled on, and a target selected in the list: each looked at with the next tick
    drops.setShown(new Set(['cmt-u200', 'cmt-u201']));
    store.update({ selected: 'cmt-u450' });
    await drops.tick();
    expect(read.slice(3)).toEqual(['cmt-u200', 'cmt-u201', 'cmt-u450']);
    drops.stop();
  });

  it('looks again at a forwarder another chainmail is changing (its lock came), not at the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-drops-'));
    try {
      // a namespace known by a file: its identity is that file's, as a lock file names it
      const files = [0, 1, 2].map((i) => join(dir, `n${i}`));
      for (const f of files) writeFileSync(f, '');
      const small: Topology = {
        targets: files.map((path, i) => ({ ns: { kind: 'path', label: `p${i}`, path }, status: 'present', interfaces: [] })),
        links: [
          { kind: 'veth', a: { target: 'p0', ifname: 'a0', addresses: [] }, b: { target: 'p1', ifname: 'b0', addresses: [] } },
          { kind: 'veth', a: { target: 'p1', ifname: 'a1', addresses: [] }, b: { target: 'p2', ifname: 'b1', addresses: [] } },
        ],
        warnings: [],
      };
      const drops = new FirewallDrops(new SessionStore());
      await drops.afterRead(small, []);
      expect(read).toEqual(['p1']);
      await drops.tick();
      expect(read).toEqual(['p1']);
      drops.lookAgain('1:2');
      await drops.tick();
      expect(read).toEqual(['p1']);
      const st = statSync(files[1]!);
      const identity = `${st.dev}:${st.ino}`;
      drops.lookAgain(identity);
      await drops.tick();
      expect(read).toEqual(['p1', 'p1']);
      // told again while that look is under way: it may have begun before the change, so one more follows
      drops.lookAgain(identity);
      const during = drops.tick();
      drops.lookAgain(identity);
      await during;
      expect(read).toEqual(['p1', 'p1', 'p1']);
      await drops.tick();
      expect(read).toEqual(['p1', 'p1', 'p1', 'p1']);
      await drops.tick();
      expect(read).toHaveLength(4);
      // the lock folder just appeared, whose lock unknown: every forwarder without rules is looked at
      drops.lookAgain(undefined);
      await drops.tick();
      expect(read).toHaveLength(5);
      drops.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('looks at once at a target a command changed', async () => {
    const drops = new FirewallDrops(new SessionStore());
    await drops.afterRead(topology, [ns(400)]);
    expect(read).toContain('cmt-u400');
    drops.stop();
  });
});

describe('traffic over a chain of 500', () => {
  it('names the nodes whose boxes a window of the drawing shows', () => {
    const { nodes, hops } = chainFromTopology(topology, new Map(), new Map());
    const lines = renderChains(nodes, hops, 120);
    const w = chainWindow(lines.length, 20, 0);
    const names = namesOnRows(lines.slice(w.start, w.end), nodes);
    expect(names.has('cmt-u0')).toBe(true);
    expect(names.size).toBeGreaterThan(5);
    expect(names.size).toBeLessThan(100);
    expect(names.has('cmt-u499')).toBe(false);
    const end = chainWindow(lines.length, 20, Infinity);
    expect(namesOnRows(lines.slice(end.start, end.end), nodes).has('cmt-u499')).toBe(true);
  });

  it('reads only the hops touching the targets shown, every hop until told', async () => {
    const store = new SessionStore();
    store.update({ topology });
    const meter = new TrafficMeter(store, (path) => ({ pid: Number(/cmt-u(\d+)/.exec(path)![1]), identity: 'x' }));
    meter.tick();
    // one end per hop: 499 hops, each read through its first end
    expect(counted).toHaveLength(N - 1);
    counted.length = 0;
    meter.setShown(new Set(['cmt-u10', 'cmt-u11']));
    meter.tick();
    // the hops 9-10, 10-11 and 11-12, through ends 9, 10 and 11
    expect(counted.sort((a, b) => a - b)).toEqual([9, 10, 11]);
    meter.stop();
  });

  it('a shown hop with no process of the UI inside either end (unaddressed: no pinger) gets a silent one in its first end', async () => {
    const store = new SessionStore();
    store.update({ topology });
    const held: string[][] = [];
    let running = new Set<string>();
    const holders = {
      sync: (nss: readonly Namespace[]) => {
        held.push(nss.map((n) => n.label));
        running = new Set(nss.map((n) => n.path));
      },
      processIn: (path: string) => (running.has(path) ? { pid: 1000 + Number(/cmt-u(\d+)/.exec(path)![1]), identity: 'x' } : undefined),
    };
    const meter = new TrafficMeter(store, () => undefined, holders);
    meter.setShown(new Set(['cmt-u10']));
    meter.tick();
    // the hops 9-10 and 10-11: silent processes in 9 and 10, read at once
    expect(held.at(-1)!.sort()).toEqual(['cmt-u10', 'cmt-u9']);
    expect(counted.sort()).toEqual([1009, 1010]);
    meter.setShown(new Set(['cmt-u300']));
    meter.tick();
    expect(held.at(-1)!.sort()).toEqual(['cmt-u299', 'cmt-u300']);
    meter.stop();
    // stopped: none kept
    expect(held.at(-1)).toEqual([]);
  });
});
