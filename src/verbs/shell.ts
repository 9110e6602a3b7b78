/**
 * `chainmail shell TARGET`: an interactive shell in a target, on this
 * terminal. A container with a /bin/sh gets its own (docker exec with a
 * TTY); a namespace, or a container without one, gets the user's shell run
 * in its network namespace, with a prompt that names the target. The UI's
 * s key runs this same verb as a child on the terminal it hands over.
 */
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import type { CommandContext } from '../host/context.js';
import type { ShellCommand } from '../parse/verbs.js';
import { runAttached } from '../sys/exec.js';
import { programIn, type Namespace } from '../targets/namespace.js';

/** The container's shell that is tried first. */
const CONTAINER_SHELL = '/bin/sh';

export async function runShell(cmd: ShellCommand, ctx: CommandContext): Promise<number> {
  const ns = await ctx.resolve(cmd.target);
  const say = (text: string) => process.stderr.write(`chainmail: ${text}\n`);
  if (ns.kind === 'docker' && process.stdin.isTTY && process.stdout.isTTY) {
    const container = ns.containerId ?? ns.label;
    // running an empty script answers whether the container has the shell, without a shell command line
    if (await ctx.docker.execSucceeds(container, [CONTAINER_SHELL, '/dev/null'])) {
      say(`${ns.label}'s own ${CONTAINER_SHELL} (exit leaves it)`);
      // which shell /bin/sh is there (busybox, dash) is not known: a prompt with no escape reads the same in all
      const env = [`PS1=${promptText(ns.label, 'sh')}`, `TERM=${process.env.TERM ?? 'xterm'}`];
      return ctx.docker.execOnTerminal(container, [CONTAINER_SHELL], env, { input: process.stdin, output: process.stdout });
    }
    say(`${ns.label} has no ${CONTAINER_SHELL}: your shell in its network namespace instead`);
  }
  const { argv, env, program } = namespaceShell(ns, process.env);
  say(`${program} in the network namespace of ${ns.label} (exit leaves it)`);
  return runAttached(argv, env);
}

/**
 * The user's shell ($SHELL, else /bin/sh) in the namespace, interactive,
 * its prompt naming the target: bash without its rc files, zsh without its
 * startup files, as those would set a prompt of their own.
 */
export function namespaceShell(ns: Namespace, env: NodeJS.ProcessEnv): { argv: string[]; env: NodeJS.ProcessEnv; program: string } {
  const shell = env.SHELL?.startsWith('/') ? env.SHELL : '/bin/sh';
  const name = shellName(shell);
  const flags = name === 'bash' ? ['--norc', '-i'] : name === 'zsh' ? ['-f', '-i'] : ['-i'];
  return { argv: programIn(ns, [shell, ...flags]), env: { ...env, PS1: promptText(ns.label, name), CHAINMAIL_TARGET: ns.label }, program: shell };
}

/** The shell's own name, through links (/bin/sh is dash on Debian, busybox on Alpine). */
function shellName(path: string): string {
  try {
    return basename(realpathSync(path));
  } catch {
    return basename(path);
  }
}

/** `[chainmail TARGET] DIR# ` in the prompt language of the shell (its name); others get no directory. */
export function promptText(label: string, name: string): string {
  const dir = name === 'bash' || name === 'busybox' ? ' \\w' : name === 'zsh' ? ' %~' : '';
  return `[chainmail ${label}]${dir}# `;
}
