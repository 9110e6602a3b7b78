import { isIPv4, isIPv6 } from 'node:net';

/** An address with its prefix length, as written by the user (`10.0.1.1/24`). */
export interface Cidr {
  family: 4 | 6;
  address: string;
  prefix: number;
}

export function formatCidr(c: Cidr): string {
  return `${c.address}/${c.prefix}`;
}

/** Why a value is bad, phrased to follow "bad <what> 'token': ". */
export type Invalid = { ok: false; reason: string };
export type Parsed<T> = { ok: true; value: T } | Invalid;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (reason: string): Invalid => ({ ok: false, reason });

export function parseIp(text: string): Parsed<{ family: 4 | 6; address: string }> {
  if (isIPv4(text)) return ok({ family: 4, address: text });
  // node accepts zone ids (fe80::1%eth0); iproute2 does not, so neither do we
  // the kernel's spelling (2001:db8::1), so what chainmail writes and reads back compare equal
  // an IPv6 address has a colon: the test spares words that are not one Node's IPv6 pattern, slow on its first use
  if (text.includes(':') && isIPv6(text) && !text.includes('%')) {
    // an embedded IPv4 tail (::ffff:1.2.3.4) is kept as written, as the kernel prints it
    const address = text.includes('.') ? text.toLowerCase() : bigIntToIpv6(ipv6ToBigInt(text.toLowerCase()));
    return ok({ family: 6, address });
  }
  return bad('not an IPv4 or IPv6 address');
}

export function parseCidr(text: string): Parsed<Cidr> {
  const slash = text.indexOf('/');
  if (slash < 0) return bad('missing /PREFIX (e.g. 10.0.1.1/24 or 2001:db8::1/64)');
  const ip = parseIp(text.slice(0, slash));
  if (!ip.ok) return bad(`${JSON.stringify(text.slice(0, slash))} is not an IPv4 or IPv6 address`);
  const prefixText = text.slice(slash + 1);
  const max = ip.value.family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    return bad(`prefix must be a number from 0 to ${max} for IPv${ip.value.family}`);
  }
  return ok({ ...ip.value, prefix: Number(prefixText) });
}

/** The network a CIDR lies in, with host bits cleared (`10.0.1.7/24` -> `10.0.1.0/24`). */
export function networkOf(c: Cidr): Cidr {
  if (c.family === 4) {
    const n = c.address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
    const net = (n & mask) >>> 0;
    const address = [24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.');
    return { family: 4, address, prefix: c.prefix };
  }
  const bits = ipv6ToBigInt(c.address);
  const mask = c.prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - c.prefix)) - 1n);
  return { family: 6, address: bigIntToIpv6(bits & mask), prefix: c.prefix };
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  // an embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    text = text.slice(0, v4.index) + `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const parts = [...headParts, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailParts];
  return parts.reduce((acc, p) => (acc << 16n) | BigInt(parseInt(p || '0', 16)), 0n);
}

function bigIntToIpv6(value: bigint): string {
  const parts: string[] = [];
  for (let i = 7; i >= 0; i--) parts.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // compress the longest run of zero hextets, as iproute2 prints it
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (parts[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { start: i, len: j - i };
    i = j;
  }
  if (best.start < 0) return parts.join(':');
  return `${parts.slice(0, best.start).join(':')}::${parts.slice(best.start + best.len).join(':')}`;
}

/**
 * Linux interface names: 1 to 15 bytes, and none of '/', ':', whitespace.
 * chainmail is stricter: printable ASCII letters, digits and `_ . - @ +`,
 * not starting with '-' (iproute2 would read it as an option), not "." or "..".
 */
export function checkInterfaceName(name: string): Parsed<string> {
  if (name.length === 0) return bad('interface name is empty');
  if (Buffer.byteLength(name) > 15) return bad(`interface name is ${Buffer.byteLength(name)} bytes, the kernel allows 15`);
  if (name === '.' || name === '..') return bad('"." and ".." are not interface names');
  if (name.startsWith('-')) return bad('interface name must not start with "-"');
  const badChar = /[^A-Za-z0-9_.@+-]/.exec(name);
  if (badChar) return bad(`interface name must not contain ${describeChar(badChar[0])}`);
  return ok(name);
}

/** Names of `ip netns` namespaces: files under /var/run/netns. */
export function checkNetnsName(name: string): Parsed<string> {
  if (name.length === 0) return bad('namespace name is empty');
  if (name === '.' || name === '..') return bad('"." and ".." are not namespace names');
  if (name.length > 200) return bad('namespace name is longer than 200 characters');
  if (name.startsWith('-')) return bad('namespace name must not start with "-"');
  const badChar = /[^A-Za-z0-9_.-]/.exec(name);
  if (badChar) return bad(`namespace name must not contain ${describeChar(badChar[0])}`);
  return ok(name);
}

/** Docker container names ([a-zA-Z0-9][a-zA-Z0-9_.-]*) or ids (hex). */
export function checkContainerName(name: string): Parsed<string> {
  const trimmed = name.startsWith('/') ? name.slice(1) : name;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(trimmed) || trimmed.length > 128) {
    return bad('container names are letters, digits and _ . - (starting with a letter or digit)');
  }
  return ok(trimmed);
}

export function checkNamespacePath(path: string): Parsed<string> {
  if (!path.startsWith('/')) return bad('namespace path must be absolute (e.g. /proc/1234/ns/net)');
  if (path.split('/').includes('..')) return bad('namespace path must not contain ".."');
  if (/[\x00-\x1f\x7f]/.test(path)) return bad('namespace path must not contain control characters');
  return ok(path);
}

export function parseInteger(text: string, min: number, max: number): Parsed<number> {
  if (!/^\d+$/.test(text)) return bad(`must be a whole number from ${min} to ${max}`);
  const n = Number(text);
  if (n < min || n > max) return bad(`must be from ${min} to ${max}`);
  return ok(n);
}

function describeChar(ch: string): string {
  if (ch === ' ') return 'spaces';
  if (/\s/.test(ch)) return 'whitespace';
  if (/[\x00-\x1f\x7f]/.test(ch)) return 'control characters';
  if (ch.charCodeAt(0) > 0x7e) return `non-ASCII characters (${JSON.stringify(ch)})`;
  return `"${ch}"`;
}

/**
 * Docker image references: [registry/]name[:tag][@digest], in Docker's
 * characters. Never starting with "-", so `docker run` cannot read one as an option.
 */
export function imageProblem(image: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(image) || image.length > 255) {
    return `${JSON.stringify(image)} is not an image name (e.g. busybox, chainmail-test:busybox, registry:5000/team/app:1.2)`;
  }
  return undefined;
}
