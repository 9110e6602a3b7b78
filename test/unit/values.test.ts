import { describe, expect, it } from 'vitest';
import {
  checkContainerName,
  checkInterfaceName,
  checkNamespacePath,
  checkNetnsName,
  formatCidr,
  networkOf,
  parseCidr,
  parseInteger,
  parseIp,
  type Cidr,
} from '../../src/parse/values.js';
import { v4, v6 } from './helpers.js';

describe('parseIp', () => {
  it('accepts IPv4 as written', () => {
    expect(parseIp('10.0.1.2')).toEqual({ ok: true, value: { family: 4, address: '10.0.1.2' } });
    expect(parseIp('0.0.0.0')).toEqual({ ok: true, value: { family: 4, address: '0.0.0.0' } });
    expect(parseIp('255.255.255.255')).toEqual({ ok: true, value: { family: 4, address: '255.255.255.255' } });
  });

  it("accepts IPv6 in the kernel's spelling (lowercase, zeros compressed)", () => {
    expect(parseIp('2001:0DB8:0:0::0001')).toEqual({ ok: true, value: { family: 6, address: '2001:db8::1' } });
    expect(parseIp('2001:DB8::1')).toEqual({ ok: true, value: { family: 6, address: '2001:db8::1' } });
    expect(parseIp('::')).toEqual({ ok: true, value: { family: 6, address: '::' } });
    expect(parseIp('::ffff:1.2.3.4')).toEqual({ ok: true, value: { family: 6, address: '::ffff:1.2.3.4' } });
    expect(parseIp('fe80::1')).toEqual({ ok: true, value: { family: 6, address: 'fe80::1' } });
  });

  it('refuses zone ids, which iproute2 does not take', () => {
    expect(parseIp('fe80::1%eth0')).toEqual({ ok: false, reason: 'not an IPv4 or IPv6 address' });
  });

  it('refuses bad octets, short forms, names and empty text', () => {
    for (const text of ['10.0.300.1', '256.0.0.1', '10.0.1', '10.0.1.1.1', 'client', '', ' 10.0.0.1', '10.0.0.1/24', '2001:db8:::1']) {
      expect(parseIp(text), text).toEqual({ ok: false, reason: 'not an IPv4 or IPv6 address' });
    }
  });
});

describe('parseCidr', () => {
  it('parses IPv4 with every prefix length from 0 to 32', () => {
    for (let p = 0; p <= 32; p++) expect(parseCidr(`10.0.1.1/${p}`)).toEqual({ ok: true, value: v4('10.0.1.1', p) });
  });

  it('parses IPv6 with prefixes 0, 64 and 128, lowercased', () => {
    expect(parseCidr('2001:DB8::1/64')).toEqual({ ok: true, value: v6('2001:db8::1', 64) });
    expect(parseCidr('::/0')).toEqual({ ok: true, value: v6('::', 0) });
    expect(parseCidr('::1/128')).toEqual({ ok: true, value: v6('::1', 128) });
  });

  it('reads a prefix with a leading zero as a number', () => {
    expect(parseCidr('10.0.1.1/024')).toEqual({ ok: true, value: v4('10.0.1.1', 24) });
  });

  it('needs a /PREFIX', () => {
    expect(parseCidr('10.0.1.1')).toEqual({ ok: false, reason: 'missing /PREFIX (e.g. 10.0.1.1/24 or 2001:db8::1/64)' });
  });

  it('names the bad address part', () => {
    expect(parseCidr('10.0.300.1/24')).toEqual({ ok: false, reason: '"10.0.300.1" is not an IPv4 or IPv6 address' });
    expect(parseCidr('client/24')).toEqual({ ok: false, reason: '"client" is not an IPv4 or IPv6 address' });
    expect(parseCidr('/24')).toEqual({ ok: false, reason: '"" is not an IPv4 or IPv6 address' });
  });

  it('refuses IPv4 prefixes above 32 and IPv6 above 128', () => {
    expect(parseCidr('10.0.0.1/33')).toEqual({ ok: false, reason: 'prefix must be a number from 0 to 32 for IPv4' });
    expect(parseCidr('2001:db8::1/129')).toEqual({ ok: false, reason: 'prefix must be a number from 0 to 128 for IPv6' });
  });

  it('refuses prefixes that are not plain numbers', () => {
    for (const p of ['', '-1', '+24', '24a', '2 4', '0x18', '1000', '24/24']) {
      expect(parseCidr(`10.0.0.1/${p}`), p).toEqual({ ok: false, reason: 'prefix must be a number from 0 to 32 for IPv4' });
    }
  });

  it('formatCidr writes ADDRESS/PREFIX', () => {
    expect(formatCidr(v4('10.0.1.1', 24))).toBe('10.0.1.1/24');
    expect(formatCidr(v6('2001:db8::1', 64))).toBe('2001:db8::1/64');
  });
});

describe('networkOf', () => {
  const net = (c: Cidr): string => formatCidr(networkOf(c));

  it('clears IPv4 host bits', () => {
    expect(net(v4('10.0.3.5', 24))).toBe('10.0.3.0/24');
    expect(net(v4('10.0.1.7', 8))).toBe('10.0.0.0/8');
    expect(net(v4('192.168.1.130', 25))).toBe('192.168.1.128/25');
    expect(net(v4('172.31.255.255', 12))).toBe('172.16.0.0/12');
  });

  it('keeps an IPv4 network unchanged', () => {
    expect(net(v4('10.0.3.0', 24))).toBe('10.0.3.0/24');
  });

  it('handles IPv4 /0 and /32 (shift edge cases)', () => {
    expect(net(v4('10.0.3.5', 0))).toBe('0.0.0.0/0');
    expect(net(v4('255.255.255.255', 0))).toBe('0.0.0.0/0');
    expect(net(v4('10.0.3.5', 32))).toBe('10.0.3.5/32');
    expect(net(v4('255.255.255.255', 32))).toBe('255.255.255.255/32');
    expect(net(v4('255.255.255.255', 1))).toBe('128.0.0.0/1');
    expect(net(v4('255.255.255.255', 31))).toBe('255.255.255.254/31');
  });

  it('clears IPv6 host bits and prints the compressed form iproute2 prints', () => {
    expect(net(v6('2001:db8::5', 64))).toBe('2001:db8::/64');
    expect(net(v6('2001:db8:0:1:ffff::1', 64))).toBe('2001:db8:0:1::/64');
    expect(net(v6('2001:db8:abcd:12ff::1', 56))).toBe('2001:db8:abcd:1200::/56');
    expect(net(v6('fe80::1234:5678', 10))).toBe('fe80::/10');
  });

  it('handles IPv6 /0 and /128', () => {
    expect(net(v6('2001:db8::5', 0))).toBe('::/0');
    expect(net(v6('2001:db8::5', 128))).toBe('2001:db8::5/128');
    expect(net(v6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 128))).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128');
    expect(net(v6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 127))).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127');
  });

  it('handles the unspecified address ::', () => {
    expect(net(v6('::', 0))).toBe('::/0');
    expect(net(v6('::', 64))).toBe('::/64');
    expect(net(v6('::', 128))).toBe('::/128');
  });

  it('handles addresses with :: at either end', () => {
    expect(net(v6('::1', 128))).toBe('::1/128');
    expect(net(v6('::1', 127))).toBe('::/127');
    expect(net(v6('fd00::', 8))).toBe('fd00::/8');
  });

  it('reads an embedded IPv4 tail (::ffff:1.2.3.4) as two hextets', () => {
    // the result is printed in plain hex: ::ffff:1.2.3.4 is ::ffff:102:304
    expect(net(v6('::ffff:1.2.3.4', 96))).toBe('::ffff:0:0/96');
    expect(net(v6('::ffff:1.2.3.4', 128))).toBe('::ffff:102:304/128');
    expect(net(v6('::ffff:10.20.30.40', 112))).toBe('::ffff:a14:0/112');
  });

  it('compresses the first of two equally long zero runs, and never a single zero', () => {
    expect(net(v6('2001:0:0:1:0:0:1:1', 128))).toBe('2001::1:0:0:1:1/128');
    expect(net(v6('2001:db8:0:1:1:1:1:1', 128))).toBe('2001:db8:0:1:1:1:1:1/128');
  });

  it('compresses the longest zero run', () => {
    expect(net(v6('2001:0:0:1:0:0:0:1', 128))).toBe('2001:0:0:1::1/128');
  });

  it('reads uncompressed and leading-zero spellings', () => {
    expect(net(v6('2001:0db8:0000:0000:0000:0000:0000:0005', 64))).toBe('2001:db8::/64');
  });
});

describe('checkInterfaceName', () => {
  it('accepts 1 to 15 bytes of letters, digits and _ . - @ +', () => {
    for (const name of ['a', 'eth0', 'link1', 'eth0.100', 'br_0', 'veth-a', 'x@y', 'a+b', 'A'.repeat(15), 'lo']) {
      expect(checkInterfaceName(name), name).toEqual({ ok: true, value: name });
    }
  });

  it('15 bytes is the limit: 16 is refused with the byte count', () => {
    expect(checkInterfaceName('abcdefghijklmno')).toEqual({ ok: true, value: 'abcdefghijklmno' });
    expect(checkInterfaceName('abcdefghijklmnop')).toEqual({ ok: false, reason: 'interface name is 16 bytes, the kernel allows 15' });
  });

  it('counts bytes, not characters, for non-ASCII names', () => {
    // 8 characters but 16 bytes in UTF-8
    expect(checkInterfaceName('éééééééé')).toEqual({ ok: false, reason: 'interface name is 16 bytes, the kernel allows 15' });
    expect(checkInterfaceName('linké')).toEqual({ ok: false, reason: 'interface name must not contain non-ASCII characters ("é")' });
  });

  it('refuses empty, "." and ".."', () => {
    expect(checkInterfaceName('')).toEqual({ ok: false, reason: 'interface name is empty' });
    expect(checkInterfaceName('.')).toEqual({ ok: false, reason: '"." and ".." are not interface names' });
    expect(checkInterfaceName('..')).toEqual({ ok: false, reason: '"." and ".." are not interface names' });
  });

  it('refuses a leading "-" (iproute2 would read an option)', () => {
    expect(checkInterfaceName('-link')).toEqual({ ok: false, reason: 'interface name must not start with "-"' });
  });

  it('names each forbidden character', () => {
    const cases: Array<[string, string]> = [
      ['li/nk', '"/"'],
      ['eth0:1', '":"'],
      ['li nk', 'spaces'],
      ['li\tnk', 'whitespace'],
      ['li\x01nk', 'control characters'],
      ['li;nk', '";"'],
      ['$(x)', '"$"'],
      ['li"nk', '"""'],
      ["li'nk", `"'"`],
      ['li`nk', '"`"'],
      ['li*', '"*"'],
    ];
    for (const [name, what] of cases) {
      expect(checkInterfaceName(name), name).toEqual({ ok: false, reason: `interface name must not contain ${what}` });
    }
  });
});

describe('checkNetnsName', () => {
  it('accepts letters, digits and _ . -', () => {
    for (const name of ['red', 'testns1', 'ns_a.b-c', 'a..b']) expect(checkNetnsName(name), name).toEqual({ ok: true, value: name });
  });

  it('refuses empty, ".", "..", "/" and a leading "-"', () => {
    expect(checkNetnsName('')).toEqual({ ok: false, reason: 'namespace name is empty' });
    expect(checkNetnsName('..')).toEqual({ ok: false, reason: '"." and ".." are not namespace names' });
    expect(checkNetnsName('.')).toEqual({ ok: false, reason: '"." and ".." are not namespace names' });
    expect(checkNetnsName('a/b')).toEqual({ ok: false, reason: 'namespace name must not contain "/"' });
    expect(checkNetnsName('../etc')).toEqual({ ok: false, reason: 'namespace name must not contain "/"' });
    expect(checkNetnsName('-red')).toEqual({ ok: false, reason: 'namespace name must not start with "-"' });
  });

  it('allows 200 characters, not 201', () => {
    expect(checkNetnsName('n'.repeat(200)).ok).toBe(true);
    expect(checkNetnsName('n'.repeat(201))).toEqual({ ok: false, reason: 'namespace name is longer than 200 characters' });
  });
});

describe('checkContainerName', () => {
  it('accepts Docker names and ids, dropping a leading "/"', () => {
    expect(checkContainerName('koro_test1')).toEqual({ ok: true, value: 'koro_test1' });
    expect(checkContainerName('/client')).toEqual({ ok: true, value: 'client' });
    expect(checkContainerName('0123456789ab')).toEqual({ ok: true, value: '0123456789ab' });
  });

  it('refuses names that do not start with a letter or digit, or hold other characters', () => {
    const reason = 'container names are letters, digits and _ . - (starting with a letter or digit)';
    for (const name of ['', '_x', '.x', '-x', 'a b', 'fire%wall', 'a/b', 'x'.repeat(129)]) {
      expect(checkContainerName(name), name).toEqual({ ok: false, reason });
    }
  });
});

describe('checkNamespacePath', () => {
  it('accepts absolute paths', () => {
    expect(checkNamespacePath('/proc/42/ns/net')).toEqual({ ok: true, value: '/proc/42/ns/net' });
    expect(checkNamespacePath('/var/run/netns/test1')).toEqual({ ok: true, value: '/var/run/netns/test1' });
  });

  it('refuses relative paths, ".." and control characters', () => {
    expect(checkNamespacePath('proc/42/ns/net')).toEqual({ ok: false, reason: 'namespace path must be absolute (e.g. /proc/1234/ns/net)' });
    expect(checkNamespacePath('/var/run/netns/../x')).toEqual({ ok: false, reason: 'namespace path must not contain ".."' });
    expect(checkNamespacePath('/var/run/netns/a\nb')).toEqual({ ok: false, reason: 'namespace path must not contain control characters' });
  });
});

describe('parseInteger', () => {
  it('accepts whole numbers within the bounds, bounds included', () => {
    expect(parseInteger('1', 1, 4094)).toEqual({ ok: true, value: 1 });
    expect(parseInteger('4094', 1, 4094)).toEqual({ ok: true, value: 4094 });
  });

  it('refuses numbers outside the bounds', () => {
    expect(parseInteger('0', 1, 4094)).toEqual({ ok: false, reason: 'must be from 1 to 4094' });
    expect(parseInteger('4095', 1, 4094)).toEqual({ ok: false, reason: 'must be from 1 to 4094' });
  });

  it('refuses anything that is not plain digits', () => {
    for (const t of ['', '-1', '1.5', '1e3', '0x10', ' 1', 'abc']) {
      expect(parseInteger(t, 0, 100), t).toEqual({ ok: false, reason: 'must be a whole number from 0 to 100' });
    }
  });
});
