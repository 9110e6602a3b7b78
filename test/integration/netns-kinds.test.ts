/**
 * koko's other link kinds on the real kernel: vxlan, vlan and macvlan, each
 * on a parent interface in the host namespace that the test makes itself.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addressesOf, chainmail, ip, isRoot, kernelSupports, leftoverTemps, linkDetails, linkNames, Scratch, stableSnapshot } from '../support/kernel.js';

const scratch = new Scratch();
afterEach(() => scratch.cleanup());

let vlanSupported = false;
let macvlanSupported = false;
let vxlanSupported = false;
beforeAll(() => {
  if (!isRoot) return;
  vlanSupported = kernelSupports('vlan');
  macvlanSupported = kernelSupports('macvlan');
  vxlanSupported = kernelSupports('vxlan');
});

describe.skipIf(!isRoot)('koko vxlan', () => {
  it('-x PARENT,REMOTE,VNI,port=8472 makes a vxlan in the namespace with that id and port', (ctx) => {
    if (!vxlanSupported) ctx.skip();
    const ns = scratch.netns('vx');
    const { a: parent } = scratch.hostVeth('x');
    const r = chainmail(['koko', '-n', `${ns},vx0,10.9.0.1/24`, '-x', `${parent},10.200.0.2,4242,port=8472`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/created vxlan .*vx0.* vni 4242 remote 10\.200\.0\.2 via .* port 8472/);

    const l = linkDetails(ns, 'vx0');
    expect(l).toBeDefined();
    expect(l!.linkinfo?.info_kind).toBe('vxlan');
    expect(l!.linkinfo?.info_data).toMatchObject({ id: 4242, port: 8472, remote: '10.200.0.2' });
    expect(l!.flags).toContain('UP');
    expect(addressesOf(ns, 'vx0')).toEqual(['10.9.0.1/24']);
    // nothing new in the host: the parent has no child there, and no temp is left
    expect(leftoverTemps([ns])).toEqual([]);
  });

  it("without port= the destination port is koko's 4789; mtu= sets the MTU", (ctx) => {
    if (!vxlanSupported) ctx.skip();
    const ns = scratch.netns('vxd');
    const { a: parent } = scratch.hostVeth('x');
    const r = chainmail(['koko', '-n', `${ns},vx1`, '-x', `${parent},10.200.0.3,7,mtu=1400`]);
    expect(r.code, r.stderr).toBe(0);
    const l = linkDetails(ns, 'vx1')!;
    expect(l.linkinfo?.info_data).toMatchObject({ id: 7, port: 4789 });
    expect(l.mtu).toBe(1400);
  });

  it('ls resolves the vxlan to its parent interface in the host', (ctx) => {
    if (!vxlanSupported) ctx.skip();
    const ns = scratch.netns('vxl');
    const { a: parent } = scratch.hostVeth('x');
    expect(chainmail(['koko', '-n', `${ns},vx2`, '-x', `${parent},10.200.0.4,99`]).code).toBe(0);
    const ls = chainmail(['ls', '--json']);
    expect(ls.code, ls.stderr).toBe(0);
    const link = (
      (JSON.parse(ls.stdout) as { links: unknown }).links as Array<{
        kind: string;
        a: { target: string; ifname: string };
        b?: { target: string; ifname: string };
        vni?: number;
        port?: number;
      }>
    ).find((l) => l.kind === 'vxlan' && l.a.target === ns && l.a.ifname === 'vx2');
    expect(link).toBeDefined();
    expect(link!.vni).toBe(99);
    expect(link!.port, 'ls --json shows the UDP port').toBe(4789);
    expect(chainmail(['ls']).stdout).toContain(`${ns}:vx2 vni 99 remote 10.200.0.4 port 4789 on host:${parent}`);
    // the macvlan case finds its host parent; a vxlan moved into a namespace should as well
    expect(link!.b, 'vxlan parent resolved').toEqual({ target: 'host', ifname: parent, addresses: [] });
  });

  it('a parent that does not exist is refused before anything changes', () => {
    const ns = scratch.netns('vxn');
    const before = stableSnapshot([ns]);
    const r = chainmail(['koko', '-n', `${ns},vx0`, '-x', 'cmtnosuch0,10.200.0.2,5']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/parent interface "cmtnosuch0" does not exist/);
    expect(stableSnapshot([ns])).toEqual(before);
  });
});

describe.skipIf(!isRoot)('koko macvlan', () => {
  it('-M PARENT,bridge makes a macvlan in the namespace on the host parent', (ctx) => {
    if (!macvlanSupported) ctx.skip();
    const ns = scratch.netns('mv');
    const { a: parent } = scratch.hostVeth('m');
    const r = chainmail(['koko', '-n', `${ns},mv0,10.19.0.1/24,fd00:19::1/64`, '-M', `${parent},bridge`]);
    expect(r.code, r.stderr).toBe(0);
    const l = linkDetails(ns, 'mv0')!;
    expect(l.linkinfo?.info_kind).toBe('macvlan');
    expect(l.linkinfo?.info_data?.mode).toBe('bridge');
    expect(l.flags).toContain('UP');
    expect(addressesOf(ns, 'mv0')).toEqual(['10.19.0.1/24', 'fd00:19::1/64']);
    // its lower device is the host parent
    const hostParent = linkDetails(undefined, parent) as unknown as { ifindex: number };
    expect((l as unknown as { link_index: number }).link_index).toBe(hostParent.ifindex);
    expect(leftoverTemps([ns])).toEqual([]);

    const ls = JSON.parse(chainmail(['ls', '--json']).stdout) as {
      links: Array<{ kind: string; a: { target: string; ifname: string }; b?: { target: string; ifname: string }; mode?: string }>;
    };
    const link = ls.links.find((x) => x.kind === 'macvlan' && x.a.target === ns);
    expect(link).toMatchObject({ a: { ifname: 'mv0' }, b: { target: 'host', ifname: parent }, mode: 'bridge' });
  });

  it('two macvlans in bridge mode on one parent talk to each other across namespaces', (ctx) => {
    if (!macvlanSupported) ctx.skip();
    const a = scratch.netns('mva');
    const b = scratch.netns('mvb');
    const { a: parent, b: peer } = scratch.hostVeth('m');
    // a macvlan has carrier only while its lower device has: bring the veth peer up too
    ip(undefined, ['link', 'set', 'dev', peer, 'up']);
    expect(chainmail(['koko', '-n', `${a},mva,10.20.0.1/24`, '-M', `${parent},bridge`]).code).toBe(0);
    expect(chainmail(['koko', '-n', `${b},mvb,10.20.0.2/24`, '-M', `${parent},bridge`]).code).toBe(0);
    const ping = chainmail(['ping', a, '10.20.0.2', '-c', '2']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
  });

  it('mode "default" sends no mode, and the kernel uses vepa', (ctx) => {
    if (!macvlanSupported) ctx.skip();
    const ns = scratch.netns('mvd');
    const { a: parent } = scratch.hostVeth('m');
    expect(chainmail(['koko', '-n', `${ns},mv1`, '-M', `${parent},default`]).code).toBe(0);
    expect(linkDetails(ns, 'mv1')!.linkinfo?.info_data?.mode).toBe('vepa');
  });

  it('-N deletes a macvlan, leaving the host parent in place', (ctx) => {
    if (!macvlanSupported) ctx.skip();
    const ns = scratch.netns('mvx');
    const { a: parent } = scratch.hostVeth('m');
    expect(chainmail(['koko', '-n', `${ns},mv2`, '-M', `${parent},private`]).code).toBe(0);
    const r = chainmail(['koko', '-N', `${ns},mv2`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/deleted macvlan/);
    expect(linkNames(ns)).toEqual(['lo']);
    expect(linkNames(undefined)).toContain(parent);
  });
});

describe.skipIf(!isRoot)('koko vlan', () => {
  it('-V PARENT,VLANID: a vlan link, or on a kernel without 8021q a clear refusal that leaves nothing behind', () => {
    const ns = scratch.netns('vl');
    const { a: parent, b: peer } = scratch.hostVeth('v');
    const before = stableSnapshot([ns], [parent, peer]);
    const r = chainmail(['koko', '-n', `${ns},vl10,10.21.0.1/24`, '-V', `${parent},10`]);
    if (vlanSupported) {
      expect(r.code, r.stderr).toBe(0);
      const l = linkDetails(ns, 'vl10')!;
      expect(l.linkinfo?.info_kind).toBe('vlan');
      expect(l.linkinfo?.info_data?.id).toBe(10);
      expect(addressesOf(ns, 'vl10')).toEqual(['10.21.0.1/24']);
      return;
    }
    expect(r.code).not.toBe(0);
    expect(r.code).toBe(1);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(/^chainmail: /);
    expect(first).toMatch(/no vlan support/);
    expect(first).toMatch(/8021q/);
    expect(first).toMatch(/nothing was changed/);
    expect(r.stdout).toBe('');
    expect(stableSnapshot([ns], [parent, peer])).toEqual(before);
    expect(leftoverTemps([ns])).toEqual([]);
  });
});
