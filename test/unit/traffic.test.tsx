import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { hasForwardFilter, iptablesBackend, parseForwardCounters } from '../../src/net/forward-counters.js';
import { formatRate } from '../../src/render/chain-boxes.js';
import { chainFromTopology, linkKey } from '../../src/render/chain-input.js';
import type { ChainHop, ChainNode } from '../../src/render/chain-model.js';
import { renderChainsText } from '../../src/render/chain.js';
import { parseNetDev } from '../../src/topology/net-dev.js';
import type { Topology, TopologyLink } from '../../src/topology/model.js';
import { ChainView } from '../../src/ui/components/ChainView.js';
import { detailLines } from '../../src/ui/components/panels.js';
import { keptForWindow, ratesBetween, ratesOverWindow, sameRates, shownRate, steadyRate, type CounterSample } from '../../src/watch/counter-rates.js';

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0
 link1: 1048576    1200    0    3    0     0          0         0   524288     800    0    1    0     0       0          0
eth0:1:      10       2    0    0    0     0          0         0       20       4    0    0    0     0       0          0
`;

describe('parseNetDev: /proc/PID/net/dev', () => {
  it('reads every interface, skips the two header lines', () => {
    const c = parseNetDev(NET_DEV);
    expect([...c.keys()]).toEqual(['lo', 'link1', 'eth0:1']);
    expect(c.get('link1')).toEqual({ rxBytes: 1048576, rxPackets: 1200, rxDropped: 3, txBytes: 524288, txPackets: 800, txDropped: 1 });
    expect(c.get('eth0:1')?.txPackets).toBe(4);
  });

  it('nothing from text that is not the table', () => {
    expect(parseNetDev('').size).toBe(0);
    expect(parseNetDev('link1: 1 2 3').size).toBe(0);
  });
});

describe('ratesOverWindow: a moving average over the last readings', () => {
  const at = (atMs: number, entries: Array<[string, number]>): CounterSample => ({ atMs, counters: new Map(entries) });

  it('a ping every two seconds shows as one steady rate, not 2, 0, 2, 0', () => {
    // a request and its reply through the end every 2 s: 2 packets at 0.5 s, 2.5 s, 4.5 s, ...
    const packetsAt = (s: number) => 2 * Math.floor((s + 1.5) / 2);
    let history: CounterSample[] = [];
    const shown: number[] = [];
    for (let s = 0; s <= 12; s++) {
      const next = at(s * 1000, [['x:a', packetsAt(s)]]);
      const rate = ratesOverWindow(history, next, 4500).get('x:a');
      if (s >= 4) shown.push(shownRate(rate!));
      history = keptForWindow(history, next, 4500);
    }
    expect(new Set(shown)).toEqual(new Set([1]));
    // the per-second rate flips
    expect(ratesBetween(at(1000, [['x:a', packetsAt(1)]]), at(2000, [['x:a', packetsAt(2)]])).get('x:a')).toBe(0);
  });

  it('a key new to the readings has its rate from the first reading that has it; a reset counter has none', () => {
    const history = [
      at(0, [['x:a', 0]]),
      at(1000, [
        ['x:a', 10],
        ['x:b', 100],
      ]),
    ];
    const rates = ratesOverWindow(
      history,
      at(2000, [
        ['x:a', 20],
        ['x:b', 150],
        ['x:c', 5],
      ]),
      4500,
    );
    expect(rates.get('x:a')).toBe(10);
    expect(rates.get('x:b')).toBe(50);
    expect(rates.has('x:c')).toBe(false);
    expect(ratesOverWindow(history, at(2000, [['x:a', 3]]), 4500).has('x:a')).toBe(false);
    // reset between two readings: the rate from the reading after it
    expect(ratesOverWindow([at(0, [['x:a', 100]]), at(1000, [['x:a', 2]])], at(2000, [['x:a', 5]]), 4500).get('x:a')).toBe(3);
  });

  it('keeps only the readings still inside the window', () => {
    const kept = keptForWindow([at(0, []), at(1000, []), at(4000, [])], at(5000, []), 4500);
    expect(kept.map((s) => s.atMs)).toEqual([1000, 4000, 5000]);
  });
});

describe('steadyRate: the figure drawn', () => {
  it('keeps the drawn figure through a change of one, or of less than a fifth; shows a start, a stop and a real change', () => {
    expect(steadyRate(1, 2)).toBe(1);
    expect(steadyRate(2, 1)).toBe(2);
    expect(steadyRate(100, 115)).toBe(100);
    expect(steadyRate(100, 130)).toBe(130);
    expect(steadyRate(1, 5)).toBe(5);
    expect(steadyRate(0, 1)).toBe(1);
    expect(steadyRate(3, 0)).toBe(0);
    expect(steadyRate(undefined, 7)).toBe(7);
  });
});

describe('ratesBetween: counters read twice', () => {
  it('per second over the time between the readings', () => {
    const a = {
      atMs: 1000,
      counters: new Map([
        ['x:l1', 100],
        ['x:l2', 5],
      ]),
    };
    const b = {
      atMs: 3000,
      counters: new Map([
        ['x:l1', 124],
        ['x:l2', 5],
      ]),
    };
    expect(ratesBetween(a, b)).toEqual(
      new Map([
        ['x:l1', 12],
        ['x:l2', 0],
      ]),
    );
  });

  it('no rate for the first reading, a new key, a counter that went down, or no time between', () => {
    const a = { atMs: 1000, counters: new Map([['x:l1', 100]]) };
    expect(ratesBetween(undefined, a).size).toBe(0);
    expect(
      ratesBetween(a, {
        atMs: 2000,
        counters: new Map([
          ['x:l1', 3],
          ['x:new', 9],
        ]),
      }).size,
    ).toBe(0);
    expect(ratesBetween(a, { atMs: 1000, counters: new Map([['x:l1', 200]]) }).size).toBe(0);
  });

  it('shown as whole packets, anything moving as at least 1; same rates compare equal', () => {
    expect([0, 0.2, 1.4, 12.6].map(shownRate)).toEqual([0, 1, 1, 13]);
    expect(sameRates(new Map([['a', 1]]), new Map([['a', 1]]))).toBe(true);
    expect(sameRates(new Map([['a', 1]]), new Map([['a', 2]]))).toBe(false);
    expect(sameRates(new Map(), new Map([['a', 0]]))).toBe(false);
  });
});

describe('parseForwardCounters: iptables -L FORWARD -v -n -x', () => {
  // iptables-nft prints the protocol's number, iptables-legacy its name
  const NFT = `Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
    pkts      bytes target     prot opt in     out     source               destination
      10      840 DROP       1    --  *      *       0.0.0.0/0            0.0.0.0/0
       2      120 REJECT     6    --  *      *       0.0.0.0/0            10.0.2.2             reject-with icmp-port-unreachable
       7      588 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0
`;

  it('sums the packets of DROP and REJECT rules', () => {
    const c = parseForwardCounters(NFT);
    expect(c.rules).toEqual([
      { packets: 10, target: 'DROP' },
      { packets: 2, target: 'REJECT' },
      { packets: 7, target: 'ACCEPT' },
    ]);
    expect(c.dropped).toBe(12);
    expect(hasForwardFilter(c)).toBe(true);
  });

  it('a DROP policy counts what it dropped; a rule without a target counts nothing', () => {
    const c = parseForwardCounters(`Chain FORWARD (policy DROP 5 packets, 420 bytes)
    pkts      bytes target     prot opt in     out     source               destination
       3      252            icmp --  *      *       0.0.0.0/0            0.0.0.0/0
`);
    expect(c).toEqual({ policy: 'DROP', policyPackets: 5, rules: [{ packets: 3, target: '' }], dropped: 5 });
  });

  it('an empty ACCEPT chain filters nothing', () => {
    const c = parseForwardCounters(
      'Chain FORWARD (policy ACCEPT 99 packets, 8316 bytes)\n    pkts      bytes target     prot opt in     out     source               destination\n',
    );
    expect(c.dropped).toBe(0);
    expect(hasForwardFilter(c)).toBe(false);
  });

  it('iptables -V names its back end', () => {
    expect(iptablesBackend('iptables v1.8.9 (nf_tables)')).toBe('nf_tables');
    expect(iptablesBackend('iptables v1.8.7 (legacy)')).toBe('legacy');
    expect(iptablesBackend('iptables v1.6.1')).toBeUndefined();
  });
});

const veth = (a: string, aIf: string, b: string, bIf: string): TopologyLink => ({
  kind: 'veth',
  a: { target: a, ifname: aIf, addresses: [] },
  b: { target: b, ifname: bIf, addresses: [] },
});

describe('drawing packets per second and drops', () => {
  const nodes: ChainNode[] = [
    { name: 'client', state: 'up' },
    { name: 'firewall', state: 'up', dropped: 12 },
    { name: 'web', state: 'up' },
  ];
  const hops: ChainHop[] = [
    { a: { node: 'client', ifname: 'link1' }, b: { node: 'firewall', ifname: 'link2' }, health: 'ok', latencyMs: 0.08, pps: 12 },
    { a: { node: 'firewall', ifname: 'link3' }, b: { node: 'web', ifname: 'link4' }, health: 'failing', pps: 0 },
  ];

  it('a hop shows its rate after the round trip; a firewall its drops in its box', () => {
    expect(renderChainsText(nodes, hops, 200)).toEqual(['[client]─link1 ═✓ 0.08ms 12pps═ link2─[firewall · 12 dropped]─link3 ═✗ 0pps═ link4─[web]']);
  });

  it('large rates are short', () => {
    expect([0, 999, 1234, 45_678, 2_500_000].map(formatRate)).toEqual(['0pps', '999pps', '1.2kpps', '46kpps', '2.5Mpps']);
  });

  it('ChainView draws them', () => {
    const { lastFrame, unmount } = render(<ChainView nodes={nodes} hops={hops} width={200} />);
    expect(lastFrame()).toMatch(/0\.08ms 12pps═.*\[firewall · 12 dropped\]/);
    unmount();
  });

  it('chainFromTopology carries the live figures to hops and up targets', () => {
    const link = veth('client', 'link1', 'firewall', 'link2');
    const topology: Topology = {
      targets: ['client', 'firewall'].map((label) => ({ ns: { kind: 'netns', label, path: `/var/run/netns/${label}` }, status: 'present', interfaces: [] })),
      links: [link],
      warnings: [],
    };
    const drawn = chainFromTopology(topology, new Map(), new Map(), { pps: new Map([[linkKey(link), 7]]), dropped: new Map([['firewall', 3]]) });
    expect(drawn.hops[0]?.pps).toBe(7);
    expect(drawn.nodes).toEqual([
      { name: 'client', state: 'up' },
      { name: 'firewall', state: 'up', dropped: 3 },
    ]);
  });

  it('the details panel says what the firewall dropped', () => {
    const t = { ns: { kind: 'netns' as const, label: 'firewall', path: '/var/run/netns/firewall' }, status: 'present', interfaces: [] };
    const lines = detailLines(t, { label: 'firewall', routes: [] }, new Map(), { dropped: 12, backend: 'nf_tables' });
    expect(lines.map((l) => l.text)).toContain('dropped 12 packets (FORWARD, iptables nf_tables)');
    expect(detailLines(t, undefined, new Map()).some((l) => l.text.startsWith('dropped'))).toBe(false);
  });
});
