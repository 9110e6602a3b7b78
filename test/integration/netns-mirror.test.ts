/**
 * koko mirrors on the real kernel: mirror:ingress|egress|both:SRC adds the
 * tc qdisc and a mirred filter on SRC, and traffic over SRC really shows up
 * on the new interface.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chainmail, inNetns, isRoot, packetCounters, Scratch, tcJson, tcState } from '../support/kernel.js';

const scratch = new Scratch();
afterEach(() => scratch.cleanup());

interface MirredAction {
  kind: string;
  mirred_action?: string;
  direction?: string;
  to_dev?: string;
}
interface Filter {
  kind?: string;
  options?: { actions?: MirredAction[] };
}

function mirredActions(ns: string, dev: string, parent: string[]): MirredAction[] {
  return tcJson<Filter[]>(ns, ['filter', 'show', 'dev', dev, ...parent])
    .flatMap((f) => f.options?.actions ?? [])
    .filter((a) => a.kind === 'mirred');
}

/** Switches IPv6 off on an interface, so that it sends nothing of its own (no addresses, no ND/MLD). */
function silence(ns: string, ifname: string): void {
  const r = inNetns(ns, ['sysctl', '-q', '-w', `net.ipv6.conf.${ifname}.disable_ipv6=1`]);
  if (r.code !== 0) throw new Error(r.stderr);
}

/**
 * a:src (10.70.0.1) <-> b:dst (10.70.0.2) carries the traffic; the mirror
 * link joins a:mir to a third namespace c (tap), so that copies go nowhere
 * else. mir and tap are silenced: every packet counted on them is a copy.
 */
function setup(mirror: string): { a: string; b: string; c: string } {
  const a = scratch.netns('mra');
  const b = scratch.netns('mrb');
  const c = scratch.netns('mrc');
  const link = chainmail(['koko', '-n', `${a},src,10.70.0.1/24`, '-n', `${b},dst,10.70.0.2/24`]);
  expect(link.code, link.stderr).toBe(0);
  const m = chainmail(['koko', '-n', `${a},mir,${mirror}`, '-n', `${c},tap`]);
  expect(m.code, m.stderr).toBe(0);
  silence(a, 'mir');
  silence(c, 'tap');
  return { a, b, c };
}

/** Pings a -> b count times; returns how many more packets IF in a sent and PEER in c received meanwhile. */
function mirroredDuring(a: string, c: string, count: number, ifname = 'mir', peer = 'tap'): { tx: number; rx: number } {
  const mir0 = packetCounters(a, ifname);
  const tap0 = packetCounters(c, peer);
  const ping = chainmail(['ping', a, '10.70.0.2', '-c', String(count)]);
  expect(ping.code, ping.stdout + ping.stderr).toBe(0);
  const mir1 = packetCounters(a, ifname);
  const tap1 = packetCounters(c, peer);
  return { tx: mir1.tx - mir0.tx, rx: tap1.rx - tap0.rx };
}

describe.skipIf(!isRoot)('koko mirrors', () => {
  it('mirror:ingress:SRC adds an ingress qdisc and a mirred filter to the new interface, and ingress traffic is copied', () => {
    const { a, c } = setup('mirror:ingress:src');
    const qdiscs = tcJson<Array<{ kind: string; handle: string }>>(a, ['qdisc', 'show', 'dev', 'src']);
    expect(qdiscs).toContainEqual(expect.objectContaining({ kind: 'ingress', handle: 'ffff:' }));
    expect(mirredActions(a, 'src', ['ingress'])).toEqual([expect.objectContaining({ mirred_action: 'mirror', direction: 'egress', to_dev: 'mir' })]);
    // a control: a second link from a to c without a mirror, equally silent
    const plain = chainmail(['koko', '-n', `${a},plain`, '-n', `${c},plaintap`]);
    expect(plain.code, plain.stderr).toBe(0);
    silence(a, 'plain');
    silence(c, 'plaintap');
    const before = packetCounters(a, 'plain');
    // the echo replies come in on src: one copy each leaves mir and reaches tap
    const copies = mirroredDuring(a, c, 5);
    expect(copies.tx).toBeGreaterThanOrEqual(5);
    expect(copies.rx).toBeGreaterThanOrEqual(5);
    expect(packetCounters(a, 'plain').tx - before.tx, 'nothing on the unmirrored link').toBe(0);
  });

  it('mirror:egress:SRC adds a root qdisc and a mirred filter, and egress traffic is copied', () => {
    const { a, c } = setup('mirror:egress:src');
    const qdiscs = tcJson<Array<{ kind: string; handle: string; root?: boolean }>>(a, ['qdisc', 'show', 'dev', 'src']);
    expect(qdiscs).toContainEqual(expect.objectContaining({ handle: '1:', root: true }));
    expect(qdiscs.some((q) => q.kind === 'ingress')).toBe(false);
    expect(mirredActions(a, 'src', ['parent', '1:'])).toEqual([expect.objectContaining({ mirred_action: 'mirror', direction: 'egress', to_dev: 'mir' })]);
    // the echo requests go out on src
    const copies = mirroredDuring(a, c, 5);
    expect(copies.tx).toBeGreaterThanOrEqual(5);
    expect(copies.rx).toBeGreaterThanOrEqual(5);
  });

  it('mirror:both:SRC copies both directions', () => {
    const { a, c } = setup('mirror:both:src');
    expect(tcState(a)).toEqual(expect.arrayContaining(['filter src ingress u32 mirred -> mir', 'filter src parent 1: u32 mirred -> mir']));
    // requests out and replies in: at least two copies per echo
    const copies = mirroredDuring(a, c, 5);
    expect(copies.tx).toBeGreaterThanOrEqual(10);
  });

  it('deleting the mirror link leaves the source link working', () => {
    const { a, b } = setup('mirror:ingress:src');
    const del = chainmail(['koko', '-N', `${a},mir`]);
    expect(del.code, del.stderr).toBe(0);
    const ping = chainmail(['ping', a, '10.70.0.2', '-c', '2']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    const back = chainmail(['ping', b, '10.70.0.1', '-c', '1']);
    expect(back.code, back.stdout + back.stderr).toBe(0);
  });

  it('deleting the mirror link removes the qdiscs that only served it, so the source can be mirrored again', () => {
    const { a, c } = setup('mirror:both:src');
    const del = chainmail(['koko', '-N', `${a},mir`]);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toMatch(/and the mirror of src \(root\), src \(ingress\) onto it/);
    expect(tcState(a).filter((line) => /^(qdisc src (htb|ingress)|filter src)/.test(line))).toEqual([]);
    const again = chainmail(['koko', '-n', `${a},mir2,mirror:ingress:src`, '-n', `${c},tap2`]);
    expect(again.code, again.stderr).toBe(0);
  });

  it('a qdisc with a filter of its own stays when the mirror link goes', () => {
    const { a } = setup('mirror:ingress:src');
    // someone else's filter on the same ingress qdisc: a mirror onto another interface
    const own = inNetns(a, [
      'tc',
      'filter',
      'add',
      'dev',
      'src',
      'parent',
      'ffff:',
      'protocol',
      'ip',
      'u32',
      'match',
      'ip',
      'dport',
      '53',
      '0xffff',
      'action',
      'mirred',
      'egress',
      'mirror',
      'dev',
      'lo',
    ]);
    expect(own.code, own.stderr).toBe(0);
    const del = chainmail(['koko', '-N', `${a},mir`]);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).not.toMatch(/mirror of/);
    expect(tcJson<Array<{ kind: string; dev: string }>>(a, ['qdisc', 'show', 'dev', 'src']).map((q) => q.kind)).toContain('ingress');
  });
});
