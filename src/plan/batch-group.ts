/**
 * Pure: which lines of a batch run together, and the `ip -batch` text of such
 * a group. A process costs more than the netlink work of a line, so
 * consecutive koko veth, koro add and forward lines are run as `chain up`
 * runs a chain: every veth pair of the group made by one host batch (each
 * straight into its two namespaces, under koko's temporary names), then one
 * batch per namespace with that namespace's lines in the order of the file
 * (addresses, the rename that completes a link, routes), then forwarding.
 * Each batch line knows the file line it came from and how to take it back,
 * so a failing group can be undone exactly and replayed line by line (the
 * lines before the failing one applied, the failing one with its own error).
 */
import type { KokoCreateCommand } from '../parse/koko.js';
import { formatDestination, type KoroCommand, type RouteDestination } from '../parse/koro.js';
import type { LineCommand } from '../parse/prompt-command.js';
import { formatCidr } from '../parse/values.js';
import type { ForwardCommand } from '../parse/verbs.js';
import type { TargetSpec } from '../parse/target.js';
import { firstFreeIfindex } from '../net/ifindex.js';
import { temporaryName } from '../net/temporary-name.js';
import type { Namespace } from '../targets/namespace.js';
import type { Interface } from '../topology/model.js';
import { addressLine, BATCH_SAFE_PATH, summarize } from './koko.js';
import { planKoroChange } from './koro.js';

type KokoVeth = Extract<KokoCreateCommand, { action: 'veth' }>;
type KoroAdd = Extract<KoroCommand, { action: 'add' | 'del' }> & { action: 'add' };
type ForwardSet = ForwardCommand & { setting: 'on' | 'off' };

/** A line that can run as part of a group. */
export type GroupedCommand = KokoVeth | KoroAdd | ForwardSet;

const inNamespace = (t: TargetSpec): boolean => t.kind !== 'host';

/**
 * Pure: whether a line can join a group: a veth between two namespaces with
 * IPv4 addresses and no mirrors, an IPv4 address or route added by koro, a
 * forwarding switch. Everything else (IPv6, which Docker may have turned
 * off; mirrors; deletions; reads; other verbs) runs on its own, in order.
 */
export function isGroupable(cmd: LineCommand | undefined): cmd is GroupedCommand {
  if (!cmd) return false;
  switch (cmd.verb) {
    case 'koko':
      return cmd.action === 'veth' && cmd.ends.every((e) => inNamespace(e.target) && e.mirrors.length === 0 && e.addresses.every((a) => a.family === 4));
    case 'koro':
      if (cmd.action !== 'add' || !inNamespace(cmd.target)) return false;
      return cmd.object === 'address' ? cmd.address.family === 4 : routeFamily(cmd) === 4;
    case 'forward':
      return cmd.setting !== undefined && inNamespace(cmd.target);
    default:
      return false;
  }
}

function routeFamily(cmd: { destination: RouteDestination }): 4 | 6 {
  return cmd.destination.kind === 'default' ? cmd.destination.family : cmd.destination.prefix.family;
}

/** A run of lines, by index: [start, end). */
export interface LineRun {
  start: number;
  end: number;
}

/**
 * Pure: the runs of two or more consecutive groupable lines. Forwarding is
 * set after a group's batches, so a forward line can only be followed in
 * its group by other forward lines: a koko or koro line after it starts a
 * new group, and the order of the file is kept.
 */
export function groupRuns(commands: ReadonlyArray<LineCommand | undefined>): LineRun[] {
  const runs: LineRun[] = [];
  let start = -1;
  let forwardSeen = false;
  const close = (end: number) => {
    if (start >= 0 && end - start >= 2) runs.push({ start, end });
    start = -1;
    forwardSeen = false;
  };
  commands.forEach((cmd, i) => {
    if (!isGroupable(cmd)) return close(i);
    if (forwardSeen && cmd.verb !== 'forward') close(i);
    if (start < 0) start = i;
    if (cmd.verb === 'forward') forwardSeen = true;
  });
  close(commands.length);
  return runs;
}

/** The namespaces a grouped line names, in order (both ends of a veth, else its one target). */
export function targetsOf(cmd: GroupedCommand): TargetSpec[] {
  return cmd.verb === 'koko' ? cmd.ends.map((e) => e.target) : [cmd.target];
}

/** A namespace as the group sees it: what it held when read, under the group's lock. */
export interface NamespaceState {
  ns: Namespace;
  /** Identity (device:inode of its file): two spellings of one namespace are one. */
  identity: string;
  interfaces: readonly Interface[];
}

/** A line of the group with its namespaces resolved (in the order of targetsOf). */
export interface GroupInput {
  cmd: GroupedCommand;
  namespaces: readonly NamespaceState[];
  /** A fresh tag for koko's temporary names (8 hex characters). */
  tag: string;
}

/** A line of some `ip -batch`, with the group line it belongs to and how to take it back. */
export interface BatchEntry {
  /** Index of the line in the group. */
  line: number;
  text: string;
  undo?: string;
}

/** A veth pair the group makes: deleting either end deletes both, with their addresses and routes. */
export interface GroupPair {
  line: number;
  /** Where the first end is (its namespace's identity), under its temporary and, once renamed, its final name. */
  identity: string;
  temp: string;
  final: string;
}

export interface GroupPlan {
  /** How many lines, from the first, the plan covers; the line after them must run on its own (it would fail, or cannot be batched). */
  taken: number;
  /** The host batch making every veth pair, one line each. */
  pairs: BatchEntry[];
  pairEnds: GroupPair[];
  /** One batch per namespace (by identity), its lines in the file's order. */
  perNamespace: Map<string, { ns: Namespace; entries: BatchEntry[] }>;
  /** Forwarding switches, in order, after every batch. */
  forwards: Array<{ line: number; ns: Namespace; value: '0' | '1' }>;
  /** What each taken line reports when done (the verb's own words), and its --json value without the time. */
  results: Array<{ summary: string; json: Record<string, unknown> }>;
}

/** The sysctl keys a forward line sets (IPv6 is absent from kernels without it, hence -e). */
export function forwardArgs(value: '0' | '1'): string[] {
  return ['sysctl', '-e', '-w', `net.ipv4.ip_forward=${value}`, `net.ipv6.conf.all.forwarding=${value}`];
}

/**
 * Pure: the batches of a group, given what its namespaces hold. Lines are
 * taken in order while each is sure to be accepted as far as the reads can
 * tell (names free, the device there, the address not already on it); the
 * first that is not ends the plan, and runs alone to fail as it does alone.
 */
export function planGroup(lines: readonly GroupInput[]): GroupPlan {
  const plan: GroupPlan = { taken: 0, pairs: [], pairEnds: [], perNamespace: new Map(), forwards: [], results: [] };
  const names = new Map<string, Set<string>>();
  const addresses = new Map<string, Set<string>>();
  const highest = new Map<string, number>();
  const state = (s: NamespaceState) => {
    if (!names.has(s.identity)) {
      names.set(s.identity, new Set(s.interfaces.map((i) => i.name)));
      addresses.set(s.identity, new Set(s.interfaces.flatMap((i) => i.addresses.map((a) => `${i.name} ${a.address}/${a.prefix}`))));
      highest.set(s.identity, firstFreeIfindex(s.interfaces) - 1);
    }
    return { names: names.get(s.identity)!, addresses: addresses.get(s.identity)!, highest: highest.get(s.identity)! };
  };
  const batchOf = (s: NamespaceState) => {
    let b = plan.perNamespace.get(s.identity);
    if (!b) plan.perNamespace.set(s.identity, (b = { ns: s.ns, entries: [] }));
    return b.entries;
  };

  for (const [index, { cmd, namespaces, tag }] of lines.entries()) {
    if (cmd.verb === 'koko') {
      const [a, b] = namespaces as [NamespaceState, NamespaceState];
      const [ea, eb] = cmd.ends;
      const sa = state(a);
      const sb = state(b);
      const sameName = a.identity === b.identity && ea.ifname === eb.ifname;
      if (sameName || sa.names.has(ea.ifname) || sb.names.has(eb.ifname) || !BATCH_SAFE_PATH.test(a.ns.path) || !BATCH_SAFE_PATH.test(b.ns.path)) break;
      const ia = Math.max(sa.highest, sb.highest) + 1;
      const ib = ia + 1;
      highest.set(a.identity, Math.max(highest.get(a.identity)!, ia, a.identity === b.identity ? ib : 0));
      highest.set(b.identity, Math.max(highest.get(b.identity)!, ib));
      const [ta, tb] = [temporaryName(tag, 'a'), temporaryName(tag, 'b')];
      const mtu = cmd.mtu !== undefined ? ` mtu ${cmd.mtu}` : '';
      plan.pairs.push({ line: index, text: `link add name ${ta} index ${ia}${mtu} netns ${a.ns.path} type veth peer name ${tb} index ${ib} netns ${b.ns.path}${mtu}` });
      plan.pairEnds.push({ line: index, identity: a.identity, temp: ta, final: ea.ifname });
      for (const [s, end, temp] of [
        [a, ea, ta],
        [b, eb, tb],
      ] as const) {
        const entries = batchOf(s);
        for (const address of end.addresses) entries.push({ line: index, text: addressLine(temp, address) });
        // the rename last, as koko does: the final name appears only on a complete link
        entries.push({ line: index, text: `link set dev ${temp} name ${end.ifname} up` });
        state(s).names.add(end.ifname);
        for (const address of end.addresses) state(s).addresses.add(`${end.ifname} ${formatCidr(address)}`);
      }
      plan.results.push({
        summary: `created ${summarize(cmd, [
          { end: ea, ns: a.ns },
          { end: eb, ns: b.ns },
        ])}`,
        json: {
          ok: true,
          action: 'create',
          kind: 'veth',
          ends: [
            { end: ea, ns: a.ns },
            { end: eb, ns: b.ns },
          ].map(({ end, ns }) => ({ target: ns.label, ifname: end.ifname, addresses: end.addresses.map(formatCidr), mirrors: end.mirrors })),
        },
      });
    } else if (cmd.verb === 'koro') {
      const s = namespaces[0]!;
      const st = state(s);
      if (cmd.object === 'address') {
        const cidr = formatCidr(cmd.address);
        if (!st.names.has(cmd.dev) || st.addresses.has(`${cmd.dev} ${cidr}`)) break;
        batchOf(s).push({ line: index, text: addressLine(cmd.dev, cmd.address), undo: `addr del ${cidr} dev ${cmd.dev}` });
        st.addresses.add(`${cmd.dev} ${cidr}`);
      } else {
        if (cmd.dev !== undefined && !st.names.has(cmd.dev)) break;
        const route = `${formatDestination(cmd.destination)}${cmd.via ? ` via ${cmd.via}` : ''}${cmd.dev ? ` dev ${cmd.dev}` : ''}`;
        batchOf(s).push({ line: index, text: `route add ${route}`, undo: `route del ${route}` });
      }
      const { summary } = planKoroChange(cmd, s.ns);
      plan.results.push({ summary, json: { ok: true, target: s.ns.label, summary } });
    } else {
      const s = namespaces[0]!;
      plan.forwards.push({ line: index, ns: s.ns, value: cmd.setting === 'on' ? '1' : '0' });
      // forward's words come from what sysctl reports back (see forwardResult)
      plan.results.push({ summary: '', json: { target: s.ns.label } });
    }
    plan.taken = index + 1;
  }
  return plan;
}

/** Pure: forward's line and --json value from what `sysctl -w` printed back (one `key = value` per key it set). */
export function forwardResult(label: string, sysctlOutput: string): { summary: string; json: Record<string, unknown> } {
  const value = (key: string) => new RegExp(`^${key.replaceAll('.', '\\.')} = (\\d+)$`, 'm').exec(sysctlOutput)?.[1];
  const ipv4 = value('net.ipv4.ip_forward') === '1';
  const ipv6 = value('net.ipv6.conf.all.forwarding') === '1';
  const words = (on: boolean): string => (on ? 'on' : 'off');
  return { summary: `${label}: forwarding ipv4 ${words(ipv4)}, ipv6 ${words(ipv6)}`, json: { target: label, ipv4, ipv6 } };
}

/**
 * Pure: the lines that take back what ran of a group that failed, per
 * namespace (by identity): each batch's lines that ran, undone in reverse,
 * then every pair made deleted by both its names (one of them is gone).
 * `ranPerNamespace` is how many lines of each batch ran; `pairsMade` how
 * many lines of the pairs' batch did.
 */
export function undoLines(plan: GroupPlan, ranPerNamespace: ReadonlyMap<string, number>, pairsMade: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (identity: string, line: string) => {
    const list = out.get(identity) ?? [];
    list.push(line);
    out.set(identity, list);
  };
  const madeLines = new Set(plan.pairEnds.slice(0, pairsMade).map((p) => p.line));
  for (const [identity, { entries }] of plan.perNamespace) {
    const ran = entries.slice(0, ranPerNamespace.get(identity) ?? 0);
    for (const e of [...ran].reverse()) if (e.undo !== undefined) add(identity, e.undo);
  }
  for (const p of plan.pairEnds.slice(0, pairsMade).reverse()) {
    if (!madeLines.has(p.line)) continue;
    add(p.identity, `link del dev ${p.final}`);
    add(p.identity, `link del dev ${p.temp}`);
  }
  return out;
}
