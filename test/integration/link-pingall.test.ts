/**
 * `link TARGET IF down|up` and `pingall` on the real kernel, through the real
 * program: the seed's service chain from a chain file on namespaces (cmt-
 * names, 10.247.0.0/16 inside them). A link end set down is down in `ip -j
 * link`, `chain status` calls the link down (not gone) and exits 1, and
 * `chain heal` brings it up with its routes, without a bypass; `link up` puts
 * back what the kernel dropped when `link down` set the end down (routes of
 * both families, IPv6 addresses), and names what it cannot. pingall pings
 * every pair of the chain's nodes: all reach (exit 0), and once the firewall
 * is killed the chain's ends no longer do (exit 1). `pingall --live` runs in a
 * mount namespace of its own, where it sees only the namespaces it makes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressesOf, BIN, chainmail, createNetns, deleteNetns, ip, ipJson, isRoot, routes, stableSnapshot, uniqueName, type CliRun } from '../support/kernel.js';
import { removeChain, routeText, writeSeedChain, type SeedChain } from '../support/chain.js';
import { LINK_NOTES_DIR } from '../../src/verbs/link-notes.js';

const d = isRoot ? describe : describe.skip;

function run(args: readonly string[], code: number): CliRun {
  const r = chainmail(args);
  expect(r.code, `chainmail ${args.join(' ')} should exit ${code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(code);
  return r;
}

type LinkJson = { ifname: string; flags: string[]; operstate: string };
const linkOf = (ns: string, ifname: string) => ipJson<LinkJson[]>(ns, ['link', 'show', 'dev', ifname])[0]!;
const adminUp = (ns: string, ifname: string) => linkOf(ns, ifname).flags.includes('UP');
type RouteJson = { dst: string; gateway?: string; dev?: string; protocol?: string };
const gatewayRoutes = (ns: string) =>
  ipJson<RouteJson[]>(ns, ['-4', 'route', 'show', 'table', 'main'])
    .filter((r) => r.protocol !== 'kernel')
    .map(routeText);

/** The seed's service chain brought up before a describe's tests and removed after them. */
function seedChainUp(): { chain: SeedChain } {
  const held = {} as { chain: SeedChain };
  beforeAll(() => {
    held.chain = writeSeedChain({ net: '10.247' });
    run(['chain', 'up', held.chain.file], 0);
  });
  afterAll(() => {
    if (held.chain) removeChain(held.chain);
  });
  return held;
}

d('link down|up, chain status and chain heal of a link set down', () => {
  const seed = seedChainUp();

  it('refuses bad input with exit 2 and changes nothing', () => {
    const before = stableSnapshot(seed.chain.nodes);
    let r = run(['link', seed.chain.client, 'nosuch0', 'down'], 2);
    expect(r.stderr).toContain(`${seed.chain.client} has no interface "nosuch0" (it has link1); nothing was changed`);
    r = run(['link', seed.chain.client, 'link1'], 2);
    expect(r.stderr).toContain('missing the state: down or up');
    r = run(['link', seed.chain.client, 'link1', 'sideways'], 2);
    expect(r.stderr).toContain('expected "down" or "up", got "sideways"');
    r = run(['link', seed.chain.client, 'down'], 2);
    expect(r.stderr).toContain('missing the interface');
    expect(stableSnapshot(seed.chain.nodes)).toBe(before);
  });

  it('link TARGET IF down sets the end down: ip -j link shows it, the peer loses its carrier', () => {
    const r = run(['link', seed.chain.client, 'link1', 'down'], 0);
    expect(r.stdout).toContain(`✓ ${seed.chain.client}:link1 is down (was up)`);
    expect(adminUp(seed.chain.client, 'link1')).toBe(false);
    expect(linkOf(seed.chain.client, 'link1').operstate).toBe('DOWN');
    expect(adminUp(seed.chain.firewall, 'link2')).toBe(true);
    expect(linkOf(seed.chain.firewall, 'link2').flags).toContain('NO-CARRIER');
    // the kernel drops the routes over an interface set down
    expect(gatewayRoutes(seed.chain.client)).toEqual([]);
    // again: nothing to change, and it says so
    expect(run(['link', seed.chain.client, 'link1', 'down', '--json'], 0).stdout).toContain('"was": "down"');
  });

  it('chain status reports the link down, not gone, and exits 1', () => {
    const r = run(['chain', 'status', seed.chain.file], 1);
    expect(r.stdout).toContain(`✗ link       ${seed.chain.client}:link1 <-> ${seed.chain.firewall}:link2  (down: ${seed.chain.client}:link1 set down)`);
    expect(r.stdout).not.toContain('gone');
    expect(r.stdout).toMatch(/link set down: chain heal brings it up\)/);
    const json = JSON.parse(run(['chain', 'status', seed.chain.file, '--json'], 1).stdout) as { items: Array<{ kind: string; state?: string }> };
    expect(json.items.filter((i) => i.kind === 'link').map((i) => i.state)).toEqual(['down', 'up', 'up']);
  });

  it('chain heal brings the link up and its routes back, without a bypass', () => {
    const r = run(['chain', 'heal', seed.chain.file], 0);
    expect(r.stdout).toContain(`${seed.chain.client}:link1 was set down, not dead: brought up again, no bypass needed`);
    expect(r.stdout).toContain(`set ${seed.chain.client}:link1 up`);
    expect(r.stdout).toContain('✓ healed');
    expect(adminUp(seed.chain.client, 'link1')).toBe(true);
    expect(gatewayRoutes(seed.chain.client)).toEqual(['default via 10.247.1.2 dev link1']);
    expect(run(['chain', 'status', seed.chain.file], 0).stdout).toContain('all');
    expect(run(['chain', 'heal', seed.chain.file], 0).stdout).toContain('nothing to heal');
  });

  it('link TARGET IF up puts back the routes the kernel dropped when link down set it down', () => {
    const w = seed.chain.webserver;
    const down = run(['link', w, 'link6', 'down'], 0);
    expect(down.stdout).toContain(`  the kernel dropped with it: route default via 10.247.3.1; link ${w} link6 up puts them back`);
    expect(gatewayRoutes(w)).toEqual([]);
    run(['chain', 'status', seed.chain.file], 1);
    const up = run(['link', w, 'link6', 'up', '--json'], 0);
    expect(JSON.parse(up.stdout)).toMatchObject({ ok: true, state: 'up', was: 'down', restored: ['route default via 10.247.3.1'], notRestored: [] });
    expect(gatewayRoutes(w)).toEqual(['default via 10.247.3.1 dev link6']);
    expect(run(['chain', 'status', seed.chain.file], 0).stdout).toMatch(/all \d+ ok/);
  });

  it('chain heal with every node and link up puts back a route removed by hand, without a bypass', () => {
    ip(seed.chain.client, ['route', 'del', 'default']);
    const r = run(['chain', 'heal', seed.chain.file], 0);
    expect(r.stdout).toContain('every node runs: put back what was missing (1 change), no bypass needed');
    expect(r.stdout).toContain('✓ healed');
    expect(gatewayRoutes(seed.chain.client)).toEqual(['default via 10.247.1.2 dev link1']);
    expect(run(['chain', 'heal', seed.chain.file], 0).stdout).toContain('nothing to heal: every node runs and the chain is whole');
  });

  it('link TARGET IF up sets a down end up again', () => {
    run(['link', seed.chain.router, 'link5', 'down'], 0);
    expect(adminUp(seed.chain.router, 'link5')).toBe(false);
    const r = run(['link', seed.chain.router, 'link5', 'up'], 0);
    expect(r.stdout).toContain(`✓ ${seed.chain.router}:link5 is up (was down)`);
    expect(adminUp(seed.chain.router, 'link5')).toBe(true);
  });
});

d('link down|up of an end with IPv6 addresses and routes of both families', () => {
  const a = uniqueName('cmt-lk');
  const b = uniqueName('cmt-lk');
  beforeAll(() => {
    createNetns(a);
    createNetns(b);
    ip(undefined, ['link', 'add', 'name', 'va', 'netns', a, 'type', 'veth', 'peer', 'name', 'vb', 'netns', b]);
    ip(a, ['link', 'set', 'va', 'up']);
    ip(b, ['link', 'set', 'vb', 'up']);
    ip(a, ['addr', 'add', '10.246.0.1/24', 'dev', 'va']);
    ip(a, ['addr', 'add', 'fd46::1/64', 'dev', 'va', 'nodad']);
    ip(a, ['route', 'add', '10.246.9.0/24', 'via', '10.246.0.2']);
    ip(a, ['-6', 'route', 'add', 'fd99::/64', 'via', 'fd46::2']);
    // without a gateway: "default dev va" alone would be read as IPv4's default when put back
    ip(a, ['-6', 'route', 'add', 'default', 'dev', 'va', 'metric', '2048']);
  });
  afterAll(() => {
    deleteNetns(a);
    deleteNetns(b);
  });
  const held = () => ({
    addresses: addressesOf(a, 'va').filter((x) => !x.startsWith('fe80')),
    v4: routes(a, 4).map((r) => `${r.dst} ${r.gateway ?? ''}`),
    v6: routes(a, 6)
      .filter((r) => r.gateway || r.dst === 'default')
      .map((r) => `${r.dst} ${r.gateway ?? ''}`),
  });

  it('an end set down by plain ip: up cannot know what was dropped, and says so', () => {
    ip(a, ['link', 'set', 'va', 'down']);
    const r = run(['link', a, 'va', 'up'], 0);
    expect(r.stdout).toContain('it was set down by something else: the routes the kernel dropped with it are not known');
    ip(a, ['addr', 'add', 'fd46::1/64', 'dev', 'va', 'nodad']);
    ip(a, ['route', 'add', '10.246.9.0/24', 'via', '10.246.0.2']);
    ip(a, ['-6', 'route', 'add', 'fd99::/64', 'via', 'fd46::2']);
    ip(a, ['-6', 'route', 'add', 'default', 'dev', 'va', 'metric', '2048']);
  });

  it('down notes the IPv6 address and both routes the kernel dropped; up puts all of them back', () => {
    const whole = held();
    expect(whole.v6).toEqual(['fd99::/64 fd46::2', 'default ']);
    const down = run(['link', a, 'va', 'down'], 0);
    expect(down.stdout).toContain('the kernel dropped with it: address fd46::1/64, route 10.246.9.0/24 via 10.246.0.2, route fd99::/64 via fd46::2, route default');
    expect(held()).toEqual({ addresses: ['10.246.0.1/24'], v4: [], v6: [] });
    const up = run(['link', a, 'va', 'up'], 0);
    expect(up.stdout).toContain(
      'put back what the kernel dropped with it: address fd46::1/64, route 10.246.9.0/24 via 10.246.0.2, route fd99::/64 via fd46::2, route default',
    );
    expect(held()).toEqual(whole);
  });

  it('what cannot go back is named, exit 1, and the note stays for the next up', () => {
    const whole = held();
    run(['link', a, 'va', 'down'], 0);
    // the gateway's subnet gone meanwhile: the IPv4 route cannot be added
    ip(a, ['addr', 'del', '10.246.0.1/24', 'dev', 'va']);
    const up = run(['link', a, 'va', 'up'], 1);
    expect(up.stdout).toContain('✗ could not put back route 10.246.9.0/24 via 10.246.0.2: koro ... add them, or chain heal a chain');
    expect(up.stdout).toContain('put back what the kernel dropped with it: address fd46::1/64, route fd99::/64 via fd46::2');
    ip(a, ['addr', 'add', '10.246.0.1/24', 'dev', 'va']);
    const again = run(['link', a, 'va', 'up'], 0);
    expect(again.stdout).toContain(`✓ ${a}:va is up (it was already)`);
    expect(again.stdout).toContain('put back what the kernel dropped with it: route 10.246.9.0/24 via 10.246.0.2');
    expect(held()).toEqual(whole);
    expect(run(['link', a, 'va', 'up'], 0).stdout.trim()).toBe(`✓ ${a}:va is up (it was already)`);
  });
});

d("link down's notes", () => {
  const notesNaming = (ns: string) =>
    readdirSync(LINK_NOTES_DIR)
      .filter((f) => f.endsWith('.json'))
      .filter((f) => readFileSync(join(LINK_NOTES_DIR, f), 'utf8').includes(`"/var/run/netns/${ns}"`));

  it('of namespaces that are gone go when the next note is kept', () => {
    const [gone, kept, peer] = [uniqueName('cmt-lg'), uniqueName('cmt-lk'), uniqueName('cmt-lp')];
    try {
      for (const n of [gone, kept, peer]) createNetns(n);
      ip(undefined, ['link', 'add', 'name', 'ga', 'netns', gone, 'type', 'veth', 'peer', 'name', 'gb', 'netns', peer]);
      ip(undefined, ['link', 'add', 'name', 'ka', 'netns', kept, 'type', 'veth', 'peer', 'name', 'kb', 'netns', peer]);
      for (const [n, dev] of [
        [gone, 'ga'],
        [kept, 'ka'],
      ] as const)
        ip(n, ['link', 'set', dev, 'up']);
      run(['link', gone, 'ga', 'down'], 0);
      expect(notesNaming(gone)).toHaveLength(1);
      deleteNetns(gone);
      run(['link', kept, 'ka', 'down'], 0);
      expect(notesNaming(gone)).toEqual([]);
      expect(notesNaming(kept)).toHaveLength(1);
      run(['link', kept, 'ka', 'up'], 0);
      expect(notesNaming(kept)).toEqual([]);
    } finally {
      for (const n of [gone, kept, peer]) deleteNetns(n);
    }
  });
  it("are of one interface: a link made again under the same name does not get the old one's", () => {
    const [k, peer] = [uniqueName('cmt-lk'), uniqueName('cmt-lp')];
    try {
      for (const n of [k, peer]) createNetns(n);
      const pair = () => ip(undefined, ['link', 'add', 'name', 'ka', 'netns', k, 'type', 'veth', 'peer', 'name', 'kb', 'netns', peer]);
      pair();
      ip(k, ['link', 'set', 'ka', 'up']);
      ip(k, ['addr', 'add', '10.245.0.1/24', 'dev', 'ka']);
      ip(k, ['route', 'add', '10.245.9.0/24', 'via', '10.245.0.2']);
      expect(run(['link', k, 'ka', 'down'], 0).stdout).toContain('the kernel dropped with it: route 10.245.9.0/24 via 10.245.0.2');
      ip(k, ['link', 'del', 'ka']);
      pair();
      const up = run(['link', k, 'ka', 'up'], 0);
      expect(up.stdout).toContain('it was set down by something else');
      expect(up.stdout).not.toContain('put back');
      expect(notesNaming(k)).toEqual([]);
    } finally {
      for (const n of [k, peer]) deleteNetns(n);
    }
  });
});

d('pingall on the service chain, before and after the firewall dies', () => {
  const seed = seedChainUp();

  it('every pair reaches: a full matrix of ✓, 12/12, exit 0', () => {
    const r = run(['pingall', seed.chain.file], 0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^from \\\\ to +${seed.chain.client} +${seed.chain.firewall} +${seed.chain.router} +${seed.chain.webserver}$`));
    expect(lines[1]).toMatch(new RegExp(`^${seed.chain.client} +· +✓ [\\d.]+ms +✓ [\\d.]+ms +✓ [\\d.]+ms$`));
    expect(lines.slice(1, 5).join('\n')).not.toContain('✗');
    expect(lines[5]).toBe('12/12 reachable; all 2 expected pairs do');
    const json = JSON.parse(run(['pingall', seed.chain.file, '--format', 'json'], 0).stdout) as { ok: boolean; reachable: number; total: number; pairs: unknown[] };
    expect(json).toMatchObject({ ok: true, reachable: 12, total: 12 });
  });

  it('with the firewall killed the ends do not reach: ✗ in the matrix, the missed pairs named, exit 1', () => {
    run(['kill', seed.chain.firewall], 0);
    const r = run(['pingall', seed.chain.file], 1);
    const lines = r.stdout.trimEnd().split('\n');
    const row = (name: string) => lines.find((l) => l.startsWith(name + ' '))!;
    expect(row(seed.chain.firewall)).toMatch(/^\S+ +✗ +· +✗ +✗$/);
    expect(row(seed.chain.client)).toMatch(/^\S+ +· +✗ +✗ +✗$/);
    // the router still reaches the web server on its own link; everything else went with the firewall's links
    expect(row(seed.chain.router)).toMatch(/^\S+ +✗ +✗ +· +✓ [\d.]+ms$/);
    expect(r.stdout).toContain(`✗ ${seed.chain.client} → ${seed.chain.webserver} (10.247.3.2): expected to reach`);
    expect(r.stdout).toContain(`✗ ${seed.chain.webserver} → ${seed.chain.client} (10.247.1.1): expected to reach`);
    expect(r.stdout).toMatch(/^1\/12 reachable; 2 of 2 expected pairs do not$/m);
  });
});

d('pingall --live', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cmt-pingall-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports every live namespace pair and exits 0 though some do not reach; it sees only this test`s namespaces', () => {
    // a private /var/run/netns in a mount namespace of its own, and no Docker engine: the
    // live targets are the three namespaces made here, which go away with it
    const script = join(dir, 'live.sh');
    writeFileSync(
      script,
      [
        'set -e',
        'mount -t tmpfs tmpfs /var/run/netns',
        'for n in a b c; do ip netns add cmt-live-$n; ip -n cmt-live-$n link set lo up; done',
        'ip link add lv1 netns cmt-live-a type veth peer name lv2 netns cmt-live-b',
        'ip -n cmt-live-a addr add 10.246.1.1/24 dev lv1; ip -n cmt-live-a link set lv1 up',
        'ip -n cmt-live-b addr add 10.246.1.2/24 dev lv2; ip -n cmt-live-b link set lv2 up',
        // c has an address on a link of its own, which nothing else reaches
        'ip -n cmt-live-c link add lv3 type veth peer name lv4',
        'ip -n cmt-live-c addr add 10.246.9.1/24 dev lv3; ip -n cmt-live-c link set lv3 up; ip -n cmt-live-c link set lv4 up',
        `DOCKER_HOST=unix://${dir}/no-engine.sock "${process.execPath}" "${BIN}" pingall --live || echo "exit $?"`,
        '',
      ].join('\n'),
    );
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'bash', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^from \\ to +cmt-live-a +cmt-live-b +cmt-live-c$/);
    expect(lines[1]).toMatch(/^cmt-live-a +· +✓ [\d.]+ms +✗$/);
    expect(lines[2]).toMatch(/^cmt-live-b +✓ [\d.]+ms +· +✗$/);
    expect(lines[3]).toMatch(/^cmt-live-c +✗ +✗ +·$/);
    expect(lines[4]).toBe('2/6 reachable');
    expect(r.stdout).not.toContain('exit ');
  });
});
