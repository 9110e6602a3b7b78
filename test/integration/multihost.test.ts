/**
 * One chain file across two hosts, simulated on one machine: two network
 * namespaces play the hosts, joined by an underlay veth, and chainmail runs
 * inside each (`nsenter --net=HOST chainmail chain up FILE --as HOST`). The
 * seed's service chain is split: client and firewall on hostA, router and
 * webserver on hostB, the firewall-router link a vxlan. The HTTP probe passes
 * across; the firewall dies and heal bypasses it across the hosts; down on
 * both leaves nothing.
 *
 * Not `ip netns exec`: it gives the process a mount namespace of its own, so
 * the namespaces chainmail makes inside it vanish when it exits (docs/chain-file.md).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, chainmail, createNetns, deleteNetns, ip, isRoot, kernelSupports, linkDetails, linkNames, uniqueName, type CliRun } from '../support/kernel.js';
import { CHAIN_STATE_DIR } from '../support/chain.js';

const UNDERLAY_A = '10.242.0.1';
const UNDERLAY_B = '10.242.0.2';

const tag = uniqueName('mh').slice(4);
const chainName = `cmt-${tag}`;
const hostA = `cmt-${tag}-hosta`;
const hostB = `cmt-${tag}-hostb`;
const node = (name: string) => `cmt-${tag}-${name}`;
const [client, firewall, router, webserver] = ['client', 'firewall', 'router', 'webserver'].map(node) as [string, string, string, string];
const dir = mkdtempSync(join(tmpdir(), 'cmt-multihost-'));
const file = join(dir, 'split.yaml');

const CHAIN = `name: ${chainName}
hosts:
  - { name: hostA, address: ${UNDERLAY_A} }
  - { name: hostB, address: ${UNDERLAY_B}, interface: under }
nodes:
  - { name: ${client}, host: hostA }
  - { name: ${firewall}, host: hostA }
  - { name: ${router}, host: hostB }
  - { name: ${webserver}, host: hostB, serve: { port: 80, body: "<title>across</title>" } }
links:
  - [${client}:link1, ${firewall}:link2, 10.252.1.0/24]
  - [${firewall}:link3, ${router}:link4, 10.252.2.0/24]
  - [${router}:link5, ${webserver}:link6, 10.252.3.0/24]
probes:
  - { from: ${client}, http: ${webserver} }
  - { from: ${webserver}, ping: ${client} }
`;

/** chainmail run inside a simulated host: its network namespace, the machine's mount namespace. */
function on(host: string, args: readonly string[]): CliRun {
  const r = spawnSync('nsenter', [`--net=/var/run/netns/${host}`, '--', BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 90_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** on(), without waiting: the two hosts' heals run at once, as on two machines. */
function onAsync(host: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn('nsenter', [`--net=/var/run/netns/${host}`, '--', BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const succeeded = (host: string, r: CliRun) => expect(r.code, `${host}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);

function ok(host: string, args: readonly string[]): CliRun {
  const r = on(host, args);
  expect(r.code, `${host}: chainmail ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

const record = (host: string) => join(CHAIN_STATE_DIR, `${chainName}@${host}.json`);
const exists = (ns: string) => existsSync(`/var/run/netns/${ns}`);

let vxlanSupported = false;

beforeAll(() => {
  if (!isRoot) return;
  vxlanSupported = kernelSupports('vxlan');
  writeFileSync(file, CHAIN);
  createNetns(hostA);
  createNetns(hostB);
  ip(hostA, ['link', 'add', 'name', 'under', 'type', 'veth', 'peer', 'name', 'under', 'netns', hostB]);
  ip(hostA, ['addr', 'add', `${UNDERLAY_A}/30`, 'dev', 'under']);
  ip(hostB, ['addr', 'add', `${UNDERLAY_B}/30`, 'dev', 'under']);
  ip(hostA, ['link', 'set', 'dev', 'under', 'up']);
  ip(hostB, ['link', 'set', 'dev', 'under', 'up']);
});

afterAll(() => {
  if (!isRoot) return;
  on(hostA, ['chain', 'down', file, '--as', 'hostA']);
  on(hostB, ['chain', 'down', file, '--as', 'hostB']);
  for (const ns of [client, firewall, router, webserver, hostA, hostB]) deleteNetns(ns);
  for (const host of ['hostA', 'hostB']) rmSync(record(host), { force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('a chain across two hosts (vxlan)', () => {
  it('each host brings up its part: its nodes, local links and its end of the vxlan', (ctx) => {
    if (!vxlanSupported) ctx.skip();
    const a = ok(hostA, ['chain', 'up', file, '--as', 'hostA']);
    expect(a.stdout).toContain("(hostA's part) is up");
    ok(hostB, ['chain', 'up', file, '--as', 'hostB']);
    expect([client, firewall, router, webserver].map(exists)).toEqual([true, true, true, true]);
    const vxA = linkDetails(firewall, 'link3');
    const vxB = linkDetails(router, 'link4');
    expect(vxA?.linkinfo?.info_kind).toBe('vxlan');
    expect(vxA?.linkinfo?.info_data).toMatchObject({ remote: UNDERLAY_B, port: 4789 });
    expect(vxB?.linkinfo?.info_data).toMatchObject({ remote: UNDERLAY_A, port: 4789, id: vxA?.linkinfo?.info_data?.id });
    expect(vxA?.mtu).toBe(1450);
    // each part on record under NAME@HOST; the hosts hold only their underlay (the vxlans moved into the nodes)
    expect([existsSync(record('hostA')), existsSync(record('hostB'))]).toEqual([true, true]);
    expect(linkNames(hostA)).toEqual(['lo', 'under']);
    expect(linkNames(hostB)).toEqual(['lo', 'under']);
  });

  it('chain status --as checks each part, and the HTTP probe passes across the vxlan', (ctx) => {
    if (!vxlanSupported) ctx.skip();
    const a = ok(hostA, ['chain', 'status', file, '--as', 'hostA']);
    expect(a.stdout).toMatch(/✓ probe\s+\S+client → http:\/\/10\.252\.3\.2:80\//);
    expect(a.stdout).toContain("(hostA's part): all");
    const b = ok(hostB, ['chain', 'status', file, '--as', 'hostB', '--json']);
    const json = JSON.parse(b.stdout) as { ok: boolean; host: string; items: Array<{ kind: string; what: string; ok: boolean }> };
    expect(json).toMatchObject({ ok: true, host: 'hostB' });
    expect(json.items.filter((i) => i.kind === 'probe').map((i) => i.what)).toEqual([`${webserver} → 10.252.1.1 (ping)`]);
  });

  it('without --as, a host is found by its underlay address; elsewhere --as is asked for', (ctx) => {
    if (!vxlanSupported) ctx.skip();
    expect(ok(hostB, ['chain', 'status', file]).stdout).toContain("(hostB's part): all");
    const r = chainmail(['chain', 'status', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('none of their underlay addresses is on this host: say which this is with --as HOST');
  });

  it('the firewall dies on hostA: heal bypasses it across the hosts, hostB told with --dead', async (ctx) => {
    if (!vxlanSupported) ctx.skip();
    ip(undefined, ['netns', 'del', firewall]);
    // hostB cannot see hostA's nodes: it is told which died, and makes its part of the same bypass;
    // each waits for the probes that start on it, which need the other's part too
    const [a, b] = await Promise.all([
      onAsync(hostA, ['chain', 'heal', file, '--as', 'hostA']),
      onAsync(hostB, ['chain', 'heal', file, '--as', 'hostB', '--dead', firewall]),
    ]);
    succeeded(hostA, a);
    succeeded(hostB, b);
    expect(b.stdout).toContain(`joined ${client} and ${router}`);
    expect(a.stdout).toContain(`dead: ${firewall}`);
    expect(a.stdout).toContain('✓ healed');
    const bypassA = linkNames(client).filter((n) => !['lo', 'link1'].includes(n));
    const bypassB = linkNames(router).filter((n) => !['lo', 'link4', 'link5'].includes(n));
    expect(bypassA).toHaveLength(1);
    expect(bypassB).toHaveLength(1);
    expect(linkDetails(client, bypassA[0]!)?.linkinfo?.info_data).toMatchObject({ remote: UNDERLAY_B, port: 4789 });
    ok(hostA, ['chain', 'status', file, '--as', 'hostA']);
    ok(hostB, ['chain', 'status', file, '--as', 'hostB']);
  });

  it('chain down --as on both hosts leaves nothing', (ctx) => {
    if (!vxlanSupported) ctx.skip();
    ok(hostA, ['chain', 'down', file, '--as', 'hostA']);
    ok(hostB, ['chain', 'down', file, '--as', 'hostB']);
    expect([client, firewall, router, webserver].map(exists)).toEqual([false, false, false, false]);
    expect([existsSync(record('hostA')), existsSync(record('hostB'))]).toEqual([false, false]);
    expect(linkNames(hostA)).toEqual(['lo', 'under']);
    expect(linkNames(hostB)).toEqual(['lo', 'under']);
  });
});
