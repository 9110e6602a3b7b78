import { UsageError } from '../errors.js';
import { isTargetKeyword, KORO_TARGET_FORM, parseTargetWords, type TargetSpec } from './target.js';
import { checkInterfaceName, formatCidr, networkOf, parseCidr, parseIp, type Cidr } from './values.js';

/** A route destination: a prefix, or the default route of a family. */
export type RouteDestination = { kind: 'prefix'; prefix: Cidr } | { kind: 'default'; family: 4 | 6 };

export type KoroCommand =
  | { verb: 'koro'; target: TargetSpec; object: 'address'; action: 'add' | 'del'; address: Cidr; dev: string; json: boolean }
  | { verb: 'koro'; target: TargetSpec; object: 'address'; action: 'show'; dev?: string; json: boolean }
  | { verb: 'koro'; target: TargetSpec; object: 'route'; action: 'add' | 'del'; destination: RouteDestination; via?: string; dev?: string; json: boolean }
  | { verb: 'koro'; target: TargetSpec; object: 'route'; action: 'show'; json: boolean };

export const KORO_ADDRESS_USAGE = 'koro TARGET address add|del CIDR dev IF [--json]   |   koro TARGET address show [dev IF] [--json]';
export const KORO_ROUTE_USAGE = 'koro TARGET route add|del PREFIX|default [via GW] [dev IF] [--json]   |   koro TARGET route show [--json]';
export const KORO_USAGE = `${KORO_ADDRESS_USAGE}\n         ${KORO_ROUTE_USAGE}\n         TARGET = docker NAME | netns NAME | ipnetns NAME | pid PID | NAME`;

export function formatDestination(d: RouteDestination): string {
  return d.kind === 'default' ? 'default' : formatCidr(d.prefix);
}

/** Parses the words after `koro`, e.g. `docker client route add default via 10.0.1.2 dev link1`. */
export function parseKoro(inputWords: readonly string[]): KoroCommand {
  const json = inputWords.includes('--json');
  const words = inputWords.filter((w) => w !== '--json');
  function fail(message: string, index: number, usage = KORO_USAGE): never {
    throw new UsageError(message, { words, index }, usage);
  }

  // koro without a namespace works on the current one; a bare NAME is chainmail's addition
  let target: TargetSpec = { kind: 'host' };
  let i = 0;
  if (words[0] !== 'address' && words[0] !== 'route') {
    if (words[0] === undefined) fail('missing target: koro TARGET address|route ...', 0);
    if (!isTargetKeyword(words[0]) && words[0].startsWith('-')) fail(`unknown option "${words[0]}"`, 0);
    const t = parseTargetWords(words, 0, KORO_USAGE);
    target = t.spec;
    i = t.next;
  }

  const object = words[i];
  if (target.kind === 'auto' && (words[2] === 'address' || words[2] === 'route')) {
    fail(`unknown target kind "${words[0]}": expected ${KORO_TARGET_FORM}`, 0);
  }
  if (object !== 'address' && object !== 'route') {
    if (object === undefined) fail('missing "address" or "route" after the target', i);
    fail(`expected "address" or "route", got "${object}"`, i);
  }
  const usage = object === 'address' ? KORO_ADDRESS_USAGE : KORO_ROUTE_USAGE;
  const action = words[i + 1];
  if (action !== 'add' && action !== 'del' && action !== 'show') {
    if (action === undefined) fail(`missing action after "${object}": add, del or show`, i + 1, usage);
    fail(`expected "add", "del" or "show" after "${object}", got "${action}"`, i + 1, usage);
  }
  i += 2;

  // the rest: [DESTINATION] then keyword/value pairs (via, dev), each at most once
  let destinationWord: number | undefined;
  if (action !== 'show') {
    if (words[i] === undefined) fail(object === 'address' ? 'missing the address (CIDR, e.g. 10.0.1.1/24)' : 'missing the destination (PREFIX or default)', i, usage);
    destinationWord = i;
    i++;
  }
  const options: { via?: { value: string; index: number }; dev?: { value: string; index: number } } = {};
  const allowed = object === 'address' ? ['dev'] : action === 'show' ? [] : ['via', 'dev'];
  for (; i < words.length; i += 2) {
    const key = words[i]!;
    if (!allowed.includes(key)) {
      if (allowed.length === 0) fail(`unexpected "${key}": ${object} show takes no arguments`, i, usage);
      fail(`expected ${allowed.map((k) => `"${k}"`).join(' or ')}, got "${key}"`, i, usage);
    }
    const value = words[i + 1];
    if (value === undefined) fail(`"${key}" needs a value`, i + 1, usage);
    if (options[key as 'via' | 'dev']) fail(`"${key}" given twice`, i, usage);
    options[key as 'via' | 'dev'] = { value, index: i + 1 };
  }
  if (options.dev) {
    const name = checkInterfaceName(options.dev.value);
    if (!name.ok) fail(`bad interface name "${options.dev.value}": ${name.reason}`, options.dev.index, usage);
  }

  if (object === 'address') {
    if (action === 'show') return { verb: 'koro', target, object, action, json, ...(options.dev ? { dev: options.dev.value } : {}) };
    const text = words[destinationWord!]!;
    const cidr = parseCidr(text);
    if (!cidr.ok) fail(`bad address "${text}": ${cidr.reason}`, destinationWord!, usage);
    if (!options.dev) fail('missing "dev IF": an address goes on an interface', words.length, usage);
    return { verb: 'koro', target, object, action, address: cidr.value, dev: options.dev.value, json };
  }

  if (action === 'show') return { verb: 'koro', target, object, action, json };
  const via = options.via ? parseIp(options.via.value) : undefined;
  if (via && !via.ok) fail(`bad gateway "${options.via!.value}": ${via.reason}`, options.via!.index, usage);
  const destination = parseDestination(words, destinationWord!, via?.ok ? via.value.family : undefined, usage);
  const family = destination.kind === 'default' ? destination.family : destination.prefix.family;
  if (via?.ok && via.value.family !== family) {
    fail(`gateway ${options.via!.value} is IPv${via.value.family} but the destination is IPv${family}`, options.via!.index, usage);
  }
  if (action === 'add' && !options.via && !options.dev) fail('a route needs "via GW", "dev IF" or both', words.length, usage);
  return {
    verb: 'koro',
    target,
    object,
    action,
    destination,
    ...(via?.ok ? { via: via.value.address } : {}),
    ...(options.dev ? { dev: options.dev.value } : {}),
    json,
  };
}

function parseDestination(words: readonly string[], index: number, viaFamily: 4 | 6 | undefined, usage: string): RouteDestination {
  const text = words[index]!;
  if (text === 'default') return { kind: 'default', family: viaFamily ?? 4 };
  // a bare address means a host route, as in iproute2
  const bare = parseIp(text);
  const cidr = bare.ok ? parseCidr(`${text}/${bare.value.family === 4 ? 32 : 128}`) : parseCidr(text);
  if (!cidr.ok) {
    throw new UsageError(`bad destination "${text}": ${cidr.reason}, or "default"`, { words, index }, usage);
  }
  const network = networkOf(cidr.value);
  const address = networkOf({ ...cidr.value, prefix: cidr.value.family === 4 ? 32 : 128 }).address;
  if (network.address !== address) {
    throw new UsageError(`bad destination "${text}": host bits are set; did you mean ${formatCidr(network)}?`, { words, index }, usage);
  }
  if (network.prefix === 0) return { kind: 'default', family: network.family };
  return { kind: 'prefix', prefix: network };
}
