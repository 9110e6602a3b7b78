import { UsageError } from '../errors.js';
import { parseCapture, type CaptureCommand } from './capture.js';
export type { CaptureCommand } from './capture.js';
import { ruleWordProblem } from './iptables-rule.js';
import { parseKoko, type KokoCommand } from './koko.js';
import { parseKoro, type KoroCommand } from './koro.js';
import { USAGE, VERBS, verbInfo } from './verb-table.js';
import { nearestWord } from './nearest.js';
import { describeTarget, expect, parseTargetWords, type TargetSpec } from './target.js';
import { checkInterfaceName, checkNetnsName, imageProblem, parseInteger, parseIp } from './values.js';

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
/** `pingall [FILE|--live]`: file absent means the live targets. */
export type PingallCommand = { verb: 'pingall'; file?: string; json: boolean };
export type ChainCommand = {
  verb: 'chain';
  action: 'up' | 'status' | 'heal' | 'down';
  file: string;
  dryRun: boolean;
  docker: boolean;
  image?: string;
  policy: 'bypass' | 'reattach';
  watch: boolean;
  /** up, heal: on a failure part-way, keep what this run made (chain down removes it) instead of removing it. */
  keepPartial: boolean;
  json: boolean;
  /** A chain file with hosts: the host whose part this is (`--as HOST`). */
  as?: string;
  /** heal across hosts: nodes on other hosts that died (`--dead NODE,...`). */
  dead?: string[];
};
export type ExportCommand = {
  verb: 'export';
  file?: string;
  live: boolean;
  format: 'containerlab' | 'mermaid' | 'json' | 'kubernetes';
  image?: string;
  /** A chain across hosts, for containerlab: only this host's lab. */
  as?: string;
};
export type DemoCommand = { verb: 'demo'; docker: boolean; keep: boolean };
/** `batch FILE|-`: prompt lines run in one process; file is "-" for standard input. */
export type BatchCommand = { verb: 'batch'; file: string; force: boolean; json: boolean };
/** `tutorial` alone lists the built-in tutorials; delayMs is undefined unless --delay was given. */
export type TutorialCommand = { verb: 'tutorial'; tutorial?: string; auto: boolean; delayMs?: number; keep: boolean };

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

/** Splits off --json (and checks no other long option slipped in). */
function takeJson(words: readonly string[], usage: string, allowed: readonly string[] = []): { words: string[]; json: boolean } {
  const json = words.includes('--json');
  const kept = words.filter((w) => w !== '--json');
  const badIndex = kept.findIndex((w) => w.startsWith('--') && !allowed.includes(w));
  if (badIndex >= 0) throw new UsageError(`unknown option "${kept[badIndex]}"`, { words: kept, index: badIndex }, usage);
  return { words: kept, json };
}

function noMore(words: readonly string[], index: number, usage: string): void {
  if (index < words.length) throw new UsageError(`unexpected "${words[index]}"`, { words, index }, usage);
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

/** Reads `--name VALUE` / `--name=VALUE` options and flags; returns the other words. */
function takeOptions(
  words: readonly string[],
  usage: string,
  flags: readonly string[],
  valued: readonly string[],
): { rest: string[]; flags: Set<string>; values: Map<string, { value: string; index: number }> } {
  const rest: string[] = [];
  const found = new Set<string>();
  const values = new Map<string, { value: string; index: number }>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // `--` ends the options: a file named -odd.yaml can follow it
    if (w === '--') {
      rest.push(...words.slice(i + 1));
      break;
    }
    const [name, inline] = w.startsWith('--') ? [w.split('=')[0]!, w.includes('=') ? w.slice(w.indexOf('=') + 1) : undefined] : [w, undefined];
    if (flags.includes(name) && inline === undefined) found.add(name);
    else if (valued.includes(name)) {
      const value = inline ?? words[i + 1];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw new UsageError(`${name} needs a value`, { words, index: i + 1 }, usage);
      }
      values.set(name, { value, index: inline === undefined ? i + 1 : i });
      if (inline === undefined) i++;
    } else if (w.startsWith('-') && w !== '-') throw new UsageError(`unknown option "${w}"`, { words, index: i }, usage);
    else rest.push(w);
  }
  return { rest, flags: found, values };
}

function parseChain(input: readonly string[]): ChainCommand {
  const usage = USAGE.chain!;
  const action = input[0];
  if (action !== 'up' && action !== 'status' && action !== 'heal' && action !== 'down') {
    throw new UsageError(
      action === undefined ? 'missing action: up, status, heal or down' : `expected up, status, heal or down, got "${action}"`,
      { words: input, index: 0 },
      usage,
    );
  }
  const allowed: Record<typeof action, [string[], string[]]> = {
    up: [
      ['--dry-run', '--docker', '--keep-partial', '--json'],
      ['--image', '--as'],
    ],
    status: [['--json', '--docker'], ['--as']],
    heal: [
      ['--watch', '--docker', '--keep-partial', '--json'],
      ['--policy', '--as', '--dead'],
    ],
    down: [['--json'], ['--as']],
  };
  const [flags, valued] = allowed[action];
  const { rest, flags: found, values } = takeOptions(input.slice(1), usage, flags, valued);
  if (rest.length === 0) throw new UsageError(`chain ${action} needs a chain file`, { words: input, index: input.length }, usage);
  if (rest.length > 1) throw new UsageError(`unexpected "${rest[1]}": one chain file at a time`, { words: input, index: input.indexOf(rest[1]!) }, usage);
  const policy = values.get('--policy')?.value ?? 'bypass';
  if (policy !== 'bypass' && policy !== 'reattach') {
    throw new UsageError(`bad --policy "${policy}": expected bypass or reattach`, { words: input, index: values.get('--policy')!.index + 1 }, usage);
  }
  const image = values.get('--image')?.value;
  if (image !== undefined) {
    const problem = imageProblem(image);
    if (problem) throw new UsageError(`bad --image: ${problem}`, { words: input, index: values.get('--image')!.index }, usage);
  }
  const as = values.get('--as')?.value;
  if (as !== undefined) {
    const valid = checkNetnsName(as);
    if (!valid.ok)
      throw new UsageError(`bad --as "${as}": ${valid.reason.replace('namespace name', 'host name')}`, { words: input, index: values.get('--as')!.index + 1 }, usage);
  }
  return {
    verb: 'chain',
    action,
    file: rest[0]!,
    ...(as !== undefined ? { as } : {}),
    ...(values.has('--dead') ? { dead: values.get('--dead')!.value.split(',').filter(Boolean) } : {}),
    dryRun: found.has('--dry-run'),
    docker: found.has('--docker') || image !== undefined,
    ...(image !== undefined ? { image } : {}),
    policy,
    watch: found.has('--watch'),
    keepPartial: found.has('--keep-partial'),
    json: found.has('--json'),
  };
}

function parseExport(input: readonly string[]): ExportCommand {
  const usage = USAGE.export!;
  const { rest, flags, values } = takeOptions(input, usage, ['--live'], ['--format', '--image', '--as']);
  const format = values.get('--format')?.value;
  if (format !== 'containerlab' && format !== 'mermaid' && format !== 'json' && format !== 'kubernetes') {
    throw new UsageError(
      format === undefined ? 'missing --format containerlab|mermaid|json|kubernetes' : `bad --format "${format}": expected containerlab, mermaid, json or kubernetes`,
      { words: input, index: format === undefined ? input.length : values.get('--format')!.index },
      usage,
    );
  }
  const live = flags.has('--live');
  if (live === rest.length > 0) throw new UsageError('give a chain file or --live (one of them)', { words: input, index: 0 }, usage);
  if (rest.length > 1) throw new UsageError(`unexpected "${rest[1]}"`, { words: input, index: input.indexOf(rest[1]!) }, usage);
  // pods are made from a chain's nodes; the live host has links, not pods to make
  if (live && format === 'kubernetes')
    throw new UsageError('--format kubernetes exports a chain file, not --live', { words: input, index: input.indexOf('--live') }, usage);
  const image = values.get('--image');
  if (image !== undefined) {
    // only containerlab and kubernetes name images; a flag another format would drop is refused, not ignored
    const index = input.findIndex((w) => w === '--image' || w.startsWith('--image='));
    if (format !== 'containerlab' && format !== 'kubernetes') {
      throw new UsageError(`--image is for --format containerlab or kubernetes only, not ${format}`, { words: input, index }, usage);
    }
    const problem = imageProblem(image.value);
    if (problem) throw new UsageError(`bad --image: ${problem}`, { words: input, index: image.index }, usage);
  }
  const as = values.get('--as');
  if (as !== undefined && (live || format !== 'containerlab')) {
    throw new UsageError('--as is for a chain file across hosts, with --format containerlab', { words: input, index: as.index }, usage);
  }
  return {
    verb: 'export',
    live,
    format,
    ...(rest[0] ? { file: rest[0] } : {}),
    ...(image !== undefined ? { image: image.value } : {}),
    ...(as !== undefined ? { as: as.value } : {}),
  };
}

function parseDemo(input: readonly string[]): DemoCommand {
  const { rest, flags } = takeOptions(input, USAGE.demo!, ['--docker', '--keep'], []);
  noMore(rest, 0, USAGE.demo!);
  return { verb: 'demo', docker: flags.has('--docker'), keep: flags.has('--keep') };
}

function parseBatch(input: readonly string[]): BatchCommand {
  const usage = USAGE.batch!;
  const { words, json } = takeJson(input, usage, ['--force']);
  const force = words.includes('--force');
  const rest = words.filter((w) => w !== '--force');
  const option = rest.findIndex((w) => w.startsWith('-') && w !== '-');
  if (option >= 0) throw new UsageError(`unknown option "${rest[option]}"`, { words: rest, index: option }, usage);
  if (rest.length === 0) throw new UsageError('batch needs a file of prompt lines, or - for standard input', { words: input, index: input.length }, usage);
  noMore(rest, 1, usage);
  return { verb: 'batch', file: rest[0]!, force, json };
}

function parseTutorial(input: readonly string[]): TutorialCommand {
  const usage = USAGE.tutorial!;
  const { rest, flags, values } = takeOptions(input, usage, ['--auto', '--keep'], ['--delay']);
  if (rest.length > 1) throw new UsageError(`unexpected "${rest[1]}": one tutorial at a time`, { words: input, index: input.indexOf(rest[1]!) }, usage);
  const delay = values.get('--delay');
  const delayMs = delay ? expect(parseInteger(delay.value, 0, 600000), input, delay.index, 'bad --delay', usage) : undefined;
  return {
    verb: 'tutorial',
    ...(rest[0] !== undefined ? { tutorial: rest[0] } : {}),
    auto: flags.has('--auto'),
    ...(delayMs !== undefined ? { delayMs } : {}),
    keep: flags.has('--keep'),
  };
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

function parsePingall(input: readonly string[]): PingallCommand {
  const usage = USAGE.pingall!;
  const { rest, flags } = takeOptions(input, usage, ['--live', '--json'], []);
  if (flags.has('--live') && rest.length > 0) throw new UsageError('give a chain file or --live, not both', { words: input, index: input.indexOf(rest[0]!) }, usage);
  noMore(rest, 1, usage);
  return { verb: 'pingall', ...(rest[0] !== undefined ? { file: rest[0] } : {}), json: flags.has('--json') };
}
