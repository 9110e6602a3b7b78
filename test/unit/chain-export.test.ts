/**
 * `export` of a chain file and of the live host in each format (containerlab,
 * mermaid, json, chain file), checked as parsed output rather than text where
 * the format allows. Long because each format has its own cases; Kubernetes
 * has its own file.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deriveChain } from '../../src/chain/derive.js';
import { DEFAULT_EXPORT_IMAGE, SERVE_ROOT } from '../../src/chain/export-containerlab.js';
import { liveView } from '../../src/chain/export-live.js';
import { exportChain, exportTopology } from '../../src/chain/export.js';
import type { ChainSpec, DesiredChain, DesiredLink, DesiredRoute } from '../../src/chain/model.js';
import { servePage } from '../../src/chain/serve-page.js';
import type { Cidr } from '../../src/parse/values.js';
import type { Namespace } from '../../src/targets/namespace.js';
import type { TargetState, Topology, TopologyLink } from '../../src/topology/model.js';
import { clabUnescape, effectiveNodes, shlexSplit, type ClabFile } from '../support/containerlab.js';

const v4 = (address: string, prefix = 24): Cidr => ({ family: 4, address, prefix });
const v6 = (address: string, prefix = 64): Cidr => ({ family: 6, address, prefix });

const link = (a: string, aIf: string, aAddr: Cidr, b: string, bIf: string, bAddr: Cidr): DesiredLink => ({
  a: { node: a, ifname: aIf, address: aAddr },
  b: { node: b, ifname: bIf, address: bAddr },
});
const defaultRoute = (node: string, via: string, dev: string, family: 4 | 6 = 4): DesiredRoute => ({
  node,
  destination: { kind: 'default', family },
  via,
  dev,
  origin: 'derived',
});
const prefixRoute = (node: string, prefix: Cidr, via: string, dev: string): DesiredRoute => ({
  node,
  destination: { kind: 'prefix', prefix },
  via,
  dev,
  origin: 'derived',
});

/** The seed story's service chain, everything derived: client - firewall - router - webserver. */
const SEED: DesiredChain = {
  name: 'seed',
  nodes: [{ name: 'client' }, { name: 'firewall' }, { name: 'router' }, { name: 'webserver' }],
  links: [
    link('client', 'link1', v4('10.0.1.1'), 'firewall', 'link2', v4('10.0.1.2')),
    link('firewall', 'link3', v4('10.0.2.1'), 'router', 'link4', v4('10.0.2.2')),
    link('router', 'link5', v4('10.0.3.1'), 'webserver', 'link6', v4('10.0.3.2')),
  ],
  routes: [
    defaultRoute('client', '10.0.1.2', 'link1'),
    prefixRoute('firewall', v4('10.0.3.0'), '10.0.2.2', 'link3'),
    prefixRoute('router', v4('10.0.1.0'), '10.0.2.1', 'link4'),
    defaultRoute('webserver', '10.0.3.1', 'link6'),
  ],
  forwarding: ['firewall', 'router'],
  firewall: [],
  probes: [{ from: 'client', kind: 'ping', target: '10.0.3.2', expect: 'ok' }],
};

/** The same chain as a chain file would say it. */
const SEED_SPEC: ChainSpec = {
  name: 'seed',
  nodes: SEED.nodes,
  links: [
    { a: { node: 'client', ifname: 'link1' }, b: { node: 'firewall', ifname: 'link2' }, subnet: v4('10.0.1.0') },
    { a: { node: 'firewall', ifname: 'link3' }, b: { node: 'router', ifname: 'link4' }, subnet: v4('10.0.2.0') },
    { a: { node: 'router', ifname: 'link5' }, b: { node: 'webserver', ifname: 'link6' }, subnet: v4('10.0.3.0') },
  ],
  routes: [],
  firewall: [],
  probes: [{ from: 'client', kind: 'ping', to: 'webserver', expect: 'ok' }],
};

const SEED_CONTAINERLAB = `# chainmail chain "seed", for containerlab deploy
# probes are chainmail's own (chain status); containerlab does not run them

name: seed
topology:
  defaults:
    kind: linux
    image: chainmail-test:busybox
    network-mode: none
  nodes:
    client:
      exec:
        - ip addr add 10.0.1.1/24 dev link1
        - ip route add default via 10.0.1.2 dev link1
    firewall:
      sysctls:
        net.ipv4.ip_forward: 1
      exec:
        - ip addr add 10.0.1.2/24 dev link2
        - ip addr add 10.0.2.1/24 dev link3
        - ip route add 10.0.3.0/24 via 10.0.2.2 dev link3
    router:
      sysctls:
        net.ipv4.ip_forward: 1
      exec:
        - ip addr add 10.0.2.2/24 dev link4
        - ip addr add 10.0.3.1/24 dev link5
        - ip route add 10.0.1.0/24 via 10.0.2.1 dev link4
    webserver:
      exec:
        - ip addr add 10.0.3.2/24 dev link6
        - ip route add default via 10.0.3.1 dev link6
  links:
    - endpoints: [ "client:link1", "firewall:link2" ]
    - endpoints: [ "firewall:link3", "router:link4" ]
    - endpoints: [ "router:link5", "webserver:link6" ]
`;

const SEED_MERMAID = [
  'graph LR',
  '  client[client]',
  '  firewall[firewall]',
  '  router[router]',
  '  webserver[webserver]',
  '  client ---|"link1 10.0.1.1 — 10.0.1.2 link2"| firewall',
  '  firewall ---|"link3 10.0.2.1 — 10.0.2.2 link4"| router',
  '  router ---|"link5 10.0.3.1 — 10.0.3.2 link6"| webserver',
];

const SEED_JSON = {
  name: 'seed',
  nodes: [
    { name: 'client', forwarding: false },
    { name: 'firewall', forwarding: true },
    { name: 'router', forwarding: true },
    { name: 'webserver', forwarding: false },
  ],
  links: [
    { a: { node: 'client', ifname: 'link1', address: '10.0.1.1/24' }, b: { node: 'firewall', ifname: 'link2', address: '10.0.1.2/24' } },
    { a: { node: 'firewall', ifname: 'link3', address: '10.0.2.1/24' }, b: { node: 'router', ifname: 'link4', address: '10.0.2.2/24' } },
    { a: { node: 'router', ifname: 'link5', address: '10.0.3.1/24' }, b: { node: 'webserver', ifname: 'link6', address: '10.0.3.2/24' } },
  ],
  routes: [
    { node: 'client', destination: 'default', family: 4, via: '10.0.1.2', dev: 'link1', origin: 'derived' },
    { node: 'firewall', destination: '10.0.3.0/24', family: 4, via: '10.0.2.2', dev: 'link3', origin: 'derived' },
    { node: 'router', destination: '10.0.1.0/24', family: 4, via: '10.0.2.1', dev: 'link4', origin: 'derived' },
    { node: 'webserver', destination: 'default', family: 4, via: '10.0.3.1', dev: 'link6', origin: 'derived' },
  ],
  firewall: [],
  probes: [{ from: 'client', kind: 'ping', target: '10.0.3.2', expect: 'ok' }],
};

const clab = (text: string) => parse(text) as ClabFile;

const mermaidLines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('exportChain: the seed chain', () => {
  it('the fixture is what deriveChain makes of the seed chain file', () => {
    expect(exportChain(deriveChain(SEED_SPEC), 'json')).toBe(exportChain(SEED, 'json'));
  });

  it('containerlab: exactly this file', () => {
    expect(exportChain(SEED, 'containerlab')).toBe(SEED_CONTAINERLAB);
  });

  it('containerlab: parses back to linux nodes that configure themselves, and the three links', () => {
    const file = clab(exportChain(SEED, 'containerlab'));
    expect(file.name).toBe('seed');
    expect(Object.keys(file.topology.nodes)).toEqual(['client', 'firewall', 'router', 'webserver']);
    const nodes = effectiveNodes(file);
    for (const node of Object.values(nodes)) {
      expect(node).toMatchObject({ kind: 'linux', image: DEFAULT_EXPORT_IMAGE, 'network-mode': 'none' });
    }
    expect(nodes.client!.exec).toEqual(['ip addr add 10.0.1.1/24 dev link1', 'ip route add default via 10.0.1.2 dev link1']);
    expect(nodes.router!.exec).toEqual(['ip addr add 10.0.2.2/24 dev link4', 'ip addr add 10.0.3.1/24 dev link5', 'ip route add 10.0.1.0/24 via 10.0.2.1 dev link4']);
    expect(file.topology.links).toEqual([
      { endpoints: ['client:link1', 'firewall:link2'] },
      { endpoints: ['firewall:link3', 'router:link4'] },
      { endpoints: ['router:link5', 'webserver:link6'] },
    ]);
  });

  it('containerlab: what every node shares is said once, in topology.defaults', () => {
    const file = clab(exportChain(SEED, 'containerlab'));
    expect(file.topology.defaults).toEqual({ kind: 'linux', image: DEFAULT_EXPORT_IMAGE, 'network-mode': 'none' });
    for (const node of Object.values(file.topology.nodes)) {
      expect(node).not.toHaveProperty('kind');
      expect(node).not.toHaveProperty('image');
      expect(node).not.toHaveProperty('network-mode');
    }
  });

  it('containerlab: forwarding is the sysctls setting of the forwarding nodes, not exec lines', () => {
    const nodes = effectiveNodes(clab(exportChain(SEED, 'containerlab')));
    expect(nodes.firewall!.sysctls).toEqual({ 'net.ipv4.ip_forward': 1 });
    expect(nodes.router!.sysctls).toEqual({ 'net.ipv4.ip_forward': 1 });
    expect(nodes.client!.sysctls).toBeUndefined();
    expect(nodes.webserver!.sysctls).toBeUndefined();
    for (const node of Object.values(nodes)) expect((node.exec ?? []).filter((line) => line.includes('sysctl'))).toEqual([]);
  });

  it("containerlab: --image wins over the chain file's image, which wins over the default", () => {
    const chain: DesiredChain = { ...SEED, nodes: SEED.nodes.map((n) => (n.name === 'webserver' ? { ...n, image: 'nginx:1.27' } : n)) };
    const ownFile = clab(exportChain(chain, 'containerlab'));
    const own = effectiveNodes(ownFile);
    expect(own.webserver!.image).toBe('nginx:1.27');
    expect(own.client!.image).toBe(DEFAULT_EXPORT_IMAGE);
    // the image most nodes run is the default; the one that differs says its own
    expect(ownFile.topology.defaults!.image).toBe(DEFAULT_EXPORT_IMAGE);
    expect(Object.entries(ownFile.topology.nodes).filter(([, n]) => n?.image !== undefined)).toEqual([['webserver', expect.objectContaining({ image: 'nginx:1.27' })]]);
    const forcedFile = clab(exportChain(chain, 'containerlab', { image: 'alpine:3.20' }));
    const forced = effectiveNodes(forcedFile);
    expect(Object.values(forced).map((n) => n.image)).toEqual(['alpine:3.20', 'alpine:3.20', 'alpine:3.20', 'alpine:3.20']);
    expect(forcedFile.topology.defaults!.image).toBe('alpine:3.20');
    expect(Object.values(forcedFile.topology.nodes).filter((n) => n?.image !== undefined)).toEqual([]);
  });

  it('containerlab: when every node names its own image, the one most use is the default', () => {
    const images = ['alpine:3.20', 'nginx:1.27', 'nginx:1.27', 'debian:12'];
    const chain: DesiredChain = { ...SEED, nodes: SEED.nodes.map((n, i) => ({ ...n, image: images[i]! })) };
    const file = clab(exportChain(chain, 'containerlab'));
    expect(file.topology.defaults!.image).toBe('nginx:1.27');
    expect(Object.values(effectiveNodes(file)).map((n) => n.image)).toEqual(images);
    expect(file.topology.nodes.firewall).not.toHaveProperty('image');
  });

  it('mermaid: one node per target, one labelled edge per link', () => {
    expect(exportChain(SEED, 'mermaid')).toBe(`${SEED_MERMAID.join('\n')}\n`);
  });

  it('json: the documented shape, two-space indented, ending in a newline', () => {
    const text = exportChain(SEED, 'json');
    expect(JSON.parse(text)).toEqual(SEED_JSON);
    expect(text).toBe(`${JSON.stringify(SEED_JSON, null, 2)}\n`);
  });
});

describe('exportChain: beyond the seed', () => {
  const chain: DesiredChain = {
    name: 'edge',
    nodes: [{ name: 'client', command: ['sleep', 'infinity'] }, { name: 'host' }, { name: 'web', serve: { port: 8080, body: 'hi' } }],
    links: [link('client', 'c0', v6('2001:db8:1::1'), 'host', 'h0', v6('2001:db8:1::2')), link('host', 'h1', v4('10.9.0.1', 30), 'web', 'w0', v4('10.9.0.2', 30))],
    routes: [
      defaultRoute('client', '2001:db8:1::2', 'c0', 6),
      // host bits in a file route's prefix are cleared in what the kernel is asked
      { ...prefixRoute('web', v4('10.7.7.7', 24), '10.9.0.1', 'w0'), origin: 'file' },
    ],
    forwarding: ['host'],
    firewall: [{ node: 'host', rule: ['-m', 'comment', '--comment', "don't ping", '-p', 'icmp', '-j', 'DROP'] }],
    probes: [{ from: 'client', kind: 'http', target: 'http://10.9.0.2:8080/', expect: 200 }],
  };

  it('containerlab: IPv6 routes and forwarding, quoted firewall words, cmd, a reserved name renamed, what it needs noted', () => {
    const text = exportChain(chain, 'containerlab');
    expect(text.split('\n').slice(0, 6)).toEqual([
      '# chainmail chain "edge", for containerlab deploy',
      '# node "host" is "host-2" here',
      '# the firewall rules are iptables exec lines: the image needs iptables',
      "# probes are chainmail's own (chain status); containerlab does not run them",
      '# web serves HTTP on port 8080 with busybox httpd: its image needs sh, mkdir and httpd',
      '',
    ]);
    const file = clab(text);
    expect(file.topology.nodes.client).toEqual({
      cmd: 'sleep infinity',
      exec: ['ip addr add 2001:db8:1::1/64 dev c0', 'ip -6 route add default via 2001:db8:1::2 dev c0'],
    });
    expect(effectiveNodes(file).client).toEqual({
      kind: 'linux',
      image: DEFAULT_EXPORT_IMAGE,
      'network-mode': 'none',
      cmd: 'sleep infinity',
      exec: ['ip addr add 2001:db8:1::1/64 dev c0', 'ip -6 route add default via 2001:db8:1::2 dev c0'],
    });
    // the chain has an IPv6 link: forwarding nodes forward both families
    expect(file.topology.nodes['host-2']!.sysctls).toEqual({ 'net.ipv4.ip_forward': 1, 'net.ipv6.conf.all.forwarding': 1 });
    expect(file.topology.nodes['host-2']!.exec).toEqual([
      'ip addr add 2001:db8:1::2/64 dev h0',
      'ip addr add 10.9.0.1/30 dev h1',
      "iptables -A FORWARD -m comment --comment 'don'\\''t ping' -p icmp -j DROP",
    ]);
    expect(file.topology.nodes.web!.exec).toEqual([
      'ip addr add 10.9.0.2/30 dev w0',
      'ip route add 10.7.7.0/24 via 10.9.0.1 dev w0',
      `mkdir -p ${SERVE_ROOT}`,
      `sh -c 'printf %s "$$1" > ${SERVE_ROOT}/index.html' sh hi`,
      `httpd -p 8080 -h ${SERVE_ROOT}`,
    ]);
    expect(file.topology.links).toEqual([{ endpoints: ['client:c0', 'host-2:h0'] }, { endpoints: ['host-2:h1', 'web:w0'] }]);
  });

  it('containerlab: the exec and cmd lines split, as containerlab splits them, into the words meant', () => {
    const odd: DesiredChain = {
      ...chain,
      nodes: [
        { name: 'client', command: ['sh', '-c', 'echo "$HOME" # not a comment; sleep 1d'] },
        { name: 'host' },
        { name: 'web', serve: { port: 80, body: `<p class="x">it's $5 & \\ # more\nline two</p>` } },
      ],
    };
    const nodes = effectiveNodes(clab(exportChain(odd, 'containerlab')));
    expect(shlexSplit(clabUnescape(nodes.client!.cmd!))).toEqual(['sh', '-c', 'echo "$HOME" # not a comment; sleep 1d']);
    const words = nodes.web!.exec!.map((line) => shlexSplit(clabUnescape(line)));
    expect(words.slice(2)).toEqual([
      ['mkdir', '-p', SERVE_ROOT],
      ['sh', '-c', `printf %s "$1" > ${SERVE_ROOT}/index.html`, 'sh', `<p class="x">it's $5 & \\ # more\nline two</p>`],
      ['httpd', '-p', '80', '-h', SERVE_ROOT],
    ]);
    expect(shlexSplit(clabUnescape(nodes['host-2']!.exec![2]!))).toEqual([
      'iptables',
      '-A',
      'FORWARD',
      '-m',
      'comment',
      '--comment',
      "don't ping",
      '-p',
      'icmp',
      '-j',
      'DROP',
    ]);
  });

  it('containerlab: a node that serves with no body gets the page chainmail serves, naming it', () => {
    const bare: DesiredChain = { ...chain, nodes: [{ name: 'client' }, { name: 'host' }, { name: 'web', serve: { port: 80 } }] };
    const page = shlexSplit(clabUnescape(effectiveNodes(clab(exportChain(bare, 'containerlab'))).web!.exec![3]!))[4];
    expect(page).toBe(servePage('web'));
    expect(page).toContain('chainmail web server on web');
  });

  it('containerlab: names YAML 1.1 would read as booleans stay strings', () => {
    const yes: DesiredChain = {
      ...SEED,
      name: 'no',
      nodes: [{ name: 'on' }, { name: 'yes' }],
      links: [link('on', 'a', v4('10.0.0.1'), 'yes', 'b', v4('10.0.0.2'))],
      routes: [],
      forwarding: [],
      probes: [],
    };
    const text = exportChain(yes, 'containerlab');
    expect(text).toContain('name: "no"\n');
    expect(text).toContain('    "on":\n');
    expect(clab(text).name).toBe('no');
  });

  it('json: optional node fields, file routes, IPv6 and firewall rules', () => {
    const json = JSON.parse(exportChain(chain, 'json')) as Record<'nodes' | 'routes' | 'firewall' | 'probes', unknown>;
    expect(json.nodes).toEqual([
      { name: 'client', forwarding: false, command: ['sleep', 'infinity'] },
      { name: 'host', forwarding: true },
      { name: 'web', forwarding: false, serve: { port: 8080, body: 'hi' } },
    ]);
    expect(json.routes).toEqual([
      { node: 'client', destination: 'default', family: 6, via: '2001:db8:1::2', dev: 'c0', origin: 'derived' },
      { node: 'web', destination: '10.7.7.0/24', family: 4, via: '10.9.0.1', dev: 'w0', origin: 'file' },
    ]);
    expect(json.firewall).toEqual([{ node: 'host', rule: ['-m', 'comment', '--comment', "don't ping", '-p', 'icmp', '-j', 'DROP'] }]);
    expect(json.probes).toEqual([{ from: 'client', kind: 'http', target: 'http://10.9.0.2:8080/', expect: 200 }]);
  });

  it('mermaid: names are made valid ids (unique, not keywords), labels keep the names', () => {
    const odd: DesiredChain = {
      ...SEED,
      nodes: ['web-server', 'web.server', 'end', '1st', 'say "hi"'].map((name) => ({ name })),
      links: [
        link('web-server', 'l1', v4('10.0.1.1'), 'web.server', 'l2', v4('10.0.1.2')),
        link('web.server', 'l3', v4('10.0.2.1'), 'end', 'l4', v4('10.0.2.2')),
        link('end', 'l5', v4('10.0.3.1'), '1st', 'l6', v4('10.0.3.2')),
        link('1st', 'l7', v4('10.0.4.1'), 'say "hi"', 'l8', v4('10.0.4.2')),
      ],
      routes: [],
    };
    expect(mermaidLines(exportChain(odd, 'mermaid'))).toEqual([
      'graph LR',
      '  web_server[web-server]',
      '  web_server_2[web.server]',
      '  end_[end]',
      '  n_1st[1st]',
      '  say__hi_["say #quot;hi#quot;"]',
      '  web_server ---|"l1 10.0.1.1 — 10.0.1.2 l2"| web_server_2',
      '  web_server_2 ---|"l3 10.0.2.1 — 10.0.2.2 l4"| end_',
      '  end_ ---|"l5 10.0.3.1 — 10.0.3.2 l6"| n_1st',
      '  n_1st ---|"l7 10.0.4.1 — 10.0.4.2 l8"| say__hi_',
    ]);
  });
});

// ---------------------------------------------------------------------------
// The live host

const netns = (label: string): Namespace => ({ kind: 'netns', label, path: `/var/run/netns/${label}`, netnsName: label });
const container = (label: string): Namespace => ({ kind: 'docker', label, path: '/proc/1/ns/net', pid: 1, containerName: label });
const hostNs: Namespace = { kind: 'host', label: 'host', path: '/proc/1/ns/net' };
const target = (ns: Namespace, status: string): TargetState => ({ ns, status, interfaces: [] });
const veth = (a: string, aIf: string, aAddr: string[], b: string, bIf: string, bAddr: string[]): TopologyLink => ({
  kind: 'veth',
  a: { target: a, ifname: aIf, addresses: aAddr },
  b: { target: b, ifname: bIf, addresses: bAddr },
});

/** Two namespaces and a container, one veth pair, one stopped container (and Docker's own plumbing). */
const LIVE: Topology = {
  targets: [
    target(hostNs, 'host'),
    target(netns('red'), 'present'),
    target(netns('blue'), 'present'),
    target(container('client'), 'running'),
    target(container('old'), 'exited'),
  ],
  links: [veth('red', 'r0', ['10.0.1.1/24'], 'client', 'c0', ['10.0.1.2/24', '2001:db8::2/64']), veth('client', 'eth0', ['172.17.0.2/16'], 'host', 'veth1a2b3c4', [])],
  warnings: [],
};

describe('exportTopology', () => {
  it('takes the linked targets and the stopped container, not the lone namespace, the host or Docker plumbing', () => {
    const view = liveView(LIVE);
    expect(view.nodes.map((n) => [n.name, n.state])).toEqual([
      ['red', 'up'],
      ['client', 'up'],
      ['old', 'stopped'],
    ]);
    expect(view.links).toEqual([LIVE.links[0]]);
  });

  it('mermaid: the veth pair as an edge, the stopped container styled down', () => {
    expect(mermaidLines(exportTopology(LIVE, 'mermaid'))).toEqual([
      'graph LR',
      '  red[red]',
      '  client[client]',
      '  old["old (exited)"]',
      '  red ---|"r0 10.0.1.1 — 10.0.1.2 2001:db8::2 c0"| client',
      '  classDef down fill:#eee,stroke:#999,stroke-dasharray:5 5,color:#999',
      '  class old down',
    ]);
  });

  it('json: { nodes, links }', () => {
    expect(JSON.parse(exportTopology(LIVE, 'json'))).toEqual({
      nodes: [
        { name: 'red', kind: 'netns', status: 'present', state: 'up' },
        { name: 'client', kind: 'docker', status: 'running', state: 'up' },
        { name: 'old', kind: 'docker', status: 'exited', state: 'stopped' },
      ],
      links: [
        {
          kind: 'veth',
          a: { node: 'red', ifname: 'r0', addresses: ['10.0.1.1/24'] },
          b: { node: 'client', ifname: 'c0', addresses: ['10.0.1.2/24', '2001:db8::2/64'] },
        },
      ],
    });
  });

  it('containerlab: every node rebuilt with its addresses, the one link', () => {
    const text = exportTopology(LIVE, 'containerlab', { name: 'snapshot' });
    expect(text.startsWith('# chainmail: the live host, for containerlab deploy (links and addresses; routes and forwarding are not read)\n')).toBe(true);
    const file = clab(text);
    expect(file.name).toBe('snapshot');
    expect(file.topology.defaults).toEqual({ kind: 'linux', image: DEFAULT_EXPORT_IMAGE, 'network-mode': 'none' });
    expect(effectiveNodes(file)).toEqual({
      red: { kind: 'linux', image: DEFAULT_EXPORT_IMAGE, 'network-mode': 'none', exec: ['ip addr add 10.0.1.1/24 dev r0'] },
      client: {
        kind: 'linux',
        image: DEFAULT_EXPORT_IMAGE,
        'network-mode': 'none',
        exec: ['ip addr add 10.0.1.2/24 dev c0', 'ip addr add 2001:db8::2/64 dev c0'],
      },
      old: { kind: 'linux', image: DEFAULT_EXPORT_IMAGE, 'network-mode': 'none' },
    });
    expect(file.topology.links).toEqual([{ endpoints: ['red:r0', 'client:c0'] }]);
    expect(clab(exportTopology(LIVE, 'containerlab')).name).toBe('chainmail');
  });

  it('containerlab: --image is the image of every node of the live host too', () => {
    const file = clab(exportTopology(LIVE, 'containerlab', { image: 'alpine:3.20' }));
    expect(file.topology.defaults!.image).toBe('alpine:3.20');
    expect(Object.values(effectiveNodes(file)).map((n) => n.image)).toEqual(['alpine:3.20', 'alpine:3.20', 'alpine:3.20']);
  });

  describe('host links, tunnels and vanished namespaces', () => {
    const topology: Topology = {
      targets: [
        target(hostNs, 'host'),
        target(netns('netns red'), 'present'),
        { ...target(netns('blue'), 'present'), error: 'namespace vanished' },
        target(netns('green'), 'present'),
      ],
      links: [
        veth('netns red', 'r0', [], 'host', 'uplink0', ['192.168.50.1/24']),
        { kind: 'vxlan', a: { target: 'green', ifname: 'vx0', addresses: ['10.8.0.1/24'] }, b: { target: 'host', ifname: 'eth0', addresses: [] }, vni: 42 },
        // a parent that was not found: no edge
        { kind: 'macvlan', a: { target: 'green', ifname: 'mv0', addresses: [] }, mode: 'bridge' },
        // a veth pair inside one namespace: no edge
        veth('green', 'g1', [], 'green', 'g2', []),
      ],
      warnings: [],
    };

    it('mermaid: the host appears when a link ends there; tunnels are dotted edges to their parent; the vanished namespace is down', () => {
      expect(mermaidLines(exportTopology(topology, 'mermaid'))).toEqual([
        'graph LR',
        '  host[host]',
        '  netns_red["netns red"]',
        '  blue["blue (gone)"]',
        '  green[green]',
        '  netns_red ---|"r0 — 192.168.50.1 uplink0"| host',
        '  green -.-|"vxlan 42: vx0 10.8.0.1 — eth0"| host',
        '  classDef down fill:#eee,stroke:#999,stroke-dasharray:5 5,color:#999',
        '  class blue down',
      ]);
    });

    it('json: the vxlan keeps its vni, the vanished namespace its error', () => {
      const json = JSON.parse(exportTopology(topology, 'json')) as { nodes: unknown[]; links: unknown[] };
      expect(json.nodes[2]).toEqual({ name: 'blue', kind: 'netns', status: 'present', state: 'gone', error: 'namespace vanished' });
      expect(json.links[1]).toEqual({
        kind: 'vxlan',
        a: { node: 'green', ifname: 'vx0', addresses: ['10.8.0.1/24'] },
        b: { node: 'host', ifname: 'eth0', addresses: [] },
        vni: 42,
      });
      expect(json.links).toHaveLength(2);
    });

    it('containerlab: a host link is a host: endpoint, renamed nodes and what is left out are said in comments', () => {
      const text = exportTopology(topology, 'containerlab');
      expect(text.split('\n').slice(0, 5)).toEqual([
        '# chainmail: the live host, for containerlab deploy (links and addresses; routes and forwarding are not read)',
        '# node "netns red" is "netns-red" here',
        '# not exported: vxlan 42 green:vx0 on host:eth0',
        '# on the host, uplink0 had 192.168.50.1/24; containerlab leaves it without',
        '',
      ]);
      const file = clab(text);
      expect(Object.keys(file.topology.nodes)).toEqual(['netns-red', 'blue', 'green']);
      expect(file.topology.links).toEqual([{ endpoints: ['netns-red:r0', 'host:uplink0'] }]);
    });
  });
});
