/**
 * The malformed inputs of test/integration/bad-input.test.ts: for every verb,
 * words a user might type (or a file they might write) that chainmail must
 * refuse with a short message naming the bad token, without touching any
 * namespace. Each case runs through the CLI and through the TUI prompt.
 *
 * Cases need the names of the fixtures the test makes (namespaces, a stopped
 * container, a temp dir with files), so they are built by a function.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Fixtures {
  /** Namespaces joined by a veth: a:link1 10.77.1.1/24, 2001:db8:77::1/64 <-> b:link2 10.77.1.2/24; in a, 10.77.9.0/24 via 10.77.1.2. */
  a: string;
  b: string;
  /** A namespace name that does not exist (cmt-...). */
  missing: string;
  /** A pid no process has. */
  deadPid: number;
  /** Docker containers created and never started (undefined without Docker); twin also has a namespace of its name. */
  stopped?: string;
  twin?: string;
  /** The temp dir holding the chain and tutorial files of the cases. */
  dir: string;
  /** The file's unique tag: the chain files' node names start with cmt-in<tag>. */
  tag: string;
}

export interface BadInputCase {
  verb: string;
  what: string;
  /** The words after the program name (CLI) and the words of the prompt line. */
  words: string[];
  /** A piece of the message's first line that names what is wrong (the bad token, or a stated substring). */
  names: string;
  /** The CLI's exit code: 1 refused or conflicting, 2 bad syntax or value, 3 bad target. */
  exit: 1 | 2 | 3;
  /** At the prompt: what the message names there when it differs (verbs that open their own UI are refused). */
  promptNames?: string;
  /** CLI only, with the reason the prompt does something else with the line. */
  cliOnly?: string;
  /** Needs the stopped containers. */
  docker?: boolean;
  /** A file's mistake: the message names FILE:LINE: (line undefined: some line). */
  at?: { file: string; line?: number };
  /** Time allowed when more than the usual second (a Docker image asked about). */
  limitMs?: number;
}

/** Lines only the TUI prompt knows (docker NAME, watch, unwatch, heal, quotes). */
export interface PromptOnlyCase {
  what: string;
  line: string;
  names: string;
}

/** The files the chain, export and tutorial cases read, written into fx.dir. */
export function writeCaseFiles(fx: Fixtures): void {
  for (const [name, text] of Object.entries({ ...caseFiles(fx), ...corpusFiles(fx) })) writeFileSync(join(fx.dir, name), text);
}

/**
 * A malformed chain or tutorial file of the corpus (issue 17): its mistake,
 * what the message names, and the line it names. `via`: the loader refuses
 * it, or only `chain up` does (iptables or Docker asked before the first
 * change; the loader takes it).
 */
export interface CorpusFile {
  file: string;
  kind: 'chain' | 'tutorial';
  what: string;
  names: string;
  line?: number;
  via: 'loader' | 'up' | 'docker';
}

/** The corpus, beyond the files of the chain and tutorial cases above. */
export function corpusFiles(fx: Fixtures): Record<string, string | Buffer> {
  const [x, y, z] = ['x', 'y', 'z'].map((s) => nodeName(fx, s)) as [string, string, string];
  const chainName = `cmt-in${fx.tag}`;
  const lines = (...l: string[]) => l.join('\n') + '\n';
  const good = (...more: string[]) =>
    lines(`name: ${chainName}`, `nodes: [${x}, ${y}, ${z}]`, 'links:', `  - [${x}:l1, ${y}:l2, 10.78.1.0/24]`, `  - [${y}:l3, ${z}:l4, 10.78.2.0/24]`, ...more);
  const withLinks = (...links: string[]) => lines(`name: ${chainName}`, `nodes: [${x}, ${y}, ${z}]`, 'links:', ...links.map((l) => `  - ${l}`));
  const withNodes = (...nodes: string[]) => lines(`name: ${chainName}`, 'nodes:', ...nodes.map((n) => `  - ${n}`), 'links:', `  - [${x}:l1, ${y}:l2, 10.78.1.0/24]`);
  const tutorial = (...more: string[]) => lines(`name: cmt-in${fx.tag}-tut`, 'title: A tutorial', ...more);
  const step = ['steps:', '  - title: Ping', `    run: [ping ${x} 10.78.1.2 -c 1]`];
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]);
  let seed = 17;
  const noise = Buffer.alloc(4096);
  for (let i = 0; i < noise.length; i++) noise[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16;
  // nine levels of nine aliases: a billion items if expanded
  const laughs = ['nodes:', '  - &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) {
    const [me, prev] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
    laughs.push(`  - &${me} [${Array<string>(9).fill(`*${prev}`).join(', ')}]`);
  }
  const comments = ('# ' + 'padding '.repeat(9) + '\n').repeat(Math.ceil((1.1 * 1024 * 1024) / 75));
  return {
    // wrong types
    'c-name-list.yaml': lines(`name: [${chainName}]`, `nodes: [${x}, ${y}]`, 'links: []'),
    'c-nodes-string.yaml': lines(`name: ${chainName}`, `nodes: ${x}`, 'links: []'),
    'c-nodes-empty.yaml': lines(`name: ${chainName}`, 'nodes: []', 'links: []'),
    'c-links-map.yaml': lines(`name: ${chainName}`, `nodes: [${x}, ${y}]`, `links: { a: ${x}:l1 }`),
    'c-link-number.yaml': withLinks('5'),
    'c-subnet-bool.yaml': withLinks(`{ a: ${x}:l1, b: ${y}:l2, subnet: true }`),
    'c-serve-bool.yaml': withNodes(`{ name: ${x}, serve: yes }`, y),
    'c-port-text.yaml': withNodes(`{ name: ${x}, serve: { port: eighty } }`, y),
    'c-port-zero.yaml': withNodes(`{ name: ${x}, serve: { port: 0 } }`, y),
    'c-command-map.yaml': withNodes(`{ name: ${x}, command: { run: sh } }`, y),
    'c-firewall-string.yaml': good('firewall: "-j DROP"'),
    'c-firewall-list.yaml': good('firewall:', `  - [${y}, "-j DROP"]`),
    'c-rule-empty.yaml': good('firewall:', `  - { node: ${y}, rule: [] }`),
    'c-probes-number.yaml': good('probes: 5'),
    'c-routes-string.yaml': good('routes: default'),
    'c-forwarding-bool.yaml': good('forwarding: yes'),
    'c-expect-700.yaml': good('probes:', `  - { from: ${x}, http: ${z}, expect: 700 }`),
    // unknown and misspelt fields
    'c-typo-links.yaml': lines(`name: ${chainName}`, `nodes: [${x}, ${y}]`, 'linsk: []'),
    'c-typo-firewall.yaml': good('firewal:', `  - { node: ${y}, rule: "-j DROP" }`),
    'c-typo-probes.yaml': good('porbes:', `  - { from: ${x}, ping: ${z} }`),
    'c-typo-via.yaml': good('routes:', `  - { node: ${x}, to: default, vai: 10.78.1.2 }`),
    'c-typo-rule.yaml': good('firewall:', `  - { node: ${y}, rules: "-j DROP" }`),
    'c-typo-port.yaml': withNodes(`{ name: ${x}, serve: { prot: 80 } }`, y),
    'c-typo-from.yaml': good('probes:', `  - { form: ${x}, ping: ${z} }`),
    'c-typo-case.yaml': lines(`Name: ${chainName}`, `nodes: [${x}, ${y}]`, 'links: []'),
    // anchors and aliases
    'c-laughs.yaml': lines(`name: ${chainName}`, ...laughs, 'links: []'),
    'c-alias-link.yaml': withLinks(`&l [${x}:l1, ${y}:l2, 10.78.1.0/24]`, '*l'),
    'c-merge-key.yaml': lines(`name: ${chainName}`, 'nodes:', '  - { <<: *nowhere }', 'links: []'),
    'c-deep.yaml': lines(`name: ${chainName}`, `nodes: ${'['.repeat(2000)}${']'.repeat(2000)}`, 'links: []'),
    // binary content
    'c-nul.yaml': lines(`name: ${chainName}\0x`, `nodes: [${x}, ${y}]`, 'links: []'),
    'c-png.yaml': png,
    'c-utf16.yaml': Buffer.from(`\ufeffname: ${chainName}\n`, 'utf16le'),
    'c-noise.yaml': noise,
    'c-bad-utf8.yaml': Buffer.concat([Buffer.from('name: '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`\nnodes: [${x}]\nlinks: []\n`)]),
    // very large
    'c-huge.yaml': good() + comments,
    'c-long-name.yaml': lines(`name: ${'n'.repeat(300_000)}`, `nodes: [${x}, ${y}]`, 'links: []'),
    'c-many-nodes.yaml': lines(
      `name: ${chainName}`,
      'nodes:',
      ...Array.from({ length: 2000 }, (_, i) => `  - ${nodeName(fx, `n${i}`)}`),
      `  - ${nodeName(fx, 'n7')}`,
      'links: []',
    ),
    // names that escape paths or collide
    'c-chain-dot.yaml': lines('name: .', `nodes: [${x}, ${y}]`, 'links: []'),
    'c-chain-abs.yaml': lines('name: /etc/passwd', `nodes: [${x}, ${y}]`, 'links: []'),
    'c-node-abs.yaml': withNodes('/etc/passwd', y),
    'c-node-two-forms.yaml': withNodes(x, `{ name: ${x} }`),
    'c-node-long.yaml': withNodes(nodeName(fx, 'l'.repeat(250)), y),
    'c-end-twice.yaml': withLinks(`[${x}:l1, ${x}:l1, 10.78.1.0/24]`),
    // rules only iptables refuses: the loader takes them, chain up asks iptables first
    'c-rule-reboot.yaml': good('firewall:', `  - { node: ${y}, rule: "-j DROP; reboot" }`),
    'c-rule-nope.yaml': good('firewall:', `  - { node: ${y}, rule: [-j, NOPE] }`),
    'c-rule-port.yaml': good('firewall:', `  - { node: ${y}, rule: "-p tcp --dport 99999 -j DROP" }`),
    'c-rule-match.yaml': good('firewall:', `  - { node: ${y}, rule: "-m nosuchmatch -j DROP" }`),
    'c-rule-address.yaml': good('firewall:', `  - { node: ${y}, rule: "-s 10.78.1.300 -j DROP" }`),
    'c-rule-proto.yaml': good('firewall:', `  - { node: ${y}, rule: "-p nosuchproto -j DROP" }`),
    'c-rule-second.yaml': good('firewall:', `  - { node: ${y}, rule: "-p icmp -j DROP" }`, `  - { node: ${x}, rule: "-j" }`),
    // images only Docker refuses: chain up --docker asks the engine first
    'c-image-upper.yaml': withNodes(`{ name: ${x}, image: Busybox }`, y),
    'c-image-unreachable.yaml': withNodes(x, `{ name: ${y}, image: "127.0.0.1:9/cmt-none:1" }`),
    // tutorials
    'tut-c-steps-number.yaml': tutorial('steps: 5'),
    'tut-c-title-list.yaml': lines(`name: cmt-in${fx.tag}-tut`, 'title: [a, b]', ...step),
    'tut-c-typo-steps.yaml': tutorial('stpes:', '  - title: Ping', '    run: [ls]'),
    'tut-c-typo-run.yaml': tutorial('steps:', '  - title: Ping', '    rnu: [ls]'),
    'tut-c-typo-check.yaml': tutorial('steps:', '  - title: Ping', `    check: { pign: { from: ${x}, to: 10.78.1.2 } }`),
    'tut-c-run-number.yaml': tutorial('steps:', '  - title: Ping', '    run: 5'),
    'tut-c-alias.yaml': tutorial('steps:', '  - &s { title: Ping, run: [ls] }', '  - *s'),
    'tut-c-png.yaml': png,
    'tut-c-nul.yaml': lines(`name: cmt-in${fx.tag}\0tut`, 'title: T', ...step),
    'tut-c-huge.yaml': tutorial(...step) + comments,
    'tut-c-setup-escape.yaml': tutorial('setup: ../../../../../../etc/passwd', ...step),
    'tut-c-setup-rule.yaml': tutorial('setup: c-typo-rule.yaml', ...step),
  };
}

/** What each corpus file is refused for, and where. */
export function corpusCases(): CorpusFile[] {
  const c = (file: string, what: string, names: string, line: number | undefined, via: CorpusFile['via'] = 'loader'): CorpusFile => ({
    file,
    kind: file.startsWith('tut-') ? 'tutorial' : 'chain',
    what,
    names,
    ...(line !== undefined ? { line } : {}),
    via,
  });
  return [
    c('c-name-list.yaml', 'a list as the name', 'name', 1),
    c('c-nodes-string.yaml', 'a word as the nodes', 'nodes', 2),
    c('c-nodes-empty.yaml', 'no nodes', 'a chain needs nodes', 2),
    c('c-links-map.yaml', 'a mapping as the links', 'links', 3),
    c('c-link-number.yaml', 'a number as a link', 'links[0]', 4),
    c('c-subnet-bool.yaml', 'a boolean as a subnet', 'links[0].subnet', 4),
    c('c-serve-bool.yaml', 'a boolean as serve', 'nodes[0].serve', 3),
    c('c-port-text.yaml', 'a word as a port', 'eighty', 3),
    c('c-port-zero.yaml', 'port 0', 'nodes[0].serve.port', 3),
    c('c-command-map.yaml', 'a mapping as a command', 'nodes[0].command', 3),
    c('c-firewall-string.yaml', 'a word as the firewall', 'firewall', 6),
    c('c-firewall-list.yaml', 'a list as a firewall rule', 'firewall[0]', 7),
    c('c-rule-empty.yaml', 'an empty rule', 'firewall[0].rule', 7),
    c('c-probes-number.yaml', 'a number as the probes', 'probes', 6),
    c('c-routes-string.yaml', 'a word as the routes', 'routes', 6),
    c('c-forwarding-bool.yaml', 'a boolean as forwarding', 'forwarding', 6),
    c('c-expect-700.yaml', 'a probe expecting HTTP 700', '700', 7),
    c('c-typo-links.yaml', 'links misspelt', 'linsk', 3),
    c('c-typo-firewall.yaml', 'firewall misspelt', 'firewal', 6),
    c('c-typo-probes.yaml', 'probes misspelt', 'porbes', 6),
    c('c-typo-via.yaml', 'via misspelt', 'vai', 7),
    c('c-typo-rule.yaml', 'rule misspelt', 'rules', 7),
    c('c-typo-port.yaml', 'port misspelt', 'prot', 3),
    c('c-typo-from.yaml', 'from misspelt', 'form', 7),
    c('c-typo-case.yaml', 'Name in capitals', 'Name', 1),
    c('c-laughs.yaml', 'anchors that expand a billion times', 'nodes[1][0]: a YAML alias', 4),
    c('c-alias-link.yaml', 'a link that is an alias of another', 'links[1]: a YAML alias', 5),
    c('c-merge-key.yaml', 'a merge key of an undefined anchor', 'a YAML alias (*nowhere)', 3),
    c('c-deep.yaml', 'lists nested 2000 deep', 'not valid YAML', 2),
    c('c-nul.yaml', 'a NUL byte in the name', '\\u0000', 1),
    c('c-png.yaml', 'a PNG image', 'must be a mapping', undefined),
    c('c-utf16.yaml', 'UTF-16 text', 'must be a mapping', undefined),
    c('c-noise.yaml', 'four KiB of noise', 'not valid YAML', undefined),
    c('c-bad-utf8.yaml', 'bytes that are not UTF-8', 'name', 1),
    c('c-huge.yaml', 'a file over 1 MiB', 'larger than 1 MiB', 1),
    c('c-long-name.yaml', 'a name of 300000 characters', 'name', 1),
    c('c-many-nodes.yaml', '2000 nodes, one twice', 'is already a node', 2003),
    c('c-chain-dot.yaml', 'chain named .', '"."', 1),
    c('c-chain-abs.yaml', 'chain named /etc/passwd', '/etc/passwd', 1),
    c('c-node-abs.yaml', 'node named /etc/passwd', '/etc/passwd', 3),
    c('c-node-two-forms.yaml', 'a node named twice, plain and as a mapping', 'is already a node', 4),
    c('c-node-long.yaml', 'a node name of 260 characters', 'nodes[0]', 3),
    c('c-end-twice.yaml', 'a link from an interface to itself', 'both ends are on', 4),
    c('c-rule-reboot.yaml', 'a rule with "; reboot"', 'firewall[0].rule: iptables refuses', 7, 'up'),
    c('c-rule-nope.yaml', 'a rule jumping to a chain there is not', 'NOPE', 7, 'up'),
    c('c-rule-port.yaml', 'a rule on port 99999', '99999', 7, 'up'),
    c('c-rule-match.yaml', 'a rule with a match iptables lacks', 'nosuchmatch', 7, 'up'),
    c('c-rule-address.yaml', 'a rule with address octet 300', '10.78.1.300', 7, 'up'),
    c('c-rule-proto.yaml', 'a rule with an unknown protocol', 'nosuchproto', 7, 'up'),
    c('c-rule-second.yaml', 'a second rule with a bare -j', 'firewall[1].rule', 8, 'up'),
    c('c-image-upper.yaml', 'an image name in capitals', 'Busybox', 3, 'docker'),
    c('c-image-unreachable.yaml', 'an image of a registry that is not there', '127.0.0.1:9/cmt-none:1', 4, 'docker'),
    c('tut-c-steps-number.yaml', 'a number as the steps', 'steps', 3),
    c('tut-c-title-list.yaml', 'a list as the title', 'title', 2),
    c('tut-c-typo-steps.yaml', 'steps misspelt', 'stpes', 3),
    c('tut-c-typo-run.yaml', 'run misspelt', 'rnu', 5),
    c('tut-c-typo-check.yaml', 'ping misspelt in a check', 'pign', 5),
    c('tut-c-run-number.yaml', 'a number as run', 'steps[0].run', 5),
    c('tut-c-alias.yaml', 'a step that is an alias', 'steps[1]: a YAML alias', 5),
    c('tut-c-png.yaml', 'a PNG image', 'must be a mapping', undefined),
    c('tut-c-nul.yaml', 'a NUL byte in the name', '\\u0000', 1),
    c('tut-c-huge.yaml', 'a file over 1 MiB', 'larger than 1 MiB', 1),
    c('tut-c-setup-escape.yaml', 'a setup file up the tree', 'etc/passwd', 3),
    c('tut-c-setup-rule.yaml', 'a setup chain file with a misspelt field', 'rules', 3),
  ];
}

/** Node names of the chain files: cmt-in<tag>-<suffix>, so nothing they could make is anyone else's. */
export const nodeName = (fx: Pick<Fixtures, 'tag'>, suffix: string) => `cmt-in${fx.tag}-${suffix}`;

function caseFiles(fx: Fixtures): Record<string, string> {
  const [x, y, z] = ['x', 'y', 'z'].map((s) => nodeName(fx, s)) as [string, string, string];
  const chainName = `cmt-in${fx.tag}`;
  const lines = (...l: string[]) => l.join('\n') + '\n';
  /** name, three nodes, links x-y and y-z, then what the case adds. */
  const good = (...more: string[]) =>
    lines(`name: ${chainName}`, `nodes: [${x}, ${y}, ${z}]`, 'links:', `  - [${x}:l1, ${y}:l2, 10.78.1.0/24]`, `  - [${y}:l3, ${z}:l4, 10.78.2.0/24]`, ...more);
  /** name and nodes, then the links the case gives. */
  const withLinks = (...links: string[]) => lines(`name: ${chainName}`, `nodes: [${x}, ${y}, ${z}]`, 'links:', ...links.map((l) => `  - ${l}`));
  const withNodes = (...nodes: string[]) => lines(`name: ${chainName}`, 'nodes:', ...nodes.map((n) => `  - ${n}`), 'links:', `  - [${x}:l1, ${y}:l2, 10.78.1.0/24]`);
  const tutorial = (...more: string[]) => lines(`name: cmt-in${fx.tag}-tut`, 'title: A tutorial', ...more);
  const step = ['steps:', '  - title: Ping', `    run: [ping ${x} 10.78.1.2 -c 1]`];
  return {
    'good.chain.yaml': good(),
    // malformed YAML and the file as a whole
    'unclosed.yaml': lines(`name: ${chainName}`, `nodes: [${x}, ${y}`, 'links: []'),
    'tabs.yaml': lines(`name: ${chainName}`, 'nodes:', `\t- ${x}`),
    'two-docs.yaml': good('---', 'name: other'),
    'empty.yaml': '',
    'list.yaml': lines(`- ${x}`, `- ${y}`),
    'alias-cycle.yaml': lines(`name: ${chainName}`, `nodes: &n [${x}, *n]`, 'links:', `  - [${x}:l1, ${y}:l2, 10.78.1.0/24]`),
    'binary.yaml': lines(`name: !!binary ${Buffer.from(chainName).toString('base64')}`, `nodes: [${x}, ${y}]`, 'links:', `  - [${x}:l1, ${y}:l2, 10.78.1.0/24]`),
    // unknown fields
    'unknown-top.yaml': good('colour: red'),
    'typo-top.yaml': lines(`name: ${chainName}`, `nodse: [${x}, ${y}]`, 'links: []'),
    'unknown-node-field.yaml': withNodes(`{ name: ${x}, imgae: busybox }`, y),
    'unknown-link-field.yaml': withLinks(`{ a: ${x}:l1, b: ${y}:l2, subnte: 10.78.1.0/24 }`),
    // duplicates and overlaps
    'dup-node.yaml': withNodes(x, y, x),
    'dup-if.yaml': withLinks(`[${x}:l1, ${y}:l2, 10.78.1.0/24]`, `[${x}:l1, ${z}:l4, 10.78.2.0/24]`),
    'overlap.yaml': withLinks(`[${x}:l1, ${y}:l2, 10.78.1.0/24]`, `[${y}:l3, ${z}:l4, 10.78.0.0/16]`),
    'same-subnet.yaml': withLinks(`[${x}:l1, ${y}:l2, 10.78.1.0/24]`, `[${y}:l3, ${z}:l4, 10.78.1.0/24]`),
    'overlap-v6.yaml': withLinks(`[${x}:l1, ${y}:l2, 2001:db8:78::/64]`, `[${y}:l3, ${z}:l4, 2001:db8:78::/48]`),
    // links
    'not-a-node.yaml': withLinks(`[${x}:l1, ${nodeName(fx, 'firewal')}:l2, 10.78.1.0/24]`),
    'self-link.yaml': withLinks(`[${x}:l1, ${x}:l2, 10.78.1.0/24]`),
    'host-bits.yaml': withLinks(`[${x}:l1, ${y}:l2, 10.78.1.5/24]`),
    'prefix-33.yaml': withLinks(`[${x}:l1, ${y}:l2, 10.78.1.0/33]`),
    'prefix-32.yaml': withLinks(`[${x}:l1, ${y}:l2, 10.78.1.0/32]`),
    'v6-129.yaml': withLinks(`[${x}:l1, ${y}:l2, 2001:db8:78::/129]`),
    'bad-octet.yaml': withLinks(`[${x}:l1, ${y}:l2, 10.78.300.0/24]`),
    'family-mix.yaml': withLinks(`[${x}:l1, ${y}:l2, 10.78.1.1/24, 2001:db8:78::2/64]`),
    'two-subnets.yaml': withLinks(`[${x}:l1, ${y}:l2, 10.78.1.1/24, 10.78.2.2/24]`),
    'long-if.yaml': withLinks(`[${x}:abcdefghijklmnop, ${y}:l2, 10.78.1.0/24]`),
    'slash-if.yaml': withLinks(`[${x}:l/1, ${y}:l2, 10.78.1.0/24]`),
    'no-colon.yaml': withLinks(`[${x}, ${y}:l2, 10.78.1.0/24]`),
    // routes
    'route-not-neighbour.yaml': good('routes:', `  - { node: ${x}, to: default, via: 10.78.1.9 }`),
    'route-family.yaml': good('routes:', `  - { node: ${x}, to: 2001:db8::/64, via: 10.78.1.2 }`),
    'route-loop.yaml': good('routes:', `  - { node: ${x}, to: 10.78.9.0/24, via: 10.78.1.2 }`, `  - { node: ${y}, to: 10.78.9.0/24, via: 10.78.1.1 }`),
    'route-loop-default.yaml': good('routes:', `  - { node: ${y}, to: default, via: 10.78.1.1 }`),
    'route-own-subnet.yaml': good('routes:', `  - { node: ${x}, to: 10.78.1.0/24, via: 10.78.1.2 }`),
    'route-twice.yaml': good('routes:', `  - { node: ${x}, to: 10.78.9.0/24, via: 10.78.1.2 }`, `  - { node: ${x}, to: 10.78.9.0/24, via: 10.78.1.2 }`),
    // firewall, probes, forwarding
    'rule-table.yaml': good('firewall:', `  - { node: ${y}, rule: "-t nat -j DROP" }`),
    'rule-bundled.yaml': good('firewall:', `  - { node: ${y}, rule: "-ptcp -j DROP" }`),
    'probe-expect.yaml': good('probes:', `  - { from: ${x}, ping: ${z}, expect: maybe }`),
    'probe-ftp.yaml': good('probes:', `  - { from: ${x}, http: "ftp://10.78.2.2/" }`),
    'forwarding-twice.yaml': good(`forwarding: [${y}, ${y}]`),
    // names
    'node-dotdot.yaml': withNodes('".."', y),
    'node-slash.yaml': withNodes(`"${x}/etc"`, y),
    'node-unicode.yaml': withNodes('clïent', y),
    'node-space.yaml': withNodes(`"${x} b"`, y),
    'node-semicolon.yaml': withNodes(`"${x};reboot"`, y),
    'node-subst.yaml': withNodes('"$(reboot)"', y),
    'node-backtick.yaml': withNodes('"`reboot`"', y),
    'node-address.yaml': withNodes('10.78.0.1', y),
    'chain-name.yaml': lines('name: ../etc', `nodes: [${x}, ${y}]`, 'links:', `  - [${x}:l1, ${y}:l2, 10.78.1.0/24]`),
    'image-option.yaml': withNodes(`{ name: ${x}, image: "--privileged" }`, y),
    'serve-port.yaml': withNodes(`{ name: ${x}, serve: { port: 70000 } }`, y),
    // tutorials
    'tut-unclosed.yaml': tutorial('steps: [', ''),
    'tut-unknown.yaml': tutorial('nmae: x', ...step),
    'tut-verb.yaml': tutorial('steps:', '  - title: Typo', `    run: [kokoo -n ${x},l1 -n ${y},l2]`),
    'tut-setup-missing.yaml': tutorial('setup: missing.chain.yaml', ...step),
    'tut-setup-bad.yaml': tutorial('setup: overlap.yaml', ...step),
    'tut-setup-self.yaml': tutorial('setup: tut-setup-self.yaml', ...step),
    'tut-two-checks.yaml': tutorial('steps:', '  - title: Two', `    check: { ping: { from: ${x}, to: 10.78.1.2 }, command: ls }`),
    'tut-expect.yaml': tutorial('steps:', '  - title: Maybe', `    check: { ping: { from: ${x}, to: 10.78.1.2 }, expect: maybe }`),
    'tut-within.yaml': tutorial('steps:', '  - title: Long', `    check: { ping: { from: ${x}, to: 10.78.1.2 }, within: 60001 }`),
    'tut-setup-word.yaml': tutorial('steps:', '  - title: Where', '    run: ["chain status {setup}"]'),
    'tut-no-cleanup.yaml': tutorial(`setup: ["koko -n ${x},l1 -n ${y},l2"]`, ...step),
    'tut-empty-step.yaml': tutorial('steps:', '  - title: Nothing'),
    'tut-name.yaml': lines('name: a/b', 'title: T', ...step),
    'tut-demo.yaml': tutorial('steps:', '  - title: Demo', '    run: [demo]'),
    'tut-watch.yaml': tutorial('steps:', '  - title: Watch', `    run: [watch ping ${x} 10.78.1.2]`),
    'tut-quote.yaml': tutorial('steps:', '  - title: Quote', `    run: ["koro '${x} route show"]`),
    'tut-no-steps.yaml': tutorial('steps: []'),
    'tut-heal-watch.yaml': tutorial('setup: good.chain.yaml', 'steps:', '  - title: Forever', '    run: ["chain heal {setup} --watch"]'),
  };
}

/** Every case; the test filters out the docker ones when Docker is not there. */
export function badInputCases(fx: Fixtures): BadInputCase[] {
  const { a, b, missing, deadPid, dir } = fx;
  const f = (name: string) => join(dir, name);
  const cases: BadInputCase[] = [];
  const add = (verb: string, what: string, words: string[], names: string, exit: 1 | 2 | 3, extra: Partial<BadInputCase> = {}) => {
    cases.push({ verb, what, words, names, exit, ...extra });
  };

  // ---- koko: syntax and values (exit 2) ----
  const koko = (what: string, words: string[], names: string) => add('koko', what, ['koko', ...words], names, 2);
  koko('one endpoint only', ['-n', `${a},new1`], 'second endpoint');
  koko('no endpoints', [], 'nothing to do');
  koko('IPv4 prefix 33', ['-n', `${a},new1,10.77.3.1/33`, '-n', `${b},new2`], '10.77.3.1/33');
  koko('IPv4 prefix -1', ['-n', `${a},new1,10.77.3.1/-1`, '-n', `${b},new2`], '10.77.3.1/-1');
  koko('IPv4 octet 300', ['-n', `${a},new1,10.77.300.1/24`, '-n', `${b},new2`], '10.77.300.1');
  koko('IPv4 with three octets', ['-n', `${a},new1,10.77.3/24`, '-n', `${b},new2`], '10.77.3/24');
  koko('address without a prefix', ['-n', `${a},new1,10.77.3.1`, '-n', `${b},new2`], '10.77.3.1');
  koko('IPv6 prefix 129', ['-n', `${a},new1,2001:db8:77::5/129`, '-n', `${b},new2`], '2001:db8:77::5/129');
  koko('IPv6 with a bad hextet', ['-n', `${a},new1,2001:db8:zz::1/64`, '-n', `${b},new2`], '2001:db8:zz::1/64');
  koko('IPv6 with two ::', ['-n', `${a},new1,2001::db8::1/64`, '-n', `${b},new2`], '2001::db8::1/64');
  koko('IPv4 address with an IPv6 prefix length', ['-n', `${a},new1,10.77.3.1/64`, '-n', `${b},new2`], '10.77.3.1/64');
  koko('IPv6 zone id', ['-n', `${a},new1,fe80::1%eth0/64`, '-n', `${b},new2`], 'fe80::1%eth0');
  koko('one address given twice', ['-n', `${a},new1,10.77.3.1/24,10.77.3.1/24`, '-n', `${b},new2`], '10.77.3.1');
  koko('interface name of 16 bytes', ['-n', `${a},abcdefghijklmnop`, '-n', `${b},new2`], 'abcdefghijklmnop');
  koko('interface name with /', ['-n', `${a},new/1`, '-n', `${b},new2`], 'new/1');
  koko('interface name with a space', ['-n', `${a},new 1`, '-n', `${b},new2`], 'new 1');
  koko('interface name with ;', ['-n', `${a},x;reboot`, '-n', `${b},new2`], 'x;reboot');
  koko('interface name with $(...)', ['-n', `${a},$(reboot)`, '-n', `${b},new2`], '$(reboot)');
  koko('interface name with backticks', ['-n', `${a},\`id\``, '-n', `${b},new2`], '`id`');
  koko('interface name with a single quote', ['-n', `${a},it's`, '-n', `${b},new2`], "it's");
  koko('interface name with double quotes', ['-n', `${a},"q"`, '-n', `${b},new2`], '"q"');
  koko('interface name not ASCII', ['-n', `${a},liñk1`, '-n', `${b},new2`], 'liñk1');
  koko('interface name in Cyrillic', ['-n', `${a},етн0`, '-n', `${b},new2`], 'етн0');
  koko('interface name with a tab', ['-n', `${a},new\t1`, '-n', `${b},new2`], 'new\\t1');
  koko('interface name starting with -', ['-n', `${a},-x`, '-n', `${b},new2`], '-x');
  koko('interface name ..', ['-n', `${a},..`, '-n', `${b},new2`], '..');
  koko('interface name empty', ['-n', `${a},`, '-n', `${b},new2`], 'interface name');
  koko('namespace ..', ['-n', '..,new1', '-n', `${b},new2`], '..');
  koko('namespace with /', ['-n', '../etc,new1', '-n', `${b},new2`], '../etc');
  koko('namespace path relative', ['-a', 'proc/1/ns/net,new1', '-n', `${b},new2`], 'proc/1/ns/net');
  koko('namespace path with ..', ['-a', '/var/run/netns/../../etc/passwd,new1', '-n', `${b},new2`], '/var/run/netns/../../etc/passwd');
  koko('pid 0', ['-p', '0,new1', '-n', `${b},new2`], '"0"');
  koko('pid not a number', ['-p', 'abc,new1', '-n', `${b},new2`], 'abc');
  koko('pid out of range', ['-p', '99999999,new1', '-n', `${b},new2`], '99999999');
  koko('container name with a space', ['-d', 'my container,new1', '-n', `${b},new2`], 'my container');
  koko('unknown option', ['-n', `${a},new1`, '-n', `${b},new2`, '--frob'], '--frob');
  koko('unknown short option', ['-z', `${a},new1`, '-n', `${b},new2`], '-z');
  koko('a stray word', ['-n', `${a},new1`, 'stray', '-n', `${b},new2`], 'stray');
  koko('three endpoints', ['-n', `${a},new1`, '-n', `${b},new2`, '-n', `${b},new3`], 'third');
  koko('both ends one interface', ['-n', `${a},new1`, '-n', `${a},new1`], 'new1');
  koko('create and delete at once', ['-n', `${a},new1`, '-N', `${b},link2`], 'creates');
  koko('two deletes', ['-N', `${a},link1`, '-N', `${b},link2`], 'one link at a time');
  koko('delete with an address', ['-N', `${a},link1,10.77.1.1/24`], '-N takes only');
  koko('option without a value', ['-n', `${a},new1`, '-n'], '-n needs a value');
  koko('MTU below 68', ['-n', `${a},new1`, '-n', `${b},new2`, '--mtu', '10'], '"10"');
  koko('MTU not a number', ['-n', `${a},new1`, '-n', `${b},new2`, '--mtu', 'big'], 'big');
  koko('vxlan remote not an address', ['-n', `${a},vx1`, '-x', 'eth0,10.77.999.1,5'], '10.77.999.1');
  koko('vxlan VNI too big', ['-n', `${a},vx1`, '-x', 'eth0,10.77.3.9,16777216'], '16777216');
  koko('vxlan port 0', ['-n', `${a},vx1`, '-x', 'eth0,10.77.3.9,5,port=0'], 'port "0"');
  koko('vxlan unknown option', ['-n', `${a},vx1`, '-x', 'eth0,10.77.3.9,5,ttl=3'], 'ttl=3');
  koko('vxlan without VNI', ['-n', `${a},vx1`, '-x', 'eth0,10.77.3.9'], 'VNI');
  koko('vxlan parent with /', ['-n', `${a},vx1`, '-x', 'eth/0,10.77.3.9,5'], 'eth/0');
  koko('vlan id 0', ['-n', `${a},vl1`, '-V', 'eth0,0'], '"0"');
  koko('vlan id 4095', ['-n', `${a},vl1`, '-V', 'eth0,4095'], '4095');
  koko('vlan id not a number', ['-n', `${a},vl1`, '-V', 'eth0,ten'], 'ten');
  koko('macvlan mode unknown', ['-n', `${a},mv1`, '-M', 'eth0,sideways'], 'sideways');
  koko('macvlan without a mode', ['-n', `${a},mv1`, '-M', 'eth0'], 'MODE');
  koko('vxlan and vlan together', ['-n', `${a},vx1`, '-x', 'eth0,10.77.3.9,5', '-V', 'eth0,5'], '-x');
  koko('vxlan with two endpoints', ['-n', `${a},vx1`, '-n', `${b},vx2`, '-x', 'eth0,10.77.3.9,5'], 'one endpoint');
  koko('mirror direction unknown', ['-n', `${a},new1,mirror:sideways:link1`, '-n', `${b},new2`], 'mirror:sideways:link1');
  koko('mirror source with /', ['-n', `${a},new1,mirror:ingress:a/b`, '-n', `${b},new2`], 'a/b');
  koko('mirror given twice', ['-n', `${a},new1,mirror:both:link1,mirror:ingress:link1`, '-n', `${b},new2`], 'ingress');

  // ---- koko: against what exists (checked before anything changes) ----
  add('koko', 'first end name taken', ['koko', '-n', `${a},link1`, '-n', `${b},new2`], 'link1', 1);
  add('koko', 'second end name taken', ['koko', '-n', `${a},new1,10.77.50.1/24`, '-n', `${b},link2`], 'link2', 1);
  add('koko', 'lo is taken', ['koko', '-n', `${a},lo`, '-n', `${b},new2`], 'lo', 1);
  add('koko', 'host end name taken', ['koko', '-c', 'lo', '-n', `${a},new1`], 'lo', 1);
  add('koko', 'delete what is not there', ['koko', '-N', `${a},nosuch`], 'nosuch', 1);
  add('koko', 'delete on the host what is not there', ['koko', '-C', 'cmtnosuch0'], 'cmtnosuch0', 1);
  add('koko', 'vxlan parent not in the host', ['koko', '-n', `${a},vx1`, '-x', 'cmtnoparent,10.77.3.9,5'], 'cmtnoparent', 1);
  add('koko', 'vlan parent not in the host', ['koko', '-n', `${a},vl1`, '-V', 'cmtnoparent,5'], 'cmtnoparent', 1);
  add('koko', 'macvlan parent not in the host', ['koko', '-n', `${a},mv1`, '-M', 'cmtnoparent,bridge'], 'cmtnoparent', 1);
  add('koko', 'unknown namespace', ['koko', '-n', `${missing},new1`, '-n', `${a},new2`], missing, 3);
  add('koko', 'second end unknown, first fine', ['koko', '-n', `${a},new1,10.77.51.1/24`, '-n', `${missing},new2`], missing, 3);
  add('koko', 'pid that does not exist', ['koko', '-p', `${deadPid},new1`, '-n', `${a},new2`], String(deadPid), 3);
  add('koko', 'namespace path that does not exist', ['koko', '-a', `/proc/${deadPid}/ns/net,new1`, '-n', `${a},new2`], `/proc/${deadPid}/ns/net`, 3);
  add('koko', 'delete in an unknown namespace', ['koko', '-N', `${missing},link1`], missing, 3);

  // ---- koro: syntax and values (exit 2) ----
  const koro = (what: string, words: string[], names: string) => add('koro', what, ['koro', ...words], names, 2);
  koro('nothing after koro', [], 'missing target');
  koro('an option for a target', ['--frob', 'address', 'show'], '--frob');
  koro('netns without a name', ['netns'], '"netns" needs a name');
  koro('object misspelt', ['netns', a, 'adress', 'add', '10.77.3.1/24', 'dev', 'link1'], 'adress');
  koro('action misspelt', ['netns', a, 'address', 'ad', '10.77.3.1/24', 'dev', 'link1'], '"ad"');
  koro('no action', ['netns', a, 'address'], 'missing action');
  koro('address missing', ['netns', a, 'address', 'add'], 'missing the address');
  koro('address without prefix', ['netns', a, 'address', 'add', '10.77.3.1', 'dev', 'link1'], '10.77.3.1');
  koro('address prefix 33', ['netns', a, 'address', 'add', '10.77.3.1/33', 'dev', 'link1'], '10.77.3.1/33');
  koro('address octet 256', ['netns', a, 'address', 'add', '256.77.3.1/24', 'dev', 'link1'], '256.77.3.1');
  koro('address with junk after the prefix', ['netns', a, 'address', 'add', '10.77.3.1/24x', 'dev', 'link1'], '10.77.3.1/24x');
  koro('IPv6 address prefix 200', ['netns', a, 'address', 'add', '2001:db8:77::9/200', 'dev', 'link1'], '2001:db8:77::9/200');
  koro('address missing dev', ['netns', a, 'address', 'add', '10.77.3.1/24'], 'dev IF');
  koro('dev without a value', ['netns', a, 'address', 'add', '10.77.3.1/24', 'dev'], '"dev" needs a value');
  koro('dev with /', ['netns', a, 'address', 'add', '10.77.3.1/24', 'dev', 'link/1'], 'link/1');
  koro('dev with a space', ['netns', a, 'address', 'add', '10.77.3.1/24', 'dev', 'link 1'], 'link 1');
  koro('dev with $(...)', ['netns', a, 'address', 'add', '10.77.3.1/24', 'dev', '$(id)'], '$(id)');
  koro('dev too long', ['netns', a, 'address', 'add', '10.77.3.1/24', 'dev', 'a-very-long-ifname'], 'a-very-long-ifname');
  koro('dev not ASCII', ['netns', a, 'address', 'add', '10.77.3.1/24', 'dev', 'línk1'], 'línk1');
  koro('dev given twice', ['netns', a, 'address', 'add', '10.77.3.1/24', 'dev', 'link1', 'dev', 'link1'], '"dev" given twice');
  koro('via for an address', ['netns', a, 'address', 'add', '10.77.3.1/24', 'via', '10.77.1.2'], '"via"');
  koro('address show with a stray word', ['netns', a, 'address', 'show', 'extra'], 'extra');
  koro('route with neither via nor dev', ['netns', a, 'route', 'add', '10.77.8.0/24'], 'via GW');
  koro('route with host bits', ['netns', a, 'route', 'add', '10.77.8.5/24', 'via', '10.77.1.2'], '10.77.8.5/24');
  koro('IPv4 route via an IPv6 gateway', ['netns', a, 'route', 'add', '10.77.8.0/24', 'via', '2001:db8:77::2'], '2001:db8:77::2');
  koro('IPv6 route via an IPv4 gateway', ['netns', a, 'route', 'add', '2001:db8:78::/64', 'via', '10.77.1.2'], '10.77.1.2');
  koro('gateway not an address', ['netns', a, 'route', 'add', 'default', 'via', '300.77.1.2'], '300.77.1.2');
  koro('default misspelt', ['netns', a, 'route', 'add', 'defualt', 'via', '10.77.1.2'], 'defualt');
  koro('gateway keyword misspelt', ['netns', a, 'route', 'add', '10.77.8.0/24', 'gateway', '10.77.1.2'], 'gateway');
  koro('via without a value', ['netns', a, 'route', 'add', '10.77.8.0/24', 'via'], '"via" needs a value');
  koro('route show with a stray word', ['netns', a, 'route', 'show', 'table'], 'table');
  koro('unknown target kind', ['container', a, 'route', 'show'], 'container');
  koro('pid 0', ['pid', '0', 'route', 'show'], '"0"');
  koro('pid not a number', ['pid', 'abc', 'route', 'show'], 'abc');
  koro('namespace ..', ['netns', '..', 'route', 'show'], '..');
  koro('namespace with /', ['netns', 'a/b', 'route', 'show'], 'a/b');
  koro('ipnetns with ../', ['ipnetns', '../../etc', 'route', 'show'], '../../etc');
  koro('netns: word with ..', ['netns:..', 'route', 'show'], '..');
  koro('docker name with ;', ['docker', 'x;reboot', 'route', 'show'], 'x;reboot');
  koro('bare name not ASCII', ['nämespace', 'route', 'show'], 'nämespace');

  // ---- koro: against what exists ----
  add('koro', 'address already there', ['koro', 'netns', a, 'address', 'add', '10.77.1.1/24', 'dev', 'link1'], '10.77.1.1/24', 1);
  add('koro', 'IPv6 address already there', ['koro', 'netns', a, 'address', 'add', '2001:db8:77::1/64', 'dev', 'link1'], '2001:db8:77::1/64', 1);
  add('koro', 'host address already there', ['koro', 'address', 'add', '127.0.0.1/8', 'dev', 'lo'], '127.0.0.1/8', 1);
  add('koro', 'delete an address not there', ['koro', 'netns', a, 'address', 'del', '10.77.5.1/24', 'dev', 'link1'], '10.77.5.1/24', 1);
  add('koro', 'delete an IPv6 address not there', ['koro', 'netns', b, 'address', 'del', '2001:db8:77::9/64', 'dev', 'link2'], '2001:db8:77::9/64', 1);
  add('koro', 'address on an interface not there', ['koro', 'netns', a, 'address', 'add', '10.77.5.1/24', 'dev', 'nosuch'], 'nosuch', 1);
  add('koro', 'show an interface not there', ['koro', 'netns', a, 'address', 'show', 'dev', 'nosuch'], 'nosuch', 1);
  add('koro', 'route via an unreachable gateway', ['koro', 'netns', a, 'route', 'add', '10.77.8.0/24', 'via', '10.99.0.1'], '10.99.0.1', 1);
  add('koro', 'route via an unreachable gateway on a dev', ['koro', 'netns', a, 'route', 'add', '10.77.8.0/24', 'via', '10.99.0.1', 'dev', 'link1'], '10.99.0.1', 1);
  add('koro', 'default via an unreachable gateway', ['koro', 'netns', b, 'route', 'add', 'default', 'via', '10.99.0.1'], '10.99.0.1', 1);
  add('koro', 'route already there', ['koro', 'netns', a, 'route', 'add', '10.77.9.0/24', 'via', '10.77.1.2', 'dev', 'link1'], '10.77.9.0/24', 1);
  add('koro', 'route on an interface not there', ['koro', 'netns', a, 'route', 'add', '10.77.8.0/24', 'dev', 'nosuch'], 'nosuch', 1);
  add('koro', 'delete a route not there', ['koro', 'netns', a, 'route', 'del', '10.77.7.0/24'], '10.77.7.0/24', 1);
  add('koro', 'delete a default route not there', ['koro', 'netns', b, 'route', 'del', 'default'], 'default', 1);
  add('koro', 'delete a host route not there', ['koro', 'route', 'del', '10.77.202.0/24'], '10.77.202.0/24', 1);
  add('koro', 'unknown namespace', ['koro', 'netns', missing, 'address', 'show'], missing, 3);
  add('koro', 'unknown bare name', ['koro', missing, 'route', 'show'], missing, 3);
  add('koro', 'pid that does not exist', ['koro', 'pid', String(deadPid), 'route', 'show'], String(deadPid), 3);
  add('koro', 'namespace path that does not exist', ['koro', `/proc/${deadPid}/ns/net`, 'route', 'show'], `/proc/${deadPid}/ns/net`, 3);

  // ---- forward ----
  add('forward', 'no target', ['forward'], 'missing target', 2);
  add('forward', 'setting misspelt', ['forward', a, 'onn'], 'onn', 2);
  add('forward', 'setting in capitals', ['forward', a, 'ON'], 'ON', 2);
  add('forward', 'a stray word', ['forward', a, 'on', 'now'], 'now', 2);
  add('forward', 'unknown option', ['forward', a, 'on', '--force'], '--force', 2);
  add('forward', 'namespace ..', ['forward', 'netns', '..', 'on'], '..', 2);
  add('forward', 'unknown namespace', ['forward', missing, 'on'], missing, 3);
  add('forward', 'pid that does not exist', ['forward', `pid:${deadPid}`, 'on'], String(deadPid), 3);

  // ---- fw ----
  add('fw', 'no action', ['fw', a], 'missing "list", "add" or "del"', 2);
  add('fw', 'action unknown', ['fw', a, 'flush'], 'flush', 2);
  add('fw', 'add without a rule', ['fw', a, 'add'], 'needs a rule', 2);
  add('fw', 'another table', ['fw', a, 'add', '-t', 'nat', '-j', 'DROP'], '-t', 2);
  add('fw', 'another chain', ['fw', a, 'add', '-A', 'INPUT', '-j', 'DROP'], '-A', 2);
  add('fw', 'flush in a rule', ['fw', a, 'add', '-F'], '-F', 2);
  add('fw', 'long table option', ['fw', a, 'add', '--table=nat', '-j', 'DROP'], '--table=nat', 2);
  add('fw', 'abbreviated long option', ['fw', a, 'add', '--tab', 'nat', '-j', 'DROP'], '--tab', 2);
  add('fw', 'modprobe', ['fw', a, 'add', '--modprobe=/bin/sh', '-j', 'DROP'], '--modprobe=/bin/sh', 2);
  add('fw', 'option glued to its value', ['fw', a, 'add', '-ptcp', '-j', 'DROP'], '-ptcp', 2);
  add('fw', 'a line break in a word', ['fw', a, 'add', '-p', 'icmp\n-F', '-j', 'DROP'], 'icmp\\n-F', 2);
  add('fw', 'rule number 0', ['fw', a, 'del', '0'], '"0"', 2);
  add('fw', 'del of a word that is neither a number nor an option', ['fw', a, 'del', 'abc'], '"abc"', 2);
  add('fw', 'list with a stray word', ['fw', a, 'list', 'all'], 'all', 2);
  add('fw', 'rule number not there', ['fw', a, 'del', '3'], 'rule number 3', 1);
  add('fw', 'rule not there', ['fw', a, 'del', '-p', 'udp', '-j', 'DROP'], '-p udp -j DROP', 1);
  add('fw', 'target iptables does not know', ['fw', a, 'add', '-p', 'icmp', '-j', 'NOSUCHTARGET'], 'NOSUCHTARGET', 1);
  add('fw', 'protocol with ;', ['fw', a, 'add', '-p', 'icmp;reboot', '-j', 'DROP'], 'icmp;reboot', 1);
  add('fw', 'unknown namespace', ['fw', missing, 'list'], missing, 3);

  // ---- ls ----
  add('ls', 'a stray word', ['ls', 'all'], 'all', 2);
  add('ls', 'unknown long option', ['ls', '--all'], '--all', 2);
  add('ls', 'unknown short option', ['ls', '-l'], '-l', 2);
  add('ls', 'a stray word after --json', ['ls', '--json', 'x'], '"x"', 2);

  // ---- routes ----
  add('routes', 'no target', ['routes'], 'missing target', 2);
  add('routes', 'a stray word', ['routes', a, 'main'], 'main', 2);
  add('routes', 'unknown option', ['routes', a, '--table'], '--table', 2);
  add('routes', 'name with a space', ['routes', 'my ns'], 'my ns', 2);
  add('routes', 'namespace with ../', ['routes', 'netns', '../etc'], '../etc', 2);
  add('routes', 'unknown namespace', ['routes', missing], missing, 3);
  add('routes', 'pid that does not exist', ['routes', 'pid', String(deadPid)], String(deadPid), 3);
  add('routes', 'namespace path that does not exist', ['routes', `/var/run/netns/${missing}`], missing, 3);

  // ---- ping ----
  add('ping', 'no address', ['ping', a], 'missing the address', 2);
  add('ping', 'address with three octets', ['ping', a, '10.77.1'], '10.77.1', 2);
  add('ping', 'octet 300', ['ping', a, '10.77.1.300'], '10.77.1.300', 2);
  add('ping', 'a CIDR', ['ping', a, '10.77.1.2/24'], '10.77.1.2/24', 2);
  add('ping', 'a zone id', ['ping', a, 'fe80::1%link1'], 'fe80::1%link1', 2);
  add('ping', 'a URL', ['ping', a, 'http://10.77.1.2/'], 'http://10.77.1.2/', 2);
  add('ping', 'count 0', ['ping', a, '10.77.1.2', '-c', '0'], '"0"', 2);
  add('ping', 'count 1001', ['ping', a, '10.77.1.2', '-c', '1001'], '1001', 2);
  add('ping', 'count not a number', ['ping', a, '10.77.1.2', '-c', 'many'], 'many', 2);
  add('ping', 'count missing', ['ping', a, '10.77.1.2', '-c'], 'bad count', 2);
  add('ping', 'two addresses', ['ping', a, '10.77.1.2', '10.77.1.1'], '10.77.1.1', 2);
  add('ping', 'unknown option', ['ping', a, '10.77.1.2', '-W', '1'], '-W', 2);
  add('ping', 'unknown namespace', ['ping', missing, '10.77.1.2'], missing, 3);
  add('ping', 'pid that does not exist', ['ping', 'pid', String(deadPid), '10.77.1.2'], String(deadPid), 3);

  // ---- probe ----
  add('probe', 'no URL', ['probe', a], 'missing the URL', 2);
  add('probe', 'ftp URL', ['probe', a, 'ftp://10.77.1.2/'], 'ftp://10.77.1.2/', 2);
  add('probe', 'file URL', ['probe', a, 'file:///etc/passwd'], 'file:///etc/passwd', 2);
  add('probe', 'unclosed IPv6 host', ['probe', a, 'http://[2001:db8:77::2/'], 'http://[2001:db8:77::2/', 2);
  add('probe', 'port out of range', ['probe', a, 'http://10.77.1.2:99999/'], 'http://10.77.1.2:99999/', 2);
  add('probe', 'timeout 0', ['probe', a, 'http://10.77.1.2/', '--timeout', '0'], '"0"', 2);
  add('probe', 'timeout not a number', ['probe', a, 'http://10.77.1.2/', '--timeout', 'soon'], 'soon', 2);
  add('probe', 'two URLs', ['probe', a, 'http://10.77.1.2/', 'http://10.77.1.1/'], 'http://10.77.1.1/', 2);
  add('probe', 'unknown option', ['probe', a, 'http://10.77.1.2/', '--insecure'], '--insecure', 2);
  add('probe', 'unknown namespace', ['probe', missing, 'http://10.77.1.2/'], missing, 3);

  // ---- kill ----
  add('kill', 'no target', ['kill'], 'missing target', 2);
  add('kill', 'a pid', ['kill', 'pid', '1'], 'pid 1', 2);
  add('kill', 'the host', ['kill', 'host'], 'host', 2);
  add('kill', 'a namespace path', ['kill', '/proc/1/ns/net'], '/proc/1/ns/net', 2);
  add('kill', 'namespace ..', ['kill', 'netns', '..'], '..', 2);
  add('kill', 'a stray word', ['kill', a, 'now'], 'now', 2);
  add('kill', 'unknown option', ['kill', a, '--force'], '--force', 2);
  add('kill', 'unknown namespace', ['kill', missing], missing, 3);
  add('kill', 'unknown netns target', ['kill', 'netns', missing], missing, 3);

  // ---- chain: the command line ----
  add('chain', 'no action', ['chain'], 'missing action', 2);
  add('chain', 'action unknown', ['chain', 'start', f('good.chain.yaml')], 'start', 2);
  add('chain', 'no file', ['chain', 'up'], 'needs a chain file', 2);
  add('chain', 'two files', ['chain', 'up', f('good.chain.yaml'), f('overlap.yaml')], f('overlap.yaml'), 2);
  add('chain', 'file not there', ['chain', 'up', f('missing.yaml')], f('missing.yaml'), 2);
  add('chain', 'a directory', ['chain', 'status', dir], dir, 2);
  add('chain', 'unknown option', ['chain', 'up', f('good.chain.yaml'), '--force'], '--force', 2);
  add('chain', 'option of another action', ['chain', 'status', f('good.chain.yaml'), '--dry-run'], '--dry-run', 2);
  add('chain', 'down --watch', ['chain', 'down', f('good.chain.yaml'), '--watch'], '--watch', 2);
  add('chain', 'policy unknown', ['chain', 'heal', f('good.chain.yaml'), '--policy', 'sideways'], 'sideways', 2);
  add('chain', 'image that is an option', ['chain', 'up', f('good.chain.yaml'), '--image', '--privileged'], '--image needs a value', 2);
  add('chain', 'image with $(...)', ['chain', 'up', f('good.chain.yaml'), '--image=$(reboot)'], '$(reboot)', 2);
  add('chain', 'heal a chain that is not up', ['chain', 'heal', f('good.chain.yaml')], `cmt-in${fx.tag}`, 1);

  // ---- chain files, through every action that reads one ----
  const fileCases: [string, string, string][] = [
    ['unclosed.yaml', 'unclosed flow sequence', 'not valid YAML'],
    ['tabs.yaml', 'tabs as indentation', 'Tabs'],
    ['two-docs.yaml', 'two YAML documents', 'second one'],
    ['empty.yaml', 'empty file', 'empty'],
    ['list.yaml', 'a list, not a mapping', 'must be a mapping'],
    ['alias-cycle.yaml', 'a YAML alias cycle in nodes', 'nodes[1]: a YAML alias'],
    ['binary.yaml', 'a binary name', 'name'],
    ['unknown-top.yaml', 'unknown top-level field', 'colour'],
    ['typo-top.yaml', 'misspelt field', 'nodse'],
    ['unknown-node-field.yaml', 'unknown node field', 'imgae'],
    ['unknown-link-field.yaml', 'unknown link field', 'subnte'],
    ['dup-node.yaml', 'duplicate node names', `"${nodeName(fx, 'x')}" is already a node`],
    ['dup-if.yaml', 'duplicate interface names', '"l1"'],
    ['overlap.yaml', 'overlapping subnets', '10.78.0.0/16'],
    ['same-subnet.yaml', 'one subnet twice', '10.78.1.0/24 overlaps'],
    ['overlap-v6.yaml', 'overlapping IPv6 subnets', '2001:db8:78::/48'],
    ['not-a-node.yaml', 'a link to a node not listed', nodeName(fx, 'firewal')],
    ['self-link.yaml', 'a link from a node to itself', 'both ends are on'],
    ['host-bits.yaml', 'a subnet with host bits', '10.78.1.5/24'],
    ['prefix-33.yaml', 'prefix 33', '10.78.1.0/33'],
    ['prefix-32.yaml', 'a /32 link', 'room for one'],
    ['v6-129.yaml', 'IPv6 prefix 129', '2001:db8:78::/129'],
    ['bad-octet.yaml', 'octet 300', '10.78.300.0'],
    ['family-mix.yaml', 'IPv4 and IPv6 ends', 'not of one address family'],
    ['two-subnets.yaml', 'ends in two subnets', 'not in one subnet'],
    ['long-if.yaml', 'interface name of 16 bytes', 'abcdefghijklmnop'],
    ['slash-if.yaml', 'interface name with /', 'l/1'],
    ['no-colon.yaml', 'an end without an interface', nodeName(fx, 'x')],
    ['route-not-neighbour.yaml', 'a gateway that is no neighbour', '10.78.1.9'],
    ['route-family.yaml', 'an IPv6 route via IPv4', '2001:db8::/64'],
    ['route-loop.yaml', 'two routes in a loop', 'goes round in a loop'],
    ['route-loop-default.yaml', 'a default route back into the chain', 'goes round in a loop'],
    ['route-own-subnet.yaml', 'a route to its own subnet', '10.78.1.0/24'],
    ['route-twice.yaml', 'the same route twice', '10.78.9.0/24'],
    ['rule-table.yaml', 'a firewall rule for another table', '-t'],
    ['rule-bundled.yaml', 'a firewall option glued to its value', '-ptcp'],
    ['probe-expect.yaml', 'a probe expecting maybe', 'maybe'],
    ['probe-ftp.yaml', 'an ftp probe', 'ftp://10.78.2.2/'],
    ['forwarding-twice.yaml', 'forwarding listed twice', 'listed twice'],
    ['node-dotdot.yaml', 'node named ..', '".."'],
    ['node-slash.yaml', 'node name with /', `${nodeName(fx, 'x')}/etc`],
    ['node-unicode.yaml', 'node name not ASCII', 'clïent'],
    ['node-space.yaml', 'node name with a space', `${nodeName(fx, 'x')} b`],
    ['node-semicolon.yaml', 'node name with ;', `${nodeName(fx, 'x')};reboot`],
    ['node-subst.yaml', 'node name with $(...)', '$(reboot)'],
    ['node-backtick.yaml', 'node name with backticks', '`reboot`'],
    ['node-address.yaml', 'node named like an address', '10.78.0.1'],
    ['chain-name.yaml', 'chain name with ../', '../etc'],
    ['image-option.yaml', 'an image that is an option', '--privileged'],
    ['serve-port.yaml', 'port 70000', '70000'],
  ];
  fileCases.forEach(([file, what, names], i) => {
    add('chain', `up: ${what}`, ['chain', 'up', f(file)], names, 2);
    // every third file also through one of the other readers: status, down, heal, export
    if (i % 3 !== 0) return;
    const action = ['status', 'down', 'heal', 'export'][(i / 3) % 4]!;
    if (action === 'export') add('export', `export: ${what}`, ['export', f(file), '--format', 'mermaid'], names, 2);
    else add('chain', `${action}: ${what}`, ['chain', action, f(file)], names, 2);
  });
  // the corpus (issue 17): every file names FILE:LINE:; chain files through chain up (a few also status and export), tutorials through tutorial
  corpusCases()
    .filter((k) => k.via !== 'docker')
    .forEach((k, i) => {
      const at = { file: f(k.file), ...(k.line !== undefined ? { line: k.line } : {}) };
      const prompt = k.kind === 'tutorial' ? { promptNames: '"tutorial" opens its own UI', cliOnly: 'the prompt refuses "tutorial" before it reads the file' } : {};
      if (k.kind === 'tutorial') add('tutorial', `corpus: ${k.what}`, ['tutorial', f(k.file)], k.names, 2, { ...prompt, at });
      else add('chain', `corpus up: ${k.what}`, ['chain', 'up', f(k.file)], k.names, 2, { at });
      if (k.kind === 'chain' && k.via === 'loader' && i % 5 === 0) {
        if (i % 10 === 0) add('chain', `corpus status: ${k.what}`, ['chain', 'status', f(k.file)], k.names, 2, { at });
        else add('export', `corpus export: ${k.what}`, ['export', f(k.file), '--format', 'json'], k.names, 2, { at });
      }
    });
  add('chain', 'up --dry-run of a loop', ['chain', 'up', f('route-loop.yaml'), '--dry-run'], 'goes round in a loop', 2);
  add('chain', 'heal --watch of a bad file', ['chain', 'heal', f('overlap.yaml'), '--watch'], '10.78.0.0/16', 2, { promptNames: '--watch' });
  add('chain', 'heal --policy reattach of a bad file', ['chain', 'heal', f('overlap.yaml'), '--policy', 'reattach'], '10.78.0.0/16', 2, { promptNames: 'reattach' });

  // ---- export ----
  add('export', 'nothing', ['export'], '--format', 2);
  add('export', 'no format', ['export', f('good.chain.yaml')], '--format', 2);
  add('export', 'format unknown', ['export', f('good.chain.yaml'), '--format', 'svg'], 'svg', 2);
  add('export', 'format without a value', ['export', f('good.chain.yaml'), '--format'], '--format needs a value', 2);
  add('export', 'file and --live', ['export', f('good.chain.yaml'), '--live', '--format', 'json'], '--live', 2);
  add('export', 'neither file nor --live', ['export', '--format', 'json'], '--live', 2);
  add('export', 'two files', ['export', f('good.chain.yaml'), f('overlap.yaml'), '--format', 'json'], f('overlap.yaml'), 2);
  add('export', 'unknown option', ['export', f('good.chain.yaml'), '--format', 'json', '--pretty'], '--pretty', 2);
  add('export', 'file not there', ['export', f('missing.yaml'), '--format', 'json'], f('missing.yaml'), 2);

  // ---- demo: flags only (the prompt refuses demo whatever follows, naming it: one case shows that) ----
  const demoRefused = 'the prompt refuses "demo" before it reads the rest (the first demo case shows it)';
  add('demo', 'unknown option', ['demo', '--bogus'], '--bogus', 2, { promptNames: '"demo" opens its own UI' });
  add('demo', 'a stray word', ['demo', 'now'], 'now', 2, { cliOnly: demoRefused });
  add('demo', 'a flag with a value', ['demo', '--keep=yes'], '--keep=yes', 2, { cliOnly: demoRefused });
  add('demo', 'a short option', ['demo', '-d'], '-d', 2, { cliOnly: demoRefused });

  // ---- tutorial: the command line and tutorial files (the prompt refuses tutorial, naming it) ----
  const tut = { promptNames: '"tutorial" opens its own UI' };
  add('tutorial', 'no such tutorial', ['tutorial', 'warm-upp'], 'warm-upp', 2, tut);
  add('tutorial', 'two tutorials', ['tutorial', 'warm-up', 'service-chain'], 'service-chain', 2, tut);
  add('tutorial', 'delay not a number', ['tutorial', 'warm-up', '--delay', 'slow'], 'slow', 2, tut);
  add('tutorial', 'negative delay', ['tutorial', 'warm-up', '--delay', '-5'], '-5', 2, tut);
  add('tutorial', 'delay without a value', ['tutorial', 'warm-up', '--delay'], '--delay needs a value', 2, tut);
  add('tutorial', 'unknown option', ['tutorial', 'warm-up', '--fast'], '--fast', 2, tut);
  add('tutorial', 'file not there', ['tutorial', f('missing-tutorial.yaml')], f('missing-tutorial.yaml'), 2, tut);
  const tutorialFiles: [string, string, string][] = [
    ['tut-unclosed.yaml', 'malformed YAML', 'not valid YAML'],
    ['tut-unknown.yaml', 'unknown field', 'nmae'],
    ['tut-verb.yaml', 'a line with an unknown verb', 'kokoo'],
    ['tut-setup-missing.yaml', 'a setup chain file not there', 'missing.chain.yaml'],
    ['tut-setup-bad.yaml', 'a setup chain file with overlapping subnets', '10.78.0.0/16'],
    ['tut-setup-self.yaml', 'a setup that is the tutorial itself', 'tut-setup-self.yaml is not a good chain file'],
    ['tut-two-checks.yaml', 'a check of two kinds', 'not both'],
    ['tut-expect.yaml', 'a check expecting maybe', 'maybe'],
    ['tut-within.yaml', 'a check window over a minute', '60001'],
    ['tut-setup-word.yaml', '{setup} without a setup file', '{setup}'],
    ['tut-no-cleanup.yaml', 'setup lines without cleanup', 'cleanup'],
    ['tut-empty-step.yaml', 'a step that does nothing', 'run'],
    ['tut-name.yaml', 'a name with /', 'a/b'],
    ['tut-demo.yaml', 'a step running demo', '"demo"'],
    ['tut-watch.yaml', 'a step running watch', '"watch"'],
    ['tut-quote.yaml', 'a line with an unterminated quote', 'unterminated'],
    ['tut-no-steps.yaml', 'no steps', 'steps'],
    ['tut-heal-watch.yaml', 'a step healing forever', '--watch'],
  ];
  // the prompt refuses "tutorial" before it reads the file: a few cases show that, the rest are the CLI's
  const tutRefused = { cliOnly: 'the prompt refuses "tutorial" before it reads the file (the first tutorial files show it)' };
  tutorialFiles.forEach(([file, what, names], i) => add('tutorial', what, ['tutorial', f(file)], names, 2, i < 3 ? tut : tutRefused));

  // ---- unknown verbs and options ----
  add('verbs', 'verb misspelt', ['kokoo', '-n', `${a},new1`], 'kokoo', 2);
  add('verbs', 'verb unknown', ['connect', a, b], 'connect', 2);
  add('verbs', 'verb in capitals', ['KORO', 'netns', a, 'route', 'show'], 'KORO', 2);
  add('verbs', 'verb with ;', ['ls;reboot'], 'ls;reboot', 2);
  add('verbs', 'verb with $(...)', ['$(reboot)'], '$(reboot)', 2);
  add('verbs', 'verb with backticks', ['`reboot`'], '`reboot`', 2);
  add('verbs', 'verb not ASCII', ['kökö'], 'kökö', 2);
  add('verbs', 'an unknown long option first', ['--frob'], '--frob', 2);
  add('verbs', 'an unknown short option first', ['-x', 'ls'], '-x', 2);
  add('verbs', 'ui with a word', ['ui', 'now'], 'ui', 2, { promptNames: '"ui" opens its own UI' });
  add('verbs', 'help for no verb', ['help', 'frobnicate'], 'frobnicate', 2, { cliOnly: 'the prompt answers help with "press ?"' });
  add('verbs', 'an empty verb', [''], 'unknown verb ""', 2, { cliOnly: 'an empty prompt line is no command at all' });

  // ---- docker targets: a container that exists but was never started ----
  if (fx.stopped && fx.twin) {
    const { stopped, twin } = fx;
    const d = (verb: string, what: string, words: string[], names: string, exit: 1 | 2 | 3 = 3) => add(verb, what, words, names, exit, { docker: true });
    d('koko', 'stopped container end', ['koko', '-d', `${stopped},new1`, '-n', `${a},new2`], stopped);
    d('koko', 'second end a stopped container, with an address', ['koko', '-n', `${a},new1`, '-d', `${stopped},new2,10.77.52.2/24`], stopped);
    d('koko', 'delete in a stopped container', ['koko', '-D', `${stopped},eth0`], stopped);
    d('koko', 'unknown container', ['koko', '-d', `${missing},new1`, '-n', `${a},new2`], missing);
    d('koro', 'stopped container', ['koro', 'docker', stopped, 'address', 'show'], stopped);
    d('koro', 'stopped container, bare name', ['koro', stopped, 'route', 'add', 'default', 'via', '10.77.1.2'], stopped);
    d('forward', 'stopped container', ['forward', stopped, 'on'], stopped);
    d('fw', 'stopped container', ['fw', `docker:${stopped}`, 'add', '-p', 'icmp', '-j', 'DROP'], stopped);
    d('routes', 'stopped container', ['routes', 'docker', stopped], stopped);
    d('ping', 'stopped container', ['ping', stopped, '10.77.1.2'], stopped);
    d('probe', 'stopped container', ['probe', stopped, 'http://10.77.1.2/'], stopped);
    d('kill', 'stopped container', ['kill', stopped], stopped);
    d('routes', 'a name that is a container and a namespace', ['routes', twin], twin);
    d('forward', 'a name that is a container and a namespace', ['forward', twin, 'on'], twin);
    d('koro', 'a bare name that is a container and a namespace', ['koro', twin, 'address', 'del', '10.77.1.1/24', 'dev', 'link1'], twin);
    // the corpus's images: chain up --docker asks the engine before the first container
    for (const k of corpusCases().filter((k) => k.via === 'docker')) {
      add('chain', `corpus up --docker: ${k.what}`, ['chain', 'up', f(k.file), '--docker'], k.names, 2, {
        docker: true,
        at: { file: f(k.file), ...(k.line !== undefined ? { line: k.line } : {}) },
        limitMs: 3000,
      });
    }
  }
  return cases;
}

/** Lines only the TUI prompt reads: its own verbs and its word splitting. */
export function promptOnlyCases(fx: Fixtures): PromptOnlyCase[] {
  const { a } = fx;
  return [
    { what: 'docker alone', line: 'docker', names: '"docker" alone' },
    { what: 'a docker command other than kill', line: 'docker ps -a', names: '"docker ps"' },
    { what: 'docker rm', line: `docker rm -f ${a}`, names: '"docker rm"' },
    { what: 'watch of an unknown kind', line: `watch tcp ${a} 10.77.1.2`, names: '"tcp"' },
    { what: 'watch ping with a bad address', line: `watch ping ${a} 10.77.1.300`, names: '10.77.1.300' },
    { what: 'watch http with an ftp URL', line: `watch http ${a} ftp://10.77.1.2/`, names: 'ftp://10.77.1.2/' },
    { what: 'watch ping without an address', line: `watch ping ${a}`, names: 'needs an address' },
    { what: 'unwatch a watch that is not there', line: 'unwatch 99', names: '"99"' },
    { what: 'unwatch a word', line: 'unwatch everything', names: '"everything"' },
    { what: 'heal without a chain', line: 'heal', names: 'chain heal FILE' },
    { what: 'an unterminated single quote', line: `koro netns ${a} address add '10.77.3.1/24 dev link1`, names: 'unterminated single quote' },
    { what: 'an unterminated double quote', line: `koko -n "${a},new1 -n ${a},new2`, names: 'unterminated double quote' },
    { what: 'a shell prompt before a bad line', line: `[root@koko1 centos]# koro netns ${a} address add 10.77.3.1/33 dev link1`, names: '10.77.3.1/33' },
    { what: 'sudo and a program path before a bad line', line: `$ sudo ./gocode/bin/koko -n ${a},x/y -n ${a},new2`, names: 'x/y' },
  ];
}
