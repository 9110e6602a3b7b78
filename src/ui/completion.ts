/**
 * Tab completion for the prompt. Each verb has a rule that, given the words
 * before the cursor, says what the word being typed may become (an Offer);
 * `complete` then matches the typed prefix against it, readline style: one
 * match is inserted whole, several are narrowed to their common prefix and
 * listed.
 */
import { PROMPT_VERBS, verbInfo } from '../parse/verb-table.js';

export interface CompletionContext {
  /** Container and namespace names, in the order they are listed. */
  targets: string[];
  /** Interface names by target name ("host" for the host's own namespace). */
  interfaces: Record<string, string[]>;
}

export interface Completion {
  line: string;
  cursor: number;
  /** The matches when there are several (to show); empty otherwise. */
  candidates: string[];
}

/** What may stand in the word being completed. */
interface Offer {
  candidates: readonly string[];
  /** The start of the word that is kept as typed, e.g. "client," in a koko endpoint. */
  settled?: string;
  /** What follows a unique match: a space unless said otherwise. */
  end?: string;
}

/** args: the words after the verb and before the word being completed. */
type Rule = (args: readonly string[], partial: string, ctx: CompletionContext) => Offer;

const NOTHING: Offer = { candidates: [] };
const offer = (candidates: readonly string[]): Offer => ({ candidates });

/** koro's and every TARGET's keyword forms: `docker NAME`, `pid 42`. */
const TARGET_KEYWORDS = ['docker', 'netns', 'ipnetns', 'pid'];

// ---- verbs that are a plain sequence of slots ----

/** A slot is a target (one word, or two in the keyword form) or one of a few words. */
const TARGET = 'target';
type Slot = typeof TARGET | readonly string[];

function slots(...list: Slot[]): Rule {
  return (args, _partial, ctx) => {
    let i = 0;
    for (const slot of list) {
      if (slot !== TARGET) {
        if (i === args.length) return offer(slot);
        i++;
        continue;
      }
      if (i === args.length) return offer(ctx.targets);
      if (TARGET_KEYWORDS.includes(args[i]!)) {
        if (i + 1 === args.length) return args[i] === 'pid' ? NOTHING : offer(ctx.targets);
        i += 2;
      } else {
        i++;
      }
    }
    return NOTHING;
  };
}

// ---- koro TARGET address|route add|del|show [DESTINATION] [via GW] [dev IF] ----

const KORO_OBJECTS = ['address', 'route'];
const KORO_ACTIONS = ['add', 'del', 'show'];
/** The keywords each form takes after its destination. */
const KORO_KEYWORDS: Record<string, readonly string[]> = {
  'address add': ['dev'],
  'address del': ['dev'],
  'address show': ['dev'],
  'route add': ['via', 'dev'],
  'route del': ['via', 'dev'],
  'route show': [],
};

const koro: Rule = (args, _partial, ctx) => {
  const [first, second] = args;
  if (first === undefined) return offer([...TARGET_KEYWORDS, ...KORO_OBJECTS, ...ctx.targets]);
  // without a target koro works on the host; a bare NAME is chainmail's addition
  if (KORO_OBJECTS.includes(first)) return koroAfterTarget(args, 'host', ctx);
  if (!TARGET_KEYWORDS.includes(first)) return koroAfterTarget(args.slice(1), first, ctx);
  if (second === undefined) return first === 'pid' ? NOTHING : offer(ctx.targets);
  return koroAfterTarget(args.slice(2), second, ctx);
};

function koroAfterTarget(rest: readonly string[], target: string, ctx: CompletionContext): Offer {
  const [object, action] = rest;
  if (object === undefined) return offer(KORO_OBJECTS);
  if (action === undefined) return offer(KORO_ACTIONS);
  const keywords = KORO_KEYWORDS[`${object} ${action}`] ?? [];
  const pairsFrom = action === 'show' ? 2 : 3;
  if (rest.length < pairsFrom) return object === 'route' ? offer(['default']) : NOTHING;
  const pairs = rest.slice(pairsFrom);
  if (pairs.length % 2 === 0) {
    const used = pairs.filter((_, i) => i % 2 === 0);
    return offer(keywords.filter((k) => !used.includes(k)));
  }
  return pairs.at(-1) === 'dev' ? offer(interfacesOf(ctx, target)) : NOTHING;
}

// ---- koko: options whose values are TARGET,IF[,...] ----

const KOKO_FLAGS = ['-d', '-n', '-p', '-a', '-c', '-D', '-N', '-P', '-A', '-C', '-x', '-V', '-M', '--mtu'];
/** The flags whose value starts with a container or namespace name. */
const KOKO_NAMED_FLAGS = ['-d', '-n', '-D', '-N'];

const koko: Rule = (args, partial, ctx) => {
  const flag = args.at(-1);
  if (flag !== undefined && KOKO_NAMED_FLAGS.includes(flag)) return kokoEndpoint(partial, ctx);
  // a PID, a path, a parent interface or a number follows the other flags
  if (flag !== undefined && KOKO_FLAGS.includes(flag)) return NOTHING;
  return offer(KOKO_FLAGS);
};

/** `client` -> `client,`; `client,l` -> `client,link1`; nothing for addresses after that. */
function kokoEndpoint(partial: string, ctx: CompletionContext): Offer {
  const pieces = partial.split(',');
  if (pieces.length === 1) return { candidates: ctx.targets, end: ',' };
  if (pieces.length > 2) return NOTHING;
  return { candidates: interfacesOf(ctx, pieces[0]!), settled: pieces[0] + ',' };
}

// ---- link TARGET IF down|up ----

const link: Rule = (args, _partial, ctx) => {
  if (args.length === 0) return offer(ctx.targets);
  const keyword = TARGET_KEYWORDS.includes(args[0]!);
  if (keyword && args.length === 1) return args[0] === 'pid' ? NOTHING : offer(ctx.targets);
  const rest = args.slice(keyword ? 2 : 1);
  if (rest.length === 0) return offer(interfacesOf(ctx, keyword ? args[1]! : args[0]!));
  return rest.length === 1 ? offer(['down', 'up']) : NOTHING;
};

// ---- the table ----

const RULES: Record<string, Rule> = {
  koko,
  koro,
  forward: slots(TARGET, ['on', 'off']),
  fw: slots(TARGET, ['list', 'add', 'del']),
  routes: slots(TARGET),
  ping: slots(TARGET),
  probe: slots(TARGET),
  kill: slots(TARGET),
  link,
  watch: slots(['ping', 'http'], TARGET),
  unwatch: slots(['all']),
  docker: slots(['kill'], TARGET),
  help: slots(PROMPT_VERBS),
};

function offerFor(before: readonly string[], partial: string, ctx: CompletionContext): Offer {
  const [verb, ...args] = before;
  if (verb === undefined) return offer(PROMPT_VERBS);
  // long options come from the verb table, wherever a word starting with -- is typed
  const options = verbInfo(verb)?.options ?? [];
  if (!Object.hasOwn(RULES, verb) && options.length === 0) return NOTHING;
  if (partial.startsWith('--')) return offer(options);
  return RULES[verb]?.(args, partial, ctx) ?? NOTHING;
}

/**
 * The whole words that may stand where `partial` is typed after `before`:
 * the shell's completion (entry/completion.ts) edits no line, it lists. A
 * word that goes on (`client,` in a koko endpoint) ends in its separator.
 */
export function wordsFor(before: readonly string[], partial: string, ctx: CompletionContext): string[] {
  const { candidates, settled = '', end = ' ' } = offerFor(before, partial, ctx);
  const typed = partial.slice(settled.length);
  const tail = end === ' ' ? '' : end;
  return [...new Set(candidates)].filter((c) => c.startsWith(typed)).map((c) => settled + c + tail);
}

/** Completes the word that ends at `cursor`. */
export function complete(line: string, cursor: number, ctx: CompletionContext): Completion {
  const start = wordStart(line, cursor);
  const partial = line.slice(start, cursor);
  const before = line
    .slice(0, start)
    .split(/\s+/)
    .filter((w) => w !== '');
  const { candidates, settled = '', end = ' ' } = offerFor(before, partial, ctx);
  const typed = partial.slice(settled.length);
  const matches = [...new Set(candidates)].filter((c) => c.startsWith(typed));
  if (matches.length === 0) return { line, cursor, candidates: [] };

  const unique = matches.length === 1;
  const word = settled + (unique ? matches[0]! : commonPrefix(matches));
  const after = line.slice(cursor);
  // a unique match ends its word, unless the separator is already there
  const insertEnd = unique && !after.startsWith(end) ? end : '';
  const skipEnd = unique && after.startsWith(end) ? end.length : 0;
  const head = line.slice(0, start) + word + insertEnd;
  return { line: head + after, cursor: head.length + skipEnd, candidates: unique ? [] : matches };
}

function wordStart(line: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && !/\s/.test(line[i - 1]!)) i--;
  return i;
}

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) {
    while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

function interfacesOf(ctx: CompletionContext, target: string): readonly string[] {
  return Object.hasOwn(ctx.interfaces, target) ? ctx.interfaces[target]! : [];
}
