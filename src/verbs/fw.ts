import { ChainmailError } from '../errors.js';
import type { FwCommand } from '../parse/verbs.js';
import { readForwardRules } from '../net/firewall-rules.js';
import { commandIn, type Namespace } from '../targets/namespace.js';
import { renderTable } from '../render/table.js';
import { withTargetLocks } from '../targets/target-lock.js';
import type { CommandContext, CommandResult } from '../host/context.js';

/** iptables rules of the target's FORWARD chain; rule words go as arguments, never through a shell. */
export async function runFw(cmd: FwCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  // a change is locked from reading the rule numbers to reading the result: "del 2" deletes the rule 2 that was read
  return cmd.action === 'list' ? changeAndRead(cmd, ns, ctx) : withTargetLocks([ns], () => changeAndRead(cmd, ns, ctx));
}

async function changeAndRead(cmd: FwCommand, ns: Namespace, ctx: CommandContext): Promise<CommandResult> {
  let ruleText = cmd.rule.join(' ');
  if (cmd.action !== 'list') {
    const byNumber = cmd.action === 'del' && cmd.rule.length === 1 && /^\d+$/.test(cmd.rule[0]!);
    if (byNumber) {
      const { rules } = await readForwardRules(ns);
      const rule = rules.find((r) => r.number === Number(ruleText));
      if (!rule) {
        throw new ChainmailError(
          `there is no rule number ${ruleText} in the FORWARD chain of ${ns.label} (it has ${rules.length} rule${rules.length === 1 ? '' : 's'}; fw ${ns.label} list shows them)`,
        );
      }
      ruleText = rule.rule;
    }
    await ctx.execute([
      {
        describe: `${cmd.action === 'add' ? 'append' : 'delete'} FORWARD rule "${ruleText}" in ${ns.label}`,
        argv: commandIn(ns, ['iptables', '-w', '5', cmd.action === 'add' ? '-A' : '-D', 'FORWARD', ...cmd.rule]),
        explain: [[/Bad rule \(does a matching rule exist/, `no rule "${ruleText}" in the FORWARD chain of ${ns.label}`]],
      },
    ]);
  }
  const state = await readForwardRules(ns);
  const lines =
    cmd.action === 'list'
      ? [
          `${ns.label}: FORWARD policy ${state.policy}, ${state.rules.length} rule${state.rules.length === 1 ? '' : 's'}`,
          ...renderTable(
            undefined,
            state.rules.map((r) => [`  ${r.number}`, r.rule]),
          ),
        ]
      : [
          `${cmd.action === 'add' ? 'added' : 'deleted'} FORWARD rule "${ruleText}" in ${ns.label} (${state.rules.length} rule${state.rules.length === 1 ? '' : 's'} now)`,
        ];
  return { ok: true, lines, json: { target: ns.label, ...state } };
}
