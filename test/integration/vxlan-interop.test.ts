/**
 * koko's vxlan acceptance topology on the real kernel: two namespaces play two
 * hosts joined by an underlay veth. On one, chainmail's `koko -x` makes the
 * vxlan (run inside that "host", as a user there would); on the other, a plain
 * `ip link add ... type vxlan`, which is what koko's netlink call makes. A ping
 * across proves both sides agree on the UDP port.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, inNetns, ip, isRoot, kernelSupports, linkDetails, Scratch } from '../support/kernel.js';

const scratch = new Scratch();
afterEach(() => scratch.cleanup());

let vxlanSupported = false;
beforeAll(() => {
  if (isRoot) vxlanSupported = kernelSupports('vxlan');
});

interface Hosts {
  hostA: string;
  hostB: string;
  /** chainmail's end of the overlay lives here, behind hostA. */
  client: string;
}

const UNDERLAY_A = '10.240.0.1';
const UNDERLAY_B = '10.240.0.2';
const VNI = '42';

function twoHosts(): Hosts {
  const hostA = scratch.netns('vxa');
  const hostB = scratch.netns('vxb');
  const client = scratch.netns('vxc');
  ip(hostA, ['link', 'add', 'name', 'under', 'type', 'veth', 'peer', 'name', 'under', 'netns', hostB]);
  ip(hostA, ['addr', 'add', `${UNDERLAY_A}/30`, 'dev', 'under']);
  ip(hostB, ['addr', 'add', `${UNDERLAY_B}/30`, 'dev', 'under']);
  ip(hostA, ['link', 'set', 'dev', 'under', 'up']);
  ip(hostB, ['link', 'set', 'dev', 'under', 'up']);
  return { hostA, hostB, client };
}

/** chainmail run inside hostA's network namespace, as on a host of its own. */
function chainmailOnHostA(hostA: string, args: readonly string[]): { code: number; stderr: string } {
  const r = spawnSync('ip', ['netns', 'exec', hostA, BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status ?? -1, stderr: r.stderr };
}

/** The far side as koko makes it: a vxlan on the underlay with an explicit destination port. */
function kokoStyleVxlan(hostB: string, dstport: number): void {
  ip(hostB, ['link', 'add', 'name', 'vx0', 'type', 'vxlan', 'id', VNI, 'remote', UNDERLAY_A, 'dev', 'under', 'dstport', String(dstport)]);
  ip(hostB, ['addr', 'add', '10.9.0.2/24', 'dev', 'vx0']);
  ip(hostB, ['link', 'set', 'dev', 'vx0', 'up']);
}

function pingAcross(client: string, count: number): number {
  return inNetns(client, ['ping', '-c', String(count), '-W', '2', '10.9.0.2']).code;
}

describe.skipIf(!isRoot)("vxlan interop with koko's port", () => {
  it('`koko -x PARENT,REMOTE,VNI` with no port reaches a vxlan made as koko makes it (dstport 4789)', (ctx) => {
    if (!vxlanSupported) ctx.skip();
    const { hostA, hostB, client } = twoHosts();
    const r = chainmailOnHostA(hostA, ['koko', '-n', `${client},vx0,10.9.0.1/24`, '-x', `under,${UNDERLAY_B},${VNI}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(linkDetails(client, 'vx0')?.linkinfo?.info_data).toMatchObject({ id: Number(VNI), port: 4789, remote: UNDERLAY_B });
    kokoStyleVxlan(hostB, 4789);
    expect(pingAcross(client, 3)).toBe(0);
  });

  it('port=N on both sides reaches as well', (ctx) => {
    if (!vxlanSupported) ctx.skip();
    const { hostA, hostB, client } = twoHosts();
    const r = chainmailOnHostA(hostA, ['koko', '-n', `${client},vx0,10.9.0.1/24`, '-x', `under,${UNDERLAY_B},${VNI},port=6081`]);
    expect(r.code, r.stderr).toBe(0);
    expect(linkDetails(client, 'vx0')?.linkinfo?.info_data).toMatchObject({ port: 6081 });
    kokoStyleVxlan(hostB, 6081);
    expect(pingAcross(client, 3)).toBe(0);
  });

  it('the test can fail: sides on different ports (the kernel default 8472 there) do not reach each other', (ctx) => {
    if (!vxlanSupported) ctx.skip();
    const { hostA, hostB, client } = twoHosts();
    expect(chainmailOnHostA(hostA, ['koko', '-n', `${client},vx0,10.9.0.1/24`, '-x', `under,${UNDERLAY_B},${VNI}`]).code).toBe(0);
    kokoStyleVxlan(hostB, 8472);
    expect(pingAcross(client, 1)).not.toBe(0);
  });
});
