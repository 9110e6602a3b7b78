/**
 * planChainUp is pure: given what a chain means (DesiredChain) and what each
 * node holds now (ObservedNode), it lists what `chain up` must do, and the
 * conflicts that stop it. These tests build both by hand.
 */
import { describe, expect, it } from 'vitest';
import type { DesiredChain } from '../../src/chain/model.js';
import { describeAction, planChainUp, type ObservedNode, type UpAction } from '../../src/chain/plan-up.js';
import { absentNode, desiredOf, seedChain } from './helpers.js';
import { formatDestination } from '../../src/parse/koro.js';
import { formatCidr } from '../../src/parse/values.js';
import type { Interface } from '../../src/topology/model.js';

const seed = seedChain;
const absent = absentNode;

function iface(name: string, addresses: string[], ifindex = 2): Interface {
  return {
    ifindex,
    name,
    kind: 'veth',
    state: 'UP',
    adminUp: true,
    mtu: 1500,
    addresses: addresses.map((text) => {
      const [address, prefix] = text.split('/') as [string, string];
      return { family: address.includes(':') ? 6 : 4, address, prefix: Number(prefix), scope: 'global' };
    }),
  };
}

/** Nothing of the chain exists: every node missing. */
function nothing(desired: DesiredChain): Map<string, ObservedNode> {
  return new Map(desired.nodes.map((n) => [n.name, absent()]));
}

/**
 * What the kernel holds once `chain up` has run: every interface with its
 * address, the kernel's link routes plus the derived ones, forwarding, the
 * rules and the servers.
 */
function everything(desired: DesiredChain): Map<string, ObservedNode> {
  const observed = new Map<string, ObservedNode>();
  for (const n of desired.nodes) {
    const ends = desired.links.flatMap((l) => [l.a, l.b]).filter((e) => e.node === n.name);
    observed.set(n.name, {
      exists: true,
      interfaces: [iface('lo', ['127.0.0.1/8'], 1), ...ends.map((e, i) => iface(e.ifname, [formatCidr(e.address)], i + 2))],
      routes: [
        ...ends.map((e) => ({
          family: e.address.family,
          dst: formatDestination({ kind: 'prefix', prefix: { ...e.address, address: networkAddress(formatCidr(e.address)) } }),
          dev: e.ifname,
          protocol: 'kernel',
          scope: 'link',
          prefsrc: e.address.address,
          flags: [],
        })),
        ...desired.routes
          .filter((r) => r.node === n.name)
          .map((r) => ({
            family: r.destination.kind === 'default' ? r.destination.family : r.destination.prefix.family,
            dst: formatDestination(r.destination),
            gateway: r.via,
            dev: r.dev,
            flags: [],
          })),
      ],
      forwarding: desired.forwarding.includes(n.name),
      rules: desired.firewall.filter((f) => f.node === n.name).map((f) => f.rule.join(' ')),
      serving: n.serve !== undefined,
    });
  }
  return observed;
}

/** 10.0.1.1/24 -> 10.0.1.0 (IPv4 only; enough for these chains). */
function networkAddress(cidrText: string): string {
  const [address, prefix] = cidrText.split('/') as [string, string];
  const value = address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(prefix));
  const net = Math.floor(value / size) * size;
  return [24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.');
}

const kinds = (actions: readonly UpAction[]) => actions.map((a) => a.kind);
const described = (actions: readonly UpAction[]) => actions.map(describeAction);

/** Replaces one node's observation with a changed copy. */
function change(observed: Map<string, ObservedNode>, node: string, f: (o: ObservedNode) => ObservedNode): Map<string, ObservedNode> {
  const copy = new Map(observed);
  copy.set(node, f(structuredClone(observed.get(node)!)));
  return copy;
}

describe('planChainUp: nothing exists yet', () => {
  const desired = seed();
  const { actions, conflicts } = planChainUp(desired, nothing(desired));

  it('has no conflicts', () => {
    expect(conflicts).toEqual([]);
  });

  it('creates every node, every link, forwarding, every route, the rule and the server, in that order', () => {
    expect(described(actions)).toEqual([
      'create client',
      'create firewall',
      'create router',
      'create webserver',
      'link client:link1 10.0.1.1/24 <-> firewall:link2 10.0.1.2/24',
      'link firewall:link3 10.0.2.1/24 <-> router:link4 10.0.2.2/24',
      'link router:link5 10.0.3.1/24 <-> webserver:link6 10.0.3.2/24',
      'turn forwarding on in firewall',
      'turn forwarding on in router',
      'route client: default via 10.0.1.2 dev link1',
      'route firewall: 10.0.3.0/24 via 10.0.2.2 dev link3',
      'route router: 10.0.1.0/24 via 10.0.2.1 dev link4',
      'route webserver: default via 10.0.3.1 dev link6',
      'firewall firewall: -p icmp -j DROP',
      'serve HTTP on port 80 in webserver',
    ]);
  });

  it('one create-node per node, one create-link per link, one add-route per route', () => {
    expect(actions.filter((a) => a.kind === 'create-node')).toHaveLength(desired.nodes.length);
    expect(actions.filter((a) => a.kind === 'create-link').map((a) => a.kind === 'create-link' && a.link)).toEqual(desired.links);
    expect(actions.filter((a) => a.kind === 'add-route').map((a) => a.kind === 'add-route' && a.route)).toEqual(desired.routes);
    expect(actions.filter((a) => a.kind === 'forwarding-on').map((a) => a.kind === 'forwarding-on' && a.node)).toEqual(['firewall', 'router']);
  });

  it('serves with the port and body of the file', () => {
    expect(actions.find((a) => a.kind === 'serve')).toEqual({ kind: 'serve', node: 'webserver', port: 80, body: '<title>hi</title>' });
  });

  it('an empty map means the same as nodes observed absent', () => {
    expect(planChainUp(desired, new Map())).toEqual({ actions, conflicts });
  });
});

describe('planChainUp: everything is there', () => {
  const desired = seed();

  it('plans no actions and no conflicts (up is idempotent)', () => {
    expect(planChainUp(desired, everything(desired))).toEqual({ actions: [], conflicts: [] });
  });

  it('extra interfaces, addresses and routes of the user are no reason to act', () => {
    const observed = change(everything(desired), 'client', (o) => ({
      ...o,
      interfaces: [
        ...o.interfaces.map((i) => (i.name === 'link1' ? { ...i, addresses: [...i.addresses, ...iface('x', ['192.0.2.7/24']).addresses] } : i)),
        iface('eth9', ['198.51.100.1/24'], 9),
      ],
      routes: [...o.routes, { family: 4, dst: '203.0.113.0/24', gateway: '10.0.1.2', dev: 'link1', flags: [] }],
    }));
    expect(planChainUp(desired, observed)).toEqual({ actions: [], conflicts: [] });
  });

  it('a firewall rule already present is not added again; a missing one is', () => {
    const present = everything(desired);
    expect(planChainUp(desired, present).actions.filter((a) => a.kind === 'add-rule')).toEqual([]);
    const missing = change(present, 'firewall', (o) => ({ ...o, rules: [] }));
    expect(planChainUp(desired, missing).actions).toEqual([{ kind: 'add-rule', node: 'firewall', rule: ['-p', 'icmp', '-j', 'DROP'] }]);
  });
});

describe('planChainUp: partly there', () => {
  const desired = seed();

  it('a link on both ends but one address missing: only that address is added', () => {
    const observed = change(everything(desired), 'router', (o) => ({
      ...o,
      interfaces: o.interfaces.map((i) => (i.name === 'link4' ? { ...i, addresses: [] } : i)),
    }));
    const { actions, conflicts } = planChainUp(desired, observed);
    expect(conflicts).toEqual([]);
    expect(actions).toEqual([{ kind: 'add-address', node: 'router', ifname: 'link4', address: { family: 4, address: '10.0.2.2', prefix: 24 } }]);
    expect(described(actions)).toEqual(['add 10.0.2.2/24 to router:link4']);
  });

  it('the right address with another prefix length counts as missing', () => {
    const observed = change(everything(desired), 'client', (o) => ({
      ...o,
      interfaces: o.interfaces.map((i) => (i.name === 'link1' ? iface('link1', ['10.0.1.1/16']) : i)),
    }));
    expect(described(planChainUp(desired, observed).actions)).toEqual(['add 10.0.1.1/24 to client:link1']);
  });

  it('one end of a link present and the other not: a conflict naming both ends, and no create-link', () => {
    const observed = change(everything(desired), 'router', (o) => ({
      ...o,
      interfaces: o.interfaces.filter((i) => i.name !== 'link4'),
    }));
    const { actions, conflicts } = planChainUp(desired, observed);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.message).toContain('firewall:link3');
    expect(conflicts[0]!.message).toContain('router:link4');
    expect(conflicts[0]!.message).toMatch(/firewall:link3 exists but router:link4 does not/);
    expect(kinds(actions)).not.toContain('create-link');
    expect(kinds(actions)).not.toContain('add-address');
  });

  it('the same conflict when the end that exists is end b', () => {
    const observed = change(everything(desired), 'client', (o) => ({ ...o, interfaces: o.interfaces.filter((i) => i.name !== 'link1') }));
    const { conflicts } = planChainUp(desired, observed);
    expect(conflicts.map((c) => c.message)).toEqual([expect.stringMatching(/^firewall:link2 exists but client:link1 does not/)]);
  });

  it('a route to the same destination via another gateway: replace-route, saying what was there', () => {
    const observed = change(everything(desired), 'client', (o) => ({
      ...o,
      routes: o.routes.map((r) => (r.dst === 'default' ? { ...r, gateway: '10.0.1.254' } : r)),
    }));
    const { actions, conflicts } = planChainUp(desired, observed);
    expect(conflicts).toEqual([]);
    expect(actions).toHaveLength(1);
    const [a] = actions;
    expect(a).toMatchObject({ kind: 'replace-route', was: 'via 10.0.1.254 dev link1' });
    expect(a?.kind === 'replace-route' && a.route).toEqual(desired.routes.find((r) => r.node === 'client'));
    expect(describeAction(a!)).toBe('route client: default via 10.0.1.2 dev link1 (was via 10.0.1.254 dev link1)');
  });

  it('a route to the same destination through another device: replace-route too', () => {
    const observed = change(everything(desired), 'firewall', (o) => ({
      ...o,
      routes: o.routes.map((r) => (r.dst === '10.0.3.0/24' ? { ...r, gateway: undefined, dev: 'link2' } : r)),
    }));
    expect(planChainUp(desired, observed).actions).toEqual([{ kind: 'replace-route', route: desired.routes.find((r) => r.node === 'firewall'), was: 'dev link2' }]);
  });

  it('an IPv6 default route does not stand in for the IPv4 one', () => {
    const observed = change(everything(desired), 'webserver', (o) => ({
      ...o,
      routes: [...o.routes.filter((r) => r.dst !== 'default'), { family: 6, dst: 'default', gateway: 'fe80::1', dev: 'link6', flags: [] }],
    }));
    expect(described(planChainUp(desired, observed).actions)).toEqual(['route webserver: default via 10.0.3.1 dev link6']);
  });

  it('a stopped docker node is started, not created', () => {
    const observed = change(nothing(desired), 'router', () => ({ ...absent(), exists: true, stopped: true }));
    const { actions } = planChainUp(desired, observed);
    expect(actions.slice(0, 4)).toEqual([
      { kind: 'create-node', node: 'client' },
      { kind: 'create-node', node: 'firewall' },
      { kind: 'start-node', node: 'router' },
      { kind: 'create-node', node: 'webserver' },
    ]);
  });

  it('a stopped node in an otherwise complete chain: start it, relink it, and what its stop lost', () => {
    // a stopped container's namespace is gone, and with it its veth ends and their peers
    let observed = change(everything(desired), 'webserver', () => ({ ...absent(), exists: true, stopped: true }));
    observed = change(observed, 'router', (o) => ({ ...o, interfaces: o.interfaces.filter((i) => i.name !== 'link5') }));
    const { actions, conflicts } = planChainUp(desired, observed);
    expect(conflicts).toEqual([]);
    expect(described(actions)).toEqual([
      'start webserver',
      'link router:link5 10.0.3.1/24 <-> webserver:link6 10.0.3.2/24',
      'route webserver: default via 10.0.3.1 dev link6',
      'serve HTTP on port 80 in webserver',
    ]);
  });

  it('forwarding off on one middle node: only that is turned on', () => {
    const observed = change(everything(desired), 'router', (o) => ({ ...o, forwarding: false }));
    expect(planChainUp(desired, observed).actions).toEqual([{ kind: 'forwarding-on', node: 'router' }]);
  });

  it('a server that stopped is started again; nothing else', () => {
    const observed = change(everything(desired), 'webserver', (o) => ({ ...o, serving: false }));
    expect(planChainUp(desired, observed).actions).toEqual([{ kind: 'serve', node: 'webserver', port: 80, body: '<title>hi</title>' }]);
  });

  it('running the planned actions and planning again gives nothing: the two-node chain', () => {
    const two = desiredOf('name: two', 'nodes: [a, b]', 'links:', '  - [a:eth1, b:eth1, 10.9.0.0/30]');
    expect(described(planChainUp(two, nothing(two)).actions)).toEqual(['create a', 'create b', 'link a:eth1 10.9.0.1/30 <-> b:eth1 10.9.0.2/30']);
    expect(planChainUp(two, everything(two))).toEqual({ actions: [], conflicts: [] });
  });
});

describe('planChainUp: a node of the chain died and came back while its old link ends linger', () => {
  const desired = seed();
  // the firewall is a new, empty namespace; client:link1 and router:link4 still stand, with their routes
  const observed = change(everything(desired), 'firewall', () => ({ ...absent(), exists: true, interfaces: [iface('lo', ['127.0.0.1/8'], 1)] }));
  const own = new Set(['client:link1', 'firewall:link3', 'router:link5']);

  it("removes the chain's own leftover ends first, then makes both links again with their addresses and routes", () => {
    const { actions, conflicts } = planChainUp(desired, observed, own);
    expect(conflicts).toEqual([]);
    expect(actions.slice(0, 2)).toEqual([
      { kind: 'remove-stale-end', node: 'client', ifname: 'link1' },
      { kind: 'remove-stale-end', node: 'router', ifname: 'link4' },
    ]);
    expect(described(actions)).toEqual(
      expect.arrayContaining([
        'link client:link1 10.0.1.1/24 <-> firewall:link2 10.0.1.2/24',
        'link firewall:link3 10.0.2.1/24 <-> router:link4 10.0.2.2/24',
        // the routes through the removed ends went with them, and come back
        'route client: default via 10.0.1.2 dev link1',
        'route router: 10.0.1.0/24 via 10.0.2.1 dev link4',
      ]),
    );
  });

  it('an end the chain did not make is still a conflict, not removed', () => {
    const { actions, conflicts } = planChainUp(desired, observed, new Set());
    expect(kinds(actions)).not.toContain('remove-stale-end');
    expect(conflicts.map((c) => c.message)).toContain(
      "client:link1 exists but firewall:link2 does not: it is not this chain's link (remove it, or rename the link in the file)",
    );
  });
});
