/**
 * Pure: what a firewall's FORWARD chain dropped, from `iptables -L FORWARD
 * -v -n -x` (exact counters). The same text comes from iptables-legacy and
 * iptables-nft, so both back ends read alike.
 */

export interface ForwardCounters {
  policy: string;
  /** Packets the chain's policy decided (dropped when the policy is DROP). */
  policyPackets: number;
  /** Each rule's packets and its target (`DROP`, `ACCEPT`, '' for a rule without one). */
  rules: Array<{ packets: number; target: string }>;
  /** Packets dropped: by DROP and REJECT rules, and by a DROP policy. */
  dropped: number;
}

const DROPPING = new Set(['DROP', 'REJECT']);

export function parseForwardCounters(text: string): ForwardCounters {
  let policy = 'ACCEPT';
  let policyPackets = 0;
  const rules: ForwardCounters['rules'] = [];
  for (const line of text.split('\n')) {
    const head = /^Chain FORWARD \(policy (\S+) (\d+) packets/.exec(line);
    if (head) {
      policy = head[1]!;
      policyPackets = Number(head[2]);
      continue;
    }
    const rule = /^\s*(\d+)\s+(\d+)\s+(\S+)/.exec(line);
    if (!rule) continue;
    // a rule without a target shows its protocol there (a name or a number), never in capitals
    const target = /^[A-Z][A-Z_-]*$/.test(rule[3]!) ? rule[3]! : '';
    rules.push({ packets: Number(rule[1]), target });
  }
  const byRules = rules.filter((r) => DROPPING.has(r.target)).reduce((sum, r) => sum + r.packets, 0);
  return { policy, policyPackets, rules, dropped: byRules + (policy === 'DROP' ? policyPackets : 0) };
}

/** Whether a chain does anything worth counting: a rule, or a policy other than ACCEPT. */
export function hasForwardFilter(c: ForwardCounters): boolean {
  return c.rules.length > 0 || c.policy !== 'ACCEPT';
}

/** `iptables -V` -> its back end: 'nf_tables' (iptables-nft) or 'legacy' (x_tables); undefined when it does not say. */
export function iptablesBackend(versionText: string): 'nf_tables' | 'legacy' | undefined {
  const m = /\((nf_tables|legacy)\)/.exec(versionText);
  return m ? (m[1] as 'nf_tables' | 'legacy') : undefined;
}
