/**
 * The TUI's tutorial player, the step pane's model: one step at a time by
 * key (Enter, n, p), or every step played unattended (--auto).
 */
import type { Tutorial } from './model.js';
import { realSleep, runStep, setupFileOf, type LineRunner, type RunOptions, type StepOutcome } from './runner.js';

export interface PlayerState {
  /** The step shown (0-based). */
  current: number;
  outcomes: Array<StepOutcome | undefined>;
  /** A step is running. */
  running: boolean;
  /** Playing every step by itself (--auto); 'done' once it has. */
  auto: 'off' | 'playing' | 'done';
}

/**
 * The step pane's model: which step is shown, what each run did. Enter runs
 * the step shown (or moves on once it has passed); n and p move.
 */
export class TutorialPlayer {
  state: PlayerState;
  private readonly listeners = new Set<() => void>();
  private active: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    readonly tutorial: Tutorial,
    private readonly runLine: LineRunner,
    private readonly options: RunOptions = {},
  ) {
    this.state = { current: 0, outcomes: tutorial.steps.map(() => undefined), running: false, auto: 'off' };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Enter: run the step shown; once it has passed, show the next one. */
  enter(): void {
    if (this.state.running || this.state.auto === 'playing') return;
    if (this.state.outcomes[this.state.current]?.state === 'ok') this.next();
    else void this.runCurrent();
  }

  next(): void {
    if (this.state.auto === 'playing') return;
    this.update({ current: Math.min(this.tutorial.steps.length - 1, this.state.current + 1) });
  }

  previous(): void {
    if (this.state.auto === 'playing') return;
    this.update({ current: Math.max(0, this.state.current - 1) });
  }

  /** Runs the step shown; resolves with its outcome (undefined if another is running). */
  runCurrent(): Promise<StepOutcome | undefined> {
    if (this.state.running || this.stopped) return Promise.resolve(undefined);
    const index = this.state.current;
    this.update({ running: true });
    const run = runStep(this.tutorial.steps[index]!, this.runLine, setupFileOf(this.tutorial), {
      ...this.options,
      cancelled: () => this.stopped,
      onChange: (o) => this.setOutcome(index, o),
    }).finally(() => this.update({ running: false }));
    this.active = run;
    return run;
  }

  /** Shows and runs every step from the first, `delayMs` apart; stays on the last one. */
  async autoPlay(delayMs: number): Promise<void> {
    const sleep = this.options.sleep ?? realSleep;
    this.update({ auto: 'playing', current: 0 });
    const play = (async () => {
      for (let i = 0; i < this.tutorial.steps.length && !this.stopped; i++) {
        this.update({ current: i });
        await sleep(delayMs);
        if (this.stopped) break;
        this.update({ running: true });
        await runStep(this.tutorial.steps[i]!, this.runLine, setupFileOf(this.tutorial), {
          ...this.options,
          cancelled: () => this.stopped,
          onChange: (o) => this.setOutcome(i, o),
        }).finally(() => this.update({ running: false }));
      }
      this.update({ auto: 'done' });
    })();
    this.active = play;
    return play;
  }

  /** Resolves once the step or play under way has ended. */
  async idle(): Promise<void> {
    await this.active.catch(() => undefined);
  }

  /** Stops playing and running (at the next line or check attempt); resolves once no line runs any more. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.active.catch(() => undefined);
  }

  /** Steps that ran to their end. */
  finishedSteps(): number {
    return this.state.outcomes.filter((o) => o?.state === 'ok' || o?.state === 'failed').length;
  }

  /** Steps that ran and failed, 1-based. */
  failedSteps(): number[] {
    return this.state.outcomes.flatMap((o, i) => (o?.state === 'failed' ? [i + 1] : []));
  }

  private setOutcome(index: number, outcome: StepOutcome): void {
    this.update({ outcomes: this.state.outcomes.map((o, i) => (i === index ? outcome : o)) });
  }

  private update(patch: Partial<PlayerState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
}
