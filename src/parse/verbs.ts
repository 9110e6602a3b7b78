import { UsageError } from '../errors.js';
import { parseCapture, type CaptureCommand } from './capture.js';
export type { CaptureCommand } from './capture.js';
import { ruleWordProblem } from './iptables-rule.js';
import { parseKoko, type KokoCommand } from './koko.js';
import { parseKoro, type KoroCommand } from './koro.js';
import { USAGE, VERBS, verbInfo } from './verb-table.js';
import { nearestWord } from './nearest.js';
import { describeTarget, expect, parseTargetWords, type TargetSpec } from './target.js';
import { noMore, takeJson } from './verb-words.js';
import {
  parseBatch,
  parseChain,
  parseDemo,
  parseExport,
  parsePingall,
  parseTutorial,
  type BatchCommand,
  type ChainCommand,
  type DemoCommand,
  type ExportCommand,
  type PingallCommand,
  type TutorialCommand,
} from './file-verbs.js';
export type { BatchCommand, ChainCommand, DemoCommand, ExportCommand, PingallCommand, TutorialCommand } from './file-verbs.js';
import { checkInterfaceName, parseInteger, parseIp } from './values.js';

export type ForwardCommand = { verb: 'forward'; target: TargetSpec; setting?: 'on' | 'off'; json: boolean };
export type FwCommand = { verb: 'fw'; target: TargetSpec; action: 'list' | 'add' | 'del'; rule: string[]; json: boolean };
export type LsCommand = { verb: 'ls'; json: boolean };
export type RoutesCommand = { verb: 'routes'; target: TargetSpec; json: boolean };
export type PingCommand = { verb: 'ping'; target: TargetSpec; address: string; count: number; json: boolean };
export type ProbeCommand = { verb: 'probe'; target: TargetSpec; url: string; timeoutMs: number; json: boolean };
/** `exec TARGET -- CMD [ARG...]`: argv is the user's program and its arguments, as given. */
export type ExecCommand = { verb: 'exec'; target: TargetSpec; argv: string[] };
/** `shell TARGET`: an interactive shell there (a terminal's: the UI's s key, or chainmail shell). */
export type ShellCommand = { verb: 'shell'; target: TargetSpec };
export type KillCommand = { verb: 'kill'; target: TargetSpec; json: boolean };
export type HelpCommand = { verb: 'help'; topic?: string };
/** `link TARGET IF down|up`: one end set administratively down or up. */
export type LinkCommand = { verb: 'link'; target: TargetSpec; ifname: string; state: 'down' | 'up'; json: boolean };

export type Command =
  | KokoCommand
  | KoroCommand
  | ForwardCommand
  | FwCommand
  | LsCommand
  | RoutesCommand
  | PingCommand
  | ProbeCommand
  | ExecCommand
  | ShellCommand
  | KillCommand
  | HelpCommand
  | ChainCommand
  | ExportCommand
  | DemoCommand
  | TutorialCommand
  | BatchCommand
  | CaptureCommand
  | LinkCommand
  | PingallCommand;

/** First words that ask for help. */
export const HELP_WORDS: readonly string[] = ['help', '--help', '-h'];

/** Parses a whole command line (without the program name): `koro docker client address add ...`. */
export function parseCommand(words: readonly string[]): Command {
  const [verb, ...rest] = words;
  if (verb === undefined) throw new UsageError(`missing verb: one of ${VERBS.join(', ')}`, { words, index: 0 });
  if (HELP_WORDS.includes(verb)) return { verb: 'help', ...(rest[0] ? { topic: rest[0] } : {}) };
  // the words after `--` are another program's (exec TARGET -- ls --help)
  const own = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if ((own.includes('-h') && verb !== 'fw') || own.includes('--help')) return { verb: 'help', topic: verb };
  const sub = (fn: (w: readonly string[]) => Command): Command => {
    try {
      return fn(formatAsJson(verb, rest));
    } catch (err) {
      // report positions against the whole line, verb included
      if (err instanceof UsageError && err.location) {
        throw new UsageError(err.message, { words: [verb, ...err.location.words], index: err.location.index + 1 }, err.expected);
      }
      throw err;
    }
  };
  switch (verb) {
    case 'koko':
      return sub(parseKoko);
    case 'koro':
      return sub(parseKoro);
    case 'forward':
      return sub(parseForward);
    case 'fw':
      return sub(parseFw);
    case 'ls':
      return sub(parseLs);
    case 'routes':
      return sub(parseRoutes);
    case 'ping':
      return sub(parsePing);
    case 'probe':
      return sub(parseProbe);
    case 'exec':
      return sub(parseExec);
    case 'shell':
      return sub(parseShell);
    case 'kill':
      return sub(parseKill);
    case 'chain':
      return sub(parseChain);
    case 'export':
      return sub(parseExport);
    case 'demo':
      return sub(parseDemo);
    case 'tutorial':
      return sub(parseTutorial);
    case 'batch':
      return sub(parseBatch);
    case 'capture':
      return sub(parseCapture);
    case 'link':
      return sub(parseLink);
    case 'pingall':
      return sub(parsePingall);
    default: {
      const near = nearestVerb(verb);
      throw new UsageError(`unknown verb "${verb}"${near ? ` (did you mean ${near}?)` : ''}; verbs: ${VERBS.join(', ')}`, { words, index: 0 });
    }
  }
}

/**
 * `--format json|table` (containerlab's habit) wherever --json is taken: json
 * becomes --json, table (the default) goes. Words after `--` are left alone.
 * export's own --format (containerlab|mermaid|json|kubernetes) is not this one.
 */
function formatAsJson(verb: string, words: readonly string[]): readonly string[] {
  if (!verbInfo(verb)?.options.includes('--json')) return words;
  const end = words.indexOf('--');
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if ((w !== '--format' && !w.startsWith('--format=')) || (end >= 0 && i > end)) {
      out.push(w);
      continue;
    }
    const value = w === '--format' ? words[++i] : w.slice('--format='.length);
    if (value !== 'json' && value !== 'table') {
      const problem = value === undefined ? '--format needs a value: json or table' : `bad --format "${value}": expected json or table`;
      throw new UsageError(problem, { words, index: i }, USAGE[verb]);
    }
    if (value === 'json') out.push('--json');
  }
  return out;
}

/** Whether a line (verb first) asks for JSON output: --json, or --format json where that means --json. */
export function jsonAsked(words: readonly string[]): boolean {
  if (!verbInfo(words[0] ?? '')?.options.includes('--json')) return words.includes('--json');
  return words.some((w, i) => w === '--json' || w === '--format=json' || (w === '--format' && words[i + 1] === 'json'));
}

/** Whether a parsed command needs root: its verb does, unless this form only reads files (the verb table's rootFree). */
export function needsRoot(cmd: Command): boolean {
  const info = verbInfo(cmd.verb);
  if (!info?.needsRoot) return false;
  return !(info.rootFree?.when(cmd) ?? false);
}

/** The verb at edit distance 1 or 2 (a typo, a swap), if there is exactly one nearest. */
export function nearestVerb(word: string, verbs: readonly string[] = VERBS): string | undefined {
  return nearestWord(word, verbs, 2, { unique: true });
}

function parseForward(input: readonly string[]): ForwardCommand {
  const usage = USAGE.forward!;
  const { words, json } = takeJson(input, usage);
  const { spec, next } = parseTargetWords(words, 0, usage);
  const setting = words[next];
  if (setting !== undefined && setting !== 'on' && setting !== 'off') {
    throw new UsageError(`expected "on" or "off", got "${setting}"`, { words, index: next }, usage);
  }
  noMore(words, next + 1, usage);
  return { verb: 'forward', target: spec, ...(setting ? { setting } : {}), json };
}

function parseFw(input: readonly string[]): FwCommand {
  const usage = USAGE.fw!;
  const json = input.includes('--json');
  const words = input.filter((w) => w !== '--json');
  const { spec, next } = parseTargetWords(words, 0, usage);
  const action = words[next];
  if (action !== 'list' && action !== 'add' && action !== 'del') {
    throw new UsageError(action === undefined ? 'missing "list", "add" or "del"' : `expected "list", "add" or "del", got "${action}"`, { words, index: next }, usage);
  }
  const rule = words.slice(next + 1);
  if (action === 'list') noMore(words, next + 1, usage);
  if (action !== 'list' && rule.length === 0) {
    throw new UsageError(`"fw ${action}" needs a rule (e.g. -p icmp -j DROP)${action === 'del' ? ' or a rule number' : ''}`, { words, index: words.length }, usage);
  }
  rule.forEach((word, i) => {
    const problem = ruleWordProblem(word);
    if (problem) throw new UsageError(problem, { words, index: next + 1 + i }, usage);
  });
  if (action === 'del' && rule.length === 1 && /^\d+$/.test(rule[0]!)) {
    expect(parseInteger(rule[0]!, 1, 100000), words, next + 1, 'bad rule number', usage);
  } else if (rule.length > 0 && !/^(-|!$)/.test(rule[0]!)) {
    // iptables would say "Bad argument" or "Invalid rule number" only after a process and a lock
    const what = action === 'del' ? 'a rule number or a rule' : 'a rule';
    throw new UsageError(`expected ${what} starting with an option (e.g. -p icmp -j DROP), got "${rule[0]}"`, { words, index: next + 1 }, usage);
  }
  return { verb: 'fw', target: spec, action, rule, json };
}

function parseLs(input: readonly string[]): LsCommand {
  const { words, json } = takeJson(input, USAGE.ls!);
  noMore(words, 0, USAGE.ls!);
  return { verb: 'ls', json };
}

function parseRoutes(input: readonly string[]): RoutesCommand {
  const { words, json } = takeJson(input, USAGE.routes!);
  const { spec, next } = parseTargetWords(words, 0, USAGE.routes!);
  noMore(words, next, USAGE.routes!);
  return { verb: 'routes', target: spec, json };
}

function parsePing(input: readonly string[]): PingCommand {
  const usage = USAGE.ping!;
  const { words, json } = takeJson(input, usage, ['--count']);
  const { spec, next } = parseTargetWords(words, 0, usage);
  let count = 3;
  let address: string | undefined;
  for (let i = next; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-c' || w === '--count') {
      count = expect(parseInteger(words[i + 1] ?? '', 1, 1000), words, i + 1, 'bad count', usage);
      i++;
    } else if (/^-c\d+$/.test(w)) {
      count = expect(parseInteger(w.slice(2), 1, 1000), words, i, 'bad count', usage);
    } else if (address === undefined && !w.startsWith('-')) {
      address = expect(parseIp(w), words, i, 'bad address', usage).address;
    } else {
      throw new UsageError(`unexpected "${w}"`, { words, index: i }, usage);
    }
  }
  if (address === undefined) throw new UsageError('missing the address to ping', { words, index: words.length }, usage);
  return { verb: 'ping', target: spec, address, count, json };
}

function parseProbe(input: readonly string[]): ProbeCommand {
  const usage = USAGE.probe!;
  const { words, json } = takeJson(input, usage, ['--timeout']);
  const { spec, next } = parseTargetWords(words, 0, usage);
  let timeoutMs = 5000;
  let url: string | undefined;
  for (let i = next; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--timeout') {
      timeoutMs = expect(parseInteger(words[i + 1] ?? '', 1, 600000), words, i + 1, 'bad --timeout', usage);
      i++;
    } else if (url === undefined) {
      url = checkUrl(w, words, i, usage);
    } else {
      throw new UsageError(`unexpected "${w}"`, { words, index: i }, usage);
    }
  }
  if (url === undefined) throw new UsageError('missing the URL to fetch', { words, index: words.length }, usage);
  return { verb: 'probe', target: spec, url, timeoutMs, json };
}

function checkUrl(text: string, words: readonly string[], index: number, usage: string): string {
  // like curl, a bare address means http://ADDRESS/
  const bare = parseIp(text);
  const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : bare.ok && bare.value.family === 6 ? `http://[${text}]/` : `http://${text}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new UsageError(`bad URL "${text}": expected http://HOST[:PORT]/PATH`, { words, index }, usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`bad URL "${text}": only http and https are supported`, { words, index }, usage);
  }
  return url.toString();
}

function parseExec(words: readonly string[]): ExecCommand {
  const usage = USAGE.exec!;
  const end = words.indexOf('--');
  const { spec, next } = parseTargetWords(end < 0 ? words : words.slice(0, end), 0, usage);
  if (end < 0) {
    const problem = next < words.length ? `expected "--" before the command, got "${words[next]}"` : 'missing "--" and the command to run';
    throw new UsageError(problem, { words, index: next }, usage);
  }
  if (next < end) throw new UsageError(`unexpected "${words[next]}": "--" comes right after the target`, { words, index: next }, usage);
  const argv = words.slice(end + 1);
  if (argv.length === 0 || argv[0] === '') throw new UsageError('missing the command to run after "--"', { words, index: end + 1 }, usage);
  return { verb: 'exec', target: spec, argv };
}

function parseShell(words: readonly string[]): ShellCommand {
  const usage = USAGE.shell!;
  const { spec, next } = parseTargetWords(words, 0, usage);
  if (words[next] === '--') throw new UsageError('shell takes no command: to run one, exec TARGET -- CMD [ARG...]', { words, index: next }, usage);
  noMore(words, next, usage);
  return { verb: 'shell', target: spec };
}

function parseKill(input: readonly string[]): KillCommand {
  const { words, json } = takeJson(input, USAGE.kill!);
  const { spec, next } = parseTargetWords(words, 0, USAGE.kill!);
  noMore(words, next, USAGE.kill!);
  if (spec.kind === 'pid' || spec.kind === 'path' || spec.kind === 'host') {
    throw new UsageError(`kill takes a container or a named network namespace, not ${describeTarget(spec)}`, { words, index: 0 }, USAGE.kill);
  }
  return { verb: 'kill', target: spec, json };
}

function parseLink(input: readonly string[]): LinkCommand {
  const usage = USAGE.link!;
  const { words, json } = takeJson(input, usage);
  const { spec, next } = parseTargetWords(words, 0, usage);
  const ifname = words[next];
  if (ifname === undefined || ifname === 'down' || ifname === 'up') {
    throw new UsageError(`missing the interface: link ${describeTarget(spec)} IF down|up`, { words, index: next }, usage);
  }
  expect(checkInterfaceName(ifname), words, next, 'bad interface', usage);
  const state = words[next + 1];
  if (state !== 'down' && state !== 'up') {
    const problem = state === undefined ? 'missing the state: down or up' : `expected "down" or "up", got "${state}"`;
    throw new UsageError(problem, { words, index: next + 1 }, usage);
  }
  noMore(words, next + 2, usage);
  if (spec.kind === 'host') throw new UsageError('link sets an end inside a container or namespace, not on the host', { words, index: 0 }, usage);
  return { verb: 'link', target: spec, ifname, state, json };
}
