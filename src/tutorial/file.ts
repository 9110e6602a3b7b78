/**
 * Tutorial files: a story told in steps, in YAML.
 *
 *   name: warm-up                          # letters, digits, _ . -
 *   title: Two hosts and a firewall        # one line
 *   intro: |                               # optional: shown before the first step
 *     What this tutorial shows.
 *   setup: warm-up.chain.yaml              # optional: a chain file (relative to this file) brought up first,
 *                                          #   or a list of prompt lines (then cleanup is required)
 *   cleanup: [chain down {setup}]          # optional: prompt lines run at the end (unless --keep);
 *                                          #   the default for a setup chain file is its `chain down`
 *   steps:
 *     - title: Block ICMP
 *       text: |                            # what the step shows; blank lines separate paragraphs
 *         The firewall drops every ping it forwards.
 *       run:                               # prompt lines, run in order (any CLI verb)
 *         - fw wu-firewall add -p icmp -j DROP
 *       check:                             # optional: what must hold after them, one of
 *         ping: { from: wu-test1, to: 10.0.2.2 }          # ICMP echo from a node
 *         # http: { from: sc-client, url: http://10.0.3.2/ } # HTTP GET from a node
 *         # chain: status                                    # `chain status` of the setup chain file
 *         # command: routes wu-test1                         # any prompt line: its success
 *         expect: fail                     # ok (default) | fail
 *         within: 3000                     # ms it may take to come true (default 3000)
 *
 * In any line, {setup} stands for the setup chain file's path. Every line is
 * parsed when the file is read, so a typo is found before anything runs.
 * Mistakes are a TutorialFileError naming the file, the line and the field:
 *   tutorials/x.yaml:12: steps[1].run[0]: unknown verb "kokoo" (did you mean koko?)
 * The field tables below also build the JSON Schema editors use (file-schema.ts,
 * schema/tutorial-file.schema.json).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSeq } from 'yaml';
import { ChainmailError, EXIT_USAGE } from '../errors.js';
import { loadChainFile } from '../chain/file.js';
import { nearestWord } from '../parse/nearest.js';
import { parseCommand } from '../parse/verbs.js';
import { verbInfo } from '../parse/verb-table.js';
import { checkNetnsName } from '../parse/values.js';
import {
  Fields,
  fieldPath,
  isAbsent,
  parseYamlFile,
  readList,
  readText as readYamlText,
  YamlFileError,
  type Field,
  type Source,
  type YamlFileFormat,
} from '../parse/yaml-file.js';
import { readInputFile } from '../sys/input-file.js';
import { toCommandWords } from '../parse/prompt-line.js';
import { checkLine, quoteWord } from './check-line.js';
import { DEFAULT_CHECK_WINDOW_MS, type CheckKind, type Tutorial, type TutorialCheck, type TutorialSetup, type TutorialStep } from './model.js';

export class TutorialFileError extends YamlFileError {}

const TUTORIAL_FILE: YamlFileFormat = {
  kind: 'tutorial',
  error: TutorialFileError,
  nearestField: (key, known) => nearestWord(key, known, 1),
};

/** The built-in tutorials' directory (tutorials/ next to dist/ and src/). */
export const BUILTIN_DIR = fileURLToPath(new URL('../../tutorials/', import.meta.url));

/** The story's order first; any other built-in after them. */
const BUILTIN_ORDER = ['warm-up', 'service-chain', 'failure-repair'];

export function loadTutorial(path: string): Tutorial {
  return parseTutorialText(readInputFile(path, TUTORIAL_FILE.kind), path);
}

/** The built-in tutorials' names, in the story's order. */
export function builtinNames(dir = BUILTIN_DIR): string[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  const names = files.filter((f) => f.endsWith('.yaml') && !f.endsWith('.chain.yaml')).map((f) => f.slice(0, -'.yaml'.length));
  const rank = (n: string) => (BUILTIN_ORDER.includes(n) ? BUILTIN_ORDER.indexOf(n) : BUILTIN_ORDER.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * A built-in's name or a tutorial file's path: a word that names a built-in
 * is one; anything with a slash or a .yaml/.yml ending is a file.
 */
export function resolveTutorialPath(nameOrFile: string, dir = BUILTIN_DIR): string {
  const builtins = builtinNames(dir);
  if (builtins.includes(nameOrFile)) return join(dir, `${nameOrFile}.yaml`);
  if (nameOrFile.includes('/') || /\.ya?ml$/.test(nameOrFile) || existsSync(nameOrFile)) return nameOrFile;
  throw new ChainmailError(
    `no tutorial "${nameOrFile}": the built-in ones are ${builtins.join(', ') || '(none found)'}; or give a file, e.g. ./my-tutorial.yaml`,
    EXIT_USAGE,
  );
}

/** Pure (but for reading a setup chain file to check it): the tutorial a file's text describes. */
export function parseTutorialText(text: string, fileName: string): Tutorial {
  const { source, root } = parseYamlFile(text, fileName, TUTORIAL_FILE);
  return readTutorial(source, root);
}

/** Text that is more than white space. */
const readText = (source: Source, field: Field, what: string) => readYamlText(source, field, what, { refuseBlank: true });

// ---------------------------------------------------------------------------
// The tutorial

export const TUTORIAL_FIELDS = ['name', 'title', 'intro', 'setup', 'cleanup', 'steps'] as const;
const TOP_SHAPE = 'name, title, steps (and optionally intro, setup, cleanup)';

function readTutorial(source: Source, root: unknown): Tutorial {
  if (isAbsent(root)) source.fail(root, '', `the file is empty; a tutorial file has ${TOP_SHAPE}`);
  const top: Field = { node: root, path: '' };
  const fields = new Fields(source, top, TUTORIAL_FIELDS, TOP_SHAPE);
  const nameField = fields.required('name', "the tutorial's name");
  const name = readText(source, nameField, "the tutorial's name");
  const valid = checkNetnsName(name);
  if (!valid.ok)
    source.fail(
      nameField.node,
      nameField.path,
      `${JSON.stringify(name.length > 80 ? `${name.slice(0, 60)}...` : name)} is not a valid name: ${valid.reason.replace('namespace name', 'a name')}`,
    );
  const titleField = fields.required('title', 'one line saying what the tutorial shows');
  const title = readText(source, titleField, 'one line of text');
  if (title.trim().includes('\n')) source.fail(titleField.node, titleField.path, 'must be one line');
  const introField = fields.optional('intro');
  const intro = introField ? readText(source, introField, 'text') : '';

  const setupField = fields.optional('setup');
  const setupFile = setupField && !isSeq(setupField.node) ? readSetupFile(source, setupField) : undefined;
  const lineReader = new Lines(source, setupFile);
  let setup: TutorialSetup | undefined;
  if (setupFile) setup = { kind: 'chain', file: setupFile };
  else if (setupField) {
    const lines = readList(source, setupField, 'prompt lines').map((f) => lineReader.read(f));
    if (lines.length === 0) source.fail(setupField.node, setupField.path, 'is empty; give a chain file or prompt lines');
    setup = { kind: 'lines', lines };
  }

  const cleanupField = fields.optional('cleanup');
  let cleanup: string[];
  if (cleanupField) cleanup = readList(source, cleanupField, 'prompt lines').map((f) => lineReader.read(f));
  else if (setup?.kind === 'lines') source.fail(top.node, 'cleanup', 'missing: when setup is a list of lines, say how to undo them (cleanup: [LINE, ...])');
  else cleanup = setup?.kind === 'chain' ? [`chain down ${quoteWord(setup.file)}`] : [];

  const stepsField = fields.required('steps', 'the list of steps, each { title, text, run, check }');
  const items = readList(source, stepsField, 'steps, each { title, text, run, check }');
  if (items.length === 0) source.fail(stepsField.node, stepsField.path, 'is empty; a tutorial needs at least one step');
  const steps = items.map((item) => readStep(source, item, lineReader, setupFile));
  return { name, title: title.trim(), intro: intro.trim(), file: source.file, ...(setup ? { setup } : {}), cleanup, steps };
}

/** The setup chain file, absolute, checked by the chain loader. */
function readSetupFile(source: Source, field: Field): string {
  const given = readText(source, field, 'a chain file (relative to this file) or a list of prompt lines').trim();
  const file = isAbsolute(given) ? given : resolve(dirname(source.file), given);
  if (!existsSync(file)) source.fail(field.node, field.path, `${given}: no such chain file (looked for ${file})`);
  try {
    loadChainFile(file);
  } catch (err) {
    if (!(err instanceof ChainmailError)) throw err;
    source.fail(field.node, field.path, `${given} is not a good chain file: ${err.message}`);
  }
  return file;
}

export const STEP_FIELDS = ['title', 'text', 'run', 'check'] as const;
const STEP_SHAPE = '{ title, text, run: [LINE, ...], check }';

function readStep(source: Source, item: Field, lines: Lines, setupFile: string | undefined): TutorialStep {
  const fields = new Fields(source, item, STEP_FIELDS, STEP_SHAPE);
  const title = readText(source, fields.required('title', 'a few words naming the step'), 'a few words').trim();
  const textField = fields.optional('text');
  const text = textField ? readText(source, textField, 'text').trim() : '';
  const runField = fields.optional('run');
  const run = runField ? readList(source, runField, 'prompt lines').map((f) => lines.read(f)) : [];
  const checkField = fields.optional('check');
  if (run.length === 0 && !checkField) source.fail(item.node, fieldPath(item.path, 'run'), 'missing: a step runs lines, checks something, or both');
  return { title, text, run, ...(checkField ? { check: readCheck(source, checkField, lines, setupFile) } : {}) };
}

export const CHECK_KINDS = ['ping', 'http', 'chain', 'command'] as const;
export const CHECK_FIELDS = [...CHECK_KINDS, 'expect', 'within'] as const;
export const PING_CHECK_FIELDS = ['from', 'to'] as const;
export const HTTP_CHECK_FIELDS = ['from', 'url'] as const;
const CHECK_SHAPE = '{ ping: { from, to } | http: { from, url } | chain: status | command: LINE, expect: ok | fail, within: MS }';

function readCheck(source: Source, field: Field, lines: Lines, setupFile: string | undefined): TutorialCheck {
  const fields = new Fields(source, field, CHECK_FIELDS, CHECK_SHAPE);
  const given = CHECK_KINDS.filter((k) => fields.optional(k));
  if (given.length === 0) source.fail(field.node, field.path, `says nothing to check: give one of ${CHECK_KINDS.join(', ')}`);
  if (given[1]) {
    const second = fields.optional(given[1])!;
    source.fail(second.node, second.path, `give one of ${given.join(', ')}, not ${given.length === 2 ? 'both' : 'several'}`);
  }
  const kindField = fields.optional(given[0]!)!;
  let kind: CheckKind;
  switch (given[0]!) {
    case 'ping': {
      const parts = new Fields(source, kindField, PING_CHECK_FIELDS, '{ from: NODE, to: ADDRESS }');
      const from = readText(source, parts.required('from', 'the node the ping is sent from'), 'a node').trim();
      const to = readText(source, parts.required('to', 'the address to ping'), 'an address').trim();
      kind = { kind: 'ping', from, to };
      break;
    }
    case 'http': {
      const parts = new Fields(source, kindField, HTTP_CHECK_FIELDS, '{ from: NODE, url: URL }');
      const from = readText(source, parts.required('from', 'the node the request is made from'), 'a node').trim();
      const url = readText(source, parts.required('url', 'the URL to fetch'), 'a URL').trim();
      kind = { kind: 'http', from, url };
      break;
    }
    case 'chain': {
      const what = readText(source, kindField, 'status');
      if (what !== 'status') source.fail(kindField.node, kindField.path, `${JSON.stringify(what)}: the only chain check is "status"`);
      if (!setupFile) source.fail(kindField.node, kindField.path, 'checks the setup chain file, but this tutorial has none (setup: FILE)');
      kind = { kind: 'chain' };
      break;
    }
    case 'command':
      kind = { kind: 'command', line: lines.read(kindField) };
      break;
  }
  // the check runs as a prompt line: make sure that line is a good one
  lines.read(kindField, checkLine(kind, setupFile ?? '/setup.yaml'));
  const expectField = fields.optional('expect');
  const expect = expectField ? readText(source, expectField, 'ok or fail') : 'ok';
  if (expect !== 'ok' && expect !== 'fail') source.fail(expectField!.node, expectField!.path, `${JSON.stringify(expect)} is not ok or fail`);
  const withinField = fields.optional('within');
  let withinMs = DEFAULT_CHECK_WINDOW_MS;
  if (withinField) {
    const text = readText(source, withinField, 'milliseconds (0-60000)');
    withinMs = Number(text);
    if (!/^\d+$/.test(text) || withinMs > 60000) source.fail(withinField.node, withinField.path, `${text} is not milliseconds (0-60000)`);
  }
  return { ...kind, expect, withinMs };
}

// ---------------------------------------------------------------------------
// Prompt lines

/** Reads and checks prompt lines, replacing {setup}. */
class Lines {
  constructor(
    private readonly source: Source,
    private readonly setupFile: string | undefined,
  ) {}

  read(field: Field, given?: string): string {
    const raw = given ?? readText(this.source, field, 'a prompt line, e.g. ping wu-test1 10.0.2.2');
    if (raw.includes('\n')) this.source.fail(field.node, field.path, 'must be one line');
    if (raw.includes('{setup}') && !this.setupFile) {
      this.source.fail(field.node, field.path, "{setup} names the setup chain file, but this tutorial's setup is not one");
    }
    const line = this.setupFile ? raw.replaceAll('{setup}', quoteWord(this.setupFile)) : raw;
    const problem = lineProblem(line);
    if (problem) this.source.fail(field.node, field.path, problem);
    return line.trim();
  }
}

/** Why a line cannot be a tutorial's, or undefined when it is fine. */
export function lineProblem(line: string): string | undefined {
  let words: string[] | undefined;
  try {
    words = toCommandWords(line);
  } catch (err) {
    // the line's fault is a ChainmailError; anything else is chainmail's and must not pass as the file's
    if (!(err instanceof ChainmailError)) throw err;
    return err.message;
  }
  if (!words) return 'is empty or a comment; give a command';
  if (verbInfo(words[0]!)?.scope === 'prompt') return `"${words[0]}" works only at the TUI's prompt; a tutorial also runs without a terminal`;
  let cmd;
  try {
    cmd = parseCommand(words);
  } catch (err) {
    if (!(err instanceof ChainmailError)) throw err;
    return err.message;
  }
  if (cmd.verb === 'help') return '"help" is not a step; say it in the text';
  if (cmd.verb === 'demo' || cmd.verb === 'tutorial') return `"${cmd.verb}" cannot run inside a tutorial`;
  if (cmd.verb === 'shell') return '"shell" waits for a person at the terminal; a step can run exec TARGET -- CMD instead';
  if (cmd.verb === 'chain' && cmd.action === 'heal' && cmd.watch) return '"chain heal --watch" never ends; use chain heal without --watch';
  return undefined;
}
