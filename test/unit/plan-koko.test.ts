/**
 * planKokoCreate and planKokoDelete: the kernel steps (and their undo) that
 * a parsed koko command becomes, for every link kind and target kind, read
 * as data without touching the host. Long because every link kind has its
 * own steps and its own refusals.
 */
import { describe, expect, it } from 'vitest';
import { ChainmailError } from '../../src/errors.js';
import type { Step } from '../../src/net/executor.js';
import { parseKoko, type KokoCreateCommand } from '../../src/parse/koko.js';
import { planKokoCreate, planKokoDelete, type PlannedEnd } from '../../src/plan/koko.js';
import type { Namespace } from '../../src/targets/namespace.js';
import type { Interface } from '../../src/topology/model.js';
import { clientNs, hostNs, iface, pidNs, redNs, words } from './helpers.js';

type CreateCommand = KokoCreateCommand;

const NSENTER = ['nsenter', '--net=/proc/4121/ns/net', '--'];

function create(line: string): CreateCommand {
  const cmd = parseKoko(words(line));
  if (cmd.action === 'delete' || cmd.action === 'version') throw new Error('expected a create command');
  return cmd;
}

/** Pairs each end of cmd with a namespace and what it holds now. */
function ends(cmd: CreateCommand, placed: Array<[Namespace, Interface[]]>): PlannedEnd[] {
  const list = cmd.action === 'veth' ? cmd.ends : [cmd.end];
  // the namespace's file stands for its identity here: two ends given one namespace share it
  return list.map((end, i) => ({ end, ns: placed[i]![0], interfaces: placed[i]![1], nsIdentity: placed[i]![0].path }));
}

const HOST = { ns: hostNs, interfaces: [iface('lo', 'loopback'), iface('eth0'), iface('eth1')] };

/** What a user would read in a plan: the words, the command, the undo. */
const shape = (steps: readonly Step[]) =>
  steps.map(({ describe, argv, input, undo }) => ({ describe, argv, ...(input !== undefined ? { input } : {}), ...(undo ? { undo } : {}) }));

function conflictOf(fn: () => unknown): ChainmailError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ChainmailError) return err;
    throw err;
  }
  throw new Error('expected a ChainmailError, but nothing was thrown');
}

describe('planKokoCreate: veth between a netns and a container', () => {
  const cmd = create('-n red,link1,10.0.1.1/24 -d client,link2,10.0.1.2/24,2001:DB8::2/64,mirror:both:eth0 --mtu 9000');
  const plan = planKokoCreate(
    cmd,
    ends(cmd, [
      [redNs, [iface('lo', 'loopback')]],
      [clientNs, [iface('lo', 'loopback'), iface('eth0', 'device', { ifindex: 7 })]],
    ]),
    HOST,
    '1f2e',
  );

  it('makes exactly these steps, in this order', () => {
    expect(shape(plan.steps)).toEqual([
      {
        // red's end needs nothing before its batch, so the batch's first line makes the pair: straight
        // into both namespaces, numbered above every index either holds
        describe: 'create veth pair link1 in red <-> link2 in client (as cm1f2ea, cm1f2eb), add 10.0.1.1/24 to cm1f2ea, name it link1 and set it up in red',
        argv: ['ip', '-n', 'red', '-batch', '-'],
        input:
          'link add name cm1f2ea index 8 mtu 9000 type veth peer name cm1f2eb index 9 netns /proc/4121/ns/net mtu 9000\n' +
          'addr add 10.0.1.1/24 dev cm1f2ea\nlink set dev cm1f2ea name link1 up\n',
        undo: ['ip', '-n', 'red', 'link', 'del', 'dev', 'link1'],
      },
      {
        describe: 'enable IPv6 on cm1f2eb in client',
        argv: [...NSENTER, 'sysctl', '-q', '-w', 'net/ipv6/conf/cm1f2eb/disable_ipv6=0'],
      },
      {
        describe: 'add an ingress qdisc to eth0 in client',
        argv: [...NSENTER, 'tc', 'qdisc', 'add', 'dev', 'eth0', 'ingress'],
        undo: [...NSENTER, 'tc', 'qdisc', 'del', 'dev', 'eth0', 'ingress'],
      },
      {
        describe: 'mirror eth0 ingress to link2 in client',
        argv: [
          ...NSENTER,
          'tc',
          'filter',
          'add',
          'dev',
          'eth0',
          'parent',
          'ffff:',
          'protocol',
          'all',
          'u32',
          'match',
          'u32',
          '0',
          '0',
          'action',
          'mirred',
          'egress',
          'mirror',
          'dev',
          'cm1f2eb',
        ],
      },
      {
        describe: 'add a root qdisc to eth0 in client',
        argv: [...NSENTER, 'tc', 'qdisc', 'add', 'dev', 'eth0', 'root', 'handle', '1:', 'htb'],
        undo: [...NSENTER, 'tc', 'qdisc', 'del', 'dev', 'eth0', 'root'],
      },
      {
        describe: 'mirror eth0 egress to link2 in client',
        argv: [
          ...NSENTER,
          'tc',
          'filter',
          'add',
          'dev',
          'eth0',
          'parent',
          '1:',
          'protocol',
          'all',
          'u32',
          'match',
          'u32',
          '0',
          '0',
          'action',
          'mirred',
          'egress',
          'mirror',
          'dev',
          'cm1f2eb',
        ],
      },
      {
        describe: 'add 10.0.1.2/24, 2001:db8::2/64 to cm1f2eb, name it link2 and set it up in client',
        argv: [...NSENTER, 'ip', '-batch', '-'],
        input: 'addr add 10.0.1.2/24 dev cm1f2eb\naddr add 2001:db8::2/64 dev cm1f2eb nodad\nlink set dev cm1f2eb name link2 up\n',
        undo: [...NSENTER, 'ip', 'link', 'del', 'dev', 'link2'],
      },
    ]);
  });

  it('summarizes the link in one line', () => {
    expect(plan.summary).toBe('veth red:link1 (10.0.1.1/24) <-> client:link2 (10.0.1.2/24,2001:db8::2/64) mtu 9000');
  });

  it('uses the temporary names cm<tag>a and cm<tag>b until the final rename', () => {
    const text = (step: Step) => [...step.argv, step.input ?? ''].join(' ');
    const renames = plan.steps.filter((s) => /name link[12] up/.test(s.input ?? ''));
    expect(renames).toHaveLength(2);
    for (const step of plan.steps.filter((s) => !renames.includes(s))) {
      expect(text(step), step.describe).not.toMatch(/\blink[12]\b/);
    }
    // the final names appear only in each batch's last line
    for (const step of renames) expect(step.input!.trimEnd().split('\n').slice(0, -1).join('\n')).not.toMatch(/\blink[12]\b/);
    expect(plan.steps[0]!.input!).toMatch(/^link add name cm1f2ea .* peer name cm1f2eb /);
  });

  it('the pair is one request, first in its batch: a later line failing deletes it, and an index taken meanwhile is explained', () => {
    expect(plan.steps[0]!.cleanupIfFailed).toEqual([['ip', '-n', 'red', 'link', 'del', 'dev', 'cm1f2ea']]);
    const explain = (stderr: string) => plan.steps[0]!.explain!.find(([re]) => re.test(stderr))?.[1];
    expect(explain('RTNETLINK answers: Device or resource busy\nCommand failed -:1')).toBe(
      'interface index 8 in red or 9 in client was taken meanwhile by another program; run it again',
    );
    // the rename (the batch's last line) refused: the name, not the index
    expect(explain('RTNETLINK answers: File exists\nCommand failed -:3')).toBe('"link1" already exists in red (created meanwhile by someone else)');
  });

  it('each end is renamed and set up in one request, its last, after its addresses and mirrors', () => {
    for (const [ns, temp, name] of [
      ['red', 'cm1f2ea', 'link1'],
      ['client', 'cm1f2eb', 'link2'],
    ] as const) {
      const i = plan.steps.findIndex((s) => s.input?.includes(`name ${name} up`));
      const lines = plan.steps[i]!.input!.trimEnd().split('\n');
      expect(lines.at(-1), ns).toBe(`link set dev ${temp} name ${name} up`);
      const lastSetup = plan.steps.findLastIndex((s) => s.argv.includes(temp) && s !== plan.steps[0]);
      expect(i, ns).toBeGreaterThanOrEqual(lastSetup);
    }
  });

  it('IPv6 gets the sysctl step before its address, and nodad; IPv4 does not', () => {
    const sysctl = plan.steps.findIndex((s) => s.argv.includes('sysctl'));
    const v6 = plan.steps.findIndex((s) => s.input?.includes('2001:db8::2/64'));
    expect(sysctl).toBeGreaterThan(-1);
    expect(sysctl).toBeLessThan(v6);
    expect(plan.steps[v6]!.input).toContain('addr add 2001:db8::2/64 dev cm1f2eb nodad\n');
    expect(plan.steps.find((s) => s.input?.includes('10.0.1.1/24'))!.input).not.toContain('nodad');
    // only the end with an IPv6 address gets the sysctl
    expect(plan.steps.filter((s) => s.argv.includes('sysctl'))).toHaveLength(1);
  });

  it('a rename refused with "File exists" is explained as a name taken meanwhile', () => {
    const rename = plan.steps.find((s) => s.input?.includes('name link1 up'))!;
    const explained = rename.explain!.find(([re]) => re.test('RTNETLINK answers: File exists'));
    expect(explained?.[1]).toBe('"link1" already exists in red (created meanwhile by someone else)');
  });

  it('a qdisc that is already there is explained, not replaced', () => {
    const qdisc = plan.steps.find((s) => s.describe === 'add an ingress qdisc to eth0 in client')!;
    expect(qdisc.explain!.find(([re]) => re.test('Error: Exclusivity flag on, cannot modify.'))?.[1]).toMatch(
      /^eth0 already has a.* ingress qdisc; chainmail will not replace it$/,
    );
  });
});

describe('planKokoCreate: veth between a netns and the host', () => {
  const cmd = create('-n red,link1,2001:db8::1/64 -c link2,10.0.9.1/24');
  const plan = planKokoCreate(
    cmd,
    ends(cmd, [
      [redNs, []],
      [hostNs, HOST.interfaces],
    ]),
    HOST,
    'ab12',
  );

  it('makes only the netns end in its namespace; host commands run without nsenter', () => {
    expect(shape(plan.steps)).toEqual([
      {
        describe: 'create veth pair link1 in red <-> link2 in host (as cmab12a, cmab12b)',
        argv: ['ip', 'link', 'add', 'name', 'cmab12a', 'index', '2', 'netns', '/var/run/netns/red', 'type', 'veth', 'peer', 'name', 'cmab12b', 'index', '3'],
        undo: ['ip', '-n', 'red', 'link', 'del', 'dev', 'cmab12a'],
      },
      {
        describe: 'enable IPv6 on cmab12a in red',
        argv: ['nsenter', '--net=/var/run/netns/red', '--', 'sysctl', '-q', '-w', 'net/ipv6/conf/cmab12a/disable_ipv6=0'],
      },
      {
        describe: 'add 2001:db8::1/64 to cmab12a, name it link1 and set it up in red',
        argv: ['ip', '-n', 'red', '-batch', '-'],
        input: 'addr add 2001:db8::1/64 dev cmab12a nodad\nlink set dev cmab12a name link1 up\n',
        undo: ['ip', '-n', 'red', 'link', 'del', 'dev', 'link1'],
      },
      {
        describe: 'add 10.0.9.1/24 to cmab12b, name it link2 and set it up in host',
        argv: ['ip', '-batch', '-'],
        input: 'addr add 10.0.9.1/24 dev cmab12b\nlink set dev cmab12b name link2 up\n',
        undo: ['ip', 'link', 'del', 'dev', 'link2'],
      },
    ]);
    expect(plan.summary).toBe('veth red:link1 (2001:db8::1/64) <-> host:link2 (10.0.9.1/24)');
  });

  it('a pid namespace is named by its path and entered with nsenter', () => {
    const c = create('-p 777,e1 -c e2');
    const p = planKokoCreate(
      c,
      ends(c, [
        [pidNs, []],
        [hostNs, HOST.interfaces],
      ]),
      HOST,
      't',
    );
    expect(p.steps[0]!.argv).toEqual(['nsenter', '--net=/proc/777/ns/net', '--', 'ip', '-batch', '-']);
    // run inside the pid's namespace, the peer goes to the host by the host's path
    expect(p.steps[0]!.input!.split('\n')[0]).toBe('link add name cmta index 2 type veth peer name cmtb index 3 netns /proc/1/ns/net');
    expect(p.steps[0]!.undo).toEqual(['nsenter', '--net=/proc/777/ns/net', '--', 'ip', 'link', 'del', 'dev', 'e1']);
    expect(p.steps[0]!.cleanupIfFailed).toEqual([['nsenter', '--net=/proc/777/ns/net', '--', 'ip', 'link', 'del', 'dev', 'cmta']]);
    expect(p.steps[1]!.argv).toEqual(['ip', '-batch', '-']);
  });

  it('both ends in the same namespace: both are made there, with two different indexes', () => {
    const c = create('-n red,a1 -n red,a2');
    const p = planKokoCreate(
      c,
      ends(c, [
        [redNs, []],
        [redNs, []],
      ]),
      HOST,
      'q',
    );
    expect(p.steps.map((s) => s.describe)).toEqual([
      'create veth pair a1 in red <-> a2 in red (as cmqa, cmqb), name it a1 and set it up in red',
      'name it a2 and set it up in red',
    ]);
    expect(p.steps[0]!.input!.split('\n')[0]).toBe('link add name cmqa index 2 type veth peer name cmqb index 3 netns /var/run/netns/red');
  });

  it('the first end needing a step before its batch (a mirror) gets the pair from its own request', () => {
    const c = create('-n red,a1,mirror:ingress:eth0 -n blue,a2');
    const blue: Namespace = { kind: 'netns', label: 'blue', path: '/var/run/netns/blue', netnsName: 'blue' };
    const p = planKokoCreate(
      c,
      ends(c, [
        [redNs, [iface('eth0')]],
        [blue, []],
      ]),
      HOST,
      'm',
    );
    expect(p.steps[0]!.argv.join(' ')).toBe('ip link add name cmma index 2 netns /var/run/netns/red type veth peer name cmmb index 3 netns /var/run/netns/blue');
    expect(p.steps[0]!.cleanupIfFailed).toBeUndefined();
    expect(p.steps.filter((s) => s.input?.startsWith('link add'))).toEqual([]);
  });
});

describe('planKokoCreate: refusals before anything changes', () => {
  it('refuses a name that already exists in the target', () => {
    const cmd = create('-n red,link1 -d client,eth0');
    const err = conflictOf(() =>
      planKokoCreate(
        cmd,
        ends(cmd, [
          [redNs, []],
          [clientNs, [iface('lo', 'loopback'), iface('eth0')]],
        ]),
        HOST,
        't',
      ),
    );
    expect(err.name).toBe('ChainmailError');
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe('interface "eth0" already exists in client');
  });

  it('refuses a host end whose name the host already uses', () => {
    const cmd = create('-n red,link1 -c eth1');
    const err = conflictOf(() =>
      planKokoCreate(
        cmd,
        ends(cmd, [
          [redNs, []],
          [hostNs, HOST.interfaces],
        ]),
        HOST,
        't',
      ),
    );
    expect(err.message).toBe('interface "eth1" already exists in host');
  });

  it('refuses a mirror whose source does not exist in that namespace', () => {
    const cmd = create('-d client,link1,mirror:ingress:eth9 -n red,link2');
    const err = conflictOf(() =>
      planKokoCreate(
        cmd,
        ends(cmd, [
          [clientNs, [iface('eth0')]],
          [redNs, []],
        ]),
        HOST,
        't',
      ),
    );
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe('cannot mirror "eth9": no such interface in client');
  });

  it('refuses a vxlan/vlan/macvlan whose parent is not in the host namespace', () => {
    for (const line of ['-d client,link1 -x eth9,10.1.1.1,1', '-d client,link1 -V eth9,100', '-d client,link1 -M eth9,bridge']) {
      const cmd = create(line);
      const err = conflictOf(() => planKokoCreate(cmd, ends(cmd, [[clientNs, []]]), HOST, 't'));
      expect(err.exitCode, line).toBe(1);
      expect(err.message, line).toBe('parent interface "eth9" does not exist in the host namespace');
    }
  });

  it('the parent must be in the host even if the container has one of that name', () => {
    const cmd = create('-d client,link1 -V eth7,100');
    expect(() => planKokoCreate(cmd, ends(cmd, [[clientNs, [iface('eth7')]]]), HOST, 't')).toThrow(ChainmailError);
  });
});

describe('planKokoCreate: vxlan, vlan, macvlan', () => {
  it("vxlan with koko's default port said explicitly (4789, not the kernel's 8472)", () => {
    const cmd = create('-d client,link1,192.168.1.1/24 -x eth1,10.1.1.1,1');
    const plan = planKokoCreate(cmd, ends(cmd, [[clientNs, []]]), HOST, 'v');
    expect(shape(plan.steps)).toEqual([
      {
        describe: 'create vxlan link1 (as cmva) on eth1',
        argv: ['ip', 'link', 'add', 'name', 'cmva', 'type', 'vxlan', 'id', '1', 'remote', '10.1.1.1', 'dstport', '4789', 'dev', 'eth1'],
        undo: ['ip', 'link', 'del', 'dev', 'cmva'],
      },
      {
        describe: 'move cmva into client',
        argv: ['ip', 'link', 'set', 'dev', 'cmva', 'netns', '/proc/4121/ns/net'],
        undo: [...NSENTER, 'ip', 'link', 'del', 'dev', 'cmva'],
      },
      {
        describe: 'add 192.168.1.1/24 to cmva, name it link1 and set it up in client',
        argv: [...NSENTER, 'ip', '-batch', '-'],
        input: 'addr add 192.168.1.1/24 dev cmva\nlink set dev cmva name link1 up\n',
        undo: [...NSENTER, 'ip', 'link', 'del', 'dev', 'link1'],
      },
    ]);
    expect(plan.summary).toBe('vxlan client:link1 (192.168.1.1/24) vni 1 remote 10.1.1.1 via eth1 port 4789');
  });

  it('vxlan with port= and mtu=', () => {
    const cmd = create('-n red,vx1 -x eth1,10.1.1.1,42,port=4789,mtu=1400');
    const plan = planKokoCreate(cmd, ends(cmd, [[redNs, []]]), HOST, 'v');
    expect(plan.steps[0]!.argv).toEqual([
      'ip',
      'link',
      'add',
      'name',
      'cmva',
      'mtu',
      '1400',
      'type',
      'vxlan',
      'id',
      '42',
      'remote',
      '10.1.1.1',
      'dstport',
      '4789',
      'dev',
      'eth1',
    ]);
    expect(plan.summary).toBe('vxlan red:vx1 vni 42 remote 10.1.1.1 via eth1 port 4789');
  });

  it('vxlan with --mtu', () => {
    const cmd = create('-c vx1 -x eth1,10.1.1.1,42 --mtu 1450');
    const plan = planKokoCreate(cmd, ends(cmd, [[hostNs, HOST.interfaces]]), HOST, 'v');
    expect(plan.steps[0]!.argv).toEqual([
      'ip',
      'link',
      'add',
      'name',
      'cmva',
      'mtu',
      '1450',
      'type',
      'vxlan',
      'id',
      '42',
      'remote',
      '10.1.1.1',
      'dstport',
      '4789',
      'dev',
      'eth1',
    ]);
    // a host end is not moved anywhere
    expect(plan.steps.map((s) => s.describe)).toEqual(['create vxlan vx1 (as cmva) on eth1', 'name it vx1 and set it up in host']);
  });

  it('a vxlan mtu= above what the parent can carry is refused, not quietly lowered by the kernel', () => {
    const cmd = create('-n red,vx1 -x eth1,10.1.1.1,42,mtu=9000');
    const err = conflictOf(() => planKokoCreate(cmd, ends(cmd, [[redNs, []]]), HOST, 'v'));
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe("mtu=9000 is more than a vxlan on eth1 can carry: at most 1450 (eth1's MTU 1500 less 50 bytes of vxlan headers)");
    const v6 = create('-n red,vx1 -x eth1,2001:db8::1,42,mtu=1440');
    expect(conflictOf(() => planKokoCreate(v6, ends(v6, [[redNs, []]]), HOST, 'v')).message).toMatch(/at most 1430 .* less 70 bytes/);
  });

  it('vlan', () => {
    const cmd = create('-d client,link1 -V eth1,100 --mtu 1400');
    const plan = planKokoCreate(cmd, ends(cmd, [[clientNs, []]]), HOST, 'w');
    expect(plan.steps[0]!.describe).toBe('create vlan link1 (as cmwa) on eth1');
    expect(plan.steps[0]!.argv).toEqual(['ip', 'link', 'add', 'link', 'eth1', 'name', 'cmwa', 'mtu', '1400', 'type', 'vlan', 'id', '100']);
    expect(plan.steps[0]!.undo).toEqual(['ip', 'link', 'del', 'dev', 'cmwa']);
    expect(plan.summary).toBe('vlan client:link1 id 100 on eth1');
  });

  it('macvlan "default" sends mode vepa (what the kernel uses when koko sends none)', () => {
    const cmd = create('-d client,link1 -M eth1,default');
    const plan = planKokoCreate(cmd, ends(cmd, [[clientNs, []]]), HOST, 'm');
    expect(plan.steps[0]!.argv).toEqual(['ip', 'link', 'add', 'link', 'eth1', 'name', 'cmma', 'type', 'macvlan', 'mode', 'vepa']);
    expect(plan.summary).toBe('macvlan client:link1 mode default on eth1');
  });

  it.each(['private', 'vepa', 'bridge', 'passthru'])('macvlan mode %s is passed as is', (mode) => {
    const cmd = create(`-n red,m1 -M eth1,${mode}`);
    const plan = planKokoCreate(cmd, ends(cmd, [[redNs, []]]), HOST, 'm');
    expect(plan.steps[0]!.argv).toEqual(['ip', 'link', 'add', 'link', 'eth1', 'name', 'cmma', 'type', 'macvlan', 'mode', mode]);
  });

  it('a kernel without the module is explained per kind', () => {
    const cases: Array<[string, string]> = [
      ['-n red,x -x eth1,10.1.1.1,1', 'this kernel has no vxlan support (module vxlan not available)'],
      ['-n red,x -V eth1,100', 'this kernel has no vlan support (module 8021q not available)'],
      ['-n red,x -M eth1,bridge', 'this kernel has no macvlan support (module macvlan not available)'],
    ];
    for (const [line, sentence] of cases) {
      const cmd = create(line);
      const first = planKokoCreate(cmd, ends(cmd, [[redNs, []]]), HOST, 'k').steps[0]!;
      expect(first.explain!.find(([re]) => re.test('Error: Unknown device type.'))?.[1], line).toBe(sentence);
    }
  });
});

describe('planKokoDelete', () => {
  it('deletes a veth end in a container, saying its peer goes too', () => {
    const plan = planKokoDelete('link1', clientNs, [iface('lo', 'loopback'), iface('link1', 'veth')]);
    expect(plan).toEqual({
      steps: [{ describe: 'delete link1 in client', argv: [...NSENTER, 'ip', 'link', 'del', 'dev', 'link1'] }],
      summary: 'deleted veth client:link1 and its veth peer',
    });
  });

  it('deletes a vxlan in a named netns with ip -n', () => {
    const plan = planKokoDelete('vx0', redNs, [iface('vx0', 'vxlan')]);
    expect(plan).toEqual({
      steps: [{ describe: 'delete vx0 in red', argv: ['ip', '-n', 'red', 'link', 'del', 'dev', 'vx0'] }],
      summary: 'deleted vxlan red:vx0',
    });
  });

  it('deletes in the host with plain ip', () => {
    expect(planKokoDelete('link2', hostNs, [iface('link2', 'veth')]).steps[0]!.argv).toEqual(['ip', 'link', 'del', 'dev', 'link2']);
  });

  it('has no undo: a deleted link cannot be put back', () => {
    expect(planKokoDelete('link1', clientNs, [iface('link1', 'veth')]).steps[0]!.undo).toBeUndefined();
  });

  it('refuses an interface that is not there', () => {
    const err = conflictOf(() => planKokoDelete('nope', redNs, [iface('lo', 'loopback')]));
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe('no interface "nope" in red');
  });
});

describe('planKokoCreate: a namespace path with a space, a quote or #', () => {
  it('is passed as one argument: no step carries it through an ip -batch line', () => {
    const path = `/tmp/sp ace#'q"/ns`;
    const odd: Namespace = { kind: 'path', label: path, path };
    // as the first end: its batch runs inside it (nsenter), so the path is only an argument
    const c = create('-n red,e1 -c e2');
    const p = planKokoCreate(
      c,
      ends(c, [
        [odd, []],
        [hostNs, HOST.interfaces],
      ]),
      HOST,
      'z',
    );
    expect(p.steps[0]!.argv).toEqual(['nsenter', `--net=${path}`, '--', 'ip', '-batch', '-']);
    expect(p.steps[0]!.cleanupIfFailed).toEqual([['nsenter', `--net=${path}`, '--', 'ip', 'link', 'del', 'dev', 'cmza']]);
    expect(p.steps.every((s) => !(s.input ?? '').includes(path))).toBe(true);
    // as the second end: the pair is made by its own request, the path one argument of it
    const q = planKokoCreate(
      c,
      ends(c, [
        [redNs, []],
        [odd, []],
      ]),
      HOST,
      'y',
    );
    expect(q.steps[0]!.argv).toEqual([
      'ip',
      'link',
      'add',
      'name',
      'cmya',
      'index',
      '2',
      'netns',
      '/var/run/netns/red',
      'type',
      'veth',
      'peer',
      'name',
      'cmyb',
      'index',
      '3',
      'netns',
      path,
    ]);
    expect(q.steps.every((s) => !(s.input ?? '').includes(path))).toBe(true);
  });
});
