/**
 * What lets ls and chain down scale to a thousand namespaces: namespace ids
 * named only where they tell candidate peers apart, and one `ip -force
 * -batch` whose failed lines are told apart by its messages.
 */
import { describe, expect, it } from 'vitest';
import { resolveLinks, targetsNeedingNetnsIds } from '../../src/topology/links.js';
import type { Interface, TargetState } from '../../src/topology/model.js';
import type { Namespace } from '../../src/targets/namespace.js';
import { failedBatchLines } from '../../src/chain/batch-failures.js';

const ns = (label: string): Namespace => ({ kind: 'netns', label, path: `/var/run/netns/${label}`, netnsName: label });
const veth = (ifindex: number, name: string, linkIndex: number, linkNetnsId = 0): Interface => ({
  ifindex,
  name,
  kind: 'veth',
  state: 'UP',
  adminUp: true,
  mtu: 1500,
  addresses: [],
  linkIndex,
  linkNetnsId,
});
const target = (label: string, interfaces: Interface[], extra: Partial<TargetState> = {}): TargetState => ({ ns: ns(label), status: 'present', interfaces, ...extra });
const labels = (ts: readonly TargetState[]) => ts.map((t) => t.ns.label);
const keys = (ts: readonly TargetState[]) =>
  resolveLinks(ts)
    .map((l) => [`${l.a.target}:${l.a.ifname}`, l.b ? `${l.b.target}:${l.b.ifname}` : '-'].sort().join('|'))
    .sort();

/** A path n0 - n1 - ... with indexes unique on the host, as chain up numbers them. */
function path(n: number): TargetState[] {
  return Array.from({ length: n }, (_, i) => {
    const ifaces: Interface[] = [];
    if (i > 0) ifaces.push(veth(100 + 2 * (i - 1) + 1, `b${i - 1}`, 100 + 2 * (i - 1)));
    if (i < n - 1) ifaces.push(veth(100 + 2 * i, `a${i}`, 100 + 2 * i + 1, 1));
    return target(`n${i}`, ifaces);
  });
}

describe('targetsNeedingNetnsIds', () => {
  it('a path whose pairs each have one candidate needs no names', () => {
    expect(targetsNeedingNetnsIds(path(50))).toEqual([]);
  });

  it('pairs that share indexes (2 <-> 2) need the names of every namespace involved, and no other', () => {
    const ts = [target('red', [veth(2, 'e0', 2)]), target('blue', [veth(2, 'e0', 2)]), target('green', [veth(2, 'e0', 2)]), ...path(3)];
    expect(labels(targetsNeedingNetnsIds(ts))).toEqual(['red', 'blue', 'green']);
  });

  it('a namespace that could not be read asks for the names of every namespace with a veth to another', () => {
    const ts = [...path(3), target('gone', [], { error: 'Cannot open network namespace' }), target('lonely', [])];
    expect(labels(targetsNeedingNetnsIds(ts))).toEqual(['n0', 'n1', 'n2']);
  });

  it('names read only where needed pair exactly as names read everywhere', () => {
    const named: Record<string, Record<number, string>> = { red: { 0: 'blue' }, blue: { 0: 'red' }, green: { 0: 'yellow' }, yellow: { 0: 'green' } };
    const mixed = () => [
      target('red', [veth(2, 'e0', 2)]),
      target('green', [veth(2, 'e0', 2)]),
      target('blue', [veth(2, 'e0', 2)]),
      target('yellow', [veth(2, 'e0', 2)]),
      ...path(4),
    ];
    // a path node gives id 0 to the node before it and 1 to the node after it
    const pathNames = (label: string) => ({ 0: `n${Number(label.slice(1)) - 1}`, 1: `n${Number(label.slice(1)) + 1}` });
    const everywhere = mixed().map((t) => ({ ...t, netnsIds: named[t.ns.label] ?? pathNames(t.ns.label) }));
    const some = mixed();
    for (const t of targetsNeedingNetnsIds(some)) t.netnsIds = named[t.ns.label]!;
    expect(keys(some)).toEqual(keys(everywhere));
    expect(keys(some)).toContain('blue:e0|red:e0');
    expect(keys(some)).toContain('n0:a0|n1:b0');
  });
});

describe('failedBatchLines', () => {
  it('no failure, no lines', () => {
    expect(failedBatchLines('')).toEqual(new Map());
  });

  it('each failed line with what iproute2 said before it, counted from 0', () => {
    const stderr = [
      'Cannot remove namespace file "/run/netns/cmt-a": No such file or directory',
      'Command failed -:1',
      'Cannot remove namespace file "/run/netns/cmt-c": Device or resource busy',
      'Command failed -:3',
      '',
    ].join('\n');
    expect(failedBatchLines(stderr)).toEqual(
      new Map([
        [0, 'Cannot remove namespace file "/run/netns/cmt-a": No such file or directory'],
        [2, 'Cannot remove namespace file "/run/netns/cmt-c": Device or resource busy'],
      ]),
    );
  });
});
