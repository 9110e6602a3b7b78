import type { KokoCommand } from '../parse/koko.js';
import { executeSteps } from '../net/executor.js';
import { readInterfaces } from '../net/read.js';
import { planKokoCreate, planKokoDelete } from '../plan/koko.js';
import { stat } from 'node:fs/promises';
import { hostNamespace, type Namespace } from '../targets/namespace.js';
import type { CommandContext, CommandResult } from './context.js';

export async function runKoko(cmd: KokoCommand, ctx: CommandContext): Promise<CommandResult> {
  const started = performance.now();
  if (cmd.action === 'delete') {
    const ns = await ctx.resolve(cmd.target);
    const plan = planKokoDelete(cmd.ifname, ns, await readInterfaces(ns));
    await executeSteps(plan.steps, { ...(ctx.failAtStep !== undefined ? { failAtStep: ctx.failAtStep } : {}) });
    return done(plan.summary, started, { action: 'delete', target: ns.label, ifname: cmd.ifname });
  }

  const specs = cmd.action === 'veth' ? cmd.ends : [cmd.end];
  const namespaces = await Promise.all(specs.map((e) => ctx.resolve(e.target)));
  const host = hostNamespace();
  // one read per distinct namespace, all at once
  const paths = [...new Set([host.path, ...namespaces.map((n) => n.path)])];
  const reads = new Map(await Promise.all(paths.map(async (p) => {
    const ns = p === host.path ? host : namespaces.find((n) => n.path === p)!;
    return [p, await readInterfaces(ns)] as const;
  })));
  const identities = await Promise.all(namespaces.map(namespaceIdentity));
  const ends = specs.map((end, i) => ({ end, ns: namespaces[i]!, interfaces: reads.get(namespaces[i]!.path)!, nsIdentity: identities[i]! }));
  const plan = planKokoCreate(cmd, ends, { ns: host, interfaces: reads.get(host.path)! }, ctx.newTag());
  await executeSteps(plan.steps, { ...(ctx.failAtStep !== undefined ? { failAtStep: ctx.failAtStep } : {}) });
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

/** Namespace files are nsfs inodes: equal device and inode mean the same namespace. */
async function namespaceIdentity(ns: Namespace): Promise<string> {
  try {
    const st = await stat(ns.path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return ns.path;
  }
}

function done(summary: string, started: number, json: Record<string, unknown>): CommandResult {
  const ms = Math.round(performance.now() - started);
  return { ok: true, lines: [`${summary} (${ms} ms)`], json: { ok: true, ...json, ms } };
}
