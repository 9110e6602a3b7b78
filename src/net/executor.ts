import { existsSync, writeFileSync } from 'node:fs';
import { ChainmailError, KernelError } from '../errors.js';
import { run, type ExecResult } from '../sys/exec.js';
import { runInEach } from '../sys/fan-out.js';
import { explainFailure, isAlreadyGone } from './kernel-errors.js';

/** One change to the kernel, and how to take it back. */
export interface Step {
  /** What it does, in words: "move cm5f..a into client as link1". */
  describe: string;
  argv: string[];
  /** Text for the program's stdin (an `ip -batch -` script). */
  input?: string;
  /** Run in reverse order if a later step fails; "already gone" is fine. */
  undo?: string[];
  /**
   * Run if this step itself fails, in order, each allowed to find nothing:
   * a batch stops at its failing line, with the lines before it done.
   */
  cleanupIfFailed?: string[][];
  /** Overrides the generic explanation: kernel text pattern -> sentence. */
  explain?: Array<[RegExp, string]>;
}

export interface ExecutorOptions {
  runner?: (argv: readonly string[], input?: string) => Promise<ExecResult>;
  /**
   * Test hook: pretend step N (0-based) failed, to prove rollback on the
   * real kernel. Set through CHAINMAIL_FAIL_AT_STEP; never in normal use.
   */
  failAtStep?: number;
  /**
   * Test hook: before step N, create FILE and wait until a test removes it,
   * so that a test can kill a container between two steps. Set through
   * CHAINMAIL_PAUSE_AT_STEP=N:FILE; never in normal use.
   */
  pauseAtStep?: { index: number; file: string };
}

export interface ExecutedStep {
  describe: string;
  argv: string[];
  ms: number;
}

/**
 * Runs steps in order. If one fails, every step already done is undone in
 * reverse order, so the kernel is left as it was: all or nothing.
 */
export async function executeSteps(steps: readonly Step[], options: ExecutorOptions = {}): Promise<ExecutedStep[]> {
  const runner = options.runner ?? ((argv: readonly string[], input?: string) => run(argv, input === undefined ? {} : { input }));
  const done: ExecutedStep[] = [];
  for (const [index, step] of steps.entries()) {
    if (options.pauseAtStep?.index === index) await pauseUntilRemoved(options.pauseAtStep.file);
    const started = performance.now();
    const result: ExecResult =
      options.failAtStep === index
        ? { argv: step.argv, exitCode: 1, stdout: '', stderr: 'injected failure (CHAINMAIL_FAIL_AT_STEP)' }
        : await runner(step.argv, step.input);
    if (result.exitCode !== 0) {
      const leftovers = await cleanUp(step.cleanupIfFailed ?? [], runner);
      leftovers.push(...(await rollback(steps.slice(0, index), runner)));
      const reason = specificExplanation(step, result.stderr) ?? explainFailure(result.stderr);
      const undone = index === 0 ? 'nothing was changed' : `the ${index} change${index === 1 ? '' : 's'} before it ${index === 1 ? 'was' : 'were'} undone`;
      const context = [`  kernel said: ${oneLine(result.stderr) || `exit code ${result.exitCode}`}`];
      if (leftovers.length) {
        context.push('  could not undo (remove by hand):', ...leftovers.map((l) => `    ${l}`));
        throw new KernelError(`failed to ${step.describe}: ${reason}; rollback was incomplete`, result.stderr, context);
      }
      throw new KernelError(`failed to ${step.describe}: ${reason}; ${undone}`, result.stderr, context);
    }
    done.push({ describe: step.describe, argv: step.argv, ms: performance.now() - started });
  }
  return done;
}

/** One change in one namespace (its file), independent of every other namespace's. */
export interface NamespaceStep {
  describe: string;
  /** The file that opens the namespace. */
  path: string;
  /** The program to run there. */
  argv: string[];
}

/**
 * Runs one step in each of many namespaces, from a few processes
 * (sys/fan-out.ts), as if each were executeSteps of its own single step:
 * a failure is that namespace's alone, and undoes nothing elsewhere. Gives
 * each step's failure, worded as executeSteps throws it, or undefined where
 * it succeeded. The test hooks act as on each such single step.
 */
export async function executeInEach(
  steps: readonly NamespaceStep[],
  options: Pick<ExecutorOptions, 'failAtStep' | 'pauseAtStep'> = {},
): Promise<Array<KernelError | undefined>> {
  if (steps.length === 0) return [];
  if (options.pauseAtStep?.index === 0) await pauseUntilRemoved(options.pauseAtStep.file);
  const results: ExecResult[] = [];
  if (options.failAtStep === 0) {
    for (const [i, step] of steps.entries()) results[i] = { argv: step.argv, exitCode: 1, stdout: '', stderr: 'injected failure (CHAINMAIL_FAIL_AT_STEP)' };
  } else {
    // one fan-out for each distinct command
    const byCommand = new Map<string, number[]>();
    for (const [i, step] of steps.entries()) {
      const key = JSON.stringify(step.argv);
      byCommand.set(key, [...(byCommand.get(key) ?? []), i]);
    }
    await Promise.all(
      [...byCommand.values()].map(async (indexes) => {
        const ran = await runInEach(
          steps[indexes[0]!]!.argv,
          indexes.map((i) => ({ path: steps[i]!.path })),
        );
        for (const [k, i] of indexes.entries()) results[i] = ran[k]!;
      }),
    );
  }
  return steps.map((step, i) => {
    const result = results[i]!;
    if (result.exitCode === 0) return undefined;
    const context = [`  kernel said: ${oneLine(result.stderr) || `exit code ${result.exitCode}`}`];
    return new KernelError(`failed to ${step.describe}: ${explainFailure(result.stderr)}; nothing was changed`, result.stderr, context);
  });
}

async function cleanUp(commands: readonly string[][], runner: NonNullable<ExecutorOptions['runner']>): Promise<string[]> {
  const leftovers: string[] = [];
  for (const argv of commands) {
    const result = await runner(argv);
    if (result.exitCode !== 0 && !isAlreadyGone(result.stderr)) leftovers.push(`${argv.join(' ')}  (${oneLine(result.stderr)})`);
  }
  return leftovers;
}

async function rollback(done: readonly Step[], runner: NonNullable<ExecutorOptions['runner']>): Promise<string[]> {
  const leftovers: string[] = [];
  for (const step of [...done].reverse()) {
    if (!step.undo) continue;
    const result = await runner(step.undo);
    if (result.exitCode !== 0 && !isAlreadyGone(result.stderr)) {
      leftovers.push(`${step.undo.join(' ')}  (${oneLine(result.stderr)})`);
    }
  }
  return leftovers;
}

function specificExplanation(step: Step, stderr: string): string | undefined {
  return step.explain?.find(([re]) => re.test(stderr))?.[1];
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' / ');
}

/** Runs one read-only command and returns stdout, or throws a readable error. */
export async function query(argv: string[], what: string, runner: (argv: readonly string[]) => Promise<ExecResult> = run): Promise<string> {
  return queryOutput(await runner(argv), what);
}

/** A query's output, or its failure as query throws it: "cannot WHAT: reason", with the command and its words below. */
export function queryOutput(result: ExecResult, what: string): string {
  if (result.exitCode !== 0) {
    throw new ChainmailError(`cannot ${what}: ${explainFailure(result.stderr)}`, 1, [`  ${result.argv.join(' ')}: ${oneLine(result.stderr)}`]);
  }
  return result.stdout;
}

/** Like query, with text on the program's stdin (an `ip -batch -` script). */
export async function queryWithInput(argv: string[], input: string, what: string): Promise<string> {
  return query(argv, what, (a) => run(a, { input }));
}

export function failAtStepFromEnv(): number | undefined {
  const v = process.env.CHAINMAIL_FAIL_AT_STEP;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

export function pauseAtStepFromEnv(): { index: number; file: string } | undefined {
  const m = /^(\d+):(\/.+)$/.exec(process.env.CHAINMAIL_PAUSE_AT_STEP ?? '');
  return m ? { index: Number(m[1]), file: m[2]! } : undefined;
}

/** The pause of CHAINMAIL_PAUSE_AT_STEP: at most a minute, so a test that died cannot hang it forever. */
async function pauseUntilRemoved(file: string): Promise<void> {
  writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
  const deadline = Date.now() + 60_000;
  while (existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
