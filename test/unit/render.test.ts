import { explainProbeError } from '../../src/health/http-probe.js';
import { describe, expect, it } from 'vitest';
import { parseForwardRules } from '../../src/net/firewall-rules.js';
import { parsePingOutput } from '../../src/health/ping.js';
import { parseRoutesJson, type Route } from '../../src/topology/read.js';
import { renderAddresses } from '../../src/render/addresses.js';
import { describeLink, renderLs } from '../../src/render/ls.js';
import { renderRoutes } from '../../src/render/routes.js';
import { renderTable } from '../../src/render/table.js';
import type { Topology } from '../../src/topology/model.js';
import { clientNs, hostNs, iface, redNs } from './helpers.js';

describe('renderTable', () => {
  it('aligns columns with two spaces and leaves no trailing spaces', () => {
    expect(
      renderTable(
        ['a', 'bb', 'c'],
        [
          ['xxx', 'y', 'z'],
          ['p', 'qqqq', ''],
        ],
      ),
    ).toEqual(['a    bb    c', 'xxx  y     z', 'p    qqqq']);
  });

  it('works without a header', () => {
    expect(
      renderTable(undefined, [
        ['  1', '-p icmp -j DROP'],
        ['  10', '-j ACCEPT'],
      ]),
    ).toEqual(['  1   -p icmp -j DROP', '  10  -j ACCEPT']);
  });

  it('does not pad the last column, however long', () => {
    expect(
      renderTable(
        ['k', 'v'],
        [
          ['a', 'long value here'],
          ['bb', 'x'],
        ],
      ),
    ).toEqual(['k   v', 'a   long value here', 'bb  x']);
  });

  it('pads non-ASCII cells by characters', () => {
    expect(
      renderTable(undefined, [
        ['é', 'x'],
        ['ab', 'y'],
      ]),
    ).toEqual(['é   x', 'ab  y']);
  });

  it('no rows, no header: no lines', () => {
    expect(renderTable(undefined, [])).toEqual([]);
  });
});

describe('parseRoutesJson', () => {
  it('empty output means no routes', () => {
    expect(parseRoutesJson('', 4)).toEqual([]);
    expect(parseRoutesJson(' \n', 6)).toEqual([]);
  });

  it('reads what `ip -j -4 route show` prints', () => {
    const text =
      '[{"dst":"default","gateway":"10.0.1.2","dev":"link1","flags":[]},{"dst":"10.0.1.0/24","dev":"link1","protocol":"kernel","scope":"link","prefsrc":"10.0.1.1","flags":[]},{"dst":"10.0.3.0/24","gateway":"10.0.2.2","dev":"link3","flags":["onlink"]}]';
    expect(parseRoutesJson(text, 4)).toEqual<Route[]>([
      { family: 4, dst: 'default', gateway: '10.0.1.2', dev: 'link1', flags: [] },
      { family: 4, dst: '10.0.1.0/24', dev: 'link1', protocol: 'kernel', scope: 'link', prefsrc: '10.0.1.1', flags: [] },
      { family: 4, dst: '10.0.3.0/24', gateway: '10.0.2.2', dev: 'link3', flags: ['onlink'] },
    ]);
  });

  it('reads what `ip -j -6 route show` prints (metric and pref)', () => {
    const text =
      '[{"dst":"2001:db8::/64","dev":"v2","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},{"dst":"fe80::/64","dev":"v2","protocol":"kernel","metric":256,"flags":[],"pref":"medium"}]';
    expect(parseRoutesJson(text, 6)).toEqual<Route[]>([
      { family: 6, dst: '2001:db8::/64', dev: 'v2', protocol: 'kernel', metric: 256, flags: [] },
      { family: 6, dst: 'fe80::/64', dev: 'v2', protocol: 'kernel', metric: 256, flags: [] },
    ]);
  });

  it('keeps a metric of 0 and fills in missing flags', () => {
    expect(parseRoutesJson('[{"dst":"10.0.0.0/8","dev":"e","metric":0}]', 4)).toEqual([{ family: 4, dst: '10.0.0.0/8', dev: 'e', metric: 0, flags: [] }]);
  });
});

describe('renderRoutes', () => {
  it('(no routes)', () => {
    expect(renderRoutes([])).toEqual(['(no routes)']);
  });

  it('one route a line, "-" for what is absent', () => {
    expect(
      renderRoutes([
        { family: 4, dst: 'default', gateway: '10.0.1.2', dev: 'link1', flags: [] },
        { family: 4, dst: '10.0.1.0/24', dev: 'link1', protocol: 'kernel', scope: 'link', prefsrc: '10.0.1.1', flags: [] },
        { family: 6, dst: '2001:db8::/64', dev: 'v2', protocol: 'kernel', metric: 256, flags: [] },
      ]),
    ).toEqual([
      'family  destination    via       dev    proto   scope  src',
      'ipv4    default        10.0.1.2  link1  -       -      -',
      'ipv4    10.0.1.0/24    -         link1  kernel  link   10.0.1.1',
      'ipv6    2001:db8::/64  -         v2     kernel  -      -',
    ]);
  });
});

describe('renderAddresses', () => {
  it('(no interfaces)', () => {
    expect(renderAddresses([])).toEqual(['(no interfaces)']);
  });

  it('shows state (UNKNOWN but up reads as UP), mtu and every address, link-local marked', () => {
    expect(
      renderAddresses([
        iface('lo', 'loopback', { state: 'UNKNOWN', adminUp: true, mtu: 65536, addresses: [{ family: 4, address: '127.0.0.1', prefix: 8, scope: 'host' }] }),
        iface('link1', 'veth', {
          addresses: [
            { family: 4, address: '10.0.1.1', prefix: 24, scope: 'global' },
            { family: 6, address: 'fe80::1', prefix: 64, scope: 'link' },
          ],
        }),
        iface('link2', 'veth', { state: 'DOWN', adminUp: false }),
        iface('tun0', 'tun', { state: 'UNKNOWN', adminUp: false }),
      ]),
    ).toEqual([
      'interface  kind      state    mtu    addresses',
      'lo         loopback  UP       65536  127.0.0.1/8',
      'link1      veth      UP       1500   10.0.1.1/24, fe80::1/64 (link)',
      'link2      veth      DOWN     1500   -',
      'tun0       tun       UNKNOWN  1500   -',
    ]);
  });
});

describe('describeLink', () => {
  const a = { target: 'client', ifname: 'link1', addresses: [] };
  const b = { target: 'host', ifname: 'eth1', addresses: [] };

  it('each kind in one line', () => {
    expect(describeLink({ kind: 'veth', a, b: { target: 'firewall', ifname: 'link2', addresses: [] } })).toBe('veth     client:link1 <-> firewall:link2');
    expect(describeLink({ kind: 'veth', a })).toBe('veth     client:link1 <-> (peer not visible)');
    expect(describeLink({ kind: 'vxlan', a, b, vni: 42, remote: '10.1.1.1' })).toBe('vxlan    client:link1 vni 42 remote 10.1.1.1 on host:eth1');
    expect(describeLink({ kind: 'vxlan', a, vni: 42 })).toBe('vxlan    client:link1 vni 42 on ?');
    expect(describeLink({ kind: 'vxlan', a, b, vni: 42, remote: '10.1.1.1', port: 4789 })).toBe('vxlan    client:link1 vni 42 remote 10.1.1.1 port 4789 on host:eth1');
    expect(describeLink({ kind: 'vlan', a, b, vlanId: 100 })).toBe('vlan     client:link1 id 100 on host:eth1');
    expect(describeLink({ kind: 'macvlan', a, b, mode: 'bridge' })).toBe('macvlan  client:link1 mode bridge on host:eth1');
  });
});

describe('renderLs', () => {
  const topology: Topology = {
    targets: [
      { ns: hostNs, status: 'present', interfaces: [iface('lo', 'loopback'), iface('eth0'), iface('eth1'), iface('link9', 'veth')] },
      {
        ns: clientNs,
        status: 'running',
        interfaces: [
          iface('lo', 'loopback', { state: 'UNKNOWN' }),
          iface('link1', 'veth', {
            addresses: [
              { family: 4, address: '10.0.1.1', prefix: 24, scope: 'global' },
              { family: 6, address: 'fe80::1', prefix: 64, scope: 'link' },
            ],
          }),
          iface('link7', 'veth', { state: 'UNKNOWN', adminUp: true }),
        ],
      },
      { ns: redNs, status: 'present', interfaces: [iface('lo', 'loopback')] },
      { ns: { kind: 'docker', label: 'gone', path: '/proc/99/ns/net', pid: 99 }, status: 'running', interfaces: [], error: 'namespace went away' },
    ],
    links: [
      { kind: 'veth', a: { target: 'client', ifname: 'link1', addresses: ['10.0.1.1/24'] }, b: { target: 'host', ifname: 'link9', addresses: [] } },
      { kind: 'veth', a: { target: 'client', ifname: 'link7', addresses: [] } },
    ],
    warnings: ['the Docker engine did not answer'],
  };

  it('targets with their interfaces (host summarized), then links, then warnings (an unreadable target last)', () => {
    expect(renderLs(topology)).toEqual([
      'target   kind    state       process   addresses',
      'host     host    present               3 interfaces (lo not counted)',
      'client   docker  running     pid 4121',
      '  link1  veth    UP                    10.0.1.1/24',
      '  link7  veth    UP                    -',
      'red      netns   present               -',
      'gone     docker  unreadable  pid 99    -',
      '',
      'links (2):',
      '  veth     client:link1 <-> host:link9',
      '  veth     client:link7 <-> (peer not visible)',
      '',
      'warning: the Docker engine did not answer',
      '',
      'warning: gone: namespace went away',
    ]);
  });

  it('includeHostInterfaces lists the host interfaces like any other target', () => {
    const lines = renderLs(topology, { includeHostInterfaces: true });
    expect(lines.slice(0, 5)).toEqual([
      'target   kind    state       process   addresses',
      'host     host    present',
      '  eth0   device  UP                    -',
      '  eth1   device  UP                    -',
      '  link9  veth    UP                    -',
    ]);
  });

  it('no targets, no links', () => {
    expect(renderLs({ targets: [], links: [], warnings: [] })).toEqual(['target  kind  state  process  addresses', '', 'links (0):', '  (none)']);
  });
});

describe('parseForwardRules', () => {
  it('reads the policy and numbers the FORWARD rules from 1, ignoring other chains and warnings', () => {
    const text = [
      '# Warning: iptables-legacy tables present, use iptables-legacy to see them',
      '-P FORWARD DROP',
      '-A FORWARD -j DOCKER-USER',
      '-A FORWARD -p icmp -j DROP',
      '-A DOCKER-USER -j RETURN',
      '-A FORWARD -i link2 -o link3 -p tcp -m tcp --dport 80 -j ACCEPT ',
      '',
    ].join('\n');
    expect(parseForwardRules(text)).toEqual({
      policy: 'DROP',
      rules: [
        { number: 1, rule: '-j DOCKER-USER' },
        { number: 2, rule: '-p icmp -j DROP' },
        { number: 3, rule: '-i link2 -o link3 -p tcp -m tcp --dport 80 -j ACCEPT' },
      ],
    });
  });

  it('an empty chain: policy ACCEPT, no rules', () => {
    expect(parseForwardRules('-P FORWARD ACCEPT\n')).toEqual({ policy: 'ACCEPT', rules: [] });
  });

  it('no output at all is read as ACCEPT with no rules', () => {
    expect(parseForwardRules('')).toEqual({ policy: 'ACCEPT', rules: [] });
  });
});

describe('parsePingOutput', () => {
  it('iputils, all replies', () => {
    const out = [
      'PING 10.0.3.2 (10.0.3.2) 56(84) bytes of data.',
      '64 bytes from 10.0.3.2: icmp_seq=1 ttl=63 time=0.214 ms',
      '64 bytes from 10.0.3.2: icmp_seq=2 ttl=63 time=0.057 ms',
      '',
      '--- 10.0.3.2 ping statistics ---',
      '2 packets transmitted, 2 received, 0% packet loss, time 204ms',
      'rtt min/avg/max/mdev = 0.057/0.135/0.214/0.078 ms',
    ].join('\n');
    expect(parsePingOutput('10.0.3.2', out)).toEqual({ address: '10.0.3.2', sent: 2, received: 2, lossPct: 0, avgMs: 0.135 });
  });

  it('iputils, no replies (no rtt line)', () => {
    const out = [
      'PING 10.0.3.2 (10.0.3.2) 56(84) bytes of data.',
      'From 10.0.1.1 icmp_seq=1 Destination Host Unreachable',
      '',
      '--- 10.0.3.2 ping statistics ---',
      '3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2030ms',
    ].join('\n');
    expect(parsePingOutput('10.0.3.2', out)).toEqual({
      address: '10.0.3.2',
      sent: 3,
      received: 0,
      lossPct: 100,
      icmpError: '10.0.1.1: Destination Host Unreachable',
    });
  });

  it('partial loss is rounded to a whole percent', () => {
    const out = '--- x ping statistics ---\n3 packets transmitted, 2 received, 33% packet loss, time 402ms\nrtt min/avg/max/mdev = 0.050/0.070/0.090/0.016 ms\n';
    expect(parsePingOutput('10.0.3.2', out)).toEqual({ address: '10.0.3.2', sent: 3, received: 2, lossPct: 33, avgMs: 0.07 });
  });

  it('busybox ping ("packets received", "round-trip")', () => {
    const out = [
      'PING 10.0.3.2 (10.0.3.2): 56 data bytes',
      '64 bytes from 10.0.3.2: seq=0 ttl=64 time=0.087 ms',
      '',
      '--- 10.0.3.2 ping statistics ---',
      '3 packets transmitted, 3 packets received, 0% packet loss',
      'round-trip min/avg/max = 0.058/0.070/0.087 ms',
    ].join('\n');
    expect(parsePingOutput('10.0.3.2', out)).toEqual({ address: '10.0.3.2', sent: 3, received: 3, lossPct: 0, avgMs: 0.07 });
  });

  it('no summary at all (ping could not start): nothing sent, 100% loss', () => {
    expect(parsePingOutput('10.0.3.2', '')).toEqual({ address: '10.0.3.2', sent: 0, received: 0, lossPct: 100 });
  });

  it('IPv6 output', () => {
    const out = '--- 2001:db8::2 ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.040/0.040/0.040/0.000 ms\n';
    expect(parsePingOutput('2001:db8::2', out)).toEqual({ address: '2001:db8::2', sent: 1, received: 1, lossPct: 0, avgMs: 0.04 });
  });
});

describe('explainProbeError', () => {
  it.each([
    ['ENETUNREACH: connect ENETUNREACH 10.0.3.2:80 - Local (0.0.0.0:0)', 'network unreachable: no route to 10.0.3.2'],
    ['ECONNREFUSED: connect ECONNREFUSED 10.0.3.2:81', 'connection refused: nothing listens on 10.0.3.2:80'],
    ['EHOSTUNREACH: connect EHOSTUNREACH 10.0.3.2:80', 'host unreachable: nothing answers for 10.0.3.2 on the link'],
    ['no answer within 2000 ms', 'no answer within 2000 ms'],
  ])('%s -> %s', (raw, words) => {
    expect(explainProbeError(raw, 'http://10.0.3.2/')).toBe(words);
  });
});
