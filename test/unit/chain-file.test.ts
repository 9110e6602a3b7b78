/**
 * The chain file reader: every field of docs/chain-file.md accepted in each
 * of its forms, and every mistake refused with FILE:LINE: field: problem.
 * Long because the file format is: one describe per section of the file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainmailError, EXIT_USAGE } from '../../src/errors.js';
import { ChainFileError, loadChainFile, parseChainText as parseWithLoader } from '../../src/chain/file.js';
import type { Cidr } from '../../src/parse/values.js';
import { expectSchemaAgrees, unneededValidatorOnly } from '../support/file-schemas.js';

/** The loader, with the chain file schema held to accept what it accepts. */
const parseChainText: typeof parseWithLoader = (source, fileName) => {
  const spec = parseWithLoader(source, fileName);
  expectSchemaAgrees('chain', source);
  return spec;
};

// every refusal the schema cannot express has a case here
afterAll(() => expect(unneededValidatorOnly('chain')).toEqual([]));

const cidr = (text: string): Cidr => {
  const [address, prefix] = text.split('/') as [string, string];
  return { family: address.includes(':') ? 6 : 4, address, prefix: Number(prefix) };
};

/** Lines 1-8: a three-node chain that later lines add to. */
const BASE = [
  'name: test-chain',
  'nodes:',
  '  - name: client',
  '  - name: firewall',
  '  - name: router',
  'links:',
  '  - [client:link1, firewall:link2, 10.0.1.0/24]',
  '  - [firewall:link3, router:link4, 10.0.2.0/24]',
];

const text = (...lines: string[]) => lines.join('\n') + '\n';
const withBase = (...more: string[]) => text(...BASE, ...more);

/** The one-line message parseChainText throws for the text (file name x.yaml). */
function errorOf(source: string): string {
  try {
    parseChainText(source, 'x.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ChainFileError);
    expect((err as ChainFileError).exitCode).toBe(EXIT_USAGE);
    expect((err as ChainFileError).message).not.toContain('\n');
    // and the schema refuses it too, unless only the loader can
    expectSchemaAgrees('chain', source, err as ChainFileError);
    return (err as ChainFileError).message;
  }
  throw new Error('expected a ChainFileError, but the text was accepted');
}

describe('parseChainText: what it reads', () => {
  it('reads the base chain: names, links with subnets, empty optional sections', () => {
    const spec = parseChainText(withBase(), 'x.yaml');
    expect(spec).toEqual({
      name: 'test-chain',
      file: 'x.yaml',
      nodes: [{ name: 'client' }, { name: 'firewall' }, { name: 'router' }],
      links: [
        { a: { node: 'client', ifname: 'link1' }, b: { node: 'firewall', ifname: 'link2' }, subnet: cidr('10.0.1.0/24') },
        { a: { node: 'firewall', ifname: 'link3' }, b: { node: 'router', ifname: 'link4' }, subnet: cidr('10.0.2.0/24') },
      ],
      routes: [],
      firewall: [],
      probes: [],
    });
    expect(spec.forwarding).toBeUndefined();
  });

  it('reads every field, in every form', () => {
    const spec = parseChainText(
      text(
        'name: all-forms',
        'nodes:',
        '  - a',
        '  - name: b',
        '    image: chainmail-test:busybox',
        '    command: sleep 2000000',
        '  - name: c',
        '    command: [sleep, 2000000]',
        '    serve: { port: 8080, body: "<title>hi</title>" }',
        '  - name: d',
        '    serve: {}',
        '  - name: 010',
        'links:',
        '  - [a:link1, b:link2, 10.0.1.0/31]',
        '  - [b:link3, c:link4, 10.0.2.1/24, 10.0.2.9/24]',
        '  - { a: c:eth1, b: d:eth1, subnet: 2001:db8:1::/64 }',
        '  - { a: d:eth2, b: 010:eth2, addresses: [2001:db8:2::a/127, 2001:db8:2::b/127] }',
        'routes:',
        '  - { node: a, to: 10.0.2.0/24, via: 10.0.1.1 }',
        '  - { node: c, to: 2001:db8:2::b, via: 2001:db8:1::2, dev: eth1 }',
        '  - { node: a, to: 0.0.0.0/0, via: 10.0.1.1 }',
        'forwarding: [b, c]',
        'firewall:',
        '  - { node: b, rule: "-p icmp  -j DROP" }',
        '  - { node: b, rule: [-m, comment, --comment, two words, -j, ACCEPT] }',
        'probes:',
        '  - { from: a, http: c }',
        '  - { from: a, http: "http://[2001:db8:1::2]:8080/x", expect: 404 }',
        '  - { from: a, http: 10.0.2.9 }',
        '  - { from: a, ping: d, expect: fail }',
        '  - { from: a, ping: 2001:db8:1::2 }',
      ),
      'all.yaml',
    );
    expect(spec.nodes).toEqual([
      { name: 'a' },
      { name: 'b', image: 'chainmail-test:busybox', command: ['sleep', '2000000'] },
      { name: 'c', command: ['sleep', '2000000'], serve: { port: 8080, body: '<title>hi</title>' } },
      { name: 'd', serve: { port: 80 } },
      { name: '010' },
    ]);
    expect(spec.links).toEqual([
      { a: { node: 'a', ifname: 'link1' }, b: { node: 'b', ifname: 'link2' }, subnet: cidr('10.0.1.0/31') },
      { a: { node: 'b', ifname: 'link3' }, b: { node: 'c', ifname: 'link4' }, addresses: [cidr('10.0.2.1/24'), cidr('10.0.2.9/24')] },
      { a: { node: 'c', ifname: 'eth1' }, b: { node: 'd', ifname: 'eth1' }, subnet: cidr('2001:db8:1::/64') },
      { a: { node: 'd', ifname: 'eth2' }, b: { node: '010', ifname: 'eth2' }, addresses: [cidr('2001:db8:2::a/127'), cidr('2001:db8:2::b/127')] },
    ]);
    expect(spec.routes).toEqual([
      { node: 'a', destination: { kind: 'prefix', prefix: cidr('10.0.2.0/24') }, via: '10.0.1.1' },
      { node: 'c', destination: { kind: 'prefix', prefix: cidr('2001:db8:2::b/128') }, via: '2001:db8:1::2', dev: 'eth1' },
      { node: 'a', destination: { kind: 'default', family: 4 }, via: '10.0.1.1' },
    ]);
    expect(spec.forwarding).toEqual(['b', 'c']);
    expect(spec.firewall).toEqual([
      { node: 'b', rule: ['-p', 'icmp', '-j', 'DROP'] },
      { node: 'b', rule: ['-m', 'comment', '--comment', 'two words', '-j', 'ACCEPT'] },
    ]);
    expect(spec.probes).toEqual([
      { from: 'a', kind: 'http', to: 'c', expect: 'ok' },
      { from: 'a', kind: 'http', to: 'http://[2001:db8:1::2]:8080/x', expect: 404 },
      { from: 'a', kind: 'http', to: '10.0.2.9', expect: 'ok' },
      { from: 'a', kind: 'ping', to: 'd', expect: 'fail' },
      { from: 'a', kind: 'ping', to: '2001:db8:1::2', expect: 'ok' },
    ]);
  });

  it('takes an empty optional section as none, and forwarding: [] as no forwarding at all', () => {
    const spec = parseChainText(withBase('routes:', 'probes:', 'forwarding: []'), 'x.yaml');
    expect(spec.routes).toEqual([]);
    expect(spec.probes).toEqual([]);
    expect(spec.forwarding).toEqual([]);
  });

  it('allows a ring: cycles are a valid network', () => {
    const spec = parseChainText(withBase('  - [router:link5, client:link6, 10.0.3.0/24]'), 'x.yaml');
    expect(spec.links).toHaveLength(3);
  });
});

describe('parseChainText: malformed YAML and the file as a whole', () => {
  it("reports the YAML parser's line and words", () => {
    expect(errorOf(text('name: x', 'nodes: [a, b', 'links: []'))).toBe(
      'x.yaml:3: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
    expect(errorOf(text('name: x', 'name: y'))).toBe('x.yaml:2: not valid YAML: Map keys must be unique');
    expect(errorOf(text('name: x', '\tnodes: []'))).toBe('x.yaml:2: not valid YAML: Tabs are not allowed as indentation');
  });

  it('refuses a second document in one file', () => {
    expect(errorOf(text('name: a', '---', 'name: b'))).toBe('x.yaml:2: not valid YAML: a chain file is one YAML document; this is a second one');
  });

  it('refuses an empty file and one that is not a mapping', () => {
    expect(errorOf('')).toBe('x.yaml:1: the file is empty; a chain file has name, nodes, links (and optionally hosts, routes, forwarding, firewall, probes)');
    expect(errorOf('# only a comment\n')).toMatch(/^x\.yaml:1: the file is empty;/);
    expect(errorOf(text('- a', '- b'))).toBe('x.yaml:1: the file must be a mapping: name, nodes, links (and optionally hosts, routes, forwarding, firewall, probes)');
  });

  it('names unknown top-level fields, suggesting the nearest known one', () => {
    expect(errorOf(text('name: x', 'nodse: [a, b]'))).toBe('x.yaml:2: nodse: unknown field; did you mean "nodes"?');
    expect(errorOf(withBase('route:'))).toBe('x.yaml:9: route: unknown field; did you mean "routes"?');
    expect(errorOf(withBase('colour: blue'))).toBe('x.yaml:9: colour: unknown field (fields: name, hosts, nodes, links, routes, forwarding, firewall, probes)');
  });

  it('says which required field is missing', () => {
    expect(errorOf(text(...BASE.slice(1)))).toBe("x.yaml:1: name: missing (the chain's name)");
    expect(errorOf(text('name: x', ...BASE.slice(5)))).toBe('x.yaml:1: nodes: missing (the list of nodes)');
    expect(errorOf(text(...BASE.slice(0, 5)))).toBe('x.yaml:1: links: missing (the list of links, e.g. - [client:link1, firewall:link2, 10.0.1.0/24])');
    expect(errorOf(text('name:', ...BASE.slice(1)))).toBe("x.yaml:1: name: missing (the chain's name)");
  });

  it('refuses empty nodes and links lists, and lists given as something else', () => {
    expect(errorOf(text('name: x', 'nodes: []', 'links: []'))).toBe('x.yaml:2: nodes: is empty; a chain needs nodes');
    expect(errorOf(text(...BASE.slice(0, 5), 'links: []'))).toBe('x.yaml:6: links: is empty; a chain needs at least one link');
    expect(errorOf(text(...BASE.slice(0, 1), 'nodes: client', ...BASE.slice(5)))).toBe(
      'x.yaml:2: nodes: must be a list of nodes, each { name, image, command, serve, host }, or just a name',
    );
  });

  it("checks the chain's name", () => {
    expect(errorOf(text('name: my chain', ...BASE.slice(1)))).toBe('x.yaml:1: name: "my chain" is not a valid chain name: namespace name must not contain spaces');
  });
});

describe('parseChainText: nodes', () => {
  const nodes = (...lines: string[]) => text('name: x', 'nodes:', ...lines, ...BASE.slice(5));

  it('refuses duplicate node names, pointing at the earlier one', () => {
    expect(errorOf(nodes('  - name: client', '  - name: firewall', '  - name: router', '  - name: firewall'))).toBe(
      'x.yaml:6: nodes[3].name: "firewall" is already a node (nodes[1])',
    );
    expect(errorOf(nodes('  - client', '  - client'))).toBe('x.yaml:4: nodes[1]: "client" is already a node (nodes[0])');
  });

  it('refuses names that are not valid namespace or container names, or that are addresses', () => {
    expect(errorOf(nodes('  - name: my node'))).toBe('x.yaml:3: nodes[0].name: "my node" is not a valid node name: namespace name must not contain spaces');
    expect(errorOf(nodes('  - name: a/b'))).toBe('x.yaml:3: nodes[0].name: "a/b" is not a valid node name: namespace name must not contain "/"');
    expect(errorOf(nodes('  - name: _hidden'))).toBe(
      'x.yaml:3: nodes[0].name: "_hidden" is not a valid node name: container names are letters, digits and _ . - (starting with a letter or digit)',
    );
    expect(errorOf(nodes('  - name: 10.0.0.1'))).toBe(
      'x.yaml:3: nodes[0].name: "10.0.0.1" is an address; a node name must not be one (probes could not tell them apart)',
    );
  });

  it('names unknown node fields, suggesting the nearest', () => {
    expect(errorOf(nodes('  - name: client', '    imag: busybox'))).toBe('x.yaml:4: nodes[0].imag: unknown field; did you mean "image"?');
    expect(errorOf(nodes('  - { name: client, serve: { prot: 80 } }'))).toBe('x.yaml:3: nodes[0].serve.prot: unknown field; did you mean "port"?');
    expect(errorOf(nodes('  - { name: client, ports: [80] }'))).toBe('x.yaml:3: nodes[0].ports: unknown field (fields: name, image, command, serve, host)');
  });

  it('requires a name in the mapping form', () => {
    expect(errorOf(nodes('  - image: busybox'))).toBe("x.yaml:3: nodes[0].name: missing (the node's name)");
  });

  it('refuses serve ports out of range', () => {
    expect(errorOf(nodes('  - { name: client, serve: { port: 70000 } }'))).toBe('x.yaml:3: nodes[0].serve.port: 70000 is not a port (1-65535)');
    expect(errorOf(nodes('  - { name: client, serve: { port: 0 } }'))).toBe('x.yaml:3: nodes[0].serve.port: 0 is not a port (1-65535)');
    expect(errorOf(nodes('  - { name: client, serve: { port: http } }'))).toBe('x.yaml:3: nodes[0].serve.port: http is not a port (1-65535)');
  });

  it('refuses an empty command and an image with spaces', () => {
    expect(errorOf(nodes('  - { name: client, command: [] }'))).toBe('x.yaml:3: nodes[0].command: is empty; it must be the command the container runs');
    expect(errorOf(nodes('  - { name: client, image: "busy box" }'))).toBe(
      'x.yaml:3: nodes[0].image: "busy box" is not an image name (e.g. busybox, chainmail-test:busybox, registry:5000/team/app:1.2)',
    );
    // an image that docker run would read as an option
    expect(errorOf(nodes('  - { name: client, image: "--volume=/:/host" }'))).toBe(
      'x.yaml:3: nodes[0].image: "--volume=/:/host" is not an image name (e.g. busybox, chainmail-test:busybox, registry:5000/team/app:1.2)',
    );
  });
});

describe('parseChainText: links', () => {
  const links = (...lines: string[]) => text(...BASE.slice(0, 6), ...lines);

  it('refuses ends on unknown nodes, listing the nodes', () => {
    expect(
      errorOf(
        text(
          'name: x',
          'nodes:',
          '  - name: client',
          '  - name: router',
          'links:',
          '  - [client:link1, router:link2, 10.0.1.0/24]',
          '  - { a: firewall:link3, b: router:link4, subnet: 10.0.2.0/24 }',
        ),
      ),
    ).toBe('x.yaml:7: links[1].a: "firewall" is not a node (nodes: client, router)');
  });

  it('refuses ends that are not NODE:INTERFACE', () => {
    expect(errorOf(links('  - [client, firewall:link2, 10.0.1.0/24]'))).toBe('x.yaml:7: links[0].a: "client" must be NODE:INTERFACE (e.g. client:link1)');
    expect(errorOf(links('  - [client:link1, firewall:link2:x, 10.0.1.0/24]'))).toBe(
      'x.yaml:7: links[0].b: "firewall:link2:x" must be NODE:INTERFACE (e.g. client:link1)',
    );
  });

  it('refuses invalid interface names', () => {
    expect(errorOf(links('  - [client:averyveryverylongname, firewall:link2, 10.0.1.0/24]'))).toBe(
      'x.yaml:7: links[0].a: "averyveryverylongname" is not a valid interface name: interface name is 21 bytes, the kernel allows 15',
    );
    expect(errorOf(links('  - [client:-x, firewall:link2, 10.0.1.0/24]'))).toBe(
      'x.yaml:7: links[0].a: "-x" is not a valid interface name: interface name must not start with "-"',
    );
  });

  it('refuses an interface name used twice on one node (but not on two nodes)', () => {
    expect(errorOf(links('  - [client:link1, firewall:link2, 10.0.1.0/24]', '  - [firewall:link2, router:link4, 10.0.2.0/24]'))).toBe(
      'x.yaml:8: links[1].a: firewall already has an interface "link2" (links[0].b)',
    );
    expect(parseChainText(links('  - [client:eth1, firewall:eth1, 10.0.1.0/24]'), 'x.yaml').links).toHaveLength(1);
  });

  it('refuses a link from a node to itself', () => {
    expect(errorOf(links('  - [client:link1, client:link2, 10.0.1.0/24]'))).toBe('x.yaml:7: links[0].b: both ends are on client; a link joins two different nodes');
  });

  it('refuses the wrong number of items in the short form, and unknown fields in the long one', () => {
    expect(errorOf(links('  - [client:link1, firewall:link2]'))).toBe(
      'x.yaml:7: links[0]: has 2 items; a link is [A-NODE:IF, B-NODE:IF, SUBNET], [A-NODE:IF, B-NODE:IF, A-ADDRESS, B-ADDRESS] or { a, b, subnet | addresses }',
    );
    expect(errorOf(links('  - { a: client:link1, b: firewall:link2, subent: 10.0.1.0/24 }'))).toBe('x.yaml:7: links[0].subent: unknown field; did you mean "subnet"?');
  });

  it('requires subnet or addresses, not both', () => {
    expect(errorOf(links('  - { a: client:link1, b: firewall:link2 }'))).toBe(
      "x.yaml:7: links[0].subnet: missing (the link's subnet, e.g. 10.0.1.0/24, or addresses: [A, B])",
    );
    expect(errorOf(links('  - { a: client:link1, b: firewall:link2, subnet: 10.0.1.0/24, addresses: [10.0.1.1/24, 10.0.1.2/24] }'))).toBe(
      'x.yaml:7: links[0].addresses: give subnet or addresses, not both',
    );
    expect(errorOf(links('  - { a: client:link1, subnet: 10.0.1.0/24 }'))).toBe('x.yaml:7: links[0].b: missing (the other end, NODE:INTERFACE)');
  });

  it('refuses invalid subnets', () => {
    expect(errorOf(links('  - [client:link1, firewall:link2, 10.0.1.0]'))).toBe(
      'x.yaml:7: links[0].subnet: "10.0.1.0" is not a subnet: missing /PREFIX (e.g. 10.0.1.1/24 or 2001:db8::1/64)',
    );
    expect(errorOf(links('  - [client:link1, firewall:link2, 10.0.1.0/33]'))).toBe(
      'x.yaml:7: links[0].subnet: "10.0.1.0/33" is not a subnet: prefix must be a number from 0 to 32 for IPv4',
    );
    expect(errorOf(links('  - [client:link1, firewall:link2, 10.0.1.5/24]'))).toBe('x.yaml:7: links[0].subnet: 10.0.1.5/24 has host bits set; did you mean 10.0.1.0/24?');
    expect(errorOf(links('  - [client:link1, firewall:link2, 0.0.0.0/0]'))).toBe(
      'x.yaml:7: links[0].subnet: 0.0.0.0/0 is the whole address space; a link needs a subnet of its own',
    );
  });

  it('refuses a subnet too small for two hosts: /32 and /128 (but /31 and /127 are point-to-point)', () => {
    expect(errorOf(links('  - [client:link1, firewall:link2, 10.0.1.1/32]'))).toBe(
      'x.yaml:7: links[0].subnet: 10.0.1.1/32 has room for one address; a link needs two (/31 or shorter)',
    );
    expect(errorOf(links('  - [client:link1, firewall:link2, 2001:db8::1/128]'))).toBe(
      'x.yaml:7: links[0].subnet: 2001:db8::1/128 has room for one address; a link needs two (/127 or shorter)',
    );
    expect(parseChainText(links('  - [client:link1, firewall:link2, 10.0.1.0/31]'), 'x.yaml').links[0]!.subnet).toEqual(cidr('10.0.1.0/31'));
    expect(parseChainText(links('  - [client:link1, firewall:link2, 2001:db8::/127]'), 'x.yaml').links[0]!.subnet).toEqual(cidr('2001:db8::/127'));
  });

  it('refuses explicit addresses that are not two hosts of one subnet', () => {
    expect(errorOf(links('  - [client:link1, firewall:link2, 10.0.1.1/24, 10.0.2.2/24]'))).toBe(
      'x.yaml:7: links[0].addresses: 10.0.1.1/24 and 10.0.2.2/24 are not in one subnet (10.0.1.0/24, 10.0.2.0/24)',
    );
    expect(errorOf(links('  - [client:link1, firewall:link2, 10.0.1.1/24, 10.0.1.1/24]'))).toBe('x.yaml:7: links[0].addresses: both ends have 10.0.1.1/24');
    expect(errorOf(links('  - [client:link1, firewall:link2, 10.0.1.1/24, 10.0.1.2/25]'))).toBe(
      'x.yaml:7: links[0].addresses: 10.0.1.1/24 and 10.0.1.2/25 have different prefix lengths',
    );
    expect(errorOf(links('  - [client:link1, firewall:link2, 10.0.1.1/24, 2001:db8::2/64]'))).toBe(
      'x.yaml:7: links[0].addresses: 10.0.1.1/24 and 2001:db8::2/64 are not of one address family',
    );
    expect(errorOf(links('  - { a: client:link1, b: firewall:link2, addresses: [10.0.1.1/24, 10.0.1.0/24] }'))).toBe(
      'x.yaml:7: links[0].addresses[1]: 10.0.1.0/24 is the network address of 10.0.1.0/24',
    );
    expect(errorOf(links('  - { a: client:link1, b: firewall:link2, addresses: [10.0.1.255/24, 10.0.1.1/24] }'))).toBe(
      'x.yaml:7: links[0].addresses[0]: 10.0.1.255/24 is the broadcast address of 10.0.1.0/24',
    );
    expect(errorOf(links('  - { a: client:link1, b: firewall:link2, addresses: [10.0.1.1/32, 10.0.1.2/32] }'))).toBe(
      'x.yaml:7: links[0].addresses[0]: 10.0.1.1/32 has room for one address; a link needs two (/31 or shorter)',
    );
    expect(errorOf(links('  - { a: client:link1, b: firewall:link2, addresses: [10.0.1.1/24] }'))).toBe(
      "x.yaml:7: links[0].addresses: has 1 addresses; it must be two, [A's, B's]",
    );
    expect(errorOf(links('  - { a: client:link1, b: firewall:link2, addresses: [10.0.1.1/24, ten] }'))).toBe(
      'x.yaml:7: links[0].addresses[1]: "ten" is not an address: missing /PREFIX (e.g. 10.0.1.1/24 or 2001:db8::1/64)',
    );
  });

  it('refuses links whose subnets overlap, naming the earlier link', () => {
    expect(errorOf(links('  - [client:link1, firewall:link2, 10.0.0.0/16]', '  - [firewall:link3, router:link4, 10.0.2.0/24]'))).toBe(
      'x.yaml:8: links[1].subnet: 10.0.2.0/24 overlaps 10.0.0.0/16 of links[0]',
    );
    expect(errorOf(links('  - [client:link1, firewall:link2, 10.0.1.0/24]', '  - [firewall:link3, router:link4, 10.0.1.129/25, 10.0.1.130/25]'))).toBe(
      'x.yaml:8: links[1].addresses: 10.0.1.128/25 overlaps 10.0.1.0/24 of links[0]',
    );
    expect(errorOf(links('  - [client:link1, firewall:link2, 2001:db8::/64]', '  - [firewall:link3, router:link4, 2001:db8::/48]'))).toBe(
      'x.yaml:8: links[1].subnet: 2001:db8::/48 overlaps 2001:db8::/64 of links[0]',
    );
  });
});

describe('parseChainText: routes', () => {
  it("refuses a gateway that is on none of the node's links", () => {
    expect(errorOf(withBase('routes:', '  - { node: client, to: default, via: 10.0.9.1 }'))).toBe(
      'x.yaml:10: routes[0].via: 10.0.9.1 is not on any link of client (its subnets: 10.0.1.0/24)',
    );
    expect(errorOf(withBase('routes:', '  - { node: client, to: default, via: 10.0.2.2 }'))).toBe(
      'x.yaml:10: routes[0].via: 10.0.2.2 is not on any link of client (its subnets: 10.0.1.0/24)',
    );
  });

  it("refuses a gateway that is the node's own address or no neighbour's", () => {
    expect(errorOf(withBase('routes:', '  - { node: client, to: default, via: 10.0.1.1 }'))).toBe(
      "x.yaml:10: routes[0].via: 10.0.1.1 is client's own address on link1; via must be a neighbour's",
    );
    expect(errorOf(withBase('routes:', '  - { node: client, to: default, via: 10.0.1.7 }'))).toBe(
      "x.yaml:10: routes[0].via: 10.0.1.7 is on client's link1 subnet, but the neighbour there, firewall, has 10.0.1.2",
    );
  });

  it("checks dev against the node's interfaces and the gateway", () => {
    expect(errorOf(withBase('routes:', '  - { node: client, to: default, via: 10.0.1.2, dev: link9 }'))).toBe(
      'x.yaml:10: routes[0].dev: client has no interface "link9" (its interfaces: link1)',
    );
    expect(errorOf(withBase('routes:', '  - { node: firewall, to: 10.0.9.0/24, via: 10.0.1.1, dev: link3 }'))).toBe(
      "x.yaml:10: routes[0].via: 10.0.1.1 is not on firewall's link3 subnet (10.0.2.0/24)",
    );
  });

  it('refuses bad destinations, a route to a subnet the node is on, and a second route to one place', () => {
    expect(errorOf(withBase('routes:', '  - { node: client, to: somewhere, via: 10.0.1.2 }'))).toBe(
      'x.yaml:10: routes[0].to: "somewhere" is not default, a prefix or an address: missing /PREFIX (e.g. 10.0.1.1/24 or 2001:db8::1/64)',
    );
    expect(errorOf(withBase('routes:', '  - { node: client, to: 10.0.2.1/24, via: 10.0.1.2 }'))).toBe(
      'x.yaml:10: routes[0].to: 10.0.2.1/24 has host bits set; did you mean 10.0.2.0/24?',
    );
    expect(errorOf(withBase('routes:', '  - { node: client, to: 10.0.1.0/24, via: 10.0.1.2 }'))).toBe(
      "x.yaml:10: routes[0].to: 10.0.1.0/24 is the subnet of client's link1; it needs no route",
    );
    expect(errorOf(withBase('routes:', '  - { node: client, to: default, via: 10.0.1.2 }', '  - { node: client, to: 0.0.0.0/0, via: 10.0.1.2 }'))).toBe(
      'x.yaml:11: routes[1].to: client already has a route to default (routes[0])',
    );
    expect(errorOf(withBase('routes:', '  - { node: client, to: 2001:db8::/64, via: 10.0.1.2 }'))).toBe(
      'x.yaml:10: routes[0].via: 10.0.1.2 is IPv4 but 2001:db8::/64 is IPv6',
    );
    expect(errorOf(withBase('routes:', '  - { node: client, to: default, via: firewall }'))).toBe('x.yaml:10: routes[0].via: "firewall" is not an address');
  });

  it('refuses routes on unknown nodes, missing fields and unknown fields', () => {
    expect(errorOf(withBase('routes:', '  - { node: webserver, to: default, via: 10.0.1.2 }'))).toBe(
      'x.yaml:10: routes[0].node: "webserver" is not a node (nodes: client, firewall, router)',
    );
    expect(errorOf(withBase('routes:', '  - { node: client, to: default }'))).toBe("x.yaml:10: routes[0].via: missing (the gateway, a neighbour's address)");
    expect(errorOf(withBase('routes:', '  - { node: client, to: default, gateway: 10.0.1.2 }'))).toBe(
      'x.yaml:10: routes[0].gateway: unknown field (fields: node, to, via, dev)',
    );
  });
});

describe('parseChainText: route loops', () => {
  it('refuses two routes that send a prefix back and forth', () => {
    expect(errorOf(withBase('routes:', '  - { node: client, to: 10.0.9.0/24, via: 10.0.1.2 }', '  - { node: firewall, to: 10.0.9.0/24, via: 10.0.1.1 }'))).toBe(
      'x.yaml:10: routes[0].to: 10.0.9.0/24 goes round in a loop: client -> firewall -> client (no node on the way has it on a link)',
    );
  });

  it('refuses a route that meets a derived one coming back (a default of a leaf)', () => {
    // router's only link is to firewall, so its derived default route points back there
    expect(errorOf(withBase('routes:', '  - { node: firewall, to: 10.0.9.0/24, via: 10.0.2.2 }'))).toBe(
      'x.yaml:10: routes[0].to: 10.0.9.0/24 goes round in a loop: firewall -> router -> firewall (no node on the way has it on a link)',
    );
    expect(errorOf(withBase('routes:', '  - { node: firewall, to: default, via: 10.0.1.1 }'))).toBe(
      'x.yaml:10: routes[0].to: default goes round in a loop: firewall -> client -> firewall (no node on the way has it on a link)',
    );
  });

  it("accepts routes that end on the destination's subnet or at a node with no route for it", () => {
    expect(parseChainText(withBase('routes:', '  - { node: router, to: 10.0.1.0/24, via: 10.0.2.1 }'), 'x.yaml').routes).toHaveLength(1);
    expect(parseChainText(withBase('routes:', '  - { node: client, to: 10.0.9.0/24, via: 10.0.1.2 }'), 'x.yaml').routes).toHaveLength(1);
  });
});

describe('parseChainText: forwarding and firewall', () => {
  it('refuses unknown and repeated nodes in forwarding', () => {
    expect(errorOf(withBase('forwarding: [firewall, webserver]'))).toBe('x.yaml:9: forwarding[1]: "webserver" is not a node (nodes: client, firewall, router)');
    expect(errorOf(withBase('forwarding:', '  - firewall', '  - firewall'))).toBe('x.yaml:11: forwarding[1]: firewall is listed twice');
  });

  it('refuses rules on unknown nodes, empty rules, and words that are not part of a rule', () => {
    expect(errorOf(withBase('firewall:', '  - { node: fw, rule: "-p icmp -j DROP" }'))).toBe(
      'x.yaml:10: firewall[0].node: "fw" is not a node (nodes: client, firewall, router)',
    );
    expect(errorOf(withBase('firewall:', '  - { node: firewall, rule: "  " }'))).toBe('x.yaml:10: firewall[0].rule: is empty; it must be iptables matches and a target');
    expect(errorOf(withBase('firewall:', '  - { node: firewall, rule: "-A FORWARD -p icmp -j DROP" }'))).toBe(
      'x.yaml:10: firewall[0].rule: "-A" is not allowed in a rule: rules go to the FORWARD chain of the filter table',
    );
    expect(errorOf(withBase('firewall:', '  - { node: firewall, rule: "-vtmangle -j DROP" }'))).toBe(
      'x.yaml:10: firewall[0].rule: "-vtmangle": write each option apart from its value (e.g. -p tcp, not -ptcp)',
    );
    expect(errorOf(withBase('firewall:', '  - { node: firewall, rul: "-j DROP" }'))).toBe('x.yaml:10: firewall[0].rul: unknown field; did you mean "rule"?');
  });
});

describe('parseChainText: probes', () => {
  const probe = (line: string) => withBase('probes:', `  - ${line}`);

  it('refuses probes from or to unknown nodes', () => {
    expect(errorOf(probe('{ from: laptop, ping: router }'))).toBe('x.yaml:10: probes[0].from: "laptop" is not a node (nodes: client, firewall, router)');
    expect(errorOf(probe('{ from: client, http: webserver }'))).toBe(
      'x.yaml:10: probes[0].http: "webserver" is not a node (nodes: client, firewall, router), an address or a URL',
    );
    expect(errorOf(probe('{ from: client, ping: webserver }'))).toBe(
      'x.yaml:10: probes[0].ping: "webserver" is not a node (nodes: client, firewall, router) or an address',
    );
  });

  it('refuses bad URLs, and URLs for ping', () => {
    expect(errorOf(probe('{ from: client, http: "http://" }'))).toBe('x.yaml:10: probes[0].http: "http://" is not a valid URL');
    expect(errorOf(probe('{ from: client, http: "ftp://10.0.2.2/" }'))).toBe('x.yaml:10: probes[0].http: "ftp://10.0.2.2/" is not an http:// or https:// URL');
    expect(errorOf(probe('{ from: client, ping: "http://10.0.2.2/" }'))).toBe(
      'x.yaml:10: probes[0].ping: "http://10.0.2.2/": ping takes a node or an address, not a URL',
    );
  });

  it('requires exactly one of http and ping', () => {
    expect(errorOf(probe('{ from: client }'))).toBe('x.yaml:10: probes[0].http: missing (what to probe: http: NODE | ADDRESS | URL, or ping: NODE | ADDRESS)');
    expect(errorOf(probe('{ from: client, http: router, ping: router }'))).toBe('x.yaml:10: probes[0].ping: give http or ping, not both');
    expect(errorOf(probe('{ from: client, pnig: router }'))).toBe('x.yaml:10: probes[0].pnig: unknown field; did you mean "ping"?');
  });

  it('checks expect', () => {
    expect(parseChainText(probe('{ from: client, http: router, expect: 200 }'), 'x.yaml').probes[0]!.expect).toBe(200);
    expect(errorOf(probe('{ from: client, http: router, expect: 42 }'))).toBe('x.yaml:10: probes[0].expect: "42" is not ok, fail or an HTTP status (100-599)');
    expect(errorOf(probe('{ from: client, ping: router, expect: 200 }'))).toBe('x.yaml:10: probes[0].expect: "200" is not ok or fail (what a ping must do)');
  });

  it('refuses probing a node on no link', () => {
    const lonely = text(...BASE.slice(0, 5), '  - name: spare', ...BASE.slice(5), 'probes:', '  - { from: client, ping: spare }');
    expect(errorOf(lonely)).toBe('x.yaml:11: probes[0].ping: spare is on no link, so it has no address to probe');
  });
});

describe('parseChainText: YAML aliases', () => {
  it('refuses an alias at its line and field, even one that stands for a good value', () => {
    const base = [...BASE];
    base[2] = '  - name: &c client';
    expect(errorOf(text(...base, 'probes:', '  - { from: *c, ping: 10.0.2.2 }'))).toBe(
      'x.yaml:10: probes[0].from: a YAML alias (*c): a chain file does not use them; write the value out',
    );
  });

  it('refuses anchors that would expand a billion times at the first alias, at once', () => {
    const laughs = ['name: test-chain', 'nodes:', '  - &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `  - &${'abcdefghi'[i]} [${Array<string>(9)
          .fill(`*${'abcdefghi'[i - 1]}`)
          .join(', ')}]`,
      );
    const started = performance.now();
    expect(() => parseChainText(text(...laughs, 'links: []'), 'x.yaml')).toThrow(/^x\.yaml:4: nodes\[1\]\[0\]: a YAML alias \(\*a\)/);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('loadChainFile', () => {
  it('loads the three examples', () => {
    const chain = loadChainFile('examples/service-chain.yaml');
    expect(chain.name).toBe('service-chain');
    expect(chain.nodes.map((n) => n.name)).toEqual(['client', 'firewall', 'router', 'webserver']);
    expect(chain.nodes[3]!.serve).toEqual({ port: 80, body: '<title>This is pickle-nginx</title>' });
    expect(chain.probes).toEqual([{ from: 'client', kind: 'http', to: 'webserver', expect: 'ok' }]);
    const warmUp = loadChainFile('examples/warm-up.yaml');
    expect(warmUp.nodes.map((n) => n.name)).toEqual(['test1', 'iptables', 'test2']);
    expect(warmUp.probes).toEqual([{ from: 'test1', kind: 'ping', to: 'test2', expect: 'ok' }]);
    const branch = loadChainFile('examples/branch.yaml');
    expect(branch.nodes.map((n) => n.name)).toEqual(['client1', 'client2', 'firewall', 'router', 'webserver']);
    expect(new Set(branch.probes.map((p) => p.from))).toEqual(new Set(['client1', 'client2']));
    expect(branch.file).toBe('examples/branch.yaml');
  });

  it('names the path in its errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainmail-file-'));
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'name: x\nnodes: [a]\nlinks:\n  - [a:l1, b:l2, 10.0.1.0/24]\n');
    expect(() => loadChainFile(path)).toThrow(`${path}:4: links[0].b: "b" is not a node (nodes: a)`);
  });

  it('says when the file cannot be read', () => {
    let thrown: unknown;
    try {
      loadChainFile('examples/no-such-chain.yaml');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ChainmailError);
    expect((thrown as ChainmailError).message).toBe('examples/no-such-chain.yaml: cannot read the chain file: no such file');
    expect((thrown as ChainmailError).exitCode).toBe(EXIT_USAGE);
  });
});
