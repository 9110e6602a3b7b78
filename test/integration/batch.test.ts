/**
 * `chainmail batch`: the seed story's service chain as one file of prompt
 * lines, run in one process against network namespaces and against Docker
 * containers; a failing line in the middle stops it (or, with --force, does
 * not), and a line that cannot be read stops it before anything changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addressesOf, BIN, chainmail, inNetns, isRoot, leftoverTemps, linkNames, routes, Scratch, stableSnapshot } from '../support/kernel.js';
import { containerIpJson, dockerReady, dockerRequired, removeContainers, runContainer } from '../support/docker.js';

interface Chain {
  client: string;
  firewall: string;
  router: string;
  webserver: string;
}

/** The story's chain as prompt lines; `end` spells an end for koko, `koro` the target words for koro. */
function storyLines(c: Chain, kind: 'docker' | 'netns'): string[] {
  const flag = kind === 'docker' ? '-d' : '-n';
  const koro = (name: string) => `koro ${kind} ${name}`;
  return [
    '# client -> firewall -> router -> webserver',
    `sudo ./koko ${flag} ${c.client},link1 ${flag} ${c.firewall},link2`,
    `sudo ./koko ${flag} ${c.firewall},link3 ${flag} ${c.router},link4`,
    `sudo ./koko ${flag} ${c.router},link5 ${flag} ${c.webserver},link6`,
    '',
    `${koro(c.client)} address add 10.0.1.1/24 dev link1`,
    `${koro(c.firewall)} address add 10.0.1.2/24 dev link2`,
    `${koro(c.firewall)} address add 10.0.2.1/24 dev link3`,
    `${koro(c.router)} address add 10.0.2.2/24 dev link4`,
    `${koro(c.router)} address add 10.0.3.1/24 dev link5`,
    `${koro(c.webserver)} address add 10.0.3.2/24 dev link6`,
    `${koro(c.client)} route add default via 10.0.1.2 dev link1`,
    `${koro(c.webserver)} route add default via 10.0.3.1 dev link6`,
    `${koro(c.firewall)} route add 10.0.3.0/24 via 10.0.2.2 dev link3`,
    `${koro(c.router)} route add 10.0.1.0/24 via 10.0.2.1 dev link4`,
    `forward ${c.firewall} on`,
    `forward ${c.router} on`,
    `ping ${c.client} 10.0.3.2 -c 1`,
  ];
}

const members = (c: Chain): string[] => [c.client, c.firewall, c.router, c.webserver];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cmt-batch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeBatch(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe.skipIf(!isRoot)('batch on network namespaces', () => {
  const scratch = new Scratch();
  afterEach(() => scratch.cleanup());

  const chain = (): Chain => ({ client: scratch.netns('bc'), firewall: scratch.netns('bf'), router: scratch.netns('br'), webserver: scratch.netns('bw') });

  it('the seed story as one batch: every line applied, in order, in one process', () => {
    const c = chain();
    const path = writeBatch('story.txt', storyLines(c, 'netns'));
    const r = chainmail(['batch', path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ .* -> 10\.0\.3\.2: 1\/1 replies/);
    expect(r.stdout).toMatch(/batch .*story\.txt: 16 lines ok/);
    expect(addressesOf(c.router, 'link5')).toEqual(['10.0.3.1/24']);
    expect(routes(c.client)).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '10.0.1.2', dev: 'link1' }));
  });

  it('standard input works as a file (-)', () => {
    const c = chain();
    const lines = storyLines(c, 'netns').slice(0, 7);
    const r = spawnSync(BIN, ['batch', '-'], { input: lines.join('\n'), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    expect(addressesOf(c.firewall, 'link2')).toEqual(['10.0.1.2/24']);
  });

  it('a failing line in the middle stops the batch: FILE:LINE:, its exit code, later lines not run', () => {
    const c = chain();
    const lines = storyLines(c, 'netns');
    // line 8 adds the client's address a second time: the kernel refuses it
    lines.splice(7, 0, `koro netns ${c.client} address add 10.0.1.1/24 dev link1`);
    const path = writeBatch('middle.txt', lines);
    const r = chainmail(['batch', path]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^chainmail: ${path}:8: .*10\\.0\\.1\\.1/24`));
    expect(r.stdout).toContain('stopped at line 8');
    // before it: done; after it: not
    expect(addressesOf(c.firewall, 'link2')).toEqual(['10.0.1.2/24']);
    expect(addressesOf(c.router, 'link4')).toEqual([]);
  });

  it('--force runs the other lines and exits 1', () => {
    const c = chain();
    const lines = storyLines(c, 'netns');
    lines.splice(7, 0, `koro netns ${c.client} address add 10.0.1.1/24 dev link1`);
    const r = chainmail(['batch', writeBatch('force.txt', lines), '--force', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; lines: Array<{ line: number; ok: boolean }> };
    expect(report.ok).toBe(false);
    expect(report.lines.filter((l) => !l.ok).map((l) => l.line)).toEqual([8]);
    expect(report.lines.at(-1)).toMatchObject({ ok: true });
    expect(addressesOf(c.webserver, 'link6')).toEqual(['10.0.3.2/24']);
  });

  it('consecutive koko, koro and forward lines run as one group: the same kernel state, said per line', () => {
    const c = chain();
    const r = chainmail(['batch', writeBatch('grouped.txt', storyLines(c, 'netns'))]);
    expect(r.code, r.stderr).toBe(0);
    // lines 2 to 17 (koko, koro, forward) together, then the ping alone
    expect(r.stdout).toMatch(/created veth .*link1.*\(lines 2-17 together: \d+ ms\)/);
    expect(r.stdout).toMatch(/forwarding ipv4 on/);
    expect(addressesOf(c.firewall, 'link3')).toEqual(['10.0.2.1/24']);
    expect(routes(c.router)).toContainEqual(expect.objectContaining({ dst: '10.0.1.0/24', gateway: '10.0.2.1', dev: 'link4' }));
    expect(leftoverTemps(members(c))).toEqual([]);
  });

  /** The story with line 13 a route the kernel refuses (no interface has its gateway's subnet): the reads cannot tell, the group's batch fails. */
  const withBadRoute = (c: Chain): string[] => {
    const lines = storyLines(c, 'netns');
    lines.splice(12, 0, `koro netns ${c.client} route add 10.9.0.0/24 via 10.0.7.7 dev link1`);
    return lines;
  };
  const forwarding = (ns: string): string => inNetns(ns, ['sysctl', '-n', 'net.ipv4.ip_forward']).stdout.trim();

  it('a line failing in the middle of a group: lines before it applied, it left nothing, later lines not run, FILE:LINE:, exit 1', () => {
    const c = chain();
    // a new namespace inherits the host's IPv4 forwarding (on wherever Docker runs): start from off
    inNetns(c.firewall, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
    const path = writeBatch('group-middle.txt', withBadRoute(c));
    const r = chainmail(['batch', path]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^chainmail: ${path}:13: .*10\\.9\\.0\\.0/24`));
    expect(r.stdout).toContain('stopped at line 13');
    // before it: links, addresses, the client's default route
    expect(addressesOf(c.webserver, 'link6')).toEqual(['10.0.3.2/24']);
    expect(routes(c.client)).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '10.0.1.2' }));
    // it: nothing; after it: nothing
    expect(routes(c.client).map((x) => x.dst)).not.toContain('10.9.0.0/24');
    expect(routes(c.webserver).map((x) => x.dst)).not.toContain('default');
    expect(forwarding(c.firewall)).toBe('0');
    // no half-made link anywhere, each link once
    expect(leftoverTemps(members(c))).toEqual([]);
    expect(
      linkNames(c.firewall)
        .filter((n) => n.startsWith('link'))
        .sort(),
    ).toEqual(['link2', 'link3']);
  });

  it('--force with a group: the failing line reported, every other line applied, exit 1', () => {
    const c = chain();
    const r = chainmail(['batch', writeBatch('group-force.txt', withBadRoute(c)), '--force', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; lines: Array<{ line: number; ok: boolean; exitCode: number; error?: string }> };
    expect(report.ok).toBe(false);
    expect(report.lines.filter((l) => !l.ok)).toEqual([
      expect.objectContaining({ line: 13, exitCode: 1, error: expect.stringContaining('group-force.txt:13:') as unknown }),
    ]);
    expect(report.lines.map((l) => l.line)).toEqual([2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(report.lines.at(-1)).toMatchObject({ ok: true });
    expect(routes(c.webserver)).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '10.0.3.1' }));
    expect(forwarding(c.router)).toBe('1');
    expect(routes(c.client).map((x) => x.dst)).not.toContain('10.9.0.0/24');
    expect(leftoverTemps(members(c))).toEqual([]);
  });

  it('a line that cannot be read stops the batch before any line runs: nothing changes, exit 2', () => {
    const c = chain();
    const lines = storyLines(c, 'netns');
    lines.splice(10, 0, `koro netns ${c.router} address add 10.0.2.300/24 dev link4`);
    const before = stableSnapshot(members(c));
    const r = chainmail(['batch', writeBatch('typo.txt', lines)]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/typo\.txt:11: .*10\.0\.2\.300/);
    expect(r.stderr).toContain('nothing was run');
    expect(stableSnapshot(members(c))).toEqual(before);
  });
});

const DOCKER = isRoot && dockerReady();

describe.skipIf(!DOCKER && !dockerRequired())('batch against Docker containers', () => {
  const names: string[] = [];
  afterAll(() => removeContainers(names));

  it("the seed story, pasted koko lines included, against the story's containers", () => {
    expect(DOCKER, 'the Docker engine and the test image are needed (scripts/test.sh makes them)').toBe(true);
    const c: Chain = { client: runContainer('bdc'), firewall: runContainer('bdf'), router: runContainer('bdr'), webserver: runContainer('bdw') };
    names.push(...members(c));
    const r = chainmail(['batch', writeBatch('docker.txt', storyLines(c, 'docker'))]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/batch .*docker\.txt: 16 lines ok/);
    const link6 = containerIpJson<Array<{ ifname: string; addr_info?: Array<{ local: string }> }>>(c.webserver, ['addr', 'show', 'dev', 'link6']);
    expect(link6[0]?.addr_info?.map((a) => a.local)).toContain('10.0.3.2');
  });
});
