/**
 * `chainmail exec TARGET -- CMD [ARG...]`: a host program run inside a
 * target's network namespace, as `ip netns exec` runs it, for containers
 * too. From a shell it gets the terminal and its exit code becomes
 * chainmail's; at the prompt and in a batch its output is captured and
 * logged, with a time limit, so a program that never ends cannot hold the UI.
 */
import type { CommandContext, CommandResult } from '../host/context.js';
import type { ExecCommand } from '../parse/verbs.js';
import { run, runAttached } from '../sys/exec.js';
import { programIn } from '../targets/namespace.js';

/** The longest a captured program may run (the prompt, a batch) before it is killed. */
export const CAPTURED_TIMEOUT_MS = 20_000;

/** Run from a terminal (the CLI): the program gets it; returns its exit code. */
export async function runExecAttached(cmd: ExecCommand, ctx: CommandContext): Promise<number> {
  const ns = await ctx.resolve(cmd.target);
  // the user's program sees the user's environment, not the one chainmail gives its own tools
  return runAttached(programIn(ns, cmd.argv), process.env);
}

/** At the prompt or in a batch: the program's output as lines, its exit code passed on. */
export async function runExec(cmd: ExecCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  const r = await run(programIn(ns, cmd.argv), { timeoutMs: CAPTURED_TIMEOUT_MS, env: process.env });
  const lines = [...linesOf(r.stdout), ...linesOf(r.stderr)];
  if (r.exitCode !== 0 && r.failure === undefined) lines.push(`exit ${r.exitCode}`);
  return {
    ok: r.exitCode === 0,
    exitCode: r.exitCode,
    lines,
    json: { target: ns.label, argv: cmd.argv, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr },
  };
}

function linesOf(text: string): string[] {
  return text === '' ? [] : text.split(/\r?\n/);
}
