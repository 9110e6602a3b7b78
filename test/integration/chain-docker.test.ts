/**
 * The seed's service chain from a chain file, on Docker: `chain up --docker`
 * starts one container per node (--net=none, the test image), links them,
 * sets addresses, routes and forwarding inside and starts busybox httpd in
 * the web server by docker exec; `docker kill` breaks the chain, `chain heal`
 * repairs it, `chain down` removes the containers it started.
 *
 * Names are unique (cmt-<6 hex>-client ...): scripts/test.sh sweeps cmt-*
 * containers after a crash. Fails instead of skipping when
 * CHAINMAIL_REQUIRE_DOCKER=1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainmail, chainmailAsync, isRoot, type CliRun } from '../support/kernel.js';
import { containerIpJson, containerPid, containerRunning, docker, dockerReady, dockerRequired, TEST_IMAGE } from '../support/docker.js';
import { readChainRecord, removeChain, routeText, stateFileOf, writeSeedChain, type SeedChain } from '../support/chain.js';

const READY = isRoot && dockerReady();
const WHY_NOT_READY = !isRoot
  ? 'the Docker chain tests must run as root (they enter namespaces and create veth pairs)'
  : `the Docker engine is not reachable or the offline image ${TEST_IMAGE} is missing (run scripts/ensure-docker.sh and scripts/build-test-image.sh)`;

function ok(args: readonly string[]): CliRun {
  const r = chainmail(args);
  expect(r.code, `chainmail ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

/** ifname -> IPv4 addresses (CIDR), loopback left out, read from the host with nsenter. */
function addressMap(container: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of containerIpJson<Array<{ ifname: string; addr_info?: Array<{ family: string; local: string; prefixlen: number }> }>>(container, ['addr', 'show'])) {
    if (l.ifname === 'lo') continue;
    out[l.ifname] = (l.addr_info ?? [])
      .filter((a) => a.family === 'inet')
      .map((a) => `${a.local}/${a.prefixlen}`)
      .sort();
  }
  return out;
}

/** The IPv4 routes that are not the kernel's link routes. */
const gatewayRoutes = (container: string) =>
  containerIpJson<Array<{ dst: string; gateway?: string; dev?: string; protocol?: string }>>(container, ['-4', 'route', 'show', 'table', 'main'])
    .filter((r) => r.protocol !== 'kernel')
    .map(routeText)
    .sort();

/** A sysctl read inside the container's network namespace, from the host. */
function sysctlIn(container: string, key: string): string {
  const r = spawnSync('nsenter', ['-t', String(containerPid(container)), '-n', 'sysctl', '-n', key], { encoding: 'utf8' });
  expect(r.status, `sysctl ${key} in ${container}: ${r.stderr}`).toBe(0);
  return r.stdout.trim();
}

/** Containers of these names that exist, running or not. */
function existingContainers(names: readonly string[]): string[] {
  const r = docker(['ps', '-a', '--format', '{{.Names}}']);
  const all = new Set(r.stdout.split('\n').filter(Boolean));
  return names.filter((n) => all.has(n));
}

function expectProbeOk(chain: SeedChain): CliRun {
  const r = chainmail(['probe', chain.client, `http://${chain.net}.3.2/`]);
  expect(r.code, `probe from ${chain.client}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  expect(r.stdout).toMatch(/HTTP 200/);
  return r;
}

if (!READY && dockerRequired()) {
  describe('Docker chain files (CHAINMAIL_REQUIRE_DOCKER=1)', () => {
    it('has a Docker engine and the test image', () => {
      expect(READY, `CHAINMAIL_REQUIRE_DOCKER=1 but ${WHY_NOT_READY}`).toBe(true);
    });
  });
}

describe.skipIf(!READY)('chain up --docker: the seed chain in containers', () => {
  let chain: SeedChain;

  beforeAll(() => {
    chain = writeSeedChain({ body: '<title>chainmail test page</title>' });
  });
  afterAll(() => {
    if (chain) removeChain(chain, 'docker');
  });

  it('chain up FILE --docker --image IMAGE exits 0 and starts one container per node', () => {
    const r = ok(['chain', 'up', chain.file, '--docker', '--image', TEST_IMAGE]);
    expect(r.stdout).toContain('did, on containers:');
    expect(r.stdout).toMatch(new RegExp(`chain ${chain.name} is up \\(\\d+ changes, \\d+ ms\\)`));
    for (const node of chain.nodes) expect(containerRunning(node), node).toBe(true);
    // containers, not namespaces
    expect(netnsNamesOf(chain)).toEqual([]);
    const record = readChainRecord(chain.name)!;
    expect(record).toMatchObject({ name: chain.name, mode: 'docker', createdNodes: chain.nodes });
  });

  it("the containers run the test image with --net=none and the chain's label", () => {
    for (const node of chain.nodes) {
      const r = docker(['inspect', '-f', '{{.HostConfig.NetworkMode}}|{{.Config.Image}}|{{index .Config.Labels "chainmail.chain"}}', node]);
      expect(r.stdout, node).toBe(`none|${TEST_IMAGE}|${chain.name}`);
    }
  });

  it("the containers have NET_ADMIN and NET_RAW added and run the file's command (here the default)", () => {
    for (const node of chain.nodes) {
      const r = docker(['inspect', '-f', '{{json .HostConfig.CapAdd}}|{{json .Config.Cmd}}', node]);
      expect(r.stdout, node).toBe('["NET_ADMIN","NET_RAW"]|["sleep","2000000"]');
    }
  });

  it('addresses, routes and forwarding are set inside the containers', () => {
    const n = chain.net;
    expect(addressMap(chain.client)).toEqual({ link1: [`${n}.1.1/24`] });
    expect(addressMap(chain.firewall)).toEqual({ link2: [`${n}.1.2/24`], link3: [`${n}.2.1/24`] });
    expect(addressMap(chain.router)).toEqual({ link4: [`${n}.2.2/24`], link5: [`${n}.3.1/24`] });
    expect(addressMap(chain.webserver)).toEqual({ link6: [`${n}.3.2/24`] });
    expect(gatewayRoutes(chain.client)).toEqual([`default via ${n}.1.2 dev link1`]);
    expect(gatewayRoutes(chain.firewall)).toEqual([`${n}.3.0/24 via ${n}.2.2 dev link3`]);
    expect(gatewayRoutes(chain.router)).toEqual([`${n}.1.0/24 via ${n}.2.1 dev link4`]);
    expect(gatewayRoutes(chain.webserver)).toEqual([`default via ${n}.3.1 dev link6`]);
    expect(sysctlIn(chain.firewall, 'net.ipv4.ip_forward')).toBe('1');
    expect(sysctlIn(chain.router, 'net.ipv4.ip_forward')).toBe('1');
  });

  it('httpd runs in the web server container, started by docker exec (the container itself runs sleep)', () => {
    expect(docker(['exec', chain.webserver, 'pidof', 'httpd']).code).toBe(0);
    expect(docker(['inspect', '-f', '{{json .Config.Cmd}}', chain.webserver]).stdout).toBe('["sleep","2000000"]');
    for (const other of [chain.client, chain.firewall, chain.router]) expect(docker(['exec', other, 'pidof', 'httpd']).code, other).not.toBe(0);
    const r = expectProbeOk(chain);
    expect(r.stdout).toContain('"chainmail test page"');
  });

  it('chain status --json: all ok, the http probe included', () => {
    const r = ok(['chain', 'status', chain.file, '--json']);
    const status = JSON.parse(r.stdout) as { ok: boolean; items: Array<{ kind: string; what: string; ok: boolean; detail?: string }> };
    expect(status.items.filter((i) => !i.ok)).toEqual([]);
    expect(status.ok).toBe(true);
    const probes = status.items.filter((i) => i.kind === 'probe');
    expect(probes).toEqual([
      { kind: 'probe', what: `${chain.client} → http://${chain.net}.3.2:80/ (http)`, ok: true, detail: expect.stringMatching(/^HTTP 200 in/) as unknown },
    ]);
    expect(status.items).toHaveLength(20);
  });

  it('chain up again: nothing to change (httpd is not started twice)', () => {
    const r = ok(['chain', 'up', chain.file, '--docker', '--image', TEST_IMAGE]);
    expect(r.stdout.trim()).toBe(`chain ${chain.name} is up: nothing to change`);
    expect(docker(['exec', chain.webserver, 'pidof', 'httpd']).stdout.split(/\s+/).filter(Boolean)).toHaveLength(1);
  });

  it('docker kill FIREWALL: chain status exits 1 with the firewall stopped and the probe failing', () => {
    expect(docker(['kill', chain.firewall]).code).toBe(0);
    const r = chainmail(['chain', 'status', chain.file]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`✗ node       ${chain.firewall}  (stopped)`);
    expect(r.stdout).toContain(`✗ link       ${chain.client}:link1 <-> ${chain.firewall}:link2  (gone)`);
    expect(r.stdout.split('\n').find((l) => l.includes(`${chain.client} → http://`))).toMatch(/^✗ probe/);
  });

  it('chain heal: a bypass link client - router, and the page is back', () => {
    const r = ok(['chain', 'heal', chain.file]);
    const n = chain.net;
    expect(r.stdout).toContain(`dead: ${chain.firewall}`);
    expect(r.stdout).toMatch(/✓ healed: probes pass \d+ ms after the failure was seen/);
    expect(addressMap(chain.client)).toEqual({ link7: [`${n}.4.1/24`] });
    expect(addressMap(chain.router)).toEqual({ link5: [`${n}.3.1/24`], link8: [`${n}.4.2/24`] });
    expect(gatewayRoutes(chain.client)).toEqual([`default via ${n}.4.2 dev link7`]);
    expectProbeOk(chain);
    ok(['chain', 'status', chain.file]);
    // the killed container is stopped, not restarted: the chain goes around it
    expect(containerRunning(chain.firewall)).toBe(false);
  });

  it('chain down removes every container it started (the stopped one too) and the state file', () => {
    const r = ok(['chain', 'down', chain.file]);
    for (const node of chain.nodes) expect(r.stdout).toContain(`container ${node}`);
    expect(existingContainers(chain.nodes)).toEqual([]);
    expect(docker(['ps', '-a', '--filter', `label=chainmail.chain=${chain.name}`, '--format', '{{.Names}}']).stdout).toBe('');
    expect(existsSync(stateFileOf(chain.name))).toBe(false);
  });
});

describe.skipIf(!READY)('chain up --docker: the page served', () => {
  let chain: SeedChain;
  beforeAll(() => {
    chain = writeSeedChain({ body: '<title>cmt body from the chain file</title>' });
  });
  afterAll(() => {
    if (chain) removeChain(chain, 'docker');
  });

  it('the web server serves the body the chain file gives, as it does on namespaces', () => {
    ok(['chain', 'up', chain.file, '--docker', '--image', TEST_IMAGE]);
    const r = expectProbeOk(chain);
    expect(r.stdout).toContain('"cmt body from the chain file"');
  });
});

describe.skipIf(!READY)('chain up --docker: a stopped container is started again', () => {
  let chain: SeedChain;
  beforeAll(() => {
    chain = writeSeedChain({ body: '<title>cmt "served" again</title>' });
  });
  afterAll(() => {
    if (chain) removeChain(chain, 'docker');
  });

  it('the web server killed: chain up starts it, links it and serves the page again', () => {
    ok(['chain', 'up', chain.file, '--docker', '--image', TEST_IMAGE]);
    expect(docker(['kill', chain.webserver]).code).toBe(0);
    expect(containerRunning(chain.webserver)).toBe(false);
    const r = ok(['chain', 'up', chain.file, '--docker', '--image', TEST_IMAGE]);
    expect(r.stdout).toContain(`start ${chain.webserver}`);
    expect(r.stdout).toContain(`serve HTTP on port 80 in ${chain.webserver}`);
    expect(containerRunning(chain.webserver)).toBe(true);
    expect(docker(['exec', chain.webserver, 'pidof', 'httpd']).stdout.split(/\s+/).filter(Boolean)).toHaveLength(1);
    expect(expectProbeOk(chain).stdout).toContain('cmt "served" again');
    ok(['chain', 'status', chain.file]);
  });
});

describe.skipIf(!READY)('chain up --docker with an image the engine does not have', () => {
  let chain: SeedChain;
  beforeAll(() => {
    chain = writeSeedChain();
  });
  afterAll(() => {
    if (chain) removeChain(chain, 'docker');
  });

  it('tries to pull it before the first container, fails in one line with exit 1, and leaves no container', () => {
    // a registry on loopback that is not there: the pull fails at once, and no traffic leaves the host
    const image = '127.0.0.1:9/cmt-nosuch:1';
    const r = chainmail(['chain', 'up', chain.file, '--docker', '--image', image]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(
      new RegExp(
        `^chainmail: Docker cannot get the image "127\\.0\\.0\\.1:9/cmt-nosuch:1": no such image here, and pulling it failed: .*127\\.0\\.0\\.1:9.*; nothing was changed$`,
      ),
    );
    expect(existingContainers(chain.nodes)).toEqual([]);
    ok(['chain', 'down', chain.file]);
    expect(existsSync(stateFileOf(chain.name))).toBe(false);
  });
});

/** Named namespaces of the chain's node names (there must be none on Docker). */
function netnsNamesOf(chain: SeedChain): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const names = r.stdout.split('\n').map((l) => l.split(' ')[0]);
  return chain.nodes.filter((n) => names.includes(n));
}

describe.skipIf(!READY)('chain up --docker with a container killed half way (issue 6)', () => {
  let chain: SeedChain | undefined;
  afterAll(() => {
    if (chain) removeChain(chain, 'docker');
  });

  it('reports the failure or finds the chain broken, and leaves no half-made link in any container', async () => {
    chain = writeSeedChain({ net: '10.254' });
    const c = chain;
    const up = chainmailAsync(['chain', 'up', c.file, '--docker', '--image', TEST_IMAGE]);
    // the router dies as soon as it runs: before its links are made, or just after
    const deadline = Date.now() + 30_000;
    while (!containerRunning(c.router) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    docker(['kill', c.router]);
    const r = await up;
    if (r.code !== 0) {
      // one line that says what failed
      expect(r.stderr.split('\n')[0], r.stderr).toMatch(/^chainmail: .*(router|not running|link|namespace|Cannot|went away)/i);
    } else {
      expect(chainmail(['chain', 'status', c.file]).code).not.toBe(0);
    }
    // whatever is left: every veth end of the chain in a running container has its peer (ip shows it as link-netnsid)
    for (const node of [c.client, c.firewall, c.webserver]) {
      if (!containerRunning(node)) continue;
      for (let tries = 0; ; tries++) {
        const links = containerIpJson<Array<{ ifname: string; link_netnsid?: number; link?: string }>>(node, ['link', 'show']).filter((l) => /^link\d$/.test(l.ifname));
        const orphans = links.filter((l) => l.link_netnsid === undefined && l.link === undefined);
        if (orphans.length === 0) break;
        // a peer in a dead container goes with it a moment later
        expect(tries, `${node}: ${JSON.stringify(orphans)}`).toBeLessThan(50);
        await new Promise((res) => setTimeout(res, 100));
      }
    }
    ok(['chain', 'down', c.file]);
    expect(existingContainers(c.nodes)).toEqual([]);
  }, 120_000);
});
