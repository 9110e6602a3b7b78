/**
 * koro on the real kernel: addresses and routes added, deleted and shown in
 * a namespace, and the kernel's refusals turned into clear, non-zero errors
 * that change nothing.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addressesOf, chainmail, inNetns, isRoot, routes, Scratch, stableSnapshot } from '../support/kernel.js';

const scratch = new Scratch();
afterEach(() => scratch.cleanup());

/** Two namespaces joined by a dual-stack veth: a:k1 10.30.0.1 / fd00:30::1, b:k2 .2 / ::2. */
let a: string;
let b: string;
function pair(owner: Scratch): void {
  a = owner.netns('ka');
  b = owner.netns('kb');
  const r = chainmail(['koko', '-n', `${a},k1,10.30.0.1/24,fd00:30::1/64`, '-n', `${b},k2,10.30.0.2/24,fd00:30::2/64`]);
  if (r.code !== 0) throw new Error(`setup failed: ${r.stderr}`);
}

const find4 = (ns: string, dst: string) => routes(ns, 4).find((r) => r.dst === dst);
const find6 = (ns: string, dst: string) => routes(ns, 6).find((r) => r.dst === dst);

describe.skipIf(!isRoot)('koro address', () => {
  beforeEach(() => pair(scratch));

  it('add and del an IPv4 address', () => {
    const add = chainmail(['koro', 'netns', a, 'address', 'add', '10.31.0.1/24', 'dev', 'k1']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/added 10\.31\.0\.1\/24/);
    expect(addressesOf(a, 'k1')).toEqual(['10.30.0.1/24', '10.31.0.1/24', 'fd00:30::1/64']);
    // the kernel adds the connected route with it
    expect(find4(a, '10.31.0.0/24')).toMatchObject({ dev: 'k1' });

    const del = chainmail(['koro', 'netns', a, 'address', 'del', '10.31.0.1/24', 'dev', 'k1']);
    expect(del.code, del.stderr).toBe(0);
    expect(addressesOf(a, 'k1')).toEqual(['10.30.0.1/24', 'fd00:30::1/64']);
    expect(find4(a, '10.31.0.0/24')).toBeUndefined();
  });

  it('add and del an IPv6 address (usable at once)', () => {
    const add = chainmail(['koro', 'netns', a, 'address', 'add', 'fd00:31::1/64', 'dev', 'k1']);
    expect(add.code, add.stderr).toBe(0);
    expect(addressesOf(a, 'k1')).toContain('fd00:31::1/64');
    expect(chainmail(['koro', 'netns', b, 'address', 'add', 'fd00:31::2/64', 'dev', 'k2']).code).toBe(0);
    const ping = chainmail(['ping', a, 'fd00:31::2', '-c', '1']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);

    const del = chainmail(['koro', 'netns', a, 'address', 'del', 'fd00:31::1/64', 'dev', 'k1']);
    expect(del.code, del.stderr).toBe(0);
    expect(addressesOf(a, 'k1')).not.toContain('fd00:31::1/64');
  });

  it('ipnetns keyword and a bare name work as targets', () => {
    expect(chainmail(['koro', 'ipnetns', a, 'address', 'add', '10.32.0.1/24', 'dev', 'k1']).code).toBe(0);
    expect(chainmail(['koro', a, 'address', 'add', '10.33.0.1/24', 'dev', 'k1']).code).toBe(0);
    expect(addressesOf(a, 'k1')).toEqual(expect.arrayContaining(['10.32.0.1/24', '10.33.0.1/24']));
  });

  it('address show (text, dev filter, --json)', () => {
    const text = chainmail(['koro', 'netns', a, 'address', 'show']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/k1\s+veth\s+UP\s+1500\s+.*10\.30\.0\.1\/24/);
    expect(text.stdout).toMatch(/fd00:30::1\/64/);

    const dev = chainmail(['koro', 'netns', a, 'address', 'show', 'dev', 'k1']);
    expect(dev.code, dev.stderr).toBe(0);
    expect(dev.stdout).toContain('k1');
    expect(dev.stdout).not.toMatch(/^lo\s/m);

    const json = chainmail(['koro', 'netns', a, 'address', 'show', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as {
      target: string;
      interfaces: Array<{ name: string; kind: string; addresses: Array<{ address: string; prefix: number; family: number }> }>;
    };
    expect(out.target).toBe(a);
    const k1 = out.interfaces.find((i) => i.name === 'k1')!;
    expect(k1.kind).toBe('veth');
    expect(k1.addresses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ family: 4, address: '10.30.0.1', prefix: 24 }),
        expect.objectContaining({ family: 6, address: 'fd00:30::1', prefix: 64 }),
      ]),
    );

    const missing = chainmail(['koro', 'netns', a, 'address', 'show', 'dev', 'nosuch0']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no interface "nosuch0"/);
  });
});

describe.skipIf(!isRoot)('koro route', () => {
  beforeEach(() => pair(scratch));

  it('default via GW dev IF: added, shown, deleted', () => {
    const add = chainmail(['koro', 'netns', a, 'route', 'add', 'default', 'via', '10.30.0.2', 'dev', 'k1']);
    expect(add.code, add.stderr).toBe(0);
    expect(find4(a, 'default')).toMatchObject({ gateway: '10.30.0.2', dev: 'k1' });

    const del = chainmail(['koro', 'netns', a, 'route', 'del', 'default', 'via', '10.30.0.2', 'dev', 'k1']);
    expect(del.code, del.stderr).toBe(0);
    expect(find4(a, 'default')).toBeUndefined();
  });

  it('prefix via GW (the kernel picks the device)', () => {
    const add = chainmail(['koro', 'netns', a, 'route', 'add', '10.40.0.0/16', 'via', '10.30.0.2']);
    expect(add.code, add.stderr).toBe(0);
    expect(find4(a, '10.40.0.0/16')).toMatchObject({ gateway: '10.30.0.2', dev: 'k1' });
    expect(chainmail(['koro', 'netns', a, 'route', 'del', '10.40.0.0/16', 'via', '10.30.0.2']).code).toBe(0);
    expect(find4(a, '10.40.0.0/16')).toBeUndefined();
  });

  it('dev-only route (on-link, no gateway)', () => {
    const add = chainmail(['koro', 'netns', a, 'route', 'add', '10.41.0.0/16', 'dev', 'k1']);
    expect(add.code, add.stderr).toBe(0);
    const r = find4(a, '10.41.0.0/16');
    expect(r).toMatchObject({ dev: 'k1' });
    expect(r!.gateway).toBeUndefined();
    expect(chainmail(['koro', 'netns', a, 'route', 'del', '10.41.0.0/16', 'dev', 'k1']).code).toBe(0);
    expect(find4(a, '10.41.0.0/16')).toBeUndefined();
  });

  it('a bare address is a host route (/32)', () => {
    expect(chainmail(['koro', 'netns', a, 'route', 'add', '10.42.1.1', 'via', '10.30.0.2']).code).toBe(0);
    expect(find4(a, '10.42.1.1')).toMatchObject({ gateway: '10.30.0.2' });
  });

  it('IPv6 prefix via GW, and IPv6 default via GW dev IF', () => {
    const add = chainmail(['koro', 'netns', a, 'route', 'add', 'fd00:40::/64', 'via', 'fd00:30::2']);
    expect(add.code, add.stderr).toBe(0);
    expect(find6(a, 'fd00:40::/64')).toMatchObject({ gateway: 'fd00:30::2', dev: 'k1' });

    const def = chainmail(['koro', 'netns', a, 'route', 'add', 'default', 'via', 'fd00:30::2', 'dev', 'k1']);
    expect(def.code, def.stderr).toBe(0);
    expect(find6(a, 'default')).toMatchObject({ gateway: 'fd00:30::2', dev: 'k1' });
    // the IPv4 table did not get it
    expect(find4(a, 'default')).toBeUndefined();

    expect(chainmail(['koro', 'netns', a, 'route', 'del', 'fd00:40::/64', 'via', 'fd00:30::2']).code).toBe(0);
    expect(chainmail(['koro', 'netns', a, 'route', 'del', 'default', 'via', 'fd00:30::2', 'dev', 'k1']).code).toBe(0);
    expect(find6(a, 'fd00:40::/64')).toBeUndefined();
    expect(find6(a, 'default')).toBeUndefined();
  });

  it('a route really carries traffic: a loopback address behind b is reached from a', () => {
    // 10.43.0.1 lives on b's loopback; a needs a route to it, b answers via the connected net
    const onLo = chainmail(['koro', 'netns', b, 'address', 'add', '10.43.0.1/32', 'dev', 'lo']);
    expect(onLo.code, onLo.stderr).toBe(0);
    expect(chainmail(['ping', a, '10.43.0.1', '-c', '1']).code).toBe(1);
    expect(chainmail(['koro', 'netns', a, 'route', 'add', '10.43.0.0/24', 'via', '10.30.0.2', 'dev', 'k1']).code).toBe(0);
    const ping = chainmail(['ping', a, '10.43.0.1', '-c', '2']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
  });

  it('route show --json lists both families as the kernel has them', () => {
    expect(chainmail(['koro', 'netns', a, 'route', 'add', '10.44.0.0/16', 'via', '10.30.0.2']).code).toBe(0);
    const r = chainmail(['koro', 'netns', a, 'route', 'show', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { target: string; routes: Array<{ family: number; dst: string; gateway?: string; dev?: string }> };
    expect(out.target).toBe(a);
    expect(out.routes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ family: 4, dst: '10.30.0.0/24', dev: 'k1' }),
        expect.objectContaining({ family: 4, dst: '10.44.0.0/16', gateway: '10.30.0.2', dev: 'k1' }),
        expect.objectContaining({ family: 6, dst: 'fd00:30::/64', dev: 'k1' }),
      ]),
    );
    // the same routes the kernel reports, no more and no fewer
    expect(
      out.routes
        .filter((x) => x.family === 4)
        .map((x) => x.dst)
        .sort(),
    ).toEqual(
      routes(a, 4)
        .map((x) => x.dst)
        .sort(),
    );
    expect(
      out.routes
        .filter((x) => x.family === 6)
        .map((x) => x.dst)
        .sort(),
    ).toEqual(
      routes(a, 6)
        .map((x) => x.dst)
        .sort(),
    );

    const text = chainmail(['koro', 'netns', a, 'route', 'show']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/10\.44\.0\.0\/16\s+10\.30\.0\.2\s+k1/);
  });
});

describe.skipIf(!isRoot)('koro: kernel refusals are clear, non-zero and change nothing', () => {
  // refusals change nothing (each test checks that), so one pair serves them all
  const shared = new Scratch();
  beforeAll(() => pair(shared));
  afterAll(() => shared.cleanup());

  /** Runs a koro command expected to fail; returns the first stderr line. */
  function refused(args: string[]): string {
    const before = stableSnapshot([a, b]);
    const r = chainmail(['koro', 'netns', a, ...args]);
    expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(1);
    expect(r.stdout).toBe('');
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(/^chainmail: failed to /);
    expect(first).toMatch(/nothing was changed$/);
    expect(stableSnapshot([a, b]), args.join(' ')).toEqual(before);
    return first;
  }

  it('an address already present', () => {
    const line = refused(['address', 'add', '10.30.0.1/24', 'dev', 'k1']);
    expect(line).toContain('10.30.0.1/24');
    expect(line).toMatch(/already/i);
  });

  it('an IPv6 address already present', () => {
    const line = refused(['address', 'add', 'fd00:30::1/64', 'dev', 'k1']);
    expect(line).toContain('fd00:30::1/64');
    expect(line).toMatch(/already|exists/i);
  });

  it('deleting an absent address', () => {
    const line = refused(['address', 'del', '10.99.0.1/24', 'dev', 'k1']);
    expect(line).toContain('10.99.0.1/24');
    expect(line).toMatch(/not (on|found)/i);
  });

  it('a route via an unreachable gateway', () => {
    const line = refused(['route', 'add', '10.50.0.0/16', 'via', '10.77.0.1']);
    expect(line).toContain('10.77.0.1');
    expect(line).toMatch(/not reachable/);
  });

  it('deleting an absent route', () => {
    const line = refused(['route', 'del', '10.51.0.0/16', 'via', '10.30.0.2']);
    expect(line).toMatch(/no route 10\.51\.0\.0\/16/);
  });

  it('a route that already exists', () => {
    expect(chainmail(['koro', 'netns', a, 'route', 'add', '10.52.0.0/16', 'via', '10.30.0.2']).code).toBe(0);
    const line = refused(['route', 'add', '10.52.0.0/16', 'via', '10.30.0.2']);
    expect(line).toMatch(/already exists/);
  });

  it('an interface that does not exist (address add, IPv6 address add, address del, route add)', () => {
    for (const args of [
      ['address', 'add', '10.53.0.1/24', 'dev', 'nosuch0'],
      ['address', 'add', 'fd00:53::1/64', 'dev', 'nosuch0'],
      ['address', 'del', '10.30.0.1/24', 'dev', 'nosuch0'],
      ['route', 'add', '10.54.0.0/16', 'dev', 'nosuch0'],
    ]) {
      const line = refused(args);
      expect(line, args.join(' ')).toMatch(/no interface "nosuch0"/);
    }
  });
});

describe.skipIf(!isRoot)('koro: all or nothing', () => {
  beforeEach(() => pair(scratch));

  it('an IPv6 address add that fails after IPv6 was enabled leaves IPv6 as it was (disabled)', () => {
    // IPv6 switched off on k1 by hand; koro first switches it on, then adds the address
    const off = inNetns(a, ['sysctl', '-q', '-w', 'net.ipv6.conf.k1.disable_ipv6=1']);
    expect(off.code, off.stderr).toBe(0);
    const before = stableSnapshot([a, b]);
    const r = chainmail(['koro', 'netns', a, 'address', 'add', 'fd00:60::1/64', 'dev', 'k1'], { CHAINMAIL_FAIL_AT_STEP: '1' });
    expect(r.code).toBe(1);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(/failed to add address fd00:60::1\/64/);
    // it says the earlier change was undone: then IPv6 must be off again
    expect(inNetns(a, ['sysctl', '-n', 'net.ipv6.conf.k1.disable_ipv6']).stdout.trim(), first).toBe('1');
    expect(stableSnapshot([a, b])).toEqual(before);
  });

  it('an IPv4 route or address change failing at its one step changes nothing', () => {
    for (const args of [
      ['route', 'add', 'default', 'via', '10.30.0.2', 'dev', 'k1'],
      ['address', 'add', '10.61.0.1/24', 'dev', 'k1'],
    ]) {
      const before = stableSnapshot([a, b]);
      const r = chainmail(['koro', 'netns', a, ...args], { CHAINMAIL_FAIL_AT_STEP: '0' });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/injected failure.*nothing was changed/);
      expect(stableSnapshot([a, b]), args.join(' ')).toEqual(before);
    }
  });
});
