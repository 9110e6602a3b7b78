/**
 * Running a tutorial's steps. The core knows nothing of where lines run: it
 * is handed a LineRunner (a prompt line in, success and output lines out),
 * which is the TUI's session in the UI and parseCommand + runCommand without
 * one (tutorial/lines.ts). Each step runs its lines in order, whatever each
 * one does (a step may show a command failing), then its check, retried
 * until it holds or its time is up; the check decides whether the step
 * passed (without one, every line must have succeeded).
 *
 * Its two players: TutorialPlayer (player.ts), a step at a time in the TUI,
 * and playHeadless (headless.ts), every step printed without a terminal.
 */
import type { Tutorial, TutorialCheck, TutorialStep } from './model.js';
import { checkLine, quoteWord } from './check-line.js';

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

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
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
    case 'ping':
      return `ping ${check.from} → ${check.to} ${ok ? 'answers' : 'gets no answer'}`;
    case 'http':
      return `http ${check.from} → ${check.url} ${ok ? 'answers' : 'fails'}`;
    case 'chain':
      return `chain status ${ok ? 'is all ok' : 'is not all ok'}`;
    case 'command':
      return `${check.line} ${ok ? 'succeeds' : 'fails'}`;
  }
}

const stripMark = (line: string) => line.replace(/^[✓✗] /, '').trim();

/** A line that does not throw: a runner's failure is the line's failure. */
export async function safely(runLine: LineRunner, line: string): Promise<LineResult> {
  try {
    return await runLine(line);
  } catch (err) {
    return { ok: false, lines: [`internal error: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/** Runs the check's line until it does what is expected or its time is up (at least once). */
export async function runCheck(
  check: TutorialCheck,
  runLine: LineRunner,
  setupFile: string | undefined,
  options: RunOptions = {},
  onAttempt?: (outcome: CheckOutcome) => void,
): Promise<CheckOutcome> {
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
