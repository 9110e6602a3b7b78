/**
 * Where a tutorial's lines run: straight through the CLI's commands (without
 * a terminal), or through the TUI's session, which logs each line and
 * refreshes the chain view after it, exactly as if it had been typed.
 */
import { ChainmailError } from '../errors.js';
import type { CommandContext } from '../commands/context.js';
import { runCommand } from '../commands/run.js';
import { parseCommand } from '../parse/verbs.js';
import type { LogEntry, Session } from '../ui/session.js';
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

/**
 * Runs the line at the session (in order with anything typed at the prompt)
 * and reads its result back from the session's log: the entry the session
 * writes for the line (`LINE  (N ms)`, tone ok or bad, or the line itself
 * when it failed to parse or run) and the indented entries after it.
 */
export function sessionLineRunner(session: Session): LineRunner {
  return async (line) => {
    let shown: string | undefined;
    try {
      shown = toCommandWords(line)?.join(' ');
    } catch { /* the session logs the error under the line as typed */ }
    await session.runLine(line);
    return resultFromLog(session.state.log, shown ?? line.trim());
  };
}

/** Pure: the result of the latest run of `shown` in a session log. */
export function resultFromLog(log: readonly LogEntry[], shown: string): LineResult {
  const isHeader = (e: LogEntry) => e.tone !== 'info' && (e.text === shown || e.text.startsWith(`${shown}  (`));
  let start = -1;
  for (let i = log.length - 1; i >= 0; i--) {
    if (isHeader(log[i]!)) {
      start = i;
      break;
    }
  }
  if (start < 0) return { ok: false, lines: ['(no result in the log)'] };
  const lines: string[] = [];
  for (const e of log.slice(start + 1)) {
    if (!e.text.startsWith('  ') && !(e.tone === 'info' && e.text.startsWith(' '))) break;
    lines.push(e.text.trim());
  }
  return { ok: log[start]!.tone === 'ok', lines };
}
