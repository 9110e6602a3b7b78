/**
 * Pure arithmetic on addresses and subnets: hosts of a subnet, containment
 * and overlap, values as numbers, and the exact cover that summarizes a
 * node's routes. Chain derivation, the file reader and healing share it.
 */
import type { RouteDestination } from '../parse/koro.js';
import { networkOf, type Cidr } from '../parse/values.js';

export const BITS = { 4: 32, 6: 128 } as const;

/**
 * The index-th usable host of a subnet (0 = first), with the subnet's prefix.
 * Point-to-point subnets (/31, /127) have no network or broadcast address to
 * skip, so their hosts start at the network address.
 */
export function hostAddress(subnet: Cidr, index: number): Cidr {
  const pointToPoint = subnet.prefix === BITS[subnet.family] - 1;
  const value = addressValue(networkOf(subnet)) + BigInt(index + (pointToPoint ? 0 : 1));
  return { family: subnet.family, address: addressText(subnet.family, value), prefix: subnet.prefix };
}

/** Whether an address (any prefix ignored) lies inside a subnet. */
export function subnetContains(subnet: Cidr, address: { family: 4 | 6; address: string }): boolean {
  if (subnet.family !== address.family) return false;
  return networkOf({ ...address, prefix: subnet.prefix }).address === networkOf(subnet).address;
}

export function subnetsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const prefix = Math.min(a.prefix, b.prefix);
  return networkOf({ ...a, prefix }).address === networkOf({ ...b, prefix }).address;
}

/** A subnet as the numbers it spans: from `first` up to, not including, `end`. */
export interface AddressRange {
  family: 4 | 6;
  first: bigint;
  end: bigint;
}

export function addressRange(subnet: Cidr): AddressRange {
  const first = addressValue(networkOf(subnet));
  return { family: subnet.family, first, end: first + subnetSize(subnet) };
}

/** subnetsOverlap on ranges worked out once, for comparing many subnets with each other. */
export const rangesOverlap = (a: AddressRange, b: AddressRange): boolean => a.family === b.family && a.first < b.end && b.first < a.end;

/** IPv4 network or broadcast address of a subnet with room for both (prefix up to /30). */
export function isNetworkOrBroadcast(address: Cidr): boolean {
  if (address.family !== 4 || address.prefix > 30) return false;
  const value = addressValue(address);
  const network = addressValue(networkOf(address));
  return value === network || value === network + subnetSize(address) - 1n;
}

/** How many addresses a subnet spans. */
export function subnetSize(subnet: Cidr): bigint {
  return 1n << BigInt(BITS[subnet.family] - subnet.prefix);
}

export function addressValue(address: { family: 4 | 6; address: string }): bigint {
  if (address.family === 4) {
    return address.address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  }
  return ipv6Value(address.address);
}

export function addressText(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const hextets: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) hextets.push(((value >> shift) & 0xffffn).toString(16));
  // networkOf with a full-length prefix prints IPv6 the way iproute2 does
  return networkOf({ family: 6, address: hextets.join(':'), prefix: 128 }).address;
}

function ipv6Value(address: string): bigint {
  let text = address;
  const v4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4Tail) {
    const [hi, lo] = [Number(v4Tail[1]) * 256 + Number(v4Tail[2]), Number(v4Tail[3]) * 256 + Number(v4Tail[4])];
    text = `${text.slice(0, v4Tail.index)}${hi.toString(16)}:${lo.toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...zeros, ...tailParts].reduce((acc, part) => (acc << 16n) | BigInt(parseInt(part, 16)), 0n);
}

/** An address as it goes in a URL: IPv6 in brackets. */
export function urlHost(address: { family: 4 | 6; address: string }): string {
  return address.family === 6 ? `[${address.address}]` : address.address;
}

export function sameDestination(a: RouteDestination, b: RouteDestination): boolean {
  if (a.kind === 'default') return b.kind === 'default' && a.family === b.family;
  if (b.kind === 'default') return false;
  return a.prefix.family === b.prefix.family && a.prefix.prefix === b.prefix.prefix && networkOf(a.prefix).address === networkOf(b.prefix).address;
}

/** A prefix as numbers: its network address's value and its length. */
export interface Block {
  value: bigint;
  prefix: number;
}

export const blockOf = (subnet: Cidr): Block => ({ value: addressValue(networkOf(subnet)), prefix: subnet.prefix });

/**
 * Pure: the fewest prefixes whose union is exactly the union of `subnets`
 * (one family), ordered by the first subnet each covers. Two halves of a
 * prefix merge into it only when both are present, so a summary never claims
 * an address outside the subnets and every address keeps its next hop.
 */
export function exactCover(subnets: readonly Cidr[]): Cidr[] {
  const family = subnets[0]?.family ?? 4;
  return coverBlocks(family, subnets.map(blockOf)).map((b) => ({ family, address: addressText(family, b.value), prefix: b.prefix }));
}

export function coverBlocks(family: 4 | 6, blocks: readonly Block[]): Block[] {
  const bits = BITS[family];
  const sizeOf = (prefix: number) => 1n << BigInt(bits - prefix);
  // by address, the wider first: a block starting inside the last one kept is nested in it
  const byPrefix = new Map<number, Set<bigint>>();
  let end = -1n;
  const byAddress = (x: Block, y: Block) => (x.value === y.value ? x.prefix - y.prefix : x.value < y.value ? -1 : 1);
  const sorted = blocks.every((b, i) => i === 0 || byAddress(blocks[i - 1]!, b) <= 0) ? blocks : [...blocks].sort(byAddress);
  for (const b of sorted) {
    if (b.value < end) continue;
    end = b.value + sizeOf(b.prefix);
    const level = byPrefix.get(b.prefix) ?? new Set<bigint>();
    level.add(b.value);
    byPrefix.set(b.prefix, level);
  }
  // from the longest prefix up, two halves present become their parent
  for (let prefix = bits; prefix > 0; prefix--) {
    const level = byPrefix.get(prefix);
    if (!level) continue;
    const size = sizeOf(prefix);
    for (const value of [...level]) {
      if ((value & size) !== 0n || !level.has(value + size)) continue;
      level.delete(value);
      level.delete(value + size);
      const parent = byPrefix.get(prefix - 1) ?? new Set<bigint>();
      parent.add(value);
      byPrefix.set(prefix - 1, parent);
    }
  }
  const cover = [...byPrefix].flatMap(([prefix, values]) => [...values].map((value) => ({ value, prefix }))).sort((x, y) => (x.value < y.value ? -1 : 1));
  // in the order of the first block each one covers (a binary search: cover blocks are disjoint)
  const covering = (value: bigint): Block => {
    let lo = 0;
    let hi = cover.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cover[mid]!.value <= value) lo = mid;
      else hi = mid - 1;
    }
    return cover[lo]!;
  };
  const ordered = new Set<Block>();
  let last: Block | undefined;
  for (const b of blocks) {
    // neighbours in a chain's link order mostly fall in the same cover block
    if (!last || b.value < last.value || b.value >= last.value + sizeOf(last.prefix)) last = covering(b.value);
    ordered.add(last);
  }
  return [...ordered];
}
