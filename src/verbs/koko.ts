import type { KokoCommand, KokoCreateCommand, KokoEndpoint } from '../parse/koko.js';
import { readInterfaces, readMirrorsOnto } from '../topology/read.js';
import { planKokoCreate, planKokoDelete } from '../plan/koko.js';
import { hostNamespace, namespaceIdentity, type Namespace } from '../targets/namespace.js';
import type { Interface } from '../topology/model.js';
import { withTargetLocks } from '../targets/target-lock.js';
import { KernelError } from '../errors.js';
import { version } from '../sys/version.js';
import type { CommandContext, CommandResult } from '../host/context.js';

export async function runKoko(cmd: KokoCommand, ctx: CommandContext): Promise<CommandResult> {
  if (cmd.action === 'version') return { ok: true, lines: [`chainmail ${version()} (koko syntax)`], json: { ok: true, action: 'version', version: version() } };
  const started = performance.now();
  if (cmd.action === 'delete') {
    const ns = await ctx.resolve(cmd.target);
    return withTargetLocks([ns], async () => {
      const [interfaces, mirrors] = await Promise.all([readInterfaces(ns), readMirrorsOnto(ns, cmd.ifname)]);
      const plan = planKokoDelete(cmd.ifname, ns, interfaces, mirrors);
      await ctx.execute(plan.steps);
      return done(plan.summary, started, { action: 'delete', target: ns.label, ifname: cmd.ifname });
    });
  }

  const specs = cmd.action === 'veth' ? cmd.ends : [cmd.end];
  const namespaces = await Promise.all(specs.map((e) => ctx.resolve(e.target)));
  // the ends' namespaces stay locked from the read (is the name free?) to the last step
  return withTargetLocks(namespaces, () => createLink(cmd, specs, namespaces, ctx, started));
}

async function createLink(cmd: KokoCreateCommand, specs: readonly KokoEndpoint[], namespaces: Namespace[], ctx: CommandContext, started: number): Promise<CommandResult> {
  const host = hostNamespace();
  const all = [host, ...namespaces];
  const identities = await Promise.all(all.map(async (ns) => (await namespaceIdentity(ns.path)) ?? ns.path));
  // one read per distinct namespace, all at once
  const readings = new Map<string, Promise<Interface[]>>();
  // the host's interfaces matter only as a parent (vxlan, vlan, macvlan) or as an end: a process saved otherwise
  const hostNeeded = cmd.action !== 'veth' || namespaces.some((ns) => ns.kind === 'host');
  const [hostInterfaces, ...endInterfaces] = await Promise.all(
    all.map((ns, i) => {
      if (i === 0 && !hostNeeded) return Promise.resolve([]);
      if (!readings.has(identities[i]!)) readings.set(identities[i]!, readInterfaces(ns));
      return readings.get(identities[i]!)!;
    }),
  );
  const ends = specs.map((end, i) => ({ end, ns: namespaces[i]!, interfaces: endInterfaces[i]!, nsIdentity: identities[i + 1]! }));
  const plan = planKokoCreate(cmd, ends, { ns: host, interfaces: hostInterfaces! }, ctx.newTag());
  try {
    await ctx.execute(plan.steps);
  } catch (err) {
    throw await withVanishedEnds(err, ends);
  }
  return done(`created ${plan.summary}`, started, {
    action: 'create',
    kind: cmd.action,
    ends: ends.map(({ end, ns }) => ({
      target: ns.label,
      ifname: end.ifname,
      addresses: end.addresses.map((a) => `${a.address}/${a.prefix}`),
      mirrors: end.mirrors,
    })),
  });
}

/**
 * A step that failed because an end's namespace went away meanwhile (its
 * container killed, its namespace deleted) says so first: the kernel's own
 * words ("Cannot find device", "No such file") name only the symptom.
 */
async function withVanishedEnds(err: unknown, ends: ReadonlyArray<{ ns: Namespace; nsIdentity: string }>): Promise<unknown> {
  if (!(err instanceof KernelError)) return err;
  const now = await Promise.all(ends.map(({ ns }) => namespaceIdentity(ns.path)));
  const gone = [...new Set(ends.filter((e, i) => now[i] !== e.nsIdentity).map((e) => e.ns.label))];
  if (gone.length === 0) return err;
  return new KernelError(`${gone.join(' and ')} went away while the link was being made: ${err.message}`, err.raw, err.context);
}

function done(summary: string, started: number, json: Record<string, unknown>): CommandResult {
  const ms = Math.round(performance.now() - started);
  return { ok: true, lines: [`${summary} (${ms} ms)`], json: { ok: true, ...json, ms } };
}
