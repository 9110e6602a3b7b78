import { describe, expect, it } from 'vitest';
import { parsePromptLine, type LineCommand } from '../../src/parse/prompt-command.js';
import { forwardResult, groupRuns, isGroupable, planGroup, undoLines, type GroupInput, type NamespaceState } from '../../src/plan/batch-group.js';
import type { Namespace } from '../../src/targets/namespace.js';
import { iface } from './helpers.js';

const cmd = (line: string): LineCommand => {
  const parsed = parsePromptLine(line);
  if (parsed.command?.kind !== 'run') throw new Error(`not a command: ${line}`);
  return parsed.command.command;
};

const nsNamed = (name: string): Namespace => ({ kind: 'netns', label: name, path: `/var/run/netns/${name}`, netnsName: name });
const state = (name: string, ...interfaces: ReturnType<typeof iface>[]): NamespaceState => ({
  ns: nsNamed(name),
  identity: `id-${name}`,
  interfaces: [iface('lo', 'loopback', { ifindex: 1 }), ...interfaces],
});

/** The group's inputs: each line with the states of the namespaces it names (by netns name), tags t0000000, t0000001, ... */
function inputs(states: Record<string, NamespaceState>, ...lines: string[]): GroupInput[] {
  return lines.map((line, i) => {
    const c = cmd(line);
    if (!isGroupable(c)) throw new Error(`not groupable: ${line}`);
    const targets = c.verb === 'koko' ? c.ends.map((e) => e.target) : [c.target];
    const namespaces = targets.map((t) => states[(t as { name: string }).name]!);
    return { cmd: c, namespaces, tag: `t000000${i}` };
  });
}

const SEED = [
  'koko -n c,link1,10.0.1.1/24 -n f,link2,10.0.1.2/24',
  'koko -n f,link3,10.0.2.1/24 -n r,link4,10.0.2.2/24',
  'koro netns c route add default via 10.0.1.2 dev link1',
  'koro netns f route add 10.0.3.0/24 via 10.0.2.2 dev link3',
  'forward f on',
];

describe('isGroupable and groupRuns', () => {
  it('takes veths between namespaces, IPv4 koro adds and forwarding switches; not the rest', () => {
    expect(SEED.map((l) => isGroupable(cmd(l)))).toEqual([true, true, true, true, true]);
    for (const line of [
      'koko -n a,x,fd00::1/64 -n b,y',
      'koko -n a,x,mirror:ingress:eth0 -n b,y',
      'koko -c x -n b,y',
      'koko -N a,x',
      'koro netns a address del 10.0.0.1/24 dev x',
      'koro netns a route add ::/0 via fd00::1 dev x',
      'koro netns a address show',
      'forward a',
      'ls',
      'ping a 10.0.0.1 -c 1',
    ]) {
      expect(isGroupable(cmd(line)), line).toBe(false);
    }
  });

  it('runs of two or more; other verbs are barriers; a koko or koro after a forward starts a new run', () => {
    const lines = ['ls', ...SEED, 'koko -n a,x -n b,y', 'koro netns a address add 10.0.0.1/24 dev x', 'ping a 10.0.0.2', 'forward a on', 'ls'];
    expect(groupRuns(lines.map(cmd))).toEqual([
      { start: 1, end: 6 },
      { start: 6, end: 8 },
    ]);
    expect(groupRuns([cmd('forward a on'), cmd('forward b on'), undefined, cmd('forward c on')])).toEqual([{ start: 0, end: 2 }]);
  });
});

describe('planGroup', () => {
  const states = () => ({ c: state('c'), f: state('f', iface('eth0', 'device', { ifindex: 7 })), r: state('r') });

  it('one host batch for the pairs, one batch per namespace in the order of the file, then forwarding', () => {
    const plan = planGroup(inputs(states(), ...SEED));
    expect(plan.taken).toBe(5);
    expect(plan.pairs.map((p) => p.text)).toEqual([
      // numbered above every index either end holds: f has 7
      'link add name cmt0000000a index 8 netns /var/run/netns/c type veth peer name cmt0000000b index 9 netns /var/run/netns/f',
      'link add name cmt0000001a index 10 netns /var/run/netns/f type veth peer name cmt0000001b index 11 netns /var/run/netns/r',
    ]);
    const text = (id: string) => plan.perNamespace.get(id)!.entries.map((e) => e.text);
    expect(text('id-c')).toEqual(['addr add 10.0.1.1/24 dev cmt0000000a', 'link set dev cmt0000000a name link1 up', 'route add default via 10.0.1.2 dev link1']);
    expect(text('id-f')).toEqual([
      'addr add 10.0.1.2/24 dev cmt0000000b',
      'link set dev cmt0000000b name link2 up',
      'addr add 10.0.2.1/24 dev cmt0000001a',
      'link set dev cmt0000001a name link3 up',
      'route add 10.0.3.0/24 via 10.0.2.2 dev link3',
    ]);
    expect(plan.forwards).toEqual([{ line: 4, ns: nsNamed('f'), value: '1' }]);
    expect(plan.results[0]!.summary).toBe('created veth c:link1 (10.0.1.1/24) <-> f:link2 (10.0.1.2/24)');
    expect(plan.results[2]!.summary).toBe('added route default via 10.0.1.2 dev link1 in c');
  });

  it('stops before a line the reads say would fail: a taken name, a missing device, an address already there', () => {
    const s = states();
    expect(planGroup(inputs(s, SEED[0]!, 'koko -n f,link2 -n r,z')).taken).toBe(1);
    expect(planGroup(inputs(s, SEED[0]!, 'koro netns c route add default via 10.0.1.2 dev link9')).taken).toBe(1);
    expect(planGroup(inputs(s, SEED[0]!, 'koro netns c address add 10.0.1.1/24 dev link1')).taken).toBe(1);
    const withEth = { ...s, r: state('r', iface('eth1')) };
    expect(planGroup(inputs(withEth, 'koko -n c,eth1 -n r,eth1')).taken).toBe(0);
    expect(planGroup(inputs(withEth, 'koko -n c,eth1 -n r,eth2', 'koko -n r,eth3 -n c,eth1')).taken).toBe(1);
  });

  it('undo: the lines of each batch that ran, in reverse, then each pair made by both its names', () => {
    const s = states();
    const plan = planGroup(inputs(s, SEED[0]!, 'koro netns f address add 10.0.9.1/24 dev eth0', 'koro netns f route add 10.0.8.0/24 via 10.0.9.2'));
    // f's batch: the pair's address, its rename, the address on eth0, the route: three ran
    const undo = undoLines(plan, new Map([['id-f', 3]]), 1);
    expect(undo.get('id-f')).toEqual(['addr del 10.0.9.1/24 dev eth0']);
    expect(undo.get('id-c')).toEqual(['link del dev link1', 'link del dev cmt0000000a']);
    expect(undoLines(plan, new Map(), 0).size).toBe(0);
  });
});

describe('forwardResult', () => {
  it("forward's words from what sysctl -w printed", () => {
    expect(forwardResult('f', 'net.ipv4.ip_forward = 1\nnet.ipv6.conf.all.forwarding = 1\n')).toEqual({
      summary: 'f: forwarding ipv4 on, ipv6 on',
      json: { target: 'f', ipv4: true, ipv6: true },
    });
    expect(forwardResult('f', 'net.ipv4.ip_forward = 0\n').summary).toBe('f: forwarding ipv4 off, ipv6 off');
  });
});
