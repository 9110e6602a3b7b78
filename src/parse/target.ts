import { UsageError } from '../errors.js';
import { checkContainerName, checkNamespacePath, checkNetnsName, parseInteger, type Parsed } from './values.js';

/** Where an operation happens, as the user named it (not yet resolved). */
export type TargetSpec =
  | { kind: 'docker'; name: string }
  | { kind: 'netns'; name: string }
  | { kind: 'pid'; pid: number }
  | { kind: 'path'; path: string }
  | { kind: 'host' }
  /** A bare name: a container or a named namespace, whichever exists. */
  | { kind: 'auto'; name: string };

export const TARGET_FORM = 'NAME | docker NAME | netns NAME | ipnetns NAME | pid PID | /ns/path | host';
export const KORO_TARGET_FORM = 'docker NAME | netns NAME | ipnetns NAME | pid PID';

export function describeTarget(spec: TargetSpec): string {
  switch (spec.kind) {
    case 'docker':
      return `docker ${spec.name}`;
    case 'netns':
      return `netns ${spec.name}`;
    case 'pid':
      return `pid ${spec.pid}`;
    case 'path':
      return spec.path;
    case 'host':
      return 'host';
    case 'auto':
      return spec.name;
  }
}

export function dockerTarget(name: string): Parsed<TargetSpec> {
  const c = checkContainerName(name);
  return c.ok ? { ok: true, value: { kind: 'docker', name: c.value } } : c;
}

/** `netns` accepts an `ip netns` name or, as koko and koro do, a path. */
export function netnsTarget(nameOrPath: string): Parsed<TargetSpec> {
  if (nameOrPath.startsWith('/')) return pathTarget(nameOrPath);
  const c = checkNetnsName(nameOrPath);
  return c.ok ? { ok: true, value: { kind: 'netns', name: c.value } } : c;
}

export function pidTarget(text: string): Parsed<TargetSpec> {
  const n = parseInteger(text, 1, 4194304);
  return n.ok ? { ok: true, value: { kind: 'pid', pid: n.value } } : { ok: false, reason: `pid ${n.reason}` };
}

export function pathTarget(path: string): Parsed<TargetSpec> {
  const c = checkNamespacePath(path);
  return c.ok ? { ok: true, value: { kind: 'path', path: c.value } } : c;
}

const KEYWORDS: Record<string, (value: string) => Parsed<TargetSpec>> = {
  docker: dockerTarget,
  netns: netnsTarget,
  ipnetns: netnsTarget,
  pid: pidTarget,
};

export interface TargetParse {
  spec: TargetSpec;
  /** Index of the first word after the target. */
  next: number;
}

/** koro's NS_SPEC: exactly `docker NAME | netns NAME | ipnetns NAME | pid PID`. */
export function isTargetKeyword(word: string | undefined): boolean {
  return word !== undefined && Object.hasOwn(KEYWORDS, word);
}

/**
 * Reads a target starting at words[i], in any of the forms chainmail accepts:
 * `docker NAME` (two words, as koro), `docker:NAME`, `pid 42`, `pid:42`,
 * `/proc/42/ns/net`, `host`, or a bare NAME resolved later.
 */
export function parseTargetWords(words: readonly string[], i: number, usage: string): TargetParse {
  const word = words[i];
  if (word === undefined || word === '') {
    throw new UsageError(`missing target (${TARGET_FORM})`, { words, index: i }, usage);
  }
  const keyword = Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
  if (keyword) {
    const value = words[i + 1];
    if (value === undefined) {
      throw new UsageError(`"${word}" needs a name after it`, { words, index: i + 1 }, usage);
    }
    return { spec: expect(keyword(value), words, i + 1, `bad ${word} target`, usage), next: i + 2 };
  }
  const colon = word.indexOf(':');
  if (colon > 0 && Object.hasOwn(KEYWORDS, word.slice(0, colon))) {
    const kw = word.slice(0, colon);
    return { spec: expect(KEYWORDS[kw]!(word.slice(colon + 1)), words, i, `bad ${kw} target`, usage), next: i + 1 };
  }
  if (word.startsWith('/')) return { spec: expect(pathTarget(word), words, i, 'bad namespace path', usage), next: i + 1 };
  if (word === 'host') return { spec: { kind: 'host' }, next: i + 1 };
  if (word.startsWith('-')) {
    throw new UsageError(`expected a target, got option "${word}"`, { words, index: i }, usage);
  }
  // a bare name must be valid as a container name or a namespace name
  const asNetns = checkNetnsName(word);
  const asContainer = checkContainerName(word);
  if (!asNetns.ok && !asContainer.ok) {
    throw new UsageError(`bad target "${word}": ${asNetns.reason}`, { words, index: i }, usage);
  }
  return { spec: { kind: 'auto', name: word }, next: i + 1 };
}

export function expect<T>(parsed: Parsed<T>, words: readonly string[], index: number, what: string, usage: string): T {
  if (parsed.ok) return parsed.value;
  throw new UsageError(`${what} "${words[index] ?? ''}": ${parsed.reason}`, { words, index }, usage);
}
