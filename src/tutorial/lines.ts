/**
 * Where a tutorial's lines run: straight through the CLI's commands (without
 * a terminal), or through the TUI's session, which logs each line and
 * refreshes the chain view after it, exactly as if it had been typed.
 */
import { ChainmailError } from '../errors.js';
import type { CommandContext } from '../commands/context.js';
import { runCommand } from '../commands/run.js';
import { parseCommand } from '../parse/verbs.js';
import type { Session } from '../ui/session.js';
import { toCommandWords } from '../ui/prompt-line.js';
import type { LineResult, LineRunner } from './runner.js';

/** parseCommand + runCommand in this process; an error is a failed line with its message. */
export function commandLineRunner(ctx: CommandContext): LineRunner {
  return async (line) => {
    try {
      const words = toCommandWords(line);
      if (!words) return { ok: true, lines: [] };
      const cmd = parseCommand(words);
      if (cmd.verb === 'help') return { ok: false, lines: ['help is not a step'] };
      const result = await runCommand(cmd, ctx);
      return { ok: result.ok, lines: result.lines.filter((l) => l !== '') };
    } catch (err) {
      if (err instanceof ChainmailError) return { ok: false, lines: [err.message, ...err.context] };
      return { ok: false, lines: [`internal error: ${err instanceof Error ? err.message : String(err)}`] };
    }
  };
}

/** Runs the line at the session, in order with anything typed at the prompt, as if typed. */
export function sessionLineRunner(session: Session): LineRunner {
  return (line) => session.runLine(line);
}
