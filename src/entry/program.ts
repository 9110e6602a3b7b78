/**
 * The program as commander sees it: every verb of the verb table as a
 * command (its summary, usage and group from the table), the help, the
 * version, `--`, completion, and commander's errors in chainmail's form.
 * A line that starts with a verb does not come here (main.ts): it goes
 * straight to the verb's own parser, so pasted koko and koro lines behave
 * exactly as they always have; commander is loaded for the rest.
 */

type Commander = typeof import('commander');

/** commander, loaded on first use: a verb's line never needs it. */
async function commander(): Promise<Commander> {
  return import('commander');
}
import type { Command } from 'commander';
import { USAGE, VERB_TABLE, VERBS, type VerbInfo } from '../parse/verb-table.js';
import { version } from '../sys/version.js';

/** Runs a line of words (verb first) and returns its exit code: main.ts's dispatch. */
export type RunWords = (words: string[]) => Promise<number>;

const SHELL_VERBS = VERB_TABLE.filter((v) => VERBS.includes(v.name));

const FOOTER = [
  'TARGET: NAME | docker NAME | netns NAME | ipnetns NAME | pid PID | /path/to/netns | host',
  'Most verbs take --json (or --format json|table). Exit codes: 0 ok, 1 failed (kernel refusal, failed check),',
  '2 bad syntax, 3 target not found or unreachable, 4 not enough privilege.',
  'Colour: off with --no-color or NO_COLOR=1, off the terminal, and on TERM=dumb; FORCE_COLOR=1|2|3 forces it.',
].join('\n');

/** Who may run a verb: root, any user, or root except the forms that only read files. */
function privilegeLine(v: VerbInfo): string {
  if (!v.needsRoot) return 'runs as any user';
  const root = 'needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN)';
  return v.rootFree ? `${root}, except ${v.rootFree.forms}, which runs as any user` : root;
}

/** `chainmail help VERB` and `chainmail VERB --help`: the summary, the usage, the output options, who may run it. */
function verbHelp(v: VerbInfo): string {
  return [
    `chainmail ${v.name}: ${v.summary}`,
    '',
    `usage: chainmail ${v.usage}`,
    '',
    ...(v.options.includes('--json') ? ['output: --json or --format json for JSON, --format table (the default) for text'] : []),
    ...(v.options.length ? [`options: ${v.options.join(' ')}`] : []),
    privilegeLine(v),
    '',
  ].join('\n');
}

/** Builds the program; `run` is called with the words of the line to run. */
function buildProgram({ Command, Help }: Commander, run: RunWords, exitCode: { value: number }): Command {
  const program = new Command('chainmail');
  const plainHelp = new Help();
  program
    .description('wire and watch container networks. Without a verb, in a terminal: the terminal UI (also: chainmail ui).')
    .usage('[--no-color] [VERB ARGS...]')
    .version(version(), '-V, --version', 'print the version (also -v, chainmail version)')
    .option('--no-color', 'no colours (as NO_COLOR=1)')
    .helpOption('-h, --help', 'this help; chainmail help VERB (or VERB --help) for one verb')
    .helpCommand(false)
    .enablePositionalOptions()
    .passThroughOptions()
    .configureHelp({
      sortSubcommands: false,
      subcommandTerm: (cmd) => cmd.name() + termArguments(cmd.name()),
      formatHelp: (cmd, helper) => {
        const verb = SHELL_VERBS.find((v) => v.name === cmd.name());
        if (cmd !== program && verb) return verbHelp(verb);
        return plainHelp.formatHelp.call(helper, cmd, helper) + '\n' + FOOTER + '\n';
      },
    })
    .configureOutput({
      // commander's own errors in chainmail's form: one line, on stderr
      outputError: (text, write) => write(text.replace(/^error: /, 'chainmail: ')),
    })
    .exitOverride();

  for (const v of SHELL_VERBS) {
    program
      .command(v.name)
      .summary(v.summary)
      .description(v.summary)
      .helpGroup(`${v.group}:`)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .passThroughOptions()
      .argument('[args...]')
      .action(async (args: string[]) => {
        exitCode.value = await run([v.name, ...args]);
      });
  }
  const other = 'other:';
  program
    .command('help')
    .summary("every verb, or one verb's usage")
    .helpGroup(other)
    .argument('[VERB]')
    .action(async (topic?: string) => {
      exitCode.value = await run(['help', ...(topic !== undefined ? [topic] : [])]);
    });
  program
    .command('version')
    .summary('print the version')
    .helpGroup(other)
    .action(() => {
      process.stdout.write(`${version()}\n`);
    });
  program
    .command('completion')
    .summary('a completion script for SHELL: bash, zsh or fish')
    .helpGroup(other)
    .argument('[SHELL]')
    .allowExcessArguments()
    .action(async (shell?: string) => {
      exitCode.value = (await import('./completion.js')).printCompletionScript(shell);
    });
  program.command('ui', { hidden: true }).action(async () => {
    exitCode.value = await run([]);
  });
  // anything else: the verb parser says what is wrong, as it always has (unknown verb, did you mean)
  program
    .argument('[words...]')
    .allowExcessArguments()
    .action(async (words: string[]) => {
      exitCode.value = await run(words);
    });
  return program;
}

/** What the program's list shows after a command's name. */
function termArguments(name: string): string {
  if (name === 'help') return ' [VERB]';
  if (name === 'completion') return ' SHELL';
  return '';
}

/** `chainmail help` (no topic), or one verb's help. */
export async function helpText(topic?: string): Promise<string> {
  if (topic !== undefined && Object.hasOwn(USAGE, topic)) return verbHelp(SHELL_VERBS.find((v) => v.name === topic)!);
  return buildProgram(await commander(), () => Promise.resolve(0), { value: 0 }).helpInformation();
}

/** Runs a line that is not a verb's: help, version, `--`, completion, or an unknown word. */
export async function runProgram(words: readonly string[], run: RunWords): Promise<number> {
  const exitCode = { value: 0 };
  const loaded = await commander();
  const program = buildProgram(loaded, run, exitCode);
  // -v is the version too, as many programs have it (commander takes one short flag)
  const argv = words[0] === '-v' ? ['--version', ...words.slice(1)] : [...words];
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof loaded.CommanderError)) throw e;
    // help and version end with 0; commander's own usage errors are bad syntax, 2, as the verbs' are
    return e.exitCode === 0 ? 0 : 2;
  }
  return exitCode.value;
}
