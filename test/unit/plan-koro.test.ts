import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/net/executor.js';
import { parseKoro, type KoroCommand } from '../../src/parse/koro.js';
import { planKoroChange } from '../../src/plan/koro.js';
import type { Namespace } from '../../src/targets/namespace.js';
import { clientNs, hostNs, redNs, words } from './helpers.js';

type KoroChange = Extract<KoroCommand, { action: 'add' | 'del' }>;

const NSENTER = ['nsenter', '--net=/proc/4121/ns/net', '--'];

function change(line: string): KoroChange {
  const cmd = parseKoro(words(line));
  if (cmd.action === 'show') throw new Error('expected add or del');
  return cmd;
}

const plan = (line: string, ns: Namespace, ipv6Disabled = false) => planKoroChange(change(line), ns, ipv6Disabled);
const shape = (steps: readonly Step[]) => steps.map(({ describe, argv, undo }) => ({ describe, argv, ...(undo ? { undo } : {}) }));
const explain = (step: Step, stderr: string): string | undefined => step.explain?.find(([re]) => re.test(stderr))?.[1];

describe('planKoroChange: addresses', () => {
  it('add IPv4 in a container', () => {
    const p = plan('docker client address add 10.0.1.1/24 dev link1', clientNs);
    expect(shape(p.steps)).toEqual([{ describe: 'add address 10.0.1.1/24 to link1 in client', argv: [...NSENTER, 'ip', 'addr', 'add', '10.0.1.1/24', 'dev', 'link1'] }]);
    expect(p.summary).toBe('added 10.0.1.1/24 on client:link1');
  });

  it('del IPv4 in a named netns', () => {
    const p = plan('netns red address del 10.0.1.1/24 dev link1', redNs);
    expect(shape(p.steps)).toEqual([
      { describe: 'delete address 10.0.1.1/24 from link1 in red', argv: ['ip', '-n', 'red', 'addr', 'del', '10.0.1.1/24', 'dev', 'link1'] },
    ]);
    expect(p.summary).toBe('deleted 10.0.1.1/24 from red:link1');
  });

  it('add IPv6 where IPv6 is off: enable it first (undo turns it off again), then add with nodad', () => {
    const p = plan('docker client address add 2001:DB8::1/64 dev link1', clientNs, true);
    expect(shape(p.steps)).toEqual([
      {
        describe: 'enable IPv6 on link1 in client',
        argv: [...NSENTER, 'sysctl', '-q', '-w', 'net/ipv6/conf/link1/disable_ipv6=0'],
        undo: [...NSENTER, 'sysctl', '-q', '-w', 'net/ipv6/conf/link1/disable_ipv6=1'],
      },
      { describe: 'add address 2001:db8::1/64 to link1 in client', argv: [...NSENTER, 'ip', 'addr', 'add', '2001:db8::1/64', 'dev', 'link1', 'nodad'] },
    ]);
    expect(p.summary).toBe('added 2001:db8::1/64 on client:link1');
  });

  it('add IPv6 where IPv6 is already on: only the address', () => {
    const p = plan('docker client address add 2001:db8::1/64 dev link1', clientNs, false);
    expect(p.steps.map((s) => s.argv)).toEqual([[...NSENTER, 'ip', 'addr', 'add', '2001:db8::1/64', 'dev', 'link1', 'nodad']]);
  });

  it('add IPv6 in the host: sysctl without nsenter', () => {
    const p = plan('address add 2001:db8::1/64 dev eth0', hostNs, true);
    expect(p.steps.map((s) => s.argv)).toEqual([
      ['sysctl', '-q', '-w', 'net/ipv6/conf/eth0/disable_ipv6=0'],
      ['ip', 'addr', 'add', '2001:db8::1/64', 'dev', 'eth0', 'nodad'],
    ]);
  });

  it('del IPv6: no sysctl, no nodad', () => {
    const p = plan('docker client address del 2001:db8::1/64 dev link1', clientNs);
    expect(shape(p.steps)).toEqual([
      { describe: 'delete address 2001:db8::1/64 from link1 in client', argv: [...NSENTER, 'ip', 'addr', 'del', '2001:db8::1/64', 'dev', 'link1'] },
    ]);
  });

  // sysctl(8) reads a key that starts with "/"-separators as a path as is:
  // net/ipv6/conf/eth0.100/disable_ipv6 is /proc/sys/net/ipv6/conf/eth0.100/...
  // Turning the dot into a slash points at .../conf/eth0/100/..., which does
  // not exist, so IPv6 on a vlan-style name (eth0.100) always fails.
  it('add IPv6 on an interface with a dot in its name keeps the dot in the sysctl path', () => {
    const p = plan('docker client address add 2001:db8::1/64 dev eth0.100', clientNs, true);
    expect(p.steps[0]!.argv).toEqual([...NSENTER, 'sysctl', '-q', '-w', 'net/ipv6/conf/eth0.100/disable_ipv6=0']);
  });

  it('kernel refusals are explained in words', () => {
    const add = plan('docker client address add 10.0.1.1/24 dev link1', clientNs).steps[0]!;
    expect(explain(add, 'RTNETLINK answers: File exists')).toBe('10.0.1.1/24 is already on link1');
    expect(explain(add, 'Cannot find device "link1"')).toBe('there is no interface "link1" in client');
    const del = plan('docker client address del 10.0.1.1/24 dev link1', clientNs).steps[0]!;
    expect(explain(del, 'RTNETLINK answers: Cannot assign requested address')).toBe('10.0.1.1/24 is not on link1');
    const sysctl = plan('docker client address add 2001:db8::1/64 dev link9', clientNs, true).steps[0]!;
    expect(explain(sysctl, 'sysctl: cannot stat /proc/sys/net/ipv6/conf/link9/disable_ipv6: No such file or directory')).toBe('there is no interface "link9" in client');
  });

  it('address changes have no undo (a single step)', () => {
    expect(plan('docker client address add 10.0.1.1/24 dev link1', clientNs).steps.every((s) => s.undo === undefined)).toBe(true);
  });
});

describe('planKoroChange: routes', () => {
  it('add with via only', () => {
    const p = plan('docker firewall route add 10.0.3.0/24 via 10.0.2.2', clientNs);
    expect(shape(p.steps)).toEqual([
      { describe: 'add route 10.0.3.0/24 via 10.0.2.2 in client', argv: [...NSENTER, 'ip', '-4', 'route', 'add', '10.0.3.0/24', 'via', '10.0.2.2'] },
    ]);
    expect(p.summary).toBe('added route 10.0.3.0/24 via 10.0.2.2 in client');
  });

  it('add with dev only', () => {
    const p = plan('netns red route add 10.0.3.0/24 dev link3', redNs);
    expect(shape(p.steps)).toEqual([
      { describe: 'add route 10.0.3.0/24 dev link3 in red', argv: ['ip', '-n', 'red', '-4', 'route', 'add', '10.0.3.0/24', 'dev', 'link3'] },
    ]);
  });

  it('add with both (via first, as iproute2 prints it, whatever order was typed)', () => {
    const expected = [...NSENTER, 'ip', '-4', 'route', 'add', '10.0.3.0/24', 'via', '10.0.2.2', 'dev', 'link3'];
    expect(plan('docker firewall route add 10.0.3.0/24 via 10.0.2.2 dev link3', clientNs).steps[0]!.argv).toEqual(expected);
    expect(plan('docker firewall route add 10.0.3.0/24 dev link3 via 10.0.2.2', clientNs).steps[0]!.argv).toEqual(expected);
  });

  it('default IPv4 (the seed story)', () => {
    const p = plan('docker client route add default via 10.0.1.2 dev link1', clientNs);
    expect(shape(p.steps)).toEqual([
      { describe: 'add route default via 10.0.1.2 dev link1 in client', argv: [...NSENTER, 'ip', '-4', 'route', 'add', 'default', 'via', '10.0.1.2', 'dev', 'link1'] },
    ]);
    expect(p.summary).toBe('added route default via 10.0.1.2 dev link1 in client');
  });

  it('default IPv6, from the gateway or from ::/0', () => {
    expect(plan('netns red route add default via 2001:db8::1', redNs).steps[0]!.argv).toEqual(['ip', '-n', 'red', '-6', 'route', 'add', 'default', 'via', '2001:db8::1']);
    expect(plan('netns red route add ::/0 dev link1', redNs).steps[0]!.argv).toEqual(['ip', '-n', 'red', '-6', 'route', 'add', 'default', 'dev', 'link1']);
  });

  it('IPv6 prefix', () => {
    expect(plan('route add 2001:db8:1::/48 via 2001:db8::1 dev eth0', hostNs).steps[0]!.argv).toEqual([
      'ip',
      '-6',
      'route',
      'add',
      '2001:db8:1::/48',
      'via',
      '2001:db8::1',
      'dev',
      'eth0',
    ]);
  });

  it('del with via, with dev, default', () => {
    const p = plan('netns red route del 10.0.3.0/24 via 10.0.2.2', redNs);
    expect(shape(p.steps)).toEqual([
      { describe: 'delete route 10.0.3.0/24 via 10.0.2.2 in red', argv: ['ip', '-n', 'red', '-4', 'route', 'del', '10.0.3.0/24', 'via', '10.0.2.2'] },
    ]);
    expect(p.summary).toBe('deleted route 10.0.3.0/24 via 10.0.2.2 in red');
    expect(plan('netns red route del default dev link1', redNs).steps[0]!.argv).toEqual(['ip', '-n', 'red', '-4', 'route', 'del', 'default', 'dev', 'link1']);
  });

  it('a host route (bare address) is written with its /32', () => {
    expect(plan('docker c route add 10.0.3.7 dev link3', clientNs).steps[0]!.argv).toEqual([...NSENTER, 'ip', '-4', 'route', 'add', '10.0.3.7/32', 'dev', 'link3']);
  });

  it('kernel refusals are explained in words', () => {
    const add = plan('docker client route add default via 10.0.1.2 dev link1', clientNs).steps[0]!;
    expect(explain(add, 'RTNETLINK answers: File exists')).toBe('a route to default already exists in client (delete it first)');
    expect(explain(add, 'Error: Nexthop has invalid gateway.')).toBe('gateway 10.0.1.2 is not reachable: no interface in client has an address in its subnet');
    expect(explain(add, 'RTNETLINK answers: Network is unreachable')).toBe('gateway 10.0.1.2 is not reachable: no interface in client has an address in its subnet');
    expect(explain(add, 'Cannot find device "link1"')).toBe('there is no interface "link1" in client');
    const del = plan('netns red route del 10.0.3.0/24 via 10.0.2.2', redNs).steps[0]!;
    expect(explain(del, 'RTNETLINK answers: No such process')).toBe('there is no route 10.0.3.0/24 via 10.0.2.2 in red');
  });
});
