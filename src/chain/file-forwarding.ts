/**
 * The chain file's `forwarding:` and `firewall:` sections: which nodes
 * forward, and the iptables rules added to their FORWARD chains.
 */
import { ruleWordProblem } from '../parse/iptables-rule.js';
import { Fields, readList, type Field, type Source } from '../parse/yaml-file.js';
import { KnownNodes, readWords } from './file-values.js';
import type { FirewallRuleSpec } from './model.js';

export function readForwarding(source: Source, field: Field, known: KnownNodes): string[] {
  const names: string[] = [];
  for (const item of readList(source, field, 'node names')) {
    const name = known.check(source, item);
    if (names.includes(name)) source.fail(item.node, item.path, `${name} is listed twice`);
    names.push(name);
  }
  return names;
}

export const FIREWALL_FIELDS = ['node', 'rule'] as const;

/** Where each rule read from a file stands in it, for what only iptables can find wrong (chain up checks it). */
const ruleLines = new WeakMap<FirewallRuleSpec, { line: number; field: string }>();

/** The line and field of a rule as the loader read it; undefined for a rule not read from a file. */
export function ruleLocation(rule: FirewallRuleSpec): { line: number; field: string } | undefined {
  return ruleLines.get(rule);
}

export function readFirewall(source: Source, field: Field, known: KnownNodes): FirewallRuleSpec[] {
  const shape = '{ node, rule: "-p icmp -j DROP" }';
  return readList(source, field, `rules, each ${shape}`).map((item) => {
    const fields = new Fields(source, item, FIREWALL_FIELDS, shape);
    const node = known.check(source, fields.required('node', 'the node whose FORWARD chain gets the rule'));
    const ruleField = fields.required('rule', 'iptables matches and a target, e.g. "-p icmp -j DROP"');
    const rule = readWords(source, ruleField, 'iptables matches and a target');
    for (const word of rule) {
      const problem = ruleWordProblem(word);
      if (problem) source.fail(ruleField.node, ruleField.path, problem);
    }
    const spec = { node, rule };
    ruleLines.set(spec, { line: source.lineOf(ruleField.node), field: ruleField.path });
    return spec;
  });
}
