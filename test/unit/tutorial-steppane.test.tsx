import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { StepPane, stepPaneRows, stepPaneTitle } from '../../src/ui/components/StepPane.js';
import { TutorialPlayer } from '../../src/tutorial/player.js';
import type { LineResult } from '../../src/tutorial/runner.js';
import type { Tutorial } from '../../src/tutorial/model.js';

const PING = 'ping cmt-a 10.9.1.2 -c 1';

const TUTORIAL: Tutorial = {
  name: 'cmt-tut',
  title: 'Test',
  intro: 'The intro says what this is about.',
  file: '/t/cmt-tut.yaml',
  cleanup: [],
  steps: [
    {
      title: 'Link them',
      text: 'koko joins the two namespaces with a veth pair, addresses on both ends.',
      run: ['koko -n cmt-a,l1,10.9.1.1/24 -n cmt-b,l2,10.9.1.2/24'],
      check: { kind: 'ping', from: 'cmt-a', to: '10.9.1.2', expect: 'ok', withinMs: 0 },
    },
    {
      title: 'Block ICMP',
      text: 'A DROP rule.',
      run: ['fw cmt-a add -p icmp -j DROP', 'fw cmt-a list'],
      check: { kind: 'ping', from: 'cmt-a', to: '10.9.1.2', expect: 'fail', withinMs: 0 },
    },
  ],
};

function runner(answers: Record<string, LineResult>) {
  const calls: string[] = [];
  return {
    calls,
    run: async (line: string) => {
      calls.push(line);
      return answers[line] ?? { ok: true, lines: [`✓ did ${line}`] };
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 30));
const ENTER = '\r';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function show(player: TutorialPlayer, options: { active?: boolean; width?: number; height?: number } = {}) {
  const view = render(<StepPane player={player} width={options.width ?? 70} height={options.height ?? 14} active={options.active ?? true} focused={false} />);
  unmount = view.unmount;
  return view;
}

describe('StepPane', () => {
  it('shows the step: title, intro on the first, text, commands, the check, the keys', () => {
    const player = new TutorialPlayer(TUTORIAL, runner({}).run);
    const frame = show(player).lastFrame()!;
    expect(frame).toContain('tutorial cmt-tut · step 1/2');
    expect(frame).toContain('Link them');
    expect(frame).toContain('The intro says what this is about.');
    expect(frame).toContain('koko joins the two namespaces');
    expect(frame).toContain('$ koko -n cmt-a,l1,10.9.1.1/24 -n cmt-b,l2,10.9.1.2/24');
    expect(frame).toContain('check: ping cmt-a → 10.9.1.2 answers');
    expect(frame).toContain('Enter runs this step · n next · p previous');
  });

  it('Enter runs the step and marks its commands and check', async () => {
    const r = runner({ [PING]: { ok: true, lines: ['✓ cmt-a -> 10.9.1.2: 1/1 replies'] } });
    const player = new TutorialPlayer(TUTORIAL, r.run);
    const view = show(player);
    view.stdin.write(ENTER);
    await tick();
    const frame = view.lastFrame()!;
    expect(r.calls).toEqual(['koko -n cmt-a,l1,10.9.1.1/24 -n cmt-b,l2,10.9.1.2/24', PING]);
    expect(frame).toContain('✓ Link them');
    expect(frame).toContain('✓ $ koko -n cmt-a');
    expect(frame).toContain('did koko -n cmt-a');
    expect(frame).toContain('✓ check: ping cmt-a → 10.9.1.2 answers');
    expect(frame).toContain('    cmt-a -> 10.9.1.2: 1/1 replies');
    expect(frame).toContain('Enter/n next step');
  });

  it('n and p move between steps; a failed check shows ✗', async () => {
    const r = runner({ [PING]: { ok: true, lines: ['✓ cmt-a -> 10.9.1.2: 1/1 replies'] } });
    const player = new TutorialPlayer(TUTORIAL, r.run);
    const view = show(player);
    view.stdin.write('n');
    await tick();
    expect(view.lastFrame()).toContain('tutorial cmt-tut · step 2/2');
    expect(view.lastFrame()).toContain('Block ICMP');
    expect(view.lastFrame()).not.toContain('The intro says');
    view.stdin.write(ENTER);
    await tick();
    expect(view.lastFrame()).toContain('✗ Block ICMP');
    expect(view.lastFrame()).toContain('✗ check: ping cmt-a → 10.9.1.2 gets no answer');
    expect(view.lastFrame()).toContain('    cmt-a -> 10.9.1.2: 1/1 replies');
    expect(view.lastFrame()).toContain('Enter runs it again');
    view.stdin.write('p');
    await tick();
    expect(view.lastFrame()).toContain('step 1/2');
  });

  it('reads no keys while inactive (the prompt has them)', async () => {
    const r = runner({});
    const player = new TutorialPlayer(TUTORIAL, r.run);
    const view = show(player, { active: false });
    view.stdin.write(ENTER);
    view.stdin.write('n');
    await tick();
    expect(r.calls).toEqual([]);
    expect(view.lastFrame()).toContain('step 1/2');
  });

  it('says when it plays by itself, and the end', async () => {
    const r = runner({ [PING]: { ok: false, lines: ['✗ no reply'] } });
    // the first step's ping answers, the second's does not (as the DROP rule means)
    const player: TutorialPlayer = new TutorialPlayer(
      TUTORIAL,
      async (line): Promise<LineResult> => (line === PING && player.state.current === 0 ? { ok: true, lines: [] } : r.run(line)),
      { sleep: async () => {} },
    );
    const view = show(player);
    await player.autoPlay(0);
    await tick();
    expect(view.lastFrame()).toContain('step 2/2 · played');
    expect(view.lastFrame()).toContain('the end: every step passed');
    expect(stepPaneTitle(TUTORIAL, { ...player.state, auto: 'playing' })).toBe('tutorial cmt-tut · step 2/2 · playing');
  });
});

describe('stepPaneRows', () => {
  const fresh = { current: 0, outcomes: [undefined, undefined], running: false, auto: 'off' as const };

  it.each([
    [40, 4],
    [40, 8],
    [60, 12],
    [30, 3],
    [20, 1],
  ])('fits %i columns x %i rows, keeping title, commands, check and keys', (width, rows) => {
    const out = stepPaneRows(TUTORIAL, fresh, width, rows);
    expect(out.length).toBeLessThanOrEqual(rows);
    for (const r of out) expect([...r.text].length).toBeLessThanOrEqual(width);
    if (rows >= 4) {
      expect(out[0]!.text).toBe('Link them');
      expect(out.at(-1)!.text.startsWith('Enter runs this step')).toBe(true);
      expect(out.some((r) => r.text.startsWith('  $ koko'))).toBe(true);
      expect(out.some((r) => r.text.startsWith('  check: ping'))).toBe(true);
    }
  });

  it('cuts the text with … when it does not fit, and drops the intro first', () => {
    const out = stepPaneRows(TUTORIAL, fresh, 30, 6).map((r) => r.text);
    expect(out.join('\n')).not.toContain('intro');
    expect(out[1]).toBe('koko joins the two namespaces');
    expect(out[2]!.endsWith('…')).toBe(true);
    expect(out[2]!.endsWith('……')).toBe(false);
    expect(out).toHaveLength(6);
  });
});
