/**
 * Every verb chainmail knows, in one table: where it runs, its usage line,
 * its one-line summary, whether it needs root, and the long options that
 * completion offers. The CLI's help, the UI's prompt and help overlay, the
 * tutorial file checks and completion all read this table, so a new verb is
 * one row here plus the module that runs it.
 */
import { KOKO_USAGE } from './koko.js';
import { KORO_USAGE } from './koro.js';

export type VerbGroup = 'links and routes' | 'inspect and check' | 'chains' | 'learn and demo' | 'the prompt';

/**
 * both: a shell and the UI's prompt; 'shell' means a shell only (it opens a UI of
 * its own, so the prompt refuses it); prompt: the UI's prompt only.
 */
export type VerbScope = 'both' | 'shell' | 'prompt';

export interface VerbInfo {
  readonly name: string;
  readonly group: VerbGroup;
  readonly scope: VerbScope;
  /** Without the program name; koko's and koro's run over several lines. */
  readonly usage: string;
  readonly summary: string;
  /** Whether running it touches network state that only root may read or change. */
  readonly needsRoot: boolean;
  /**
   * The forms of a verb that needs root which only read files, and so run as
   * any user: `forms` for help, `when` on the parsed command (needsRoot in
   * parse/verbs.ts asks it).
   */
  readonly rootFree?: { readonly forms: string; readonly when: (cmd: Readonly<Record<string, unknown>>) => boolean };
  /** Long options, offered by completion wherever a word starting with -- is typed. */
  readonly options: readonly string[];
}

export const VERB_TABLE: readonly VerbInfo[] = [
  {
    name: 'koko',
    group: 'links and routes',
    scope: 'both',
    usage: KOKO_USAGE,
    needsRoot: true,
    rootFree: { forms: 'koko -v', when: (c) => c.action === 'version' },
    options: ['--mtu', '--json', '--format'],
    summary: 'connect containers and namespaces with veth, vxlan, vlan or macvlan (koko syntax)',
  },
  {
    name: 'koro',
    group: 'links and routes',
    scope: 'both',
    usage: KORO_USAGE,
    needsRoot: true,
    options: ['--json', '--format'],
    summary: 'add, delete and show addresses and routes inside a target (koro syntax)',
  },
  {
    name: 'forward',
    group: 'links and routes',
    scope: 'both',
    usage: 'forward TARGET [on|off] [--json|--format json|table]',
    needsRoot: true,
    options: ['--json', '--format'],
    summary: 'turn IPv4 and IPv6 forwarding on or off in a target (set from the host side)',
  },
  {
    name: 'fw',
    group: 'links and routes',
    scope: 'both',
    needsRoot: true,
    options: ['--json', '--format'],
    usage:
      'fw TARGET list [--json|--format json|table] | fw TARGET add RULE... | fw TARGET del NUMBER|RULE...   (RULE: iptables match and target words of the FORWARD chain, e.g. -p icmp -j DROP)',
    summary: "list, add and delete iptables rules of a target's FORWARD chain",
  },
  {
    name: 'ls',
    group: 'inspect and check',
    scope: 'both',
    usage: 'ls [--json|--format json|table]',
    needsRoot: true,
    options: ['--json', '--format'],
    summary: 'every container and namespace with interfaces, addresses and links',
  },
  {
    name: 'routes',
    group: 'inspect and check',
    scope: 'both',
    usage: 'routes TARGET [--json|--format json|table]',
    needsRoot: true,
    options: ['--json', '--format'],
    summary: 'the route table of a target',
  },
  {
    name: 'ping',
    group: 'inspect and check',
    scope: 'both',
    usage: 'ping TARGET ADDRESS [-c COUNT] [--json|--format json|table]',
    needsRoot: true,
    options: ['--count', '--json', '--format'],
    summary: 'ICMP echo from inside a target',
  },
  {
    name: 'probe',
    group: 'inspect and check',
    scope: 'both',
    usage: 'probe TARGET URL [--timeout MS] [--json|--format json|table]',
    needsRoot: true,
    options: ['--timeout', '--json', '--format'],
    summary: 'HTTP GET from inside a target: status and latency',
  },
  {
    name: 'capture',
    group: 'inspect and check',
    scope: 'both',
    usage: 'capture TARGET IF [-c N] [-w FILE.pcap] [FILTER...]   (FILTER: tcpdump filter words, e.g. icmp, tcp port 80; words starting with - after --)',
    needsRoot: true,
    options: ['--count', '--write'],
    summary: "tcpdump on a target's interface: a line per packet, or a pcap file; Ctrl-C or -c N stops",
  },
  {
    name: 'link',
    group: 'links and routes',
    scope: 'both',
    usage: 'link TARGET IF down|up [--json|--format json|table]',
    needsRoot: true,
    options: ['--json', '--format'],
    summary: "set one end of a link administratively down or up (ip link set in the target's namespace); up puts back the routes down took",
  },
  {
    name: 'exec',
    group: 'inspect and check',
    scope: 'both',
    usage: "exec TARGET -- CMD [ARG...]   (a host program in the target's network namespace; its exit code is chainmail's)",
    needsRoot: true,
    options: [],
    summary: "run a host program inside a target's network namespace, as ip netns exec does",
  },
  {
    name: 'shell',
    group: 'inspect and check',
    scope: 'both',
    usage: 'shell TARGET   (in the UI: s on the selected target)',
    needsRoot: true,
    options: [],
    summary: "an interactive shell in a target: a container's own, or yours in its network namespace",
  },
  {
    name: 'kill',
    group: 'links and routes',
    scope: 'both',
    usage: 'kill TARGET [--json|--format json|table]',
    needsRoot: true,
    options: ['--json', '--format'],
    summary: 'kill a container, or stop and delete a named namespace',
  },
  {
    name: 'pingall',
    group: 'inspect and check',
    scope: 'both',
    usage: 'pingall [FILE|--live] [--json|--format json|table]   (FILE: the nodes of a chain file; --live, or nothing: every live target with an address)',
    needsRoot: true,
    options: ['--live', '--json', '--format'],
    summary: 'ping every ordered pair of addressed targets from inside each: a reachability matrix',
  },
  {
    name: 'chain',
    group: 'chains',
    scope: 'both',
    needsRoot: true,
    rootFree: { forms: 'chain up FILE --dry-run', when: (c) => c.action === 'up' && c.dryRun === true },
    options: ['--dry-run', '--docker', '--image', '--json', '--format', '--watch', '--policy', '--keep-partial', '--as', '--dead'],
    usage:
      'chain up FILE [--dry-run] [--docker] [--image IMG] [--keep-partial] | chain status FILE [--json|--format json|table] | chain heal FILE [--watch] [--policy bypass|reattach] [--keep-partial] | chain down FILE   (a file with hosts: [--as HOST], heal [--dead NODE,...])',
    summary: 'bring a chain file up, check it, heal it, take it down',
  },
  {
    name: 'export',
    group: 'chains',
    scope: 'both',
    usage: 'export FILE|--live --format containerlab|mermaid|json|kubernetes [--image IMG] [--as HOST]',
    needsRoot: true,
    rootFree: { forms: 'export FILE', when: (c) => c.live === false },
    options: ['--live', '--format', '--image', '--as'],
    summary: 'write a chain file or the live host as containerlab, Mermaid or JSON; a chain file as Kubernetes manifests',
  },
  {
    name: 'batch',
    group: 'chains',
    scope: 'shell',
    usage: 'batch FILE|- [--force] [--json|--format json|table]   (FILE: prompt lines, # comments; -: standard input)',
    needsRoot: true,
    options: ['--force', '--json', '--format'],
    summary: 'run prompt lines from a file in one process, in order; stop at the first that fails',
  },
  {
    name: 'demo',
    group: 'learn and demo',
    scope: 'shell',
    usage: 'demo [--docker] [--keep]',
    needsRoot: true,
    options: ['--docker', '--keep'],
    summary: "the story's service chain on namespaces, in the terminal UI; removed on exit",
  },
  {
    name: 'tutorial',
    group: 'learn and demo',
    scope: 'shell',
    needsRoot: true,
    rootFree: { forms: 'tutorial (the list)', when: (c) => c.tutorial === undefined },
    options: ['--auto', '--delay', '--keep'],
    usage: 'tutorial [NAME|FILE] [--auto [--delay MS]] [--keep]   (no name: list the built-in tutorials)',
    summary: 'the story in steps (warm-up, service-chain, failure-repair): in the UI, or printed for CI',
  },
  {
    name: 'watch',
    group: 'the prompt',
    scope: 'prompt',
    usage: 'watch ping TARGET ADDRESS | watch http TARGET URL',
    needsRoot: true,
    options: [],
    summary: 'check a ping or an HTTP GET every two seconds, shown under the chain',
  },
  {
    name: 'unwatch',
    group: 'the prompt',
    scope: 'prompt',
    usage: 'unwatch N|all',
    needsRoot: false,
    options: [],
    summary: 'stop a watch, or all of them',
  },
  {
    name: 'docker',
    group: 'the prompt',
    scope: 'prompt',
    usage: 'docker kill NAME   (same as kill NAME)',
    needsRoot: true,
    options: [],
    summary: "the story's docker kill line, pasted as it is",
  },
  {
    name: 'heal',
    group: 'the prompt',
    scope: 'prompt',
    needsRoot: true,
    options: [],
    usage: 'heal [--policy bypass|reattach]   (repairs the chain the UI was opened on: demo, tutorial)',
    summary: 'chain heal of the chain the UI was opened on',
  },
  {
    name: 'help',
    group: 'the prompt',
    scope: 'both',
    usage: 'help [VERB]',
    needsRoot: false,
    options: [],
    summary: "a verb's usage; alone, at the prompt, every key and verb",
  },
  {
    name: 'clear',
    group: 'the prompt',
    scope: 'prompt',
    usage: 'clear   (clears the log)',
    needsRoot: false,
    options: [],
    summary: 'empty the log panel',
  },
  {
    name: 'quit',
    group: 'the prompt',
    scope: 'prompt',
    usage: 'quit',
    needsRoot: false,
    options: [],
    summary: 'leave the UI (also: exit, q, Ctrl-C)',
  },
];

const BY_NAME = new Map(VERB_TABLE.map((v) => [v.name, v]));

/** A prompt word that means another verb. */
const ALIASES: Readonly<Record<string, string>> = { exit: 'quit' };

export function verbInfo(name: string): VerbInfo | undefined {
  return BY_NAME.get(Object.hasOwn(ALIASES, name) ? ALIASES[name]! : name);
}

/** The verbs a shell runs as `chainmail VERB`, in the table's order (help is asked for with its own words). */
export const VERBS: readonly string[] = VERB_TABLE.filter((v) => v.scope !== 'prompt' && v.name !== 'help').map((v) => v.name);

/** The verbs only the UI's prompt knows. */
export const TUI_VERBS: readonly string[] = VERB_TABLE.filter((v) => v.scope === 'prompt' || v.name === 'help').map((v) => v.name);

/** Every first word the prompt accepts: the CLI's verbs, then the prompt's own. */
export const PROMPT_VERBS: readonly string[] = [...VERBS, ...TUI_VERBS];

/** One line of usage per shell verb: the reference for errors and help. */
export const USAGE: Readonly<Record<string, string>> = Object.fromEntries(VERB_TABLE.filter((v) => VERBS.includes(v.name)).map((v) => [v.name, v.usage]));

/** The usage of any verb, of the shell or the prompt (several lines for koko and koro). */
export function usageOf(verb: string): string | undefined {
  return verbInfo(verb)?.usage;
}
