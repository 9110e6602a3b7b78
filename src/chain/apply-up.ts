import { fileURLToPath } from 'node:url';
import { ChainmailError, KernelError } from '../errors.js';
import type { CommandContext } from '../host/context.js';
import { explainFailure, isAlreadyGone } from '../net/kernel-errors.js';
import { firstFreeIfindex } from '../net/ifindex.js';
import { readInterfaces } from '../topology/read.js';
import { NODE_CHILD_ENV, run, startDetached, type ExecResult } from '../sys/exec.js';
import { runInEach } from '../sys/fan-out.js';
import { forEachLimit } from '../sys/limit.js';
import { throwIfInterrupted } from '../sys/interrupt.js';
import { engineReason, type DockerEngine } from '../targets/docker.js';
import { commandIn, hostNamespace, ipIn, type Namespace } from '../targets/namespace.js';
import type { ChainOptions, DesiredChain, DesiredVxlanEnd } from './model.js';
import type { UpAction } from './plan-up.js';
import { writeRecord, type ChainRecord } from './state-file.js';
import { batchUpActions, linesDoneBeforeFailure, linkAddLine } from './up-batches.js';

/** Finds a running node's namespace (the caller knows Docker from namespaces). */
export type NodeLocator = (node: string) => Promise<Namespace | undefined>;

export const DEFAULT_IMAGE = 'chainmail-test:busybox';
const SERVER = fileURLToPath(new URL('./http-server-child.js', import.meta.url));
/** Processes at once: enough to keep both cores busy, few enough not to swamp a small machine. */
const PARALLEL = 16;

/**
 * Carries out `chain up`'s actions in batches (see up-batches.ts). What the
 * chain creates is on record before it is created and taken off again if it
 * was not, so an interrupted run leaves a state that `chain up` completes and
 * `chain down` removes, and a failed one a record of what to remove again
 * (apply.ts does, unless --keep-partial).
 */
export async function applyUpActions(
  actions: readonly UpAction[],
  desired: DesiredChain,
  options: ChainOptions,
  ctx: CommandContext,
  record: ChainRecord,
  locate: NodeLocator,
  /** Above every interface index the nodes read before hold (net/ifindex.ts). */
  firstFreeIndex: number,
  /** Set once anything was changed, for the failure's message. */
  progress: { changed: boolean } = { changed: false },
): Promise<void> {
  const changed = () => {
    progress.changed = true;
  };
  /** A batch that failed changed something unless it failed at its first line. */
  const partly = (failure: BatchFailure) => {
    if (failure.done !== 0) changed();
  };
  const batches = batchUpActions(actions, options.docker ? 'docker' : 'netns');
  const checkpoint = () => throwIfInterrupted('stopped between two steps; what was made is on record: chain up completes it, chain down removes it');

  if (batches.namespaces.length) {
    const names = batches.namespaces;
    record.createdNodes.push(...names);
    await writeRecord(record);
    const failure = await runBatch(
      ['ip', '-batch', '-'],
      names.map((n) => `netns add ${n}`),
    );
    if (failure) {
      partly(failure);
      // not knowing how far it got, everything stays on record: down takes what is there
      const made = new Set(names.slice(0, failure.done ?? names.length));
      record.createdNodes = record.createdNodes.filter((n) => !names.includes(n) || made.has(n));
      await writeRecord(record);
      throw batchError(failure.done === undefined ? 'create the network namespaces' : `create network namespace ${names[failure.done] ?? ''}`.trim(), failure);
    }
    changed();
  }
  checkpoint();
  try {
    await forEachLimit(batches.containers, 4, async ({ node, start }) => {
      if (start) {
        await ctx.docker.start(node).catch((err: unknown) => {
          throw new ChainmailError(`cannot start container ${node}: ${engineReason(err)}`);
        });
        changed();
        return;
      }
      await createContainer(node, desired, options, ctx.docker);
      changed();
      record.createdNodes.push(node);
      await writeRecord(record);
    });
  } finally {
    // made at once, on record as each was made; kept in the file's order once all are
    const order = new Map(desired.nodes.map((n, i) => [n.name, i]));
    record.createdNodes.sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
    await writeRecord(record);
  }

  checkpoint();
  const nodes = new Set([
    ...batches.staleEnds.map((e) => e.node),
    ...batches.links.flatMap((l) => [l.a.node, l.b.node]),
    ...batches.vxlans.map((v) => v.node),
    ...batches.perNode.keys(),
    ...batches.ipv6.keys(),
    ...batches.forwarding,
    ...batches.rules.map((r) => r.node),
    ...batches.serves.map((s) => s.node),
  ]);
  const namespaces = new Map<string, Namespace>();
  await forEachLimit([...nodes], PARALLEL, async (node) => {
    const ns = await locate(node);
    if (!ns) throw new ChainmailError(`node "${node}" is not running`);
    namespaces.set(node, ns);
  });
  const nsOf = (node: string) => namespaces.get(node)!;

  await forEachLimit(batches.staleEnds, PARALLEL, async ({ node, ifname }) => {
    const r = await run(ipIn(nsOf(node), ['link', 'del', 'dev', ifname]));
    // the kernel may have finished tearing its peer down meanwhile, and the end with it
    if (r.exitCode !== 0 && !isAlreadyGone(r.stderr)) {
      throw new KernelError(`cannot remove ${node}:${ifname}, left from a link whose other end is gone: ${explainFailure(r.stderr)}`, r.stderr);
    }
    changed();
  });

  if (batches.links.length) {
    // a stopped container was not read before: started now, it may hold interfaces of its own
    const started = batches.containers.filter((c) => c.start && nodes.has(c.node));
    const afterStarted = await Promise.all(started.map(async (c) => firstFreeIfindex(await readInterfaces(nsOf(c.node)))));
    const firstIndex = Math.max(firstFreeIndex, ...afterStarted);
    const ends = batches.links.map((l) => `${l.a.node}:${l.a.ifname}`);
    record.createdLinks.push(...ends);
    await writeRecord(record);
    const failure = await runBatch(
      ['ip', '-batch', '-'],
      batches.links.map((l, i) => linkAddLine(l, (node) => nsOf(node).path, [firstIndex + 2 * i, firstIndex + 2 * i + 1])),
    );
    if (failure) {
      partly(failure);
      const failed = failure.done ?? ends.length;
      const made = new Set(ends.slice(0, failed));
      record.createdLinks = record.createdLinks.filter((e) => !ends.includes(e) || made.has(e));
      await writeRecord(record);
      const link = batches.links[failed];
      throw batchError(link ? `link ${link.a.node}:${link.a.ifname} <-> ${link.b.node}:${link.b.ifname}` : 'create the links', failure);
    }
    changed();
  }

  if (batches.vxlans.length) await createVxlans(batches.vxlans, record, nsOf);

  checkpoint();
  await forEachLimit([...batches.ipv6], PARALLEL, async ([node, ifnames]) => {
    // Docker turns IPv6 off in containers without an IPv6 network
    const keys = ifnames.map((i) => `net/ipv6/conf/${i}/disable_ipv6=0`);
    await ctx.execute([{ describe: `enable IPv6 on ${ifnames.join(', ')} in ${node}`, argv: commandIn(nsOf(node), ['sysctl', '-q', '-w', ...keys]) }]);
    changed();
  });

  // forwarding and every node's batch at once, each from a few processes (sys/fan-out.ts)
  const forwarding = (async () => {
    const nodes = batches.forwarding;
    const failures = await ctx.executeInEach(
      nodes.map((node) => ({
        describe: `turn forwarding on in ${node}`,
        path: nsOf(node).path,
        argv: ['sysctl', '-e', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1'],
      })),
    );
    for (const [i, node] of nodes.entries()) {
      if (failures[i]) continue;
      changed();
      if (!record.createdNodes.includes(node)) record.forwardingTurnedOn = [...(record.forwardingTurnedOn ?? []), node];
    }
    const failed = failures.find((f) => f !== undefined);
    if (failed) throw failed;
  })();
  const perNode = (async () => {
    const entries = [...batches.perNode];
    const failures = await runBatches(entries.map(([node, lines]) => ({ ns: nsOf(node), lines })));
    let first: KernelError | undefined;
    for (const [i, [node, lines]] of entries.entries()) {
      const failure = failures[i];
      if (!failure) {
        changed();
        continue;
      }
      partly(failure);
      first ??= batchError(`${(failure.done !== undefined && lines[failure.done]) || 'make the changes'} in ${node}`, failure);
    }
    if (first) throw first;
  })();
  const settled = await Promise.allSettled([forwarding, perNode]);
  await writeRecord(record);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;

  checkpoint();
  // rules one by one per node (iptables takes a lock per namespace anyway), nodes at once
  const rulesByNode = new Map<string, string[][]>();
  for (const { node, rule } of batches.rules) {
    const list = rulesByNode.get(node);
    if (list) list.push(rule);
    else rulesByNode.set(node, [rule]);
  }
  try {
    await forEachLimit([...rulesByNode], PARALLEL, async ([node, rules]) => {
      for (const rule of rules) {
        await ctx.execute([
          { describe: `add firewall rule in ${node}: ${rule.join(' ')}`, argv: commandIn(nsOf(node), ['iptables', '-w', '5', '-A', 'FORWARD', ...rule]) },
        ]);
        changed();
        record.addedRules.push({ node, rule });
      }
    });
  } finally {
    await writeRecord(record);
  }

  checkpoint();
  for (const serve of batches.serves) {
    try {
      await startServer(serve, nsOf(serve.node), options, record, ctx.docker);
      changed();
    } finally {
      await writeRecord(record);
    }
  }
}

/**
 * This host's ends of links to other hosts: each a vxlan made in this host's
 * network namespace (the process's own: under `nsenter --net` that is the
 * simulated host) on the underlay interface, then moved into its node under
 * its name by one request. On record before it is made, off again if not.
 */
async function createVxlans(ends: readonly DesiredVxlanEnd[], record: ChainRecord, nsOf: (node: string) => Namespace): Promise<void> {
  const host = hostNamespace();
  const interfaces = await readInterfaces(host);
  for (const [i, end] of ends.entries()) {
    const parent = end.local.interface ?? interfaces.find((iface) => iface.addresses.some((a) => a.address === end.local.address))?.name;
    if (!parent) {
      throw new ChainmailError(
        `no interface here holds ${end.local.name}'s underlay address ${end.local.address}: is this host ${end.local.name}? (run chain up --as the host this is, or give the interface in hosts:)`,
      );
    }
    if (!interfaces.some((iface) => iface.name === parent)) throw new ChainmailError(`${end.local.name}'s underlay interface "${parent}" does not exist here`);
    const key = `${end.node}:${end.ifname}`;
    record.createdLinks.push(key);
    await writeRecord(record);
    // unique to this run: two chains coming up at once do not meet on a name in the host
    const temp = `cmvx${process.pid % 100000}x${i}`.slice(0, 15);
    const steps = [
      ['link', 'add', 'name', temp, 'mtu', String(end.mtu), 'type', 'vxlan', 'id', String(end.vni), 'remote', end.remote, 'dstport', String(end.port), 'dev', parent],
      ['link', 'set', 'dev', temp, 'netns', nsOf(end.node).path, 'name', end.ifname],
    ];
    for (const [n, args] of steps.entries()) {
      const r = await run(ipIn(host, args));
      if (r.exitCode === 0) continue;
      if (n > 0) await run(ipIn(host, ['link', 'del', 'dev', temp]));
      record.createdLinks = record.createdLinks.filter((e) => e !== key);
      await writeRecord(record);
      throw new KernelError(`cannot make the vxlan ${key} (vni ${end.vni} to ${end.remote} on ${parent}): ${explainFailure(r.stderr)}`, r.stderr);
    }
  }
}

interface BatchFailure {
  /** Lines that ran before the failing one; undefined when iproute2 did not say (it was killed). */
  done?: number;
  stderr: string;
}

/** How long one `ip -batch` may take: a few thousand lines on a busy machine. */
const BATCH_TIMEOUT_MS = 120_000;

async function runBatch(argv: string[], lines: readonly string[]): Promise<BatchFailure | undefined> {
  if (lines.length === 0) return undefined;
  return batchFailure(await run(argv, { input: lines.join('\n') + '\n', ownProcessGroup: true, timeoutMs: BATCH_TIMEOUT_MS }));
}

/** `ip -batch -` in each namespace with its own lines, from a few processes: each one's failure, if it failed. */
async function runBatches(batches: ReadonlyArray<{ ns: Namespace; lines: readonly string[] }>): Promise<Array<BatchFailure | undefined>> {
  const wanted = batches.filter((b) => b.lines.length > 0);
  const results = await runInEach(
    ['ip', '-batch', '-'],
    wanted.map((b) => ({ path: b.ns.path, ...(b.ns.netnsName !== undefined ? { netnsName: b.ns.netnsName } : {}), input: b.lines.join('\n') + '\n' })),
    { ownProcessGroup: true, timeoutMs: BATCH_TIMEOUT_MS },
  );
  const resultOf = new Map(wanted.map((b, i) => [b, results[i]!]));
  return batches.map((b) => {
    const r = resultOf.get(b);
    return r ? batchFailure(r) : undefined;
  });
}

function batchFailure(r: ExecResult): BatchFailure | undefined {
  if (r.exitCode === 0) return undefined;
  const done = linesDoneBeforeFailure(r.stderr);
  return { ...(done !== undefined ? { done } : {}), stderr: r.stderr || `exit code ${r.exitCode}` };
}

function batchError(what: string, failure: BatchFailure): KernelError {
  const said = failure.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Command failed -:/.test(l))
    .join(' / ');
  return new KernelError(`failed to ${what}: ${explainFailure(failure.stderr)}`, failure.stderr, [`  kernel said: ${said}`]);
}

async function createContainer(name: string, desired: DesiredChain, options: ChainOptions, docker: DockerEngine): Promise<void> {
  const node = desired.nodes.find((n) => n.name === name)!;
  const image = options.image ?? node.image ?? DEFAULT_IMAGE;
  const command = node.command ?? ['sleep', '2000000'];
  try {
    await docker.run({ name, image, command, labels: { 'chainmail.chain': desired.name } });
  } catch (err) {
    throw new ChainmailError(`cannot start container ${name} from ${image}: ${engineReason(err)}`);
  }
}

async function startServer(action: Extract<UpAction, { kind: 'serve' }>, ns: Namespace, options: ChainOptions, record: ChainRecord, docker: DockerEngine): Promise<void> {
  if (options.docker) {
    if (action.body !== undefined) {
      // the page goes in as a file of its own: no shell, whatever the body holds
      await docker.writeFile(action.node, '/www', 'index.html', action.body).catch((err: unknown) => {
        throw new ChainmailError(`cannot write the page into container ${action.node}: ${engineReason(err)}`);
      });
    }
    await docker.execDetached(action.node, ['httpd', '-f', '-p', String(action.port), '-h', '/www']).catch((err: unknown) => {
      throw new ChainmailError(`cannot start a web server in container ${action.node}: ${engineReason(err)} (the image needs busybox httpd and /www)`);
    });
    return;
  }
  // it outlives chainmail (chain down stops it, by the pid on record)
  const pid = startDetached(
    ['nsenter', `--net=${ns.path}`, '--', process.execPath, SERVER, String(action.port), action.node, ...(action.body ? [action.body] : [])],
    NODE_CHILD_ENV,
  );
  if (!pid) throw new ChainmailError(`cannot start a web server in ${action.node}`);
  record.servers[action.node] = pid;
  await waitForListener(ns, action.port);
}

/** The server is ready when its port is listening (ss in the namespace), within a few seconds. */
async function waitForListener(ns: Namespace, port: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const r = await run(commandIn(ns, ['ss', '-Hltn', `sport = :${port}`]));
    if (r.exitCode === 0 && r.stdout.trim() !== '') return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new ChainmailError(`the web server in ${ns.label} did not start listening on port ${port}`);
}
