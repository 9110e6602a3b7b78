/**
 * The containerlab export, deployed as containerlab would deploy it, without
 * containerlab: `chainmail export FILE --format containerlab --image IMG`
 * is read back (defaults merged into each node, `$$` unescaped), each node
 * becomes a container of the test image with the file's sysctls, the links
 * become veth pairs named as the endpoints say, and every exec line runs as
 * containerlab runs it (split like google/shlex, `docker exec` as root).
 * Then the web server a node declares with `serve:` answers HTTP across the
 * chain, over IPv4 and IPv6, with the page the chain file gives.
 *
 * Where this differs from containerlab: containers run with NET_ADMIN and
 * NET_RAW instead of --privileged (which this kind of machine refuses), and
 * containerlab's linux kind adds the sysctl net.ipv6.conf.all.disable_ipv6=0
 * (nodes/linux/linux.go), added here the same way.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clabUnescape, effectiveNodes, shlexSplit, type ClabFile, type ClabNode } from '../support/containerlab.js';
import { containerPid, docker, dockerReady, dockerRequired, TEST_IMAGE } from '../support/docker.js';
import { chainmail, isRoot, uniqueIfName, uniqueName } from '../support/kernel.js';

const READY = isRoot && dockerReady();
const WHY_NOT_READY = !isRoot
  ? 'the containerlab export test must run as root (it creates veth pairs and enters namespaces)'
  : `the Docker engine is not reachable or the offline image ${TEST_IMAGE} is missing (run scripts/ensure-docker.sh and scripts/build-test-image.sh)`;

/** A page with what a shell or containerlab could take for something else: quotes, `$`, `#`, a backslash, lines. */
const BODY = `<title>it's "web"</title>\n<p>$HOME costs $5 # not a comment \\ done</p>\n`;

const CHAIN = `name: clab-export
nodes:
  - client
  - router
  - name: web
    serve: { port: 8080, body: ${JSON.stringify(BODY)} }
links:
  - [client:c4, router:r4a, 10.246.1.0/24]
  - [client:c6, router:r6a, fd00:246:1::/64]
  - [router:r4b, web:w4, 10.246.2.0/24]
  - [router:r6b, web:w6, fd00:246:2::/64]
forwarding: [router]
`;

if (!READY && dockerRequired()) {
  describe('containerlab export deployed (CHAINMAIL_REQUIRE_DOCKER=1)', () => {
    it('has a Docker engine and the test image', () => {
      expect(READY, `CHAINMAIL_REQUIRE_DOCKER=1 but ${WHY_NOT_READY}`).toBe(true);
    });
  });
}

describe.skipIf(!READY)('export --format containerlab, deployed as containerlab would', () => {
  let dir: string;
  let file: ClabFile;
  let nodes: Record<string, ClabNode>;
  /** Lab node name -> container name. */
  const containers = new Map<string, string>();
  /** What every exec line did, in order: node, words, exit code, stderr. */
  const ran: Array<{ node: string; words: string[]; code: number; stderr: string }> = [];

  const container = (node: string) => containers.get(node)!;
  const run = (cmd: string, args: readonly string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cmt-clab-'));
    writeFileSync(join(dir, 'chain.yaml'), CHAIN);
    const out = chainmail(['export', join(dir, 'chain.yaml'), '--format', 'containerlab', '--image', TEST_IMAGE]);
    if (out.code !== 0) throw new Error(`export failed: ${out.stderr}`);
    file = parse(out.stdout) as ClabFile;
    nodes = effectiveNodes(file);

    // create: one container per node, its sysctls set as it is made (containerlab: HostConfig.Sysctls)
    for (const [name, node] of Object.entries(nodes)) {
      if (node.kind !== 'linux' || node['network-mode'] !== 'none') throw new Error(`node ${name}: not a linux node without a network: ${JSON.stringify(node)}`);
      const sysctls = { ...node.sysctls, 'net.ipv6.conf.all.disable_ipv6': '0' };
      const id = uniqueName(`clab-${name}`);
      containers.set(name, id);
      const r = docker([
        'run',
        '-d',
        '--name',
        id,
        '--network',
        'none',
        '--cap-add',
        'NET_ADMIN',
        '--cap-add',
        'NET_RAW',
        ...Object.entries(sysctls).flatMap(([k, v]) => ['--sysctl', `${k}=${v}`]),
        node.image!,
        ...(node.cmd !== undefined ? shlexSplit(clabUnescape(node.cmd)) : []),
      ]);
      if (r.code !== 0) throw new Error(`docker run for ${name}: ${r.stderr}`);
    }

    // create-links: a veth pair per link, each end moved into its node and named as the endpoint says
    for (const { endpoints } of file.topology.links ?? []) {
      const ends = endpoints.map((e) => {
        const [node, ifname] = e.split(':') as [string, string];
        return { node, ifname, temp: uniqueIfName('c') };
      });
      run('ip', ['link', 'add', ends[0]!.temp, 'type', 'veth', 'peer', 'name', ends[1]!.temp]);
      for (const end of ends) {
        const pid = String(containerPid(container(end.node)));
        run('ip', ['link', 'set', end.temp, 'netns', pid]);
        run('nsenter', ['-t', pid, '-n', 'ip', 'link', 'set', end.temp, 'name', end.ifname]);
        run('nsenter', ['-t', pid, '-n', 'ip', 'link', 'set', end.ifname, 'up']);
      }
    }

    // configure: every exec line, in order, as root
    for (const [name, node] of Object.entries(nodes)) {
      for (const line of node.exec ?? []) {
        const words = shlexSplit(clabUnescape(line));
        const r = docker(['exec', '-u', '0', container(name), ...words]);
        ran.push({ node: name, words, code: r.code, stderr: r.stderr });
      }
    }
  }, 60_000);

  afterAll(() => {
    docker(['rm', '-f', ...containers.values()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A GET from the client, bounded from outside (busybox wget -T crashes). */
  function get(url: string): { code: number; stdout: string; stderr: string } {
    const r = spawnSync('timeout', ['5', 'docker', 'exec', container('client'), 'wget', '-qO-', url], { encoding: 'utf8', timeout: 10_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** The page, once the daemonized httpd listens: a few tries. */
  function page(url: string): string {
    let last = get(url);
    for (let i = 0; i < 40 && last.code !== 0; i++) {
      spawnSync('sleep', ['0.1']);
      last = get(url);
    }
    expect(last.code, `wget ${url}: ${last.stderr}`).toBe(0);
    return last.stdout;
  }

  it('every exec line of every node ran and succeeded', () => {
    expect(ran.length).toBeGreaterThanOrEqual(10);
    expect(ran.filter((r) => r.code !== 0)).toEqual([]);
  });

  // only the forwarding node's are set: the others keep what a new namespace gets (IPv4 forwarding
  // copied from the host's, which Docker turns on), as with chain up --docker
  it('the forwarding node forwards, both families, from its sysctls', () => {
    const sysctl = (node: string, key: string) => {
      const r = spawnSync('nsenter', ['-t', String(containerPid(container(node))), '-n', 'sysctl', '-n', key], { encoding: 'utf8' });
      return r.stdout.trim();
    };
    expect(sysctl('router', 'net.ipv4.ip_forward')).toBe('1');
    expect(sysctl('router', 'net.ipv6.conf.all.forwarding')).toBe('1');
  });

  it("the web server answers across the chain with the chain file's page, over IPv4", () => {
    expect(page('http://10.246.2.2:8080/')).toBe(BODY);
  });

  it('and over IPv6', () => {
    expect(page('http://[fd00:246:2::2]:8080/')).toBe(BODY);
  });
});
