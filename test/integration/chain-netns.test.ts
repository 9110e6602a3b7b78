/**
 * Chain files on network namespaces, end to end through the real program:
 * `chain up` builds the seed's service chain (client, firewall, router, web
 * server), `chain status` checks it, `chainmail kill` breaks it, `chain heal`
 * repairs it (bypass, reattach, --watch), `chain down` removes exactly what up
 * made; `export` writes it out; `chainmail demo` runs without a terminal.
 *
 * Every chain here has unique names (cmt-<6 hex>-client ...) and its own
 * chain name, and lives in 10.251.0.0/16 inside its namespaces.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readlinkSync, statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  addressesOf,
  BIN,
  chainmail,
  chainmailAsync,
  createNetns,
  eventually,
  inNetns,
  ip,
  ipJson,
  isRoot,
  leftoverTemps,
  linkNames,
  REPO,
  stableSnapshot,
  type CliRun,
} from '../support/kernel.js';
import { netnsNames, processAlive, readChainRecord, removeChain, routeText, stateFileOf, writeChainText, writeSeedChain, type SeedChain } from '../support/chain.js';

const d = isRoot ? describe : describe.skip;

/** A CLI run must succeed; on failure the assertion shows what chainmail said. */
function ok(args: readonly string[]): CliRun {
  const r = chainmail(args);
  expect(r.code, `chainmail ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

function failing(args: readonly string[], code: number): CliRun {
  const r = chainmail(args);
  expect(r.code, `chainmail ${args.join(' ')} should exit ${code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(code);
  return r;
}

/** The routes a node holds that are not the kernel's link routes, as words. */
type RouteJson = { dst: string; gateway?: string; dev?: string; protocol?: string };
const ipv4Routes = (ns: string) => ipJson<RouteJson[]>(ns, ['-4', 'route', 'show', 'table', 'main']);
const gatewayRoutes = (ns: string) =>
  ipv4Routes(ns)
    .filter((r) => r.protocol !== 'kernel')
    .map(routeText)
    .sort();
const linkRoutes = (ns: string) =>
  ipv4Routes(ns)
    .filter((r) => r.protocol === 'kernel')
    .map(routeText)
    .sort();

function sysctl(ns: string, key: string): string {
  const r = inNetns(ns, ['sysctl', '-n', key]);
  expect(r.code, `sysctl ${key} in ${ns}: ${r.stderr}`).toBe(0);
  return r.stdout.trim();
}

/** `chainmail probe CLIENT URL`: exit code and its line. */
const probe = (chain: SeedChain, url = `http://${chain.net}.3.2/`) => chainmail(['probe', chain.client, url]);

function expectProbeOk(chain: SeedChain): void {
  const r = probe(chain);
  expect(r.code, `probe from ${chain.client}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  expect(r.stdout).toMatch(/HTTP 200/);
}

/** Nodes of the chain that exist as named namespaces now. */
const presentNodes = (chain: SeedChain) => {
  const names = new Set(netnsNames());
  return chain.nodes.filter((n) => names.has(n));
};

const hostTemps = () => leftoverTemps([]).filter((t) => t.startsWith('host:'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The chains a test wrote; afterEach removes whatever is left of them. */
const made: SeedChain[] = [];
function seedChain(...args: Parameters<typeof writeSeedChain>): SeedChain {
  const chain = writeSeedChain(...args);
  made.push(chain);
  return chain;
}

d('chain up / status / heal / down: the seed chain on namespaces', () => {
  let chain: SeedChain;
  let before: string;

  beforeAll(() => {
    chain = writeSeedChain();
    before = stableSnapshot([]);
  });
  afterAll(() => {
    if (chain) removeChain(chain);
  });

  it('chain up exits 0, says what it did, and records it', () => {
    const r = ok(['chain', 'up', chain.file]);
    expect(r.stdout).toContain('did, on network namespaces:');
    expect(r.stdout).toMatch(new RegExp(`chain ${chain.name} is up \\(14 changes, \\d+ ms\\)`));
    expect(presentNodes(chain)).toEqual(chain.nodes);
    const record = readChainRecord(chain.name)!;
    expect(record).toMatchObject({ name: chain.name, mode: 'netns', createdNodes: chain.nodes, addedRules: [] });
    expect(record.createdLinks).toEqual([`${chain.client}:link1`, `${chain.firewall}:link3`, `${chain.router}:link5`]);
    expect(processAlive(record.servers[chain.webserver]!)).toBe(true);
  });

  it('the kernel holds the six addresses, one per link end', () => {
    const n = chain.net;
    expect(addressesOf(chain.client, 'link1')).toEqual([`${n}.1.1/24`]);
    expect(addressesOf(chain.firewall, 'link2')).toEqual([`${n}.1.2/24`]);
    expect(addressesOf(chain.firewall, 'link3')).toEqual([`${n}.2.1/24`]);
    expect(addressesOf(chain.router, 'link4')).toEqual([`${n}.2.2/24`]);
    expect(addressesOf(chain.router, 'link5')).toEqual([`${n}.3.1/24`]);
    expect(addressesOf(chain.webserver, 'link6')).toEqual([`${n}.3.2/24`]);
    expect(linkNames(chain.client)).toEqual(['link1', 'lo']);
    expect(linkNames(chain.firewall)).toEqual(['link2', 'link3', 'lo']);
    expect(linkNames(chain.router)).toEqual(['link4', 'link5', 'lo']);
    expect(linkNames(chain.webserver)).toEqual(['link6', 'lo']);
  });

  it("the four routes are exactly the story's", () => {
    const n = chain.net;
    expect(gatewayRoutes(chain.client)).toEqual([`default via ${n}.1.2 dev link1`]);
    expect(gatewayRoutes(chain.firewall)).toEqual([`${n}.3.0/24 via ${n}.2.2 dev link3`]);
    expect(gatewayRoutes(chain.router)).toEqual([`${n}.1.0/24 via ${n}.2.1 dev link4`]);
    expect(gatewayRoutes(chain.webserver)).toEqual([`default via ${n}.3.1 dev link6`]);
    expect(linkRoutes(chain.firewall)).toEqual([`${n}.1.0/24 dev link2 (kernel)`, `${n}.2.0/24 dev link3 (kernel)`]);
  });

  it('forwarding is on in the firewall and the router (IPv4 and IPv6), and only there', () => {
    for (const middle of [chain.firewall, chain.router]) {
      expect(sysctl(middle, 'net.ipv4.ip_forward'), middle).toBe('1');
      expect(sysctl(middle, 'net.ipv6.conf.all.forwarding'), middle).toBe('1');
    }
    // IPv4 forwarding of a new namespace follows the host's; IPv6 starts off
    for (const end of [chain.client, chain.webserver]) expect(sysctl(end, 'net.ipv6.conf.all.forwarding'), end).toBe('0');
  });

  it('the web server answers the client through the chain', () => {
    const r = probe(chain);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/HTTP 200/);
    expect(r.stdout).toContain(`"cmt ${chain.name.slice(4)} page"`);
  });

  it('nothing of the chain is on the host: no temporaries, no new interfaces or routes', () => {
    expect(hostTemps()).toEqual([]);
    expect(stableSnapshot([])).toBe(before);
  });

  it('chain up again says there is nothing to change, and changes nothing', () => {
    const state = stableSnapshot(chain.nodes);
    const pid = readChainRecord(chain.name)!.servers[chain.webserver];
    const r = ok(['chain', 'up', chain.file]);
    expect(r.stdout.trim()).toBe(`chain ${chain.name} is up: nothing to change`);
    expect(stableSnapshot(chain.nodes)).toBe(state);
    expect(readChainRecord(chain.name)!.servers[chain.webserver]).toBe(pid);
  });

  it('chain up --dry-run of a chain that is up plans nothing', () => {
    const r = ok(['chain', 'up', chain.file, '--dry-run']);
    expect(r.stdout.trim()).toBe(`chain ${chain.name} is up: nothing to change`);
  });

  it('chain status --json: every item ok, exit 0', () => {
    const r = ok(['chain', 'status', chain.file, '--json']);
    const status = JSON.parse(r.stdout) as { name: string; ok: boolean; items: Array<{ kind: string; what: string; ok: boolean; detail?: string }> };
    expect(status.name).toBe(chain.name);
    expect(status.ok).toBe(true);
    expect(status.items.filter((i) => !i.ok)).toEqual([]);
    const count = (kind: string) => status.items.filter((i) => i.kind === kind).length;
    expect([count('node'), count('link'), count('address'), count('forwarding'), count('route'), count('probe')]).toEqual([4, 3, 6, 2, 4, 1]);
    const probeItem = status.items.find((i) => i.kind === 'probe')!;
    expect(probeItem.what).toBe(`${chain.client} → http://${chain.net}.3.2:80/ (http)`);
    expect(probeItem.detail).toMatch(/^HTTP 200 in [\d.]+ ms$/);
  });

  it("export --live --format json shows the chain's nodes and links while it is up", () => {
    const r = ok(['export', '--live', '--format', 'json']);
    const live = JSON.parse(r.stdout) as {
      nodes: Array<{ name: string; kind?: string; state: string }>;
      links: Array<{ kind: string; a: { node: string; ifname: string }; b: { node: string; ifname: string } }>;
    };
    for (const n of chain.nodes)
      expect(
        live.nodes.find((x) => x.name === n),
        n,
      ).toMatchObject({ name: n, kind: 'netns', state: 'up' });
    const ends = live.links
      .filter((l) => chain.nodes.includes(l.a.node))
      .map((l) => [`${l.a.node}:${l.a.ifname}`, `${l.b.node}:${l.b.ifname}`].sort().join(' - '))
      .sort();
    expect(ends).toEqual(
      [`${chain.client}:link1 - ${chain.firewall}:link2`, `${chain.firewall}:link3 - ${chain.router}:link4`, `${chain.router}:link5 - ${chain.webserver}:link6`].sort(),
    );
  });

  it('chainmail kill FIREWALL: chain status exits non-zero and names the broken node, links, routes and probe', () => {
    ok(['kill', chain.firewall]);
    expect(presentNodes(chain)).toEqual([chain.client, chain.router, chain.webserver]);
    const r = failing(['chain', 'status', chain.file], 1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toContain(`✗ node       ${chain.firewall}  (missing)`);
    expect(lines).toContain(`✗ link       ${chain.client}:link1 <-> ${chain.firewall}:link2  (gone)`);
    expect(lines).toContain(`✗ link       ${chain.firewall}:link3 <-> ${chain.router}:link4  (gone)`);
    expect(lines).toContain(`✓ link       ${chain.router}:link5 <-> ${chain.webserver}:link6`);
    expect(lines).toContain(`✗ route      ${chain.client}: default via ${chain.net}.1.2 dev link1  (missing)`);
    expect(lines.find((l) => l.includes(`${chain.client} → http://${chain.net}.3.2:80/`))).toMatch(/^✗ probe/);
    expect(lines.at(-1)).toMatch(new RegExp(`^chain ${chain.name}: \\d+ of 20 not ok$`));
    expect(probe(chain).code).not.toBe(0);

    const json = chainmail(['chain', 'status', chain.file, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: chain.name, ok: false });
  });

  it('chain heal (bypass) joins client and router on a new link and subnet, and the page is back', () => {
    const r = ok(['chain', 'heal', chain.file]);
    const n = chain.net;
    expect(r.stdout).toContain(`dead: ${chain.firewall}`);
    expect(r.stdout).toContain(`${chain.client}:link7 - ${chain.router}:link8, ${n}.4.0/24`);
    expect(r.stdout).toMatch(/✓ healed: probes pass \d+ ms after the failure was seen/);
    expect(addressesOf(chain.client, 'link7')).toEqual([`${n}.4.1/24`]);
    expect(addressesOf(chain.router, 'link8')).toEqual([`${n}.4.2/24`]);
    expect(gatewayRoutes(chain.client)).toEqual([`default via ${n}.4.2 dev link7`]);
    // the router is on both remaining links: it needs no route of its own now
    expect(gatewayRoutes(chain.router)).toEqual([]);
    expect(gatewayRoutes(chain.webserver)).toEqual([`default via ${n}.3.1 dev link6`]);
    expectProbeOk(chain);
  });

  it('after the heal, status checks the healed chain: all ok, exit 0', () => {
    const r = ok(['chain', 'status', chain.file]);
    expect(r.stdout).toMatch(new RegExp(`chain ${chain.name}: all \\d+ ok`));
    expect(r.stdout).toContain(`✓ link       ${chain.client}:link7 <-> ${chain.router}:link8`);
    expect(r.stdout).not.toContain(chain.firewall);
  });

  it('chain heal with nothing dead changes nothing', () => {
    const state = stableSnapshot(chain.nodes.filter((x) => x !== chain.firewall));
    const r = ok(['chain', 'heal', chain.file]);
    expect(r.stdout).toContain('nothing to heal');
    expect(stableSnapshot(chain.nodes.filter((x) => x !== chain.firewall))).toBe(state);
  });

  it('chain down removes the namespaces, the web server, the state file, and leaves nothing', async () => {
    const pid = readChainRecord(chain.name)!.servers[chain.webserver]!;
    const r = ok(['chain', 'down', chain.file]);
    expect(r.stdout).toContain(`web server in ${chain.webserver}`);
    for (const node of [chain.client, chain.router, chain.webserver]) expect(r.stdout).toContain(`namespace ${node}`);
    expect(r.stdout).not.toContain('left alone');
    expect(presentNodes(chain)).toEqual([]);
    expect(netnsNames().filter((x) => x.startsWith(`${chain.name}-`))).toEqual([]);
    expect(existsSync(stateFileOf(chain.name))).toBe(false);
    expect(
      await eventually(
        () => processAlive(pid),
        (alive) => !alive,
        5000,
      ),
      `web server ${pid} still runs`,
    ).toBe(false);
    expect(hostTemps()).toEqual([]);
    expect(stableSnapshot([])).toBe(before);
  });

  it('chain down again: nothing to remove, exit 0', () => {
    const r = ok(['chain', 'down', chain.file]);
    expect(r.stdout.trim()).toBe(`chain ${chain.name} was not up: nothing to remove`);
  });
});

d('chain files on namespaces: more', () => {
  afterEach(() => {
    for (const chain of made.splice(0)) removeChain(chain);
  });

  it('chain up --dry-run on a fresh chain prints the plan and creates nothing', () => {
    const chain = seedChain();
    const before = stableSnapshot([]);
    const r = ok(['chain', 'up', chain.file, '--dry-run']);
    const n = chain.net;
    expect(r.stdout.split('\n')).toEqual([
      'would, on network namespaces:',
      ...chain.nodes.map((x) => `  create ${x}`),
      `  link ${chain.client}:link1 ${n}.1.1/24 <-> ${chain.firewall}:link2 ${n}.1.2/24`,
      `  link ${chain.firewall}:link3 ${n}.2.1/24 <-> ${chain.router}:link4 ${n}.2.2/24`,
      `  link ${chain.router}:link5 ${n}.3.1/24 <-> ${chain.webserver}:link6 ${n}.3.2/24`,
      `  turn forwarding on in ${chain.firewall}`,
      `  turn forwarding on in ${chain.router}`,
      `  route ${chain.client}: default via ${n}.1.2 dev link1`,
      `  route ${chain.firewall}: ${n}.3.0/24 via ${n}.2.2 dev link3`,
      `  route ${chain.router}: ${n}.1.0/24 via ${n}.2.1 dev link4`,
      `  route ${chain.webserver}: default via ${n}.3.1 dev link6`,
      `  serve HTTP on port 80 in ${chain.webserver}`,
      '',
    ]);
    expect(presentNodes(chain)).toEqual([]);
    expect(existsSync(stateFileOf(chain.name))).toBe(false);
    expect(stableSnapshot([])).toBe(before);
    // and status of a chain that is not up: everything missing, exit 1
    const status = failing(['chain', 'status', chain.file], 1);
    expect(status.stdout).toContain(`✗ node       ${chain.client}  (missing)`);
  });

  it("a node that existed before chain up is left alone by chain down, but the chain's links and rule on it go", () => {
    const chain = seedChain({ extra: ['firewall:', '  - { node: {firewall}, rule: "-p icmp -j DROP" }'] });
    createNetns(chain.firewall);
    // something of the user's in it, which must survive (veth: this kernel may have no dummy)
    ip(chain.firewall, ['link', 'add', 'keep0', 'type', 'veth', 'peer', 'name', 'keep1']);
    ip(chain.firewall, ['addr', 'add', '192.0.2.1/24', 'dev', 'keep0']);

    const up = ok(['chain', 'up', chain.file]);
    expect(up.stdout).not.toContain(`create ${chain.firewall}`);
    expect(up.stdout).toContain(`firewall ${chain.firewall}: -p icmp -j DROP`);
    const record = readChainRecord(chain.name)!;
    expect(record.createdNodes).toEqual([chain.client, chain.router, chain.webserver]);
    expect(record.addedRules).toEqual([{ node: chain.firewall, rule: ['-p', 'icmp', '-j', 'DROP'] }]);
    expect(linkNames(chain.firewall)).toEqual(['keep0', 'keep1', 'link2', 'link3', 'lo']);
    expect(inNetns(chain.firewall, ['iptables', '-S', 'FORWARD']).stdout).toContain('-A FORWARD -p icmp -j DROP');
    expectProbeOk(chain);
    ok(['chain', 'status', chain.file]);

    const down = ok(['chain', 'down', chain.file]);
    expect(down.stdout).toContain(`left alone (not made by this chain): ${chain.firewall}`);
    expect(down.stdout).toContain(`link ${chain.firewall}:link3`);
    expect(down.stdout).toContain(`rule ${chain.firewall}: -p icmp -j DROP`);
    expect(down.stdout).not.toContain(`namespace ${chain.firewall}`);
    expect(presentNodes(chain)).toEqual([chain.firewall]);
    expect(linkNames(chain.firewall)).toEqual(['keep0', 'keep1', 'lo']);
    expect(addressesOf(chain.firewall, 'keep0')).toEqual(['192.0.2.1/24']);
    expect(inNetns(chain.firewall, ['iptables', '-S', 'FORWARD']).stdout).not.toContain('DROP');
    expect(gatewayRoutes(chain.firewall)).toEqual([]);
    expect(existsSync(stateFileOf(chain.name))).toBe(false);
  });

  it('chain up refuses a chain whose link is half there (a conflict naming both ends) and changes nothing', () => {
    const chain = seedChain();
    createNetns(chain.router);
    ip(chain.router, ['link', 'add', 'link4', 'type', 'veth', 'peer', 'name', 'other4']);
    const before = stableSnapshot([chain.router]);
    const r = failing(['chain', 'up', chain.file], 1);
    expect(r.stderr).toContain(`cannot bring up chain "${chain.name}"`);
    expect(r.stderr).toContain(`${chain.router}:link4 exists but ${chain.firewall}:link3 does not`);
    expect(presentNodes(chain)).toEqual([chain.router]);
    expect(stableSnapshot([chain.router])).toBe(before);
    expect(existsSync(stateFileOf(chain.name))).toBe(false);
  });

  it('chain heal of a chain that was never brought up changes nothing, and chain up still brings it up', () => {
    const chain = seedChain();
    const r = chainmail(['chain', 'heal', chain.file]);
    // nothing runs because nothing was brought up: that is not a failure to bypass
    expect(existsSync(stateFileOf(chain.name)), `heal wrote a state file for a chain that is not up\nstdout: ${r.stdout}`).toBe(false);
    expect(r.stdout).not.toContain('✓ healed');
    expect(r.code, `chain heal of a chain that is not up\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).not.toBe(0);
    const up = ok(['chain', 'up', chain.file]);
    expect(up.stdout).toContain(`create ${chain.client}`);
    expect(presentNodes(chain)).toEqual(chain.nodes);
  });

  it('chain heal --policy reattach waits for the killed node to come back and relinks it with its old addresses', async () => {
    const chain = seedChain();
    ok(['chain', 'up', chain.file]);
    ok(['kill', chain.firewall]);
    let finished = false;
    const heal = chainmailAsync(['chain', 'heal', chain.file, '--policy', 'reattach']).then((r) => {
      finished = true;
      return r;
    });
    await sleep(1500);
    expect(finished, 'heal --policy reattach returned before the node came back').toBe(false);
    expect(presentNodes(chain)).not.toContain(chain.firewall);
    spawnSync('ip', ['netns', 'add', chain.firewall]);
    const r = await heal;
    expect(r.code, `heal --policy reattach\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
    expect(r.stdout).toContain(`waiting for ${chain.firewall} to come back`);
    expect(r.stdout).toMatch(/✓ healed: probes pass \d+ ms after the failure was seen/);
    const n = chain.net;
    expect(addressesOf(chain.firewall, 'link2')).toEqual([`${n}.1.2/24`]);
    expect(addressesOf(chain.firewall, 'link3')).toEqual([`${n}.2.1/24`]);
    expect(addressesOf(chain.client, 'link1')).toEqual([`${n}.1.1/24`]);
    expect(addressesOf(chain.router, 'link4')).toEqual([`${n}.2.2/24`]);
    expect(gatewayRoutes(chain.client)).toEqual([`default via ${n}.1.2 dev link1`]);
    expect(gatewayRoutes(chain.firewall)).toEqual([`${n}.3.0/24 via ${n}.2.2 dev link3`]);
    expect(gatewayRoutes(chain.router)).toEqual([`${n}.1.0/24 via ${n}.2.1 dev link4`]);
    expect(sysctl(chain.firewall, 'net.ipv4.ip_forward')).toBe('1');
    // no bypass: the original chain, not a healed copy
    expect(readChainRecord(chain.name)!.healed).toBeUndefined();
    expect(linkNames(chain.client)).toEqual(['link1', 'lo']);
    expectProbeOk(chain);
    const status = ok(['chain', 'status', chain.file]);
    expect(status.stdout).toMatch(/all 20 ok/);
  });

  it('reattach after a bypass: the original chain is back and the bypass link goes', () => {
    const chain = seedChain();
    ok(['chain', 'up', chain.file]);
    ok(['kill', chain.firewall]);
    ok(['chain', 'heal', chain.file]);
    expect(linkNames(chain.client)).toContain('link7');
    spawnSync('ip', ['netns', 'add', chain.firewall]);
    const r = chainmail(['chain', 'heal', chain.file, '--policy', 'reattach']);
    expect(r.code, `heal --policy reattach\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
    expect(r.stdout).toContain(`removed the bypass link ${chain.client}:link7`);
    expect(linkNames(chain.client)).toEqual(['link1', 'lo']);
    expect(linkNames(chain.router)).toEqual(['link4', 'link5', 'lo']);
    const n = chain.net;
    expect(gatewayRoutes(chain.client)).toEqual([`default via ${n}.1.2 dev link1`]);
    expect(readChainRecord(chain.name)!.createdLinks).not.toContain(`${chain.client}:link7`);
    expectProbeOk(chain);
  });

  it("reattach onto a node that came back while its old link ends linger: the chain's own leftovers are replaced", async () => {
    const chain = seedChain();
    ok(['chain', 'up', chain.file]);
    // a process still in the old firewall namespace keeps it, and the client's and router's ends, alive
    // after the name is gone, as the kernel does for a while with a killed container's namespace
    const holder = spawn('nsenter', [`--net=/var/run/netns/${chain.firewall}`, 'sleep', '60'], { stdio: 'ignore' });
    try {
      // the holder must be inside before the name goes, or nothing keeps the namespace
      const inside = `net:[${statSync(`/var/run/netns/${chain.firewall}`).ino}]`;
      const entered = () => {
        try {
          return readlinkSync(`/proc/${holder.pid}/ns/net`) === inside;
        } catch {
          return false;
        }
      };
      expect(await eventually(entered, (e) => e, 10_000), 'the holder entered the old firewall namespace').toBe(true);
      spawnSync('ip', ['netns', 'del', chain.firewall]);
      spawnSync('ip', ['netns', 'add', chain.firewall]);
      expect(linkNames(chain.client)).toContain('link1');
      const r = chainmail(['chain', 'heal', chain.file, '--policy', 'reattach']);
      expect(r.code, `heal --policy reattach\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
      const n = chain.net;
      expect(addressesOf(chain.firewall, 'link2')).toEqual([`${n}.1.2/24`]);
      expect(addressesOf(chain.client, 'link1')).toEqual([`${n}.1.1/24`]);
      expect(gatewayRoutes(chain.client)).toEqual([`default via ${n}.1.2 dev link1`]);
      expect(gatewayRoutes(chain.router)).toEqual([`${n}.1.0/24 via ${n}.2.1 dev link4`]);
      expectProbeOk(chain);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('chain heal --watch heals a node killed while it watches, and stops on SIGINT', async () => {
    const chain = seedChain();
    ok(['chain', 'up', chain.file]);
    const child = spawn(process.execPath, [BIN, 'chain', 'heal', chain.file, '--watch'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => stdout.includes('watching chain'), 10_000);
      expect(stdout).toContain(`watching chain ${chain.name} (bypass); Ctrl-C stops`);
      ok(['kill', chain.firewall]);
      await waitFor(() => /healed/.test(stdout), 20_000);
      expect(stdout, stderr).toMatch(/✓ healed: probes pass \d+ ms after the failure was seen/);
      expect(stdout).toContain(`dead: ${chain.firewall}`);
      child.kill('SIGINT');
      const code = await Promise.race([exited, sleep(5000).then(() => 'still running' as const)]);
      expect(code, `heal --watch after SIGINT\nstdout: ${stdout}\nstderr: ${stderr}`).toBe(0);
      expect(stdout).toContain('stopped watching');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    expectProbeOk(chain);
    expect(addressesOf(chain.client, 'link7')).toEqual([`${chain.net}.4.1/24`]);
  });

  it('export FILE --format mermaid | containerlab | json: each parses and names every node', () => {
    const chain = seedChain();
    const mermaid = ok(['export', chain.file, '--format', 'mermaid']).stdout;
    expect(mermaid.split('\n')[0]).toBe('graph LR');
    for (const n of chain.nodes) expect(mermaid).toContain(`[${n}]`);
    expect(mermaid.split('\n').filter((l) => l.includes('---'))).toHaveLength(3);

    const clab = parseYaml(ok(['export', chain.file, '--format', 'containerlab']).stdout) as {
      name: string;
      topology: { nodes: Record<string, { kind: string; exec?: string[] }>; links: Array<{ endpoints: string[] }> };
    };
    expect(clab.name).toBe(chain.name);
    expect(Object.keys(clab.topology.nodes).sort()).toEqual([...chain.nodes].sort());
    expect(clab.topology.links.map((l) => l.endpoints)).toEqual([
      [`${chain.client}:link1`, `${chain.firewall}:link2`],
      [`${chain.firewall}:link3`, `${chain.router}:link4`],
      [`${chain.router}:link5`, `${chain.webserver}:link6`],
    ]);
    expect(clab.topology.nodes[chain.client]!.exec).toContain(`ip route add default via ${chain.net}.1.2 dev link1`);

    const json = JSON.parse(ok(['export', chain.file, '--format', 'json']).stdout) as {
      name: string;
      nodes: Array<{ name: string; forwarding: boolean }>;
      links: unknown[];
      routes: unknown[];
      probes: unknown[];
    };
    expect(json.name).toBe(chain.name);
    expect(json.nodes.map((x) => [x.name, x.forwarding])).toEqual([
      [chain.client, false],
      [chain.firewall, true],
      [chain.router, true],
      [chain.webserver, false],
    ]);
    expect([json.links.length, json.routes.length, json.probes.length]).toEqual([3, 4, 1]);
    // exporting a file brings nothing up
    expect(presentNodes(chain)).toEqual([]);
  });

  it('a malformed chain file: exit 2 with FILE:LINE:, and nothing created', () => {
    const chain = seedChain();
    const name = chain.name;
    const text = [
      `name: ${name}-bad`, // 1
      'nodes:', // 2
      `  - ${chain.client}`, // 3
      `  - ${chain.firewall}`, // 4
      'links:', // 5
      `  - [${chain.client}:link1, ${chain.firewall}:link2, 10.251.1.0/24]`, // 6
      `  - [${chain.firewall}:link3, ${chain.router}:link4, 10.251.2.0/24]`, // 7: router is not a node
      '',
    ].join('\n');
    const bad = writeChainText(text);
    made.push({ ...chain, dir: bad.dir });
    for (const args of [
      ['chain', 'up', bad.file],
      ['chain', 'up', bad.file, '--dry-run'],
      ['chain', 'status', bad.file],
      ['export', bad.file, '--format', 'json'],
    ]) {
      const r = failing(args, 2);
      expect(r.stderr).toContain(`${bad.file}:7: links[1].b: "${chain.router}" is not a node (nodes: ${chain.client}, ${chain.firewall})`);
      expect(r.stdout).toBe('');
    }
    const yamlError = writeChainText(`name: ${name}-bad\nnodes: [${chain.client}, ${chain.firewall}\nlinks:\n  - [a:b, c:d, 10.251.1.0/24]\n`);
    made.push({ ...chain, dir: yamlError.dir });
    const r = failing(['chain', 'up', yamlError.file], 2);
    expect(r.stderr).toMatch(new RegExp(`${yamlError.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: not valid YAML`));
    expect(presentNodes(chain)).toEqual([]);
    expect(existsSync(stateFileOf(`${name}-bad`))).toBe(false);
    expect(hostTemps()).toEqual([]);
  });

  it('a chain file that cannot be read: exit 2 naming it', () => {
    const r = failing(['chain', 'up', '/nonexistent/cmt-chain.yaml'], 2);
    expect(r.stderr).toContain('/nonexistent/cmt-chain.yaml: cannot read the chain file: no such file');
  });
});

d('chainmail demo without a terminal', () => {
  const DEMO_NODES = ['client', 'firewall', 'router', 'webserver'];

  it('brings the service chain up, prints an all-ok status, and removes everything again', (ctx) => {
    const taken = DEMO_NODES.filter((n) => netnsNames().includes(n));
    if (taken.length || existsSync(stateFileOf('service-chain'))) {
      const why = `the demo's names are in use on this host (namespaces: ${taken.join(', ') || 'none'}; state file ${stateFileOf('service-chain')}: ${existsSync(stateFileOf('service-chain')) ? 'present' : 'absent'}); not touching them`;
      console.warn(`skipping the demo test: ${why}`);
      ctx.skip(why);
      return;
    }
    const before = stableSnapshot([]);
    const r = spawnSync(process.execPath, [BIN, 'demo'], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    try {
      expect(r.status, `demo\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(/^chain service-chain is up on network namespaces \(\d+ changes, \d+ ms\)$/);
      const status = lines.filter((l) => /^[✓✗] /.test(l));
      expect(status.length).toBe(20);
      expect(status.filter((l) => l.startsWith('✗'))).toEqual([]);
      expect(status).toContain('✓ node       webserver');
      expect(status.find((l) => l.startsWith('✓ probe      client → http://10.0.3.2:80/ (http)'))).toBeDefined();
      expect(r.stdout).toContain('(run chainmail demo in a terminal to watch it in the UI)');
      expect(r.stdout).toMatch(/removed \d+ things the demo made/);
      expect(DEMO_NODES.filter((n) => netnsNames().includes(n))).toEqual([]);
      expect(existsSync(stateFileOf('service-chain'))).toBe(false);
      expect(hostTemps()).toEqual([]);
      expect(stableSnapshot([])).toBe(before);
    } finally {
      // a demo that failed may have left its chain: it did not exist before this run, so it is this run's
      if (r.status !== 0 && existsSync(stateFileOf('service-chain'))) chainmail(['chain', 'down', `${REPO}examples/service-chain.yaml`]);
    }
  });
});

/** Polls until the condition holds (async: output keeps arriving meanwhile). */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

d('chain up twice at once (issue 6: two processes, one target)', () => {
  let chain: SeedChain | undefined;
  afterEach(() => {
    if (chain) removeChain(chain);
    chain = undefined;
  });

  it('the second waits for the first: both exit 0, the record holds every node, and down removes them all', async () => {
    chain = writeSeedChain({ net: '10.252' });
    const [first, second] = await Promise.all([chainmailAsync(['chain', 'up', chain.file]), chainmailAsync(['chain', 'up', chain.file])]);
    for (const r of [first, second]) expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    // one made the chain, the other found it made
    expect([first.stdout, second.stdout].filter((o) => /nothing to change/.test(o))).toHaveLength(1);
    expect(readChainRecord(chain.name)!.createdNodes).toEqual(chain.nodes);
    ok(['chain', 'status', chain.file]);
    ok(['chain', 'down', chain.file]);
    expect(netnsNames().filter((n) => chain!.nodes.includes(n))).toEqual([]);
  });
});

d('Ctrl-C during chain up (issue 6)', () => {
  const id = Math.random().toString(16).slice(2, 8);
  const name = `cmt-${id}`;
  const nodes = Array.from({ length: 40 }, (_, i) => `cmt-${id}-n${i}`);
  const links = nodes.slice(1).map((n, i) => `  - [${nodes[i]}:a${i}, ${n}:b${i}, 10.253.${i}.0/24]`);
  const written = writeChainText([`name: ${name}`, 'nodes:', ...nodes.map((n) => `  - ${n}`), 'links:', ...links].join('\n') + '\n');
  const chain = { name, nodes, ...written };
  afterAll(() => removeChain(chain));

  it('stops between two steps with exit 130; chain up then completes it and chain down removes all of it', async () => {
    // Delays count from the first namespace made, not from spawn: on a busy machine Node's own start can outlast a fixed delay,
    // and a SIGINT before chainmail runs at all tests Node, not chainmail.
    const codes: (number | null)[] = [];
    for (const delayMs of [0, 150, 400]) {
      const child = spawn(process.execPath, [BIN, 'chain', 'up', chain.file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      let exited = false;
      child.on('exit', () => (exited = true));
      await waitFor(() => exited || netnsNames().includes(nodes[0]!), 30_000);
      await sleep(delayMs);
      child.kill('SIGINT');
      const code = exited ? child.exitCode : await new Promise<number | null>((resolve) => child.on('exit', resolve));
      // too late to stop is fine too: then it finished
      expect([0, 130], stderr).toContain(code);
      codes.push(code);
      if (code === 130)
        expect(stderr).toMatch(
          /^chainmail: interrupted \(SIGINT\): stopped between two steps; what was made is on record: chain up completes it, chain down removes it$/m,
        );
      ok(['chain', 'up', chain.file]);
      ok(['chain', 'status', chain.file]);
      ok(['chain', 'down', chain.file]);
      expect(
        netnsNames().filter((n) => nodes.includes(n)),
        `after Ctrl-C at ${delayMs} ms`,
      ).toEqual([]);
      expect(existsSync(stateFileOf(name))).toBe(false);
    }
    // 40 nodes take seconds to make: at least the signal sent right after the first one must stop it
    expect(codes).toContain(130);
  });
});
