import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ChainmailError, TargetError } from '../errors.js';
import type { CommandContext } from '../commands/context.js';
import { readForwarding } from '../commands/forward.js';
import { readInterfaces, readRoutes } from '../net/read.js';
import { explainFailure, isAlreadyGone } from '../net/kernel-errors.js';
import { planKokoCreate } from '../plan/koko.js';
import { planKoroChange } from '../plan/koro.js';
import { formatCidr } from '../parse/values.js';
import { run } from '../sys/exec.js';
import { commandIn, hostNamespace, ipIn, namespaceIdentity, NETNS_DIR, type Namespace } from '../targets/namespace.js';
import { containerNamespace, netnsNamespace } from '../targets/resolve.js';
import { pingFrom } from '../health/ping.js';
import { probeFrom } from '../health/http-probe.js';
import { deriveChain } from './derive.js';
import type { ChainSpec, DesiredChain, DesiredProbe } from './model.js';
import { describeAction, planChainUp, type ObservedNode, type UpAction } from './plan-up.js';
import { emptyRecord, readRecord, removeRecord, writeRecord, type ChainRecord } from './state-file.js';

export interface ChainOptions {
  docker: boolean;
  /** Docker: the image of every node, overriding the file. */
  image?: string;
}

export const DEFAULT_IMAGE = 'chainmail-test:busybox';
const SERVER = fileURLToPath(new URL('./http-server-child.js', import.meta.url));

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

/** Our web server, still running: a pid alone could by now belong to another process. */
function serverAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('http-server-child');
  } catch {
    return false;
  }
}

/** Reads what every node of the chain holds now: one round of reads per node, all nodes at once. */
export async function observeChain(desired: DesiredChain, options: ChainOptions, ctx: CommandContext, record?: ChainRecord) {
  const namespaces = new Map<string, Namespace>();
  const observed = new Map<string, ObservedNode>();
  await Promise.all(desired.nodes.map(async (n) => {
    const ns = await nodeNamespace(n.name, options, ctx);
    if (!ns) {
      const stopped = options.docker ? (await ctx.docker.find(n.name)) !== undefined : false;
      observed.set(n.name, { exists: stopped, stopped, interfaces: [], routes: [], forwarding: false, rules: [], serving: false });
      return;
    }
    namespaces.set(n.name, ns);
    const wantedRules = desired.firewall.filter((r) => r.node === n.name);
    const [interfaces, routes, forwarding, rules] = await Promise.all([
      readInterfaces(ns),
      readRoutes(ns),
      readForwarding(ns).then((f) => f.ipv4),
      Promise.all(wantedRules.map(async (r) =>
        (await run(commandIn(ns, ['iptables', '-w', '5', '-C', 'FORWARD', ...r.rule]))).exitCode === 0 ? r.rule.join(' ') : undefined)),
    ]);
    const serving = options.docker ? await dockerServing(n.name, ctx) : serverAlive(record?.servers[n.name]);
    observed.set(n.name, { exists: true, interfaces, routes, forwarding, rules: rules.filter((r): r is string => r !== undefined), serving });
  }));
  return { observed, namespaces };
}

async function dockerServing(name: string, ctx: CommandContext): Promise<boolean> {
  const ns = await nodeNamespace(name, { docker: true }, ctx);
  if (!ns) return false;
  const r = await run(['docker', 'exec', name, 'pidof', 'httpd']);
  return r.exitCode === 0;
}

export interface UpReport {
  name: string;
  actions: string[];
  dryRun: boolean;
  ms: number;
}

/**
 * `chain up`: creates what is missing and nothing else. The record of what
 * was created is written after every step, so an interrupted run leaves a
 * state that `chain up` completes and `chain down` removes.
 */
export async function chainUp(spec: ChainSpec, options: ChainOptions & { dryRun?: boolean }, ctx: CommandContext): Promise<UpReport> {
  const started = performance.now();
  const record = (await readRecord(spec.name)) ?? emptyRecord(spec.name, options.docker ? 'docker' : 'netns');
  if (record.mode !== (options.docker ? 'docker' : 'netns')) {
    throw new ChainmailError(`chain "${spec.name}" is up on ${record.mode === 'docker' ? 'Docker' : 'namespaces'}; take it down first (chain down) to switch`);
  }
  const effective = record.healed ?? spec;
  const desired = deriveChain(effective);
  const { observed } = await observeChain(desired, options, ctx, record);
  const planned = planChainUp(desired, observed);
  // a route on a node the chain did not create is the user's: chainmail does not overwrite it
  const foreignRoutes = planned.actions.filter((a): a is Extract<UpAction, { kind: 'replace-route' }> =>
    a.kind === 'replace-route' && !record.createdNodes.includes(a.route.node));
  const actions = planned.actions.filter((a) => !foreignRoutes.includes(a as never));
  const conflicts = [...planned.conflicts, ...foreignRoutes.map((a) => ({
    message: `${a.route.node} already has a route to ${a.route.destination.kind === 'default' ? 'default' : formatCidr(a.route.destination.prefix)} (${a.was}) that the chain wants via ${a.route.via} dev ${a.route.dev}; remove it, or leave ${a.route.node} out of the chain`,
  }))];
  if (conflicts.length) {
    throw new ChainmailError(`cannot bring up chain "${spec.name}": ${conflicts[0]!.message}`, 1, conflicts.slice(1).map((c) => `  also: ${c.message}`));
  }
  if (!options.dryRun) {
    // the plan lists routes together, after the links they need: those go as one
    // ip -batch per node, all nodes at once, instead of one process per route
    const isRoute = (a: UpAction) => a.kind === 'add-route' || a.kind === 'replace-route';
    const first = actions.findIndex(isRoute);
    const routes = actions.filter(isRoute) as Array<Extract<UpAction, { kind: 'add-route' | 'replace-route' }>>;
    const [before, after] = first < 0 ? [actions, []] : [actions.slice(0, first), actions.slice(first + routes.length)];
    for (const action of before) await runRecorded(action, desired, options, ctx, record);
    if (routes.length) await addRoutes(routes, options, ctx);
    for (const action of after) await runRecorded(action, desired, options, ctx, record);
  }
  return { name: spec.name, actions: actions.map(describeAction), dryRun: options.dryRun === true, ms: Math.round(performance.now() - started) };
}

async function runRecorded(action: UpAction, desired: DesiredChain, options: ChainOptions, ctx: CommandContext, record: ChainRecord): Promise<void> {
  try {
    await runUpAction(action, desired, options, ctx, record);
  } finally {
    // what an action made before failing is on record too, for down
    await writeRecord(record);
  }
}

/** Every node's routes in one `ip -batch -`, the nodes in parallel. */
async function addRoutes(routes: ReadonlyArray<Extract<UpAction, { kind: 'add-route' | 'replace-route' }>>, options: ChainOptions, ctx: CommandContext): Promise<void> {
  const byNode = new Map<string, typeof routes[number][]>();
  for (const r of routes) byNode.set(r.route.node, [...(byNode.get(r.route.node) ?? []), r]);
  await Promise.all([...byNode].map(async ([node, actions]) => {
    const ns = await mustFind(node, options, ctx);
    const lines = actions.map(({ kind, route }) => {
      const family = route.destination.kind === 'default' ? route.destination.family : route.destination.prefix.family;
      // in a batch "default" means IPv4; the IPv6 default is written as its prefix
      const dst = route.destination.kind === 'default' ? (family === 6 ? '::/0' : 'default') : formatCidr(route.destination.prefix);
      return `route ${kind === 'add-route' ? 'add' : 'replace'} ${dst} via ${route.via} dev ${route.dev}`;
    });
    await ctx.execute([{ describe: `add ${lines.length} route${lines.length === 1 ? '' : 's'} in ${node}`, argv: ipIn(ns, ['-batch', '-']), input: lines.join('\n') + '\n' }]);
  }));
}

async function mustFind(node: string, options: ChainOptions, ctx: CommandContext): Promise<Namespace> {
  const ns = await nodeNamespace(node, options, ctx);
  if (!ns) throw new ChainmailError(`node "${node}" is not running`);
  return ns;
}

async function runUpAction(action: UpAction, desired: DesiredChain, options: ChainOptions, ctx: CommandContext, record: ChainRecord): Promise<void> {
  switch (action.kind) {
    case 'create-node': {
      if (options.docker) await createContainer(action.node, desired, options);
      else await ctx.execute([
        { describe: `create network namespace ${action.node}`, argv: ['ip', 'netns', 'add', action.node], undo: ['ip', 'netns', 'del', action.node] },
        { describe: `set lo up in ${action.node}`, argv: ['ip', '-n', action.node, 'link', 'set', 'dev', 'lo', 'up'] },
      ]);
      record.createdNodes.push(action.node);
      return;
    }
    case 'start-node': {
      const r = await run(['docker', 'start', action.node]);
      if (r.exitCode !== 0) throw new ChainmailError(`cannot start container ${action.node}: ${r.stderr.trim()}`);
      return;
    }
    case 'create-link': {
      const { a, b } = action.link;
      const [nsA, nsB] = await Promise.all([mustFind(a.node, options, ctx), mustFind(b.node, options, ctx)]);
      const host = hostNamespace();
      const [ia, ib, ih] = await Promise.all([readInterfaces(nsA), readInterfaces(nsB), readInterfaces(host)]);
      const end = (e: typeof a, ns: Namespace, interfaces: typeof ia, identity: string) => ({
        end: { target: { kind: 'auto' as const, name: e.node }, ifname: e.ifname, addresses: [e.address], mirrors: [] },
        ns, interfaces, nsIdentity: identity,
      });
      const plan = planKokoCreate(
        { verb: 'koko', action: 'veth', ends: [end(a, nsA, ia, '').end, end(b, nsB, ib, '').end], json: false },
        [end(a, nsA, ia, await identity(nsA)), end(b, nsB, ib, await identity(nsB))],
        { ns: host, interfaces: ih }, ctx.newTag(),
      );
      await ctx.execute(plan.steps);
      record.createdLinks.push(`${a.node}:${a.ifname}`);
      return;
    }
    case 'add-address': {
      const ns = await mustFind(action.node, options, ctx);
      const plan = planKoroChange({ verb: 'koro', target: { kind: 'auto', name: action.node }, object: 'address', action: 'add', address: action.address, dev: action.ifname, json: false }, ns);
      await ctx.execute(plan.steps);
      return;
    }
    case 'forwarding-on': {
      const ns = await mustFind(action.node, options, ctx);
      await ctx.execute([{ describe: `turn forwarding on in ${action.node}`, argv: commandIn(ns, ['sysctl', '-e', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']) }]);
      if (!record.createdNodes.includes(action.node)) record.forwardingTurnedOn = [...(record.forwardingTurnedOn ?? []), action.node];
      return;
    }
    case 'add-route':
    case 'replace-route':
      await addRoutes([action], options, ctx);
      return;
    case 'add-rule': {
      const ns = await mustFind(action.node, options, ctx);
      await ctx.execute([{ describe: describeAction(action), argv: commandIn(ns, ['iptables', '-w', '5', '-A', 'FORWARD', ...action.rule]) }]);
      record.addedRules.push({ node: action.node, rule: action.rule });
      return;
    }
    case 'serve': {
      if (options.docker) {
        if (action.body !== undefined) {
          // the page goes in on stdin: no shell, whatever the body holds
          const w = await run(['docker', 'exec', '-i', action.node, 'tee', '/www/index.html'], { input: action.body });
          if (w.exitCode !== 0) throw new ChainmailError(`cannot write the page into container ${action.node}: ${w.stderr.trim() || 'tee failed'}`);
        }
        const r = await run(['docker', 'exec', '-d', action.node, 'httpd', '-f', '-p', String(action.port), '-h', '/www']);
        if (r.exitCode !== 0) throw new ChainmailError(`cannot start a web server in container ${action.node}: ${r.stderr.trim() || 'httpd failed'} (the image needs busybox httpd and /www)`);
        return;
      }
      const ns = await mustFind(action.node, options, ctx);
      const child = spawn('nsenter', [`--net=${ns.path}`, '--', process.execPath, SERVER, String(action.port), action.node, ...(action.body ? [action.body] : [])], {
        detached: true, stdio: 'ignore',
      });
      child.unref();
      if (!child.pid) throw new ChainmailError(`cannot start a web server in ${action.node}`);
      record.servers[action.node] = child.pid;
      await waitForListener(ns, action.port);
      return;
    }
  }
}

async function identity(ns: Namespace): Promise<string> {
  const id = await namespaceIdentity(ns.path);
  if (id === undefined) throw new TargetError(`${ns.label} stopped while the chain was being brought up`);
  return id;
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

async function createContainer(name: string, desired: DesiredChain, options: ChainOptions): Promise<void> {
  const node = desired.nodes.find((n) => n.name === name)!;
  const image = options.image ?? node.image ?? DEFAULT_IMAGE;
  const command = node.command ?? ['sleep', '2000000'];
  const r = await run(['docker', 'run', '-d', '--name', name, '--net=none', '--cap-add', 'NET_ADMIN', '--cap-add', 'NET_RAW',
    '--label', 'chainmail.chain=' + desired.name, '--', image, ...command]);
  if (r.exitCode !== 0) throw new ChainmailError(`cannot start container ${name} from ${image}: ${r.stderr.trim().split('\n').pop()}`);
}

export interface StatusItem {
  kind: 'node' | 'link' | 'address' | 'route' | 'forwarding' | 'firewall' | 'probe';
  what: string;
  ok: boolean;
  detail?: string;
}

/** `chain status`: every node, link, address, route, rule and probe, each ok or not. */
export async function chainStatus(spec: ChainSpec, options: ChainOptions, ctx: CommandContext): Promise<StatusItem[]> {
  const record = await readRecord(spec.name);
  const effective = record?.healed ?? spec;
  const desired = deriveChain(effective);
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
    items.push({ kind: 'link', what: `${link.a.node}:${link.a.ifname} <-> ${link.b.node}:${link.b.ifname}`, ok: !!a && !!b, ...(!a || !b ? { detail: 'gone' } : {}) });
    for (const end of [link.a, link.b]) {
      const what = `add ${formatCidr(end.address)} to ${end.node}:${end.ifname}`;
      items.push({ kind: 'address', what: `${end.node}:${end.ifname} ${formatCidr(end.address)}`, ok: !missing.has(what) && !!(end === link.a ? a : b) });
    }
  }
  for (const name of desired.forwarding) {
    items.push({ kind: 'forwarding', what: name, ok: observed.get(name)?.forwarding === true });
  }
  for (const action of actions) {
    if (action.kind === 'add-route' || action.kind === 'replace-route') items.push({ kind: 'route', what: describeAction(action).replace(/^route /, ''), ok: false, detail: action.kind === 'add-route' ? 'missing' : `differs (${action.was})` });
  }
  for (const route of desired.routes) {
    const text = `${route.node}: ${route.destination.kind === 'default' ? 'default' : formatCidr(route.destination.prefix)} via ${route.via} dev ${route.dev}`;
    if (!items.some((i) => i.kind === 'route' && i.what.startsWith(text))) items.push({ kind: 'route', what: text, ok: true });
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
    detail = passed ? `${r.received}/${r.sent} replies` : r.error ?? r.icmpError ?? 'no reply';
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
export async function chainDown(spec: ChainSpec, ctx: CommandContext): Promise<DownReport> {
  const record = await readRecord(spec.name);
  if (!record) return { name: spec.name, removed: [], kept: [], failed: [] };
  const options: ChainOptions = { docker: record.mode === 'docker' };
  const removed: string[] = [];
  // what could not be removed stays on record, so a later down can try again
  const failed: string[] = [];
  const remaining: ChainRecord = { ...record, servers: {}, createdLinks: [], addedRules: [], forwardingTurnedOn: [], createdNodes: [] };
  for (const [node, pid] of Object.entries(record.servers)) {
    if (serverAlive(pid)) {
      try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
      removed.push(`web server in ${node}`);
    }
  }
  const created = new Set(record.createdNodes);
  // links and rules on nodes the chain did not create go one by one; the rest go with their node
  for (const end of record.createdLinks) {
    const [node, ifname] = end.split(':') as [string, string];
    if (created.has(node)) continue;
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
  for (const node of record.createdNodes) {
    const r = options.docker ? await run(['docker', 'rm', '-f', node]) : await run(['ip', 'netns', 'del', node]);
    if (r.exitCode === 0) removed.push(`${options.docker ? 'container' : 'namespace'} ${node}`);
    else if (!/No such (file|container)|does not exist/i.test(r.stderr)) {
      failed.push(`${options.docker ? 'container' : 'namespace'} ${node} (${r.stderr.trim().split('\n')[0]})`);
      remaining.createdNodes.push(node);
    }
  }
  if (failed.length) await writeRecord(remaining);
  else await removeRecord(spec.name);
  const kept = spec.nodes.map((n) => n.name).filter((n) => !created.has(n));
  return { name: spec.name, removed, kept, failed };
}

export { readRecord, writeRecord };
export type { ChainRecord };
