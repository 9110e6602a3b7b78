/**
 * Target forms on the real kernel: a process's namespace (-p PID / pid PID),
 * a namespace file (-a PATH), bare names, and unknown targets (exit 3, the
 * name in the message, nothing changed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { addressesOf, chainmail, eventually, ip, isRoot, leftoverTemps, linkDetails, linkNames, routes, Scratch, stableSnapshot } from '../support/kernel.js';

const scratch = new Scratch();
afterEach(() => scratch.cleanup());

/** A `sleep` running inside ns; resolves once it is really in there. */
async function sleeperIn(ns: string): Promise<ChildProcess & { pid: number }> {
  const child = scratch.spawnIn(ns, ['sleep', '60']);
  const pids = await eventually(
    () => ip(undefined, ['netns', 'pids', ns]),
    (out) => out.split('\n').includes(String(child.pid)),
  );
  if (!pids.split('\n').includes(String(child.pid))) throw new Error(`sleep ${child.pid} did not enter ${ns}`);
  return child as ChildProcess & { pid: number };
}

describe.skipIf(!isRoot)('pid targets', () => {
  it('-p PID,IF puts the end into the namespace of that process; pid PID works for the other verbs', async () => {
    const a = scratch.netns('pta');
    const b = scratch.netns('ptb');
    const { pid } = await sleeperIn(a);
    const r = chainmail(['koko', '-p', `${pid},pid1,10.90.0.1/24`, '-n', `${b},pid2,10.90.0.2/24`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`pid ${pid}:pid1`);
    // it is in a (the process's namespace), not in the host
    expect(addressesOf(a, 'pid1')).toEqual(['10.90.0.1/24']);
    expect(linkDetails(a, 'pid1')!.flags).toContain('UP');
    expect(linkNames(undefined)).not.toContain('pid1');
    expect(leftoverTemps([a, b])).toEqual([]);

    const ping = chainmail(['ping', 'pid', String(pid), '10.90.0.2', '-c', '1']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    const koro = chainmail(['koro', 'pid', String(pid), 'route', 'add', '10.91.0.0/16', 'via', '10.90.0.2']);
    expect(koro.code, koro.stderr).toBe(0);
    expect(routes(a, 4).find((x) => x.dst === '10.91.0.0/16')).toMatchObject({ gateway: '10.90.0.2', dev: 'pid1' });
    const shown = chainmail(['routes', `pid:${pid}`, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as { routes: unknown[] }).routes).toContainEqual(expect.objectContaining({ dst: '10.91.0.0/16' }));

    const del = chainmail(['koko', '-P', `${pid},pid1`]);
    expect(del.code, del.stderr).toBe(0);
    expect(linkNames(a)).toEqual(['lo']);
    const peer = await eventually(
      () => linkNames(b),
      (n) => !n.includes('pid2'),
    );
    expect(peer).toEqual(['lo']);
  });

  it('an IPv6 address on a pid end (sysctl goes through nsenter)', async () => {
    const a = scratch.netns('p6a');
    const b = scratch.netns('p6b');
    const { pid } = await sleeperIn(a);
    const r = chainmail(['koko', '-p', `${pid},p6x,fd00:90::1/64`, '-n', `${b},p6y,fd00:90::2/64`]);
    expect(r.code, r.stderr).toBe(0);
    expect(addressesOf(a, 'p6x')).toEqual(['fd00:90::1/64']);
    expect(chainmail(['ping', b, 'fd00:90::1', '-c', '1']).code).toBe(0);
  });
});

describe.skipIf(!isRoot)('path targets', () => {
  it('-a /var/run/netns/NS,IF and -a /proc/PID/ns/net,IF', async () => {
    const a = scratch.netns('paa');
    const b = scratch.netns('pab');
    const c = scratch.netns('pac');
    const r = chainmail(['koko', '-a', `/var/run/netns/${a},path1,10.92.0.1/24`, '-n', `${b},path2,10.92.0.2/24`]);
    expect(r.code, r.stderr).toBe(0);
    expect(addressesOf(a, 'path1')).toEqual(['10.92.0.1/24']);
    expect(linkDetails(a, 'path1')!.linkinfo?.info_kind).toBe('veth');

    const { pid } = await sleeperIn(c);
    const viaProc = chainmail(['koko', '-a', `/proc/${pid}/ns/net,proc1`, '-n', `${b},proc2`]);
    expect(viaProc.code, viaProc.stderr).toBe(0);
    expect(linkNames(c)).toContain('proc1');

    // -n accepts a path too, as koko does
    const nPath = chainmail(['koko', '-N', `/var/run/netns/${a},path1`]);
    expect(nPath.code, nPath.stderr).toBe(0);
    expect(linkNames(a)).toEqual(['lo']);

    const shown = chainmail(['routes', `/var/run/netns/${b}`]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/routes of \/var\/run\/netns\//);
  });
});

describe.skipIf(!isRoot)('bare names', () => {
  it('routes NS, koro NS, ping NS, forward NS, fw NS resolve a bare name to the named namespace', () => {
    const a = scratch.netns('bna');
    const b = scratch.netns('bnb');
    expect(chainmail(['koko', '-n', `${a},bare1,10.93.0.1/24`, '-n', `${b},bare2,10.93.0.2/24`]).code).toBe(0);

    const r = chainmail(['routes', a, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ target: a });
    expect((JSON.parse(r.stdout) as { routes: unknown[] }).routes).toContainEqual(expect.objectContaining({ dst: '10.93.0.0/24', dev: 'bare1' }));

    expect(chainmail(['koro', a, 'address', 'add', '10.94.0.1/24', 'dev', 'bare1']).code).toBe(0);
    expect(addressesOf(a, 'bare1')).toContain('10.94.0.1/24');
    expect(chainmail(['ping', b, '10.93.0.1', '-c', '1']).code).toBe(0);
    expect(chainmail(['forward', a]).stdout).toMatch(new RegExp(`^${a}: forwarding ipv4`));
    expect(chainmail(['fw', a, 'list']).code).toBe(0);
  });
});

describe.skipIf(!isRoot)('unknown targets exit 3, name the target and change nothing', () => {
  it('an unknown namespace, pid or path in every verb', () => {
    const a = scratch.netns('una');
    const b = scratch.netns('unb');
    expect(chainmail(['koko', '-n', `${a},u1`, '-n', `${b},u2`]).code).toBe(0);
    const ghost = `cmt-ghost-${process.pid}`;
    const before = stableSnapshot([a, b]);
    const cases: Array<{ args: string[]; names: string }> = [
      { args: ['koko', '-n', `${ghost},g1,10.95.0.1/24`, '-n', `${a},g2,10.95.0.2/24`], names: ghost },
      { args: ['koko', '-n', `${a},g2,10.95.0.2/24`, '-n', `${ghost},g1,10.95.0.1/24`], names: ghost },
      { args: ['koko', '-N', `${ghost},u1`], names: ghost },
      { args: ['koko', '-n', `${ghost},vx0`, '-x', 'cmtnosuch0,10.200.0.1,5'], names: ghost },
      { args: ['koro', 'netns', ghost, 'address', 'add', '10.95.0.1/24', 'dev', 'u1'], names: ghost },
      { args: ['koro', 'netns', ghost, 'route', 'show'], names: ghost },
      { args: ['routes', ghost], names: ghost },
      { args: ['routes', `netns:${ghost}`], names: ghost },
      { args: ['ping', ghost, '10.95.0.2', '-c', '1'], names: ghost },
      { args: ['probe', ghost, 'http://10.95.0.2/'], names: ghost },
      { args: ['forward', ghost, 'on'], names: ghost },
      { args: ['fw', ghost, 'add', '-p', 'icmp', '-j', 'DROP'], names: ghost },
      { args: ['kill', ghost], names: ghost },
      { args: ['koko', '-p', '4194000,p1', '-n', `${a},p2`], names: '4194000' },
      { args: ['routes', 'pid', '4194000'], names: '4194000' },
      { args: ['koko', '-a', `/var/run/netns/${ghost},p1`, '-n', `${a},p2`], names: `/var/run/netns/${ghost}` },
    ];
    for (const { args, names } of cases) {
      const r = chainmail(args);
      const what = `chainmail ${args.join(' ')}: ${r.stderr}`;
      expect(r.code, what).toBe(3);
      expect(r.stdout, what).toBe('');
      const first = r.stderr.split('\n')[0]!;
      expect(first, what).toMatch(/^chainmail: /);
      expect(first, what).toContain(names);
    }
    expect(stableSnapshot([a, b])).toEqual(before);
    expect(leftoverTemps([a, b])).toEqual([]);
    expect(ip(undefined, ['netns', 'list'])).not.toContain(ghost);
  });
});
