/**
 * parseKoro on every form koro's command line takes (address and route, add
 * and delete, each target kind, both families), and on its mistakes with the
 * message each gives. Long for the same reason as parse-koko.test.ts: one
 * describe per form.
 */
import { describe, expect, it } from 'vitest';
import { formatDestination, KORO_ADDRESS_USAGE, KORO_ROUTE_USAGE, KORO_USAGE, parseKoro, type KoroCommand } from '../../src/parse/koro.js';
import { formatCidr, networkOf } from '../../src/parse/values.js';
import { auto, docker, expectUsageError, host, netns, nspath, pid, v4, v6, words } from './helpers.js';

const parse = (line: string): KoroCommand => parseKoro(words(line));

describe('parseKoro: koro README', () => {
  it('docker koro_test1 address add 127.0.0.3/24 dev lo', () => {
    expect(parse('docker koro_test1 address add 127.0.0.3/24 dev lo')).toEqual({
      verb: 'koro',
      target: docker('koro_test1'),
      object: 'address',
      action: 'add',
      address: v4('127.0.0.3', 24),
      dev: 'lo',
      json: false,
    });
  });
});

describe('parseKoro: the grammar of koro README', () => {
  describe('NS_SPEC := docker NAME | ipnetns NAME | netns NAME | pid PID', () => {
    it.each([
      ['docker web', docker('web')],
      ['ipnetns red', netns('red')],
      ['netns red', netns('red')],
      ['pid 4121', pid(4121)],
    ])('%s', (spec, target) => {
      expect(parse(`${spec} address add 10.0.0.1/24 dev eth0`)).toEqual({
        verb: 'koro',
        target,
        object: 'address',
        action: 'add',
        address: v4('10.0.0.1', 24),
        dev: 'eth0',
        json: false,
      });
    });

    it('netns takes a path as well as a name (as koro does)', () => {
      expect(parse('netns /var/run/netns/red route add default dev eth0')).toMatchObject({ target: nspath('/var/run/netns/red') });
    });

    it('chainmail additions: no NS_SPEC means the host, a bare NAME, docker:NAME, a path, host', () => {
      expect(parse('address add 10.0.0.1/24 dev lo')).toMatchObject({ target: host });
      expect(parse('route add default dev eth0')).toMatchObject({ target: host });
      expect(parse('client address add 10.0.0.1/24 dev lo')).toMatchObject({ target: auto('client') });
      expect(parse('docker:client address add 10.0.0.1/24 dev lo')).toMatchObject({ target: docker('client') });
      expect(parse('pid:42 address add 10.0.0.1/24 dev lo')).toMatchObject({ target: pid(42) });
      expect(parse('/proc/42/ns/net address add 10.0.0.1/24 dev lo')).toMatchObject({ target: nspath('/proc/42/ns/net') });
      expect(parse('host address add 10.0.0.1/24 dev lo')).toMatchObject({ target: host });
    });
  });

  describe('NS_SPEC address add|del ADDRESS dev STRING', () => {
    it('add IPv4', () => {
      expect(parse('netns red address add 10.0.1.1/24 dev link1')).toEqual({
        verb: 'koro',
        target: netns('red'),
        object: 'address',
        action: 'add',
        address: v4('10.0.1.1', 24),
        dev: 'link1',
        json: false,
      });
    });

    it('del IPv6 (lowercased)', () => {
      expect(parse('pid 42 address del 2001:DB8::1/64 dev link1')).toEqual({
        verb: 'koro',
        target: pid(42),
        object: 'address',
        action: 'del',
        address: v6('2001:db8::1', 64),
        dev: 'link1',
        json: false,
      });
    });

    it('an address keeps its host bits (it is an address, not a prefix)', () => {
      expect(parse('docker c address add 10.0.1.77/24 dev link1')).toMatchObject({ address: v4('10.0.1.77', 24) });
    });

    it('address show [dev IF] [--json]', () => {
      expect(parse('docker c address show')).toEqual({ verb: 'koro', target: docker('c'), object: 'address', action: 'show', json: false });
      expect(parse('docker c address show dev link1 --json')).toEqual({
        verb: 'koro',
        target: docker('c'),
        object: 'address',
        action: 'show',
        json: true,
        dev: 'link1',
      });
    });
  });

  describe('NS_SPEC route add|del PREFIX [via ADDRESS] [dev STRING]', () => {
    it('via only', () => {
      expect(parse('docker firewall route add 10.0.3.0/24 via 10.0.2.2')).toEqual({
        verb: 'koro',
        target: docker('firewall'),
        object: 'route',
        action: 'add',
        destination: { kind: 'prefix', prefix: v4('10.0.3.0', 24) },
        via: '10.0.2.2',
        json: false,
      });
    });

    it('dev only', () => {
      expect(parse('docker firewall route add 10.0.3.0/24 dev link3')).toEqual({
        verb: 'koro',
        target: docker('firewall'),
        object: 'route',
        action: 'add',
        destination: { kind: 'prefix', prefix: v4('10.0.3.0', 24) },
        dev: 'link3',
        json: false,
      });
    });

    it('both, in either order', () => {
      const expected = {
        verb: 'koro',
        target: docker('firewall'),
        object: 'route',
        action: 'add',
        destination: { kind: 'prefix', prefix: v4('10.0.3.0', 24) },
        via: '10.0.2.2',
        dev: 'link3',
        json: false,
      };
      expect(parse('docker firewall route add 10.0.3.0/24 via 10.0.2.2 dev link3')).toEqual(expected);
      expect(parse('docker firewall route add 10.0.3.0/24 dev link3 via 10.0.2.2')).toEqual(expected);
    });

    it('del', () => {
      expect(parse('netns red route del 10.0.3.0/24 via 10.0.2.2 dev link3')).toMatchObject({ action: 'del', via: '10.0.2.2', dev: 'link3' });
    });

    it('default IPv4', () => {
      expect(parse('docker client route add default via 10.0.1.2 dev link1')).toEqual({
        verb: 'koro',
        target: docker('client'),
        object: 'route',
        action: 'add',
        destination: { kind: 'default', family: 4 },
        via: '10.0.1.2',
        dev: 'link1',
        json: false,
      });
    });

    it('default takes its family from the gateway: IPv6', () => {
      expect(parse('docker client route add default via 2001:DB8::1')).toEqual({
        verb: 'koro',
        target: docker('client'),
        object: 'route',
        action: 'add',
        destination: { kind: 'default', family: 6 },
        via: '2001:db8::1',
        json: false,
      });
    });

    it('default with dev only is IPv4; ::/0 is the IPv6 default, 0.0.0.0/0 the IPv4 one', () => {
      expect(parse('docker c route add default dev eth0')).toMatchObject({ destination: { kind: 'default', family: 4 } });
      expect(parse('docker c route add ::/0 dev eth0')).toMatchObject({ destination: { kind: 'default', family: 6 } });
      expect(parse('docker c route add 0.0.0.0/0 dev eth0')).toMatchObject({ destination: { kind: 'default', family: 4 } });
    });

    it('a bare address is a host route (/32 or /128), as in iproute2', () => {
      expect(parse('docker c route add 10.0.3.7 dev eth0')).toMatchObject({ destination: { kind: 'prefix', prefix: v4('10.0.3.7', 32) } });
      expect(parse('docker c route add 2001:db8::7 dev eth0')).toMatchObject({ destination: { kind: 'prefix', prefix: v6('2001:db8::7', 128) } });
    });

    it('IPv6 prefix with an IPv6 gateway', () => {
      expect(parse('pid 42 route del 2001:db8:1::/48 via 2001:db8::1')).toEqual({
        verb: 'koro',
        target: pid(42),
        object: 'route',
        action: 'del',
        destination: { kind: 'prefix', prefix: v6('2001:db8:1::', 48) },
        via: '2001:db8::1',
        json: false,
      });
    });

    it('an upper-case IPv6 prefix is read as its lowercase form', () => {
      expect(parse('docker c route add 2001:DB8:0:1::/64 dev l')).toMatchObject({ destination: { kind: 'prefix', prefix: v6('2001:db8:0:1::', 64) } });
    });

    // A prefix written with leading zeros or without :: compression is the same
    // network; refusing it as "host bits are set" and then suggesting the very
    // same network is wrong.
    it.each([
      ['2001:0db8::/32', '2001:db8::', 32],
      ['2001:db8:0:0::/64', '2001:db8::', 64],
      ['2001:db8:0:1:0:0:0:0/64', '2001:db8:0:1::', 64],
      ['fd00:0:0:0:1::/80', 'fd00::1:0:0:0', 80],
      ['::ffff:10.0.0.0/104', '::ffff:a00:0', 104],
    ])('a non-canonical spelling of an IPv6 network, %s, is accepted', (text, address, prefix) => {
      const cmd = parse(`docker c route add ${text} dev l`);
      expect(cmd).toMatchObject({ object: 'route', destination: { kind: 'prefix', prefix: { family: 6, prefix } } });
      // either spelling may be kept, as long as it is that network with no host bits
      const got = (cmd as Extract<KoroCommand, { object: 'route'; action: 'add' | 'del' }>).destination;
      expect(got.kind).toBe('prefix');
      if (got.kind === 'prefix') expect(formatCidr(networkOf(got.prefix))).toBe(`${address}/${prefix}`);
    });

    it('route show [--json]', () => {
      expect(parse('docker c route show')).toEqual({ verb: 'koro', target: docker('c'), object: 'route', action: 'show', json: false });
      expect(parse('docker c route show --json')).toEqual({ verb: 'koro', target: docker('c'), object: 'route', action: 'show', json: true });
    });

    it('formatDestination prints default or the prefix', () => {
      expect(formatDestination({ kind: 'default', family: 6 })).toBe('default');
      expect(formatDestination({ kind: 'prefix', prefix: v4('10.0.3.0', 24) })).toBe('10.0.3.0/24');
    });
  });
});

describe('parseKoro: bad forms', () => {
  it('typo in the object: adress', () => {
    expectUsageError(() => parse('docker client adress add 10.0.1.1/24 dev link1'), {
      message: 'expected "address" or "route", got "adress"',
      index: 2,
      word: 'adress',
      names: '"adress"',
    });
  });

  it('typo in the object: rout', () => {
    expectUsageError(() => parse('docker client rout add default via 10.0.1.2'), {
      message: 'expected "address" or "route", got "rout"',
      index: 2,
      word: 'rout',
      names: '"rout"',
    });
  });

  it('typo in the action: ad', () => {
    const err = expectUsageError(() => parse('docker client address ad 10.0.1.1/24 dev link1'), {
      message: 'expected "add", "del" or "show" after "address", got "ad"',
      index: 3,
      word: 'ad',
      names: '"ad"',
    });
    expect(err.context).toEqual(['  docker client address ad 10.0.1.1/24 dev link1', '                        ^^', `  usage: ${KORO_ADDRESS_USAGE}`]);
  });

  it('route with host bits set suggests the network', () => {
    const err = expectUsageError(() => parse('docker firewall route add 10.0.3.5/24 via 10.0.2.2 dev link3'), {
      message: 'bad destination "10.0.3.5/24": host bits are set; did you mean 10.0.3.0/24?',
      index: 4,
      word: '10.0.3.5/24',
      names: '10.0.3.5/24',
    });
    expect(err.expected).toBe(KORO_ROUTE_USAGE);
  });

  it('IPv6 route with host bits set suggests the network', () => {
    expectUsageError(() => parse('docker c route add 2001:db8::5/64 dev l'), {
      message: 'bad destination "2001:db8::5/64": host bits are set; did you mean 2001:db8::/64?',
      index: 4,
      word: '2001:db8::5/64',
    });
  });

  it('bad destination', () => {
    expectUsageError(() => parse('docker c route add 10.0.3.0/33 dev l'), {
      message: 'bad destination "10.0.3.0/33": prefix must be a number from 0 to 32 for IPv4, or "default"',
      index: 4,
      names: '10.0.3.0/33',
    });
    expectUsageError(() => parse('docker c route add defualt dev l'), {
      message: 'bad destination "defualt": missing /PREFIX (e.g. 10.0.1.1/24 or 2001:db8::1/64), or "default"',
      index: 4,
      names: 'defualt',
    });
  });

  it('gateway family mismatch, both ways', () => {
    expectUsageError(() => parse('docker firewall route add 10.0.3.0/24 via 2001:db8::1'), {
      message: 'gateway 2001:db8::1 is IPv6 but the destination is IPv4',
      index: 6,
      word: '2001:db8::1',
      names: '2001:db8::1',
    });
    expectUsageError(() => parse('docker firewall route add 2001:db8::/64 via 10.0.0.1 dev l'), {
      message: 'gateway 10.0.0.1 is IPv4 but the destination is IPv6',
      index: 6,
      word: '10.0.0.1',
      names: '10.0.0.1',
    });
  });

  it('bad gateway', () => {
    expectUsageError(() => parse('docker c route add 10.0.3.0/24 via 10.0.2.300'), {
      message: 'bad gateway "10.0.2.300": not an IPv4 or IPv6 address',
      index: 6,
      word: '10.0.2.300',
      names: '10.0.2.300',
    });
  });

  it('route with neither via nor dev: the caret goes past the end', () => {
    const err = expectUsageError(() => parse('docker firewall route add 10.0.3.0/24'), {
      message: 'a route needs "via GW", "dev IF" or both',
      index: 5,
      word: undefined,
    });
    expect(err.context.slice(0, 2)).toEqual(['  docker firewall route add 10.0.3.0/24', '                                        ^']);
  });

  it('address without dev', () => {
    expectUsageError(() => parse('docker client address add 10.0.1.1/24'), {
      message: 'missing "dev IF": an address goes on an interface',
      index: 5,
      word: undefined,
    });
  });

  it('address without a prefix', () => {
    expectUsageError(() => parse('docker client address add 10.0.1.1 dev link1'), {
      message: 'bad address "10.0.1.1": missing /PREFIX (e.g. 10.0.1.1/24 or 2001:db8::1/64)',
      index: 4,
      word: '10.0.1.1',
      names: '"10.0.1.1"',
    });
  });

  it('duplicate via, duplicate dev', () => {
    expectUsageError(() => parse('docker client route add default via 10.0.1.2 via 10.0.1.3'), {
      message: '"via" given twice',
      index: 7,
      word: 'via',
      names: '"via"',
    });
    expectUsageError(() => parse('docker client route add 10.0.3.0/24 dev l dev m'), { message: '"dev" given twice', index: 7, word: 'dev' });
  });

  it('a keyword without its value', () => {
    expectUsageError(() => parse('docker client route add default via'), { message: '"via" needs a value', index: 6, word: undefined, names: '"via"' });
    expectUsageError(() => parse('docker client route add 10.0.3.0/24 dev'), { message: '"dev" needs a value', index: 6, word: undefined });
  });

  it('an unknown keyword after the destination', () => {
    expectUsageError(() => parse('docker client route add default via 10.0.1.2 gw x'), {
      message: 'expected "via" or "dev", got "gw"',
      index: 7,
      word: 'gw',
      names: '"gw"',
    });
    expectUsageError(() => parse('docker client address add 10.0.1.1/24 via x'), { message: 'expected "dev", got "via"', index: 5, word: 'via' });
  });

  it('show takes no more words', () => {
    expectUsageError(() => parse('docker client route show extra'), {
      message: 'unexpected "extra": route show takes no arguments',
      index: 4,
      word: 'extra',
      names: '"extra"',
    });
  });

  it('a bad interface name after dev', () => {
    expectUsageError(() => parse('docker client address add 10.0.1.1/24 dev link1/x'), {
      message: 'bad interface name "link1/x": interface name must not contain "/"',
      index: 6,
      word: 'link1/x',
      names: 'link1/x',
    });
  });

  it('unknown target keyword that looks like an option', () => {
    expectUsageError(() => parse('-x client address add 10.0.1.1/24 dev l'), { message: 'unknown option "-x"', index: 0, word: '-x', names: '"-x"' });
  });

  it('a mistyped target keyword is named as such when address/route follows a name', () => {
    // "dockr client address ..." has the shape of "docker client address ..."
    expectUsageError(() => parse('dockr client address add 10.0.1.1/24 dev l'), {
      message: 'unknown target kind "dockr": expected docker NAME | netns NAME | ipnetns NAME | pid PID',
      index: 0,
      word: 'dockr',
      names: '"dockr"',
    });
  });

  it('a bare target name followed by something else is an error at that word', () => {
    expectUsageError(() => parse('client adress add 10.0.1.1/24 dev l'), {
      message: 'expected "address" or "route", got "adress"',
      index: 1,
      word: 'adress',
      names: '"adress"',
    });
  });

  it('pid 0 and pid abc', () => {
    expectUsageError(() => parse('pid 0 address add 10.0.1.1/24 dev l'), {
      message: 'bad pid target "0": pid must be from 1 to 4194304',
      index: 1,
      word: '0',
      names: '"0"',
    });
    expectUsageError(() => parse('pid abc address add 10.0.1.1/24 dev l'), {
      message: 'bad pid target "abc": pid must be a whole number from 1 to 4194304',
      index: 1,
      word: 'abc',
      names: '"abc"',
    });
  });

  it('netns name "..", with "/", or a path through ".."', () => {
    expectUsageError(() => parse('netns .. address add 10.0.1.1/24 dev l'), {
      message: 'bad netns target "..": "." and ".." are not namespace names',
      index: 1,
      word: '..',
      names: '".."',
    });
    expectUsageError(() => parse('netns a/b address add 10.0.1.1/24 dev l'), {
      message: 'bad netns target "a/b": namespace name must not contain "/"',
      index: 1,
      word: 'a/b',
      names: '"a/b"',
    });
    expectUsageError(() => parse('ipnetns ../etc address add 10.0.1.1/24 dev l'), {
      message: 'bad ipnetns target "../etc": namespace name must not contain "/"',
      index: 1,
      word: '../etc',
    });
    expectUsageError(() => parse('netns /var/run/netns/../x address add 10.0.1.1/24 dev l'), {
      message: 'bad netns target "/var/run/netns/../x": namespace path must not contain ".."',
      index: 1,
      word: '/var/run/netns/../x',
    });
  });

  it('a bad docker name', () => {
    expectUsageError(() => parse('docker fire%wall address add 10.0.1.1/24 dev l'), {
      message: 'bad docker target "fire%wall": container names are letters, digits and _ . - (starting with a letter or digit)',
      index: 1,
      word: 'fire%wall',
      names: 'fire%wall',
    });
  });

  it('missing pieces', () => {
    expectUsageError(() => parseKoro([]), { message: 'missing target: koro TARGET address|route ...', index: 0, word: undefined });
    expectUsageError(() => parse('docker'), { message: '"docker" needs a name after it', index: 1, word: undefined, names: '"docker"' });
    expectUsageError(() => parse('docker client'), { message: 'missing "address" or "route" after the target', index: 2, word: undefined });
    expectUsageError(() => parse('docker client address'), { message: 'missing action after "address": add, del or show', index: 3, word: undefined });
    expectUsageError(() => parse('docker client address add'), { message: 'missing the address (CIDR, e.g. 10.0.1.1/24)', index: 4, word: undefined });
    expectUsageError(() => parse('docker client route del'), { message: 'missing the destination (PREFIX or default)', index: 4, word: undefined });
  });

  it('errors before the object carry the whole koro usage', () => {
    const err = expectUsageError(() => parse('docker client adress add 10.0.1.1/24 dev link1'), { message: 'expected "address" or "route", got "adress"', index: 2 });
    expect(err.expected).toBe(KORO_USAGE);
  });

  it('--json is dropped before positions are counted, and the marker shows the line without it', () => {
    const err = expectUsageError(() => parse('--json docker client adress show'), { message: 'expected "address" or "route", got "adress"', index: 2, word: 'adress' });
    expect(err.location!.words).toEqual(['docker', 'client', 'adress', 'show']);
  });
});

describe('parseKoro: route del needs no next hop', () => {
  it('route del default, as ip route del default', () => {
    expect(parseKoro(['netns', 'red', 'route', 'del', 'default'])).toEqual({
      verb: 'koro',
      target: { kind: 'netns', name: 'red' },
      object: 'route',
      action: 'del',
      destination: { kind: 'default', family: 4 },
      json: false,
    });
  });

  it('--json is accepted on changes too', () => {
    expect(parseKoro(['netns', 'red', 'address', 'add', '10.0.1.1/24', 'dev', 'l1', '--json'])).toMatchObject({ action: 'add', json: true });
  });
});
