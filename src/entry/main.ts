import { ChainmailError, EXIT_OUTPUT } from '../errors.js';
import { jsonAsked, needsRoot, parseCommand, type Command } from '../parse/verbs.js';
import { USAGE, VERBS } from '../parse/verb-table.js';
import { createContext } from '../host/context.js';
import { runCommand, wantsJson } from '../verbs/run.js';
import { requireNetworkPrivilege } from '../sys/privilege.js';
import { processEndsWithCommand, signalsHeldToExit } from '../sys/interrupt.js';
import { outputColourLevel, setNoColourFlag } from '../sys/colour.js';
import { helpText, runProgram } from './program.js';

/** The two colours the CLI uses. */
interface Painter {
  red(text: string): string;
  green(text: string): string;
}

const PLAIN: Painter = { red: (t) => t, green: (t) => t };

/** Colour as sys/colour.ts decides for this stream; chalk is loaded only when there is any. */
async function painter(stream: NodeJS.WriteStream): Promise<Painter> {
  const level = outputColourLevel(stream);
  if (level === 0) return PLAIN;
  const { Chalk } = await import('chalk');
  return new Chalk({ level });
}

/**
 * Runs one command line; returns the exit code. A line that starts with a
 * verb goes straight to that verb's parser (koko's and koro's grammars take
 * their words as they are, errors included), without loading commander,
 * which would hand every word on unchanged anyway; the rest (help, version,
 * `--`, completion, anything unknown) goes to the program (program.ts).
 */
export async function main(argv: readonly string[]): Promise<number> {
  // a reader that stops early (`chainmail ls | head`) is not a failure of ours; a terminal that
  // went away (EIO, with SIGHUP: the window closed) takes the output with it, and the command still
  // finishes what it started and cleans up (the demo's chain down)
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (e.code === 'EIO') return;
    // anything else (a full disk, a closed descriptor): said in one line, as coreutils do, not as a crash
    process.stderr.write(`chainmail: cannot write the output: ${e.message}\n`);
    process.exit(EXIT_OUTPUT);
  });
  // stderr gone as well: there is no one left to tell
  process.stderr.on('error', () => undefined);
  const given = argv.slice(2);
  // --no-color is the program's, wherever it stands before `--`: no verb has an option of that name
  const end = given.includes('--') ? given.indexOf('--') : given.length;
  const noColour = given.slice(0, end).includes('--no-color');
  setNoColourFlag(noColour);
  const words = noColour ? given.filter((w, i) => i >= end || w !== '--no-color') : given;
  if (words[0] === '__complete') return (await import('./completion.js')).runComplete(words.slice(1));
  const [out, err] = await Promise.all([painter(process.stdout), painter(process.stderr)]);
  const run = (line: string[]) => dispatch(line, out, err);
  if (words.length === 0 || VERBS.includes(words[0]!) || words[0] === 'ui') return run(words);
  return runProgram(words, run);
}

/**
 * Sets the process's exit code, and ends it at once when a signal listener is
 * held to the exit (sys/interrupt.ts: a one-shot `chain up`), once what it
 * wrote has reached its readers: a pipe from a Node parent is a socket,
 * written asynchronously, and exiting before the flush would cut the output
 * short. Otherwise the process ends when its event loop drains, which lets
 * the children it stopped be killed if they outlast their SIGTERM.
 */
export async function exitWhenWritten(code: number): Promise<void> {
  // first: a reader gone meanwhile (EPIPE, above) exits with this code
  process.exitCode = code;
  if (!signalsHeldToExit()) return;
  const written = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
  await Promise.all([written(process.stdout), written(process.stderr)]);
  process.exit(code);
}

async function dispatch(words: string[], out: Painter, err: Painter): Promise<number> {
  // with --json, a failure is reported on stdout as JSON too, so scripts always get a value
  const jsonError = (message: string, exitCode: number) => {
    if (jsonAsked(words)) process.stdout.write(JSON.stringify({ ok: false, error: message, exitCode }) + '\n');
  };
  try {
    if (words.length === 0 || (words.length === 1 && words[0] === 'ui')) {
      if (!process.stdout.isTTY || !process.stdin.isTTY) {
        // no terminal to draw in: show what the UI would show, and say how to get it
        requireNetworkPrivilege();
        const result = await runCommand({ verb: 'ls', json: false }, createContext());
        process.stdout.write(result.lines.join('\n') + '\n\n(chainmail opens its terminal UI when run in a terminal; chainmail help lists the verbs)\n');
        return 0;
      }
      requireNetworkPrivilege();
      const { runUi } = await import('../ui/run-ui.js');
      return runUi();
    }
    const cmd = parseCommand(words);
    // batch, the demo and tutorials run one command after another: a signal after one's last step is the next one's
    if (cmd.verb !== 'batch' && cmd.verb !== 'demo' && cmd.verb !== 'tutorial') processEndsWithCommand();
    if (cmd.verb === 'help') {
      if (cmd.topic !== undefined && cmd.topic !== 'help' && !Object.hasOwn(USAGE, cmd.topic)) {
        throw new ChainmailError(`no help for "${cmd.topic}": verbs are ${VERBS.join(', ')}`, 2);
      }
      process.stdout.write(await helpText(cmd.topic));
      return 0;
    }
    if (needsRoot(cmd)) requireNetworkPrivilege();
    // these hand the terminal to another program, whose exit code is chainmail's
    if (cmd.verb === 'exec') return await (await import('../verbs/exec.js')).runExecAttached(cmd, createContext());
    if (cmd.verb === 'shell') return await (await import('../verbs/shell.js')).runShell(cmd, createContext());
    const result = await runParsed(cmd);
    if (wantsJson(cmd)) {
      process.stdout.write(JSON.stringify(result.json, null, 2) + '\n');
    } else {
      const lines = result.lines.map((l) => (l.startsWith('✗') ? out.red(l) : l.startsWith('✓') ? out.green(l) : l));
      // a verb that printed as it went (capture) has no lines left: no blank line after its output
      if (lines.length) process.stdout.write(lines.join('\n') + '\n');
    }
    return result.exitCode ?? (result.ok ? 0 : 1);
  } catch (e) {
    if (e instanceof ChainmailError) {
      jsonError(e.message, e.exitCode);
      process.stderr.write(`${err.red('chainmail:')} ${e.message}\n`);
      if (e.context.length) process.stderr.write(e.context.join('\n') + '\n');
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    jsonError(`internal error: ${message}`, 70);
    process.stderr.write(`${err.red('chainmail: internal error:')} ${message}\n`);
    if (process.env.CHAINMAIL_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 70;
  }
}

/** demo and tutorial may open the UI, so the entry runs them; every other verb runs in verbs/. */
async function runParsed(cmd: Exclude<Command, { verb: 'help' | 'shell' }>) {
  const ctx = createContext();
  if (cmd.verb === 'demo') return (await import('./demo.js')).runDemo(cmd, ctx);
  if (cmd.verb === 'tutorial') return (await import('./tutorial.js')).runTutorial(cmd, ctx);
  return runCommand(cmd, ctx);
}
