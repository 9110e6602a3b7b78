/**
 * The Kubernetes export, run as a cluster with meshnet-cni would run it,
 * without a cluster: `chainmail export FILE --format kubernetes --image IMG`
 * is read back, and each Pod becomes what the kubelet makes of it, with
 * Docker:
 * - the pod's network namespace is its `node` container's (no network of its
 *   own, no capabilities, the pod's sysctls set as it is made);
 * - the `setup` init container is a container of its own in that namespace
 *   with the capabilities the manifest gives it, started before any link
 *   exists, as a pod whose peers are not there yet starts;
 * - meshnet's part is done from the Topologies: a veth pair per uid, each end
 *   moved into its pod, named `local_intf`, given `local_ip`, set up;
 * - a `serve` container joins the pod's namespace;
 * - each probe step of the Job runs its `kubectl exec POD -c node -- ...`
 *   command as `docker exec` in that pod.
 * Then every setup exits 0, every probe passes, and a probe exits non-zero
 * when the chain is broken.
 *
 * Where this differs from a cluster: no eth0 from a cluster network, and
 * IPv6 is turned on in the pods (net.ipv6.conf.all.disable_ipv6=0), as
 * containerlab's linux kind and a dual-stack cluster do.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { containerIpJson, containerPid, docker, dockerReady, dockerRequired, TEST_IMAGE } from '../support/docker.js';
import { chainmail, isRoot, uniqueIfName, uniqueName } from '../support/kernel.js';

const READY = isRoot && dockerReady();
const WHY_NOT_READY = !isRoot
  ? 'the Kubernetes export test must run as root (it creates veth pairs and enters namespaces)'
  : `the Docker engine is not reachable or the offline image ${TEST_IMAGE} is missing (run scripts/ensure-docker.sh and scripts/build-test-image.sh)`;

const BODY = `<title>it's "web"</title>\n<p>$HOME # not a comment</p>\n`;

const CHAIN = `name: K8s_Export
nodes:
  - Client
  - router
  - name: web
    serve: { port: 8080, body: ${JSON.stringify(BODY)} }
links:
  - [Client:c4, router:r4a, 10.247.1.0/24]
  - [Client:c6, router:r6a, fd00:247:1::/64]
  - [router:r4b, web:w4, 10.247.2.0/24]
  - [router:r6b, web:w6, fd00:247:2::/64]
probes:
  - { from: Client, http: web }
  - { from: Client, ping: web }
  - { from: Client, ping: "fd00:247:2::2" }
  - { from: Client, http: "http://10.247.2.2:8080/missing", expect: 404 }
  - { from: Client, ping: 10.247.9.9, expect: fail }
`;

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  securityContext?: { capabilities?: { add?: string[] } };
}
interface PodSpec {
  securityContext?: { sysctls?: Array<{ name: string; value: string }> };
  initContainers?: Container[];
  containers: Container[];
}
interface Resource {
  kind: string;
  metadata: { name: string };
  spec: unknown;
}
interface Link {
  uid: number;
  peer_pod: string;
  local_intf: string;
  local_ip: string;
}

if (!READY && dockerRequired()) {
  describe('Kubernetes export run (CHAINMAIL_REQUIRE_DOCKER=1)', () => {
    it('has a Docker engine and the test image', () => {
      expect(READY, `CHAINMAIL_REQUIRE_DOCKER=1 but ${WHY_NOT_READY}`).toBe(true);
    });
  });
}

/** A container run to its end, without blocking the others. */
function runToEnd(args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

describe.skipIf(!READY)('export --format kubernetes, run as meshnet and the kubelet would', () => {
  let dir: string;
  let resources: Resource[];
  /** Pod name -> its pod container (the namespace holder, running the node container's command). */
  const pods = new Map<string, string>();
  const others: string[] = [];
  let setups: Array<{ pod: string; code: number; out: string }> = [];

  const run = (cmd: string, args: readonly string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  };
  const ofKind = (kind: string) => resources.filter((r) => r.kind === kind);
  const probeSteps = () => {
    const job = ofKind('Job')[0]!.spec as { template: { spec: PodSpec } };
    return [...job.template.spec.initContainers!, ...job.template.spec.containers].filter((c) => c.name.startsWith('probe-'));
  };
  /** A Job step `-n NS exec POD -c node -- CMD...` as `docker exec`. */
  const probe = (step: Container) => {
    const args = step.args!;
    expect(args.slice(2, 3)).toEqual(['exec']);
    const cmd = args.slice(args.indexOf('--') + 1);
    const r = spawnSync('docker', ['exec', pods.get(args[3]!)!, ...cmd], { encoding: 'utf8', timeout: 120_000 });
    return { code: r.status ?? -1, stdout: r.stdout.trim() };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cmt-k8s-'));
    writeFileSync(join(dir, 'chain.yaml'), CHAIN);
    const out = chainmail(['export', join(dir, 'chain.yaml'), '--format', 'kubernetes', '--image', TEST_IMAGE]);
    if (out.code !== 0) throw new Error(`export failed: ${out.stderr}`);
    resources = parseAllDocuments(out.stdout, { version: '1.1' }).map((d) => d.toJS() as Resource);

    // the pods, each with its sysctls, and their setup containers started before any link exists
    const pending: Array<Promise<{ pod: string; code: number; out: string }>> = [];
    for (const pod of ofKind('Pod')) {
      const spec = pod.spec as PodSpec;
      const node = spec.containers.find((c) => c.name === 'node')!;
      const sysctls = [...(spec.securityContext?.sysctls ?? []), { name: 'net.ipv6.conf.all.disable_ipv6', value: '0' }];
      const id = uniqueName(`k8s-${pod.metadata.name}`);
      const r = docker([
        'run',
        '-d',
        '--name',
        id,
        '--network',
        'none',
        ...sysctls.flatMap((s) => ['--sysctl', `${s.name}=${s.value}`]),
        node.image,
        ...(node.args ?? []),
      ]);
      if (r.code !== 0) throw new Error(`docker run for ${pod.metadata.name}: ${r.stderr}`);
      pods.set(pod.metadata.name, id);
      for (const init of spec.initContainers ?? []) {
        const caps = init.securityContext?.capabilities?.add ?? [];
        const args = [
          'run',
          '--rm',
          '--network',
          `container:${id}`,
          ...caps.flatMap((c) => ['--cap-add', c]),
          '--entrypoint',
          init.command![0]!,
          init.image,
          ...init.command!.slice(1),
        ];
        pending.push(runToEnd(args).then((done) => ({ pod: pod.metadata.name, ...done })));
      }
    }
    spawnSync('sleep', ['1']);

    // meshnet: a veth pair per link uid, named, addressed and up in each pod
    const ends = new Map<number, Array<{ pod: string; link: Link }>>();
    for (const topology of ofKind('Topology')) {
      for (const link of (topology.spec as { links: Link[] }).links) {
        ends.set(link.uid, [...(ends.get(link.uid) ?? []), { pod: topology.metadata.name, link }]);
      }
    }
    for (const [uid, pair] of ends) {
      if (pair.length !== 2) throw new Error(`link ${uid} has ${pair.length} ends`);
      const temps = pair.map(() => uniqueIfName('k'));
      run('ip', ['link', 'add', temps[0]!, 'type', 'veth', 'peer', 'name', temps[1]!]);
      pair.forEach(({ pod, link }, i) => {
        const pid = String(containerPid(pods.get(pod)!));
        run('ip', ['link', 'set', temps[i]!, 'netns', pid]);
        run('nsenter', ['-t', pid, '-n', 'ip', 'link', 'set', temps[i]!, 'name', link.local_intf]);
        run('nsenter', ['-t', pid, '-n', 'ip', 'addr', 'add', link.local_ip, 'dev', link.local_intf]);
        run('nsenter', ['-t', pid, '-n', 'ip', 'link', 'set', link.local_intf, 'up']);
      });
    }
    setups = await Promise.all(pending);

    // the serve containers, in their pods' namespaces
    for (const pod of ofKind('Pod')) {
      for (const c of (pod.spec as PodSpec).containers.filter((c) => c.name !== 'node')) {
        const id = uniqueName(`k8s-${c.name}`);
        const r = docker([
          'run',
          '-d',
          '--name',
          id,
          '--network',
          `container:${pods.get(pod.metadata.name)!}`,
          '--entrypoint',
          c.command![0]!,
          c.image,
          ...c.command!.slice(1),
        ]);
        if (r.code !== 0) throw new Error(`docker run ${c.name} for ${pod.metadata.name}: ${r.stderr}`);
        others.push(id);
      }
    }
  }, 150_000);

  afterAll(() => {
    const all = [...others, ...pods.values()];
    if (all.length > 0) docker(['rm', '-f', ...all]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names the pods as DNS-1123 labels', () => {
    expect([...pods.keys()]).toEqual(['client', 'router', 'web']);
  });

  it('every setup container waited for its links, then added its routes, and exited 0', () => {
    // (a route tried before its link had its address says so on stderr, then succeeds)
    expect(
      setups.map((s) => [s.pod, s.code]),
      setups.map((s) => s.out).join('\n'),
    ).toEqual([
      ['client', 0],
      ['router', 0],
      ['web', 0],
    ]);
    expect(setups.map((s) => s.out).join('')).not.toContain('gave up');
    const routes = containerIpJson<Array<{ dst: string; gateway?: string; dev?: string }>>(pods.get('client')!, ['route', 'show']);
    expect(routes).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '10.247.1.2', dev: 'c4' }));
    const routes6 = containerIpJson<Array<{ dst: string; gateway?: string }>>(pods.get('web')!, ['-6', 'route', 'show']);
    expect(routes6).toContainEqual(expect.objectContaining({ dst: 'default', gateway: 'fd00:247:2::1' }));
  });

  it('the router forwards, both families, from the pod sysctls', () => {
    const sysctl = (key: string) =>
      spawnSync('nsenter', ['-t', String(containerPid(pods.get('router')!)), '-n', 'sysctl', '-n', key], { encoding: 'utf8' }).stdout.trim();
    expect(sysctl('net.ipv4.ip_forward')).toBe('1');
    expect(sysctl('net.ipv6.conf.all.forwarding')).toBe('1');
  });

  it("every probe of the Job passes in its pod, the web server's included", () => {
    const results = probeSteps().map(probe);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    for (const r of results) expect(r.stdout).toMatch(/^ok: client → /);
    const page = spawnSync('docker', ['exec', pods.get('client')!, 'timeout', '5', 'wget', '-qO-', 'http://10.247.2.2:8080/'], { encoding: 'utf8' });
    expect(page.stdout).toBe(BODY);
  });

  it('a probe exits non-zero, saying FAIL, when the chain is broken', () => {
    run('nsenter', ['-t', String(containerPid(pods.get('client')!)), '-n', 'ip', 'route', 'del', 'default']);
    const r = probe(probeSteps()[1]!);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('FAIL: client → 10.247.2.2 (ping)');
  }, 60_000);
});
