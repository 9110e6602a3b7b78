/**
 * What a chain file means (chain/derive.ts, chain/subnets.ts): addresses,
 * routes (summarized, and still reaching every subnet), forwarding and probes
 * for the examples and for graphs other than a line. Long because each graph
 * shape is its own case.
 */
import { describe, expect, it } from 'vitest';
import { ChainmailError } from '../../src/errors.js';
import { deriveChain, derivePath } from '../../src/chain/derive.js';
import { addressValue, exactCover, hostAddress, subnetContains, subnetsOverlap } from '../../src/chain/subnets.js';
import { loadChainFile, parseChainText } from '../../src/chain/file.js';
import type { ChainSpec, DesiredChain } from '../../src/chain/model.js';
import { formatDestination } from '../../src/parse/koro.js';
import { formatCidr, type Cidr } from '../../src/parse/values.js';

const cidr = (text: string): Cidr => {
  const [address, prefix] = text.split('/') as [string, string];
  return { family: address.includes(':') ? 6 : 4, address, prefix: Number(prefix) };
};

const chain = (...lines: string[]): ChainSpec => parseChainText(lines.join('\n') + '\n', 'test.yaml');

/** Routes as koro would be told them, with where they came from. */
const routesOf = (desired: DesiredChain) =>
  desired.routes.map((r) => `${r.node}: ${formatDestination(r.destination)} via ${r.via} dev ${r.dev}${r.origin === 'file' ? ' (file)' : ''}`);

const addressesOf = (desired: DesiredChain) => desired.links.flatMap((l) => [l.a, l.b]).map((end) => `${end.node}:${end.ifname} ${formatCidr(end.address)}`);

describe("deriveChain: the seed's service chain", () => {
  const desired = deriveChain(loadChainFile('examples/service-chain.yaml'));

  it('gives each end its address: a the first host, b the second', () => {
    expect(addressesOf(desired)).toEqual([
      'client:link1 10.0.1.1/24',
      'firewall:link2 10.0.1.2/24',
      'firewall:link3 10.0.2.1/24',
      'router:link4 10.0.2.2/24',
      'router:link5 10.0.3.1/24',
      'webserver:link6 10.0.3.2/24',
    ]);
  });

  it("derives exactly the seed's four routes", () => {
    expect(routesOf(desired)).toEqual([
      'client: default via 10.0.1.2 dev link1',
      'firewall: 10.0.3.0/24 via 10.0.2.2 dev link3',
      'router: 10.0.1.0/24 via 10.0.2.1 dev link4',
      'webserver: default via 10.0.3.1 dev link6',
    ]);
    expect(desired.routes[0]).toEqual({
      node: 'client',
      destination: { kind: 'default', family: 4 },
      via: '10.0.1.2',
      dev: 'link1',
      origin: 'derived',
    });
    expect(desired.routes[1]!.destination).toEqual({ kind: 'prefix', prefix: cidr('10.0.3.0/24') });
  });

  it('turns forwarding on in the firewall and the router', () => {
    expect(desired.forwarding).toEqual(['firewall', 'router']);
  });

  it("resolves the probe to the webserver's address and served port", () => {
    expect(desired.probes).toEqual([{ from: 'client', kind: 'http', target: 'http://10.0.3.2:80/', expect: 'ok' }]);
  });

  it('keeps the name, nodes and firewall rules as written', () => {
    expect(desired.name).toBe('service-chain');
    expect(desired.nodes.map((n) => n.name)).toEqual(['client', 'firewall', 'router', 'webserver']);
    expect(desired.firewall).toEqual([]);
  });
});

describe('deriveChain: the warm-up', () => {
  it('gives both hosts a default route through the firewall, which forwards', () => {
    const desired = deriveChain(loadChainFile('examples/warm-up.yaml'));
    expect(routesOf(desired)).toEqual(['test1: default via 10.0.1.2 dev link1', 'test2: default via 10.0.2.1 dev link4']);
    expect(desired.forwarding).toEqual(['iptables']);
    expect(desired.probes).toEqual([{ from: 'test1', kind: 'ping', target: '10.0.2.2', expect: 'ok' }]);
  });
});

describe('deriveChain: a branch', () => {
  const desired = deriveChain(loadChainFile('examples/branch.yaml'));

  it('routes both clients through the firewall, the firewall to the far subnet, the router back to both clients', () => {
    expect(routesOf(desired)).toEqual([
      'client1: default via 10.0.1.2 dev link1',
      'client2: default via 10.0.2.2 dev link3',
      'firewall: 10.0.4.0/24 via 10.0.3.2 dev link5',
      'router: 10.0.1.0/24 via 10.0.3.1 dev link6',
      'router: 10.0.2.0/24 via 10.0.3.1 dev link6',
      'webserver: default via 10.0.4.1 dev link8',
    ]);
    expect(desired.forwarding).toEqual(['firewall', 'router']);
  });

  it('resolves probes from both clients, http to the served port', () => {
    expect(desired.probes).toEqual([
      { from: 'client1', kind: 'http', target: 'http://10.0.4.2:8080/', expect: 'ok' },
      { from: 'client2', kind: 'http', target: 'http://10.0.4.2:8080/', expect: 'ok' },
      { from: 'client1', kind: 'ping', target: '10.0.4.2', expect: 'ok' },
      { from: 'client2', kind: 'ping', target: '10.0.4.2', expect: 'fail' },
    ]);
    expect(desired.firewall).toEqual([{ node: 'firewall', rule: ['-s', '10.0.2.0/24', '-p', 'icmp', '-j', 'DROP'] }]);
  });
});

describe('deriveChain: graphs other than a line', () => {
  it('a ring of three: every node reaches the subnet opposite it, once, via the first neighbour in link order', () => {
    const desired = deriveChain(
      chain('name: ring', 'nodes: [a, b, c]', 'links:', '  - [a:l1, b:l1, 10.0.1.0/24]', '  - [b:l2, c:l2, 10.0.2.0/24]', '  - [c:l3, a:l3, 10.0.3.0/24]'),
    );
    expect(routesOf(desired)).toEqual(['a: 10.0.2.0/24 via 10.0.1.2 dev l1', 'b: 10.0.3.0/24 via 10.0.1.1 dev l1', 'c: 10.0.1.0/24 via 10.0.2.1 dev l2']);
    expect(desired.forwarding).toEqual(['a', 'b', 'c']);
  });

  it('a ring of four takes the shorter way round to each subnet', () => {
    const desired = deriveChain(
      chain(
        'name: ring4',
        'nodes: [a, b, c, d]',
        'links:',
        '  - [a:l1, b:l1, 10.0.1.0/24]',
        '  - [b:l2, c:l2, 10.0.2.0/24]',
        '  - [c:l3, d:l3, 10.0.3.0/24]',
        '  - [d:l4, a:l4, 10.0.4.0/24]',
      ),
    );
    const fromA = routesOf(desired).filter((r) => r.startsWith('a:'));
    // 10.0.2 is one hop away both ways (b or d); b comes first in link order
    expect(fromA).toEqual(['a: 10.0.2.0/24 via 10.0.1.2 dev l1', 'a: 10.0.3.0/24 via 10.0.4.1 dev l4']);
    for (const node of ['a', 'b', 'c', 'd']) {
      const destinations = desired.routes.filter((r) => r.node === node).map((r) => formatDestination(r.destination));
      expect(new Set(destinations).size, node).toBe(destinations.length);
      expect(destinations, node).toHaveLength(2);
    }
  });

  it('a two-node chain needs no routes at all: each is on the only subnet', () => {
    const desired = deriveChain(chain('name: pair', 'nodes: [a, b]', 'links:', '  - [a:l1, b:l1, 10.0.1.0/24]'));
    expect(desired.routes).toEqual([]);
    expect(desired.forwarding).toEqual([]);
  });

  it('routes only within each connected part', () => {
    const desired = deriveChain(chain('name: islands', 'nodes: [a, b, c, d]', 'links:', '  - [a:l1, b:l1, 10.0.1.0/24]', '  - [c:l1, d:l1, 10.0.2.0/24]'));
    expect(desired.routes).toEqual([]);
  });
});

describe('deriveChain: summarized routes on a long path', () => {
  /** A path n0 - n1 - ... with link i on 10.(i/256).(i%256).0/24, as the scale bench builds it. */
  const path = (nodes: number) => {
    const lines = ['name: path', `nodes: [${Array.from({ length: nodes }, (_, i) => `n${i}`).join(', ')}]`, 'links:'];
    for (let i = 0; i + 1 < nodes; i++) lines.push(`  - [n${i}:r${i}, n${i + 1}:l${i}, 10.${Math.floor(i / 256)}.${i % 256}.0/24]`);
    return deriveChain(chain(...lines));
  };

  it('a middle node gets a few covering prefixes per side instead of a route per subnet', () => {
    const desired = path(10);
    // n4 is on links 3 and 4; links 0-2 are behind n3, links 5-8 behind n5
    expect(routesOf(desired).filter((r) => r.startsWith('n4:'))).toEqual([
      'n4: 10.0.0.0/23 via 10.0.3.1 dev l3',
      'n4: 10.0.2.0/24 via 10.0.3.1 dev l3',
      'n4: 10.0.5.0/24 via 10.0.4.2 dev r4',
      'n4: 10.0.6.0/23 via 10.0.4.2 dev r4',
      'n4: 10.0.8.0/24 via 10.0.4.2 dev r4',
    ]);
  });

  it('every node still reaches every subnet through the neighbour towards it, by longest prefix', () => {
    const nodes = 100;
    const desired = path(nodes);
    expect(desired.routes.length).toBeLessThan(nodes * 40);
    const subnets = desired.links.map((l) => l.a.address);
    for (let n = 1; n + 1 < nodes; n++) {
      const mine = desired.routes.filter((r) => r.node === `n${n}`);
      subnets.forEach((subnet, i) => {
        if (i === n - 1 || i === n) return; // its own two links
        const matches = mine.filter((r) => r.destination.kind === 'prefix' && subnetContains(r.destination.prefix, subnet));
        expect(matches, `n${n} -> ${subnet.address}`).toHaveLength(1);
        expect(matches[0]!.dev, `n${n} -> ${subnet.address}`).toBe(i < n ? `l${n - 1}` : `r${n}`);
      });
    }
  });
});

describe('exactCover', () => {
  const cover = (...subnets: string[]) => exactCover(subnets.map(cidr)).map(formatCidr);

  it('merges two halves into their prefix, and only two halves', () => {
    expect(cover('10.0.0.0/24', '10.0.1.0/24')).toEqual(['10.0.0.0/23']);
    expect(cover('10.0.1.0/24', '10.0.2.0/24')).toEqual(['10.0.1.0/24', '10.0.2.0/24']);
    expect(cover('10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24', '10.0.4.0/24', '10.0.5.0/24')).toEqual(['10.0.0.0/22', '10.0.4.0/23']);
  });

  it('drops duplicates and subnets inside another, keeps the order of first appearance', () => {
    expect(cover('10.0.5.0/24', '10.0.0.0/16', '10.0.5.0/24')).toEqual(['10.0.0.0/16']);
    expect(cover('10.0.9.0/24', '10.0.0.0/24', '10.0.1.0/24')).toEqual(['10.0.9.0/24', '10.0.0.0/23']);
    expect(cover()).toEqual([]);
  });

  it('works for IPv6 and point-to-point prefixes', () => {
    expect(cover('2001:db8:0:1::/64', '2001:db8::/64')).toEqual(['2001:db8::/63']);
    expect(cover('10.0.0.0/31', '10.0.0.2/31')).toEqual(['10.0.0.0/30']);
  });

  it('covers exactly the given subnets, for random sets of /24s in a /20', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const chosen = Array.from({ length: 16 }, (_, i) => i).filter(() => random() < 0.6);
      const result = exactCover(chosen.map((i) => cidr(`10.1.${i}.0/24`)));
      for (let i = 0; i < 16; i++) {
        const covered = result.filter((c) => subnetContains(c, { family: 4, address: `10.1.${i}.1` }));
        expect(covered.length, `round ${round}, 10.1.${i}.0/24 of ${chosen.join(',')}`).toBe(chosen.includes(i) ? 1 : 0);
      }
      // no two results could have been one
      const values = new Set(result.map((c) => `${addressValue(c)}/${c.prefix}`));
      for (const c of result) {
        const size = 1n << BigInt(32 - c.prefix);
        const sibling = addressValue(c) ^ size;
        expect(values.has(`${sibling}/${c.prefix}`), formatCidr(c)).toBe(false);
      }
    }
  });
});

describe('deriveChain: address families', () => {
  it('an IPv6 chain: ::1 and ::2 on each link, IPv6 defaults and prefixes', () => {
    const desired = deriveChain(
      chain(
        'name: six',
        'nodes: [client, router, server]',
        'links:',
        '  - [client:link1, router:link2, 2001:db8:1::/64]',
        '  - [router:link3, server:link4, 2001:db8:2::/64]',
        'probes:',
        '  - { from: client, http: server }',
        '  - { from: client, ping: server }',
      ),
    );
    expect(addressesOf(desired)).toEqual([
      'client:link1 2001:db8:1::1/64',
      'router:link2 2001:db8:1::2/64',
      'router:link3 2001:db8:2::1/64',
      'server:link4 2001:db8:2::2/64',
    ]);
    expect(routesOf(desired)).toEqual(['client: default via 2001:db8:1::2 dev link1', 'server: default via 2001:db8:2::1 dev link4']);
    expect(desired.routes[0]!.destination).toEqual({ kind: 'default', family: 6 });
    expect(desired.probes.map((p) => p.target)).toEqual(['http://[2001:db8:2::2]:80/', '2001:db8:2::2']);
  });

  it('derives each family over its own links', () => {
    const desired = deriveChain(
      chain(
        'name: mixed',
        'nodes: [a, b, c]',
        'links:',
        '  - [a:l1, b:l1, 10.0.1.0/24]',
        '  - [b:l2, c:l2, 10.0.2.0/24]',
        '  - [a:l3, b:l3, 2001:db8:1::/64]',
        '  - [b:l4, c:l4, 2001:db8:2::/64]',
      ),
    );
    expect(routesOf(desired)).toEqual([
      'a: default via 10.0.1.2 dev l1',
      'c: default via 10.0.2.1 dev l2',
      'a: default via 2001:db8:1::2 dev l3',
      'c: default via 2001:db8:2::1 dev l4',
    ]);
  });

  it('point-to-point subnets use both addresses', () => {
    const desired = deriveChain(chain('name: p2p', 'nodes: [a, b]', 'links:', '  - [a:l1, b:l1, 10.0.1.0/31]', '  - [a:l2, b:l2, 2001:db8::/127]'));
    expect(addressesOf(desired)).toEqual(['a:l1 10.0.1.0/31', 'b:l1 10.0.1.1/31', 'a:l2 2001:db8::/127', 'b:l2 2001:db8::1/127']);
  });

  it('explicit addresses are used as written', () => {
    const desired = deriveChain(chain('name: explicit', 'nodes: [a, b, c]', 'links:', '  - [a:l1, b:l1, 10.0.1.9/24, 10.0.1.5/24]', '  - [b:l2, c:l2, 10.0.2.0/24]'));
    expect(addressesOf(desired)).toEqual(['a:l1 10.0.1.9/24', 'b:l1 10.0.1.5/24', 'b:l2 10.0.2.1/24', 'c:l2 10.0.2.2/24']);
    expect(routesOf(desired)).toEqual(['a: default via 10.0.1.5 dev l1', 'c: default via 10.0.2.1 dev l2']);
  });
});

describe('deriveChain: file routes', () => {
  const seedWith = (...routes: string[]) =>
    chain(
      'name: seed',
      'nodes: [client, firewall, router, webserver]',
      'links:',
      '  - [client:link1, firewall:link2, 10.0.1.0/24]',
      '  - [firewall:link3, router:link4, 10.0.2.0/24]',
      '  - [router:link5, webserver:link6, 10.0.3.0/24]',
      'routes:',
      ...routes.map((r) => `  - ${r}`),
    );

  /**
   * The seed with routes set on the parsed spec: these send traffic to the
   * webserver, whose derived default points back, a loop the loader refuses;
   * here only deriveChain's merging is under test.
   */
  const seedWithLooping = (...routes: ChainSpec['routes']): ChainSpec => ({ ...seedWith(), routes });
  const prefix = (address: string, length: number) => ({ kind: 'prefix' as const, prefix: { family: 4 as const, address, prefix: length } });

  it('replaces the derived route to the same destination on the same node, in place', () => {
    const desired = deriveChain(seedWithLooping({ node: 'router', destination: prefix('10.0.1.0', 24), via: '10.0.3.2' }));
    expect(routesOf(desired)).toEqual([
      'client: default via 10.0.1.2 dev link1',
      'firewall: 10.0.3.0/24 via 10.0.2.2 dev link3',
      'router: 10.0.1.0/24 via 10.0.3.2 dev link5 (file)',
      'webserver: default via 10.0.3.1 dev link6',
    ]);
  });

  it('adds routes to new destinations last, finding dev from the gateway or taking it as written', () => {
    const desired = deriveChain(
      seedWithLooping(
        { node: 'router', destination: { kind: 'default', family: 4 }, via: '10.0.3.2' },
        { node: 'client', destination: prefix('192.168.0.0', 16), via: '10.0.1.2', dev: 'link1' },
      ),
    );
    expect(routesOf(desired).slice(4)).toEqual(['router: default via 10.0.3.2 dev link5 (file)', 'client: 192.168.0.0/16 via 10.0.1.2 dev link1 (file)']);
  });

  it('a file default route replaces a derived default (0.0.0.0/0 is default)', () => {
    const desired = deriveChain(seedWith('{ node: client, to: 0.0.0.0/0, via: 10.0.1.2 }'));
    expect(routesOf(desired)).toContain('client: default via 10.0.1.2 dev link1 (file)');
    expect(desired.routes.filter((r) => r.node === 'client')).toHaveLength(1);
  });
});

describe('deriveChain: forwarding', () => {
  const base = ['name: f', 'nodes: [a, b, c]', 'links:', '  - [a:l1, b:l1, 10.0.1.0/24]', '  - [b:l2, c:l2, 10.0.2.0/24]'];

  it('derives it from the links when absent', () => {
    expect(deriveChain(chain(...base)).forwarding).toEqual(['b']);
  });

  it('takes it as written, even an empty list', () => {
    expect(deriveChain(chain(...base, 'forwarding: [a, b]')).forwarding).toEqual(['a', 'b']);
    expect(deriveChain(chain(...base, 'forwarding: []')).forwarding).toEqual([]);
  });
});

describe('deriveChain: probes', () => {
  const desired = deriveChain(
    chain(
      'name: p',
      'nodes:',
      '  - a',
      '  - { name: b, serve: { port: 8080 } }',
      '  - c',
      'links:',
      '  - [a:l1, b:l1, 10.0.1.0/24]',
      '  - [b:l2, c:l2, 10.0.2.0/24]',
      'probes:',
      '  - { from: a, http: b }',
      '  - { from: a, http: c }',
      '  - { from: a, ping: b }',
      '  - { from: a, http: 10.0.2.2 }',
      '  - { from: a, http: "http://10.0.2.2:81/x" }',
      '  - { from: a, ping: 10.0.2.2, expect: fail }',
      '  - { from: a, http: c, expect: 404 }',
    ),
  );

  it('resolves node names to their first address, http with the served port (80 when none)', () => {
    expect(desired.probes).toEqual([
      { from: 'a', kind: 'http', target: 'http://10.0.1.2:8080/', expect: 'ok' },
      { from: 'a', kind: 'http', target: 'http://10.0.2.2:80/', expect: 'ok' },
      { from: 'a', kind: 'ping', target: '10.0.1.2', expect: 'ok' },
      { from: 'a', kind: 'http', target: 'http://10.0.2.2/', expect: 'ok' },
      { from: 'a', kind: 'http', target: 'http://10.0.2.2:81/x', expect: 'ok' },
      { from: 'a', kind: 'ping', target: '10.0.2.2', expect: 'fail' },
      { from: 'a', kind: 'http', target: 'http://10.0.2.2:80/', expect: 404 },
    ]);
  });

  it('refuses a probe to a node with no address (a spec not checked by the file reader)', () => {
    const spec = chain('name: p', 'nodes: [a, b, c]', 'links:', '  - [a:l1, b:l1, 10.0.1.0/24]');
    spec.probes.push({ from: 'a', kind: 'ping', to: 'c', expect: 'ok' });
    expect(() => deriveChain(spec)).toThrow(ChainmailError);
    expect(() => deriveChain(spec)).toThrow('probe from a to c: c is on no link, so it has no address');
  });
});

describe('derivePath and address helpers', () => {
  it('finds the shortest path by hops, ties by link order', () => {
    const seed = loadChainFile('examples/service-chain.yaml');
    expect(derivePath(seed, 'client', 'webserver')).toEqual(['client', 'firewall', 'router', 'webserver']);
    expect(derivePath(seed, 'router', 'router')).toEqual(['router']);
    const ring = chain(
      'name: r',
      'nodes: [a, b, c, d]',
      'links:',
      '  - [a:l1, b:l1, 10.0.1.0/24]',
      '  - [b:l2, c:l2, 10.0.2.0/24]',
      '  - [c:l3, d:l3, 10.0.3.0/24]',
      '  - [d:l4, a:l4, 10.0.4.0/24]',
    );
    expect(derivePath(ring, 'a', 'c')).toEqual(['a', 'b', 'c']);
    expect(derivePath(ring, 'a', 'd')).toEqual(['a', 'd']);
  });

  it('says when there is no path', () => {
    const islands = chain('name: i', 'nodes: [a, b, c, d]', 'links:', '  - [a:l1, b:l1, 10.0.1.0/24]', '  - [c:l1, d:l1, 10.0.2.0/24]');
    expect(derivePath(islands, 'a', 'd')).toBeUndefined();
  });

  it('hostAddress counts hosts from the network, carrying across octets and hextets', () => {
    expect(hostAddress(cidr('10.0.1.0/24'), 0)).toEqual(cidr('10.0.1.1/24'));
    expect(hostAddress(cidr('10.0.0.0/16'), 255)).toEqual(cidr('10.0.1.0/16'));
    expect(hostAddress(cidr('2001:db8::/64'), 1)).toEqual(cidr('2001:db8::2/64'));
    expect(hostAddress(cidr('2001:db8::ffff/112'), 0)).toEqual(cidr('2001:db8::1/112'));
    expect(hostAddress(cidr('2001:db8::/32'), 0xffff)).toEqual(cidr('2001:db8::1:0/32'));
  });

  it('subnetsOverlap compares at the shorter prefix, never across families', () => {
    expect(subnetsOverlap(cidr('10.0.0.0/16'), cidr('10.0.3.0/24'))).toBe(true);
    expect(subnetsOverlap(cidr('10.0.1.0/24'), cidr('10.0.2.0/24'))).toBe(false);
    expect(subnetsOverlap(cidr('0.0.0.0/8'), cidr('::/8'))).toBe(false);
  });
});
