/**
 * A batch file: prompt lines (every shell verb, pasted koko and koro lines,
 * `#` comments), read in full and checked before the first one runs, so a
 * typo on line 9 stops the batch before lines 1 to 8 change anything.
 */
import { ChainmailError, EXIT_USAGE } from '../errors.js';
import { parsePromptLine, type LineCommand } from './prompt-command.js';

export interface BatchLine {
  /** 1-based, as editors count. */
  lineNo: number;
  /** The line as written. */
  text: string;
  /** The command to run; absent when the line is refused (see error). */
  command?: LineCommand;
  /** Why the line cannot run: a ChainmailError whose message names the bad word. */
  error?: ChainmailError;
}

export interface BatchPlan {
  /** The lines that run or are refused, in order; blank and comment lines are left out. */
  lines: BatchLine[];
  /** Set when an `exit` or `quit` line ends the batch early: its line number. */
  endsAt?: number;
}

/** Pure: the lines of a batch file's text, each parsed once. */
export function planBatch(text: string): BatchPlan {
  const lines: BatchLine[] = [];
  const all = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < all.length; i++) {
    const lineNo = i + 1;
    const parsed = parsePromptLine(all[i]!);
    if (parsed.error !== undefined) {
      lines.push({ lineNo, text: all[i]!, error: asChainmailError(parsed.error) });
      continue;
    }
    const command = parsed.command;
    if (!command) continue;
    if (command.kind === 'quit') return { lines, endsAt: lineNo };
    if (command.kind === 'run' || command.kind === 'capture') {
      lines.push({ lineNo, text: all[i]!, command: command.command });
    } else {
      const verb = command.kind === 'help' ? 'help' : command.kind;
      lines.push({ lineNo, text: all[i]!, error: new ChainmailError(`"${verb}" works only at the UI's prompt, not in a batch`, EXIT_USAGE) });
    }
  }
  return { lines };
}

function asChainmailError(error: unknown): ChainmailError {
  if (error instanceof ChainmailError) return error;
  return new ChainmailError(error instanceof Error ? error.message : String(error), EXIT_USAGE);
}
