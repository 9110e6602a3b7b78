import { ChainmailError } from '../errors.js';
import { VXLAN_DEFAULT_PORT, type KokoCreateCommand, type KokoEndpoint, type Mirror } from '../parse/koko.js';
import { formatCidr, type Cidr } from '../parse/values.js';
import type { Step } from '../net/executor.js';
import { firstFreeIfindex } from '../net/ifindex.js';
import { temporaryName } from '../net/temporary-name.js';
import type { MirrorCandidate } from '../net/tc-mirrors.js';
import { commandIn, ipIn, type Namespace } from '../targets/namespace.js';
import type { Interface } from '../topology/model.js';

/** A koko endpoint with its namespace resolved and what it holds now. */
export interface PlannedEnd {
  end: KokoEndpoint;
  ns: Namespace;
  interfaces: readonly Interface[];
  /** The namespace's identity (device:inode of its file): two spellings of one namespace compare equal. */
  nsIdentity: string;
}

export interface KokoPlan {
  steps: Step[];
  /** One line of what will exist afterwards. */
  summary: string;
}

/** Exit code for a request that conflicts with what exists (name taken, parent missing). */
const EXIT_CONFLICT = 1;

function conflict(message: string): never {
  throw new ChainmailError(message, EXIT_CONFLICT);
}

/**
 * Pure: the steps that create a koko link, given what each namespace holds.
 *
 * Every new interface is born under a temporary unique name (`cm<tag>a`): a
 * veth pair straight in its two namespaces by one netlink request (moving an
 * interface between namespaces is slow in the kernel), a
 * vxlan, vlan or macvlan in the host and then moved. Each end then gets its
 * addresses, its final name and its up state in one `ip -batch` in its
 * namespace, the rename last: the final name appears only when the interface
 * is complete, two runs at once cannot collide on a name, and rollback
 * always knows where each piece is. Few processes matter: each costs more
 * than its netlink work, so when the first end of a veth needs nothing
 * between the pair's creation and its batch (an IPv6 sysctl, a mirror), and
 * the peer's namespace path can be one word of a batch line, the first line
 * of that batch makes the pair.
 */
export function planKokoCreate(cmd: KokoCreateCommand, ends: readonly PlannedEnd[], host: { ns: Namespace; interfaces: readonly Interface[] }, tag: string): KokoPlan {
  for (const e of ends) checkEndpoint(e);
  const [first, second] = ends;
  if (first && second && first.nsIdentity === second.nsIdentity && first.end.ifname === second.end.ifname) {
    conflict(`both ends are named "${first.end.ifname}" in the same namespace (${first.ns.label} is ${second.ns.label})`);
  }
  const steps: Step[] = [];
  const temps = ends.map((_, i) => temporaryName(tag, i === 0 ? 'a' : 'b'));
  let pairInFirstBatch: { describe: string; indexTaken: string; line: string } | undefined;
  const mtu = 'mtu' in cmd && cmd.mtu !== undefined ? ['mtu', String(cmd.mtu)] : [];

  if (cmd.action === 'veth') {
    const [a, b] = ends as [PlannedEnd, PlannedEnd];
    const [ta, tb] = temps as [string, string];
    // numbered by us: see net/ifindex.ts
    const ia = firstFreeIfindex([...a.interfaces, ...b.interfaces]);
    const ib = ia + 1;
    const into = (end: PlannedEnd) => (end.ns.kind === 'host' ? [] : ['netns', end.ns.path]);
    const describe = `create veth pair ${a.end.ifname} in ${a.ns.label} <-> ${b.end.ifname} in ${b.ns.label} (as ${ta}, ${tb})`;
    const indexTaken = `interface index ${ia} in ${a.ns.label} or ${ib} in ${b.ns.label} was taken meanwhile by another program; run it again`;
    const peer = ['type', 'veth', 'peer', 'name', tb, 'index', String(ib)];
    if (!needsSetUpBeforeBatch(a.end) && BATCH_SAFE_PATH.test(b.ns.path)) {
      // run in a's namespace, so only the peer is sent elsewhere (the host's end too: by its path)
      pairInFirstBatch = { describe, indexTaken, line: ['link', 'add', 'name', ta, 'index', String(ia), ...mtu, ...peer, 'netns', b.ns.path, ...mtu].join(' ') };
    } else {
      steps.push({
        describe,
        // one request makes the whole pair, so a failure leaves nothing to clean up
        argv: ipIn(host.ns, ['link', 'add', 'name', ta, 'index', String(ia), ...into(a), ...mtu, ...peer, ...into(b), ...mtu]),
        undo: ipIn(a.ns, ['link', 'del', 'dev', ta]),
        explain: [[/File exists|Device or resource busy/, indexTaken]],
      });
    }
  } else {
    const parent = cmd.parent;
    const parentIface = host.interfaces.find((i) => i.name === parent);
    if (!parentIface) {
      conflict(`parent interface "${parent}" does not exist in the host namespace`);
    }
    if (cmd.action === 'vxlan') checkVxlanMtu(cmd, parentIface);
    steps.push({
      describe: `create ${cmd.action} ${ends[0]!.end.ifname} (as ${temps[0]}) on ${parent}`,
      argv: ipIn(host.ns, ['link', 'add', ...createArgs(cmd, temps[0]!, mtu)]),
      undo: ipIn(host.ns, ['link', 'del', 'dev', temps[0]!]),
      explain: [
        [
          /Unknown device type|Operation not supported/,
          `this kernel has no ${cmd.action} support (module ${cmd.action === 'vlan' ? '8021q' : cmd.action} not available)`,
        ],
      ],
    });
    const { ns } = ends[0]!;
    if (ns.kind !== 'host') {
      steps.push({
        describe: `move ${temps[0]} into ${ns.label}`,
        argv: ipIn(host.ns, ['link', 'set', 'dev', temps[0]!, 'netns', ns.path]),
        undo: ipIn(ns, ['link', 'del', 'dev', temps[0]!]),
      });
    }
  }

  ends.forEach(({ end, ns }, i) => {
    const temp = temps[i]!;
    const pair = i === 0 ? pairInFirstBatch : undefined;
    if (end.addresses.some((a) => a.family === 6)) {
      // Docker disables IPv6 in containers without an IPv6 network
      steps.push({
        describe: `enable IPv6 on ${temp} in ${ns.label}`,
        argv: commandIn(ns, ['sysctl', '-q', '-w', `net/ipv6/conf/${temp}/disable_ipv6=0`]),
      });
    }
    for (const mirror of end.mirrors) steps.push(...mirrorSteps(ns, mirror, temp, end.ifname));
    const addressLines = end.addresses.map((address) => addressLine(temp, address));
    const addressWords = end.addresses.length ? `add ${end.addresses.map(formatCidr).join(', ')} to ${temp}, ` : '';
    const configure = `${addressWords}name it ${end.ifname} and set it up in ${ns.label}`;
    steps.push({
      describe: pair ? `${pair.describe}, ${configure}` : configure,
      // one request renames and sets up: if the name is taken, that line changed nothing (and a
      // pair made by this batch's first line is deleted by the cleanup)
      argv: ipIn(ns, ['-batch', '-']),
      input: [...(pair ? [pair.line] : []), ...addressLines, `link set dev ${temp} name ${end.ifname} up`].join('\n') + '\n',
      undo: ipIn(ns, ['link', 'del', 'dev', end.ifname]),
      // a batch stops at its failing line: after the pair's, the pair is there (under its temporary name)
      ...(pair ? { cleanupIfFailed: [ipIn(ns, ['link', 'del', 'dev', temp])] } : {}),
      explain: [
        // ip -batch names the line that failed; the pair's is the first
        ...(pair ? [[/(File exists|Device or resource busy)\nCommand failed -:1$/m, pair.indexTaken] as [RegExp, string]] : []),
        [/File exists/, `"${end.ifname}" already exists in ${ns.label} (created meanwhile by someone else)`],
      ],
    });
  });

  return { steps, summary: summarize(cmd, ends) };
}

/** What runs between the creation of an end and its batch: Docker's IPv6 switch, mirrors. */
function needsSetUpBeforeBatch(end: KokoEndpoint): boolean {
  return end.addresses.some((a) => a.family === 6) || end.mirrors.length > 0;
}

/** A namespace path that an `ip -batch` line can carry as one word (no blanks, quotes or comment sign). */
export const BATCH_SAFE_PATH = /^\/[\w./:@+-]+$/;

/** An `ip -batch` line adding an address; nodad: IPv6 is usable at once instead of after duplicate detection. */
export function addressLine(ifname: string, address: Cidr): string {
  return `addr add ${formatCidr(address)} dev ${ifname}${address.family === 6 ? ' nodad' : ''}`;
}

/**
 * The kernel quietly lowers a vxlan's MTU to what its parent can carry (the
 * parent's less the vxlan headers: 50 bytes over IPv4, 70 over IPv6); a
 * larger mtu= is refused instead of being ignored.
 */
function checkVxlanMtu(cmd: Extract<KokoCreateCommand, { action: 'vxlan' }>, parent: Interface): void {
  const overhead = cmd.remote.includes(':') ? 70 : 50;
  const most = parent.mtu - overhead;
  if (cmd.mtu !== undefined && cmd.mtu > most) {
    conflict(
      `mtu=${cmd.mtu} is more than a vxlan on ${parent.name} can carry: at most ${most} (${parent.name}'s MTU ${parent.mtu} less ${overhead} bytes of vxlan headers)`,
    );
  }
}

function createArgs(cmd: Exclude<KokoCreateCommand, { action: 'veth' }>, name: string, mtu: string[]): string[] {
  switch (cmd.action) {
    case 'vxlan': {
      const cmdMtu = cmd.mtu !== undefined ? ['mtu', String(cmd.mtu)] : mtu;
      // said explicitly: the kernel's own default (8472) is not koko's
      return [
        'name',
        name,
        ...cmdMtu,
        'type',
        'vxlan',
        'id',
        String(cmd.vni),
        'remote',
        cmd.remote,
        'dstport',
        String(cmd.port ?? VXLAN_DEFAULT_PORT),
        'dev',
        cmd.parent,
      ];
    }
    case 'vlan':
      return ['link', cmd.parent, 'name', name, ...mtu, 'type', 'vlan', 'id', String(cmd.vlanId)];
    case 'macvlan':
      // koko's "default" sends no mode, and the kernel then uses vepa
      return ['link', cmd.parent, 'name', name, ...mtu, 'type', 'macvlan', 'mode', cmd.mode === 'default' ? 'vepa' : cmd.mode];
  }
}

/** Copy the traffic of `mirror.source` onto the new interface, as koko does with tc. */
function mirrorSteps(ns: Namespace, mirror: Mirror, temp: string, finalName: string): Step[] {
  const tc = (args: string[]): string[] => commandIn(ns, ['tc', ...args]);
  const action = ['action', 'mirred', 'egress', 'mirror', 'dev', temp];
  const match = ['protocol', 'all', 'u32', 'match', 'u32', '0', '0'];
  const taken: [RegExp, string] = [
    /File exists|Exclusivity flag on/,
    `${mirror.source} already has ${mirror.direction === 'ingress' ? 'an ingress' : 'a root'} qdisc; chainmail will not replace it`,
  ];
  if (mirror.direction === 'ingress') {
    return [
      {
        describe: `add an ingress qdisc to ${mirror.source} in ${ns.label}`,
        argv: tc(['qdisc', 'add', 'dev', mirror.source, 'ingress']),
        undo: tc(['qdisc', 'del', 'dev', mirror.source, 'ingress']),
        explain: [taken],
      },
      {
        describe: `mirror ${mirror.source} ingress to ${finalName} in ${ns.label}`,
        argv: tc(['filter', 'add', 'dev', mirror.source, 'parent', 'ffff:', ...match, ...action]),
      },
    ];
  }
  // koko uses a prio root qdisc; htb is built into more kernels and, with no
  // classes, sends everything straight through, so the mirror is all it adds
  return [
    {
      describe: `add a root qdisc to ${mirror.source} in ${ns.label}`,
      argv: tc(['qdisc', 'add', 'dev', mirror.source, 'root', 'handle', '1:', 'htb']),
      undo: tc(['qdisc', 'del', 'dev', mirror.source, 'root']),
      explain: [taken],
    },
    { describe: `mirror ${mirror.source} egress to ${finalName} in ${ns.label}`, argv: tc(['filter', 'add', 'dev', mirror.source, 'parent', '1:', ...match, ...action]) },
  ];
}

/** Refuses, before anything changes, what the kernel would refuse half way. */
function checkEndpoint({ end, ns, interfaces }: PlannedEnd): void {
  if (interfaces.some((i) => i.name === end.ifname)) {
    conflict(`interface "${end.ifname}" already exists in ${ns.label}`);
  }
  for (const m of end.mirrors) {
    if (!interfaces.some((i) => i.name === m.source)) conflict(`cannot mirror "${m.source}": no such interface in ${ns.label}`);
  }
}

/** One line of what a koko link will be: `veth a:link1 (10.0.1.1/24) <-> b:link2 (...)`. */
export function summarize(cmd: KokoCreateCommand, ends: ReadonlyArray<Pick<PlannedEnd, 'end' | 'ns'>>): string {
  const show = ({ end, ns }: Pick<PlannedEnd, 'end' | 'ns'>): string => {
    const addrs = end.addresses.map(formatCidr).join(',');
    return `${ns.label}:${end.ifname}${addrs ? ` (${addrs})` : ''}`;
  };
  switch (cmd.action) {
    case 'veth':
      return `veth ${show(ends[0]!)} <-> ${show(ends[1]!)}${cmd.mtu ? ` mtu ${cmd.mtu}` : ''}`;
    case 'vxlan':
      return `vxlan ${show(ends[0]!)} vni ${cmd.vni} remote ${cmd.remote} via ${cmd.parent} port ${cmd.port ?? VXLAN_DEFAULT_PORT}`;
    case 'vlan':
      return `vlan ${show(ends[0]!)} id ${cmd.vlanId} on ${cmd.parent}`;
    case 'macvlan':
      return `macvlan ${show(ends[0]!)} mode ${cmd.mode} on ${cmd.parent}`;
  }
}

/**
 * Pure: the steps that delete a link (its veth peer goes with it), and then
 * the qdiscs that existed only to mirror other interfaces onto it.
 */
export function planKokoDelete(ifname: string, ns: Namespace, interfaces: readonly Interface[], mirrors: readonly MirrorCandidate[] = []): KokoPlan {
  const iface = interfaces.find((i) => i.name === ifname);
  if (!iface) conflict(`no interface "${ifname}" in ${ns.label}`);
  const peer = iface.kind === 'veth' ? ' and its veth peer' : '';
  const mirrorWords = mirrors.length ? `, and the mirror of ${mirrors.map((m) => `${m.dev} (${m.where})`).join(', ')} onto it` : '';
  return {
    steps: [
      { describe: `delete ${ifname} in ${ns.label}`, argv: ipIn(ns, ['link', 'del', 'dev', ifname]) },
      ...mirrors.map((m): Step => ({
        describe: `remove the ${m.where} qdisc of ${m.dev} in ${ns.label}, which only mirrored onto ${ifname}`,
        argv: commandIn(ns, ['tc', 'qdisc', 'del', 'dev', m.dev, m.where]),
      })),
    ],
    summary: `deleted ${iface.kind} ${ns.label}:${ifname}${peer}${mirrorWords}`,
  };
}
