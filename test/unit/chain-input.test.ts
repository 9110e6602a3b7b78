import { describe, expect, it } from 'vitest';
import { chainFromTopology, isChainLink, linkKey, MAX_BROKEN_HOPS, updateBrokenLinks } from '../../src/render/chain-input.js';
import { pingPlanFor } from '../../src/health/link-health.js';
import type { TargetState, Topology, TopologyLink } from '../../src/topology/model.js';
import type { Namespace } from '../../src/targets/namespace.js';

const netns = (label: string): Namespace => ({ kind: 'netns', label, path: `/var/run/netns/${label}`, netnsName: label });
const container = (label: string): Namespace => ({ kind: 'docker', label, path: `/proc/1/ns/net`, pid: 1, containerName: label });
const target = (ns: Namespace, status = 'present'): TargetState => ({ ns, status, interfaces: [] });
const veth = (a: string, aIf: string, b: string, bIf: string, aAddr: string[] = [], bAddr: string[] = []): TopologyLink => ({
  kind: 'veth',
  a: { target: a, ifname: aIf, addresses: aAddr },
  b: { target: b, ifname: bIf, addresses: bAddr },
});

const clientFirewall = veth('client', 'link1', 'firewall', 'link2', ['10.0.1.1/24'], ['10.0.1.2/24']);
const firewallRouter = veth('firewall', 'link3', 'router', 'link4', ['10.0.2.1/24'], ['10.0.2.2/24']);

describe('linkKey and isChainLink', () => {
  it('a link has the same key whichever end is listed first', () => {
    expect(linkKey(veth('a', 'x', 'b', 'y'))).toBe(linkKey(veth('b', 'y', 'a', 'x')));
  });

  it('veth pairs between two targets are chain links; Docker bridge plumbing and same-target pairs are not', () => {
    expect(isChainLink(clientFirewall)).toBe(true);
    expect(isChainLink(veth('web', 'eth0', 'host', 'veth1a2b3c4'))).toBe(false);
    expect(isChainLink(veth('web', 'l1', 'host', 'uplink0'))).toBe(true);
    expect(isChainLink(veth('a', 'x', 'a', 'y'))).toBe(false);
    expect(isChainLink({ kind: 'veth', a: { target: 'a', ifname: 'x', addresses: [] } })).toBe(false);
    expect(isChainLink({ kind: 'vxlan', a: { target: 'a', ifname: 'x', addresses: [] }, b: { target: 'host', ifname: 'eth0', addresses: [] } })).toBe(false);
  });
});

describe('chainFromTopology', () => {
  const topology: Topology = {
    targets: [
      target({ kind: 'host', label: 'host', path: '/proc/1/ns/net' }, 'host'),
      target(container('client'), 'running'),
      target(container('firewall'), 'running'),
      target(netns('router')),
      target(netns('spare')),
    ],
    links: [clientFirewall, firewallRouter],
    warnings: [],
  };

  it('nodes for linked targets and for lone ones (not host); hops carry their first address and health', () => {
    const checks = new Map([
      [linkKey(clientFirewall), { ok: true, latencyMs: 0.08 }],
      [linkKey(firewallRouter), { ok: false }],
    ]);
    const { nodes, hops } = chainFromTopology(topology, new Map(), checks);
    expect(nodes).toEqual([
      { name: 'client', state: 'up' },
      { name: 'firewall', state: 'up' },
      { name: 'router', state: 'up' },
      { name: 'spare', state: 'up' },
    ]);
    expect(hops).toEqual([
      { a: { node: 'client', ifname: 'link1', address: '10.0.1.1' }, b: { node: 'firewall', ifname: 'link2', address: '10.0.1.2' }, health: 'ok', latencyMs: 0.08 },
      { a: { node: 'firewall', ifname: 'link3', address: '10.0.2.1' }, b: { node: 'router', ifname: 'link4', address: '10.0.2.2' }, health: 'failing' },
    ]);
  });

  it('a remembered broken hop keeps the live end and marks the dead target', () => {
    const afterKill: Topology = {
      ...topology,
      targets: topology.targets.map((t) => (t.ns.label === 'firewall' ? { ...t, status: 'exited' } : t)),
      links: [],
    };
    const broken = new Map([
      [linkKey(clientFirewall), clientFirewall],
      [linkKey(firewallRouter), firewallRouter],
    ]);
    const { nodes, hops } = chainFromTopology(afterKill, broken, new Map());
    expect(nodes.find((n) => n.name === 'firewall')).toEqual({ name: 'firewall', state: 'stopped' });
    expect(hops).toEqual([
      { a: { node: 'client', ifname: 'link1', address: '10.0.1.1' }, b: { node: 'firewall' }, health: 'broken' },
      { a: { node: 'firewall' }, b: { node: 'router', ifname: 'link4', address: '10.0.2.2' }, health: 'broken' },
    ]);
  });
});

describe('updateBrokenLinks', () => {
  const seen = new Map([[linkKey(clientFirewall), clientFirewall]]);

  it('a link gone because its target died is kept as broken', () => {
    const now: Topology = { targets: [target(container('client'), 'running'), target(container('firewall'), 'exited')], links: [], warnings: [] };
    expect([...updateBrokenLinks(new Map(), seen, now).keys()]).toEqual([linkKey(clientFirewall)]);
  });

  it('a link whose target vanished entirely is kept as broken', () => {
    const now: Topology = { targets: [target(container('client'), 'running')], links: [], warnings: [] };
    expect(updateBrokenLinks(new Map(), seen, now).size).toBe(1);
  });

  it('a link that vanished while both targets are up (deleted with plain ip) is kept as broken', () => {
    const now: Topology = { targets: [target(container('client'), 'running'), target(container('firewall'), 'running')], links: [], warnings: [] };
    expect([...updateBrokenLinks(new Map(), seen, now).keys()]).toEqual([linkKey(clientFirewall)]);
  });

  it("a link under koko's temporary names vanishes by being renamed: not broken", () => {
    const temp = veth('client', 'cm1a2b3c4da', 'firewall', 'cm1a2b3c4db');
    const now: Topology = { targets: [target(container('client'), 'running'), target(container('firewall'), 'running')], links: [], warnings: [] };
    expect(updateBrokenLinks(new Map(), new Map([[linkKey(temp), temp]]), now).size).toBe(0);
  });

  it('a link chainmail itself deleted (either end named) is forgotten', () => {
    const now: Topology = { targets: [target(container('client'), 'running'), target(container('firewall'), 'running')], links: [], warnings: [] };
    expect(updateBrokenLinks(seen, seen, now, new Set(['client:link1'])).size).toBe(0);
    expect(updateBrokenLinks(seen, seen, now, new Set(['firewall:link2'])).size).toBe(0);
  });

  it('a link with neither end left to draw it from is forgotten', () => {
    const now: Topology = { targets: [target(container('router'), 'running')], links: [], warnings: [] };
    expect(updateBrokenLinks(seen, seen, now).size).toBe(0);
  });

  it(`keeps only the newest ${MAX_BROKEN_HOPS} broken links (namespaces coming and going all day)`, () => {
    const many = Array.from({ length: MAX_BROKEN_HOPS + 10 }, (_, i) => veth('client', `l${i}`, `gone${i}`, 'x'));
    const now: Topology = { targets: [target(container('client'), 'running')], links: [], warnings: [] };
    const kept = updateBrokenLinks(new Map(), new Map(many.map((l) => [linkKey(l), l])), now);
    expect([...kept.keys()]).toEqual(many.slice(-MAX_BROKEN_HOPS).map(linkKey));
  });

  it('a broken link that is back is no longer broken', () => {
    const now: Topology = { targets: [target(container('client'), 'running'), target(container('firewall'), 'running')], links: [clientFirewall], warnings: [] };
    expect(updateBrokenLinks(seen, seen, now).size).toBe(0);
  });
});

describe('pingPlanFor', () => {
  it("pings the other end's IPv4 address from end a", () => {
    expect(pingPlanFor(clientFirewall)).toEqual({ from: 'client', address: '10.0.1.2' });
  });

  it('uses IPv6 when that is all both ends have', () => {
    expect(pingPlanFor(veth('a', 'x', 'b', 'y', ['fd00::1/64'], ['fd00::2/64']))).toEqual({ from: 'a', address: 'fd00::2' });
  });

  it('nothing to ping with when an end has no address of the family', () => {
    expect(pingPlanFor(veth('a', 'x', 'b', 'y', ['10.0.0.1/24'], []))).toBeUndefined();
    expect(pingPlanFor(veth('a', 'x', 'b', 'y', ['10.0.0.1/24'], ['fd00::2/64']))).toBeUndefined();
  });
});
