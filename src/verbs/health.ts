import type { PingCommand, ProbeCommand } from '../parse/verbs.js';
import { pingFrom } from '../health/ping.js';
import { probeFrom } from '../health/http-probe.js';
import type { CommandContext, CommandResult } from '../host/context.js';

/** Succeeds only when every echo is answered. */
export async function runPing(cmd: PingCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  const r = await pingFrom(ns, cmd.address, cmd.count);
  const ok = r.sent > 0 && r.received === r.sent;
  const line = r.error
    ? `${ns.label} -> ${cmd.address}: ${r.error}`
    : `${ns.label} -> ${cmd.address}: ${r.received}/${r.sent} replies, ${r.lossPct}% loss${r.avgMs !== undefined ? `, avg ${r.avgMs} ms` : ''}${r.icmpError ? ` (${r.icmpError})` : ''}`;
  return { ok, lines: [`${ok ? '✓' : '✗'} ${line}`], json: { ok, target: ns.label, ...r } };
}

/** Succeeds on an HTTP answer below 400. */
export async function runProbe(cmd: ProbeCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  const r = await probeFrom(ns, cmd.url, cmd.timeoutMs);
  const ok = r.status !== undefined && r.status < 400;
  const line = r.error
    ? `${ns.label} -> ${cmd.url}: ${r.error}`
    : `${ns.label} -> ${cmd.url}: HTTP ${r.status} in ${r.ms} ms, ${r.bytes} bytes${r.title ? `, "${r.title}"` : ''}`;
  return { ok, lines: [`${ok ? '✓' : '✗'} ${line}`], json: { ok, target: ns.label, ...r } };
}
