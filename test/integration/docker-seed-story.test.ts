/**
 * The whole seed story ("Chainmail of NFV", /work/shared/seed/chainmail-of-nfv.md)
 * replayed against the real Docker engine, with chainmail in place of koko,
 * koro and `docker exec ... echo 1 > /proc/sys/...`:
 *
 *   warm-up   test1 --link1/link2-- iptables --link3/link4-- test2, ping, icmp DROP, rule deleted
 *   chain     client --link1/link2-- firewall --link3/link4-- router --link5/link6-- webserver
 *   failure   the firewall is killed, the page is unreachable
 *   repair    client --link7/link8-- router, new default route, the page is back
 *
 * plus the errors a user meets against Docker (unknown, stopped and ambiguous
 * targets, an address that is already there, an engine that cannot be reached).
 *
 * The tests of the story run in order and build on each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainmail, createNetns, deleteNetns, isRoot, ipJson, uniqueName, type CliRun } from '../support/kernel.js';
import { containerIpJson, containerPid, containerRunning, docker, dockerReady, dockerRequired, removeContainers, runContainer, TEST_IMAGE } from '../support/docker.js';

const READY = isRoot && dockerReady();
const WHY_NOT_READY = !isRoot
  ? 'the Docker integration tests must run as root (they enter namespaces and create veth pairs)'
  : `the Docker engine is not reachable or the offline image ${TEST_IMAGE} is missing (run scripts/ensure-docker.sh and scripts/build-test-image.sh)`;

const PAGE_TITLE = 'chainmail test page';
const UNREACHABLE_ENGINE = { DOCKER_HOST: 'unix:///nonexistent.sock' };

// ---------------------------------------------------------------------------
// reading a container from the outside (nsenter + ip -j), independent of chainmail

type Role = 'client' | 'firewall' | 'router' | 'webserver';
type WarmRole = 'test1' | 'iptables' | 'test2';

/** ifname -> its IPv4 addresses (CIDR, sorted), loopback left out. */
function addressMap(name: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of containerIpJson<Array<{ ifname: string; addr_info?: Array<{ family: string; local: string; prefixlen: number }> }>>(name, ['addr', 'show'])) {
    if (l.ifname === 'lo') continue;
    out[l.ifname] = (l.addr_info ?? [])
      .filter((a) => a.family === 'inet')
      .map((a) => `${a.local}/${a.prefixlen}`)
      .sort();
  }
  return out;
}

/** The IPv4 main table in the words of `ip route` as the seed prints it (scope left out). */
function routeLines(name: string): string[] {
  const routes = containerIpJson<Array<{ dst: string; gateway?: string; dev?: string; protocol?: string; prefsrc?: string }>>(name, [
    '-4',
    'route',
    'show',
    'table',
    'main',
  ]);
  return routes
    .map((r) =>
      [r.dst, r.gateway ? `via ${r.gateway}` : '', r.dev ? `dev ${r.dev}` : '', r.protocol === 'kernel' ? 'proto kernel' : '', r.prefsrc ? `src ${r.prefsrc}` : '']
        .filter(Boolean)
        .join(' '),
    )
    .sort();
}

/** Everything a failed command must leave alone in a container. */
function containerState(name: string): string {
  return JSON.stringify({ addresses: addressMap(name), routes: routeLines(name) });
}

/** A CLI run must succeed; on failure the assertion shows what chainmail said. */
function ok(args: readonly string[], env: Record<string, string> = {}): CliRun {
  const r = chainmail(args, env);
  expect(r.code, `chainmail ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

function failing(args: readonly string[], code: number, env: Record<string, string> = {}): CliRun {
  const r = chainmail(args, env);
  expect(r.code, `chainmail ${args.join(' ')} should exit ${code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(code);
  return r;
}

/** `docker exec NAME wget -qO- URL`, bounded from outside (busybox 1.35 `wget -T` segfaults). */
function wgetFrom(name: string, url: string): { code: number; stdout: string; stderr: string } {
  return docker(['exec', name, 'timeout', '5', 'wget', '-qO-', url]);
}

/** Polls until cond() holds or the time is up; returns the milliseconds waited. */
async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!cond() && Date.now() - start < timeoutMs) await new Promise((r) => setTimeout(r, 50));
  return Date.now() - start;
}

// ---------------------------------------------------------------------------

if (!READY && dockerRequired()) {
  describe('Docker integration (CHAINMAIL_REQUIRE_DOCKER=1)', () => {
    it('has a Docker engine, the test image and root', () => {
      expect(READY, `CHAINMAIL_REQUIRE_DOCKER=1 but ${WHY_NOT_READY}`).toBe(true);
    });
  });
}

describe.skipIf(!READY)('the seed story, replayed with chainmail against Docker', () => {
  const c = {} as Record<Role, string>;
  const w = {} as Record<WarmRole, string>;
  const started: string[] = [];
  const namespaces: string[] = [];

  function start(prefix: string): string {
    const name = runContainer(prefix);
    started.push(name);
    return name;
  }

  beforeAll(() => {
    // the seed's four containers; the webserver serves /www like pickle-nginx
    c.client = start('client');
    c.firewall = start('firewall');
    c.router = start('router');
    c.webserver = start('webserver');
    const httpd = docker(['exec', '-d', c.webserver, 'httpd', '-f', '-p', '80', '-h', '/www']);
    if (httpd.code !== 0) throw new Error(`cannot start httpd in ${c.webserver}: ${httpd.stderr}`);
  });

  afterAll(() => {
    removeContainers(started);
    for (const ns of namespaces) deleteNetns(ns);
  });

  describe('warm-up: a firewall between two hosts', () => {
    beforeAll(() => {
      w.test1 = start('test1');
      w.iptables = start('iptables');
      w.test2 = start('test2');
    });

    it('koko with addresses, default routes with koro, forwarding: test1 pings test2 through the firewall', () => {
      ok(['koko', '-d', `${w.test1},link1,10.0.1.1/24`, '-d', `${w.iptables},link2,10.0.1.2/24`]);
      ok(['koko', '-d', `${w.iptables},link3,10.0.2.1/24`, '-d', `${w.test2},link4,10.0.2.2/24`]);
      expect(addressMap(w.test1)).toEqual({ link1: ['10.0.1.1/24'] });
      expect(addressMap(w.iptables)).toEqual({ link2: ['10.0.1.2/24'], link3: ['10.0.2.1/24'] });
      expect(addressMap(w.test2)).toEqual({ link4: ['10.0.2.2/24'] });

      ok(['koro', 'docker', w.test1, 'route', 'add', 'default', 'via', '10.0.1.2', 'dev', 'link1']);
      ok(['koro', 'docker', w.test2, 'route', 'add', 'default', 'via', '10.0.2.1', 'dev', 'link4']);
      // a new namespace inherits the host's net.ipv4.ip_forward (1 wherever Docker
      // runs), so first show that forwarding is what carries the ping
      ok(['forward', w.iptables, 'off']);
      const unforwarded = chainmail(['ping', w.test1, '10.0.2.2', '-c', '1']);
      expect(unforwarded.code, unforwarded.stdout + unforwarded.stderr).not.toBe(0);
      const fwd = ok(['forward', w.iptables, 'on']);
      expect(fwd.stdout).toContain('forwarding ipv4 on');

      const ping = ok(['ping', w.test1, '10.0.2.2', '-c', '2']);
      expect(ping.stdout).toContain('2/2 replies');
    });

    it('an icmp DROP rule in FORWARD stops the ping; deleting rule 1 lets it through again', () => {
      ok(['fw', w.iptables, 'add', '-p', 'icmp', '-j', 'DROP']);
      const listed = JSON.parse(ok(['fw', w.iptables, 'list', '--json']).stdout) as { rules: Array<{ number: number; rule: string }> };
      expect(listed.rules).toEqual([{ number: 1, rule: '-p icmp -j DROP' }]);

      const blocked = chainmail(['ping', w.test1, '10.0.2.2', '-c', '2']);
      expect(blocked.code, blocked.stdout + blocked.stderr).not.toBe(0);
      expect(blocked.stdout).toContain('0/2 replies');

      ok(['fw', w.iptables, 'del', '1']);
      expect((JSON.parse(ok(['fw', w.iptables, 'list', '--json']).stdout) as { rules: unknown }).rules).toEqual([]);
      ok(['ping', w.test1, '10.0.2.2', '-c', '2']);
    });

    afterAll(() => {
      // as the seed does before the real chain: these containers are done with
      removeContainers(Object.values(w));
    });
  });

  describe('the service chain client -> firewall -> router -> webserver', () => {
    it('koko makes the three veth pairs without addresses', () => {
      ok(['koko', '-d', `${c.client},link1`, '-d', `${c.firewall},link2`]);
      ok(['koko', '-d', `${c.firewall},link3`, '-d', `${c.router},link4`]);
      ok(['koko', '-d', `${c.router},link5`, '-d', `${c.webserver},link6`]);
      expect(addressMap(c.client)).toEqual({ link1: [] });
      expect(addressMap(c.firewall)).toEqual({ link2: [], link3: [] });
      expect(addressMap(c.router)).toEqual({ link4: [], link5: [] });
      expect(addressMap(c.webserver)).toEqual({ link6: [] });
      const kinds = containerIpJson<Array<{ ifname: string; linkinfo?: { info_kind?: string } }>>(c.firewall, ['-d', 'link', 'show']);
      expect(kinds.filter((l) => l.ifname !== 'lo').map((l) => l.linkinfo?.info_kind)).toEqual(['veth', 'veth']);
    });

    it('koro adds the six addresses and four routes of the seed, forward turns on the firewall and router', () => {
      ok(['koro', 'docker', c.client, 'address', 'add', '10.0.1.1/24', 'dev', 'link1']);
      ok(['koro', 'docker', c.firewall, 'address', 'add', '10.0.1.2/24', 'dev', 'link2']);
      ok(['koro', 'docker', c.firewall, 'address', 'add', '10.0.2.1/24', 'dev', 'link3']);
      ok(['koro', 'docker', c.router, 'address', 'add', '10.0.2.2/24', 'dev', 'link4']);
      ok(['koro', 'docker', c.router, 'address', 'add', '10.0.3.1/24', 'dev', 'link5']);
      ok(['koro', 'docker', c.webserver, 'address', 'add', '10.0.3.2/24', 'dev', 'link6']);

      ok(['koro', 'docker', c.client, 'route', 'add', 'default', 'via', '10.0.1.2', 'dev', 'link1']);
      ok(['koro', 'docker', c.webserver, 'route', 'add', 'default', 'via', '10.0.3.1', 'dev', 'link6']);
      ok(['koro', 'docker', c.firewall, 'route', 'add', '10.0.3.0/24', 'via', '10.0.2.2', 'dev', 'link3']);
      ok(['koro', 'docker', c.router, 'route', 'add', '10.0.1.0/24', 'via', '10.0.2.1', 'dev', 'link4']);

      ok(['forward', c.firewall, 'on']);
      ok(['forward', c.router, 'on']);
      expect(JSON.parse(ok(['forward', c.firewall, '--json']).stdout)).toMatchObject({ ipv4: true });
      expect(JSON.parse(ok(['forward', c.router, '--json']).stdout)).toMatchObject({ ipv4: true });
    });

    it('each container holds the seed addresses and route tables', () => {
      expect(addressMap(c.client)).toEqual({ link1: ['10.0.1.1/24'] });
      expect(addressMap(c.firewall)).toEqual({ link2: ['10.0.1.2/24'], link3: ['10.0.2.1/24'] });
      expect(addressMap(c.router)).toEqual({ link4: ['10.0.2.2/24'], link5: ['10.0.3.1/24'] });
      expect(addressMap(c.webserver)).toEqual({ link6: ['10.0.3.2/24'] });

      // the seed's `ip route` listings (the firewall's docker0 routes are absent: --net=none)
      expect(routeLines(c.client)).toEqual(['10.0.1.0/24 dev link1 proto kernel src 10.0.1.1', 'default via 10.0.1.2 dev link1']);
      expect(routeLines(c.firewall)).toEqual([
        '10.0.1.0/24 dev link2 proto kernel src 10.0.1.2',
        '10.0.2.0/24 dev link3 proto kernel src 10.0.2.1',
        '10.0.3.0/24 via 10.0.2.2 dev link3',
      ]);
      expect(routeLines(c.router)).toEqual([
        '10.0.1.0/24 via 10.0.2.1 dev link4',
        '10.0.2.0/24 dev link4 proto kernel src 10.0.2.2',
        '10.0.3.0/24 dev link5 proto kernel src 10.0.3.1',
      ]);
      expect(routeLines(c.webserver)).toEqual(['10.0.3.0/24 dev link6 proto kernel src 10.0.3.2', 'default via 10.0.3.1 dev link6']);

      // chainmail's own view agrees
      const shown = ok(['routes', c.router]).stdout;
      expect(shown).toMatch(/10\.0\.1\.0\/24\s+10\.0\.2\.1\s+link4/);
    });

    it('adding an address that is already there fails (exit 1), says so, and changes nothing', () => {
      const before = containerState(c.client);
      const r = failing(['koro', 'docker', c.client, 'address', 'add', '10.0.1.1/24', 'dev', 'link1'], 1);
      expect(containerState(c.client)).toBe(before);
      expect(r.stderr).toContain('nothing was changed');
      // the planner's explanation for this refusal: "10.0.1.1/24 is already on link1"
      expect(r.stderr).toContain('10.0.1.1/24 is already on link1');
    });

    it('the client fetches the page through the firewall and the router', () => {
      const probe = ok(['probe', c.client, 'http://10.0.3.2/']);
      expect(probe.stdout).toContain('HTTP 200');
      expect(probe.stdout).toContain(PAGE_TITLE);

      const page = wgetFrom(c.client, 'http://10.0.3.2/');
      expect(page.code, page.stderr).toBe(0);
      expect(page.stdout).toContain(`<title>${PAGE_TITLE}</title>`);
    });

    it('ls --json shows the four containers and the three veth links resolved to both ends', () => {
      const ls = JSON.parse(ok(['ls', '--json']).stdout) as {
        targets: Array<{ name: string; kind: string; status: string; pid?: number; interfaces: Array<{ name: string; kind: string }> }>;
        links: Array<{ kind: string; a: { target: string; ifname: string; addresses: string[] }; b?: { target: string; ifname: string; addresses: string[] } }>;
      };
      for (const role of ['client', 'firewall', 'router', 'webserver'] as const) {
        const t = ls.targets.find((x) => x.name === c[role]);
        expect(t, `${role} (${c[role]}) in ls`).toBeDefined();
        expect(t).toMatchObject({ kind: 'docker', status: 'running', pid: containerPid(c[role]) });
      }
      const ends = (x: string, xi: string, y: string, yi: string) =>
        ls.links.filter(
          (l) =>
            l.kind === 'veth' &&
            l.b !== undefined &&
            ((l.a.target === x && l.a.ifname === xi && l.b.target === y && l.b.ifname === yi) ||
              (l.a.target === y && l.a.ifname === yi && l.b.target === x && l.b.ifname === xi)),
        );
      const expected: Array<[string, string, string, string, string, string]> = [
        [c.client, 'link1', '10.0.1.1/24', c.firewall, 'link2', '10.0.1.2/24'],
        [c.firewall, 'link3', '10.0.2.1/24', c.router, 'link4', '10.0.2.2/24'],
        [c.router, 'link5', '10.0.3.1/24', c.webserver, 'link6', '10.0.3.2/24'],
      ];
      for (const [x, xi, xa, y, yi, ya] of expected) {
        const found = ends(x, xi, y, yi);
        expect(found, `veth ${x}:${xi} <-> ${y}:${yi} in ${JSON.stringify(ls.links)}`).toHaveLength(1);
        const byEnd = [found[0]!.a, found[0]!.b!];
        expect(byEnd.find((e) => e.target === x)!.addresses).toEqual([xa]);
        expect(byEnd.find((e) => e.target === y)!.addresses).toEqual([ya]);
      }
      // no end of ours is left unpaired
      const ours = new Set(Object.values(c));
      expect(ls.links.filter((l) => ours.has(l.a.target) || (l.b && ours.has(l.b.target)))).toHaveLength(3);

      const text = ok(['ls']).stdout;
      expect(text).toMatch(new RegExp(`${c.client}:link1 <-> ${c.firewall}:link2|${c.firewall}:link2 <-> ${c.client}:link1`));
    });
  });

  describe('failure: the firewall goes down', () => {
    it('chainmail kill stops the firewall container', () => {
      const r = ok(['kill', c.firewall]);
      expect(r.stdout).toContain(`killed container ${c.firewall}`);
      expect(containerRunning(c.firewall)).toBe(false);
    });

    it("the client's link1 went with the veth peer, and so did its default route", async () => {
      // the kernel tears a dead container's namespace down asynchronously (and
      // slowly while other tests churn namespaces): give it a few seconds
      const waited = await waitUntil(() => !('link1' in addressMap(c.client)), 15_000);
      if (waited > 1000) console.warn(`client:link1 outlived the killed firewall by ${waited} ms`);
      expect(addressMap(c.client)).toEqual({});
      expect(routeLines(c.client)).toEqual([]);
      // the router's end towards the firewall is gone too
      expect(Object.keys(addressMap(c.router))).toEqual(['link5']);
    });

    it('the page is unreachable (the seed: "Network is unreachable")', () => {
      const r = chainmail(['probe', c.client, 'http://10.0.3.2/', '--timeout', '2000']);
      expect(r.code, r.stdout + r.stderr).not.toBe(0);
      expect(r.stdout).toMatch(/ENETUNREACH|unreachable/i);
    });

    it('the stopped firewall as a target: exit 3, "not running"', () => {
      const before = containerState(c.client);
      const routes = failing(['routes', c.firewall], 3);
      expect(routes.stderr).toContain(`container "${c.firewall}" is not running`);
      const link = failing(['koko', '-d', `${c.firewall},link9`, '-d', `${c.client},link10`], 3);
      expect(link.stderr).toContain('not running');
      const koro = failing(['koro', 'docker', c.firewall, 'address', 'add', '10.0.9.1/24', 'dev', 'link2'], 3);
      expect(koro.stderr).toContain('not running');
      expect(containerState(c.client)).toBe(before);
    });
  });

  describe('repair: a new link from the client straight to the router', () => {
    it('koko + koro exactly as the seed: link7/link8, 10.0.4.0/24, a new default route', () => {
      ok(['koko', '-d', `${c.client},link7`, '-d', `${c.router},link8`]);
      ok(['koro', 'docker', c.client, 'address', 'add', '10.0.4.1/24', 'dev', 'link7']);
      ok(['koro', 'docker', c.router, 'address', 'add', '10.0.4.2/24', 'dev', 'link8']);
      ok(['koro', 'docker', c.client, 'route', 'add', 'default', 'via', '10.0.4.2', 'dev', 'link7']);

      expect(addressMap(c.client)).toEqual({ link7: ['10.0.4.1/24'] });
      expect(addressMap(c.router)).toEqual({ link5: ['10.0.3.1/24'], link8: ['10.0.4.2/24'] });
      expect(routeLines(c.client)).toEqual(['10.0.4.0/24 dev link7 proto kernel src 10.0.4.1', 'default via 10.0.4.2 dev link7']);
      // the router's routes through the firewall went with link4; 10.0.4.0/24 is connected
      expect(routeLines(c.router)).toEqual(['10.0.3.0/24 dev link5 proto kernel src 10.0.3.1', '10.0.4.0/24 dev link8 proto kernel src 10.0.4.2']);
    });

    it('the page is back', () => {
      const probe = ok(['probe', c.client, 'http://10.0.3.2/']);
      expect(probe.stdout).toContain('HTTP 200');
      expect(probe.stdout).toContain(PAGE_TITLE);
      const page = wgetFrom(c.client, 'http://10.0.3.2/');
      expect(page.code, page.stderr).toBe(0);
      expect(page.stdout).toContain(`<title>${PAGE_TITLE}</title>`);
    });

    it('ls shows the new link and the killed firewall without interfaces', () => {
      const ls = JSON.parse(ok(['ls', '--json']).stdout) as {
        targets: Array<{ name: string; status: string; interfaces: unknown[] }>;
        links: Array<{ kind: string; a: { target: string; ifname: string }; b?: { target: string; ifname: string } }>;
      };
      const fw = ls.targets.find((t) => t.name === c.firewall);
      expect(fw).toMatchObject({ status: 'exited', interfaces: [] });
      const pair = (l: (typeof ls.links)[number]) =>
        [l.a, l.b]
          .map((e) => (e ? `${e.target}:${e.ifname}` : '?'))
          .sort()
          .join(' ');
      const ours = new Set(Object.values(c));
      expect(
        ls.links
          .filter((l) => ours.has(l.a.target))
          .map(pair)
          .sort(),
      ).toEqual([[`${c.client}:link7`, `${c.router}:link8`].sort().join(' '), [`${c.router}:link5`, `${c.webserver}:link6`].sort().join(' ')].sort());
    });
  });

  describe('target errors against Docker', () => {
    it('an unknown container: exit 3, names it, changes nothing in the other end', () => {
      const missing = uniqueName('nosuchcontainer');
      const before = containerState(c.client);
      const r = failing(['koko', '-d', `${missing},l1`, '-d', `${c.client},l2`], 3);
      expect(r.stderr).toContain(missing);
      expect(containerState(c.client)).toBe(before);
      expect(Object.keys(addressMap(c.client))).toEqual(['link7']);
    });

    it('a bare name that is both a container and a network namespace is ambiguous and lists both', () => {
      namespaces.push(c.webserver);
      createNetns(c.webserver);
      try {
        const r = chainmail(['routes', c.webserver]);
        expect(r.code, r.stdout + r.stderr).not.toBe(0);
        expect(r.code).toBe(3);
        expect(r.stderr).toContain('ambiguous');
        expect(r.stderr).toContain('container');
        expect(r.stderr).toContain('network namespace');
        expect(r.stderr).toContain(`docker ${c.webserver}`);
        expect(r.stderr).toContain(`netns ${c.webserver}`);
        // saying which works
        expect(ok(['routes', 'docker', c.webserver]).stdout).toContain('10.0.3.1');
        expect(ok(['routes', 'netns', c.webserver]).stdout).not.toContain('10.0.3.1');
      } finally {
        deleteNetns(c.webserver);
      }
      expect(ok(['routes', c.webserver]).stdout).toContain('10.0.3.1');
    });
  });
});

describe.skipIf(!READY)('the Docker engine cannot be reached (DOCKER_HOST=unix:///nonexistent.sock)', () => {
  const ns = uniqueName('nodock');
  // never created: with the engine unreachable nothing about it can be known
  const container = uniqueName('nodockc');

  beforeAll(() => {
    createNetns(ns);
  });

  afterAll(() => {
    deleteNetns(ns);
  });

  it('a docker target exits 3 with "cannot reach the Docker engine"', () => {
    for (const args of [
      ['routes', 'docker', container],
      ['routes', container],
      ['koro', 'docker', container, 'address', 'add', '10.9.9.1/24', 'dev', 'eth9'],
      ['kill', 'docker', container],
    ]) {
      const r = failing(args, 3, UNREACHABLE_ENGINE);
      expect(r.stderr, args.join(' ')).toContain('cannot reach the Docker engine');
    }
  });

  it('a koko between a container and a namespace fails with 3 and leaves the namespace alone', () => {
    const r = failing(['koko', '-d', `${container},e1`, '-n', `${ns},e2`], 3, UNREACHABLE_ENGINE);
    expect(r.stderr).toContain('cannot reach the Docker engine');
    expect(ipJson<Array<{ ifname: string }>>(ns, ['link', 'show']).map((l) => l.ifname)).toEqual(['lo']);
  });

  it('netns targets still work: koko, koro, routes (bare name too)', () => {
    ok(['koko', '-n', `${ns},e1,10.9.0.1/24`, '-n', `${ns},e2,10.9.0.2/24`], UNREACHABLE_ENGINE);
    ok(['koro', 'netns', ns, 'route', 'add', '10.9.5.0/24', 'via', '10.9.0.2', 'dev', 'e1'], UNREACHABLE_ENGINE);
    const routes = ipJson<Array<{ dst: string; gateway?: string }>>(ns, ['-4', 'route', 'show']);
    expect(routes).toContainEqual(expect.objectContaining({ dst: '10.9.5.0/24', gateway: '10.9.0.2' }));
    expect(ok(['routes', ns], UNREACHABLE_ENGINE).stdout).toContain('10.9.5.0/24');
    expect(ok(['routes', 'netns', ns], UNREACHABLE_ENGINE).stdout).toContain('10.9.5.0/24');
  });

  it('ls lists the namespaces and warns that containers could not be listed', () => {
    const ls = JSON.parse(ok(['ls', '--json'], UNREACHABLE_ENGINE).stdout) as {
      targets: Array<{ name: string; kind: string }>;
      links: Array<{ a: { target: string; ifname: string }; b?: { target: string; ifname: string } }>;
      warnings: string[];
    };
    expect(ls.targets.find((t) => t.name === ns)).toMatchObject({ kind: 'netns' });
    expect(ls.targets.filter((t) => t.kind === 'docker')).toEqual([]);
    expect(ls.warnings.join('\n')).toContain('cannot reach the Docker engine');
    expect(ls.links.filter((l) => l.a.target === ns && l.b?.target === ns)).toHaveLength(1);

    const text = ok(['ls'], UNREACHABLE_ENGINE);
    expect(text.stdout).toContain(ns);
    expect(text.stdout).toMatch(/warning: cannot reach the Docker engine/);
  });
});
