/**
 * A chain's life on this host: `chain up` (planning in plan-up.ts, the
 * kernel's part in apply-up.ts), `chain status` and `chain down`, around the
 * chain's record (state-file.ts), which says what the chain made.
 *
 * It is longer than most modules on purpose: up's undo after a failure and
 * down are one function (removeRecorded), and all three look nodes up the
 * same way (nodeNamespace, nodeExists); splitting down off would need those
 * in a module of their own that both import, for no reader's gain yet.
 */
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { ChainmailError, KernelError } from '../errors.js';
import type { CommandContext } from '../host/context.js';
import { readNodeStates, type NodeState } from '../topology/read.js';
import { explainFailure, isAlreadyGone } from '../net/kernel-errors.js';
import { formatCidr } from '../parse/values.js';
import { run } from '../sys/exec.js';
import { forEachLimit } from '../sys/limit.js';
import { withChainLock, withTargetLocks } from '../targets/target-lock.js';
import { commandIn, ipIn, NETNS_DIR, type Namespace } from '../targets/namespace.js';
import { engineReason } from '../targets/docker.js';
import { containerNamespace, netnsNamespace } from '../targets/resolve.js';
import { pingFrom } from '../health/ping.js';
import { probeFrom } from '../health/http-probe.js';
import { deriveChain } from './derive.js';
import { hostPart, recordKey } from './hosts.js';
import type { ChainOptions, ChainSpec, DesiredChain, DesiredProbe } from './model.js';
import { describeAction, describeRoute, planChainUp, type ObservedNode, type UpAction } from './plan-up.js';
import { applyUpActions } from './apply-up.js';
import { firstFreeIfindex } from '../net/ifindex.js';
import { emptyRecord, readRecord, removeRecord, writeRecord, type ChainRecord } from './state-file.js';
import { EXIT_INTERRUPTED } from '../sys/interrupt.js';
import { checkImagesFirst, checkRulesFirst } from './up-checks.js';
import { failedBatchLines } from './batch-failures.js';
import { madeSince, mergeRecords, partialOutcome, thingsOf } from './partial.js';

/** Containers chain down removes at once. */
const REMOVE_PARALLEL = 4;

/** What the chain means, whole, or (for a chain across hosts) the part of one host. */
export function desiredFor(spec: ChainSpec, host: string | undefined): DesiredChain {
  const whole = deriveChain(spec);
  return host === undefined ? whole : hostPart(whole, host);
}

/** A node's namespace, if it exists and runs. */
async function nodeNamespace(name: string, options: ChainOptions, ctx: CommandContext): Promise<Namespace | undefined> {
  if (!options.docker) {
    try {
      await access(`${NETNS_DIR}/${name}`);
      return netnsNamespace(name);
    } catch {
      return undefined;
    }
  }
  const c = await ctx.docker.find(name);
  return c?.running && c.pid > 0 ? containerNamespace(c.name, c.id, c.pid) : undefined;
}

/** A node of that name exists, running or not. */
async function nodeExists(name: string, options: ChainOptions, ctx: CommandContext): Promise<boolean> {
  if (options.docker) return (await ctx.docker.find(name)) !== undefined;
  return access(`${NETNS_DIR}/${name}`).then(
    () => true,
    () => false,
  );
}

/** Our web server, still running: a pid alone could by now belong to another process. */
function serverAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('http-server-child');
  } catch {
    return false;
  }
}

/**
 * Reads what every node of the chain holds now: every node's state from a few
 * processes (topology/read.ts, readNodeStates), then what a node needs more
 * (its firewall rules, its web server), several nodes at once. `located`
 * holds nodes the caller has found already (running or not), so that none is
 * looked up twice.
 */
export async function observeChain(
  desired: DesiredChain,
  options: ChainOptions,
  ctx: CommandContext,
  record?: ChainRecord,
  located: ReadonlyMap<string, Namespace | undefined> = new Map(),
) {
  const namespaces = new Map<string, Namespace>();
  const observed = new Map<string, ObservedNode>();
  const found = new Map<string, Namespace | undefined>();
  await forEachLimit(desired.nodes, 16, async (n) => {
    found.set(n.name, located.has(n.name) ? located.get(n.name) : await nodeNamespace(n.name, options, ctx));
  });
  const running = desired.nodes.flatMap((n) => {
    const ns = found.get(n.name);
    return ns ? [{ node: n.name, ns }] : [];
  });
  const states = await readNodeStates(running.map((r) => r.ns));
  // the first node in the file's order that could not be read, as reading them one by one would say
  const unread = states.find((s): s is Error => s instanceof Error);
  if (unread) throw unread;
  const stateOf = new Map(running.map((r, i) => [r.node, states[i] as NodeState]));
  const extras = new Map<string, { rules: string[]; serving: boolean; stopped?: boolean }>();
  // a few at a time: starting a process blocks Node for a moment, so hundreds at once only queue up
  await forEachLimit(desired.nodes, 16, async (n) => {
    const ns = found.get(n.name);
    if (!ns) {
      const stopped = options.docker ? (await ctx.docker.find(n.name)) !== undefined : false;
      extras.set(n.name, { rules: [], serving: false, stopped });
      return;
    }
    const wantedRules = desired.firewall.filter((r) => r.node === n.name);
    const rules = await Promise.all(
      wantedRules.map(async (r) => ((await run(commandIn(ns, ['iptables', '-w', '5', '-C', 'FORWARD', ...r.rule]))).exitCode === 0 ? r.rule.join(' ') : undefined)),
    );
    const serving = options.docker ? await dockerServing(n.name, ctx) : serverAlive(record?.servers[n.name]);
    extras.set(n.name, { rules: rules.filter((r): r is string => r !== undefined), serving });
  });
  for (const n of desired.nodes) {
    const ns = found.get(n.name);
    const extra = extras.get(n.name)!;
    const state = stateOf.get(n.name);
    if (!ns || !state) {
      observed.set(n.name, { exists: extra.stopped === true, stopped: extra.stopped === true, interfaces: [], routes: [], forwarding: false, rules: [], serving: false });
      continue;
    }
    namespaces.set(n.name, ns);
    observed.set(n.name, {
      exists: true,
      interfaces: state.interfaces,
      routes: state.routes,
      forwarding: state.forwarding.ipv4,
      rules: extra.rules,
      serving: extra.serving,
    });
  }
  return { observed, namespaces };
}

/** The busybox web server runs in this (running) container. */
async function dockerServing(name: string, ctx: CommandContext): Promise<boolean> {
  return ctx.docker.execSucceeds(name, ['pidof', 'httpd']).catch(() => false);
}

/** How `chain up` runs: a dry run plans only; keepPartial keeps what a failed run made instead of removing it. */
export type UpOptions = ChainOptions & { dryRun?: boolean; keepPartial?: boolean };

export interface UpReport {
  name: string;
  actions: string[];
  dryRun: boolean;
  ms: number;
}

/**
 * `chain up`: creates what is missing and nothing else, in batches
 * (apply-up.ts). What it creates is on record before it exists, so an
 * interrupted run leaves a state that `chain up` completes and `chain down`
 * removes.
 */
export async function chainUp(spec: ChainSpec, options: UpOptions, ctx: CommandContext): Promise<UpReport> {
  const key = recordKey(spec.name, options.host);
  return withChainLock(key, async () => {
    const started = performance.now();
    const record = (await readRecord(key)) ?? emptyRecord(key, options.docker ? 'docker' : 'netns');
    if (record.mode !== (options.docker ? 'docker' : 'netns')) {
      throw new ChainmailError(`chain "${spec.name}" is up on ${record.mode === 'docker' ? 'Docker' : 'namespaces'}; take it down first (chain down) to switch`);
    }
    const desired = desiredFor(record.healed ?? spec, options.host);
    // nodes that exist already are locked from the read to the last change (targets/target-lock.ts);
    // nodes made now are new namespaces or containers that nobody else can be changing yet
    const located = new Map(await Promise.all(desired.nodes.map(async (n) => [n.name, await nodeNamespace(n.name, options, ctx)] as const)));
    const present = [...located.values()].filter((ns): ns is Namespace => ns !== undefined);
    return withTargetLocks(present, () => bringUp(spec, desired, record, options, ctx, started, located));
  });
}

/** Read, plan and make, with the chain and its existing nodes locked. */
async function bringUp(
  spec: ChainSpec,
  desired: DesiredChain,
  record: ChainRecord,
  options: UpOptions,
  ctx: CommandContext,
  started: number,
  located: ReadonlyMap<string, Namespace | undefined>,
): Promise<UpReport> {
  const { observed, namespaces } = await observeChain(desired, options, ctx, record, located);
  const planned = planChainUp(desired, observed, new Set(record.createdLinks));
  // a route on a node the chain did not create is the user's: chainmail does not overwrite it
  const foreignRoutes = planned.actions.filter(
    (a): a is Extract<UpAction, { kind: 'replace-route' }> => a.kind === 'replace-route' && !record.createdNodes.includes(a.route.node),
  );
  const actions = planned.actions.filter((a) => !foreignRoutes.includes(a as never));
  const conflicts = [
    ...planned.conflicts,
    ...foreignRoutes.map((a) => ({
      message: `${a.route.node} already has a route to ${a.route.destination.kind === 'default' ? 'default' : formatCidr(a.route.destination.prefix)} (${a.was}) that the chain wants via ${a.route.via} dev ${a.route.dev}; remove it, or leave ${a.route.node} out of the chain`,
    })),
  ];
  if (conflicts.length) {
    throw new ChainmailError(
      `cannot bring up chain "${spec.name}": ${conflicts[0]!.message}`,
      1,
      conflicts.slice(1).map((c) => `  also: ${c.message}`),
    );
  }
  // what the file makes certain to fail is found before the first change
  await checkRulesFirst(spec, actions);
  if (options.docker && !options.dryRun) await checkImagesFirst(spec, actions, options, ctx);
  if (!options.dryRun) {
    const inUse = [...observed.values()].flatMap((o) => o.interfaces);
    const before = structuredClone(record);
    const progress = { changed: false };
    try {
      // nodes running before are known; those made or started now are looked up when needed
      await applyUpActions(
        actions,
        desired,
        options,
        ctx,
        record,
        async (node) => namespaces.get(node) ?? nodeNamespace(node, options, ctx),
        firstFreeIfindex(inUse),
        progress,
      );
    } catch (err) {
      throw await afterFailure(err, spec, before, record, progress.changed, options, ctx);
    }
  }
  return { name: spec.name, actions: actions.map(describeAction), dryRun: options.dryRun === true, ms: Math.round(performance.now() - started) };
}

/**
 * After a step of up failed: what this run made is removed again, in the
 * reverse order of making it (unless --keep-partial), and the error says
 * what failed and what became of it. What was there before is not touched.
 * An interrupt keeps everything on record, as it says.
 */
async function afterFailure(
  err: unknown,
  spec: ChainSpec,
  before: ChainRecord,
  after: ChainRecord,
  changed: boolean,
  options: UpOptions,
  ctx: CommandContext,
): Promise<unknown> {
  if (err instanceof ChainmailError && err.exitCode === EXIT_INTERRUPTED) return err;
  const made = madeSince(before, after);
  const file = spec.file ?? `${spec.name}.yaml`;
  let outcome: Parameters<typeof partialOutcome>[1] = { kind: 'kept' };
  if (!options.keepPartial && thingsOf(made).length > 0) {
    const { failed, remaining } = await removeRecorded(made, spec, ctx, options.host);
    const record = mergeRecords(before, remaining);
    if (thingsOf(record).length === 0 && record.healed === undefined) await removeRecord(recordKey(spec.name, options.host));
    else await writeRecord(record);
    Object.assign(after, record);
    outcome = { kind: 'removed', left: remaining, failed };
  }
  if (!(err instanceof ChainmailError)) return err;
  const { clause, context } = partialOutcome(made, outcome, changed, file);
  // the step's own words ("nothing was changed") speak of that step alone
  const message = `${err.message.replace(/; (nothing was changed|the \d+ changes? before it (was|were) undone)$/, '')}; ${clause}`;
  const lines = [...err.context.filter((l) => !/is on record: chain up completes it/.test(l)), ...context];
  return err instanceof KernelError ? new KernelError(message, err.raw, lines) : new ChainmailError(message, err.exitCode, lines);
}

export interface StatusItem {
  kind: 'node' | 'link' | 'address' | 'route' | 'forwarding' | 'firewall' | 'probe';
  what: string;
  ok: boolean;
  detail?: string;
  /** Links only: both ends there and up, an end set administratively down, or an end gone. */
  state?: 'up' | 'down' | 'gone';
}

/** The ends of the chain's links that exist but are set administratively down, as "node:ifname". */
export async function downLinkEnds(spec: ChainSpec, options: ChainOptions, ctx: CommandContext): Promise<string[]> {
  const desired = deriveChain(spec);
  const { observed } = await observeChain(desired, options, ctx);
  return desired.links
    .flatMap((l) => [l.a, l.b])
    .filter((end) => observed.get(end.node)?.interfaces.find((i) => i.name === end.ifname)?.adminUp === false)
    .map((end) => `${end.node}:${end.ifname}`);
}

/** `chain status`: every node, link, address, route, rule and probe, each ok or not. */
export async function chainStatus(spec: ChainSpec, options: ChainOptions, ctx: CommandContext): Promise<StatusItem[]> {
  const record = await readRecord(recordKey(spec.name, options.host));
  const effective = record?.healed ?? spec;
  const desired = desiredFor(effective, options.host);
  const mode = record ? { ...options, docker: record.mode === 'docker' } : options;
  const { observed, namespaces } = await observeChain(desired, mode, ctx, record);
  const { actions } = planChainUp(desired, observed);
  const missing = new Set(actions.map(describeAction));
  const items: StatusItem[] = [];
  for (const n of desired.nodes) {
    const o = observed.get(n.name);
    items.push({ kind: 'node', what: n.name, ok: namespaces.has(n.name), ...(namespaces.has(n.name) ? {} : { detail: o?.stopped ? 'stopped' : 'missing' }) });
  }
  for (const link of desired.links) {
    const a = observed.get(link.a.node)?.interfaces.find((i) => i.name === link.a.ifname);
    const b = observed.get(link.b.node)?.interfaces.find((i) => i.name === link.b.ifname);
    // an end set down (link TARGET IF down) is there but carries nothing: down, not gone
    const down = [a && !a.adminUp ? `${link.a.node}:${link.a.ifname}` : undefined, b && !b.adminUp ? `${link.b.node}:${link.b.ifname}` : undefined].filter(Boolean);
    const state = !a || !b ? 'gone' : down.length ? 'down' : 'up';
    const linkDetail = state === 'gone' ? 'gone' : state === 'down' ? `down: ${down.join(' and ')} set down` : undefined;
    items.push({
      kind: 'link',
      what: `${link.a.node}:${link.a.ifname} <-> ${link.b.node}:${link.b.ifname}`,
      ok: state === 'up',
      state,
      ...(linkDetail ? { detail: linkDetail } : {}),
    });
    for (const end of [link.a, link.b]) {
      const what = `add ${formatCidr(end.address)} to ${end.node}:${end.ifname}`;
      items.push({ kind: 'address', what: `${end.node}:${end.ifname} ${formatCidr(end.address)}`, ok: !missing.has(what) && !!(end === link.a ? a : b) });
    }
  }
  for (const end of desired.vxlans ?? []) {
    const iface = observed.get(end.node)?.interfaces.find((i) => i.name === end.ifname);
    const ok = iface?.kind === 'vxlan' && iface.vxlan?.vni === end.vni;
    items.push({
      kind: 'link',
      what: `${end.node}:${end.ifname} ~ vxlan ${end.vni} to ${end.remote} (${end.peer.node}:${end.peer.ifname})`,
      ok,
      ...(ok ? {} : { detail: iface ? `not vxlan ${end.vni}` : 'gone' }),
    });
    const what = `add ${formatCidr(end.address)} to ${end.node}:${end.ifname}`;
    items.push({ kind: 'address', what: `${end.node}:${end.ifname} ${formatCidr(end.address)}`, ok: !missing.has(what) && !!iface });
  }
  for (const name of desired.forwarding) {
    items.push({ kind: 'forwarding', what: name, ok: observed.get(name)?.forwarding === true });
  }
  for (const action of actions) {
    if (action.kind === 'add-route' || action.kind === 'replace-route')
      items.push({
        kind: 'route',
        what: describeAction(action).replace(/^route /, ''),
        ok: false,
        detail: action.kind === 'add-route' ? 'missing' : `differs (${action.was})`,
      });
  }
  const notOk = new Set(actions.flatMap((a) => (a.kind === 'add-route' || a.kind === 'replace-route' ? [describeRoute(a.route)] : [])));
  for (const route of desired.routes) {
    const text = describeRoute(route);
    if (!notOk.has(text)) items.push({ kind: 'route', what: text, ok: true });
  }
  for (const rule of desired.firewall) {
    items.push({ kind: 'firewall', what: `${rule.node}: ${rule.rule.join(' ')}`, ok: observed.get(rule.node)?.rules.includes(rule.rule.join(' ')) === true });
  }
  const probes = await Promise.all(desired.probes.map((p) => runProbe(p, namespaces)));
  items.push(...probes);
  return items;
}

export async function runProbe(p: DesiredProbe, namespaces: ReadonlyMap<string, Namespace>): Promise<StatusItem> {
  const what = `${p.from} → ${p.target} (${p.kind}${p.expect === 'ok' ? '' : `, expect ${p.expect}`})`;
  const ns = namespaces.get(p.from);
  if (!ns) return { kind: 'probe', what, ok: p.expect === 'fail', detail: `${p.from} is not running` };
  let passed: boolean;
  let detail: string;
  if (p.kind === 'ping') {
    const r = await pingFrom(ns, p.target, 2);
    passed = r.received > 0;
    detail = passed ? `${r.received}/${r.sent} replies` : (r.error ?? r.icmpError ?? 'no reply');
  } else {
    const r = await probeFrom(ns, p.target, 3000);
    passed = typeof p.expect === 'number' ? r.status === p.expect : r.status !== undefined && r.status < 400;
    detail = r.error ?? `HTTP ${r.status} in ${r.ms} ms`;
  }
  const ok = p.expect === 'fail' ? !passed : passed;
  return { kind: 'probe', what, ok, detail };
}

export interface DownReport {
  name: string;
  removed: string[];
  kept: string[];
  /** What could not be removed; still on record for the next down. */
  failed: string[];
}

/** `chain down`: removes everything the chain made, and only that. */
export async function chainDown(spec: ChainSpec, ctx: CommandContext, host?: string): Promise<DownReport> {
  const key = recordKey(spec.name, host);
  return withChainLock(key, () => chainDownUnlocked(spec, ctx, host));
}

async function chainDownUnlocked(spec: ChainSpec, ctx: CommandContext, host: string | undefined): Promise<DownReport> {
  const key = recordKey(spec.name, host);
  const record = await readRecord(key);
  if (!record) return { name: spec.name, removed: [], kept: [], failed: [] };
  const { removed, failed, remaining } = await removeRecorded(record, spec, ctx, host);
  if (failed.length) await writeRecord(remaining);
  else await removeRecord(key);
  // left alone: nodes of the file (on this host) that exist and that the chain did not make
  const options: ChainOptions = { docker: record.mode === 'docker' };
  const created = new Set(record.createdNodes);
  const notMade = spec.nodes
    .filter((n) => host === undefined || n.host === host)
    .map((n) => n.name)
    .filter((n) => !created.has(n));
  const kept = (await Promise.all(notMade.map(async (n) => ((await nodeExists(n, options, ctx)) ? [n] : [])))).flat();
  return { name: spec.name, removed, kept, failed };
}

/**
 * Removes what a record says the chain made, in the reverse order of making
 * it: web servers, links and rules on nodes it did not make, forwarding,
 * then its nodes (with all they hold). What could not be removed is in
 * `remaining`, a record of its own.
 */
async function removeRecorded(
  record: ChainRecord,
  spec: ChainSpec,
  ctx: CommandContext,
  host: string | undefined,
): Promise<{ removed: string[]; failed: string[]; remaining: ChainRecord }> {
  const options: ChainOptions = { docker: record.mode === 'docker' };
  const removed: string[] = [];
  // what could not be removed stays on record, so a later down can try again
  const failed: string[] = [];
  const remaining: ChainRecord = { ...record, servers: {}, createdLinks: [], addedRules: [], forwardingTurnedOn: [], createdNodes: [] };
  for (const [node, pid] of Object.entries(record.servers)) {
    if (serverAlive(pid)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      removed.push(`web server in ${node}`);
    }
  }
  const created = new Set(record.createdNodes);
  // links and rules on nodes the chain did not create go one by one; the rest go with their node
  // a link is on record by its end a; its end b is found in the chain the record was made from
  // (of this host's links only: a vxlan's far end is another host's)
  const endB = new Map(desiredFor(record.healed ?? spec, host).links.map((l) => [`${l.a.node}:${l.a.ifname}`, `${l.b.node}:${l.b.ifname}`]));
  for (const end of record.createdLinks) {
    // a namespace's interfaces go with it, but its veth peers elsewhere only once the kernel has
    // cleaned it up, later: a link to a node the chain did not create is deleted from that side
    const foreign = [end, endB.get(end)].find((e) => e !== undefined && !created.has(e.split(':')[0]!));
    if (foreign === undefined) continue;
    const [node, ifname] = foreign.split(':') as [string, string];
    const ns = await nodeNamespace(node, options, ctx);
    if (!ns) continue;
    const r = await run(ipIn(ns, ['link', 'del', 'dev', ifname]));
    if (r.exitCode === 0) removed.push(`link ${end}`);
    else if (!isAlreadyGone(r.stderr)) {
      failed.push(`link ${end} (${explainFailure(r.stderr)})`);
      remaining.createdLinks.push(end);
    }
  }
  for (const { node, rule } of record.addedRules) {
    if (created.has(node)) continue;
    const ns = await nodeNamespace(node, options, ctx);
    if (!ns) continue;
    if ((await run(commandIn(ns, ['iptables', '-w', '5', '-D', 'FORWARD', ...rule]))).exitCode === 0) removed.push(`rule ${node}: ${rule.join(' ')}`);
    else if ((await run(commandIn(ns, ['iptables', '-w', '5', '-C', 'FORWARD', ...rule]))).exitCode === 0) {
      failed.push(`rule ${node}: ${rule.join(' ')}`);
      remaining.addedRules.push({ node, rule });
    }
  }
  for (const node of record.forwardingTurnedOn ?? []) {
    const ns = await nodeNamespace(node, options, ctx);
    if (ns && (await run(commandIn(ns, ['sysctl', '-e', '-q', '-w', 'net.ipv4.ip_forward=0', 'net.ipv6.conf.all.forwarding=0']))).exitCode === 0) {
      removed.push(`forwarding in ${node}`);
    }
  }
  if (options.docker) {
    // several at once: the engine kills and removes each on its own, and one at a time waits for
    // every container's end in turn; reported in the record's order all the same
    const outcomes: Array<{ removed: boolean } | { error: unknown }> = [];
    await forEachLimit([...record.createdNodes.entries()], REMOVE_PARALLEL, async ([i, node]) => {
      try {
        outcomes[i] = { removed: await ctx.docker.remove(node) };
      } catch (error) {
        outcomes[i] = { error };
      }
    });
    for (const [i, node] of record.createdNodes.entries()) {
      const outcome = outcomes[i]!;
      if ('error' in outcome) {
        failed.push(`container ${node} (${engineReason(outcome.error)})`);
        remaining.createdNodes.push(node);
      } else if (outcome.removed) removed.push(`container ${node}`);
    }
    return { removed, failed, remaining };
  }
  // every namespace in one process: `-force` goes on past a failed line and says which
  const nodes = record.createdNodes;
  const r = nodes.length ? await run(['ip', '-force', '-batch', '-'], { input: nodes.map((n) => `netns del ${n}\n`).join('') }) : undefined;
  const failures = r && r.exitCode !== 0 ? failedBatchLines(r.stderr) : new Map<number, string>();
  // killed before it said which line failed: whatever is still there stays on record
  const unsaid = r !== undefined && r.exitCode !== 0 && failures.size === 0 ? r.stderr.trim().split('\n')[0] || `exit code ${r.exitCode}` : undefined;
  for (const [i, node] of nodes.entries()) {
    const said = unsaid !== undefined ? ((await nodeExists(node, options, ctx)) ? unsaid : undefined) : failures.get(i);
    if (said === undefined) removed.push(`namespace ${node}`);
    else if (!/No such (file|container)|does not exist/i.test(said)) {
      failed.push(`namespace ${node} (${said.split('\n')[0]})`);
      remaining.createdNodes.push(node);
    }
  }
  return { removed, failed, remaining };
}

/**
 * Removes links the chain made that it no longer wants (a bypass, once
 * reattach has the original chain back), by their end a as the record keeps
 * them, and takes them off the record. Returns the ends removed.
 */
export async function removeChainLinks(record: ChainRecord, ends: readonly string[], options: ChainOptions, ctx: CommandContext): Promise<string[]> {
  const removed: string[] = [];
  for (const end of ends) {
    const [node, ifname] = end.split(':') as [string, string];
    const ns = await nodeNamespace(node, options, ctx);
    const r = ns ? await run(ipIn(ns, ['link', 'del', 'dev', ifname])) : undefined;
    if (r && r.exitCode !== 0 && !isAlreadyGone(r.stderr)) {
      throw new ChainmailError(`cannot remove the chain's link ${end}: ${explainFailure(r.stderr)}`);
    }
    record.createdLinks = record.createdLinks.filter((e) => e !== end);
    removed.push(end);
  }
  await writeRecord(record);
  return removed;
}

export { readRecord, writeRecord };
export type { ChainOptions, ChainRecord };
