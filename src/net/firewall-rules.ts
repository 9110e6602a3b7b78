/** The iptables FORWARD chain of a target, as chainmail reads it (fw, the UI's details). */
import { commandIn, type Namespace } from '../targets/namespace.js';
import { query } from './executor.js';

export interface FirewallRules {
  policy: string;
  /** Rule words as iptables prints them (`-p icmp -j DROP`), numbered from 1. */
  rules: Array<{ number: number; rule: string }>;
}

/** Pure: `iptables -S FORWARD` -> policy and numbered rules. */
export function parseForwardRules(text: string): FirewallRules {
  let policy = 'ACCEPT';
  const rules: FirewallRules['rules'] = [];
  for (const line of text.split('\n')) {
    const p = /^-P FORWARD (\S+)/.exec(line);
    if (p) policy = p[1]!;
    const a = /^-A FORWARD (.*)$/.exec(line);
    if (a) rules.push({ number: rules.length + 1, rule: a[1]!.trim() });
  }
  return { policy, rules };
}

export async function readForwardRules(ns: Namespace): Promise<FirewallRules> {
  return parseForwardRules(await query(commandIn(ns, ['iptables', '-w', '5', '-S', 'FORWARD']), `read the firewall of ${ns.label}`));
}
