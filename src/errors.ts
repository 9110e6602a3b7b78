/**
 * Every failure a user can cause is a ChainmailError: a one-line message that
 * names what was wrong, optional context lines (a marked command line, the
 * expected form), and the exit code the CLI returns.
 */
export class ChainmailError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
    /** Extra lines printed under the message (marker, usage form, hints). */
    readonly context: readonly string[] = [],
  ) {
    // the message is one line: a typed token with a line break or an escape
    // sequence in it is shown escaped, never passed to the terminal
    super(escapeControl(message));
    this.name = new.target.name;
  }
}

/** Control characters as JSON escapes (`\n`, `\u001b`): text that prints as one plain line. */
export function escapeControl(text: string): string {
  // JSON leaves DEL as it is: it gets the same \u form as the others
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\x7f' ? '\\u007f' : JSON.stringify(c).slice(1, -1)));
}

/** Exit code for bad syntax or bad values: nothing was attempted. */
export const EXIT_USAGE = 2;
/** Exit code for a target that cannot be reached (unknown, stopped, no engine). */
export const EXIT_TARGET = 3;
/** Exit code for a refusal by the kernel or a failed check (ping, probe). */
export const EXIT_FAILED = 1;
/** The output could not be written (a full disk, a bad descriptor): sysexits' EX_IOERR. */
export const EXIT_OUTPUT = 74;

/** The words as typed, with the index of the offending one (if known). */
export interface TokenLocation {
  words: readonly string[];
  index: number;
}

export class UsageError extends ChainmailError {
  constructor(
    message: string,
    readonly location?: TokenLocation,
    readonly expected?: string,
  ) {
    super(message, EXIT_USAGE, usageContext(location, expected));
  }
}

export class TargetError extends ChainmailError {
  constructor(message: string, context: readonly string[] = []) {
    super(message, EXIT_TARGET, context);
  }
}

export class KernelError extends ChainmailError {
  constructor(
    message: string,
    /** What the kernel/tool printed, verbatim. */
    readonly raw: string,
    context: readonly string[] = [],
  ) {
    super(message, EXIT_FAILED, context);
  }
}

/**
 * Renders the typed words on one line with carets under the bad one:
 *   koro docker client address ad 10.0.1.1/24 dev link1
 *                              ^^
 */
export function markToken(location: TokenLocation): string[] {
  const { words, index } = location;
  const shown = words.map(quoteForDisplay);
  const line = shown.join(' ');
  if (index < 0) return [line];
  const at = Math.min(index, shown.length);
  const offset = shown.slice(0, at).reduce((n, w) => n + w.length + 1, 0);
  const width = at < shown.length ? Math.max(1, shown[at]!.length) : 1;
  return [line, ' '.repeat(offset) + '^'.repeat(width)];
}

function usageContext(location?: TokenLocation, expected?: string): string[] {
  const lines = location ? markToken(location).map((l) => '  ' + l) : [];
  if (expected) lines.push(`  usage: ${expected}`);
  return lines;
}

/** Shows a word so that spaces, quotes and control characters are visible. */
export function quoteForDisplay(word: string): string {
  if (word === '') return "''";
  if (/^[\x21-\x7e]+$/.test(word) && !/['"\\]/.test(word)) return word;
  return escapeControl(JSON.stringify(word));
}
