/**
 * Pure: what a failed `chain up` made, from the chain's record before and
 * after the run, and the words that say what became of it.
 */
import type { ChainRecord } from './state-file.js';

const sameRule = (a: { node: string; rule: readonly string[] }, b: { node: string; rule: readonly string[] }) =>
  a.node === b.node && a.rule.length === b.rule.length && a.rule.every((w, i) => w === b.rule[i]);

/** What `after` holds that `before` did not: what the run made, as a record of its own. */
export function madeSince(before: ChainRecord, after: ChainRecord): ChainRecord {
  const servers = Object.fromEntries(Object.entries(after.servers).filter(([node, pid]) => before.servers[node] !== pid));
  return {
    ...after,
    createdNodes: after.createdNodes.filter((n) => !before.createdNodes.includes(n)),
    createdLinks: after.createdLinks.filter((e) => !before.createdLinks.includes(e)),
    addedRules: after.addedRules.filter((r) => !before.addedRules.some((b) => sameRule(b, r))),
    forwardingTurnedOn: (after.forwardingTurnedOn ?? []).filter((n) => !(before.forwardingTurnedOn ?? []).includes(n)),
    servers,
  };
}

/** `base` with what `more` holds added: the record after a rollback that left some of the run's things behind. */
export function mergeRecords(base: ChainRecord, more: ChainRecord): ChainRecord {
  const union = <T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean = (x, y) => x === y) => [...a, ...b.filter((y) => !a.some((x) => same(x, y)))];
  return {
    ...base,
    createdNodes: union(base.createdNodes, more.createdNodes),
    createdLinks: union(base.createdLinks, more.createdLinks),
    addedRules: union(base.addedRules, more.addedRules, sameRule),
    forwardingTurnedOn: union(base.forwardingTurnedOn ?? [], more.forwardingTurnedOn ?? []),
    servers: { ...base.servers, ...more.servers },
  };
}

/** Each thing a record holds, in words: "namespace a", "link a:eth1", "rule b: -j DROP". */
export function thingsOf(record: ChainRecord): string[] {
  const node = record.mode === 'docker' ? 'container' : 'namespace';
  return [
    ...record.createdNodes.map((n) => `${node} ${n}`),
    ...record.createdLinks.map((e) => `link ${e}`),
    ...(record.forwardingTurnedOn ?? []).map((n) => `forwarding in ${n}`),
    ...record.addedRules.map((r) => `rule ${r.node}: ${r.rule.join(' ')}`),
    ...Object.keys(record.servers).map((n) => `web server in ${n}`),
  ];
}

/** "3 namespaces, 1 link": how many of each kind. */
export function countThings(record: ChainRecord): string {
  const node = record.mode === 'docker' ? 'container' : 'namespace';
  const kinds: Array<[number, string]> = [
    [record.createdNodes.length, node],
    [record.createdLinks.length, 'link'],
    [(record.forwardingTurnedOn ?? []).length, 'forwarding setting'],
    [record.addedRules.length, 'firewall rule'],
    [Object.keys(record.servers).length, 'web server'],
  ];
  return kinds
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}${n === 1 ? '' : 's'}`)
    .join(', ');
}

const things = (n: number) => `${n} thing${n === 1 ? '' : 's'}`;

/**
 * How a failed run ends, in one clause after the failure itself, and the
 * lines under it. `made`: what the run made; `left`: what of it could not be
 * removed (undefined when it was kept on purpose, --keep-partial);
 * `changed`: the run changed anything at all.
 */
export function partialOutcome(
  made: ChainRecord,
  outcome: { kind: 'removed'; left: ChainRecord; failed: readonly string[] } | { kind: 'kept' },
  changed: boolean,
  file: string,
): { clause: string; context: string[] } {
  const all = thingsOf(made);
  const down = `chain down ${file}`;
  if (all.length === 0) {
    if (!changed) return { clause: 'nothing was changed', context: [] };
    // addresses, routes and link states on what an earlier run made are not on record one by one
    return {
      clause: `this run made nothing new, but set addresses, routes or links of what the chain had made before: chain up ${file} completes it, ${down} removes it`,
      context: [],
    };
  }
  if (outcome.kind === 'kept') {
    return {
      clause: `kept the ${things(all.length)} this run made (--keep-partial: ${countThings(made)}); ${down} removes them`,
      context: [`  made by this run and still there: ${all.join(', ')}`],
    };
  }
  const left = thingsOf(outcome.left);
  if (left.length === 0) return { clause: `removed the ${things(all.length)} this run made (${countThings(made)})`, context: [] };
  return {
    clause: `removed ${all.length - left.length} of the ${things(all.length)} this run made; the rest is on record: ${down} removes it`,
    context: [`  could not remove: ${outcome.failed.join(', ') || left.join(', ')}`],
  };
}
