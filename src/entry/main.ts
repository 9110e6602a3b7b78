import { ChainmailError } from '../errors.js';
import { HELP_WORDS, parseCommand, type Command } from '../parse/verbs.js';
import { USAGE, VERBS, verbInfo } from '../parse/verb-table.js';
import { createContext } from '../host/context.js';
import { runCommand, wantsJson } from '../verbs/run.js';
import { requireNetworkPrivilege } from '../sys/privilege.js';

const VERSION = '0.1.0';

/** The two colours the CLI uses. */
interface Painter {
  red(text: string): string;
  green(text: string): string;
}

const PLAIN: Painter = { red: (t) => t, green: (t) => t };

/** Colour only for a terminal, and never when NO_COLOR is set; chalk is loaded only then. */
async function painter(stream: NodeJS.WriteStream): Promise<Painter> {
  const colour = stream.isTTY === true && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  if (!colour) return PLAIN;
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}

export function helpText(topic?: string): string {
  if (topic && Object.hasOwn(USAGE, topic)) {
    return `chainmail ${topic}: ${verbInfo(topic)!.summary}\n\nusage: chainmail ${USAGE[topic]}\n`;
  }
  const width = Math.max(...VERBS.map((v) => v.length));
  return [
    'chainmail: wire and watch container networks',
    '',
    'usage: chainmail                     the terminal UI (also: chainmail ui)',
    '       chainmail VERB ARGS...        (chainmail help VERB for its syntax)',
    '',
    ...VERBS.map((v) => `  ${v.padEnd(width)}  ${verbInfo(v)!.summary}`),
    '',
    'TARGET: NAME | docker NAME | netns NAME | ipnetns NAME | pid PID | /path/to/netns | host',
    'Most verbs take --json. Exit codes: 0 ok, 1 failed (kernel refusal, failed check), 2 bad syntax,',
    '3 target not found or unreachable, 4 not enough privilege.',
    '',
  ].join('\n');
}

/** Runs one command line; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // a reader that stops early (`chainmail ls | head`) is not a failure of ours
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const [out, err] = await Promise.all([painter(process.stdout), painter(process.stderr)]);
  const words = argv.slice(2);
  // a verb (or nothing) goes straight to its own parser: commander would hand every word on
  // unchanged, and need not be loaded for that
  if (words.length === 0 || VERBS.includes(words[0]!) || HELP_WORDS.includes(words[0]!) || words[0] === 'ui') return dispatch(words, out, err);
  const { Command: Program } = await import('commander');
  let exitCode = 0;
  const program = new Program('chainmail')
    .version(VERSION, '-V, --version')
    .enablePositionalOptions()
    .helpOption(false)
    .addHelpCommand(false)
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();
  program
    .argument('[words...]')
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .action(async (words: string[]) => {
      exitCode = await dispatch(words, out, err);
    });
  try {
    await program.parseAsync([...argv], { from: 'node' });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
  return exitCode;
}

async function dispatch(words: string[], out: Painter, err: Painter): Promise<number> {
  // with --json, a failure is reported on stdout as JSON too, so scripts always get a value
  const jsonError = (message: string, exitCode: number) => {
    if (words.includes('--json')) process.stdout.write(JSON.stringify({ ok: false, error: message, exitCode }) + '\n');
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
    if (cmd.verb === 'help') {
      if (cmd.topic !== undefined && cmd.topic !== 'help' && !Object.hasOwn(USAGE, cmd.topic)) {
        throw new ChainmailError(`no help for "${cmd.topic}": verbs are ${VERBS.join(', ')}`, 2);
      }
      process.stdout.write(helpText(cmd.topic));
      return 0;
    }
    if (verbInfo(cmd.verb)?.needsRoot) requireNetworkPrivilege();
    const result = await runParsed(cmd);
    if (wantsJson(cmd)) {
      process.stdout.write(JSON.stringify(result.json, null, 2) + '\n');
    } else {
      const lines = result.lines.map((l) => (l.startsWith('✗') ? out.red(l) : l.startsWith('✓') ? out.green(l) : l));
      process.stdout.write(lines.join('\n') + '\n');
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
async function runParsed(cmd: Exclude<Command, { verb: 'help' }>) {
  const ctx = createContext();
  if (cmd.verb === 'demo') return (await import('./demo.js')).runDemo(cmd, ctx);
  if (cmd.verb === 'tutorial') return (await import('./tutorial.js')).runTutorial(cmd, ctx);
  return runCommand(cmd, ctx);
}
