/**
 * Where the UI's selection goes when the selected target disappears (a
 * namespace deleted, a container removed): to its neighbour in the targets
 * list, not back to the top.
 */
import { describe, expect, it } from 'vitest';
import { nextSelection } from '../../src/ui/session/selection.js';
import type { Topology } from '../../src/topology/model.js';
import { hostNamespace } from '../../src/targets/namespace.js';
import { containerNamespace, netnsNamespace } from '../../src/targets/resolve.js';

/** A topology as discover builds it: host, namespaces, then containers. */
function topo(netns: string[], containers: string[] = []): Topology {
  return {
    targets: [
      { ns: hostNamespace(), status: 'host', interfaces: [] },
      ...netns.map((n) => ({ ns: netnsNamespace(n), status: 'present', interfaces: [] })),
      ...containers.map((c, i) => ({ ns: containerNamespace(c, `id${i}`, 100 + i), status: 'running', interfaces: [] })),
    ],
    links: [],
    warnings: [],
  };
}

describe('selection after a read', () => {
  it('stays on a target that still exists', () => {
    expect(nextSelection(topo(['a', 'b']), topo(['a', 'b', 'c']), 'b')).toBe('b');
    expect(nextSelection(topo(['a']), topo(['a']), 'host')).toBe('host');
  });

  it('moves to the next target listed when the selected one is deleted', () => {
    expect(nextSelection(topo(['a', 'b', 'c']), topo(['a', 'c']), 'b')).toBe('c');
    // the next one may have gone in the same read: the one after it
    expect(nextSelection(topo(['a', 'b', 'c', 'd']), topo(['a', 'd']), 'b')).toBe('d');
    // from the last namespace to the first container (the list's order)
    expect(nextSelection(topo(['a', 'b'], ['web']), topo(['a'], ['web']), 'b')).toBe('web');
  });

  it('moves to the one before when it was the last but the host', () => {
    expect(nextSelection(topo(['a', 'b', 'c']), topo(['a', 'b']), 'c')).toBe('b');
    expect(nextSelection(topo([], ['web', 'db']), topo([], ['web']), 'db')).toBe('web');
  });

  it('prefers a target the targets filter shows', () => {
    // deleted mine-b: the next one (other-c) is filtered out, so the one before it (mine-a)
    expect(nextSelection(topo(['mine-a', 'mine-b', 'other-c']), topo(['mine-a', 'other-c']), 'mine-b', 'mine')).toBe('mine-a');
    expect(nextSelection(topo(['mine-a', 'mine-b', 'other-c', 'mine-d']), topo(['mine-a', 'other-c', 'mine-d']), 'mine-b', 'mine')).toBe('mine-d');
    // nothing shown is left: a neighbour all the same
    expect(nextSelection(topo(['mine-b', 'other-c']), topo(['other-c']), 'mine-b', 'mine')).toBe('other-c');
    // the first selection, too
    expect(nextSelection(undefined, topo(['a', 'mine-x']), undefined, 'mine')).toBe('mine-x');
  });

  it('falls back to the host when nothing else is left, and to the first target at the start', () => {
    expect(nextSelection(topo(['a']), topo([]), 'a')).toBe('host');
    expect(nextSelection(topo(['a'], ['web']), topo([], []), 'web')).toBe('host');
    expect(nextSelection(undefined, topo(['a', 'b']), undefined)).toBe('a');
    expect(nextSelection(undefined, topo([]), undefined)).toBe('host');
    // a selection never seen in the list before (a stale label) falls back too
    expect(nextSelection(topo(['a']), topo(['a', 'b']), 'zzz')).toBe('a');
  });
});
