/**
 * batchUpActions is pure: the plan's actions grouped into the few processes
 * `chain up` runs. These tests take the seed chain's plan from nothing.
 */
import { describe, expect, it } from 'vitest';
import { planChainUp, type ObservedNode } from '../../src/chain/plan-up.js';
import { batchUpActions, linesDoneBeforeFailure, linkAddLine } from '../../src/chain/up-batches.js';
import { parseNodeState } from '../../src/topology/read.js';
import { absentNode, desiredOf, seedChain } from './helpers.js';

const desired = seedChain();
const absent: ObservedNode = absentNode();
const { actions } = planChainUp(desired, new Map(desired.nodes.map((n) => [n.name, absent])));

describe('batchUpActions: the seed chain from nothing, on namespaces', () => {
  const b = batchUpActions(actions, 'netns');

  it('makes the four namespaces in one batch and the three links in another', () => {
    expect(b.namespaces).toEqual(['client', 'firewall', 'router', 'webserver']);
    expect(b.links.map((l) => `${l.a.node}:${l.a.ifname}-${l.b.node}:${l.b.ifname}`)).toEqual([
      'client:link1-firewall:link2',
      'firewall:link3-router:link4',
      'router:link5-webserver:link6',
    ]);
    expect(linkAddLine(b.links[0]!, (n) => `/var/run/netns/${n}`, [7, 8])).toBe(
      'link add name link1 index 7 netns /var/run/netns/client type veth peer name link2 index 8 netns /var/run/netns/firewall',
    );
  });

  it('gives each node one batch: loopback, addresses, link states, then routes', () => {
    expect(b.perNode.get('client')).toEqual([
      'addr add 10.0.1.1/24 dev link1',
      'link set dev lo up',
      'link set dev link1 up',
      'route add default via 10.0.1.2 dev link1',
    ]);
    const firewall = b.perNode.get('firewall')!;
    expect(firewall.slice(0, 5)).toEqual([
      'addr add 10.0.1.2/24 dev link2',
      'addr add 10.0.2.1/24 dev link3',
      'link set dev lo up',
      'link set dev link2 up',
      'link set dev link3 up',
    ]);
    expect(firewall.slice(5)).toEqual(['route add 10.0.3.0/24 via 10.0.2.2 dev link3']);
    // the story's four routes, and nothing else
    expect([...b.perNode.values()].flat().filter((l) => l.startsWith('route '))).toHaveLength(4);
  });

  it('keeps forwarding, rules and the web server apart, in plan order', () => {
    expect(b.forwarding).toEqual(['firewall', 'router']);
    expect(b.rules).toEqual([{ node: 'firewall', rule: ['-p', 'icmp', '-j', 'DROP'] }]);
    expect(b.serves.map((s) => `${s.node}:${s.port}`)).toEqual(['webserver:80']);
    expect(b.containers).toEqual([]);
    expect(b.ipv6.size).toBe(0);
  });
});

describe('batchUpActions: other modes and actions', () => {
  it('on Docker, nodes are containers and loopback is left as the engine made it', () => {
    const b = batchUpActions(actions, 'docker');
    expect(b.namespaces).toEqual([]);
    expect(b.containers).toEqual(['client', 'firewall', 'router', 'webserver'].map((node) => ({ node, start: false })));
    expect(b.perNode.get('client')).not.toContain('link set dev lo up');
  });

  it('IPv6 addresses get nodad and mark their interface for enabling; a down link is set up; a differing route is replaced', () => {
    const v6 = desiredOf('name: v6', 'nodes: [a, b]', 'links:', '  - [a:e1, b:e2, fd00:1::/64]');
    const link = v6.links[0]!;
    const b = batchUpActions(
      [
        { kind: 'add-address', node: 'a', ifname: 'e1', address: link.a.address },
        { kind: 'set-up', node: 'a', ifname: 'e1' },
        { kind: 'replace-route', route: { node: 'a', destination: { kind: 'default', family: 6 }, via: 'fd00:1::2', dev: 'e1', origin: 'derived' }, was: 'dev x' },
      ],
      'netns',
    );
    expect(b.perNode.get('a')).toEqual([`addr add ${link.a.address.address}/64 dev e1 nodad`, 'link set dev e1 up', 'route replace ::/0 via fd00:1::2 dev e1']);
    expect([...b.ipv6]).toEqual([['a', ['e1']]]);
  });
});

describe('linesDoneBeforeFailure', () => {
  it('reads iproute2\'s "Command failed -:N"', () => {
    expect(linesDoneBeforeFailure('RTNETLINK answers: File exists\nCommand failed -:3')).toBe(2);
    expect(linesDoneBeforeFailure('Command failed -:1')).toBe(0);
    expect(linesDoneBeforeFailure('something else')).toBeUndefined();
  });
});

describe('parseNodeState: addr, all routes and netconf from one batch', () => {
  const addr = JSON.stringify([{ ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP'], mtu: 65536, operstate: 'UNKNOWN', link_type: 'loopback', addr_info: [] }]);
  const routes = JSON.stringify([
    { dst: 'default', gateway: '10.1.1.2', dev: 'v1', flags: [] },
    { dst: '10.1.1.0/24', dev: 'v1', protocol: 'kernel', scope: 'link', flags: [] },
    { type: 'local', dst: '10.1.1.1', dev: 'v1', table: 'local', flags: [] },
    { dst: 'default', gateway: 'fd00::2', dev: 'v1', metric: 1024, flags: [], pref: 'medium' },
    { type: 'local', dst: '::1', dev: 'lo', table: 'local', flags: [], pref: 'medium' },
    { dst: '10.9.0.0/16', gateway: '10.1.1.3', dev: 'v1', table: '100', flags: [] },
  ]);
  const netconf = JSON.stringify([
    { family: 'inet', interface: 'lo', forwarding: false },
    { family: 'inet', interface: 'all', forwarding: true },
    { family: 'inet6', interface: 'all', forwarding: false },
  ]);
  const state = parseNodeState(`${addr}\n${routes}\n${netconf}\n`);

  it('keeps the main table only, telling the families apart', () => {
    expect(state.routes.map((r) => `${r.family} ${r.dst} ${r.gateway ?? '-'}`)).toEqual(['4 default 10.1.1.2', '4 10.1.1.0/24 -', '6 default fd00::2']);
  });

  it('reads forwarding from the "all" entries', () => {
    expect(state.forwarding).toEqual({ ipv4: true, ipv6: false });
    expect(state.interfaces.map((i) => i.name)).toEqual(['lo']);
  });
});
