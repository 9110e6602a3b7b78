// The parsers of the verbs that take a file (or --live) rather than a target: chain, export,
// pingall, batch, tutorial and demo. verbs.ts dispatches to them.
import { UsageError } from '../errors.js';
import { expect } from './target.js';
import { USAGE } from './verb-table.js';
import { noMore, takeJson, takeOptions } from './verb-words.js';
import { checkNetnsName, imageProblem, parseInteger } from './values.js';

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

/** `pingall [FILE|--live]`: file absent means the live targets. */
export type PingallCommand = { verb: 'pingall'; file?: string; json: boolean };

export function parseChain(input: readonly string[]): ChainCommand {
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

export function parseExport(input: readonly string[]): ExportCommand {
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

export function parseDemo(input: readonly string[]): DemoCommand {
  const { rest, flags } = takeOptions(input, USAGE.demo!, ['--docker', '--keep'], []);
  noMore(rest, 0, USAGE.demo!);
  return { verb: 'demo', docker: flags.has('--docker'), keep: flags.has('--keep') };
}

export function parseBatch(input: readonly string[]): BatchCommand {
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

export function parseTutorial(input: readonly string[]): TutorialCommand {
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

export function parsePingall(input: readonly string[]): PingallCommand {
  const usage = USAGE.pingall!;
  const { rest, flags } = takeOptions(input, usage, ['--live', '--json'], []);
  if (flags.has('--live') && rest.length > 0) throw new UsageError('give a chain file or --live, not both', { words: input, index: input.indexOf(rest[0]!) }, usage);
  noMore(rest, 1, usage);
  return { verb: 'pingall', ...(rest[0] !== undefined ? { file: rest[0] } : {}), json: flags.has('--json') };
}
