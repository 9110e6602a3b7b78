/**
 * One `ip monitor all-nsid` in the host for every named namespace (issue 15):
 * a change in each of several namespaces reaches the right one, so does a
 * change in a namespace made after the monitor started, or made again under
 * a name already watched, and the host's own changes; and the monitor keeps
 * no deleted namespace alive. Forwarding turned on or off is a change too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hostNamespace, type Namespace } from '../../src/targets/namespace.js';
import { NetlinkWatch } from '../../src/watch/netlink-watch.js';
import { NsidMonitor } from '../../src/watch/nsid-monitor.js';
import { createNetns, deleteNetns, eventually, ip, ipJson, isRoot, linkNames, Scratch, sh, uniqueIfName } from '../support/kernel.js';

const scratch = new Scratch();
let monitor: { stop(): void } | undefined;
afterEach(async () => {
  monitor?.stop();
  monitor = undefined;
  await scratch.cleanup();
});

const named = (name: string): Namespace => ({ kind: 'netns', label: name, path: `/var/run/netns/${name}`, netnsName: name });
/** An address on the namespace's loopback: one netlink change inside it. */
const touch = (name: string, n: number) => ip(name, ['addr', 'add', `127.9.${n >> 8}.${n & 255}/32`, 'dev', 'lo']);
const nsidOf = (name: string) => ipJson<Array<{ nsid: number; name?: string }>>(undefined, ['netns', 'list-id']).find((e) => e.name === name)?.nsid;

describe.skipIf(!isRoot)('one monitor for every named namespace', () => {
  it('sees a change in each namespace, in one made after it started, in one made again, and in the host', async () => {
    const names = [scratch.netns('nma'), scratch.netns('nmb'), scratch.netns('nmc')];
    const seen: string[] = [];
    const m = new NsidMonitor((ns) => seen.push(ns.label));
    monitor = m;
    const first = await m.sync(hostNamespace(), names.map(named));
    expect(first.map((n) => n.label).sort()).toEqual([...names].sort());
    for (const n of names) expect(nsidOf(n), `${n} has an id in the host`).toBeTypeOf('number');
    // sync does not wait for the monitor's process to listen, and a change made before it does goes
    // unseen: the first namespace is touched again (a new address) until one is seen, and the
    // events of the touches still on their way are let through before each namespace is tried alone
    let address = 0;
    expect(
      await eventually(
        () => {
          touch(names[0]!, ++address);
          return [...seen];
        },
        (s) => s.includes(names[0]!),
        10_000,
      ),
      'the monitor listens within 10 s',
    ).toContain(names[0]);
    // quiet for 300 ms: the last warm-up touch's event has arrived too
    for (let heard = -1; heard !== seen.length;) {
      heard = seen.length;
      await new Promise((r) => setTimeout(r, 300));
    }

    for (const n of names) {
      seen.length = 0;
      touch(n, ++address);
      expect(
        await eventually(
          () => [...seen],
          (s) => s.includes(n),
          5000,
        ),
      ).toContain(n);
      expect(
        seen.filter((s) => s !== n && s !== 'host'),
        `a change in ${n} is ${n}'s alone`,
      ).toEqual([]);
    }

    // made after the monitor started: given an id by the next sync, then seen
    const late = scratch.netns('nmd');
    const added = await m.sync(hostNamespace(), [...names, late].map(named));
    expect(added.map((n) => n.label)).toEqual([late]);
    seen.length = 0;
    touch(late, 9);
    expect(
      await eventually(
        () => [...seen],
        (s) => s.includes(late),
        5000,
      ),
    ).toContain(late);

    // deleted and made again under the same name: a new namespace, without an id until the next sync
    deleteNetns(names[1]!);
    createNetns(names[1]!);
    const again = await m.sync(hostNamespace(), [...names, late].map(named));
    expect(again.map((n) => n.label)).toEqual([names[1]]);
    seen.length = 0;
    touch(names[1]!, 7);
    expect(
      await eventually(
        () => [...seen],
        (s) => s.includes(names[1]!),
        5000,
      ),
    ).toContain(names[1]!);

    // the host's own change: [nsid current]
    seen.length = 0;
    const { b } = scratch.hostVeth('nm');
    sh('ip', ['link', 'set', 'dev', b, 'up']);
    expect(
      await eventually(
        () => [...seen],
        (s) => s.includes('host'),
        5000,
      ),
    ).toContain('host');
  }, 60_000);

  it('sees forwarding turned on or off in a namespace, which changes no link, address or route', async () => {
    const n = scratch.netns('nmf');
    // a new namespace inherits the host's forwarding (1 once Docker runs), and
    // writing the value it already holds tells no listener: flip it from what it is
    const before = sh('ip', ['netns', 'exec', n, 'sysctl', '-n', 'net.ipv4.ip_forward']).trim();
    const seen: string[] = [];
    const m = new NsidMonitor((ns) => seen.push(ns.label));
    monitor = m;
    await m.sync(undefined, [named(n)]);
    seen.length = 0;
    // flipped back and forth until seen: a flip before the monitor listens goes unseen (see above)
    let value = before;
    expect(
      await eventually(
        () => {
          value = value === '1' ? '0' : '1';
          sh('ip', ['netns', 'exec', n, 'sysctl', '-q', '-w', `net.ipv4.ip_forward=${value}`]);
          return [...seen];
        },
        (s) => s.includes(n),
        10_000,
      ),
    ).toContain(n);
  }, 30_000);

  it('holds no deleted namespace: the veth peer of a watched namespace goes when it is deleted', async () => {
    const gone = scratch.netns('nmg');
    const peer = scratch.netns('nmp');
    const [x, y] = [uniqueIfName('g'), uniqueIfName('p')];
    ip(gone, ['link', 'add', 'name', x, 'type', 'veth', 'peer', 'name', y, 'netns', peer]);
    const w = new NetlinkWatch(() => undefined);
    monitor = w;
    await w.sync([hostNamespace(), named(gone), named(peer)]);
    await new Promise((r) => setTimeout(r, 300));
    expect(linkNames(peer)).toContain(y);
    deleteNetns(gone);
    const names = await eventually(
      () => linkNames(peer),
      (l) => !l.includes(y),
      8000,
    );
    expect(names).not.toContain(y);
  }, 30_000);
});
