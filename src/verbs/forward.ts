import type { ForwardCommand } from '../parse/verbs.js';
import { query } from '../net/executor.js';
import { commandIn } from '../targets/namespace.js';
import { withTargetLocks } from '../targets/target-lock.js';
import type { CommandContext, CommandResult } from '../host/context.js';

/**
 * IP forwarding is set from the host side (nsenter + sysctl), because
 * /proc/sys is read-only inside a container.
 */
export async function runForward(cmd: ForwardCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  const show = async (): Promise<CommandResult> => {
    const state = await readForwarding(ns);
    const words = (on: boolean): string => (on ? 'on' : 'off');
    const line = `${ns.label}: forwarding ipv4 ${words(state.ipv4)}, ipv6 ${words(state.ipv6)}`;
    return { ok: true, lines: [line], json: { target: ns.label, ...state } };
  };
  if (cmd.setting === undefined) return show();
  const value = cmd.setting === 'on' ? '1' : '0';
  // locked up to the read-back, so the state shown is the one this command set
  return withTargetLocks([ns], async () => {
    await ctx.execute([
      {
        describe: `turn forwarding ${cmd.setting} in ${ns.label}`,
        // -e: a kernel booted without IPv6 has no IPv6 key; IPv4 alone is then the whole change
        argv: commandIn(ns, ['sysctl', '-e', '-q', '-w', `net.ipv4.ip_forward=${value}`, `net.ipv6.conf.all.forwarding=${value}`]),
      },
    ]);
    return show();
  });
}

export async function readForwarding(ns: Parameters<typeof commandIn>[0]): Promise<{ ipv4: boolean; ipv6: boolean }> {
  // one key per line of output, named, so a missing IPv6 key reads as off
  const out = await query(commandIn(ns, ['sysctl', '-e', 'net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding']), `read forwarding of ${ns.label}`);
  const value = (key: string) => new RegExp(`^${key.replaceAll('.', '\\.')} = (\\d+)$`, 'm').exec(out)?.[1];
  return { ipv4: value('net.ipv4.ip_forward') === '1', ipv6: value('net.ipv6.conf.all.forwarding') === '1' };
}
