/**
 * The fan-out (src/sys/fan-out.ts) over real namespaces: one command in many
 * network namespaces from a few helper processes, each namespace's output
 * whole and its own, a namespace deleted while the helper works through its
 * share failing alone with nsenter's words, a container's /proc/PID/ns/net
 * entered like a named namespace, and `ip -batch` failures per namespace
 * still saying which line failed. `ls --json` and `chain up` use it through
 * the real program.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInEach } from '../../src/sys/fan-out.js';
import { readInterfacesOfEach, readNodeStates } from '../../src/topology/read.js';
import { netnsNamespace } from '../../src/targets/resolve.js';
import { linesDoneBeforeFailure } from '../../src/chain/up-batches.js';
import { BIN, createNetns, deleteNetns, ip, isRoot, uniqueName } from '../support/kernel.js';
import { containerPid, dockerReady, dockerRequired, removeContainers, runContainer } from '../support/docker.js';

const d = isRoot ? describe : describe.skip;
const N = 12;
const pathOf = (name: string) => `/var/run/netns/${name}`;

d('runInEach over real namespaces', () => {
  const names = Array.from({ length: N }, () => uniqueName('fo'));
  const extra: string[] = [];

  beforeAll(() => {
    // each namespace has an interface and address of its own, so that every output says whose it is
    for (const [i, name] of names.entries()) {
      createNetns(name);
      ip(name, ['link', 'add', `fo${i}`, 'type', 'veth', 'peer', 'name', `fp${i}`]);
      ip(name, ['address', 'add', `10.252.${i}.1/24`, 'dev', `fo${i}`]);
      // many addresses: outputs longer than a pipe's buffer, from helpers writing at once
      for (let k = 2; k < 60; k++) ip(name, ['address', 'add', `10.252.${i}.${k}/32`, 'dev', `fo${i}`]);
    }
  });

  afterAll(() => {
    for (const name of [...names, ...extra]) deleteNetns(name);
  });

  it('gives each namespace its own output, whole, from fewer processes than namespaces', async () => {
    const results = await runInEach(
      ['ip', '-j', 'addr', 'show'],
      names.map((n) => ({ path: pathOf(n), netnsName: n })),
      { helpers: 3 },
    );
    expect(results).toHaveLength(N);
    for (const [i, r] of results.entries()) {
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      // a named namespace's ip runs as ip -n NAME
      expect(r.argv).toEqual(['ip', '-n', names[i]!, '-j', 'addr', 'show']);
      const links = JSON.parse(r.stdout) as Array<{ ifname: string; addr_info: Array<{ local: string }> }>;
      expect(links.map((l) => l.ifname).sort()).toEqual([`fo${i}`, `fp${i}`, 'lo']);
      const fo = links.find((l) => l.ifname === `fo${i}`)!;
      expect(fo.addr_info).toHaveLength(59);
      expect(fo.addr_info.every((a) => a.local.startsWith(`10.252.${i}.`))).toBe(true);
    }
  });

  it('feeds each namespace its own input and keeps its standard error its own', async () => {
    const results = await runInEach(
      ['ip', '-batch', '-'],
      names.map((n, i) => ({ path: pathOf(n), input: i % 4 === 1 ? `link show dev fo${i}\nlink show dev nothere${i}\nlink show lo\n` : `link show dev fo${i}\n` })),
      { helpers: 2 },
    );
    for (const [i, r] of results.entries()) {
      expect(r.stdout).toContain(`: fo${i}@fp${i}:`);
      if (i % 4 === 1) {
        expect(r.exitCode).not.toBe(0);
        expect(r.stderr).toContain(`Device "nothere${i}" does not exist.`);
        expect(r.stderr).not.toMatch(new RegExp(`nothere(?!${i}\\b)`));
        expect(linesDoneBeforeFailure(r.stderr)).toBe(1);
      } else {
        expect(r.exitCode, r.stderr).toBe(0);
        expect(r.stderr).toBe('');
      }
    }
  });

  it('a namespace deleted while the helper works through its share fails alone, the others intact', async () => {
    const gone = uniqueName('fo');
    extra.push(gone);
    createNetns(gone);
    const items = [names[0]!, gone, names[1]!].map((n) => ({ path: pathOf(n) }));
    // one helper: the first namespace's command takes a second, and the second namespace goes meanwhile
    const running = runInEach(['sh', '-c', 'sleep 1; ip -j link show'], items, { helpers: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    deleteNetns(gone);
    const results = await running;
    expect(results[0]!.exitCode, results[0]!.stderr).toBe(0);
    expect(results[0]!.stdout).toContain('"fo0"');
    expect(results[1]!.exitCode).not.toBe(0);
    expect(results[1]!.stdout).toBe('');
    expect(results[1]!.stderr).toBe(`nsenter: cannot open ${pathOf(gone)}: No such file or directory`);
    expect(results[2]!.exitCode, results[2]!.stderr).toBe(0);
    expect(results[2]!.stdout).toContain('"fo1"');
  });

  it('no more namespaces than helpers: each entered directly, a named one by ip -n, a gone one failing alone', async () => {
    const gone = uniqueName('fo');
    const results = await runInEach(
      ['ip', '-j', 'link', 'show'],
      [names[4]!, gone].map((n) => ({ path: pathOf(n), netnsName: n })),
      { helpers: 2 },
    );
    expect(results[0]!.argv).toEqual(['ip', '-n', names[4]!, '-j', 'link', 'show']);
    expect(results[0]!.exitCode, results[0]!.stderr).toBe(0);
    expect((JSON.parse(results[0]!.stdout) as Array<{ ifname: string }>).map((l) => l.ifname).sort()).toEqual(['fo4', 'fp4', 'lo']);
    expect(results[1]!.exitCode).not.toBe(0);
    expect(results[1]!.stderr).toContain(`Cannot open network namespace "${gone}"`);
  });

  it('the readers name the namespace that could not be read, and read the rest', async () => {
    const gone = uniqueName('fo');
    const namespaces = [names[2]!, gone, names[3]!].map(netnsNamespace);
    const [interfaces, states] = await Promise.all([readInterfacesOfEach(namespaces), readNodeStates(namespaces)]);
    expect((interfaces[0] as Array<{ name: string }>).map((i) => i.name).sort()).toEqual(['fo2', 'fp2', 'lo']);
    expect((interfaces[1] as Error).message).toBe(`cannot read the interfaces of ${gone}: the network namespace ${gone} cannot be opened (it may have just gone away)`);
    expect((states[1] as Error).message).toBe(`cannot read the state of ${gone}: the network namespace ${gone} cannot be opened (it may have just gone away)`);
    expect(states[2]).not.toBeInstanceOf(Error);
    expect((states[2] as { interfaces: Array<{ name: string }> }).interfaces.map((i) => i.name).sort()).toEqual(['fo3', 'fp3', 'lo']);
  });

  it('ls --json (the bundled program) reads every namespace', () => {
    const r = spawnSync(BIN, ['ls', '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const targets = (JSON.parse(r.stdout) as { targets: Array<{ name: string; error?: string; interfaces: Array<{ name: string }> }> }).targets;
    for (const [i, name] of names.entries()) {
      const t = targets.find((x) => x.name === name);
      expect(t?.error).toBeUndefined();
      expect(t?.interfaces.map((x) => x.name).sort()).toEqual([`fo${i}`, `fp${i}`, 'lo']);
    }
  });
});

describe.skipIf(!isRoot || (!dockerReady() && !dockerRequired()))("a container's namespace, by its /proc/PID/ns/net", () => {
  let container = '';
  afterAll(() => removeContainers(container ? [container] : []));

  it('is entered like a named one', async () => {
    container = runContainer('fo');
    const pid = containerPid(container);
    const [r] = await runInEach(['ip', '-j', 'link', 'show'], [{ path: `/proc/${pid}/ns/net` }]);
    expect(r!.exitCode, r!.stderr).toBe(0);
    expect((JSON.parse(r!.stdout) as Array<{ ifname: string }>).map((l) => l.ifname)).toEqual(['lo']);
  });
});
