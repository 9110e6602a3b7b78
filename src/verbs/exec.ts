/**
 * `chainmail exec TARGET -- CMD [ARG...]`: a host program run inside a
 * target's network namespace, as `ip netns exec` runs it, for containers
 * too. From a shell it gets the terminal and its exit code becomes
 * chainmail's; at the prompt and in a batch its output is captured and
 * logged, with a time limit, so a program that never ends cannot hold the UI.
 */
import { ChainmailError } from '../errors.js';
import type { CommandContext, CommandResult } from '../host/context.js';
import type { ExecCommand } from '../parse/verbs.js';
import { run, runAttached } from '../sys/exec.js';
import { findProgram } from '../sys/which.js';
import { programIn, type Namespace } from '../targets/namespace.js';

/** A shell's code for a command it cannot find; `ip netns exec` would say 1. */
export const EXIT_NOT_FOUND = 127;

/**
 * The program must be the host's (a container's own programs are reached
 * with `shell`): one missing is said plainly, with a shell's 127, before
 * anything is started.
 */
function requireHostProgram(program: string, ns: Namespace): void {
  if (findProgram(program) !== undefined) return;
  const what = program.includes('/') ? 'an executable file' : "a program on this host's PATH";
  throw new ChainmailError(`"${program}" is not ${what}: exec runs a program of the host inside ${ns.label}'s network namespace`, EXIT_NOT_FOUND);
}

/** The longest a captured program may run (the prompt, a batch) before it is killed. */
export const CAPTURED_TIMEOUT_MS = 20_000;

/** Run from a terminal (the CLI): the program gets it; returns its exit code. */
export async function runExecAttached(cmd: ExecCommand, ctx: CommandContext): Promise<number> {
  const ns = await ctx.resolve(cmd.target);
  requireHostProgram(cmd.argv[0]!, ns);
  // the user's program sees the user's environment, not the one chainmail gives its own tools
  return runAttached(programIn(ns, cmd.argv), process.env);
}

/** At the prompt or in a batch: the program's output as lines, its exit code passed on. */
export async function runExec(cmd: ExecCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  requireHostProgram(cmd.argv[0]!, ns);
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
