import { commandIn, ipIn, type Namespace } from '../targets/namespace.js';
import { parseIpAddrJson } from './ip-json.js';
import type { Interface } from './model.js';
import { query, queryOutput, queryWithInput as runQuery } from '../net/executor.js';
import { runInEach } from '../sys/fan-out.js';
import { mirrorCandidates, onlyMirrorsOnto, type MirrorCandidate } from '../net/tc-mirrors.js';

export async function readInterfaces(ns: Namespace): Promise<Interface[]> {
  return parseIpAddrJson(await query(ipIn(ns, ['-j', '-d', 'addr', 'show']), `read the interfaces of ${ns.label}`));
}

/**
 * readInterfaces for many namespaces from a few processes (sys/fan-out.ts):
 * each namespace's interfaces, or the error reading it gave, in their order.
 */
export async function readInterfacesOfEach(namespaces: readonly Namespace[]): Promise<Array<Interface[] | Error>> {
  const results = await runInEach(['ip', '-j', '-d', 'addr', 'show'], namespaces);
  return results.map((r, i) => attempt(() => parseIpAddrJson(queryOutput(r, `read the interfaces of ${namespaces[i]!.label}`))));
}

/** readNetnsIds for many namespaces from a few processes: each one's names, or its error. */
export async function readNetnsIdsOfEach(namespaces: readonly Namespace[]): Promise<Array<Record<number, string> | Error>> {
  const results = await runInEach(['ip', '-j', 'netns', 'list-id'], namespaces);
  return results.map((r, i) => attempt(() => parseNetnsIds(queryOutput(r, `read the namespace ids of ${namespaces[i]!.label}`))));
}

/** The value, or the error computing it threw. */
function attempt<T>(fn: () => T): T | Error {
  try {
    return fn();
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

export interface NamespaceReading {
  interfaces: Interface[];
  /** The ids this namespace gives other namespaces, with the `ip netns` name where there is one. */
  netnsIds: Record<number, string>;
}

/** Interfaces and namespace ids in one `ip -batch` process. */
export async function readNamespace(ns: Namespace): Promise<NamespaceReading> {
  const out = await runQuery(ipIn(ns, ['-j', '-d', '-batch', '-']), 'addr show\nnetns list-id\n', `read the interfaces of ${ns.label}`);
  const [addrs = '', ids = ''] = out.split('\n');
  return { interfaces: parseIpAddrJson(addrs), netnsIds: parseNetnsIds(ids) };
}

/** The names behind the namespace ids this namespace gives others (`ip netns list-id`). */
export async function readNetnsIds(ns: Namespace): Promise<Record<number, string>> {
  return parseNetnsIds(await query(ipIn(ns, ['-j', 'netns', 'list-id']), `read the namespace ids of ${ns.label}`));
}

function parseNetnsIds(text: string): Record<number, string> {
  const netnsIds: Record<number, string> = {};
  for (const entry of (text.trim() ? JSON.parse(text) : []) as Array<{ nsid: number; name?: string }>) {
    if (entry.name) netnsIds[entry.nsid] = entry.name;
  }
  return netnsIds;
}

export interface Route {
  family: 4 | 6;
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags: string[];
}

interface RouteJson {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags?: string[];
  type?: string;
}

/** Pure: `ip -j route show` output -> routes. */
export function parseRoutesJson(text: string, family: 4 | 6): Route[] {
  const trimmed = text.trim();
  return trimmed ? routesFromJson(JSON.parse(trimmed) as RouteJson[], family) : [];
}

function routesFromJson(routes: readonly RouteJson[], family: 4 | 6): Route[] {
  return routes.map((r) => ({
    family,
    dst: r.dst,
    ...(r.gateway ? { gateway: r.gateway } : {}),
    ...(r.dev ? { dev: r.dev } : {}),
    ...(r.protocol ? { protocol: r.protocol } : {}),
    ...(r.scope ? { scope: r.scope } : {}),
    ...(r.prefsrc ? { prefsrc: r.prefsrc } : {}),
    ...(r.metric !== undefined ? { metric: r.metric } : {}),
    flags: r.flags ?? [],
  }));
}

/** The main routing table, IPv4 then IPv6. */
export async function readRoutes(ns: Namespace): Promise<Route[]> {
  const [v4, v6] = await Promise.all([
    query(ipIn(ns, ['-j', '-4', 'route', 'show', 'table', 'main']), `read the IPv4 routes of ${ns.label}`),
    query(ipIn(ns, ['-j', '-6', 'route', 'show', 'table', 'main']), `read the IPv6 routes of ${ns.label}`),
  ]);
  return [...parseRoutesJson(v4, 4), ...parseRoutesJson(v6, 6)];
}

/** What `chain up` and `chain status` need of a node, read by one process. */
export interface NodeState {
  interfaces: Interface[];
  /** The main table, both families. */
  routes: Route[];
  forwarding: { ipv4: boolean; ipv6: boolean };
}

/** The `ip -batch` that reads a node's state: interfaces, every table's routes, forwarding. */
const NODE_STATE_BATCH = 'addr show\nroute show table all\nnetconf show\n';

/**
 * Interfaces, routes and forwarding in one `ip -batch`: per node, one process
 * instead of four, which is most of what reading a few hundred nodes costs.
 */
export async function readNodeState(ns: Namespace): Promise<NodeState> {
  // through nsenter rather than `ip -n`, which gives the process a mount namespace and /sys of its
  // own: with a thousand namespaces on the host that read took three times as long
  const out = await runQuery(commandIn(ns, ['ip', '-j', '-d', '-batch', '-']), NODE_STATE_BATCH, `read the state of ${ns.label}`);
  return parseNodeState(out);
}

/**
 * readNodeState for many nodes from a few processes (sys/fan-out.ts): each
 * node's state, or the error reading it gave, in their order.
 */
export async function readNodeStates(namespaces: readonly Namespace[]): Promise<Array<NodeState | Error>> {
  const results = await runInEach(['ip', '-j', '-d', '-batch', '-'], namespaces, { input: NODE_STATE_BATCH });
  return results.map((r, i) => attempt(() => parseNodeState(queryOutput(r, `read the state of ${namespaces[i]!.label}`))));
}

interface NetconfJson {
  family: string;
  interface: string;
  forwarding?: boolean;
}

/** Pure: the three JSON lines of readNodeState's batch. */
export function parseNodeState(text: string): NodeState {
  const [addrs = '', routes = '', netconf = ''] = text.split('\n');
  const all = (routes.trim() ? JSON.parse(routes) : []) as Array<RouteJson & { table?: string; pref?: string }>;
  // only IPv6 routes carry a router preference; the family is not printed otherwise
  const main = all.filter((r) => r.table === undefined || r.table === 'main');
  const v4 = main.filter((r) => r.pref === undefined);
  const v6 = main.filter((r) => r.pref !== undefined);
  const conf = (netconf.trim() ? JSON.parse(netconf) : []) as NetconfJson[];
  const forwarding = (family: string) => conf.find((c) => c.family === family && c.interface === 'all')?.forwarding === true;
  return {
    interfaces: parseIpAddrJson(addrs),
    routes: [...routesFromJson(v4, 4), ...routesFromJson(v6, 6)],
    forwarding: { ipv4: forwarding('inet'), ipv6: forwarding('inet6') },
  };
}

/**
 * The qdiscs in `ns` that exist only to mirror other interfaces onto
 * `target` (see tc-mirrors.ts). One `tc qdisc show`; filters are read only
 * where there is an ingress or htb root qdisc, which is rare.
 */
export async function readMirrorsOnto(ns: Namespace, target: string): Promise<MirrorCandidate[]> {
  const candidates = mirrorCandidates(await query(commandIn(ns, ['tc', '-j', 'qdisc', 'show']), `read the qdiscs of ${ns.label}`), target);
  const mirrors = await Promise.all(
    candidates.map(async (c) => {
      const filters = await query(commandIn(ns, ['tc', '-j', 'filter', 'show', 'dev', c.dev, 'parent', c.handle]), `read the filters of ${c.dev} in ${ns.label}`);
      return onlyMirrorsOnto(filters, target) ? [c] : [];
    }),
  );
  return mirrors.flat();
}
