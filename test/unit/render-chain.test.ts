import { describe, expect, it } from 'vitest';
import { renderChains, renderChainsText } from '../../src/render/chain.js';
import { lineText, type ChainHop, type ChainNode, type HopHealth, type NodeState } from '../../src/render/chain-model.js';

const node = (name: string, state: NodeState = 'up'): ChainNode => ({ name, state });

/** A hop between a and b; ifnames and addresses as given (`-` leaves the address out). */
function hop(a: string, aIf: string, aAddr: string, b: string, bIf: string, bAddr: string, health: HopHealth = 'ok'): ChainHop {
  return {
    a: { node: a, ifname: aIf, ...(aAddr === '-' ? {} : { address: aAddr }) },
    b: { node: b, ifname: bIf, ...(bAddr === '-' ? {} : { address: bAddr }) },
    health,
  };
}

/** A hop with ifnames made from the two names (`ab` on a, `ba` on b) and no addresses. */
const short = (a: string, b: string, health: HopHealth = 'ok'): ChainHop => hop(a, a + b, '-', b, b + a, '-', health);

const seedNodes = ['client', 'firewall', 'router', 'webserver'].map((name) => node(name));
const seedHops = [
  hop('client', 'link1', '10.0.1.1', 'firewall', 'link2', '10.0.1.2'),
  hop('firewall', 'link3', '10.0.2.1', 'router', 'link4', '10.0.2.2'),
  hop('router', 'link5', '10.0.3.1', 'webserver', 'link6', '10.0.3.2'),
];
const branchNodes = [...seedNodes, node('client2')];
const branchHops = [...seedHops, hop('firewall', 'link9', '10.0.9.1', 'client2', 'link10', '10.0.9.2')];

const SEED_LINE = '[client]─link1 10.0.1.1 ═✓═ 10.0.1.2 link2─[firewall]─link3 10.0.2.1 ═✓═ 10.0.2.2 link4─[router]─link5 10.0.3.1 ═✓═ 10.0.3.2 link6─[webserver]';

function expectWithin(lines: readonly string[], width: number): void {
  for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(width);
}

describe('renderChains: single targets', () => {
  it('draws one target alone as a box', () => {
    expect(renderChainsText([node('client')], [], 80)).toEqual(['[client]']);
  });

  it('marks a target that is not up', () => {
    expect(renderChainsText([node('pickle-old', 'stopped')], [], 80)).toEqual(['[pickle-old ✗ stopped]']);
    expect(renderChainsText([node('ghost', 'gone')], [], 80)).toEqual(['[ghost ✗ gone]']);
  });

  it('draws nothing for nothing', () => {
    expect(renderChains([], [], 80)).toEqual([]);
  });
});

describe('renderChains: paths', () => {
  it('draws the seed chain client to webserver on one line when it fits', () => {
    expect(renderChainsText(seedNodes, seedHops, 200)).toEqual([SEED_LINE]);
  });

  it('reads the same whatever order the targets are listed in', () => {
    expect(renderChainsText([...seedNodes].reverse(), seedHops, 200)).toEqual([SEED_LINE]);
  });

  it('wraps the seed chain after a box, continuing 3 columns in', () => {
    expect(renderChainsText(seedNodes, seedHops, 80)).toEqual([
      '[client]─link1 10.0.1.1 ═✓═ 10.0.1.2 link2─[firewall]',
      '   ─link3 10.0.2.1 ═✓═ 10.0.2.2 link4─[router]',
      '   ─link5 10.0.3.1 ═✓═ 10.0.3.2 link6─[webserver]',
    ]);
    expect(renderChainsText(seedNodes, seedHops, 120)).toEqual([
      '[client]─link1 10.0.1.1 ═✓═ 10.0.1.2 link2─[firewall]─link3 10.0.2.1 ═✓═ 10.0.2.2 link4─[router]',
      '   ─link5 10.0.3.1 ═✓═ 10.0.3.2 link6─[webserver]',
    ]);
  });

  it('wraps a path of 30 at width 80: every line fits, every name in order, continuations indented', () => {
    const names = Array.from({ length: 30 }, (_, i) => `node${String(i + 1).padStart(2, '0')}`);
    const hops = names.slice(1).map((name, i) => hop(names[i]!, 'eth1', `10.1.${i}.1`, name, 'eth2', `10.1.${i}.2`));
    const lines = renderChainsText(
      names.map((name) => node(name)),
      hops,
      80,
    );

    expectWithin(lines, 80);
    expect(lines.length).toBeGreaterThan(10);
    expect(lines[0]).toBe('[node01]─eth1 10.1.0.1 ═✓═ 10.1.0.2 eth2─[node02]');
    expect(lines[1]).toBe('   ─eth1 10.1.1.1 ═✓═ 10.1.1.2 eth2─[node03]─eth1 10.1.2.1 ═✓═ 10.1.2.2 eth2─');
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {3}[─[]/);
    const drawnNames = lines
      .join('')
      .match(/\[node\d\d\]/g)
      ?.map((box) => box.slice(1, -1));
    expect(drawnNames).toEqual(names);
    expect(lines.at(-1)).toMatch(/─\[node30\]$|^ {3}\[node30\]$/);
  });

  it('starts from the end whose hop points away from it, so a break does not flip the chain', () => {
    // as the UI model lists them: live hops first, remembered broken ones after
    const hops: ChainHop[] = [
      seedHops[2]!,
      { a: { node: 'client', ifname: 'link1', address: '10.0.1.1' }, b: { node: 'firewall' }, health: 'broken' },
      { a: { node: 'firewall' }, b: { node: 'router', ifname: 'link4', address: '10.0.2.2' }, health: 'broken' },
    ];
    const nodes = [node('client'), node('firewall', 'stopped'), node('router'), node('webserver')];
    expect(renderChainsText(nodes, hops, 200)).toEqual([
      '[client]─link1 10.0.1.1 ═╳═ (gone)─[firewall ✗ stopped]─(gone) ═╳═ 10.0.2.2 link4─[router]─link5 10.0.3.1 ═✓═ 10.0.3.2 link6─[webserver]',
    ]);
  });

  it('falls back to the first-listed hop, then the name, when the hops give no direction', () => {
    expect(renderChainsText([], [short('b', 'm'), short('z', 'm')], 80)).toEqual(['[b ✗ gone]─bm ═✓═ mb─[m ✗ gone]─mz ═✓═ zm─[z ✗ gone]']);
    const nodes = ['a', 'm', 'z'].map((name) => node(name));
    expect(renderChainsText(nodes, [short('m', 'z'), short('m', 'a')], 80)).toEqual(['[z]─zm ═✓═ mz─[m]─ma ═✓═ am─[a]']);
  });
});

describe('renderChains: health marks', () => {
  it('marks ok, failing, unknown and broken hops so they read without colour', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e'].map((name) => node(name));
    const hops = [short('a', 'b', 'ok'), short('b', 'c', 'failing'), short('c', 'd', 'unknown'), short('d', 'e', 'broken')];
    expect(renderChainsText(nodes, hops, 200)).toEqual(['[a]─ab ═✓═ ba─[b]─bc ═✗═ cb─[c]─cd ═?═ dc─[d]─de ═╳═ ed─[e]']);
  });

  it('draws a broken hop with the missing end as (gone) and the stopped target marked', () => {
    const nodes = [node('client'), node('firewall', 'stopped'), node('router'), node('webserver')];
    const hops: ChainHop[] = [
      { a: { node: 'client', ifname: 'link1', address: '10.0.1.1' }, b: { node: 'firewall' }, health: 'broken' },
      { a: { node: 'firewall' }, b: { node: 'router', ifname: 'link4', address: '10.0.2.2' }, health: 'broken' },
      seedHops[2]!,
    ];
    expect(renderChainsText(nodes, hops, 120)).toEqual([
      '[client]─link1 10.0.1.1 ═╳═ (gone)─[firewall ✗ stopped]─(gone) ═╳═ 10.0.2.2 link4─[router]',
      '   ─link5 10.0.3.1 ═✓═ 10.0.3.2 link6─[webserver]',
    ]);
  });

  it('marks a hop being healed next to its health', () => {
    const healing: ChainHop = { ...short('a', 'b', 'broken'), healing: true };
    expect(renderChainsText([node('a'), node('b')], [healing], 80)).toEqual(['[a]─ab ═╳⟳═ ba─[b]']);
  });

  it('treats a target named by a hop but missing from the list as gone', () => {
    expect(renderChainsText([node('a')], [short('a', 'b')], 80)).toEqual(['[a]─ab ═✓═ ba─[b ✗ gone]']);
  });
});

describe('renderChains: tones', () => {
  it('gives boxes, links, marks and healing their tones; the texts join into the line', () => {
    const hops: ChainHop[] = [{ ...short('a', 'b', 'failing'), healing: true }];
    const [line] = renderChains([node('a'), node('b', 'stopped')], hops, 80);
    expect(line).toEqual([
      { text: '[a]', tone: 'node' },
      { text: '─ab ═', tone: 'link' },
      { text: '✗', tone: 'bad' },
      { text: '⟳', tone: 'healing' },
      { text: '═ ba─', tone: 'link' },
      { text: '[b ✗ stopped]', tone: 'node-down' },
    ]);
    expect(lineText(line!)).toBe('[a]─ab ═✗⟳═ ba─[b ✗ stopped]');
  });

  it('tones ok green-ish, unknown dim, and indentation plain', () => {
    const lines = renderChains(
      ['a', 'b', 'c'].map((name) => node(name)),
      [short('a', 'b', 'ok'), short('b', 'c', 'unknown')],
      24,
    );
    expect(lines.map(lineText)).toEqual(['[a]─ab ═✓═ ba─[b]', '   ─bc ═?═ cb─[c]']);
    expect(lines[0]!.find((s) => s.text === '✓')?.tone).toBe('ok');
    expect(lines[1]![0]).toEqual({ text: '   ', tone: 'plain' });
    expect(lines[1]!.find((s) => s.text === '?')?.tone).toBe('dim');
  });
});

describe('renderChains: branches, cycles, parallel links', () => {
  it('draws a branch under the box of the node it leaves', () => {
    expect(renderChainsText(branchNodes, branchHops, 200)).toEqual([
      SEED_LINE,
      '                                           └─link9 10.0.9.1 ═✓═ 10.0.9.2 link10─[client2]',
    ]);
  });

  it('draws a branch it cannot point at (wrapped, or past half the width) as its own line from the repeated box', () => {
    expect(renderChainsText(branchNodes, branchHops, 80)).toEqual([
      '[client]─link1 10.0.1.1 ═✓═ 10.0.1.2 link2─[firewall]',
      '   ─link3 10.0.2.1 ═✓═ 10.0.2.2 link4─[router]',
      '   ─link5 10.0.3.1 ═✓═ 10.0.3.2 link6─[webserver]',
      '[firewall]─link9 10.0.9.1 ═✓═ 10.0.9.2 link10─[client2]',
    ]);
  });

  it('draws several branches of one node with ├ and └', () => {
    const hops = ['c1', 'c2', 'c3', 'c4'].map((client) => short('r', client));
    expect(renderChainsText([], hops, 80)).toEqual([
      '[c1 ✗ gone]─c1r ═✓═ rc1─[r ✗ gone]─rc2 ═✓═ c2r─[c2 ✗ gone]',
      '                        ├─rc3 ═✓═ c3r─[c3 ✗ gone]',
      '                        └─rc4 ═✓═ c4r─[c4 ✗ gone]',
    ]);
  });

  it('draws the longest path as the main line, branches below right-most first, │ joining a node to its later branches', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e', 'x', 'y', 'v', 'w'].map((name) => node(name));
    const hops = [short('a', 'b'), short('b', 'c'), short('c', 'd'), short('d', 'e'), short('b', 'x'), short('x', 'y'), short('c', 'v'), short('b', 'w')];
    // e..y (6 targets) is longer than a..e (5)
    expect(renderChainsText(nodes, hops, 100)).toEqual([
      '[e]─ed ═✓═ de─[d]─dc ═✓═ cd─[c]─cb ═✓═ bc─[b]─bx ═✓═ xb─[x]─xy ═✓═ yx─[y]',
      '                            │             ├─ba ═✓═ ab─[a]',
      '                            │             └─bw ═✓═ wb─[w]',
      '                            └─cv ═✓═ vc─[v]',
    ]);
  });

  it('draws branches of branches under their own node', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f', 'x', 'y', 'q'].map((name) => node(name));
    const hops = [short('a', 'b'), short('b', 'c'), short('c', 'd'), short('d', 'e'), short('e', 'f'), short('c', 'x'), short('x', 'y'), short('x', 'q')];
    expect(renderChainsText(nodes, hops, 100)).toEqual([
      '[a]─ab ═✓═ ba─[b]─bc ═✓═ cb─[c]─cd ═✓═ dc─[d]─de ═✓═ ed─[e]─ef ═✓═ fe─[f]',
      '                            └─cx ═✓═ xc─[x]─xy ═✓═ yx─[y]',
      '                                        └─xq ═✓═ qx─[q]',
    ]);
  });

  it('wraps a long branch 3 columns past its corner, the │ to a later branch passing beside it', () => {
    const long = (a: string, b: string): ChainHop => hop(a, `${a}-${b}-if`, '10.0.0.1', b, `${b}-${a}-if`, '10.0.0.2');
    const nodes = ['a', 'p', 'r', 'c', 'd', 'b', 'x', 'w'].map((name) => node(name));
    const hops = [short('a', 'p'), short('p', 'r'), short('r', 'c'), short('c', 'd'), long('r', 'b'), long('b', 'x'), short('r', 'w')];
    const lines = renderChainsText(nodes, hops, 80);
    expect(lines).toEqual([
      '[a]─ap ═✓═ pa─[p]─pr ═✓═ rp─[r]─rc ═✓═ cr─[c]─cd ═✓═ dc─[d]',
      '                            ├─r-b-if 10.0.0.1 ═✓═ 10.0.0.2 b-r-if─[b]',
      '                            │  ─b-x-if 10.0.0.1 ═✓═ 10.0.0.2 x-b-if─[x]',
      '                            └─rw ═✓═ wr─[w]',
    ]);
    expectWithin(lines, 80);
  });

  it('unrolls a cycle of 3 into a line and lists the closing hop with also', () => {
    const nodes = ['a', 'b', 'c'].map((name) => node(name));
    expect(renderChainsText(nodes, [short('a', 'b'), short('b', 'c'), short('c', 'a', 'failing')], 80)).toEqual([
      '[a]─ab ═✓═ ba─[b]─bc ═✓═ cb─[c]',
      'also [a]─ac ═✗═ ca─[c]',
    ]);
  });

  it('draws both of two parallel links, the second under the first box', () => {
    const nodes = ['client', 'firewall', 'router'].map((name) => node(name));
    const hops = [
      hop('client', 'link1', '-', 'firewall', 'link2', '-'),
      hop('client', 'link7', '-', 'firewall', 'link8', '-', 'failing'),
      hop('firewall', 'link3', '-', 'router', 'link4', '-'),
    ];
    expect(renderChainsText(nodes, hops, 80)).toEqual(['[client]─link1 ═✓═ link2─[firewall]─link3 ═✓═ link4─[router]', '└─link7 ═✗═ link8─[firewall]']);
  });

  it('draws a link looping on one target as an also line', () => {
    expect(renderChainsText([node('a')], [short('a', 'a')], 80)).toEqual(['[a]', 'also [a]─aa ═✓═ aa─[a]']);
  });
});

describe('renderChains: groups and isolated targets', () => {
  it('puts the largest group first, then by name, a blank line between, isolated targets last', () => {
    const nodes = ['zeta', 'alpha', 'p', 'q', 'r', 's', 't', 'm', 'n'].map((name) => node(name));
    const hops = [short('s', 't'), short('p', 'q'), short('q', 'r'), short('m', 'n')];
    expect(renderChainsText([...nodes, node('pickle-old', 'stopped')], hops, 80)).toEqual([
      '[p]─pq ═✓═ qp─[q]─qr ═✓═ rq─[r]',
      '',
      '[m]─mn ═✓═ nm─[n]',
      '',
      '[s]─st ═✓═ ts─[t]',
      '',
      '[alpha]  [pickle-old ✗ stopped]  [zeta]',
    ]);
  });

  it('packs isolated targets on as few lines as fit', () => {
    const nodes = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((name) => node(name));
    expect(renderChainsText(nodes, [], 30)).toEqual(['[alpha]  [bravo]  [charlie]', '[delta]  [echo]']);
  });
});

describe('renderChains: narrow widths', () => {
  it('at width 40 puts one piece a line and cuts what is wider than a line with …', () => {
    const long = 'a-very-long-container-name-that-goes-on-and-on';
    const hops: ChainHop[] = [hop(long, 'eth0', 'fd00:1234:5678::1', 'web', 'eth0', 'fd00:1234:5678::2')];
    const lines = renderChainsText([node(long), node('web')], hops, 40);
    expect(lines).toEqual(['[a-very-long-container-name-that-goes-o…', '   ─eth0 fd00:1234:5678::1 ═✓═ fd00:123…', '   [web]']);
    expectWithin(lines, 40);
  });

  it('keeps the seed chain within 40 columns', () => {
    const lines = renderChainsText(seedNodes, seedHops, 40);
    expectWithin(lines, 40);
    expect(lines).toEqual([
      '[client]',
      '   ─link1 10.0.1.1 ═✓═ 10.0.1.2 link2─',
      '   [firewall]',
      '   ─link3 10.0.2.1 ═✓═ 10.0.2.2 link4─',
      '   [router]',
      '   ─link5 10.0.3.1 ═✓═ 10.0.3.2 link6─',
      '   [webserver]',
    ]);
  });

  it('cuts an isolated box wider than the width', () => {
    expect(renderChainsText([node('abcdefghijklmnop')], [], 10)).toEqual(['[abcdefgh…']);
  });
});

describe('renderChains: the round trip of a healthy hop', () => {
  it('is drawn beside its ✓, short as ping says it; a failing or unknown hop has none', () => {
    const timed = (ms: number, health: HopHealth = 'ok'): ChainHop => ({ ...hop('client', 'link1', '10.0.1.1', 'firewall', 'link2', '10.0.1.2', health), latencyMs: ms });
    const line = (h: ChainHop) => renderChainsText([node('client'), node('firewall')], [h], 200)[0];
    expect(line(timed(0.083))).toBe('[client]─link1 10.0.1.1 ═✓ 0.08ms═ 10.0.1.2 link2─[firewall]');
    expect(line(timed(1.44))).toContain('═✓ 1.4ms═');
    expect(line(timed(23.4))).toContain('═✓ 23ms═');
    expect(line(timed(0.5, 'failing'))).toContain('═✗═');
  });
});
