/** The iptables FORWARD chain of a target, as chainmail reads it (fw, the UI's details). */
import { commandIn, type Namespace } from '../targets/namespace.js';
import { run } from '../sys/exec.js';
import { runInEach } from '../sys/fan-out.js';
import { query, queryOutput } from './executor.js';
import { iptablesBackend, parseForwardCounters, type ForwardCounters } from './forward-counters.js';

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

/** The FORWARD chain's counters (what it dropped), in one iptables process in the namespace. */
export async function readForwardCounters(ns: Namespace): Promise<ForwardCounters> {
  const [counters] = await readForwardCountersOfEach([ns]);
  if (counters instanceof Error) throw counters;
  return counters!;
}

/** readForwardCounters for many namespaces from a few processes (sys/fan-out.ts): each one's counters, or the error reading them. */
export async function readForwardCountersOfEach(namespaces: readonly Namespace[]): Promise<Array<ForwardCounters | Error>> {
  const results = await runInEach(['iptables', '-w', '5', '-L', 'FORWARD', '-v', '-n', '-x'], namespaces);
  return results.map((r, i) => {
    try {
      return parseForwardCounters(queryOutput(r, `read the firewall counters of ${namespaces[i]!.label}`));
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  });
}

/** Which back end the host's iptables uses (nf_tables or legacy), once: `iptables -V`. */
export async function readIptablesBackend(): Promise<'nf_tables' | 'legacy' | undefined> {
  const r = await run(['iptables', '-V']);
  return iptablesBackend(`${r.stdout}\n${r.stderr}`);
}
