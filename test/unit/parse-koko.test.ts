/**
 * parseKoko on every form koko's command line takes (veth, vxlan, vlan,
 * macvlan, delete; each target kind; IPv4 and IPv6), and on its mistakes,
 * each asserting the one-line message that names the bad token. Long
 * because the grammar is: one describe per form keeps a form's cases together.
 */
import { describe, expect, it } from 'vitest';
import { KOKO_USAGE, MACVLAN_MODES, parseKoko, sameTarget, type KokoCommand } from '../../src/parse/koko.js';
import { docker, end, expectUsageError, host, netns, nspath, pid, usageErrorOf, v4, v6, words } from './helpers.js';

const parse = (line: string): KokoCommand => parseKoko(words(line));

describe('parseKoko: every example of koko README (comma syntax)', () => {
  const examples: Array<[string, KokoCommand]> = [
    // "connect between docker containers with IPv4 address"
    [
      '-d centos1,link1,192.168.1.1/24 -d centos2,link2,192.168.1.2/24',
      {
        verb: 'koko',
        action: 'veth',
        json: false,
        ends: [end(docker('centos1'), 'link1', [v4('192.168.1.1', 24)]), end(docker('centos2'), 'link2', [v4('192.168.1.2', 24)])],
      },
    ],
    // "with IPv6 address": addresses are kept lowercased, as iproute2 prints them
    [
      '-d centos1,link1,2001:DB8::1/64 -d centos2,link2,2001:DB8::2/64',
      {
        verb: 'koko',
        action: 'veth',
        json: false,
        ends: [end(docker('centos1'), 'link1', [v6('2001:db8::1', 64)]), end(docker('centos2'), 'link2', [v6('2001:db8::2', 64)])],
      },
    ],
    // "with IPv4/IPv6 address"
    [
      '-d centos1,link1,192.168.1.1/24,2001:DB8::1/64 -d centos2,link2,192.168.1.2/24,2001:DB8::2/64',
      {
        verb: 'koko',
        action: 'veth',
        json: false,
        ends: [
          end(docker('centos1'), 'link1', [v4('192.168.1.1', 24), v6('2001:db8::1', 64)]),
          end(docker('centos2'), 'link2', [v4('192.168.1.2', 24), v6('2001:db8::2', 64)]),
        ],
      },
    ],
    // "connect between netns namespaces"
    [
      '-n testns1,link1,192.168.1.1/24 -n testns2,link2,192.168.1.2/24',
      {
        verb: 'koko',
        action: 'veth',
        json: false,
        ends: [end(netns('testns1'), 'link1', [v4('192.168.1.1', 24)]), end(netns('testns2'), 'link2', [v4('192.168.1.2', 24)])],
      },
    ],
    // "connect between docker container and netns namespace"
    [
      '-d centos1,link1,192.168.1.1/24 -n testns2,link2,192.168.1.2/24',
      {
        verb: 'koko',
        action: 'veth',
        json: false,
        ends: [end(docker('centos1'), 'link1', [v4('192.168.1.1', 24)]), end(netns('testns2'), 'link2', [v4('192.168.1.2', 24)])],
      },
    ],
    // "create vxlan interface and put it into docker container"
    [
      '-d centos1,link1,192.168.1.1/24 -x eth1,10.1.1.1,1',
      {
        verb: 'koko',
        action: 'vxlan',
        json: false,
        end: end(docker('centos1'), 'link1', [v4('192.168.1.1', 24)]),
        parent: 'eth1',
        remote: '10.1.1.1',
        vni: 1,
      },
    ],
  ];

  it.each(examples)('koko %s', (line, expected) => {
    expect(parse(line)).toEqual(expected);
  });
});

describe('parseKoko: the examples of koko -h and of its source comments', () => {
  const examples: Array<[string, KokoCommand]> = [
    [
      '-d centos1,link1 -d centos2,link2',
      {
        verb: 'koko',
        action: 'veth',
        json: false,
        ends: [end(docker('centos1'), 'link1'), end(docker('centos2'), 'link2')],
      },
    ],
    // -c: the current (host) namespace
    [
      '-d centos1,link1 -c link2',
      {
        verb: 'koko',
        action: 'veth',
        json: false,
        ends: [end(docker('centos1'), 'link1'), end(host, 'link2')],
      },
    ],
    // -n with a path instead of a name
    [
      '-n /var/run/netns/test1,link1,192.168.1.1/24 -n test2,link2',
      {
        verb: 'koko',
        action: 'veth',
        json: false,
        ends: [end(nspath('/var/run/netns/test1'), 'link1', [v4('192.168.1.1', 24)]), end(netns('test2'), 'link2')],
      },
    ],
    ['-D centos1,link1', { verb: 'koko', action: 'delete', target: docker('centos1'), ifname: 'link1', json: false }],
    ['-N /var/run/netns/test1,link1', { verb: 'koko', action: 'delete', target: nspath('/var/run/netns/test1'), ifname: 'link1', json: false }],
    ['-N testns1,link1', { verb: 'koko', action: 'delete', target: netns('testns1'), ifname: 'link1', json: false }],
    ['-P 1234,link1', { verb: 'koko', action: 'delete', target: pid(1234), ifname: 'link1', json: false }],
    ['-A /foo/bar,link1', { verb: 'koko', action: 'delete', target: nspath('/foo/bar'), ifname: 'link1', json: false }],
    ['-C link1', { verb: 'koko', action: 'delete', target: host, ifname: 'link1', json: false }],
    // the same interface name is fine in two different namespaces
    [
      '-p 1234,link1,192.168.1.1/24 -p 5678,link1,192.168.1.2/24',
      {
        verb: 'koko',
        action: 'veth',
        json: false,
        ends: [end(pid(1234), 'link1', [v4('192.168.1.1', 24)]), end(pid(5678), 'link1', [v4('192.168.1.2', 24)])],
      },
    ],
    [
      '-a /foo/bar,link1,192.168.1.1/24 -c link2',
      {
        verb: 'koko',
        action: 'veth',
        json: false,
        ends: [end(nspath('/foo/bar'), 'link1', [v4('192.168.1.1', 24)]), end(host, 'link2')],
      },
    ],
  ];

  it.each(examples)('koko %s', (line, expected) => {
    expect(parse(line)).toEqual(expected);
  });
});

describe('parseKoko: vlan, macvlan, vxlan options, mirrors, --mtu', () => {
  it('-V PARENT,VLANID makes a vlan', () => {
    expect(parse('-d centos1,link1,192.168.1.1/24 -V eth1,100')).toEqual({
      verb: 'koko',
      action: 'vlan',
      json: false,
      end: end(docker('centos1'), 'link1', [v4('192.168.1.1', 24)]),
      parent: 'eth1',
      vlanId: 100,
    });
  });

  it('-V accepts the VLAN ids 1 and 4094', () => {
    expect(parse('-n red,v1 -V eth1,1')).toMatchObject({ action: 'vlan', vlanId: 1 });
    expect(parse('-n red,v1 -V eth1,4094')).toMatchObject({ action: 'vlan', vlanId: 4094 });
  });

  it('-M PARENT,MODE makes a macvlan', () => {
    expect(parse('-d centos1,link1 -M eth1,bridge')).toEqual({
      verb: 'koko',
      action: 'macvlan',
      json: false,
      end: end(docker('centos1'), 'link1'),
      parent: 'eth1',
      mode: 'bridge',
    });
  });

  it.each(MACVLAN_MODES.map((m) => [m]))('-M accepts mode %s', (mode) => {
    expect(parse(`-c mv0 -M eth1,${mode}`)).toEqual({
      verb: 'koko',
      action: 'macvlan',
      json: false,
      end: end(host, 'mv0'),
      parent: 'eth1',
      mode,
    });
  });

  it('-M reads the mode case-insensitively and stores it lowercased', () => {
    expect(parse('-c mv0 -M eth1,BRIDGE')).toMatchObject({ mode: 'bridge' });
  });

  it('-x takes port= and mtu= options', () => {
    expect(parse('-d centos1,link1 -x eth1,10.1.1.1,1,port=4789,mtu=1400')).toEqual({
      verb: 'koko',
      action: 'vxlan',
      json: false,
      end: end(docker('centos1'), 'link1'),
      parent: 'eth1',
      remote: '10.1.1.1',
      vni: 1,
      port: 4789,
      mtu: 1400,
    });
  });

  it('-x options may come in either order', () => {
    expect(parse('-c vx0 -x eth1,10.1.1.1,7,mtu=1400,port=4789')).toMatchObject({ port: 4789, mtu: 1400, vni: 7 });
  });

  it('-X (the README spelling) is the same as -x', () => {
    expect(parse('-d centos1,link1 -X eth1,10.1.1.1,1')).toEqual(parse('-d centos1,link1 -x eth1,10.1.1.1,1'));
  });

  it('-x takes an IPv6 remote, lowercased', () => {
    expect(parse('-c vx0 -x eth1,2001:DB8::9,5000')).toMatchObject({ remote: '2001:db8::9', vni: 5000 });
  });

  it('-x accepts VNI 0 and 16777215', () => {
    expect(parse('-c vx0 -x eth1,10.1.1.1,0')).toMatchObject({ vni: 0 });
    expect(parse('-c vx0 -x eth1,10.1.1.1,16777215')).toMatchObject({ vni: 16777215 });
  });

  it('--mtu N sets the MTU of a veth', () => {
    expect(parse('-d a,l1 -d b,l2 --mtu 9000')).toEqual({
      verb: 'koko',
      action: 'veth',
      json: false,
      mtu: 9000,
      ends: [end(docker('a'), 'l1'), end(docker('b'), 'l2')],
    });
  });

  it('--mtu=N and --mtu before the endpoints work too', () => {
    expect(parse('--mtu=9000 -d a,l1 -d b,l2')).toMatchObject({ mtu: 9000 });
    expect(parse('--mtu 68 -d a,l1 -d b,l2')).toMatchObject({ mtu: 68 });
    expect(parse('--mtu 65535 -d a,l1 -d b,l2')).toMatchObject({ mtu: 65535 });
  });

  it('--mtu applies to vlan and macvlan, and to vxlan when mtu= is absent', () => {
    expect(parse('-c v1 -V eth1,100 --mtu 1400')).toMatchObject({ action: 'vlan', mtu: 1400 });
    expect(parse('-c v1 -M eth1,vepa --mtu 1400')).toMatchObject({ action: 'macvlan', mtu: 1400 });
    expect(parse('-c v1 -x eth1,10.1.1.1,1 --mtu 1400')).toMatchObject({ action: 'vxlan', mtu: 1400 });
  });

  it('mirror:ingress:IF, mirror:egress:IF and mirror:both:IF', () => {
    expect(parse('-d centos1,link1,mirror:ingress:eth0 -x eth1,10.1.1.1,1')).toMatchObject({
      end: end(docker('centos1'), 'link1', [], [{ direction: 'ingress', source: 'eth0' }]),
    });
    expect(parse('-d centos1,link1,mirror:egress:eth0 -x eth1,10.1.1.1,1')).toMatchObject({
      end: end(docker('centos1'), 'link1', [], [{ direction: 'egress', source: 'eth0' }]),
    });
    expect(parse('-d centos1,link1,mirror:both:eth0 -x eth1,10.1.1.1,1')).toMatchObject({
      end: end(
        docker('centos1'),
        'link1',
        [],
        [
          { direction: 'ingress', source: 'eth0' },
          { direction: 'egress', source: 'eth0' },
        ],
      ),
    });
  });

  it('mirrors and addresses may be mixed, on a veth end too', () => {
    expect(parse('-d c1,link1,10.0.0.1/24,mirror:ingress:eth0,2001:db8::1/64,mirror:egress:eth1 -d c2,link2')).toEqual({
      verb: 'koko',
      action: 'veth',
      json: false,
      ends: [
        end(
          docker('c1'),
          'link1',
          [v4('10.0.0.1', 24), v6('2001:db8::1', 64)],
          [
            { direction: 'ingress', source: 'eth0' },
            { direction: 'egress', source: 'eth1' },
          ],
        ),
        end(docker('c2'), 'link2'),
      ],
    });
  });

  it('getopt style: the value may be glued to the flag', () => {
    expect(parse('-dcentos1,link1 -ncentos2,link2')).toEqual(parse('-d centos1,link1 -n centos2,link2'));
    expect(parse('-Dcentos1,link1')).toEqual(parse('-D centos1,link1'));
  });

  it('--json anywhere sets json', () => {
    expect(parse('--json -d a,l1 -d b,l2')).toMatchObject({ action: 'veth', json: true });
    expect(parse('-D a,l1 --json')).toEqual({ verb: 'koko', action: 'delete', target: docker('a'), ifname: 'l1', json: true });
  });

  it("-v asks for the version, as koko's does: words before it are still checked, later ones are not", () => {
    expect(parse('-v')).toEqual({ verb: 'koko', action: 'version', json: false });
    expect(parse('-d a,l1 -v -d b')).toEqual({ verb: 'koko', action: 'version', json: false });
    expect(parse('-v --json')).toEqual({ verb: 'koko', action: 'version', json: true });
    expectUsageError(() => parse('-q -v'), { message: 'unknown option "-q"', index: 0, word: '-q', names: '"-q"' });
  });

  it('a pid value that looks like a negative number is still taken as the value', () => {
    // "-p -5,l1" is a value, not an option: the pid check then refuses it
    expectUsageError(() => parse('-p -5,l1 -c l2'), {
      message: 'bad -p target "-5": pid must be a whole number from 1 to 4194304',
      index: 1,
      word: '-5,l1',
      names: '"-5"',
    });
  });

  it('docker container names may be given with a leading "/", as docker prints them', () => {
    expect(parse('-d /centos1,link1 -c link2')).toMatchObject({ ends: [end(docker('centos1'), 'link1'), end(host, 'link2')] });
  });

  it('the same name on both ends is fine in different namespaces', () => {
    expect(parse('-n a,eth1 -n b,eth1')).toMatchObject({ action: 'veth' });
    expect(parse('-c eth5 -c eth6')).toMatchObject({ ends: [end(host, 'eth5'), end(host, 'eth6')] });
  });

  it('sameTarget compares kind and name', () => {
    expect(sameTarget(docker('a'), docker('a'))).toBe(true);
    expect(sameTarget(docker('a'), netns('a'))).toBe(false);
    expect(sameTarget(host, host)).toBe(true);
  });
});

describe('parseKoko: bad forms', () => {
  it('unknown option -z', () => {
    expectUsageError(() => parse('-d a,l1 -z foo'), { message: 'unknown option "-z"', index: 2, word: '-z', names: '"-z"' });
  });

  it('unknown long option', () => {
    expectUsageError(() => parse('-d a,l1 -d b,l2 --force'), { message: 'unknown option "--force"', index: 4, word: '--force', names: '--force' });
  });

  it('a word that follows no option', () => {
    expectUsageError(() => parse('client,link1 -d b,l2'), {
      message: 'unexpected word "client,link1": every value follows an option such as -d or -n',
      index: 0,
      word: 'client,link1',
      names: 'client,link1',
    });
  });

  it('missing value after -d at the end of the line: the caret goes just past it', () => {
    const err = expectUsageError(() => parse('-d a,l1 -d'), { message: '-d needs a value: -d CONTAINER,IF[,ADDR...]', index: 3, word: undefined, names: '-d' });
    expect(err.context.slice(0, 2)).toEqual(['  -d a,l1 -d', '             ^']);
  });

  it('missing value after -d when an option follows', () => {
    expectUsageError(() => parse('-d -n x,y'), { message: '-d needs a value: -d CONTAINER,IF[,ADDR...]', index: 1, word: '-n' });
  });

  it('missing value after -x, -V, -M, -D names the expected form', () => {
    expectUsageError(() => parse('-c l1 -x'), { message: '-x needs a value: -x PARENT,REMOTE,VNI[,port=N][,mtu=N]', index: 3 });
    expectUsageError(() => parse('-c l1 -V'), { message: '-V needs a value: -V PARENT,VLANID', index: 3 });
    expectUsageError(() => parse('-c l1 -M'), { message: '-M needs a value: -M PARENT,MODE (MODE: default|private|vepa|bridge|passthru)', index: 3 });
    expectUsageError(() => parse('-D'), { message: '-D needs a value: -D CONTAINER,IF', index: 1 });
    expectUsageError(() => parse('-C'), { message: '-C needs a value: -C IF', index: 1 });
  });

  it('a third endpoint', () => {
    expectUsageError(() => parse('-d a,l1 -d b,l2 -d c,l3'), {
      message: 'too many endpoints: a link joins two ("-d c,l3" is the third)',
      index: 5,
      word: 'c,l3',
      names: '"-d c,l3"',
    });
  });

  it('a third endpoint glued to its flag', () => {
    expectUsageError(() => parse('-d a,l1 -d b,l2 -nc,l3'), {
      message: 'too many endpoints: a link joins two ("-n c,l3" is the third)',
      index: 4,
      word: '-nc,l3',
      names: '-n c,l3',
    });
  });

  const badNames: Array<[string, string, string]> = [
    ['abcdefghijklmnop', 'interface name is 16 bytes, the kernel allows 15', 'a,abcdefghijklmnop'],
    ['li/nk', 'interface name must not contain "/"', 'a,li/nk'],
    ['li nk', 'interface name must not contain spaces', 'a,li nk'],
    ['li;nk', 'interface name must not contain ";"', 'a,li;nk'],
    ['$(x)', 'interface name must not contain "$"', 'a,$(x)'],
    ['li"nk', 'interface name must not contain """', 'a,li"nk'],
    ["li'nk", `interface name must not contain "'"`, "a,li'nk"],
    ['linké', 'interface name must not contain non-ASCII characters ("é")', 'a,linké'],
    ['-link', 'interface name must not start with "-"', 'a,-link'],
    ['..', '"." and ".." are not interface names', 'a,..'],
  ];
  it.each(badNames)('interface name %j', (name, reason, word) => {
    // built word by word: the name may hold a space
    const err = expectUsageError(() => parseKoko(['-d', word, '-d', 'b,l2']), {
      message: `bad interface name "${name}": ${reason}`,
      index: 1,
      word,
      names: `"${name}"`,
    });
    expect(err.expected).toBe('-d CONTAINER,IF[,ADDR...]');
  });

  it('a 15-byte interface name is accepted where 16 is not', () => {
    expect(parse('-d a,abcdefghijklmno -d b,l2')).toMatchObject({ ends: [end(docker('a'), 'abcdefghijklmno'), end(docker('b'), 'l2')] });
  });

  it('the marker shows a word with a space in quotes and underlines all of it', () => {
    const err = expectUsageError(() => parseKoko(['-d', 'a,li nk', '-d', 'b,l2']), {
      message: 'bad interface name "li nk": interface name must not contain spaces',
      index: 1,
      word: 'a,li nk',
    });
    expect(err.context.slice(0, 2)).toEqual(['  -d "a,li nk" -d b,l2', '     ^^^^^^^^^']);
  });

  it('missing container, missing interface name', () => {
    expectUsageError(() => parse('-d ,l1 -d b,l2'), { message: '-d is missing its container', index: 1, word: ',l1' });
    expectUsageError(() => parse('-n ,l1 -d b,l2'), { message: '-n is missing its namespace', index: 1, word: ',l1' });
    expectUsageError(() => parse('-d a -d b,l2'), { message: '-d is missing the interface name: -d CONTAINER,IF[,ADDR...]', index: 1, word: 'a' });
    expectUsageError(() => parse('-d a, -d b,l2'), { message: '-d is missing the interface name: -d CONTAINER,IF[,ADDR...]', index: 1, word: 'a,' });
  });

  it('bad targets of -d, -n, -p, -a', () => {
    expectUsageError(() => parse('-d fire%wall,l1 -c l2'), {
      message: 'bad -d target "fire%wall": container names are letters, digits and _ . - (starting with a letter or digit)',
      index: 1,
      names: 'fire%wall',
    });
    expectUsageError(() => parse('-n ..,l1 -c l2'), { message: 'bad -n target "..": "." and ".." are not namespace names', index: 1, names: '".."' });
    expectUsageError(() => parse('-n /var/run/netns/../x,l1 -c l2'), {
      message: 'bad -n target "/var/run/netns/../x": namespace path must not contain ".."',
      index: 1,
      names: '/var/run/netns/../x',
    });
    expectUsageError(() => parse('-p 0,l1 -c l2'), { message: 'bad -p target "0": pid must be from 1 to 4194304', index: 1, names: '"0"' });
    expectUsageError(() => parse('-p abc,l1 -c l2'), { message: 'bad -p target "abc": pid must be a whole number from 1 to 4194304', index: 1, names: '"abc"' });
    expectUsageError(() => parse('-a foo/bar,l1 -c l2'), {
      message: 'bad -a target "foo/bar": namespace path must be absolute (e.g. /proc/1234/ns/net)',
      index: 1,
      names: 'foo/bar',
    });
  });

  it('IPv4 octet 300', () => {
    expectUsageError(() => parse('-d a,l1,10.0.300.1/24 -d b,l2'), {
      message: 'bad address "10.0.300.1/24": "10.0.300.1" is not an IPv4 or IPv6 address',
      index: 1,
      word: 'a,l1,10.0.300.1/24',
      names: '10.0.300.1/24',
    });
  });

  it('IPv4 prefix /33', () => {
    expectUsageError(() => parse('-d a,l1,10.0.0.1/33 -d b,l2'), {
      message: 'bad address "10.0.0.1/33": prefix must be a number from 0 to 32 for IPv4',
      index: 1,
      names: '10.0.0.1/33',
    });
  });

  it('IPv6 prefix /129', () => {
    expectUsageError(() => parse('-d a,l1 -d b,l2,2001:db8::1/129'), {
      message: 'bad address "2001:db8::1/129": prefix must be a number from 0 to 128 for IPv6',
      index: 3,
      word: 'b,l2,2001:db8::1/129',
      names: '2001:db8::1/129',
    });
  });

  it('address without a prefix', () => {
    expectUsageError(() => parse('-d a,l1,10.0.0.1 -d b,l2'), {
      message: 'bad address "10.0.0.1": missing /PREFIX (e.g. 10.0.1.1/24 or 2001:db8::1/64)',
      index: 1,
      names: '"10.0.0.1"',
    });
  });

  it('the same address twice on one end', () => {
    expectUsageError(() => parse('-d a,l1,10.0.0.1/24,10.0.0.1/16 -d b,l2'), { message: 'address 10.0.0.1 given twice', index: 1, names: '10.0.0.1' });
    expectUsageError(() => parse('-d a,l1,2001:db8::1/64,2001:DB8::1/64 -d b,l2'), { message: 'address 2001:db8::1 given twice', index: 1 });
  });

  it('mirror:sideways:eth0', () => {
    expectUsageError(() => parse('-d a,l1,mirror:sideways:eth0 -d b,l2'), {
      message: 'bad mirror "mirror:sideways:eth0": expected mirror:ingress|egress|both:IF',
      index: 1,
      names: 'mirror:sideways:eth0',
    });
  });

  it('koko README writes mirror:DIRECTION,IF, but koko itself reads mirror:DIRECTION:IF; the comma form is refused clearly', () => {
    expectUsageError(() => parse('-d a,l1,mirror:ingress,eth0 -x eth1,10.1.1.1,1'), {
      message: 'bad mirror "mirror:ingress": expected mirror:ingress|egress|both:IF',
      index: 1,
      names: 'mirror:ingress',
    });
  });

  it('mirror with a bad interface, and the same direction twice', () => {
    expectUsageError(() => parse('-d a,l1,mirror:ingress:et/h0 -d b,l2'), {
      message: 'bad mirror interface "et/h0": interface name must not contain "/"',
      index: 1,
      names: 'et/h0',
    });
    expectUsageError(() => parse('-d a,l1,mirror:ingress:eth0,mirror:both:eth1 -d b,l2'), { message: 'ingress mirroring given twice', index: 1 });
  });

  it('-x with a missing VNI', () => {
    expectUsageError(() => parse('-d a,l1 -x eth1,10.1.1.1'), {
      message: '-x is missing VNI: -x PARENT,REMOTE,VNI[,port=N][,mtu=N]',
      index: 3,
      word: 'eth1,10.1.1.1',
      names: '-x',
    });
  });

  it('-x with a missing remote or parent', () => {
    expectUsageError(() => parse('-d a,l1 -x eth1'), { message: '-x is missing REMOTE: -x PARENT,REMOTE,VNI[,port=N][,mtu=N]', index: 3 });
    expectUsageError(() => parse('-d a,l1 -x ,10.1.1.1,1'), { message: '-x is missing PARENT: -x PARENT,REMOTE,VNI[,port=N][,mtu=N]', index: 3 });
  });

  it('-x with a bad remote', () => {
    expectUsageError(() => parse('-d a,l1 -x eth1,10.1.1.999,1'), {
      message: 'bad vxlan remote "10.1.1.999": not an IPv4 or IPv6 address',
      index: 3,
      word: 'eth1,10.1.1.999,1',
      names: '10.1.1.999',
    });
  });

  it('-x with a bad VNI', () => {
    expectUsageError(() => parse('-d a,l1 -x eth1,10.1.1.1,16777216'), { message: 'bad vxlan VNI "16777216": must be from 0 to 16777215', index: 3, names: '16777216' });
    expectUsageError(() => parse('-d a,l1 -x eth1,10.1.1.1,abc'), { message: 'bad vxlan VNI "abc": must be a whole number from 0 to 16777215', index: 3, names: 'abc' });
  });

  it('-x with port=0', () => {
    expectUsageError(() => parse('-d a,l1 -x eth1,10.1.1.1,1,port=0'), {
      message: 'bad vxlan port "0": must be from 1 to 65535',
      index: 3,
      names: 'port "0"',
    });
  });

  it('-x with mtu=67', () => {
    expectUsageError(() => parse('-d a,l1 -x eth1,10.1.1.1,1,mtu=67'), { message: 'bad vxlan mtu "67": must be from 68 to 65535', index: 3 });
  });

  it('-x with an unknown option foo=1', () => {
    expectUsageError(() => parse('-d a,l1 -x eth1,10.1.1.1,1,foo=1'), {
      message: 'bad vxlan option "foo=1": expected port=N or mtu=N',
      index: 3,
      names: 'foo=1',
    });
  });

  it('-x with an option given twice', () => {
    expectUsageError(() => parse('-d a,l1 -x eth1,10.1.1.1,1,port=1,port=2'), { message: 'vxlan port given twice', index: 3, names: 'port' });
  });

  it('-x with mtu= and --mtu', () => {
    expectUsageError(() => parse('-d a,l1 -x eth1,10.1.1.1,1,mtu=1400 --mtu 1400'), {
      message: 'MTU given twice (mtu= in -x and --mtu)',
      index: 5,
      word: '1400',
    });
  });

  it('-x with a bad parent interface name', () => {
    expectUsageError(() => parse('-d a,l1 -x et;h1,10.1.1.1,1'), {
      message: 'bad parent interface "et;h1,10.1.1.1,1": interface name must not contain ";"',
      index: 3,
    });
  });

  it('-V with id 4095 and 0', () => {
    expectUsageError(() => parse('-d a,l1 -V eth1,4095'), { message: 'bad VLAN id "4095": must be from 1 to 4094', index: 3, word: 'eth1,4095', names: '4095' });
    expectUsageError(() => parse('-d a,l1 -V eth1,0'), { message: 'bad VLAN id "0": must be from 1 to 4094', index: 3, names: '"0"' });
  });

  it('-V with too many fields', () => {
    expectUsageError(() => parse('-d a,l1 -V eth1,100,7'), { message: '-V takes PARENT,VLANID, got "eth1,100,7"', index: 3, names: 'eth1,100,7' });
  });

  it("-M with mode 'weird'", () => {
    expectUsageError(() => parse('-d a,l1 -M eth1,weird'), {
      message: 'bad macvlan mode "weird": expected one of default, private, vepa, bridge, passthru',
      index: 3,
      word: 'eth1,weird',
      names: 'weird',
    });
  });

  it('-M with a missing mode', () => {
    expectUsageError(() => parse('-d a,l1 -M eth1'), { message: '-M takes PARENT,MODE, got "eth1"', index: 3 });
  });

  it('-x together with two endpoints', () => {
    expectUsageError(() => parse('-d a,l1 -d b,l2 -x eth1,10.1.1.1,1'), {
      message: '-x takes one endpoint, got two',
      index: 3,
      word: 'b,l2',
      names: '-x',
    });
  });

  it('two of -x, -V, -M', () => {
    expectUsageError(() => parse('-d a,l1 -x eth1,10.1.1.1,1 -V eth1,5'), {
      message: 'only one of -x, -V, -M may be given ("-x" came first)',
      index: 5,
      word: 'eth1,5',
    });
  });

  // The issue asks that every bad form names the offending token; this message names none.
  it.each([
    ['-D a,l1 -d b,l2', 3, 'b,l2', '"-d b,l2" creates, "-D a,l1" deletes'],
    ['-D a,l1 -x eth1,10.1.1.1,1', 3, 'eth1,10.1.1.1,1', '"-x eth1,10.1.1.1,1" creates, "-D a,l1" deletes'],
  ])('delete plus create (%s): refused at the create option, and the message names it', (line, index, word, names) => {
    const err = usageErrorOf(() => parse(line));
    expect(err.exitCode).toBe(2);
    expect(err.location).toEqual({ words: words(line), index });
    expect(err.location!.words[index]).toBe(word);
    expect(err.message).toMatch(/^cannot create and delete in one command/);
    expect(err.message).toContain(names);
  });

  it('two deletes', () => {
    expectUsageError(() => parse('-D a,l1 -N b,l2'), { message: 'delete one link at a time (its peer goes with it)', index: 3, word: 'b,l2' });
  });

  it('a delete with an address', () => {
    expectUsageError(() => parse('-D a,l1,10.0.0.1/24'), {
      message: '-D takes only TARGET,IF: addresses go away with the link',
      index: 1,
      names: '-D',
    });
    expectUsageError(() => parse('-C l1,10.0.0.1/24'), { message: '-C takes only IF: addresses go away with the link', index: 1 });
  });

  it('nothing at all', () => {
    expectUsageError(() => parseKoko([]), {
      message: 'nothing to do: give two endpoints (-d/-n/-p/-a/-c) or one and -x/-V/-M',
      index: 0,
      word: undefined,
    });
  });

  it('one endpoint without -x/-V/-M', () => {
    expectUsageError(() => parse('-d a,l1'), {
      message: 'a veth link needs a second endpoint (or -x/-V/-M for vxlan, vlan, macvlan)',
      index: 2,
      word: undefined,
    });
  });

  it('both ends with the same name in the same namespace', () => {
    expectUsageError(() => parse('-d a,l1 -d a,l1'), { message: 'both ends are named "l1" in the same namespace', index: 3, word: 'a,l1', names: '"l1"' });
    expectUsageError(() => parse('-c l1 -c l1'), { message: 'both ends are named "l1" in the same namespace', index: 3 });
  });

  it('--mtu without a value, or out of range', () => {
    expectUsageError(() => parse('-d a,l1 -d b,l2 --mtu'), { message: '--mtu needs a value (68-65535)', index: 5, word: undefined });
    expectUsageError(() => parse('--mtu 67 -d a,l1 -d b,l2'), { message: 'bad --mtu "67": must be from 68 to 65535', index: 1, word: '67' });
    expectUsageError(() => parse('--mtu=65536 -d a,l1 -d b,l2'), { message: 'bad --mtu "--mtu=65536": must be from 68 to 65535', index: 0, word: '--mtu=65536' });
    expectUsageError(() => parse('--mtu big -d a,l1 -d b,l2'), { message: 'bad --mtu "big": must be a whole number from 68 to 65535', index: 1, word: 'big' });
  });

  it('every koko usage error carries the koko usage line or the endpoint form', () => {
    expect(usageOf(() => parse('-d a,l1 -z foo'))).toBe(KOKO_USAGE);
    expect(usageOf(() => parse('-n red,li/nk -c x'))).toBe('-n NETNS,IF[,ADDR...]');
    expect(usageOf(() => parse('-p 1,li/nk -c x'))).toBe('-p PID,IF[,ADDR...]');
    expect(usageOf(() => parse('-a /x,li/nk -c x'))).toBe('-a NSPATH,IF[,ADDR...]');
    expect(usageOf(() => parse('-c li/nk -c x'))).toBe('-c IF[,ADDR...]');
  });
});

function usageOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { expected?: string }).expected;
  }
  throw new Error('nothing thrown');
}
