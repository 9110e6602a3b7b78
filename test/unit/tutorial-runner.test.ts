import { describe, expect, it } from 'vitest';
import type { Tutorial, TutorialCheck } from '../../src/tutorial/model.js';
import { playHeadless } from '../../src/tutorial/headless.js';
import { TutorialPlayer } from '../../src/tutorial/player.js';
import { runCheck, runStep, type LineResult } from '../../src/tutorial/runner.js';

/**
 * A fake line runner: records every line; answers from a table of
 * line -> results (one per call, the last one repeating), ok with no output
 * by default.
 */
function fakeRunner(answers: Record<string, Array<LineResult | Error>> = {}) {
  const calls: string[] = [];
  const counts = new Map<string, number>();
  const run = async (line: string): Promise<LineResult> => {
    calls.push(line);
    const list = answers[line];
    if (!list) return { ok: true, lines: [`ran ${line}`] };
    const n = counts.get(line) ?? 0;
    counts.set(line, n + 1);
    const answer = list[Math.min(n, list.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { run, calls };
}

/** A clock that moves only when slept on. */
function fakeClock() {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

const ping = (expect: 'ok' | 'fail' = 'ok', withinMs = 3000): TutorialCheck => ({ kind: 'ping', from: 'cmt-a', to: '10.9.1.2', expect, withinMs });
const PING_LINE = 'ping cmt-a 10.9.1.2 -c 1';
const ok = (...lines: string[]): LineResult => ({ ok: true, lines });
const bad = (...lines: string[]): LineResult => ({ ok: false, lines });

function tutorial(overrides: Partial<Tutorial> = {}): Tutorial {
  return {
    name: 'cmt-tut',
    title: 'Test',
    intro: 'An intro.',
    file: '/t/cmt-tut.yaml',
    setup: { kind: 'chain', file: '/t/cmt.chain.yaml' },
    cleanup: ['chain down /t/cmt.chain.yaml'],
    steps: [
      { title: 'One', text: 'First.', run: ['ls', 'routes cmt-a'], check: ping('ok') },
      { title: 'Two', text: 'Second.', run: ['fw cmt-a add -p icmp -j DROP'], check: ping('fail') },
      { title: 'Three', text: 'Third.', run: ['fw cmt-a del 1'], check: { kind: 'chain', expect: 'ok', withinMs: 0 } },
    ],
    ...overrides,
  };
}

describe('runCheck', () => {
  it('holds at once when the line does what is expected', async () => {
    const { run, calls } = fakeRunner({ [PING_LINE]: [ok('✓ cmt-a -> 10.9.1.2: 1/1 replies')] });
    const c = await runCheck(ping('ok'), run, undefined, fakeClock());
    expect(c).toEqual({ state: 'ok', description: 'ping cmt-a → 10.9.1.2 answers', detail: 'cmt-a -> 10.9.1.2: 1/1 replies', attempts: 1 });
    expect(calls).toEqual([PING_LINE]);
  });

  it('expects a failure to fail', async () => {
    const { run } = fakeRunner({ [PING_LINE]: [bad('✗ cmt-a -> 10.9.1.2: 0/1 replies')] });
    expect((await runCheck(ping('fail'), run, undefined, fakeClock())).state).toBe('ok');
    const { run: answering } = fakeRunner({ [PING_LINE]: [ok('✓ replies')] });
    expect((await runCheck(ping('fail', 0), answering, undefined, fakeClock())).state).toBe('failed');
  });

  it('retries within its window until it holds', async () => {
    const clock = fakeClock();
    const { run, calls } = fakeRunner({ [PING_LINE]: [bad('no'), bad('no'), ok('yes')] });
    const c = await runCheck(ping('ok'), run, undefined, { ...clock, retryEveryMs: 250 });
    expect(c.state).toBe('ok');
    expect(c.attempts).toBe(3);
    expect(calls).toHaveLength(3);
    expect(clock.slept).toEqual([250, 250]);
  });

  it('fails once its window is over, with the last answer', async () => {
    const clock = fakeClock();
    const { run, calls } = fakeRunner({ [PING_LINE]: [bad('✗ no reply')] });
    const c = await runCheck(ping('ok', 1000), run, undefined, { ...clock, retryEveryMs: 300 });
    expect(c).toMatchObject({ state: 'failed', detail: 'no reply' });
    // 0, 300, 600, 900, then the last 100 ms
    expect(clock.slept).toEqual([300, 300, 300, 100]);
    expect(calls).toHaveLength(5);
  });

  it('runs chain status of the setup file and reports its summary line', async () => {
    const line = 'chain status /t/cmt.chain.yaml';
    const { run, calls } = fakeRunner({ [line]: [bad('✓ node cmt-a', '✗ node cmt-b  (missing)', 'chain cmt: 1 of 2 not ok')] });
    const c = await runCheck({ kind: 'chain', expect: 'fail', withinMs: 0 }, run, '/t/cmt.chain.yaml', fakeClock());
    expect(c).toMatchObject({ state: 'ok', detail: 'chain cmt: 1 of 2 not ok', description: 'chain status is not all ok' });
    expect(calls).toEqual([line]);
  });

  it('counts a runner that throws as a failed line', async () => {
    const { run } = fakeRunner({ [PING_LINE]: [new Error('boom')] });
    const c = await runCheck(ping('ok', 0), run, undefined, fakeClock());
    expect(c).toMatchObject({ state: 'failed', detail: 'internal error: boom' });
  });
});

describe('runStep', () => {
  it('runs every line in order, then the check; the check decides', async () => {
    const { run, calls } = fakeRunner({ 'routes cmt-a': [bad('✗ oops')], [PING_LINE]: [ok('✓ fine')] });
    const seen: string[] = [];
    const o = await runStep(tutorial().steps[0]!, run, undefined, {
      ...fakeClock(),
      onChange: (s) => seen.push(`${s.state}:${s.lines.map((l) => l.state).join(',')}:${s.check?.state}`),
    });
    expect(calls).toEqual(['ls', 'routes cmt-a', PING_LINE]);
    expect(o.state).toBe('ok');
    expect(o.lines).toEqual([
      { line: 'ls', state: 'ok', lines: ['ran ls'] },
      { line: 'routes cmt-a', state: 'failed', lines: ['✗ oops'] },
    ]);
    expect(seen).toEqual([
      'running:pending,pending:pending',
      'running:running,pending:pending',
      'running:ok,pending:pending',
      'running:ok,running:pending',
      'running:ok,failed:pending',
      'running:ok,failed:running',
      'ok:ok,failed:ok',
    ]);
  });

  it('without a check, passes only when every line succeeds', async () => {
    const step = { title: 'S', text: '', run: ['ls', 'routes cmt-a'] };
    expect((await runStep(step, fakeRunner().run, undefined)).state).toBe('ok');
    expect((await runStep(step, fakeRunner({ ls: [bad('no')] }).run, undefined)).state).toBe('failed');
  });
});

describe('playHeadless', () => {
  it('prints setup, every step with its lines and check, cleanup; ok when every check holds', async () => {
    const { run, calls } = fakeRunner({
      [PING_LINE]: [ok('✓ replies'), bad('✗ no reply'), ok('✓ replies')],
      'chain status /t/cmt.chain.yaml': [ok('✓ node cmt-a', 'chain cmt: all 1 ok')],
    });
    const out: string[] = [];
    const report = await playHeadless(tutorial(), run, (l) => out.push(l), { keep: false, ...fakeClock() });
    expect(report).toEqual({ ok: true, failed: [], summary: 'tutorial cmt-tut: all 3 steps ok' });
    expect(calls).toEqual([
      'chain up /t/cmt.chain.yaml',
      'ls',
      'routes cmt-a',
      PING_LINE,
      'fw cmt-a add -p icmp -j DROP',
      PING_LINE,
      'fw cmt-a del 1',
      'chain status /t/cmt.chain.yaml',
      'chain down /t/cmt.chain.yaml',
    ]);
    expect(out).toEqual([
      'tutorial cmt-tut: Test',
      'An intro.',
      '',
      'setup: chain up /t/cmt.chain.yaml',
      '  ran chain up /t/cmt.chain.yaml',
      '',
      'step 1/3: One',
      '  First.',
      '  $ ls',
      '    ran ls',
      '  $ routes cmt-a',
      '    ran routes cmt-a',
      '  check: ping cmt-a → 10.9.1.2 answers: ok  (replies)',
      '',
      'step 2/3: Two',
      '  Second.',
      '  $ fw cmt-a add -p icmp -j DROP',
      '    ran fw cmt-a add -p icmp -j DROP',
      '  check: ping cmt-a → 10.9.1.2 gets no answer: ok  (no reply)',
      '',
      'step 3/3: Three',
      '  Third.',
      '  $ fw cmt-a del 1',
      '    ran fw cmt-a del 1',
      '  check: chain status is all ok: ok  (chain cmt: all 1 ok)',
      '',
      'cleanup: chain down /t/cmt.chain.yaml',
      '  ran chain down /t/cmt.chain.yaml',
    ]);
  });

  it('marks a failed check, goes on to the end, cleans up and reports the step', async () => {
    const clock = fakeClock();
    const { run, calls } = fakeRunner({ [PING_LINE]: [ok('✓ replies')], 'fw cmt-a add -p icmp -j DROP': [bad('no iptables')] });
    const out: string[] = [];
    const report = await playHeadless(tutorial(), run, (l) => out.push(l), { keep: false, ...clock });
    expect(report).toEqual({ ok: false, failed: [2], summary: 'tutorial cmt-tut: 1 of 3 steps failed (step 2)' });
    expect(out).toContain('    ✗ no iptables');
    expect(out).toContain('  check: ping cmt-a → 10.9.1.2 gets no answer: FAILED  (replies)');
    // step 3 still ran, and the cleanup after it
    expect(calls.slice(-3)).toEqual(['fw cmt-a del 1', 'chain status /t/cmt.chain.yaml', 'chain down /t/cmt.chain.yaml']);
  });

  it('runs no step when the setup fails, but still cleans up', async () => {
    const { run, calls } = fakeRunner({ 'chain up /t/cmt.chain.yaml': [bad('cannot bring up chain')] });
    const out: string[] = [];
    const report = await playHeadless(tutorial(), run, (l) => out.push(l), { keep: false, ...fakeClock() });
    expect(report).toEqual({ ok: false, failed: [], setupFailed: true, summary: 'tutorial cmt-tut: the setup failed; no step ran' });
    expect(calls).toEqual(['chain up /t/cmt.chain.yaml', 'chain down /t/cmt.chain.yaml']);
    expect(out).toContain('  ✗ cannot bring up chain');
  });

  it('keeps everything with keep, and says how to remove it', async () => {
    const { run, calls } = fakeRunner();
    const out: string[] = [];
    await playHeadless(tutorial({ steps: [{ title: 'S', text: '', run: ['ls'] }] }), run, (l) => out.push(l), { keep: true });
    expect(calls).toEqual(['chain up /t/cmt.chain.yaml', 'ls']);
    expect(out.at(-1)).toBe('kept what the tutorial made (--keep); remove it with: chainmail chain down /t/cmt.chain.yaml');
  });

  it('stops at the next line when cancelled (a signal), and still cleans up', async () => {
    let cancelled = false;
    const calls: string[] = [];
    const run = async (line: string) => {
      calls.push(line);
      if (line === 'ls') cancelled = true;
      return ok();
    };
    const out: string[] = [];
    const report = await playHeadless(tutorial(), run, (l) => out.push(l), { keep: false, cancelled: () => cancelled, ...fakeClock() });
    expect(calls).toEqual(['chain up /t/cmt.chain.yaml', 'ls', 'chain down /t/cmt.chain.yaml']);
    expect(report).toEqual({ ok: false, failed: [], interrupted: true, summary: 'tutorial cmt-tut: interrupted' });
    expect(out).toContain('  interrupted');
  });

  it('waits the delay between steps when asked', async () => {
    const clock = fakeClock();
    const { run } = fakeRunner({ [PING_LINE]: [ok(), bad(), ok()], 'chain status /t/cmt.chain.yaml': [ok()] });
    await playHeadless(tutorial(), run, () => {}, { keep: false, delayMs: 700, ...clock });
    expect(clock.slept).toEqual([700, 700]);
  });
});

describe('TutorialPlayer', () => {
  it('Enter runs the step shown; once it passed, Enter moves on; n and p stay in bounds', async () => {
    const { run, calls } = fakeRunner({ [PING_LINE]: [ok('✓ replies')] });
    const player = new TutorialPlayer(tutorial(), run, fakeClock());
    let changes = 0;
    player.subscribe(() => changes++);
    player.previous();
    expect(player.state.current).toBe(0);
    player.enter();
    expect(player.state.running).toBe(true);
    player.enter(); // ignored while running
    await player.idle();
    expect(calls).toEqual(['ls', 'routes cmt-a', PING_LINE]);
    expect(player.state.outcomes[0]?.state).toBe('ok');
    expect(player.state.running).toBe(false);
    expect(changes).toBeGreaterThan(3);
  });

  it('moves with n/p and runs the step shown, failing steps can run again', async () => {
    const { run, calls } = fakeRunner({ [PING_LINE]: [ok('✓ replies')] });
    const player = new TutorialPlayer(tutorial(), run, fakeClock());
    await player.runCurrent();
    player.enter();
    expect(player.state.current).toBe(1);
    await player.runCurrent(); // the ping answers: "gets no answer" fails
    expect(player.state.outcomes[1]?.state).toBe('failed');
    expect(player.failedSteps()).toEqual([2]);
    player.enter(); // runs it again
    await player.idle();
    expect(calls.filter((c) => c === 'fw cmt-a add -p icmp -j DROP')).toHaveLength(2);
    player.next();
    player.next();
    player.next();
    expect(player.state.current).toBe(2);
  });

  it('plays every step by itself, the delay before each, and stays on the last', async () => {
    const clock = fakeClock();
    const { run, calls } = fakeRunner({ [PING_LINE]: [ok(), bad(), ok()], 'chain status /t/cmt.chain.yaml': [ok()] });
    const player = new TutorialPlayer(tutorial(), run, clock);
    const shown: number[] = [];
    player.subscribe(() => {
      if (shown.at(-1) !== player.state.current) shown.push(player.state.current);
    });
    await player.autoPlay(1500);
    expect(shown).toEqual([0, 1, 2]);
    expect(clock.slept).toEqual([1500, 1500, 1500]);
    expect(player.state).toMatchObject({ current: 2, auto: 'done', running: false });
    expect(player.state.outcomes.map((o) => o?.state)).toEqual(['ok', 'ok', 'ok']);
    expect(calls.at(-1)).toBe('chain status /t/cmt.chain.yaml');
  });

  it("stops playing when stopped, at the running step's next line", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const calls: string[] = [];
    const run = async (line: string) => {
      calls.push(line);
      if (line === 'ls') await gate;
      return ok();
    };
    const player = new TutorialPlayer(tutorial(), run, { sleep: async () => {} });
    void player.autoPlay(0);
    await new Promise((r) => setTimeout(r, 5));
    const stopped = player.stop();
    release();
    await stopped;
    expect(player.state.running).toBe(false);
    // the step stops at its next line: nothing more runs, and it did not finish
    expect(calls).toEqual(['ls']);
    expect(player.state.outcomes[0]?.state).toBe('pending');
    expect(player.finishedSteps()).toBe(0);
  });
});
