/**
 * Running a tutorial's steps. The core knows nothing of where lines run: it
 * is handed a LineRunner (a prompt line in, success and output lines out),
 * which is the TUI's session in the UI and parseCommand + runCommand without
 * one (tutorial/lines.ts). Each step runs its lines in order, whatever each
 * one does (a step may show a command failing), then its check, retried
 * until it holds or its time is up; the check decides whether the step
 * passed (without one, every line must have succeeded).
 */
import type { Tutorial, TutorialCheck, TutorialStep } from './model.js';
import { checkLine, quoteWord } from './file.js';
import { wrapText } from './text.js';

export interface LineResult {
  ok: boolean;
  /** What the command printed (or its error and context lines). */
  lines: string[];
}

export type LineRunner = (line: string) => Promise<LineResult>;

export type Progress = 'pending' | 'running' | 'ok' | 'failed';

export interface LineOutcome {
  line: string;
  state: Progress;
  lines: string[];
}

export interface CheckOutcome {
  state: Progress;
  /** What is checked, in words: `ping wu-test1 → 10.0.2.2 gets no answer`. */
  description: string;
  /** The last attempt's telling line. */
  detail?: string;
  attempts: number;
}

export interface StepOutcome {
  state: Progress;
  lines: LineOutcome[];
  check?: CheckOutcome;
}

export interface RunOptions {
  /** Waits between check attempts and steps (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Pause between two attempts of a check. */
  retryEveryMs?: number;
  /** Called with the step's outcome so far, after each change. */
  onChange?: (outcome: StepOutcome) => void;
  /** Asked before each line and each attempt of a check: true stops the step there (left 'pending'). */
  cancelled?: () => boolean;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const RETRY_EVERY_MS = 250;

/** The setup chain file of a tutorial, if its setup is one. */
export const setupFileOf = (t: Tutorial) => (t.setup?.kind === 'chain' ? t.setup.file : undefined);

/** The lines that make a tutorial's setup. */
export function setupLines(t: Tutorial): string[] {
  if (!t.setup) return [];
  return t.setup.kind === 'chain' ? [`chain up ${quoteWord(t.setup.file)}`] : t.setup.lines;
}

export function describeCheck(check: TutorialCheck): string {
  const ok = check.expect === 'ok';
  switch (check.kind) {
    case 'ping': return `ping ${check.from} → ${check.to} ${ok ? 'answers' : 'gets no answer'}`;
    case 'http': return `http ${check.from} → ${check.url} ${ok ? 'answers' : 'fails'}`;
    case 'chain': return `chain status ${ok ? 'is all ok' : 'is not all ok'}`;
    case 'command': return `${check.line} ${ok ? 'succeeds' : 'fails'}`;
  }
}

const stripMark = (line: string) => line.replace(/^[✓✗] /, '').trim();

/** A line that does not throw: a runner's failure is the line's failure. */
async function safely(runLine: LineRunner, line: string): Promise<LineResult> {
  try {
    return await runLine(line);
  } catch (err) {
    return { ok: false, lines: [`internal error: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/** Runs the check's line until it does what is expected or its time is up (at least once). */
export async function runCheck(check: TutorialCheck, runLine: LineRunner, setupFile: string | undefined, options: RunOptions = {},
  onAttempt?: (outcome: CheckOutcome) => void): Promise<CheckOutcome> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const line = checkLine(check, setupFile);
  const description = describeCheck(check);
  const deadline = now() + check.withinMs;
  let attempts = 0;
  for (;;) {
    attempts++;
    const r = await safely(runLine, line);
    const said = check.kind === 'chain' ? r.lines.at(-1) : r.lines.find((l) => l.trim());
    const detail = said !== undefined ? stripMark(said) : undefined;
    const held = r.ok === (check.expect === 'ok');
    const outcome: CheckOutcome = { state: held ? 'ok' : 'running', description, attempts, ...(detail ? { detail } : {}) };
    if (held) return outcome;
    if (now() >= deadline) return { ...outcome, state: 'failed' };
    if (options.cancelled?.()) return { ...outcome, state: 'pending' };
    onAttempt?.(outcome);
    await sleep(Math.min(options.retryEveryMs ?? RETRY_EVERY_MS, Math.max(0, deadline - now())));
  }
}

/** Runs a step's lines in order, then its check. */
export async function runStep(step: TutorialStep, runLine: LineRunner, setupFile: string | undefined, options: RunOptions = {}): Promise<StepOutcome> {
  let outcome: StepOutcome = {
    state: 'running',
    lines: step.run.map((line) => ({ line, state: 'pending', lines: [] })),
    ...(step.check ? { check: { state: 'pending', description: describeCheck(step.check), attempts: 0 } } : {}),
  };
  const change = (patch: Partial<StepOutcome>) => {
    outcome = { ...outcome, ...patch };
    options.onChange?.(outcome);
  };
  const setLine = (i: number, line: Partial<LineOutcome>) => change({ lines: outcome.lines.map((l, j) => (j === i ? { ...l, ...line } : l)) });
  change({});
  const cancelled = () => {
    if (!options.cancelled?.()) return false;
    change({ state: 'pending' });
    return true;
  };
  for (const [i, line] of step.run.entries()) {
    if (cancelled()) return outcome;
    setLine(i, { state: 'running' });
    const r = await safely(runLine, line);
    setLine(i, { state: r.ok ? 'ok' : 'failed', lines: r.lines });
  }
  if (!step.check) {
    change({ state: outcome.lines.every((l) => l.state === 'ok') ? 'ok' : 'failed' });
    return outcome;
  }
  if (cancelled()) return outcome;
  change({ check: { ...outcome.check!, state: 'running' } });
  const check = await runCheck(step.check, runLine, setupFile, options, (attempt) => change({ check: attempt }));
  change({ check, state: check.state === 'ok' ? 'ok' : check.state === 'pending' ? 'pending' : 'failed' });
  return outcome;
}

// ---------------------------------------------------------------------------
// Without a terminal: every step printed, one after the other

export interface HeadlessOptions extends RunOptions {
  /** Leave what the tutorial made. */
  keep: boolean;
  /** A pause between steps (for watching along); none by default. */
  delayMs?: number;
  width?: number;
}

export interface HeadlessReport {
  ok: boolean;
  /** 1-based numbers of the steps that failed. */
  failed: number[];
  /** Set when the setup failed (then no step ran). */
  setupFailed?: boolean;
  /** Set when cancelled (a signal) before the end. */
  interrupted?: boolean;
  summary: string;
}

/**
 * Plays the whole tutorial, writing as it goes: the setup, each step (title,
 * text, `$ line` and what it printed, the check), the cleanup (unless keep).
 * A failed check marks its step failed and the tutorial goes on to the end.
 */
export async function playHeadless(t: Tutorial, runLine: LineRunner, write: (line: string) => void, options: HeadlessOptions): Promise<HeadlessReport> {
  const width = options.width ?? 80;
  const sleep = options.sleep ?? realSleep;
  const setupFile = setupFileOf(t);
  write(`tutorial ${t.name}: ${t.title}`);
  if (t.intro) for (const l of wrapText(t.intro, width)) write(l);
  write('');
  const failed: number[] = [];
  let setupFailed = false;
  try {
    for (const line of setupLines(t)) {
      const r = await printLine('setup', line, runLine, write);
      if (!r.ok) {
        setupFailed = true;
        break;
      }
    }
    if (setupLines(t).length) write('');
    if (!setupFailed) {
      for (const [i, step] of t.steps.entries()) {
        if (i > 0 && options.delayMs) await sleep(options.delayMs);
        if (options.cancelled?.()) break;
        write(`step ${i + 1}/${t.steps.length}: ${step.title}`);
        for (const l of wrapText(step.text, width - 2)) write(l ? `  ${l}` : '');
        let printed = 0;
        const outcome = await runStep(step, runLine, setupFile, {
          ...options,
          onChange: (o) => {
            // each line is printed once it has run
            while (printed < o.lines.length && (o.lines[printed]!.state === 'ok' || o.lines[printed]!.state === 'failed')) {
              writeLine(o.lines[printed]!, write);
              printed++;
            }
          },
        });
        if (outcome.state === 'pending') {
          write('  interrupted');
          break;
        }
        if (outcome.check) {
          const c = outcome.check;
          write(`  check: ${c.description}: ${c.state === 'ok' ? 'ok' : 'FAILED'}${c.detail ? `  (${c.detail})` : ''}`);
        } else if (outcome.state === 'failed') write('  a command of this step failed');
        if (outcome.state !== 'ok') failed.push(i + 1);
        write('');
      }
    }
  } finally {
    if (options.keep) {
      write(`kept what the tutorial made (--keep)${t.cleanup.length ? `; remove it with: ${t.cleanup.map((l) => `chainmail ${l}`).join(' && ')}` : ''}`);
    } else {
      for (const line of t.cleanup) await printLine('cleanup', line, runLine, write);
    }
  }
  const interrupted = options.cancelled?.() === true;
  const summary = setupFailed ? `tutorial ${t.name}: the setup failed; no step ran`
    : interrupted ? `tutorial ${t.name}: interrupted${failed.length ? ` (step ${failed.join(', ')} failed before)` : ''}`
    : failed.length ? `tutorial ${t.name}: ${failed.length} of ${t.steps.length} steps failed (step ${failed.join(', ')})`
      : `tutorial ${t.name}: all ${t.steps.length} steps ok`;
  return {
    ok: !setupFailed && !interrupted && failed.length === 0, failed,
    ...(setupFailed ? { setupFailed } : {}), ...(interrupted ? { interrupted } : {}), summary,
  };
}

async function printLine(what: string, line: string, runLine: LineRunner, write: (l: string) => void): Promise<LineResult> {
  write(`${what}: ${line}`);
  const r = await safely(runLine, line);
  for (const [i, l] of r.lines.entries()) write(`  ${i === 0 && !r.ok && !/^[✓✗]/.test(l) ? '✗ ' : ''}${l}`);
  return r;
}

function writeLine(l: LineOutcome, write: (line: string) => void): void {
  write(`  $ ${l.line}`);
  for (const [i, out] of l.lines.entries()) write(`    ${i === 0 && l.state === 'failed' && !/^[✓✗]/.test(out) ? '✗ ' : ''}${out}`);
}

// ---------------------------------------------------------------------------
// In the TUI: one step at a time, by key or played unattended

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
