import { ChainmailError, EXIT_USAGE } from '../errors.js';
import type { LinkCommand } from '../parse/verbs.js';
import { ipIn } from '../targets/namespace.js';
import { withTargetLocks } from '../targets/target-lock.js';
import { readInterfaces } from '../topology/read.js';
import type { CommandContext, CommandResult } from '../host/context.js';

/**
 * `link TARGET IF down|up`: one end of a link set administratively down or
 * up, as Mininet's `link a b down` does. The interface must exist: an unknown
 * name is refused before anything runs, naming the target's interfaces.
 */
export async function runLink(cmd: LinkCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  if (ns.kind === 'host') throw new ChainmailError('link sets an end inside a container or namespace, not on the host', EXIT_USAGE);
  return withTargetLocks([ns], async () => {
    const interfaces = await readInterfaces(ns);
    const before = interfaces.find((i) => i.name === cmd.ifname);
    if (!before) {
      const names = interfaces.map((i) => i.name).filter((n) => n !== 'lo');
      throw new ChainmailError(
        `${ns.label} has no interface "${cmd.ifname}"${names.length ? ` (it has ${names.join(', ')})` : ' (it has none but lo)'}; nothing was changed`,
        EXIT_USAGE,
      );
    }
    const was = before.adminUp ? 'up' : 'down';
    if (was !== cmd.state) {
      await ctx.execute([{ describe: `set ${ns.label}:${cmd.ifname} ${cmd.state}`, argv: ipIn(ns, ['link', 'set', 'dev', cmd.ifname, cmd.state]) }]);
    }
    const after = (await readInterfaces(ns)).find((i) => i.name === cmd.ifname);
    const state = after?.adminUp ? 'up' : 'down';
    const ok = state === cmd.state;
    const line =
      was === cmd.state
        ? `${ok ? '✓' : '✗'} ${ns.label}:${cmd.ifname} is ${state} (it was already)`
        : `${ok ? '✓' : '✗'} ${ns.label}:${cmd.ifname} is ${state} (was ${was})${cmd.state === 'up' ? ' (routes the kernel dropped with it: chain heal or koro route add)' : ''}`;
    return { ok, lines: [line], json: { ok, target: ns.label, ifname: cmd.ifname, state, was, operstate: after?.state } };
  });
}
