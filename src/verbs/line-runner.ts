/**
 * Runs a tutorial's lines (or any prompt line) straight through the CLI's
 * commands, without a terminal: an error is a failed line with its message.
 */
import { ChainmailError } from '../errors.js';
import type { CommandContext } from '../host/context.js';
import { parsePromptLine } from '../parse/prompt-command.js';
import type { LineRunner } from '../tutorial/runner.js';
import { runCommand } from './run.js';

export function commandLineRunner(ctx: CommandContext): LineRunner {
  return async (line) => {
    const { command, error } = parsePromptLine(line);
    try {
      if (error !== undefined) throw error instanceof Error ? error : new Error('the line could not be read');
      if (!command) return { ok: true, lines: [] };
      if (command.kind === 'help') return { ok: false, lines: ['help is not a step'] };
      if (command.kind !== 'run') return { ok: false, lines: [`"${line.trim()}" works only at the UI's prompt`] };
      const result = await runCommand(command.command, ctx);
      return { ok: result.ok, lines: result.lines.filter((l) => l !== '') };
    } catch (err) {
      if (err instanceof ChainmailError) return { ok: false, lines: [err.message, ...err.context] };
      return { ok: false, lines: [`internal error: ${err instanceof Error ? err.message : String(err)}`] };
    }
  };
}
