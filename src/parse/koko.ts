import { UsageError } from '../errors.js';
import { dockerTarget, expect, netnsTarget, pathTarget, pidTarget, type TargetSpec } from './target.js';
import { checkInterfaceName, parseCidr, parseInteger, parseIp, type Cidr, type Parsed } from './values.js';

export type MirrorDirection = 'ingress' | 'egress';

/** Copy the traffic of `source` (an interface next to the new one) onto the new link. */
export interface Mirror {
  direction: MirrorDirection;
  source: string;
}

/** One end of a koko link: where it goes, its name, and what is put on it. */
export interface KokoEndpoint {
  target: TargetSpec;
  ifname: string;
  addresses: Cidr[];
  mirrors: Mirror[];
}

/** koko's vxlan destination port (the IANA one) when `port=` is not given; the kernel's own default, 8472, would not reach a koko host. */
export const VXLAN_DEFAULT_PORT = 4789;

export const MACVLAN_MODES = ['default', 'private', 'vepa', 'bridge', 'passthru'] as const;
export type MacvlanMode = (typeof MACVLAN_MODES)[number];

export type KokoCommand =
  | { verb: 'koko'; action: 'veth'; ends: [KokoEndpoint, KokoEndpoint]; mtu?: number; json: boolean }
  | { verb: 'koko'; action: 'vxlan'; end: KokoEndpoint; parent: string; remote: string; vni: number; port?: number; mtu?: number; json: boolean }
  | { verb: 'koko'; action: 'vlan'; end: KokoEndpoint; parent: string; vlanId: number; mtu?: number; json: boolean }
  | { verb: 'koko'; action: 'macvlan'; end: KokoEndpoint; parent: string; mode: MacvlanMode; mtu?: number; json: boolean }
  | { verb: 'koko'; action: 'delete'; target: TargetSpec; ifname: string; json: boolean }
  /** `-v`: koko prints its version and stops there; chainmail prints its own. */
  | { verb: 'koko'; action: 'version'; json: boolean };

/** A koko line that makes a link. */
export type KokoCreateCommand = Exclude<KokoCommand, { action: 'delete' | 'version' }>;

export const KOKO_USAGE = [
  'koko END END [--mtu N]  |  koko END -x PARENT,REMOTE,VNI[,port=N][,mtu=N]  |  koko END -V PARENT,VLANID  |  koko END -M PARENT,MODE',
  '         koko -D CONTAINER,IF | -N NETNS,IF | -P PID,IF | -A NSPATH,IF | -C IF  |  koko -v',
  '         END = -d CONTAINER,IF[,ADDR...] | -n NETNS,IF[,ADDR...] | -p PID,IF[,ADDR...] | -a NSPATH,IF[,ADDR...] | -c IF[,ADDR...]',
  '         ADDR = CIDR | mirror:ingress|egress|both:IF',
].join('\n');

type EndpointFlag = 'd' | 'n' | 'p' | 'a' | 'c';
const ENDPOINT_FLAGS: Record<string, EndpointFlag> = { '-d': 'd', '-n': 'n', '-p': 'p', '-a': 'a', '-c': 'c' };
const DELETE_FLAGS: Record<string, EndpointFlag> = { '-D': 'd', '-N': 'n', '-P': 'p', '-A': 'a', '-C': 'c' };
/** koko's README spells the vxlan option -X; its code reads -x. Both work. */
const KIND_FLAGS: Record<string, 'vxlan' | 'vlan' | 'macvlan'> = { '-x': 'vxlan', '-X': 'vxlan', '-V': 'vlan', '-M': 'macvlan' };

const FLAG_FORMS: Record<EndpointFlag, string> = {
  d: 'CONTAINER,IF[,ADDR...]',
  n: 'NETNS,IF[,ADDR...]',
  p: 'PID,IF[,ADDR...]',
  a: 'NSPATH,IF[,ADDR...]',
  c: 'IF[,ADDR...]',
};

interface Located<T> {
  value: T;
  index: number;
}

/** Parses the words after `koko` (argv style: `-d client,link1 -d firewall,link2`). */
export function parseKoko(words: readonly string[]): KokoCommand {
  function fail(message: string, index: number): never {
    throw new UsageError(message, { words, index }, KOKO_USAGE);
  }
  /** The option and its value as typed, for messages: "-d b,l2" or "-db,l2". */
  const optionText = (valueIndex: number): string => {
    const value = words[valueIndex]!;
    return /^-[a-zA-Z]./.test(value) ? value : `${words[valueIndex - 1]} ${value}`;
  };
  const endpoints: Located<KokoEndpoint>[] = [];
  const deletes: Located<{ target: TargetSpec; ifname: string }>[] = [];
  let kind: Located<{ flag: string; kind: 'vxlan' | 'vlan' | 'macvlan'; arg: string }> | undefined;
  let mtu: Located<number> | undefined;
  let json = false;

  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    // koko stops at -v as getopt reaches it: words before it are still checked, later ones are not
    if (word === '-v') return { verb: 'koko', action: 'version', json: json || words.slice(i + 1).includes('--json') };
    // getopt style: "-d value" or "-dvalue"; long options: "--mtu N" or "--mtu=N"
    if (word === '--json') {
      json = true;
      continue;
    }
    if (word === '--mtu' || word.startsWith('--mtu=')) {
      const inline = word.startsWith('--mtu=');
      const valueIndex = inline ? i : i + 1;
      const text = inline ? word.slice('--mtu='.length) : words[i + 1];
      if (text === undefined) fail('--mtu needs a value (68-65535)', i + 1);
      mtu = { value: expect(parseInteger(text, 68, 65535), words, valueIndex, 'bad --mtu', KOKO_USAGE), index: valueIndex };
      if (!inline) i++;
      continue;
    }
    const flag = word.slice(0, 2);
    const known = [ENDPOINT_FLAGS, DELETE_FLAGS, KIND_FLAGS].some((flags) => Object.hasOwn(flags, flag));
    if (!word.startsWith('-') || word.startsWith('--') || !known) {
      if (word.startsWith('-')) fail(`unknown option "${word}"`, i);
      fail(`unexpected word "${word}": every value follows an option such as -d or -n`, i);
    }
    let arg: string;
    let argIndex: number;
    if (word.length > 2) {
      arg = word.slice(2);
      argIndex = i;
    } else {
      const next = words[i + 1];
      if (next === undefined || (next.startsWith('-') && next.length > 1 && !/^-\d/.test(next))) {
        fail(`${flag} needs a value: ${flag} ${formFor(flag)}`, i + 1);
      }
      arg = next!;
      argIndex = i + 1;
      i++;
    }
    if (Object.hasOwn(ENDPOINT_FLAGS, flag)) {
      if (endpoints.length === 2) fail(`too many endpoints: a link joins two ("${flag} ${arg}" is the third)`, argIndex);
      endpoints.push({ value: parseEndpoint(ENDPOINT_FLAGS[flag]!, arg, words, argIndex), index: argIndex });
    } else if (Object.hasOwn(DELETE_FLAGS, flag)) {
      const f = DELETE_FLAGS[flag]!;
      const ep = parseEndpoint(f, arg, words, argIndex);
      if (ep.addresses.length || ep.mirrors.length) fail(`${flag} takes only ${f === 'c' ? 'IF' : 'TARGET,IF'}: addresses go away with the link`, argIndex);
      deletes.push({ value: { target: ep.target, ifname: ep.ifname }, index: argIndex });
    } else {
      if (kind) fail(`only one of -x, -V, -M may be given ("${kind.value.flag}" came first)`, i);
      kind = { value: { flag, kind: KIND_FLAGS[flag]!, arg }, index: argIndex };
    }
  }

  if (deletes.length) {
    if (deletes.length > 1) fail('delete one link at a time (its peer goes with it)', deletes[1]!.index);
    const creator = endpoints[0]?.index ?? kind?.index;
    if (creator !== undefined) {
      fail(`cannot create and delete in one command: "${optionText(creator)}" creates, "${optionText(deletes[0]!.index)}" deletes`, creator);
    }
    return { verb: 'koko', action: 'delete', ...deletes[0]!.value, json };
  }
  if (endpoints.length === 0) fail('nothing to do: give two endpoints (-d/-n/-p/-a/-c) or one and -x/-V/-M', words.length);

  if (!kind) {
    if (endpoints.length < 2) fail('a veth link needs a second endpoint (or -x/-V/-M for vxlan, vlan, macvlan)', words.length);
    const [a, b] = [endpoints[0]!, endpoints[1]!];
    if (sameTarget(a.value.target, b.value.target) && a.value.ifname === b.value.ifname) {
      fail(`both ends are named "${a.value.ifname}" in the same namespace`, b.index);
    }
    return { verb: 'koko', action: 'veth', ends: [a.value, b.value], ...(mtu ? { mtu: mtu.value } : {}), json };
  }
  if (endpoints.length > 1) fail(`${kind.value.flag} takes one endpoint, got two`, endpoints[1]!.index);
  const end = endpoints[0]!.value;
  const parts = kind.value.arg.split(',');
  const at = kind.index;
  const flagName = kind.value.flag;
  const part = (n: number, what: string): string => {
    const v = parts[n];
    if (v === undefined || v === '') fail(`${flagName} is missing ${what}: ${flagName} ${formFor(flagName)}`, at);
    return v;
  };
  const parent = expect(checkInterfaceName(part(0, 'PARENT')), words, at, 'bad parent interface', KOKO_USAGE);
  const mtuField = mtu ? { mtu: mtu.value } : {};
  switch (kind.value.kind) {
    case 'vxlan': {
      const remote = parseIp(part(1, 'REMOTE'));
      if (!remote.ok) fail(`bad vxlan remote "${parts[1]}": ${remote.reason}`, at);
      const vni = parseInteger(part(2, 'VNI'), 0, 16777215);
      if (!vni.ok) fail(`bad vxlan VNI "${parts[2]}": ${vni.reason}`, at);
      const extra: { port?: number; mtu?: number } = {};
      for (const opt of parts.slice(3)) {
        const m = /^(port|mtu)=(.*)$/.exec(opt);
        if (!m) fail(`bad vxlan option "${opt}": expected port=N or mtu=N`, at);
        const [, key, value] = m;
        const n = key === 'port' ? parseInteger(value!, 1, 65535) : parseInteger(value!, 68, 65535);
        if (!n.ok) fail(`bad vxlan ${key} "${value}": ${n.reason}`, at);
        if (key! in extra) fail(`vxlan ${key} given twice`, at);
        extra[key as 'port' | 'mtu'] = n.value;
      }
      if (extra.mtu !== undefined && mtu) fail('MTU given twice (mtu= in -x and --mtu)', mtu.index);
      return {
        verb: 'koko',
        action: 'vxlan',
        end,
        parent,
        remote: remote.value.address,
        vni: vni.value,
        ...mtuField,
        ...extra,
        json,
      };
    }
    case 'vlan': {
      if (parts.length !== 2) fail(`-V takes PARENT,VLANID, got "${kind.value.arg}"`, at);
      const id = parseInteger(part(1, 'VLANID'), 1, 4094);
      if (!id.ok) fail(`bad VLAN id "${parts[1]}": ${id.reason}`, at);
      return { verb: 'koko', action: 'vlan', end, parent, vlanId: id.value, ...mtuField, json };
    }
    case 'macvlan': {
      if (parts.length !== 2) fail(`-M takes PARENT,MODE, got "${kind.value.arg}"`, at);
      const mode = part(1, 'MODE').toLowerCase();
      if (!(MACVLAN_MODES as readonly string[]).includes(mode)) {
        fail(`bad macvlan mode "${parts[1]}": expected one of ${MACVLAN_MODES.join(', ')}`, at);
      }
      return { verb: 'koko', action: 'macvlan', end, parent, mode: mode as MacvlanMode, ...mtuField, json };
    }
  }
}

function formFor(flag: string): string {
  const ep = ENDPOINT_FLAGS[flag] ?? DELETE_FLAGS[flag];
  if (ep) return Object.hasOwn(DELETE_FLAGS, flag) ? FLAG_FORMS[ep].replace(',IF[,ADDR...]', ',IF').replace('IF[,ADDR...]', 'IF') : FLAG_FORMS[ep];
  switch (KIND_FLAGS[flag]) {
    case 'vxlan':
      return 'PARENT,REMOTE,VNI[,port=N][,mtu=N]';
    case 'vlan':
      return 'PARENT,VLANID';
    default:
      return `PARENT,MODE (MODE: ${MACVLAN_MODES.join('|')})`;
  }
}

function parseEndpoint(flag: EndpointFlag, arg: string, words: readonly string[], index: number): KokoEndpoint {
  const fields = arg.split(',');
  function fail(message: string): never {
    throw new UsageError(message, { words, index }, `-${flag} ${FLAG_FORMS[flag]}`);
  }
  let target: TargetSpec;
  if (flag === 'c') {
    target = { kind: 'host' };
  } else {
    const where = fields.shift()!;
    if (where === '') fail(`-${flag} is missing its ${flag === 'd' ? 'container' : flag === 'n' ? 'namespace' : flag === 'p' ? 'pid' : 'namespace path'}`);
    const parsed: Parsed<TargetSpec> = flag === 'd' ? dockerTarget(where) : flag === 'n' ? netnsTarget(where) : flag === 'p' ? pidTarget(where) : pathTarget(where);
    if (!parsed.ok) fail(`bad -${flag} target "${where}": ${parsed.reason}`);
    target = parsed.value;
  }
  const ifname = fields.shift();
  if (ifname === undefined || ifname === '') fail(`-${flag} is missing the interface name: -${flag} ${FLAG_FORMS[flag]}`);
  const name = checkInterfaceName(ifname);
  if (!name.ok) fail(`bad interface name "${ifname}": ${name.reason}`);

  const addresses: Cidr[] = [];
  const mirrors: Mirror[] = [];
  for (const field of fields) {
    if (field.startsWith('mirror:')) {
      const m = /^mirror:(ingress|egress|both):(.*)$/.exec(field);
      if (!m) fail(`bad mirror "${field}": expected mirror:ingress|egress|both:IF`);
      const [, how, sourceName] = m as unknown as [string, string, string];
      const source = checkInterfaceName(sourceName);
      if (!source.ok) fail(`bad mirror interface "${sourceName}": ${source.reason}`);
      const dirs: MirrorDirection[] = how === 'both' ? ['ingress', 'egress'] : [how as MirrorDirection];
      for (const direction of dirs) {
        if (mirrors.some((x) => x.direction === direction)) fail(`${direction} mirroring given twice`);
        mirrors.push({ direction, source: sourceName });
      }
      continue;
    }
    const cidr = parseCidr(field);
    if (!cidr.ok) fail(`bad address "${field}": ${cidr.reason}`);
    const c = cidr.value;
    if (addresses.some((a) => a.address === c.address)) fail(`address ${c.address} given twice`);
    addresses.push(c);
  }
  return { target, ifname, addresses, mirrors };
}

export function sameTarget(a: TargetSpec, b: TargetSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
