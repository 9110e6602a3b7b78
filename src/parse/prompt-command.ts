/**
 * A line typed at the UI's prompt, pasted, or run by a tutorial step, parsed
 * once into one value: a command the CLI also runs, or one of the prompt's
 * own verbs. Whoever runs the line (the UI, a tutorial) acts on this value
 * and never splits the line again.
 */
import { ChainmailError, EXIT_USAGE, UsageError } from '../errors.js';
import { toCommandWords } from './prompt-line.js';
import { parseTargetWords, type TargetSpec } from './target.js';
import { parseCommand, type CaptureCommand, type Command } from './verbs.js';
import { usageOf, verbInfo } from './verb-table.js';

/** A command that runs in this process and reports lines (demo and tutorial open a UI of their own; shell takes the terminal). */
export type LineCommand = Exclude<Command, { verb: 'help' | 'demo' | 'tutorial' | 'shell' }>;

export type PromptCommand =
  | { kind: 'run'; command: LineCommand }
  | { kind: 'help'; topic?: string }
  | { kind: 'quit' }
  | { kind: 'clear' }
  /** An interactive shell in a target: the UI hands it the terminal (its s key). */
  | { kind: 'shell'; target: TargetSpec }
  | { kind: 'watch'; check: 'ping' | 'http'; target: string; destination: string }
  | { kind: 'unwatch'; which: string }
  /** `capture TARGET IF ...`: the UI streams it into a pane rather than running it to its end. */
  | { kind: 'capture'; command: CaptureCommand };

export interface PromptParse {
  /** The line as the log shows it: its words, or the text as typed when it was refused before that. */
  shown: string;
  /** undefined for a blank or comment line, and when the line is refused. */
  command?: PromptCommand;
  /** Why the line cannot run (a ChainmailError names the bad word and the right form). */
  error?: unknown;
}

export interface PromptParseOptions {
  /** The chain the UI was opened on: `heal` means `chain heal` of it. */
  chainFile?: string;
}

export function parsePromptLine(line: string, options: PromptParseOptions = {}): PromptParse {
  let words: string[] | undefined;
  try {
    words = toCommandWords(line);
  } catch (error) {
    return { shown: line, error };
  }
  if (!words) return { shown: line };
  const refused = refusal(words);
  if (refused) return { shown: line, error: new ChainmailError(refused, EXIT_USAGE) };
  if (words[0] === 'heal') {
    if (!options.chainFile) {
      return { shown: line, error: new ChainmailError('heal repairs the chain the UI was opened on (demo, tutorial); here, say which: chain heal FILE') };
    }
    words = ['chain', 'heal', options.chainFile, ...words.slice(1)];
  }
  const shown = words.join(' ');
  try {
    return { shown, command: promptCommand(words) };
  } catch (error) {
    return { shown, error };
  }
}

function promptCommand(words: string[]): PromptCommand {
  const [verb, ...rest] = words;
  if (verb === 'quit' || verb === 'exit') return { kind: 'quit' };
  if (verb === 'clear') {
    if (rest.length) throw new UsageError(`unexpected "${rest[0]}"`, { words, index: 1 }, usageOf('clear'));
    return { kind: 'clear' };
  }
  if (verb === 'watch') return parseWatch(rest);
  if (verb === 'unwatch') return { kind: 'unwatch', which: rest[0] ?? '' };
  const command = parseCommand(words);
  if (command.verb === 'help') return { kind: 'help', ...(command.topic !== undefined ? { topic: command.topic } : {}) };
  // refused above: the table says they run from a shell only
  if (command.verb === 'shell') return { kind: 'shell', target: command.target };
  if (command.verb === 'demo' || command.verb === 'tutorial') throw new ChainmailError(`"${command.verb}" runs from a shell`, EXIT_USAGE);
  if (command.verb === 'capture') return { kind: 'capture', command };
  return { kind: 'run', command };
}

/** Lines that would never finish, or open a second UI inside this one. */
function refusal(words: readonly string[]): string | undefined {
  if (words[0] === 'batch') return '"batch" runs from a shell (chainmail batch FILE), not at the prompt or from another batch';
  if (words[0] === 'ui' || verbInfo(words[0]!)?.scope === 'shell') {
    return `"${words[0]}" opens its own UI: run it from a shell (chainmail ${words[0]})`;
  }
  const healing = words[0] === 'heal' || (words[0] === 'chain' && words[1] === 'heal');
  if (healing && words.includes('--watch')) return 'heal --watch runs until stopped: run it from a shell; here, heal once when the chain breaks';
  if (healing && words.includes('reattach')) return 'heal --policy reattach waits for the node to come back: run it from a shell';
  return undefined;
}

function parseWatch(words: readonly string[]): PromptCommand {
  const usage = usageOf('watch')!;
  const check = words[0];
  if (check !== 'ping' && check !== 'http') throw new ChainmailError(`expected "ping" or "http" after watch, got "${check ?? ''}"`, EXIT_USAGE, [`  usage: ${usage}`]);
  const { spec, next } = parseTargetWords(words, 1, usage);
  const destination = words[next];
  if (!destination) throw new ChainmailError(`watch ${check} needs ${check === 'ping' ? 'an address' : 'a URL'}`, EXIT_USAGE, [`  usage: ${usage}`]);
  // the verbs' own checks of the address or URL
  const probe = parseCommand([check === 'ping' ? 'ping' : 'probe', ...words.slice(1, next), destination]);
  const dest = probe.verb === 'probe' ? probe.url : probe.verb === 'ping' ? probe.address : destination;
  return { kind: 'watch', check, target: targetLabel(spec), destination: dest };
}

/** How the UI names a target: its name, or its pid or path spelling. */
function targetLabel(spec: TargetSpec): string {
  return 'name' in spec ? spec.name : spec.kind === 'pid' ? `pid ${spec.pid}` : spec.kind === 'path' ? spec.path : 'host';
}
