import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ChainHop, ChainNode, HopHealth, NodeState } from '../../src/render/chain-model.js';
import { ChainView, EMPTY_CHAIN_HINT } from '../../src/ui/components/ChainView.js';

const node = (name: string, state: NodeState = 'up'): ChainNode => ({ name, state });

function hop(a: string, aIf: string, aAddr: string, b: string, bIf: string, bAddr: string, health: HopHealth = 'ok'): ChainHop {
  return { a: { node: a, ifname: aIf, address: aAddr }, b: { node: b, ifname: bIf, address: bAddr }, health };
}

const seedNodes = ['client', 'firewall', 'router', 'webserver'].map((name) => node(name));
const seedHops = [
  hop('client', 'link1', '10.0.1.1', 'firewall', 'link2', '10.0.1.2'),
  hop('firewall', 'link3', '10.0.2.1', 'router', 'link4', '10.0.2.2'),
  hop('router', 'link5', '10.0.3.1', 'webserver', 'link6', '10.0.3.2'),
];

function frameOf(nodes: readonly ChainNode[], hops: readonly ChainHop[], width: number): string {
  const { lastFrame, unmount } = render(<ChainView nodes={nodes} hops={hops} width={width} />);
  const frame = lastFrame() ?? '';
  unmount();
  return frame;
}

describe('ChainView', () => {
  it('shows one target as its box', () => {
    expect(frameOf([node('client')], [], 80)).toBe('[client]');
  });

  it('shows the seed path of 4, wrapped to the width', () => {
    expect(frameOf(seedNodes, seedHops, 80)).toBe(
      [
        '[client]─link1 10.0.1.1 ═✓═ 10.0.1.2 link2─[firewall]',
        '   ─link3 10.0.2.1 ═✓═ 10.0.2.2 link4─[router]',
        '   ─link5 10.0.3.1 ═✓═ 10.0.3.2 link6─[webserver]',
      ].join('\n'),
    );
  });

  it('keeps every row of a path of 30 within the width', () => {
    const names = Array.from({ length: 30 }, (_, i) => `node${String(i + 1).padStart(2, '0')}`);
    const hops = names.slice(1).map((name, i) => hop(names[i]!, 'eth1', `10.1.${i}.1`, name, 'eth2', `10.1.${i}.2`));
    const rows = frameOf(
      names.map((name) => node(name)),
      hops,
      80,
    ).split('\n');
    for (const row of rows) expect(row.length, row).toBeLessThanOrEqual(80);
    expect(rows[0]).toBe('[node01]─eth1 10.1.0.1 ═✓═ 10.1.0.2 eth2─[node02]');
    expect(rows.slice(1).every((row) => row.startsWith('   '))).toBe(true);
    const boxes = rows.join('').match(/\[node\d\d\]/g);
    expect(boxes).toEqual(names.map((name) => `[${name}]`));
  });

  it('shows a branch under the box it leaves', () => {
    const nodes = ['client', 'firewall', 'router', 'client2'].map((name) => node(name));
    const hops = [seedHops[0]!, seedHops[1]!, hop('firewall', 'link9', '10.0.9.1', 'client2', 'link10', '10.0.9.2')];
    const frame = frameOf(nodes, hops, 100);
    expect(frame).toBe(
      [
        '[client]─link1 10.0.1.1 ═✓═ 10.0.1.2 link2─[firewall]─link3 10.0.2.1 ═✓═ 10.0.2.2 link4─[router]',
        '                                           └─link9 10.0.9.1 ═✓═ 10.0.9.2 link10─[client2]',
      ].join('\n'),
    );
  });

  it('shows a broken hop with ╳, the gone end and the stopped target', () => {
    const hops: ChainHop[] = [
      { a: { node: 'client', ifname: 'link1', address: '10.0.1.1' }, b: { node: 'firewall' }, health: 'broken' },
      { a: { node: 'firewall' }, b: { node: 'router', ifname: 'link4', address: '10.0.2.2' }, health: 'broken' },
    ];
    const frame = frameOf([node('client'), node('firewall', 'stopped'), node('router')], hops, 100);
    expect(frame).toBe('[client]─link1 10.0.1.1 ═╳═ (gone)─[firewall ✗ stopped]─(gone) ═╳═ 10.0.2.2 link4─[router]');
    expect(frame).toContain('╳');
    expect(frame).toContain('(gone)');
    expect(frame).toContain('✗');
  });

  it('keeps the blank line between groups', () => {
    expect(frameOf([node('a'), node('b'), node('c')], [hop('a', 'x', '10.0.0.1', 'b', 'y', '10.0.0.2')], 80)).toBe(
      ['[a]─x 10.0.0.1 ═✓═ 10.0.0.2 y─[b]', '', '[c]'].join('\n'),
    );
  });

  it('shows a hint when there is nothing to draw', () => {
    expect(frameOf([], [], 80)).toBe(EMPTY_CHAIN_HINT);
    expect(EMPTY_CHAIN_HINT).toContain('koko -n a,l1 -n b,l2');
  });
});
