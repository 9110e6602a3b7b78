import { afterEach, describe, expect, it } from 'vitest';
import { ChainmailError, KernelError } from '../../src/errors.js';
import { executeInEach, executeSteps, failAtStepFromEnv, query, type Step } from '../../src/net/executor.js';
import { explainFailure, isAlreadyGone } from '../../src/net/kernel-errors.js';
import type { ExecResult } from '../../src/sys/exec.js';

/** A runner that records every argv and answers from a table (default: success). */
function fakeRunner(answers: Record<string, Partial<ExecResult>> = {}) {
  const calls: string[] = [];
  const runner = async (argv: readonly string[]): Promise<ExecResult> => {
    const key = argv.join(' ');
    calls.push(key);
    return { argv, exitCode: 0, stdout: '', stderr: '', ...answers[key] };
  };
  return { runner, calls };
}

const fail = (stderr: string, exitCode = 2): Partial<ExecResult> => ({ exitCode, stderr });

async function kernelErrorOf(p: Promise<unknown>): Promise<KernelError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KernelError) return err;
    throw err;
  }
  throw new Error('expected a KernelError, but the steps succeeded');
}

// five steps as a veth plan would have them: some undoable, some not
const STEPS: Step[] = [
  { describe: 'create veth pair cmta <-> cmtb', argv: ['ip', 'link', 'add', 'cmta'], undo: ['ip', 'link', 'del', 'cmta'] },
  { describe: 'move cmta into red', argv: ['ip', 'link', 'set', 'cmta', 'netns', 'red'], undo: ['ip', '-n', 'red', 'link', 'del', 'cmta'] },
  { describe: 'add 10.0.1.1/24 to link1 in red', argv: ['ip', '-n', 'red', 'addr', 'add', '10.0.1.1/24'] },
  {
    describe: 'name cmta link1 in red',
    argv: ['ip', '-n', 'red', 'link', 'set', 'cmta', 'name', 'link1'],
    undo: ['ip', '-n', 'red', 'link', 'set', 'link1', 'name', 'cmta'],
  },
  { describe: 'set link1 up in red', argv: ['ip', '-n', 'red', 'link', 'set', 'link1', 'up'] },
];
const argvOf = (i: number) => STEPS[i]!.argv.join(' ');
const undoOf = (i: number) => STEPS[i]!.undo!.join(' ');

describe('executeSteps: success', () => {
  it('runs every step once, in order, and reports each', async () => {
    const { runner, calls } = fakeRunner();
    const done = await executeSteps(STEPS, { runner });
    expect(calls).toEqual(STEPS.map((s) => s.argv.join(' ')));
    expect(done.map(({ describe, argv }) => ({ describe, argv }))).toEqual(STEPS.map(({ describe, argv }) => ({ describe, argv })));
    for (const d of done) expect(d.ms).toBeGreaterThanOrEqual(0);
  });

  it('no steps: nothing runs', async () => {
    const { runner, calls } = fakeRunner();
    expect(await executeSteps([], { runner })).toEqual([]);
    expect(calls).toEqual([]);
  });
});

describe('executeSteps: failure and rollback', () => {
  it('a failing step runs its own clean-up first (a batch stops part way), then undoes the steps before it', async () => {
    const batch: Step = {
      describe: 'create veth pair cmta <-> cmtb',
      argv: ['ip', '-batch', '-'],
      input: 'link add ...\n',
      undo: ['ip', '-n', 'red', 'link', 'del', 'cmta'],
      cleanupIfFailed: [
        ['ip', 'link', 'del', 'cmtb'],
        ['ip', 'link', 'del', 'cmta'],
      ],
    };
    const before: Step = { describe: 'first', argv: ['ip', 'first'], undo: ['ip', 'unfirst'] };
    const { runner, calls } = fakeRunner({
      'ip -batch -': fail('Cannot find device "x"\nCommand failed -:2', 1),
      // the first clean-up already took the pair: the second finds nothing, which is fine
      'ip link del cmta': fail('Cannot find device "cmta"', 1),
    });
    const err = await kernelErrorOf(executeSteps([before, batch], { runner }));
    expect(calls).toEqual(['ip first', 'ip -batch -', 'ip link del cmtb', 'ip link del cmta', 'ip unfirst']);
    expect(err.message).toMatch(/; the 1 change before it was undone$/);
  });

  it('a failure at step k undoes steps k-1..0 in reverse, skipping those without undo', async () => {
    const { runner, calls } = fakeRunner({ [argvOf(4)]: fail('RTNETLINK answers: Operation not permitted') });
    const err = await kernelErrorOf(executeSteps(STEPS, { runner }));
    expect(calls).toEqual([argvOf(0), argvOf(1), argvOf(2), argvOf(3), argvOf(4), undoOf(3), undoOf(1), undoOf(0)]);
    expect(err).toBeInstanceOf(ChainmailError);
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe('failed to set link1 up in red: the kernel refused: operation not permitted (missing privilege?); the 4 changes before it were undone');
    expect(err.raw).toBe('RTNETLINK answers: Operation not permitted');
    expect(err.context).toEqual(['  kernel said: RTNETLINK answers: Operation not permitted']);
  });

  it('a failure at the first step changes nothing and undoes nothing', async () => {
    const { runner, calls } = fakeRunner({ [argvOf(0)]: fail('Error: Unknown device type.') });
    const err = await kernelErrorOf(executeSteps(STEPS, { runner }));
    expect(calls).toEqual([argvOf(0)]);
    expect(err.message).toBe('failed to create veth pair cmta <-> cmtb: this kernel does not support it (module not available); nothing was changed');
  });

  it('a failure at the second step: "the 1 change before it was undone"', async () => {
    const { runner, calls } = fakeRunner({ [argvOf(1)]: fail('Cannot open network namespace "red": No such file or directory') });
    const err = await kernelErrorOf(executeSteps(STEPS, { runner }));
    expect(calls).toEqual([argvOf(0), argvOf(1), undoOf(0)]);
    expect(err.message).toBe('failed to move cmta into red: the network namespace red cannot be opened (it may have just gone away); the 1 change before it was undone');
  });

  it("a step's own explanation wins over the generic one", async () => {
    const steps: Step[] = [STEPS[0]!, { ...STEPS[3]!, explain: [[/File exists/, '"link1" already exists in red (created meanwhile by someone else)']] }];
    const { runner } = fakeRunner({ [steps[1]!.argv.join(' ')]: fail('RTNETLINK answers: File exists') });
    const err = await kernelErrorOf(executeSteps(steps, { runner }));
    expect(err.message).toBe('failed to name cmta link1 in red: "link1" already exists in red (created meanwhile by someone else); the 1 change before it was undone');
  });

  it('an explanation whose pattern does not match falls back to the generic one', async () => {
    const steps: Step[] = [{ ...STEPS[4]!, explain: [[/File exists/, 'never used']] }];
    const { runner } = fakeRunner({ [argvOf(4)]: fail('Cannot find device "link1"') });
    const err = await kernelErrorOf(executeSteps(steps, { runner }));
    expect(err.message).toBe('failed to set link1 up in red: there is no interface "link1"; nothing was changed');
  });

  it('multi-line kernel output is kept raw and shown on one line', async () => {
    const stderr = 'RTNETLINK answers: Invalid argument\n\n  more detail \n';
    const { runner } = fakeRunner({ [argvOf(0)]: fail(stderr) });
    const err = await kernelErrorOf(executeSteps(STEPS, { runner }));
    expect(err.raw).toBe(stderr);
    expect(err.context).toEqual(['  kernel said: RTNETLINK answers: Invalid argument / more detail']);
  });

  it('a silent failure shows the exit code', async () => {
    const { runner } = fakeRunner({ [argvOf(0)]: fail('', 137) });
    const err = await kernelErrorOf(executeSteps(STEPS, { runner }));
    expect(err.message).toBe('failed to create veth pair cmta <-> cmtb: it failed without saying why; nothing was changed');
    expect(err.context).toEqual(['  kernel said: exit code 137']);
  });

  it('undo failures meaning "already gone" are ignored', async () => {
    const { runner, calls } = fakeRunner({
      [argvOf(4)]: fail('RTNETLINK answers: Operation not permitted'),
      [undoOf(3)]: fail('Cannot find device "link1"'),
      [undoOf(1)]: fail('Cannot open network namespace "red": No such file or directory'),
      [undoOf(0)]: fail('Cannot find device "cmta"'),
    });
    const err = await kernelErrorOf(executeSteps(STEPS, { runner }));
    expect(calls.slice(5)).toEqual([undoOf(3), undoOf(1), undoOf(0)]);
    expect(err.message).toMatch(/; the 4 changes before it were undone$/);
    expect(err.context).toEqual(['  kernel said: RTNETLINK answers: Operation not permitted']);
  });

  it('other undo failures are listed as leftovers to remove by hand, and rollback goes on', async () => {
    const { runner, calls } = fakeRunner({
      [argvOf(4)]: fail('RTNETLINK answers: Operation not permitted'),
      [undoOf(3)]: fail('RTNETLINK answers: Device or resource busy'),
      [undoOf(0)]: fail('RTNETLINK answers: Operation not permitted\n'),
    });
    const err = await kernelErrorOf(executeSteps(STEPS, { runner }));
    // every undo was still tried
    expect(calls.slice(5)).toEqual([undoOf(3), undoOf(1), undoOf(0)]);
    expect(err.message).toBe('failed to set link1 up in red: the kernel refused: operation not permitted (missing privilege?); rollback was incomplete');
    expect(err.context).toEqual([
      '  kernel said: RTNETLINK answers: Operation not permitted',
      '  could not undo (remove by hand):',
      `    ${undoOf(3)}  (RTNETLINK answers: Device or resource busy)`,
      `    ${undoOf(0)}  (RTNETLINK answers: Operation not permitted)`,
    ]);
  });
});

describe('executeSteps: failAtStep', () => {
  it('pretends step N failed without running it, then rolls back', async () => {
    const { runner, calls } = fakeRunner();
    const err = await kernelErrorOf(executeSteps(STEPS, { runner, failAtStep: 2 }));
    expect(calls).toEqual([argvOf(0), argvOf(1), undoOf(1), undoOf(0)]);
    expect(err.message).toBe('failed to add 10.0.1.1/24 to link1 in red: injected failure (CHAINMAIL_FAIL_AT_STEP); the 2 changes before it were undone');
    expect(err.raw).toBe('injected failure (CHAINMAIL_FAIL_AT_STEP)');
  });

  it('failAtStep 0 runs nothing at all', async () => {
    const { runner, calls } = fakeRunner();
    const err = await kernelErrorOf(executeSteps(STEPS, { runner, failAtStep: 0 }));
    expect(calls).toEqual([]);
    expect(err.message).toMatch(/; nothing was changed$/);
  });

  it('failAtStep past the last step changes nothing', async () => {
    const { runner, calls } = fakeRunner();
    await executeSteps(STEPS, { runner, failAtStep: 5 });
    expect(calls).toHaveLength(5);
  });

  describe('failAtStepFromEnv', () => {
    const saved = process.env.CHAINMAIL_FAIL_AT_STEP;
    afterEach(() => {
      if (saved === undefined) delete process.env.CHAINMAIL_FAIL_AT_STEP;
      else process.env.CHAINMAIL_FAIL_AT_STEP = saved;
    });

    it('reads a whole number, ignores anything else', () => {
      delete process.env.CHAINMAIL_FAIL_AT_STEP;
      expect(failAtStepFromEnv()).toBeUndefined();
      process.env.CHAINMAIL_FAIL_AT_STEP = '3';
      expect(failAtStepFromEnv()).toBe(3);
      process.env.CHAINMAIL_FAIL_AT_STEP = '0';
      expect(failAtStepFromEnv()).toBe(0);
      for (const bad of ['', '-1', '2.5', 'x', ' 3']) {
        process.env.CHAINMAIL_FAIL_AT_STEP = bad;
        expect(failAtStepFromEnv(), bad).toBeUndefined();
      }
    });
  });
});

describe('query', () => {
  it('returns stdout on success', async () => {
    const runner = async (argv: readonly string[]): Promise<ExecResult> => ({ argv, exitCode: 0, stdout: '[]', stderr: '' });
    expect(await query(['ip', '-j', 'addr'], 'read the interfaces of red', runner)).toBe('[]');
  });

  it('throws a readable ChainmailError on failure', async () => {
    const runner = async (argv: readonly string[]): Promise<ExecResult> => ({
      argv,
      exitCode: 1,
      stdout: '',
      stderr: 'Cannot open network namespace "red": No such file or directory\n',
    });
    const err = await query(['ip', '-n', 'red', '-j', 'addr'], 'read the interfaces of red', runner).then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e as ChainmailError,
    );
    expect(err).toBeInstanceOf(ChainmailError);
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe('cannot read the interfaces of red: the network namespace red cannot be opened (it may have just gone away)');
    expect(err.context).toEqual(['  ip -n red -j addr: Cannot open network namespace "red": No such file or directory']);
  });
});

describe('explainFailure', () => {
  it.each([
    ['Cannot find device "link9"', 'there is no interface "link9"'],
    ['RTNETLINK answers: File exists', 'it already exists'],
    ['Error: Nexthop has invalid gateway.', 'the gateway is not reachable: no interface here has an address in its subnet'],
    ['RTNETLINK answers: No such process', 'there is no such entry'],
    ['RTNETLINK answers: Cannot assign requested address', 'that address is not on the interface'],
    ['RTNETLINK answers: Operation not permitted', 'the kernel refused: operation not permitted (missing privilege?)'],
    ['Error: Specified qdisc kind is unknown.', 'this kernel does not support it (module not available)'],
    ['RTNETLINK answers: Invalid argument', 'the kernel rejected a value as invalid'],
    ['RTNETLINK answers: Device or resource busy', 'the device is busy'],
    ['iptables: Bad rule (does a matching rule exist in that chain?).', 'no rule in the chain matches that'],
    ["iptables v1.8.9 (nf_tables): Chain 'DRPO' does not exist", 'there is no target or chain "DRPO" (e.g. ACCEPT, DROP, REJECT)'],
    ['Error: ipv4: Address not found.', 'that address is not on the interface'],
    ['nsenter: cannot open /var/run/netns/red: No such file or directory', 'the network namespace red cannot be opened (it may have just gone away)'],
    ['nsenter: cannot open /run/netns/red: No such file or directory', 'the network namespace red cannot be opened (it may have just gone away)'],
    ['RTNETLINK answers: Something new', 'Something new'],
    ['Error: something else', 'something else'],
    ['\n\n', 'it failed without saying why'],
  ])('%j -> %s', (stderr, sentence) => {
    expect(explainFailure(stderr)).toBe(sentence);
  });
});

describe('isAlreadyGone', () => {
  it.each([
    'Cannot find device "cmta"',
    'Device "cmta" does not exist.',
    'RTNETLINK answers: No such device',
    'nsenter: cannot open /proc/4121/ns/net: No such file or directory',
    'Cannot open network namespace "red": No such file or directory',
    'Error: Invalid handle.',
    'Error: Cannot delete qdisc with handle of zero.',
  ])('%j is "already gone"', (stderr) => {
    expect(isAlreadyGone(stderr)).toBe(true);
  });

  it.each(['RTNETLINK answers: Operation not permitted', 'RTNETLINK answers: Device or resource busy', 'RTNETLINK answers: File exists', ''])('%j is not', (stderr) => {
    expect(isAlreadyGone(stderr)).toBe(false);
  });
});

describe('executeInEach', () => {
  it('fails each namespace alone, worded as executeSteps words a single step (the injected failure runs nothing)', async () => {
    const steps = ['a', 'b'].map((n) => ({ describe: `turn forwarding on in ${n}`, path: `/var/run/netns/${n}`, argv: ['sysctl', '-w', 'net.ipv4.ip_forward=1'] }));
    const failures = await executeInEach(steps, { failAtStep: 0 });
    expect(failures.map((f) => f?.message)).toEqual([
      'failed to turn forwarding on in a: injected failure (CHAINMAIL_FAIL_AT_STEP); nothing was changed',
      'failed to turn forwarding on in b: injected failure (CHAINMAIL_FAIL_AT_STEP); nothing was changed',
    ]);
    expect(await executeInEach([], { failAtStep: 0 })).toEqual([]);
  });
});
