import type { Namespace } from '../targets/namespace.js';

export interface InterfaceAddress {
  family: 4 | 6;
  address: string;
  prefix: number;
  scope: string;
}

/** One interface as the kernel reports it (`ip -j -d addr show`). */
export interface Interface {
  ifindex: number;
  name: string;
  /** veth, vxlan, vlan, macvlan, bridge, ... or 'device' when the kernel gives no kind. */
  kind: string;
  /** operstate: UP, DOWN, LOWERLAYERDOWN, UNKNOWN ... */
  state: string;
  adminUp: boolean;
  mtu: number;
  mac?: string;
  addresses: InterfaceAddress[];
  /** The other end (veth) or the parent (vlan, macvlan, vxlan), by name when in this namespace... */
  linkName?: string;
  /** ...or by ifindex and the id this namespace gives the other namespace. */
  linkIndex?: number;
  linkNetnsId?: number;
  vxlan?: { vni: number; remote?: string; port?: number; parent?: string };
  vlanId?: number;
  macvlanMode?: string;
}

export interface TargetState {
  ns: Namespace;
  /** For containers: running, exited, ...; namespaces: 'present'. */
  status: string;
  interfaces: Interface[];
  /** Ids this namespace gives to named (`ip netns`) namespaces: nsid -> name. */
  netnsIds?: Record<number, string>;
  /** Set when this namespace could not be read (it vanished, no permission). */
  error?: string;
}

export interface EndRef {
  target: string;
  ifname: string;
  addresses: string[];
}

/** A link resolved to both ends, or to an end and its parent. */
export interface TopologyLink {
  kind: 'veth' | 'vxlan' | 'vlan' | 'macvlan';
  a: EndRef;
  /** veth peer, or the parent interface of vxlan/vlan/macvlan (absent when not found). */
  b?: EndRef;
  vni?: number;
  remote?: string;
  /** vxlan UDP destination port. */
  port?: number;
  vlanId?: number;
  mode?: string;
}

export interface Topology {
  targets: TargetState[];
  links: TopologyLink[];
  /** What could not be looked at (e.g. the Docker engine is down). */
  warnings: string[];
}
