import { describe, expect, it } from 'vitest';
import { ChainmailError } from '../../src/errors.js';
import { deriveChain } from '../../src/chain/derive.js';
import { loadChainFile, parseChainText } from '../../src/chain/file.js';
import { freshSubnet, planBypass } from '../../src/chain/heal-plan.js';
import type { ChainSpec, DesiredChain, LinkSpec } from '../../src/chain/model.js';
import { formatDestination } from '../../src/parse/koro.js';
import { formatCidr, type Cidr } from '../../src/parse/values.js';

const cidr = (text: string): Cidr => {
  const [address, prefix] = text.split('/') as [string, string];
  return { family: address.includes(':') ? 6 : 4, address, prefix: Number(prefix) };
};

const chain = (...lines: string[]): ChainSpec => parseChainText(lines.join('\n') + '\n', 'test.yaml');

const routesOf = (desired: DesiredChain) => desired.routes.map((r) => `${r.node}: ${formatDestination(r.destination)} via ${r.via} dev ${r.dev}`);

const linkText = (link: LinkSpec) => `${link.a.node}:${link.a.ifname} - ${link.b.node}:${link.b.ifname} ${link.subnet ? formatCidr(link.subnet) : '?'}`;

const seed = () => loadChainFile('examples/service-chain.yaml');

/** n1 - n2 - n3 - n4 - n5 on 10.0.1.0/24 .. 10.0.4.0/24, interfaces link1 .. link8. */
const fiveChain = () =>
  chain(
    'name: five',
    'nodes: [n1, n2, n3, n4, n5]',
    'links:',
    '  - [n1:link1, n2:link2, 10.0.1.0/24]',
    '  - [n2:link3, n3:link4, 10.0.2.0/24]',
    '  - [n3:link5, n4:link6, 10.0.3.0/24]',
    '  - [n4:link7, n5:link8, 10.0.4.0/24]',
    'probes:',
    '  - { from: n1, ping: n5 }',
    '  - { from: n3, ping: n5 }',
    '  - { from: n1, ping: n3 }',
  );

describe("planBypass: the seed's dead firewall", () => {
  const plan = planBypass(seed(), ['firewall'], []);

  it('joins client and router directly: client:link7 - router:link8 on 10.0.4.0/24, as in the story', () => {
    expect(plan.newLinks).toEqual([
      {
        a: { node: 'client', ifname: 'link7' },
        b: { node: 'router', ifname: 'link8' },
        subnet: cidr('10.0.4.0/24'),
      },
    ]);
    expect(plan.notes).toEqual(['joined client and router around firewall: client:link7 - router:link8, 10.0.4.0/24']);
  });

  it('drops the firewall and its links, keeps the rest, new links last', () => {
    expect(plan.spec.nodes.map((n) => n.name)).toEqual(['client', 'router', 'webserver']);
    expect(plan.spec.links.map(linkText)).toEqual(['router:link5 - webserver:link6 10.0.3.0/24', 'client:link7 - router:link8 10.0.4.0/24']);
    expect(plan.spec.probes).toEqual([{ from: 'client', kind: 'http', to: 'webserver', expect: 'ok' }]);
    expect(plan.spec.name).toBe('service-chain');
  });

  it("derives the story's repaired routes: the new client default, nothing extra on the router", () => {
    const desired = deriveChain(plan.spec);
    expect(routesOf(desired)).toEqual(['client: default via 10.0.4.2 dev link7', 'webserver: default via 10.0.3.1 dev link6']);
    expect(desired.forwarding).toEqual(['router']);
    expect(desired.links.map((l) => `${l.a.node}:${l.a.ifname} ${formatCidr(l.a.address)}`)).toContain('client:link7 10.0.4.1/24');
    expect(desired.probes).toEqual([{ from: 'client', kind: 'http', target: 'http://10.0.3.2:80/', expect: 'ok' }]);
  });

  it('leaves the spec it was given alone', () => {
    const spec = seed();
    const before = JSON.stringify(spec);
    planBypass(spec, ['firewall'], []);
    expect(JSON.stringify(spec)).toBe(before);
  });

  it('skips subnets already in use elsewhere', () => {
    const plan = planBypass(seed(), ['firewall'], [cidr('10.0.4.0/24'), cidr('10.0.5.0/25')]);
    expect(plan.newLinks.map(linkText)).toEqual(['client:link7 - router:link8 10.0.6.0/24']);
  });

  it("drops the dead node's firewall rules, forwarding entry and probes, and file routes across its links", () => {
    const spec = chain(
      'name: seed',
      'nodes: [client, firewall, router, webserver]',
      'links:',
      '  - [client:link1, firewall:link2, 10.0.1.0/24]',
      '  - [firewall:link3, router:link4, 10.0.2.0/24]',
      '  - [router:link5, webserver:link6, 10.0.3.0/24]',
      'routes:',
      '  - { node: client, to: 192.168.0.0/16, via: 10.0.1.2 }',
      '  - { node: webserver, to: 192.168.0.0/16, via: 10.0.3.1 }',
      '  - { node: firewall, to: default, via: 10.0.2.2 }',
      'forwarding: [firewall, router]',
      'firewall:',
      '  - { node: firewall, rule: "-p icmp -j DROP" }',
      'probes:',
      '  - { from: client, ping: firewall }',
      '  - { from: firewall, ping: router }',
      '  - { from: webserver, ping: 10.0.1.1 }',
      '  - { from: webserver, http: "http://10.0.1.1:8080/" }',
      '  - { from: client, ping: 10.0.3.2 }',
    );
    const plan = planBypass(spec, ['firewall'], []);
    expect(plan.spec.routes.map((r) => `${r.node} via ${r.via}`)).toEqual(['webserver via 10.0.3.1']);
    expect(plan.spec.forwarding).toEqual(['router']);
    expect(plan.spec.firewall).toEqual([]);
    expect(plan.spec.probes).toEqual([{ from: 'client', kind: 'ping', to: '10.0.3.2', expect: 'ok' }]);
    expect(plan.notes).toEqual([
      'joined client and router around firewall: client:link7 - router:link8, 10.0.4.0/24',
      'the route on client via 10.0.1.2 is dropped: its link is gone',
      'the ping probe from webserver to 10.0.1.1 is dropped: that address went with its link',
      'the http probe from webserver to http://10.0.1.1:8080/ is dropped: that address went with its link',
    ]);
  });
});

describe('planBypass: other shapes', () => {
  it('bypasses a middle node of a five-node chain', () => {
    const plan = planBypass(fiveChain(), ['n3'], []);
    expect(plan.newLinks.map(linkText)).toEqual(['n2:link9 - n4:link10 10.0.5.0/24']);
    expect(plan.spec.links.map(linkText)).toEqual(['n1:link1 - n2:link2 10.0.1.0/24', 'n4:link7 - n5:link8 10.0.4.0/24', 'n2:link9 - n4:link10 10.0.5.0/24']);
    expect(routesOf(deriveChain(plan.spec))).toEqual([
      'n1: default via 10.0.1.2 dev link1',
      'n2: 10.0.4.0/24 via 10.0.5.2 dev link9',
      'n4: 10.0.1.0/24 via 10.0.5.1 dev link10',
      'n5: default via 10.0.4.1 dev link8',
    ]);
    expect(plan.spec.probes).toEqual([{ from: 'n1', kind: 'ping', to: 'n5', expect: 'ok' }]);
  });

  it('a dead leaf has no neighbours to join: nothing new, the node removed', () => {
    const plan = planBypass(seed(), ['webserver'], []);
    expect(plan.newLinks).toEqual([]);
    expect(plan.spec.nodes.map((n) => n.name)).toEqual(['client', 'firewall', 'router']);
    expect(plan.spec.links.map(linkText)).toEqual(['client:link1 - firewall:link2 10.0.1.0/24', 'firewall:link3 - router:link4 10.0.2.0/24']);
    expect(plan.spec.probes).toEqual([]);
    expect(plan.notes).toEqual(['webserver had one live neighbour, router: removed, nothing to join']);
  });

  it('two dead nodes in a row are bypassed together', () => {
    const plan = planBypass(fiveChain(), ['n3', 'n2'], []);
    expect(plan.newLinks.map(linkText)).toEqual(['n1:link9 - n4:link10 10.0.5.0/24']);
    expect(plan.notes).toEqual(['joined n1 and n4 around n2 and n3: n1:link9 - n4:link10, 10.0.5.0/24']);
    expect(routesOf(deriveChain(plan.spec))).toEqual(['n1: default via 10.0.5.2 dev link9', 'n5: default via 10.0.4.1 dev link8']);
  });

  it('two dead nodes apart get a new link each, with fresh subnets and names', () => {
    const plan = planBypass(fiveChain(), ['n2', 'n4'], []);
    expect(plan.newLinks.map(linkText)).toEqual(['n1:link9 - n3:link10 10.0.5.0/24', 'n3:link11 - n5:link12 10.0.6.0/24']);
  });

  it('a dead branch node with three neighbours: they are linked as a path in file order, and a note says so', () => {
    const plan = planBypass(loadChainFile('examples/branch.yaml'), ['firewall'], []);
    expect(plan.newLinks.map(linkText)).toEqual(['client1:link9 - client2:link10 10.0.5.0/24', 'client2:link11 - router:link12 10.0.6.0/24']);
    expect(plan.notes[0]).toBe(
      'firewall joined 3 nodes (client1, client2, router); without it they cannot form a star, ' +
        'so they are linked as a path in file order: client1 - client2 - router',
    );
    expect(plan.spec.firewall).toEqual([]);
    const desired = deriveChain(plan.spec);
    expect(desired.forwarding).toEqual(['client2', 'router']);
    expect(routesOf(desired)).toEqual([
      'client1: default via 10.0.5.2 dev link9',
      'client2: 10.0.4.0/24 via 10.0.6.2 dev link11',
      'router: 10.0.5.0/24 via 10.0.6.1 dev link12',
      'webserver: default via 10.0.4.1 dev link8',
    ]);
  });

  it('an explicit forwarding list gains a node the bypass now goes through', () => {
    const spec = { ...loadChainFile('examples/branch.yaml'), forwarding: ['firewall', 'router'] };
    const plan = planBypass(spec, ['firewall'], []);
    expect(plan.spec.forwarding).toEqual(['router', 'client2']);
    expect(plan.notes).toContain('client2 now forwards: the bypass goes through it');
  });

  it('neighbours already linked to each other need no new link (a ring)', () => {
    const ring = chain('name: ring', 'nodes: [a, b, c]', 'links:', '  - [a:l1, b:l1, 10.0.1.0/24]', '  - [b:l2, c:l2, 10.0.2.0/24]', '  - [c:l3, a:l3, 10.0.3.0/24]');
    const plan = planBypass(ring, ['b'], []);
    expect(plan.newLinks).toEqual([]);
    expect(plan.notes).toEqual(['a and c are already linked: no new link between them']);
    expect(plan.spec.links.map(linkText)).toEqual(['c:l3 - a:l3 10.0.3.0/24']);
  });

  it('numbers new interfaces after the highest link<N>, whatever the other names', () => {
    const spec = chain('name: eth', 'nodes: [a, b, c]', 'links:', '  - [a:eth0, b:eth0, 10.0.1.0/24]', '  - [b:eth1, c:eth1, 10.0.2.0/24]');
    expect(planBypass(spec, ['b'], []).newLinks.map(linkText)).toEqual(['a:link1 - c:link2 10.0.3.0/24']);
  });

  it('an IPv6 chain gets the next free IPv6 subnet of the same size', () => {
    const spec = chain('name: six', 'nodes: [a, b, c]', 'links:', '  - [a:link1, b:link2, 2001:db8:1::/64]', '  - [b:link3, c:link4, 2001:db8:2::/64]');
    const plan = planBypass(spec, ['b'], []);
    expect(plan.newLinks.map(linkText)).toEqual(['a:link5 - c:link6 2001:db8:1:1::/64']);
    expect(routesOf(deriveChain(plan.spec))).toEqual([]);
  });

  it('nothing dead, nothing changed', () => {
    const plan = planBypass(seed(), [], []);
    expect(plan.newLinks).toEqual([]);
    expect(plan.spec.links).toEqual(seed().links);
  });

  it('refuses a dead node that is not in the chain', () => {
    expect(() => planBypass(seed(), ['firewal'], [])).toThrow(ChainmailError);
    expect(() => planBypass(seed(), ['firewal'], [])).toThrow('cannot bypass "firewal": it is not a node of service-chain (nodes: client, firewall, router, webserver)');
  });
});

describe('freshSubnet', () => {
  it('takes the next free subnet of the same size after the template', () => {
    expect(freshSubnet(cidr('10.0.1.0/24'), [cidr('10.0.1.0/24'), cidr('10.0.2.0/24')])).toEqual(cidr('10.0.3.0/24'));
  });

  it('skips a bigger taken subnet whole', () => {
    expect(freshSubnet(cidr('10.0.1.0/24'), [cidr('10.0.0.0/16')])).toEqual(cidr('10.1.0.0/24'));
  });

  it('goes on from the start of the address space past its end', () => {
    expect(freshSubnet(cidr('255.255.255.0/24'), [cidr('0.0.0.0/24')])).toEqual(cidr('0.0.1.0/24'));
  });

  it('says when there is none', () => {
    expect(() => freshSubnet(cidr('10.0.0.0/1'), [cidr('0.0.0.0/1'), cidr('128.0.0.0/1')])).toThrow(
      "no free /1 subnet left for a new link (all overlap the chain's or those in use)",
    );
  });
});
