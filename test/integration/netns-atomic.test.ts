/**
 * All or nothing, on the real kernel: a koko command that fails at any step
 * leaves the host and every namespace exactly as they were, says which step
 * failed and that the earlier ones were undone; conflicts are refused before
 * anything changes; concurrent runs do not trip over each other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  addressesOf,
  chainmail,
  chainmailAsync,
  ip,
  isRoot,
  kernelSupports,
  leftoverTemps,
  linkDetails,
  linkNames,
  Scratch,
  stableSnapshot,
  tcState,
} from '../support/kernel.js';

const scratch = new Scratch();
afterEach(() => scratch.cleanup());

const FAIL = 'CHAINMAIL_FAIL_AT_STEP';
/** The first stderr line of an injected failure at step n. */
const INJECTED = /^chainmail: failed to (.+): injected failure \(CHAINMAIL_FAIL_AT_STEP\); (nothing was changed|the (\d+) changes? before it (?:was|were) undone)$/;

interface StepFailure {
  index: number;
  describe: string;
}

/**
 * Runs `args` with a failure injected at step 0, 1, 2 ... until the command
 * succeeds (that index is the number of steps). At every failing index it
 * checks: exit 1, a message naming the step and the rollback, and that
 * snapshot and tc state of host and namespaces equal those from before
 * (host interfaces named cmt* count only when given in ownHostLinks).
 * Returns the failed steps' descriptions; the successful run is left in place.
 */
function everyStepRollsBack(args: string[], namespaces: string[], ownHostLinks: string[] = []): StepFailure[] {
  const before = stableSnapshot(namespaces, ownHostLinks);
  const failures: StepFailure[] = [];
  for (let n = 0; n < 60; n++) {
    const r = chainmail(args, { [FAIL]: String(n) });
    if (r.code === 0) {
      expect(n, 'a plan has at least one step').toBeGreaterThan(0);
      return failures;
    }
    const where = `step ${n}: ${r.stderr}`;
    expect(r.code, where).toBe(1);
    expect(r.stdout, where).toBe('');
    const first = r.stderr.split('\n')[0]!;
    const m = INJECTED.exec(first);
    expect(m, where).not.toBeNull();
    if (n === 0) expect(m![2], where).toBe('nothing was changed');
    else expect(Number(m![3]), where).toBe(n);
    // no "rollback was incomplete" and no "remove by hand" list
    expect(r.stderr, where).not.toMatch(/incomplete|by hand/);
    expect(stableSnapshot(namespaces, ownHostLinks), where).toEqual(before);
    expect(leftoverTemps(namespaces), where).toEqual([]);
    failures.push({ index: n, describe: m![1]! });
  }
  throw new Error(`${args.join(' ')} still fails with ${FAIL}=60`);
}

describe.skipIf(!isRoot)('koko rollback at every step', () => {
  it('dual-stack veth between two namespaces with an ingress mirror (tc)', () => {
    const a = scratch.netns('ata');
    const b = scratch.netns('atb');
    // the mirror source: another veth in a, made by hand
    ip(a, ['link', 'add', 'name', 'src0', 'type', 'veth', 'peer', 'name', 'src1']);
    ip(a, ['link', 'set', 'dev', 'src0', 'up']);
    ip(a, ['link', 'set', 'dev', 'src1', 'up']);
    const args = ['koko', '-n', `${a},rb1,10.60.0.1/24,fd00:60::1/64,mirror:ingress:src0`, '-n', `${b},rb2,10.60.0.2/24,fd00:60::2/64`];
    const failures = everyStepRollsBack(args, [a, b]);

    // every step has its own description, and the plan covers what the link needs
    const described = failures.map((f) => f.describe);
    expect(new Set(described).size).toBe(described.length);
    const expectStep = (re: RegExp) =>
      expect(
        described.some((d) => re.test(d)),
        `${re} in\n${described.join('\n')}`,
      ).toBe(true);
    expectStep(new RegExp(`^create veth pair rb1 in ${a} <-> rb2 in ${b} \\(as cm[0-9a-f]{8}a, cm[0-9a-f]{8}b\\)$`));
    expectStep(new RegExp(`enable IPv6 on cm[0-9a-f]{8}a in ${a}`));
    expectStep(new RegExp(`enable IPv6 on cm[0-9a-f]{8}b in ${b}`));
    expectStep(/ingress qdisc to src0/);
    expectStep(/mirror src0 ingress to rb1/);
    expectStep(new RegExp(`^add 10\\.60\\.0\\.1/24, fd00:60::1/64 to cm[0-9a-f]{8}a, name it rb1 and set it up in ${a}$`));
    expectStep(new RegExp(`^add 10\\.60\\.0\\.2/24, fd00:60::2/64 to cm[0-9a-f]{8}b, name it rb2 and set it up in ${b}$`));
    expect(failures.length).toBeGreaterThanOrEqual(7);

    // the run without a failure made the whole link, mirror included
    expect(addressesOf(a, 'rb1')).toEqual(['10.60.0.1/24', 'fd00:60::1/64']);
    expect(addressesOf(b, 'rb2')).toEqual(['10.60.0.2/24', 'fd00:60::2/64']);
    expect(tcState(a)).toContain('filter src0 ingress u32 mirred -> rb1');
    expect(leftoverTemps([a, b])).toEqual([]);
    const del = chainmail(['koko', '-N', `${a},rb1`]);
    expect(del.code, del.stderr).toBe(0);
  });

  it('egress mirror (root qdisc) on the second end', () => {
    const a = scratch.netns('aea');
    const b = scratch.netns('aeb');
    ip(b, ['link', 'add', 'name', 'sb0', 'type', 'veth', 'peer', 'name', 'sb1']);
    const failures = everyStepRollsBack(['koko', '-n', `${a},eg1`, '-n', `${b},eg2,mirror:egress:sb0`], [a, b]);
    expect(failures.some((f) => /root qdisc to sb0/.test(f.describe))).toBe(true);
    expect(failures.some((f) => /mirror sb0 egress to eg2/.test(f.describe))).toBe(true);
    expect(tcState(b)).toContain('filter sb0 parent 1: u32 mirred -> eg2');
  });

  it('macvlan on a host parent (the first steps happen in the host)', (ctx) => {
    if (!kernelSupports('macvlan')) ctx.skip();
    const ns = scratch.netns('amv');
    const { a: parent, b: peer } = scratch.hostVeth('r');
    const failures = everyStepRollsBack(['koko', '-n', `${ns},amv0,10.62.0.1/24,fd00:62::1/64`, '-M', `${parent},bridge`], [ns], [parent, peer]);
    expect(failures[0]!.describe).toMatch(new RegExp(`^create macvlan amv0 \\(as cm[0-9a-f]{8}a\\) on ${parent}$`));
    expect(linkDetails(ns, 'amv0')?.linkinfo?.info_kind).toBe('macvlan');
  });
});

describe.skipIf(!isRoot)('koko conflicts are refused before anything changes', () => {
  it('a name that already exists in either target', () => {
    const a = scratch.netns('cfa');
    const b = scratch.netns('cfb');
    expect(chainmail(['koko', '-n', `${a},taken1`, '-n', `${b},taken2`]).code).toBe(0);
    const before = stableSnapshot([a, b]);

    const first = chainmail(['koko', '-n', `${a},taken1,10.65.0.1/24`, '-n', `${b},fresh2,10.65.0.2/24`]);
    expect(first.code).toBe(1);
    expect(first.stderr.split('\n')[0]).toBe(`chainmail: interface "taken1" already exists in ${a}`);
    expect(stableSnapshot([a, b])).toEqual(before);

    const second = chainmail(['koko', '-n', `${a},fresh1,10.65.0.1/24`, '-n', `${b},taken2,10.65.0.2/24`]);
    expect(second.code).toBe(1);
    expect(second.stderr.split('\n')[0]).toBe(`chainmail: interface "taken2" already exists in ${b}`);
    expect(stableSnapshot([a, b])).toEqual(before);
    expect(leftoverTemps([a, b])).toEqual([]);
  });

  it('a name taken by an interface made by hand (not by chainmail)', () => {
    const a = scratch.netns('cda');
    const b = scratch.netns('cdb');
    ip(b, ['link', 'add', 'name', 'hand0', 'type', 'veth', 'peer', 'name', 'hand1']);
    const before = stableSnapshot([a, b]);
    const r = chainmail(['koko', '-n', `${a},x1`, '-n', `${b},hand1`]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`chainmail: interface "hand1" already exists in ${b}`);
    expect(stableSnapshot([a, b])).toEqual(before);
  });

  it('both ends with the same name in one namespace, spelled two ways (-n NAME and -a PATH)', () => {
    const a = scratch.netns('c2a');
    const before = stableSnapshot([a]);
    const r = chainmail(['koko', '-n', `${a},twin`, '-a', `/var/run/netns/${a},twin`]);
    expect(r.code).not.toBe(0);
    expect(stableSnapshot([a])).toEqual(before);
    expect(leftoverTemps([a])).toEqual([]);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toContain('"twin"');
    // nobody else made "twin": the request itself names it twice, and can be refused up front
    expect(first).not.toMatch(/created meanwhile by someone else/);
  });

  it('a mirror source that does not exist', () => {
    const a = scratch.netns('cma');
    const b = scratch.netns('cmb');
    const before = stableSnapshot([a, b]);
    const r = chainmail(['koko', '-n', `${a},x1,mirror:ingress:nosuch0`, '-n', `${b},x2`]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`chainmail: cannot mirror "nosuch0": no such interface in ${a}`);
    expect(stableSnapshot([a, b])).toEqual(before);
  });

  it('a mirror source that already has an ingress qdisc fails at the kernel and is rolled back', () => {
    const a = scratch.netns('cqa');
    const b = scratch.netns('cqb');
    ip(a, ['link', 'add', 'name', 'src0', 'type', 'veth', 'peer', 'name', 'src1']);
    const q = chainmail(['koko', '-n', `${a},first1,mirror:ingress:src0`, '-n', `${b},first2`]);
    expect(q.code, q.stderr).toBe(0);
    const before = stableSnapshot([a, b]);
    const r = chainmail(['koko', '-n', `${a},second1,10.66.0.1/24,mirror:ingress:src0`, '-n', `${b},second2`]);
    expect(r.code).toBe(1);
    const line = r.stderr.split('\n')[0]!;
    expect(line).toMatch(/failed to add an ingress qdisc to src0/);
    expect(line).toMatch(/already has an? ingress qdisc/);
    expect(line).toMatch(/changes? before it (was|were) undone$/);
    expect(stableSnapshot([a, b])).toEqual(before);
    expect(leftoverTemps([a, b])).toEqual([]);
    // the first mirror still works
    expect(tcState(a)).toContain('filter src0 ingress u32 mirred -> first1');
  });
});

describe.skipIf(!isRoot)('concurrent koko runs', () => {
  it('two runs at once creating different links into the same namespaces both succeed', async () => {
    const a = scratch.netns('cca');
    const b = scratch.netns('ccb');
    const [one, two] = await Promise.all([
      chainmailAsync(['koko', '-n', `${a},one1,10.67.1.1/24,fd00:67:1::1/64`, '-n', `${b},one2,10.67.1.2/24,fd00:67:1::2/64`]),
      chainmailAsync(['koko', '-n', `${a},two1,10.67.2.1/24,fd00:67:2::1/64`, '-n', `${b},two2,10.67.2.2/24,fd00:67:2::2/64`]),
    ]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(linkNames(a)).toEqual(['lo', 'one1', 'two1']);
    expect(linkNames(b)).toEqual(['lo', 'one2', 'two2']);
    expect(addressesOf(a, 'one1')).toEqual(['10.67.1.1/24', 'fd00:67:1::1/64']);
    expect(addressesOf(b, 'two2')).toEqual(['10.67.2.2/24', 'fd00:67:2::2/64']);
    expect(leftoverTemps([a, b])).toEqual([]);
    // each is really joined to its own peer
    expect(chainmail(['ping', a, '10.67.1.2', '-c', '1']).code).toBe(0);
    expect(chainmail(['ping', a, '10.67.2.2', '-c', '1']).code).toBe(0);
  });

  it('four runs at once, two namespaces each way, all succeed', async () => {
    const a = scratch.netns('c4a');
    const b = scratch.netns('c4b');
    const runs = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        i % 2 === 0 ? chainmailAsync(['koko', '-n', `${a},p${i}a`, '-n', `${b},p${i}b`]) : chainmailAsync(['koko', '-n', `${b},p${i}b`, '-n', `${a},p${i}a`]),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(linkNames(a)).toEqual(['lo', 'p0a', 'p1a', 'p2a', 'p3a']);
    expect(linkNames(b)).toEqual(['lo', 'p0b', 'p1b', 'p2b', 'p3b']);
    expect(leftoverTemps([a, b])).toEqual([]);
  });

  it('two runs at once creating the same names: one wins, the other is refused and leaves nothing', async () => {
    const a = scratch.netns('csa');
    const b = scratch.netns('csb');
    const args = ['koko', '-n', `${a},dup1,10.68.0.1/24`, '-n', `${b},dup2,10.68.0.2/24`];
    const runs = await Promise.all([chainmailAsync(args), chainmailAsync(args)]);
    const codes = runs.map((r) => r.code).sort();
    expect(codes, runs.map((r) => r.stderr).join('\n')).toEqual([0, 1]);
    const loser = runs.find((r) => r.code === 1)!;
    expect(loser.stderr.split('\n')[0]).toMatch(/already exists in/);
    expect(linkNames(a)).toEqual(['dup1', 'lo']);
    expect(linkNames(b)).toEqual(['dup2', 'lo']);
    expect(addressesOf(a, 'dup1')).toEqual(['10.68.0.1/24']);
    expect(leftoverTemps([a, b])).toEqual([]);
  });
});
