import { readdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { deriveChain } from '../../src/chain/derive.js';
import { DEFAULT_EXPORT_IMAGE } from '../../src/chain/export-containerlab.js';
import { CONTAINERS, IDLE_COMMAND, KUBECTL_IMAGE, kubernetesName, TOPOLOGY_API_VERSION, type TopologyLink } from '../../src/chain/export-kubernetes.js';
import { exportChain } from '../../src/chain/export.js';
import { loadChainFile } from '../../src/chain/file.js';
import type { ChainSpec, DesiredChain } from '../../src/chain/model.js';
import { ChainmailError } from '../../src/errors.js';
import type { Cidr } from '../../src/parse/values.js';
import { DNS_1123_LABEL, JOB_SCHEMA, POD_SCHEMA, TOPOLOGY_SCHEMA } from '../support/kubernetes.js';

const ajv = new Ajv({ allErrors: true, strictTypes: false });
const validate = { Topology: ajv.compile(TOPOLOGY_SCHEMA), Pod: ajv.compile(POD_SCHEMA), Job: ajv.compile(JOB_SCHEMA) };

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ containerPort: number }>;
  securityContext?: { capabilities?: { add?: string[] } };
}
interface PodSpec {
  securityContext?: { sysctls?: Array<{ name: string; value: string }> };
  initContainers?: Container[];
  containers: Container[];
  restartPolicy?: string;
  serviceAccountName?: string;
}
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
  [field: string]: unknown;
}

/** The output as Kubernetes reads it: YAML 1.1 (sigs.k8s.io/yaml), one resource a document, no parse errors. */
function resources(text: string): Resource[] {
  const docs = parseAllDocuments(text, { version: '1.1' });
  if (!Array.isArray(docs)) throw new Error('not a YAML stream');
  for (const doc of docs) expect(doc.errors).toEqual([]);
  return docs.map((doc) => doc.toJS() as Resource);
}

const ofKind = (all: Resource[], kind: string) => all.filter((r) => r.kind === kind);
const topologyLinks = (r: Resource) => (r.spec as { links: TopologyLink[] }).links;
const podSpec = (r: Resource) => r.spec as PodSpec;
const schemaErrors = (kind: keyof typeof validate, value: unknown) => (validate[kind](value) ? [] : validate[kind].errors);

const CHAIN_FILES = [
  ...readdirSync('examples')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `examples/${f}`),
  ...readdirSync('tutorials')
    .filter((f) => f.endsWith('.chain.yaml'))
    .map((f) => `tutorials/${f}`),
].sort();

describe('export --format kubernetes: every example and tutorial chain', () => {
  it('finds the chain files', () => {
    expect(CHAIN_FILES).toContain('examples/service-chain.yaml');
    expect(CHAIN_FILES.filter((f) => f.startsWith('tutorials/')).length).toBeGreaterThan(0);
  });

  describe.each(CHAIN_FILES)('%s', (file) => {
    const chain = deriveChain(loadChainFile(file));
    const text = exportChain(chain, 'kubernetes');
    const all = resources(text);
    const topologies = ofKind(all, 'Topology');
    const pods = ofKind(all, 'Pod');
    const namespace = kubernetesName(chain.name);

    it('is deterministic: the same text every time', () => {
      expect(exportChain(deriveChain(loadChainFile(file)), 'kubernetes')).toBe(text);
    });

    it('is a Namespace, then the Topologies, then the Pods (meshnet must find a pod’s Topology when the pod is made), then the probes', () => {
      const kinds = all.map((r) => r.kind);
      expect(kinds[0]).toBe('Namespace');
      expect(kinds.lastIndexOf('Topology')).toBeLessThan(kinds.indexOf('Pod'));
      const after = chain.probes.length > 0 ? ['ServiceAccount', 'Role', 'RoleBinding', 'Job'] : [];
      expect(kinds.slice(1 + 2 * chain.nodes.length)).toEqual(after);
      for (const r of all.slice(1)) expect(r.metadata.namespace).toBe(namespace);
      expect(all[0]!.metadata.name).toMatch(DNS_1123_LABEL);
    });

    it("one Topology per node, each valid against meshnet's Topology fields", () => {
      expect(topologies.map((t) => t.metadata.name)).toEqual(chain.nodes.map((n) => kubernetesName(n.name)));
      for (const t of topologies) {
        expect(t.apiVersion).toBe(TOPOLOGY_API_VERSION);
        expect(schemaErrors('Topology', t)).toEqual([]);
        for (const link of topologyLinks(t)) {
          expect(Number.isInteger(link.uid)).toBe(true);
          for (const field of ['peer_pod', 'local_intf', 'peer_intf', 'local_ip', 'peer_ip'] as const) expect(typeof link[field]).toBe('string');
        }
      }
    });

    it('peers are symmetric: the far end has the same link, mirrored, with the same uid', () => {
      const byName = new Map(topologies.map((t) => [t.metadata.name, topologyLinks(t)]));
      let ends = 0;
      for (const t of topologies) {
        for (const link of topologyLinks(t)) {
          ends++;
          const mirror = byName.get(link.peer_pod)?.filter((l) => l.uid === link.uid);
          expect(mirror).toEqual([
            { uid: link.uid, peer_pod: t.metadata.name, local_intf: link.peer_intf, peer_intf: link.local_intf, local_ip: link.peer_ip, peer_ip: link.local_ip },
          ]);
        }
      }
      expect(ends).toBe(2 * chain.links.length);
      const uids = new Set(topologies.flatMap((t) => topologyLinks(t).map((l) => l.uid)));
      expect([...uids].sort((a, b) => a - b)).toEqual(chain.links.map((_, i) => i + 1));
    });

    it('one Pod per node, named as its Topology, with the Pod fields and types', () => {
      expect(pods.map((p) => p.metadata.name)).toEqual(topologies.map((t) => t.metadata.name));
      for (const p of pods) {
        expect(schemaErrors('Pod', p)).toEqual([]);
        const spec = podSpec(p);
        const node = chain.nodes.find((n) => kubernetesName(n.name) === p.metadata.name)!;
        const main = spec.containers.find((c) => c.name === CONTAINERS.node)!;
        expect(main.image).toBe(node.image ?? DEFAULT_EXPORT_IMAGE);
        expect(main.args).toEqual(node.command ?? [...IDLE_COMMAND]);
        expect(spec.initContainers!.map((c) => c.name)).toEqual([CONTAINERS.setup]);
        expect(spec.initContainers![0]!.securityContext?.capabilities?.add).toContain('NET_ADMIN');
        for (const c of [...spec.initContainers!, ...spec.containers]) expect(c.name).toMatch(DNS_1123_LABEL);
      }
    });

    it('forwarding nodes set the forwarding sysctl as the pod is made; no other pod does', () => {
      for (const node of chain.nodes) {
        const sysctls = podSpec(pods.find((p) => p.metadata.name === kubernetesName(node.name))!).securityContext?.sysctls;
        if (chain.forwarding.includes(node.name)) expect(sysctls).toContainEqual({ name: 'net.ipv4.ip_forward', value: '1' });
        else expect(sysctls).toBeUndefined();
      }
    });

    it("the setup script waits for every link, then adds the node's routes and firewall rules", () => {
      for (const node of chain.nodes) {
        const script = podSpec(pods.find((p) => p.metadata.name === kubernetesName(node.name))!).initContainers![0]!.command!;
        expect(script.slice(0, 2)).toEqual(['sh', '-c']);
        const lines = script[2]!.split('\n');
        for (const end of chain.links.flatMap((l) => [l.a, l.b]).filter((e) => e.node === node.name)) {
          expect(lines).toContain(`retry ip link show dev ${end.ifname} >/dev/null`);
        }
        const routeLines = lines.filter((l) => l.includes(' route replace '));
        expect(routeLines).toHaveLength(chain.routes.filter((r) => r.node === node.name).length);
        for (const r of chain.routes.filter((r) => r.node === node.name)) expect(routeLines.some((l) => l.endsWith(`via ${r.via} dev ${r.dev}`))).toBe(true);
        expect(lines.filter((l) => l.startsWith('iptables '))).toHaveLength(chain.firewall.filter((r) => r.node === node.name).length);
      }
    });

    it('a node that serves HTTP has a serve container running httpd on its port', () => {
      for (const node of chain.nodes) {
        const containers = podSpec(pods.find((p) => p.metadata.name === kubernetesName(node.name))!).containers;
        const serve = containers.find((c) => c.name === CONTAINERS.serve);
        if (!node.serve) {
          expect(serve).toBeUndefined();
          continue;
        }
        expect(serve!.command![2]).toContain(`exec httpd -f -p ${node.serve.port} `);
        expect(serve!.ports).toEqual([{ name: 'http', containerPort: node.serve.port, protocol: 'TCP' }]);
      }
    });

    it('the probes are a Job that runs each one in its pod, and fails when one does', () => {
      const jobs = ofKind(all, 'Job');
      if (chain.probes.length === 0) {
        expect(jobs).toEqual([]);
        return;
      }
      expect(jobs).toHaveLength(1);
      expect(schemaErrors('Job', jobs[0])).toEqual([]);
      const spec = jobs[0]!.spec as { backoffLimit: number; template: { spec: PodSpec } };
      expect(spec.backoffLimit).toBe(0);
      expect(spec.template.spec.restartPolicy).toBe('Never');
      const steps = [...spec.template.spec.initContainers!, ...spec.template.spec.containers];
      expect(steps[0]!.args!.slice(0, 4)).toEqual(['-n', namespace, 'wait', '--for=condition=Ready']);
      expect(steps.slice(1)).toHaveLength(chain.probes.length);
      chain.probes.forEach((probe, i) => {
        const step = steps[i + 1]!;
        expect(step.image).toBe(KUBECTL_IMAGE);
        expect(step.args!.slice(0, 10)).toEqual(['-n', namespace, 'exec', kubernetesName(probe.from), '-c', CONTAINERS.node, '--', 'sh', '-c', expect.any(String)]);
        expect(step.args![9]).toContain(probe.target);
        expect(step.args![9]).toContain('exit 1');
      });
      const role = ofKind(all, 'Role')[0]!;
      expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] });
      expect(ofKind(all, 'RoleBinding')[0]!.subjects).toEqual([{ kind: 'ServiceAccount', name: spec.template.spec.serviceAccountName, namespace }]);
    });
  });
});

const v4 = (address: string, prefix = 24): Cidr => ({ family: 4, address, prefix });
const spec = (nodes: string[], links: ChainSpec['links'], extra: Partial<ChainSpec> = {}): ChainSpec => ({
  name: 'names',
  nodes: nodes.map((name) => ({ name })),
  links,
  routes: [],
  firewall: [],
  probes: [],
  ...extra,
});
const end = (node: string, ifname: string) => ({ node, ifname });

describe('the schemas the export is held to', () => {
  const topology = {
    apiVersion: TOPOLOGY_API_VERSION,
    kind: 'Topology',
    metadata: { name: 'r1' },
    spec: { links: [{ uid: 1, peer_pod: 'r2', local_intf: 'eth1', peer_intf: 'eth1', local_ip: '12.12.12.1/24', peer_ip: '12.12.12.2/24' }] },
  };
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'r1' }, spec: { containers: [{ name: 'pod', image: 'alpine', command: ['sleep', '1'] }] } };
  it("take meshnet's own example (its README's Topology) and a plain pod", () => {
    expect(schemaErrors('Topology', topology)).toEqual([]);
    expect(schemaErrors('Pod', pod)).toEqual([]);
  });
  it('refuse a wrong type, a missing field, a misspelt field and a name Kubernetes would refuse', () => {
    const link = topology.spec.links[0]!;
    expect(schemaErrors('Topology', { ...topology, spec: { links: [{ ...link, uid: '1' }] } })).not.toEqual([]);
    expect(schemaErrors('Topology', { ...topology, spec: { links: [{ ...link, peer_pod: undefined }] } })).not.toEqual([]);
    expect(schemaErrors('Topology', { ...topology, spec: { links: [{ ...link, peer_intf: undefined, peerIntf: 'eth1' }] } })).not.toEqual([]);
    expect(schemaErrors('Pod', { ...pod, metadata: { name: 'R1' } })).not.toEqual([]);
    expect(schemaErrors('Pod', { ...pod, spec: { containers: [{ name: 'pod' }] } })).not.toEqual([]);
    expect(schemaErrors('Pod', { ...pod, spec: { containers: [{ name: 'pod', image: 'alpine', command: 'sleep 1' }] } })).not.toEqual([]);
    expect(schemaErrors('Pod', { ...pod, spec: { ...pod.spec, securityContext: { sysctls: [{ name: 'net.ipv4.ip_forward', value: 1 }] } } })).not.toEqual([]);
  });
});

describe('export --format kubernetes: names', () => {
  it('maps a name to a DNS-1123 label: lowercase, other characters -, trimmed, at most 63', () => {
    expect(kubernetesName('client')).toBe('client');
    expect(kubernetesName('Web_Server')).toBe('web-server');
    expect(kubernetesName('db.1')).toBe('db-1');
    expect(kubernetesName('_edge_')).toBe('edge');
    expect(kubernetesName('9lives')).toBe('9lives');
    expect(kubernetesName('___')).toBe('node');
    const long = kubernetesName(`${'a'.repeat(62)}_b`);
    expect(long).toBe('a'.repeat(62));
    expect(kubernetesName('x'.repeat(80))).toHaveLength(63);
  });

  it('renames pods, peers and the namespace, keeps the original in an annotation and says so on top', () => {
    const chain = deriveChain(
      spec(['Web_Server', 'db.1'], [{ a: end('Web_Server', 'link1'), b: end('db.1', 'link2'), subnet: v4('10.0.1.0') }], {
        name: 'My_Chain',
        probes: [{ from: 'Web_Server', kind: 'ping', to: 'db.1', expect: 'ok' }],
      }),
    );
    const text = exportChain(chain, 'kubernetes');
    const all = resources(text);
    expect(all[0]!.metadata.name).toBe('my-chain');
    expect(ofKind(all, 'Pod').map((p) => [p.metadata.name, p.metadata.annotations])).toEqual([
      ['web-server', { 'chainmail.node': 'Web_Server' }],
      ['db-1', { 'chainmail.node': 'db.1' }],
    ]);
    expect(ofKind(all, 'Topology').map((t) => topologyLinks(t)[0]!.peer_pod)).toEqual(['db-1', 'web-server']);
    expect(text).toContain('# node "Web_Server" is the pod "web-server"');
    expect(text).toContain('# the chain "My_Chain" is the namespace "my-chain"');
    for (const r of all) if (r.kind in validate) expect(schemaErrors(r.kind as keyof typeof validate, r)).toEqual([]);
    const job = ofKind(all, 'Job')[0]!.spec as { template: { spec: PodSpec } };
    expect(job.template.spec.containers[0]!.args).toContain('web-server');
  });

  it('refuses two nodes that are one name in Kubernetes, naming both', () => {
    const chain = deriveChain(spec(['a_b', 'A.b'], [{ a: end('a_b', 'link1'), b: end('A.b', 'link2'), subnet: v4('10.0.1.0') }]));
    expect(() => exportChain(chain, 'kubernetes')).toThrow(ChainmailError);
    expect(() => exportChain(chain, 'kubernetes')).toThrow(
      'nodes "a_b" and "A.b" are both "a-b" as Kubernetes names (lowercase a-z, 0-9 and -): rename one in the chain file',
    );
  });

  it('refuses a link end named eth0: that is the cluster network’s interface in a pod', () => {
    const chain = deriveChain(spec(['a', 'b'], [{ a: end('a', 'eth0'), b: end('b', 'link2'), subnet: v4('10.0.1.0') }]));
    expect(() => exportChain(chain, 'kubernetes')).toThrow(/^a:eth0: in a pod, eth0 is the cluster network's interface/);
  });
});

describe('export --format kubernetes: details', () => {
  const chain: DesiredChain = deriveChain(
    spec(
      ['c', 'fw', 's'],
      [
        { a: end('c', 'link1'), b: end('fw', 'link2'), subnet: { family: 6, address: 'fd00:1::', prefix: 64 } },
        { a: end('fw', 'link3'), b: end('s', 'link4'), subnet: { family: 6, address: 'fd00:2::', prefix: 64 } },
      ],
      {
        nodes: [
          { name: 'c', command: ['sh', '-c', 'sleep 1d'] },
          { name: 'fw', image: 'alpine:3.20' },
          { name: 's', serve: { port: 8080, body: "it's <b>on</b>" } },
        ],
        firewall: [{ node: 'fw', rule: ['-m', 'comment', '--comment', "don't drop", '-j', 'ACCEPT'] }],
        probes: [
          { from: 'c', kind: 'http', to: 's', expect: 404 },
          { from: 'c', kind: 'ping', to: 's', expect: 'fail' },
        ],
      },
    ),
  );
  const all = resources(exportChain(chain, 'kubernetes'));
  const pod = (name: string) => podSpec(ofKind(all, 'Pod').find((p) => p.metadata.name === name)!);

  it('IPv6: addresses in CIDR form, ip -6 routes, and the IPv6 forwarding sysctl too', () => {
    expect(topologyLinks(ofKind(all, 'Topology')[0]!)[0]).toMatchObject({ local_ip: 'fd00:1::1/64', peer_ip: 'fd00:1::2/64' });
    expect(pod('c').initContainers![0]!.command![2]).toContain('retry ip -6 route replace default via fd00:1::2 dev link1');
    expect(pod('fw').securityContext!.sysctls).toEqual([
      { name: 'net.ipv4.ip_forward', value: '1' },
      { name: 'net.ipv6.conf.all.forwarding', value: '1' },
    ]);
  });

  it("a node's command is its container's args (Docker's Cmd, as under chain up --docker); its image is its own", () => {
    expect(pod('c').containers[0]).toMatchObject({ name: 'node', image: DEFAULT_EXPORT_IMAGE, args: ['sh', '-c', 'sleep 1d'] });
    expect(pod('fw').containers[0]!.image).toBe('alpine:3.20');
    expect(pod('fw').initContainers![0]!.image).toBe('alpine:3.20');
  });

  it('--image is every container’s image but the probe Job’s kubectl', () => {
    const withImage = resources(exportChain(chain, 'kubernetes', { image: 'busybox:1.36' }));
    for (const p of ofKind(withImage, 'Pod')) for (const c of [...podSpec(p).initContainers!, ...podSpec(p).containers]) expect(c.image).toBe('busybox:1.36');
    const job = ofKind(withImage, 'Job')[0]!.spec as { template: { spec: PodSpec } };
    for (const c of [...job.template.spec.initContainers!, ...job.template.spec.containers]) expect(c.image).toBe(KUBECTL_IMAGE);
  });

  it('a firewall rule reaches iptables word for word, quoted for the shell', () => {
    expect(pod('fw').initContainers![0]!.command![2]).toContain(`iptables -w 5 -A FORWARD -m comment --comment 'don'\\''t drop' -j ACCEPT`);
  });

  it("the page goes to the serve container as an argument, not through the shell's parsing", () => {
    const serve = pod('s').containers.find((c) => c.name === 'serve')!;
    expect(serve.command!.slice(3)).toEqual(['sh', "it's <b>on</b>"]);
  });

  it('an HTTP probe for an exact status compares the status; a probe that must fail fails the Job when it answers', () => {
    const job = ofKind(all, 'Job')[0]!.spec as { template: { spec: PodSpec } };
    const [, first] = job.template.spec.initContainers!;
    const last = job.template.spec.containers[0]!;
    expect(first!.args![9]).toContain('= 404 ]');
    expect(last.args![9]).toMatch(/^if ping -c 1 -W 2 fd00:2::2 .*; then echo .*; exit 1; fi; echo /);
  });
});
