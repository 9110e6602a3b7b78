import { describe, expect, it } from 'vitest';
import { deriveChain } from '../../src/chain/derive.js';
import { loadChainFile, parseChainText } from '../../src/chain/file.js';
import { planOnEmptyHost } from '../../src/chain/plan-up.js';
import { derivedVni, hostPart, recordKey } from '../../src/chain/hosts.js';
import { formatDestination } from '../../src/parse/koro.js';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { exportChain } from '../../src/chain/export.js';
import { parseCommand } from '../../src/parse/verbs.js';

const SPLIT = [
  'name: split',
  'hosts:',
  '  - { name: hostA, address: 10.240.0.1 }',
  '  - { name: hostB, address: 10.240.0.2, interface: under }',
  'nodes:',
  '  - { name: client, host: hostA }',
  '  - { name: firewall, host: hostA }',
  '  - { name: router, host: hostB }',
  '  - { name: webserver, host: hostB, serve: { port: 80 } }',
  'links:',
  '  - [client:link1, firewall:link2, 10.0.1.0/24]',
  '  - [firewall:link3, router:link4, 10.0.2.0/24]',
  '  - [router:link5, webserver:link6, 10.0.3.0/24]',
  'probes:',
  '  - { from: client, http: webserver }',
  '  - { from: webserver, ping: client }',
];

const parse = (lines: readonly string[]) => parseChainText(lines.join('\n') + '\n', 'x.yaml');

function errorOf(lines: readonly string[]): string {
  try {
    parse(lines);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

const replace = (from: string, to: string) => SPLIT.map((l) => (l === from ? to : l));

describe('chain files with hosts', () => {
  it('reads the hosts and each node’s host', () => {
    const spec = parse(SPLIT);
    expect(spec.hosts).toEqual([
      { name: 'hostA', address: '10.240.0.1' },
      { name: 'hostB', address: '10.240.0.2', interface: 'under' },
    ]);
    expect(spec.nodes.map((n) => `${n.name}@${n.host}`)).toEqual(['client@hostA', 'firewall@hostA', 'router@hostB', 'webserver@hostB']);
  });

  it('refuses what a host section cannot mean, naming the line and field', () => {
    expect(errorOf(replace('  - { name: hostB, address: 10.240.0.2, interface: under }', '  - { name: hostB, address: 10.240.0.300 }'))).toMatch(
      /^x\.yaml:4: hosts\[1\]\.address: "10\.240\.0\.300" is not an address/,
    );
    expect(errorOf(replace('  - { name: hostB, address: 10.240.0.2, interface: under }', '  - { name: hostA, address: 10.240.0.2 }'))).toBe(
      'x.yaml:4: hosts[1].name: "hostA" is already a host (hosts[0])',
    );
    expect(errorOf(replace('  - { name: hostB, address: 10.240.0.2, interface: under }', '  - { name: hostB, address: 10.240.0.1 }'))).toBe(
      'x.yaml:4: hosts[1].address: 10.240.0.1 is already the address of hostA (hosts[0])',
    );
    expect(errorOf(replace('  - { name: hostB, address: 10.240.0.2, interface: under }', '  - { name: hostB, address: "fd00::2" }'))).toBe(
      "x.yaml:4: hosts[1].address: fd00::2 is IPv6; the hosts' underlay is IPv4 (hostA)",
    );
    expect(errorOf(replace('  - { name: hostB, address: 10.240.0.2, interface: under }', '  - { name: hostB, adress: 10.240.0.2 }'))).toBe(
      'x.yaml:4: hosts[1].adress: unknown field; did you mean "address"?',
    );
    expect(errorOf(replace('  - { name: hostB, address: 10.240.0.2, interface: under }', '  - { name: hostB }'))).toMatch(
      /^x\.yaml:4: hosts\[1\]\.address: missing \(the host's underlay address/,
    );
    expect(errorOf(replace('hosts:', 'hosts: []').filter((l) => !l.startsWith('  - { name: host')))).toMatch(/^x\.yaml:2: hosts: is empty/);
  });

  it('asks every node for its host, and for a host of the list', () => {
    expect(errorOf(replace('  - { name: router, host: hostB }', '  - { name: router }'))).toBe('x.yaml:8: nodes[2].host: missing (the host it runs on: hostA, hostB)');
    expect(errorOf(replace('  - { name: router, host: hostB }', '  - router'))).toBe(
      'x.yaml:8: nodes[2]: "router" needs its host: { name: router, host: hostA | hostB }',
    );
    expect(errorOf(replace('  - { name: router, host: hostB }', '  - { name: router, host: hostC }'))).toBe(
      'x.yaml:8: nodes[2].host: "hostC" is not a host (hosts: hostA, hostB)',
    );
    const noHosts = SPLIT.filter((l, i) => i < 1 || i > 3);
    expect(errorOf(noHosts)).toBe('x.yaml:3: nodes[0].host: names a host, but the file has no hosts: section (hosts: [{ name, address }])');
  });

  it('takes vni and mtu only on links between two hosts', () => {
    const vniOnLocal = replace('  - [client:link1, firewall:link2, 10.0.1.0/24]', '  - { a: client:link1, b: firewall:link2, subnet: 10.0.1.0/24, vni: 7 }');
    expect(errorOf(vniOnLocal)).toBe('x.yaml:11: links[0].vni: is for links between two hosts (a vxlan); client and firewall are both on hostA');
    const big = replace('  - [firewall:link3, router:link4, 10.0.2.0/24]', '  - { a: firewall:link3, b: router:link4, subnet: 10.0.2.0/24, vni: 16777216 }');
    expect(errorOf(big)).toBe('x.yaml:12: links[1].vni: 16777216 is not a VNI (1-16777215)');
    const given = replace('  - [firewall:link3, router:link4, 10.0.2.0/24]', '  - { a: firewall:link3, b: router:link4, subnet: 10.0.2.0/24, vni: 5000, mtu: 1400 }');
    expect(deriveChain(parse(given)).links[1]!.vxlan).toMatchObject({ vni: 5000, mtu: 1400, port: 4789 });
  });
});

describe('deriving a chain across hosts', () => {
  const desired = deriveChain(parse(SPLIT));

  it('makes the link between hosts a vxlan: derived VNI, port 4789, MTU 1500 less 50', () => {
    expect(desired.links.map((l) => l.vxlan !== undefined)).toEqual([false, true, false]);
    const vxlan = desired.links[1]!.vxlan!;
    expect(vxlan).toMatchObject({ vni: derivedVni('split', { a: { node: 'firewall', ifname: 'link3' } }), port: 4789, mtu: 1450 });
    expect(vxlan.hosts.map((h) => h.name)).toEqual(['hostA', 'hostB']);
  });

  it('keeps VNIs stable: the same chain and end give the same VNI, in 1..2^24-1', () => {
    const vni = derivedVni('split', { a: { node: 'firewall', ifname: 'link3' } });
    expect(vni).toBe(derivedVni('split', { a: { node: 'firewall', ifname: 'link3' } }));
    expect(vni).toBeGreaterThan(0);
    expect(vni).toBeLessThanOrEqual(16_777_215);
    expect(derivedVni('other', { a: { node: 'firewall', ifname: 'link3' } })).not.toBe(vni);
  });

  it('derives addresses and routes over the whole chain, as on one host', () => {
    const oneHost = deriveChain(parse(SPLIT.filter((l, i) => i < 1 || i > 3).map((l) => l.replace(/, host: host[AB]/, ''))));
    expect(desired.routes).toEqual(oneHost.routes);
    expect(desired.links.map((l) => [l.a, l.b])).toEqual(oneHost.links.map((l) => [l.a, l.b]));
  });

  it('gives each host its part: its nodes, local links, its vxlan ends, its routes and the probes that start there', () => {
    const a = hostPart(desired, 'hostA');
    expect(a.nodes.map((n) => n.name)).toEqual(['client', 'firewall']);
    expect(a.links.map((l) => `${l.a.node}-${l.b.node}`)).toEqual(['client-firewall']);
    expect(a.vxlans).toEqual([
      {
        node: 'firewall',
        ifname: 'link3',
        address: { family: 4, address: '10.0.2.1', prefix: 24 },
        vni: desired.links[1]!.vxlan!.vni,
        port: 4789,
        mtu: 1450,
        local: { name: 'hostA', address: '10.240.0.1' },
        remote: '10.240.0.2',
        peer: { node: 'router', ifname: 'link4' },
      },
    ]);
    expect(a.routes.map((r) => `${r.node}: ${formatDestination(r.destination)} via ${r.via}`)).toEqual([
      'client: default via 10.0.1.2',
      'firewall: 10.0.3.0/24 via 10.0.2.2',
    ]);
    expect(a.forwarding).toEqual(['firewall']);
    expect(a.probes.map((p) => p.from)).toEqual(['client']);
    const b = hostPart(desired, 'hostB');
    expect(b.nodes.map((n) => n.name)).toEqual(['router', 'webserver']);
    expect(b.vxlans!.map((v) => `${v.node}:${v.ifname} -> ${v.remote} (${v.local.interface})`)).toEqual(['router:link4 -> 10.240.0.1 (under)']);
    expect(b.probes.map((p) => p.from)).toEqual(['webserver']);
  });

  it('records each host part under NAME@HOST', () => {
    expect(recordKey('split', 'hostA')).toBe('split@hostA');
    expect(recordKey('split', undefined)).toBe('split');
  });
});

describe('examples/split-chain.yaml: the service chain across two hosts', () => {
  const desired = deriveChain(loadChainFile('examples/split-chain.yaml'));
  const vni = derivedVni('split-chain', { a: { node: 'firewall', ifname: 'link3' } });

  it('plans chain up --as hostA: client and firewall, their link, the vxlan end to hostB, forwarding and routes', () => {
    expect(planOnEmptyHost(hostPart(desired, 'hostA'))).toEqual([
      'create client',
      'create firewall',
      'link client:link1 10.0.1.1/24 <-> firewall:link2 10.0.1.2/24',
      `vxlan firewall:link3 10.0.2.1/24 vni ${vni} to 10.242.0.2 port 4789 mtu 1450 (its other end: router:link4 on the host at 10.242.0.2)`,
      'turn forwarding on in firewall',
      'route client: default via 10.0.1.2 dev link1',
      'route firewall: 10.0.3.0/24 via 10.0.2.2 dev link3',
    ]);
  });

  it('plans chain up --as hostB: router and webserver, the same VNI back to hostA, the web server', () => {
    expect(planOnEmptyHost(hostPart(desired, 'hostB'))).toEqual([
      'create router',
      'create webserver',
      'link router:link5 10.0.3.1/24 <-> webserver:link6 10.0.3.2/24',
      `vxlan router:link4 10.0.2.2/24 vni ${vni} to 10.242.0.1 port 4789 mtu 1450 (its other end: firewall:link3 on the host at 10.242.0.1)`,
      'turn forwarding on in router',
      'route router: 10.0.1.0/24 via 10.0.2.1 dev link4',
      'route webserver: default via 10.0.3.1 dev link6',
      'serve HTTP on port 80 in webserver',
    ]);
  });

  it('has the underlay of the simulation in its header (10.242.0.1 and .2 on "under"), and each probe starts on one host', () => {
    const spec = loadChainFile('examples/split-chain.yaml');
    expect(spec.hosts?.map((h) => `${h.name} ${h.address}${h.interface ? ` ${h.interface}` : ''}`)).toEqual(['hostA 10.242.0.1', 'hostB 10.242.0.2 under']);
    expect(readFileSync('examples/split-chain.yaml', 'utf8')).toContain('ip -n hostA addr add 10.242.0.1/24 dev under');
    expect(hostPart(desired, 'hostA').probes.map((p) => `${p.from} ${p.kind}`)).toEqual(['client http']);
    expect(hostPart(desired, 'hostB').probes.map((p) => `${p.from} ${p.kind}`)).toEqual(['webserver ping']);
  });
});

describe('containerlab export of a chain across hosts', () => {
  const desired = deriveChain(parse(SPLIT));
  const labs = ['hostA', 'hostB'].map((host) => exportChain(hostPart(desired, host), 'containerlab', { host }));
  const docs = labs.map(
    (text) => parseAllDocuments(text)[0]!.toJS() as { name: string; topology: { nodes: Record<string, unknown>; links: Array<Record<string, unknown>> } },
  );

  it("writes one lab per host, NAME-HOST, with that host's nodes", () => {
    expect(docs.map((d) => d.name)).toEqual(['split-hostA', 'split-hostB']);
    expect(docs.map((d) => Object.keys(d.topology.nodes))).toEqual([
      ['client', 'firewall'],
      ['router', 'webserver'],
    ]);
  });

  it("makes the link between hosts containerlab's vxlan link on each side: endpoint, remote, vni, udp-port 4789, mtu", () => {
    const vni = desired.links[1]!.vxlan!.vni;
    expect(docs[0]!.topology.links).toEqual([
      { endpoints: ['client:link1', 'firewall:link2'] },
      { type: 'vxlan', endpoint: { node: 'firewall', interface: 'link3' }, remote: '10.240.0.2', vni, 'udp-port': 4789, mtu: 1450 },
    ]);
    expect(docs[1]!.topology.links[1]).toEqual({
      type: 'vxlan',
      endpoint: { node: 'router', interface: 'link4' },
      remote: '10.240.0.1',
      vni,
      'udp-port': 4789,
      mtu: 1450,
    });
    expect(labs[1]).toContain('- ip addr add 10.0.2.2/24 dev link4');
  });

  it("is valid against containerlab's schema, but for the port's name (its schema says dst-port; its code reads udp-port)", () => {
    const schema = JSON.parse(readFileSync('test/fixtures/containerlab/clab.schema.json', 'utf8')) as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const doc of docs) {
      const asSchemaSays = JSON.parse(JSON.stringify(doc).replace(/"udp-port"/g, '"dst-port"')) as unknown;
      expect(validate(asSchemaSays), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('parses --as on chain verbs and on export (containerlab only)', () => {
    expect(parseCommand(['chain', 'up', 'f.yaml', '--as', 'hostA'])).toMatchObject({ action: 'up', as: 'hostA' });
    expect(parseCommand(['chain', 'heal', 'f.yaml', '--as', 'hostB', '--dead', 'fw,fw2'])).toMatchObject({ as: 'hostB', dead: ['fw', 'fw2'] });
    expect(parseCommand(['export', 'f.yaml', '--format', 'containerlab', '--as', 'hostA'])).toMatchObject({ as: 'hostA' });
    expect(() => parseCommand(['export', 'f.yaml', '--format', 'mermaid', '--as', 'hostA'])).toThrow('--as is for a chain file across hosts, with --format containerlab');
    expect(() => parseCommand(['chain', 'up', 'f.yaml', '--as', 'bad/name'])).toThrow('bad --as "bad/name"');
  });
});
