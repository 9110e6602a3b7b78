import type { Cidr } from '../parse/values.js';
import type { RouteDestination } from '../parse/koro.js';

/**
 * A chain file, as written by the user and checked by the loader
 * (chain/file.ts). Only what the user wrote is here; what can be derived
 * (addresses from subnets, routes, forwarding) is derived by chain/derive.ts.
 */
export interface ChainSpec {
  name: string;
  /** Where it was read from, for messages. */
  file?: string;
  nodes: NodeSpec[];
  links: LinkSpec[];
  /** Extra routes, added to the derived ones (a derived route to the same destination is replaced). */
  routes: RouteSpec[];
  /** Nodes with forwarding on; when absent, every node with two or more links forwards. */
  forwarding?: string[];
  firewall: FirewallRuleSpec[];
  probes: ProbeSpec[];
  /** The machines the chain spans; when given, every node names its host. */
  hosts?: HostSpec[];
}

/** A machine of a chain that spans several, joined by its underlay network. */
export interface HostSpec {
  name: string;
  /** Its address on the underlay: where the other hosts send its vxlan traffic. */
  address: string;
  /** The interface holding that address; found by the address when absent. */
  interface?: string;
}

export interface NodeSpec {
  name: string;
  /** Docker only: the image (overridden by --image) and the command it runs. */
  image?: string;
  command?: string[];
  /** Serve HTTP from inside the node: chainmail starts a small server there. */
  serve?: { port: number; body?: string };
  /** The host it runs on (chain files with hosts:). */
  host?: string;
}

export interface LinkEndSpec {
  node: string;
  ifname: string;
}

export interface LinkSpec {
  a: LinkEndSpec;
  b: LinkEndSpec;
  /** The link's subnet; a gets its first host address, b the second. */
  subnet?: Cidr;
  /** Explicit addresses, instead of a subnet: [a's, b's]. */
  addresses?: [Cidr, Cidr];
  /** Across hosts only: the vxlan's VNI (derived from the chain when absent) and MTU. */
  vni?: number;
  mtu?: number;
}

export interface RouteSpec {
  node: string;
  destination: RouteDestination;
  via: string;
  dev?: string;
}

export interface FirewallRuleSpec {
  node: string;
  /** iptables words for the FORWARD chain, e.g. ['-p', 'icmp', '-j', 'DROP']. */
  rule: string[];
}

export interface ProbeSpec {
  from: string;
  kind: 'ping' | 'http';
  /** An address, a URL, or a node name (its first address; for http its served port). */
  to: string;
  /** What must happen: 'ok' (reply / HTTP < 400), 'fail', or an exact HTTP status. */
  expect: 'ok' | 'fail' | number;
}

/** The state a chain means, everything derived: what `chain up` makes and `chain status` checks. */
export interface DesiredChain {
  name: string;
  nodes: NodeSpec[];
  links: DesiredLink[];
  routes: DesiredRoute[];
  forwarding: string[];
  firewall: FirewallRuleSpec[];
  probes: DesiredProbe[];
  /** The ends of links to other hosts, when the chain is one host's part (chain/hosts.ts). */
  vxlans?: DesiredVxlanEnd[];
}

export interface DesiredLinkEnd extends LinkEndSpec {
  address: Cidr;
}

export interface DesiredLink {
  a: DesiredLinkEnd;
  b: DesiredLinkEnd;
  /** A link between nodes on two hosts: a vxlan at each end. */
  vxlan?: VxlanSpec;
}

/** How a link between two hosts crosses the underlay. */
export interface VxlanSpec {
  vni: number;
  /** UDP destination port: koko's (and the IANA) 4789. */
  port: number;
  mtu: number;
  /** The hosts of end a and end b. */
  hosts: [HostSpec, HostSpec];
}

/** One host's end of a link to another host: a vxlan in its node, on the host's underlay. */
export interface DesiredVxlanEnd extends DesiredLinkEnd {
  vni: number;
  port: number;
  mtu: number;
  /** This host (its underlay address and interface) and the far one's address. */
  local: HostSpec;
  remote: string;
  /** The node at the far end, for messages. */
  peer: LinkEndSpec;
}

export interface DesiredRoute {
  node: string;
  destination: RouteDestination;
  via: string;
  dev: string;
  /** Derived from the links, or written in the file. */
  origin: 'derived' | 'file';
}

export interface DesiredProbe {
  from: string;
  kind: 'ping' | 'http';
  /** For ping an address, for http a URL. */
  target: string;
  expect: 'ok' | 'fail' | number;
}

/** How a chain is brought up: on namespaces, or on Docker containers. */
export interface ChainOptions {
  docker: boolean;
  /** Docker: the image of every node, overriding the file. */
  image?: string;
  /** A chain spanning hosts: the host whose part this is (chain up --as). */
  host?: string;
}
