/**
 * `link TARGET IF down|up` and `pingall [FILE|--live]`: their parsers, the
 * pure planning of pingall's pairs and what a chain expects, the matrix, a
 * hop with an end set down in the chain drawing, and completion.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveChain } from '../../src/chain/derive.js';
import { parseChainText } from '../../src/chain/file.js';
import { chainPingTargets } from '../../src/chain/pingall-targets.js';
import { shellOffer } from '../../src/entry/completion.js';
import { USAGE } from '../../src/parse/verb-table.js';
import { parseCommand } from '../../src/parse/verbs.js';
import { pairKey, planPingPairs, summarizePingall, type PingallResult } from '../../src/plan/pingall.js';
import { linkPiece } from '../../src/render/chain-boxes.js';
import { chainFromTopology } from '../../src/render/chain-input.js';
import { renderChainsText } from '../../src/render/chain.js';
import { lineText } from '../../src/render/chain-model.js';
import { renderPingall } from '../../src/render/pingall.js';
import type { TargetState, Topology, TopologyLink } from '../../src/topology/model.js';
import { complete, type CompletionContext } from '../../src/ui/completion.js';
import { auto, docker, expectUsageError, iface, words } from './helpers.js';

const parse = (line: string) => parseCommand(words(line));

describe('parse link', () => {
  it.each([
    ['link client link1 down', { verb: 'link', target: auto('client'), ifname: 'link1', state: 'down', json: false }],
    ['link docker client link1 up', { verb: 'link', target: docker('client'), ifname: 'link1', state: 'up', json: false }],
    ['link client link1 down --json', { verb: 'link', target: auto('client'), ifname: 'link1', state: 'down', json: true }],
    ['link client link1 up --format json', { verb: 'link', target: auto('client'), ifname: 'link1', state: 'up', json: true }],
    ['link client link1 up --format table', { verb: 'link', target: auto('client'), ifname: 'link1', state: 'up', json: false }],
  ])('%s', (line, cmd) => {
    expect(parse(line)).toEqual(cmd);
  });

  it('refuses a missing interface, a missing or wrong state, extra words, a bad name and the host, naming the word', () => {
    const usage = USAGE.link!;
    expectUsageError(() => parse('link client'), { message: 'missing the interface: link client IF down|up', index: 2, word: undefined });
    expectUsageError(() => parse('link client down'), { message: 'missing the interface: link client IF down|up', index: 2, word: 'down' });
    expectUsageError(() => parse('link client link1'), { message: 'missing the state: down or up', index: 3, word: undefined });
    expectUsageError(() => parse('link client link1 sideways'), { message: 'expected "down" or "up", got "sideways"', index: 3, word: 'sideways' });
    expectUsageError(() => parse('link client link1 down now'), { message: 'unexpected "now"', index: 4, word: 'now' });
    expectUsageError(() => parse('link client link;1 down'), { message: 'bad interface "link;1": interface name must not contain ";"', index: 2 });
    expectUsageError(() => parse('link host eth0 down'), { message: 'link sets an end inside a container or namespace, not on the host', index: 1, word: 'host' });
    expectUsageError(() => parse('link client link1 down --all'), { message: 'unknown option "--all"', index: 4 });
    expect(usage).toContain('[--json|--format json|table]');
  });
});

describe('parse pingall', () => {
  it.each([
    ['pingall', { verb: 'pingall', json: false }],
    ['pingall --live', { verb: 'pingall', json: false }],
    ['pingall --live --json', { verb: 'pingall', json: true }],
    ['pingall chain.yaml', { verb: 'pingall', file: 'chain.yaml', json: false }],
    ['pingall chain.yaml --format json', { verb: 'pingall', file: 'chain.yaml', json: true }],
  ])('%s', (line, cmd) => {
    expect(parse(line)).toEqual(cmd);
  });

  it('refuses a file with --live, two files and unknown options', () => {
    expectUsageError(() => parse('pingall --live chain.yaml'), { message: 'give a chain file or --live, not both', index: 2, word: 'chain.yaml' });
    expectUsageError(() => parse('pingall a.yaml b.yaml'), { message: 'unexpected "b.yaml"', index: 2, word: 'b.yaml' });
    expectUsageError(() => parse('pingall --count 3'), { message: 'unknown option "--count"', index: 1 });
    expectUsageError(() => parse('pingall --format yaml'), { message: 'bad --format "yaml": expected json or table', index: 2 });
  });
});

describe('planPingPairs', () => {
  it('every ordered pair of addressed targets, sources in order; a target without an address is left out', () => {
    const pairs = planPingPairs(
      [{ name: 'a', address: '10.0.0.1' }, { name: 'lonely' }, { name: 'b', address: '10.0.0.2' }, { name: 'c', address: '10.0.0.3' }],
      new Set([pairKey('a', 'c')]),
    );
    expect(pairs.map((p) => `${pairKey(p.from, p.to)} ${p.address}${p.expected ? ' expected' : ''}`)).toEqual([
      'a→b 10.0.0.2',
      'a→c 10.0.0.3 expected',
      'b→a 10.0.0.1',
      'b→c 10.0.0.3',
      'c→a 10.0.0.1',
      'c→b 10.0.0.2',
    ]);
  });

  it('plans nothing for fewer than two addressed targets', () => {
    expect(planPingPairs([{ name: 'a', address: '10.0.0.1' }, { name: 'b' }])).toEqual([]);
  });
});

const example = (name: string) => deriveChain(parseChainText(readFileSync(`examples/${name}.yaml`, 'utf8'), `${name}.yaml`));

describe('chainPingTargets: what a chain expects to reach', () => {
  it('the service chain: its nodes at their first addresses; its two ends expected both ways', () => {
    const { targets, expected } = chainPingTargets(example('service-chain'));
    expect(targets).toEqual([
      { name: 'client', address: '10.0.1.1' },
      { name: 'firewall', address: '10.0.1.2' },
      { name: 'router', address: '10.0.2.2' },
      { name: 'webserver', address: '10.0.3.2' },
    ]);
    expect([...expected].sort()).toEqual(['client→webserver', 'webserver→client']);
  });

  it('warm-up: its ends, and its ping probe (the same pair)', () => {
    expect([...chainPingTargets(example('warm-up')).expected].sort()).toEqual(['test1→test2', 'test2→test1']);
  });

  it('a chain with firewall rules: only its ping probes that expect a reply (a probe expecting failure is not expected)', () => {
    expect([...chainPingTargets(example('branch')).expected]).toEqual(['client1→webserver']);
  });

  it('a ping probe expecting failure between two ends takes that direction out', () => {
    const spec = parseChainText(
      ['name: t', 'nodes: [a, b]', 'links:', '  - [a:l1, b:l2, 10.9.0.0/24]', 'probes:', '  - { from: a, ping: b, expect: fail }'].join('\n') + '\n',
      't.yaml',
    );
    expect([...chainPingTargets(deriveChain(spec)).expected]).toEqual(['b→a']);
  });
});

const result = (from: string, to: string, address: string, ok: boolean, extra: Partial<PingallResult> = {}): PingallResult => ({
  from,
  to,
  address,
  expected: false,
  ok,
  ran: true,
  ...extra,
});

describe('renderPingall', () => {
  it('a matrix of ✓ with round trips, · on the diagonal, and the summary', () => {
    const results = [result('a', 'b', '10.0.0.2', true, { ms: 0.081, expected: true }), result('b', 'a', '10.0.0.1', true, { ms: 12.4, expected: true })];
    expect(renderPingall(['a', 'b'], results)).toEqual([
      'from \\ to  a       b',
      'a          ·       ✓ 0.08ms',
      'b          ✓ 12ms  ·',
      '2/2 reachable; all 2 expected pairs do',
    ]);
  });

  it('✗ where no reply came, and a line for each expected pair that does not reach', () => {
    const results = [
      result('a', 'b', '10.0.0.2', false, { expected: true }),
      result('a', 'c', '10.0.0.3', true, { ms: 1.5 }),
      result('b', 'a', '10.0.0.1', false, { ran: false, detail: 'b is not running', expected: true }),
      result('b', 'c', '10.0.0.3', false, { ran: false, detail: 'b is not running' }),
      result('c', 'a', '10.0.0.1', true, { ms: 0.5 }),
      result('c', 'b', '10.0.0.2', false),
    ];
    const lines = renderPingall(['a', 'b', 'c'], results);
    expect(lines.slice(0, 4)).toEqual(['from \\ to  a         b  c', 'a          ·         ✗  ✓ 1.5ms', 'b          ✗         ·  ✗', 'c          ✓ 0.50ms  ✗  ·']);
    expect(lines.slice(4)).toEqual([
      '2/6 reachable; 2 of 2 expected pairs do not',
      '✗ a → b (10.0.0.2): expected to reach, no reply',
      '✗ b → a (10.0.0.1): expected to reach, b is not running',
    ]);
    expect(summarizePingall(results)).toMatchObject({ reachable: 2, total: 6, anyRan: true });
  });

  it('without expectations (live) the summary is the count alone; nothing to ping says so', () => {
    expect(renderPingall(['a', 'b'], [result('a', 'b', '10.0.0.2', true), result('b', 'a', '10.0.0.1', true)]).at(-1)).toBe('2/2 reachable');
    expect(renderPingall([], [])).toEqual(['nothing to ping: fewer than two targets have an address']);
    expect(summarizePingall([result('a', 'b', '1.1.1.1', false, { ran: false })]).anyRan).toBe(false);
  });
});

describe('a hop with an end set down', () => {
  const target = (label: string, interfaces: TargetState['interfaces']): TargetState => ({
    ns: { kind: 'netns', label, path: `/var/run/netns/${label}`, netnsName: label },
    status: 'present',
    interfaces,
  });
  const link: TopologyLink = {
    kind: 'veth',
    a: { target: 'client', ifname: 'link1', addresses: ['10.0.1.1/24'] },
    b: { target: 'firewall', ifname: 'link2', addresses: ['10.0.1.2/24'] },
  };
  const topology = (adminUp: boolean): Topology => ({
    targets: [
      target('client', [iface('link1', 'veth', { adminUp, state: adminUp ? 'UP' : 'DOWN' })]),
      target('firewall', [iface('link2', 'veth', { state: 'LOWERLAYERDOWN' })]),
    ],
    links: [link],
    warnings: [],
  });
  const failing = new Map([['veth|client:link1|firewall:link2', { ok: false }]]);

  it('is down, not failing or broken, whatever its last ping said', () => {
    expect(chainFromTopology(topology(false), new Map(), failing).hops[0]!.health).toBe('down');
    expect(chainFromTopology(topology(true), new Map(), failing).hops[0]!.health).toBe('failing');
  });

  it('is drawn with its own mark, ⇣ down, between both ends', () => {
    const { nodes, hops } = chainFromTopology(topology(false), new Map(), failing);
    expect(lineText(linkPiece(hops[0]!, 'client'))).toBe('─link1 10.0.1.1 ═⇣ down═ 10.0.1.2 link2─');
    expect(renderChainsText(nodes, hops, 100)).toEqual(['[client]─link1 10.0.1.1 ═⇣ down═ 10.0.1.2 link2─[firewall]']);
  });
});

describe('completion', () => {
  const ctx: CompletionContext = { targets: ['client', 'firewall'], interfaces: { client: ['lo', 'link1'], firewall: ['lo', 'link2', 'link3'] } };
  const words = (line: string) => complete(line, line.length, ctx);

  it('link: a target, then its interfaces, then down or up', () => {
    expect(words('link c').line).toBe('link client ');
    expect(words('link firewall l').candidates).toEqual(['lo', 'link2', 'link3']);
    expect(words('link firewall link').candidates).toEqual(['link2', 'link3']);
    expect(words('link docker client li').line).toBe('link docker client link1 ');
    expect(words('link client link1 ').candidates).toEqual(['down', 'up']);
    expect(words('link client link1 d').line).toBe('link client link1 down ');
    expect(words('link client link1 down ').candidates).toEqual([]);
  });

  it('pingall: a chain file (the shell offers files) or --live', () => {
    expect(shellOffer(['pingall', ''], ctx)).toEqual({ words: [], files: true });
    expect(shellOffer(['pingall', '--l'], ctx)).toEqual({ words: ['--live'], files: false });
    expect(shellOffer(['pingall', '--live', ''], ctx)).toEqual({ words: [], files: false });
    expect(shellOffer(['link', 'client', ''], ctx).words).toEqual(['lo', 'link1']);
  });
});
