import type { Interface, InterfaceAddress } from './model.js';

/** The fields of iproute2's JSON that chainmail reads. */
interface IpLinkJson {
  ifindex: number;
  ifname: string;
  flags?: string[];
  mtu?: number;
  operstate?: string;
  address?: string;
  link?: string | null;
  link_index?: number;
  link_netnsid?: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
  addr_info?: Array<{ family?: string; local?: string; prefixlen?: number; scope?: string }>;
}

/** Pure: `ip -j -d addr show` (or `link show`) output -> interfaces. */
export function parseIpAddrJson(text: string): Interface[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const raw = JSON.parse(trimmed) as IpLinkJson[];
  return raw.map(toInterface);
}

function toInterface(j: IpLinkJson): Interface {
  const info = j.linkinfo;
  const data = info?.info_data ?? {};
  const flags = j.flags ?? [];
  const kind = info?.info_kind ?? (flags.includes('LOOPBACK') ? 'loopback' : 'device');
  const iface: Interface = {
    ifindex: j.ifindex,
    name: j.ifname,
    kind,
    state: j.operstate ?? 'UNKNOWN',
    adminUp: flags.includes('UP'),
    mtu: j.mtu ?? 0,
    addresses: (j.addr_info ?? []).flatMap(toAddress),
  };
  if (j.address) iface.mac = j.address;
  if (typeof j.link === 'string') iface.linkName = j.link;
  if (j.link_index !== undefined) iface.linkIndex = j.link_index;
  if (j.link_netnsid !== undefined) iface.linkNetnsId = j.link_netnsid;
  if (kind === 'vxlan') {
    iface.vxlan = { vni: Number(data.id) };
    if (typeof data.remote === 'string') iface.vxlan.remote = data.remote;
    else if (typeof data.remote6 === 'string') iface.vxlan.remote = data.remote6;
    if (typeof data.port === 'number') iface.vxlan.port = data.port;
    if (typeof data.link === 'string') iface.vxlan.parent = data.link;
  }
  if (kind === 'vlan' && typeof data.id === 'number') iface.vlanId = data.id;
  if ((kind === 'macvlan' || kind === 'macvtap') && typeof data.mode === 'string') iface.macvlanMode = data.mode;
  return iface;
}

function toAddress(a: { family?: string; local?: string; prefixlen?: number; scope?: string }): InterfaceAddress[] {
  if (!a.local || a.prefixlen === undefined) return [];
  if (a.family !== 'inet' && a.family !== 'inet6') return [];
  return [{ family: a.family === 'inet' ? 4 : 6, address: a.local, prefix: a.prefixlen, scope: a.scope ?? 'global' }];
}

/** Addresses a user assigned (not link-local IPv6 or loopback), as CIDR text. */
export function assignedAddresses(iface: Interface): string[] {
  return iface.addresses.filter((a) => a.scope !== 'link' && a.scope !== 'host').map((a) => `${a.address}/${a.prefix}`);
}
