import type { ForwardCommand } from '../parse/verbs.js';
import { query } from '../net/executor.js';
import { commandIn } from '../targets/namespace.js';
import type { CommandContext, CommandResult } from './context.js';

/**
 * IP forwarding is set from the host side (nsenter + sysctl), because
 * /proc/sys is read-only inside a container.
 */
export async function runForward(cmd: ForwardCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  if (cmd.setting !== undefined) {
    const value = cmd.setting === 'on' ? '1' : '0';
    await ctx.execute([{
      describe: `turn forwarding ${cmd.setting} in ${ns.label}`,
      argv: commandIn(ns, ['sysctl', '-q', '-w', `net.ipv4.ip_forward=${value}`, `net.ipv6.conf.all.forwarding=${value}`]),
    }]);
  }
  const state = await readForwarding(ns);
  const words = (on: boolean): string => (on ? 'on' : 'off');
  const line = `${ns.label}: forwarding ipv4 ${words(state.ipv4)}, ipv6 ${words(state.ipv6)}`;
  return { ok: true, lines: [line], json: { target: ns.label, ...state } };
}

export async function readForwarding(ns: Parameters<typeof commandIn>[0]): Promise<{ ipv4: boolean; ipv6: boolean }> {
  const out = await query(commandIn(ns, ['sysctl', '-n', 'net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding']), `read forwarding of ${ns.label}`);
  const [v4, v6] = out.split('\n').map((l) => l.trim());
  return { ipv4: v4 === '1', ipv6: v6 === '1' };
}
