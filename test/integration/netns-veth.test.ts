/**
 * koko veth links between named namespaces, on the real kernel: addresses,
 * state, MTU, JSON output, traffic across, and deleting links again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addressesOf, chainmail, eventually, inNetns, isRoot, leftoverTemps, linkDetails, linkNames, Scratch, stableSnapshot, uniqueIfName } from '../support/kernel.js';

const scratch = new Scratch();
afterEach(() => scratch.cleanup());

/** Both ends exist as veth, are administratively up with carrier, and reach operstate UP. */
async function expectVethUp(ns: string, ifname: string): Promise<void> {
  const l = linkDetails(ns, ifname);
  expect(l, `${ns}:${ifname} exists`).toBeDefined();
  expect(l!.linkinfo?.info_kind).toBe('veth');
  expect(l!.flags).toContain('UP');
  expect(l!.flags).toContain('LOWER_UP');
  // operstate follows through the kernel's link watch, which may lag a little
  const state = await eventually(
    () => linkDetails(ns, ifname)?.operstate,
    (s) => s === 'UP',
  );
  expect(state).toBe('UP');
}

describe.skipIf(!isRoot)('koko veth between namespaces', () => {
  it('IPv4: both ends addressed, veth, up, and ping crosses', async () => {
    const a = scratch.netns('va');
    const b = scratch.netns('vb');
    const r = chainmail(['koko', '-n', `${a},link1,10.11.0.1/24`, '-n', `${b},link2,10.11.0.2/24`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`created veth ${a}:link1 .*<-> ${b}:link2`));

    expect(addressesOf(a, 'link1')).toEqual(['10.11.0.1/24']);
    expect(addressesOf(b, 'link2')).toEqual(['10.11.0.2/24']);
    await expectVethUp(a, 'link1');
    await expectVethUp(b, 'link2');
    // the temporary names are gone everywhere
    expect(leftoverTemps([a, b])).toEqual([]);

    const ping = chainmail(['ping', a, '10.11.0.2', '-c', '2']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    expect(ping.stdout).toMatch(/2\/2 replies/);
    const back = chainmail(['ping', b, '10.11.0.1', '-c', '2']);
    expect(back.code, back.stdout + back.stderr).toBe(0);
  });

  it('IPv6 only: global addresses on both ends and IPv6 ping crosses', async () => {
    const a = scratch.netns('v6a');
    const b = scratch.netns('v6b');
    const r = chainmail(['koko', '-n', `${a},six1,fd00:11::1/64`, '-n', `${b},six2,fd00:11::2/64`]);
    expect(r.code, r.stderr).toBe(0);
    expect(addressesOf(a, 'six1')).toEqual(['fd00:11::1/64']);
    expect(addressesOf(b, 'six2')).toEqual(['fd00:11::2/64']);
    await expectVethUp(a, 'six1');
    await expectVethUp(b, 'six2');
    // nodad: usable at once, not tentative
    const addr = linkDetails(a, 'six1')!.addr_info!.find((x) => x.local === 'fd00:11::1') as Record<string, unknown>;
    expect(addr.tentative).toBeUndefined();

    const ping = chainmail(['ping', a, 'fd00:11::2', '-c', '2']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    expect(ping.stdout).toMatch(/2\/2 replies/);
  });

  it('IPv6: the very first echo right after koko is answered at once (the two ends have different interface indexes)', () => {
    const a = scratch.netns('v6f');
    const b = scratch.netns('v6g');
    const r = chainmail(['koko', '-n', `${a},first1,fd00:17::1/64`, '-n', `${b},first2,fd00:17::2/64`]);
    expect(r.code, r.stderr).toBe(0);
    // two fresh namespaces would give both ends index 2, and such a pair lost its first neighbour solicitation
    expect(linkDetails(a, 'first1')!.ifindex).not.toBe(linkDetails(b, 'first2')!.ifindex);
    const ping = inNetns(a, ['ping', '-6', '-n', '-c', '1', '-W', '1', 'fd00:17::2']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
  });

  it('dual stack: IPv4 and IPv6 on both ends; both families ping', async () => {
    const a = scratch.netns('dsa');
    const b = scratch.netns('dsb');
    const r = chainmail(['koko', '-n', `${a},ds1,10.12.0.1/24,fd00:12::1/64`, '-n', `${b},ds2,10.12.0.2/24,fd00:12::2/64`]);
    expect(r.code, r.stderr).toBe(0);
    expect(addressesOf(a, 'ds1')).toEqual(['10.12.0.1/24', 'fd00:12::1/64']);
    expect(addressesOf(b, 'ds2')).toEqual(['10.12.0.2/24', 'fd00:12::2/64']);
    await expectVethUp(a, 'ds1');
    await expectVethUp(b, 'ds2');
    for (const [from, to] of [
      [a, '10.12.0.2'],
      [a, 'fd00:12::2'],
      [b, '10.12.0.1'],
      [b, 'fd00:12::1'],
    ] as const) {
      const ping = chainmail(['ping', from, to, '-c', '2']);
      expect(ping.code, `${from} -> ${to}: ${ping.stdout}${ping.stderr}`).toBe(0);
    }
  });

  it('IPv6 works in namespaces where IPv6 is disabled by default (as in many containers)', () => {
    const a = scratch.netns('d6a');
    const b = scratch.netns('d6b');
    for (const ns of [a, b]) {
      const off = inNetns(ns, ['sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      expect(off.code, off.stderr).toBe(0);
    }
    const r = chainmail(['koko', '-n', `${a},off1,fd00:16::1/64`, '-n', `${b},off2,fd00:16::2/64`]);
    expect(r.code, r.stderr).toBe(0);
    expect(addressesOf(a, 'off1')).toEqual(['fd00:16::1/64']);
    expect(addressesOf(b, 'off2')).toEqual(['fd00:16::2/64']);
    const ping = chainmail(['ping', a, 'fd00:16::2', '-c', '1']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
  });

  it('--mtu 9000 sets the MTU of both ends', () => {
    const a = scratch.netns('mta');
    const b = scratch.netns('mtb');
    const r = chainmail(['koko', '-n', `${a},jumbo1,10.13.0.1/24`, '-n', `${b},jumbo2,10.13.0.2/24`, '--mtu', '9000']);
    expect(r.code, r.stderr).toBe(0);
    expect(linkDetails(a, 'jumbo1')!.mtu).toBe(9000);
    expect(linkDetails(b, 'jumbo2')!.mtu).toBe(9000);
    // and the link still carries traffic
    const ping = chainmail(['ping', a, '10.13.0.2', '-c', '1']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
  });

  it('--mtu=N (inline form) works as well', () => {
    const a = scratch.netns('mia');
    const b = scratch.netns('mib');
    const r = chainmail(['koko', '-n', `${a},m1`, '-n', `${b},m2`, '--mtu=1400']);
    expect(r.code, r.stderr).toBe(0);
    expect(linkDetails(a, 'm1')!.mtu).toBe(1400);
    expect(linkDetails(b, 'm2')!.mtu).toBe(1400);
  });

  it('--json prints parseable JSON naming both ends with their addresses', () => {
    const a = scratch.netns('ja');
    const b = scratch.netns('jb');
    const r = chainmail(['koko', '-n', `${a},j1,10.14.0.1/24,fd00:14::1/64`, '-n', `${b},j2,10.14.0.2/24`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; action: string; kind: string; ends: Array<{ target: string; ifname: string; addresses: string[] }> };
    expect(out.ok).toBe(true);
    expect(out.action).toBe('create');
    expect(out.kind).toBe('veth');
    expect(out.ends).toHaveLength(2);
    expect(out.ends[0]).toMatchObject({ target: a, ifname: 'j1', addresses: ['10.14.0.1/24', 'fd00:14::1/64'] });
    expect(out.ends[1]).toMatchObject({ target: b, ifname: 'j2', addresses: ['10.14.0.2/24'] });
  });

  it('both ends in the same namespace', async () => {
    const a = scratch.netns('same');
    const r = chainmail(['koko', '-n', `${a},s1,10.15.0.1/24`, '-n', `${a},s2,10.15.0.2/24`]);
    expect(r.code, r.stderr).toBe(0);
    await expectVethUp(a, 's1');
    await expectVethUp(a, 's2');
    expect(linkDetails(a, 's1')!.link).toBe('s2');
    expect(addressesOf(a, 's2')).toEqual(['10.15.0.2/24']);
  });

  it('-c puts an end in the host namespace; -C deletes it with its peer', () => {
    const a = scratch.netns('ca');
    const hostIf = scratch.adoptHostLink(uniqueIfName('c'));
    const r = chainmail(['koko', '-c', `${hostIf},10.16.0.1/24`, '-n', `${a},c2,10.16.0.2/24`]);
    expect(r.code, r.stderr).toBe(0);
    expect(addressesOf(undefined, hostIf)).toEqual(['10.16.0.1/24']);
    expect(linkDetails(undefined, hostIf)!.linkinfo?.info_kind).toBe('veth');
    expect(addressesOf(a, 'c2')).toEqual(['10.16.0.2/24']);

    const d = chainmail(['koko', '-C', hostIf]);
    expect(d.code, d.stderr).toBe(0);
    expect(linkNames(undefined)).not.toContain(hostIf);
    expect(linkNames(a)).not.toContain('c2');
  });
});

describe.skipIf(!isRoot)('koko delete', () => {
  it('-N NS,IF removes the link and its peer in the other namespace', async () => {
    const a = scratch.netns('da');
    const b = scratch.netns('db');
    expect(chainmail(['koko', '-n', `${a},gone1,10.17.0.1/24`, '-n', `${b},gone2,10.17.0.2/24`]).code).toBe(0);
    expect(linkNames(a)).toContain('gone1');
    expect(linkNames(b)).toContain('gone2');

    const r = chainmail(['koko', '-N', `${a},gone1`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/deleted veth .*gone1/);
    expect(linkNames(a)).not.toContain('gone1');
    const peers = await eventually(
      () => linkNames(b),
      (n) => !n.includes('gone2'),
    );
    expect(peers).not.toContain('gone2');
    expect(peers).toEqual(['lo']);
  });

  it('--json of a delete names what went', () => {
    const a = scratch.netns('dja');
    const b = scratch.netns('djb');
    expect(chainmail(['koko', '-n', `${a},x1`, '-n', `${b},x2`]).code).toBe(0);
    const r = chainmail(['koko', '-N', `${b},x2`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, action: 'delete', target: b, ifname: 'x2' });
    expect(linkNames(a)).toEqual(['lo']);
  });

  it('deleting an interface that does not exist fails clearly and changes nothing', () => {
    const a = scratch.netns('dna');
    const b = scratch.netns('dnb');
    expect(chainmail(['koko', '-n', `${a},keep1`, '-n', `${b},keep2`]).code).toBe(0);
    const before = stableSnapshot([a, b]);
    const r = chainmail(['koko', '-N', `${a},nosuch0`]);
    expect(r.code).not.toBe(0);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nosuch0');
    expect(r.stderr).toContain(a);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^chainmail: no interface "nosuch0" in /);
    expect(stableSnapshot([a, b])).toEqual(before);
  });
});
