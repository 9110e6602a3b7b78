import type { KoroCommand } from '../parse/koro.js';
import { readInterfaces, readRoutes } from '../topology/read.js';
import { disableIpv6Key, planKoroChange } from '../plan/koro.js';
import { run } from '../sys/exec.js';
import { commandIn, type Namespace } from '../targets/namespace.js';
import { renderAddresses } from '../render/addresses.js';
import { renderRoutes } from '../render/routes.js';
import { ChainmailError } from '../errors.js';
import { withTargetLocks } from '../targets/target-lock.js';
import type { CommandContext, CommandResult } from '../host/context.js';

/** Whether IPv6 is off on the interface; unknown (no such interface) reads as on and fails later, clearly. */
async function isIpv6Disabled(ns: Namespace, dev: string): Promise<boolean> {
  const result = await run(commandIn(ns, ['sysctl', '-n', disableIpv6Key(dev)]));
  return result.exitCode === 0 && result.stdout.trim() === '1';
}

export async function runKoro(cmd: KoroCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  if (cmd.action === 'show') {
    if (cmd.object === 'route') {
      const routes = await readRoutes(ns);
      return { ok: true, lines: renderRoutes(routes), json: { target: ns.label, routes } };
    }
    let interfaces = await readInterfaces(ns);
    if (cmd.dev !== undefined) {
      interfaces = interfaces.filter((i) => i.name === cmd.dev);
      if (interfaces.length === 0) throw new ChainmailError(`no interface "${cmd.dev}" in ${ns.label}`);
    }
    return { ok: true, lines: renderAddresses(interfaces), json: { target: ns.label, interfaces } };
  }
  const started = performance.now();
  return withTargetLocks([ns], async () => {
    const ipv6Disabled = cmd.object === 'address' && cmd.action === 'add' && cmd.address.family === 6 && (await isIpv6Disabled(ns, cmd.dev));
    const plan = planKoroChange(cmd, ns, ipv6Disabled);
    await ctx.execute(plan.steps);
    const ms = Math.round(performance.now() - started);
    return { ok: true, lines: [`${plan.summary} (${ms} ms)`], json: { ok: true, target: ns.label, summary: plan.summary, ms } };
  });
}
