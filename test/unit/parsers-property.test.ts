/**
 * Property tests: whatever a user types or writes in a file, the parsers and
 * the file loaders either accept it or fail with chainmail's own error
 * (ChainmailError or a subclass), never with a TypeError, a RangeError or an
 * error of a library underneath. Every failure also has to be usable as the
 * CLI prints it: a non-empty first line and an exit code from the table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ChainmailError } from '../../src/errors.js';
import { parseChainText } from '../../src/chain/file.js';
import { YamlFileError } from '../../src/parse/yaml-file.js';
import { restoreScript, restoreWord, ruleAtLine } from '../../src/net/rule-check.js';
import { deriveChain } from '../../src/chain/derive.js';
import { parseKoko } from '../../src/parse/koko.js';
import { parseKoro } from '../../src/parse/koro.js';
import { VERBS } from '../../src/parse/verb-table.js';
import { parseCommand } from '../../src/parse/verbs.js';
import { lineProblem, parseTutorialText } from '../../src/tutorial/file.js';
import { normalizePasted, splitPaste, splitWords, toCommandWords } from '../../src/parse/prompt-line.js';
import { schemaProblems } from '../support/file-schemas.js';

/** Runs per property: enough to reach the odd corners, a second or so each. */
const RUNS = 2000;
const params = { numRuns: RUNS };

/**
 * Calls fn; a ChainmailError is an answer like any other, anything else thrown
 * fails the property (fast-check then shrinks the input and reports it).
 */
function onlyOwnErrors<T>(fn: () => T): T | ChainmailError {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof ChainmailError)) {
      throw new Error(`threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}, not a ChainmailError`, { cause: err });
    }
    // what the CLI prints: "chainmail: MESSAGE" and the exit code of the table
    expect(err.message.trim().length).toBeGreaterThan(0);
    // one line: a token with a line break or a control character in it is shown escaped
    expect(err.message).not.toMatch(/[\x00-\x1f\x7f]/);
    expect([1, 2, 3, 4]).toContain(err.exitCode);
    return err;
  }
}

// ---------------------------------------------------------------------------
// Words: a mix of the grammar's own tokens, near misses and arbitrary text

const anyText = fc.oneof(fc.string({ maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ unit: 'grapheme', maxLength: 12 }));

const prefixText = fc.oneof(fc.integer({ min: -3, max: 300 }).map(String), fc.constantFrom('', '24x', '0x18', '1e1', ' 24', '٢٤', '024'));
const addressText = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
  fc.constantFrom(
    '10.0.1.1',
    '256.1.1.1',
    '10.0.1',
    '::',
    '::1',
    '::ffff:1.2.3.4',
    'fe80::1%eth0',
    '1:2:3:4:5:6:7:8:9',
    '10.0.0.01',
    '0.0.0.0',
    '::ffff:999.1.1.1',
    '1::2::3',
  ),
);
const cidrText = fc.oneof(
  fc.tuple(addressText, prefixText).map(([a, p]) => `${a}/${p}`),
  addressText,
  fc.tuple(addressText, fc.constantFrom('/', '//', '/24/24', '/-1')).map(([a, s]) => `${a}${s}`),
);
const ifnameText = fc.oneof(
  fc.constantFrom('link1', 'eth0', 'lo', 'a'.repeat(15), 'a'.repeat(16), 'x/y', 'my if', 'a;b', '$(id)', '`id`', "it's", '"q"', 'ñame', '-x', '.', '..', ''),
  fc.stringMatching(/^[A-Za-z0-9_.@+-]{1,18}$/),
  anyText,
);
const targetName = fc.oneof(
  fc.constantFrom('client', 'host', 'cmt-a', '..', '../etc', 'a/b', '/proc/1/ns/net', '/var/run/netns/../x', 'docker', 'netns', 'pid', '-n', '1', '0', '99999999', 'a:b'),
  fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,12}$/),
  anyText,
);
const endpointText = fc.oneof(
  fc
    .tuple(
      targetName,
      ifnameText,
      fc.array(fc.oneof(cidrText, fc.constantFrom('mirror:ingress:eth0', 'mirror:both:', 'mirror:sideways:x', 'mirror:egress:a/b')), { maxLength: 3 }),
    )
    .map(([t, i, rest]) => [t, i, ...rest].join(',')),
  fc.array(fc.oneof(targetName, ifnameText, cidrText), { maxLength: 4 }).map((parts) => parts.join(',')),
);
const kindArg = fc.oneof(
  fc
    .tuple(
      ifnameText,
      addressText,
      fc.integer({ min: -1, max: 20_000_000 }),
      fc.array(fc.constantFrom('port=4789', 'port=0', 'port=x', 'mtu=1400', 'mtu=9', 'mtu=', 'port=1=2', 'bogus'), { maxLength: 3 }),
    )
    .map(([p, r, v, o]) => [p, r, String(v), ...o].join(',')),
  fc.tuple(ifnameText, fc.oneof(fc.integer({ min: -1, max: 5000 }).map(String), anyText)).map(([p, id]) => `${p},${id}`),
  fc.tuple(ifnameText, fc.constantFrom('bridge', 'VEPA', 'private', 'passthru', 'default', 'nope', '')).map(([p, m]) => `${p},${m}`),
);

const KOKO_FLAGS = ['-d', '-n', '-p', '-a', '-c', '-D', '-N', '-P', '-A', '-C', '-x', '-X', '-V', '-M', '--mtu', '--json', '--', '-', '-q', '--bogus', '-dclient,eth0'];
const kokoWords = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...KOKO_FLAGS) },
    { weight: 3, arbitrary: endpointText },
    { weight: 1, arbitrary: kindArg },
    { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -1, max: 70_000 }).map(String), anyText) },
  ),
  { maxLength: 8 },
);

const KORO_WORDS = ['docker', 'netns', 'ipnetns', 'pid', 'host', 'address', 'route', 'add', 'del', 'show', 'dev', 'via', 'default', '--json', '-4', 'addr'];
const koroWords = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...KORO_WORDS) },
    { weight: 2, arbitrary: cidrText },
    { weight: 1, arbitrary: addressText },
    { weight: 1, arbitrary: ifnameText },
    { weight: 1, arbitrary: targetName },
  ),
  { maxLength: 9 },
);
/** Mostly well-formed koro lines with one slot replaced: the parser's deeper branches. */
const koroShaped = fc
  .tuple(
    fc.oneof(
      fc.constant<string[]>([]),
      fc.tuple(fc.constantFrom('docker', 'netns', 'ipnetns', 'pid'), targetName).map((t) => [...t]),
      targetName.map((t) => [t]),
    ),
    fc.constantFrom('address', 'route'),
    fc.constantFrom('add', 'del', 'show'),
    fc.oneof(cidrText, fc.constant('default'), addressText),
    fc.array(fc.oneof(fc.constantFrom('via', 'dev', '--json'), addressText, ifnameText), { maxLength: 5 }),
  )
  .map(([t, o, a, d, rest]) => [...t, o, a, d, ...rest]);

const OTHER_WORDS = [
  'on',
  'off',
  'list',
  'add',
  'del',
  '-p',
  'icmp',
  '-j',
  'DROP',
  '-t',
  'nat',
  '-A',
  '--table=nat',
  '--tab',
  '-ptcp',
  '-c',
  '--count',
  '--timeout',
  '--json',
  '--live',
  '--format',
  'json',
  'mermaid',
  'containerlab',
  '--format=json',
  '--dry-run',
  '--docker',
  '--image',
  'busybox',
  '--policy',
  'bypass',
  'reattach',
  '--watch',
  '--auto',
  '--delay',
  '--keep',
  'up',
  'status',
  'heal',
  'down',
  'x.yaml',
  '/nonexistent.yaml',
  'http://10.0.0.1/',
  'ftp://x/',
  'http://[::1',
  '-h',
  '--help',
  '=',
  '--=',
  '--image=',
  '--delay=-1',
  '-V',
];
const commandWords = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VERBS, 'help', '--help', '-h') }, { weight: 1, arbitrary: anyText }),
    fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...OTHER_WORDS) },
        { weight: 2, arbitrary: targetName },
        { weight: 1, arbitrary: fc.oneof(cidrText, addressText, fc.webUrl(), fc.integer({ min: -5, max: 10_000_000 }).map(String)) },
        { weight: 1, arbitrary: anyText },
      ),
      { maxLength: 8 },
    ),
  )
  .map(([verb, rest]) => [verb, ...rest]);

describe('koko parser', () => {
  it('arbitrary words: a command or a ChainmailError', () => {
    fc.assert(
      fc.property(kokoWords, (words) => {
        onlyOwnErrors(() => parseKoko(words));
      }),
      params,
    );
  });

  it('arbitrary strings as words', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 6 }), (words) => {
        onlyOwnErrors(() => parseKoko(words));
      }),
      params,
    );
  });
});

describe('koro parser', () => {
  it('arbitrary words: a command or a ChainmailError', () => {
    fc.assert(
      fc.property(koroWords, (words) => {
        onlyOwnErrors(() => parseKoro(words));
      }),
      params,
    );
  });

  it('nearly well-formed lines with one slot off', () => {
    fc.assert(
      fc.property(koroShaped, (words) => {
        onlyOwnErrors(() => parseKoro(words));
      }),
      params,
    );
  });
});

describe('parseCommand (every verb)', () => {
  it('arbitrary words after any verb', () => {
    fc.assert(
      fc.property(commandWords, (words) => {
        onlyOwnErrors(() => parseCommand(words));
      }),
      params,
    );
  });

  it('arbitrary strings as words', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 6 }), (words) => {
        onlyOwnErrors(() => parseCommand(words));
      }),
      params,
    );
  });

  it('koko and koro lines through the verb parser', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          kokoWords.map((w) => ['koko', ...w]),
          koroShaped.map((w) => ['koro', ...w]),
        ),
        (words) => {
          onlyOwnErrors(() => parseCommand(words));
        },
      ),
      params,
    );
  });
});

// ---------------------------------------------------------------------------
// The prompt line: a shell prompt, sudo, a program path, quotes

const promptPrefix = fc.constantFrom('', '$ ', '# ', '% ', '[root@koko1 centos]# ', 'user@host:~/dir$ ', '/ # ', 'sudo ', './gocode/bin/', 'chainmail ', '$', '[', '#');
const lineFragment = fc.oneof(
  fc.constantFrom('"', "'", '\\', ' ', '\t', '\r', '\n', '$(id)', '`id`', ';', '|', '&&', '#', 'docker', 'kill', 'docker ps', 'watch', 'unwatch', 'heal'),
  kokoWords.map((w) => w.join(' ')),
  commandWords.map((w) => w.join(' ')),
  anyText,
);
const promptLine = fc.tuple(promptPrefix, fc.array(lineFragment, { maxLength: 6 })).map(([p, parts]) => p + parts.join(''));

describe('prompt-line stripper', () => {
  it('toCommandWords: words, nothing (blank, comment) or a ChainmailError', () => {
    fc.assert(
      fc.property(promptLine, (line) => {
        const words = onlyOwnErrors(() => toCommandWords(line));
        if (Array.isArray(words)) expect(words.length).toBeGreaterThan(0);
      }),
      params,
    );
  });

  it('normalizePasted, splitWords and splitPaste never throw anything else', () => {
    fc.assert(
      fc.property(fc.oneof(promptLine, anyText), (text) => {
        expect(typeof normalizePasted(text)).toBe('string');
        onlyOwnErrors(() => splitWords(text));
        const { lines, rest } = splitPaste(text);
        expect([...lines, rest].join('\n').length).toBeLessThanOrEqual(text.length);
      }),
      params,
    );
  });

  it('a line through the whole prompt pipeline (strip, split, parse)', () => {
    fc.assert(
      fc.property(promptLine, (line) => {
        onlyOwnErrors(() => {
          const words = toCommandWords(line);
          return words ? parseCommand(words) : undefined;
        });
        // a tutorial checks its lines the same way; its answer is a string or nothing
        const problem = lineProblem(line);
        expect(problem === undefined || typeof problem === 'string').toBe(true);
      }),
      params,
    );
  });
});

// ---------------------------------------------------------------------------
// Chain files

/** A good chain, as an object: the base for near-valid mutations. */
const GOOD_CHAIN = {
  name: 'cmt-prop',
  nodes: ['client', { name: 'firewall' }, { name: 'router' }, { name: 'webserver', serve: { port: 80, body: '<title>hi</title>' } }],
  links: [
    ['client:link1', 'firewall:link2', '10.0.1.0/24'],
    { a: 'firewall:link3', b: 'router:link4', subnet: '10.0.2.0/24' },
    ['router:link5', 'webserver:link6', '10.0.3.1/24', '10.0.3.2/24'],
  ],
  routes: [{ node: 'client', to: 'default', via: '10.0.1.2', dev: 'link1' }],
  forwarding: ['firewall', 'router'],
  firewall: [{ node: 'firewall', rule: '-p icmp -j DROP' }],
  probes: [
    { from: 'client', http: 'webserver', expect: 'ok' },
    { from: 'client', ping: '10.0.3.2', expect: 'fail' },
  ],
};

type Path = (string | number)[];

/** Every path into a value (objects and arrays), the root excluded. */
function pathsOf(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...at, i], ...pathsOf(v, [...at, i])]);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...at, k], ...pathsOf(v, [...at, k])]);
  return [];
}

type Mutation = { path: Path; op: 'set'; value: unknown } | { path: Path; op: 'delete' } | { path: Path; op: 'rename'; key: string } | { path: Path; op: 'duplicate' };

function mutate(base: unknown, mutations: readonly Mutation[]): unknown {
  const copy = structuredClone(base);
  for (const m of mutations) {
    const parentPath = m.path.slice(0, -1);
    const key = m.path.at(-1)!;
    // any document, any path: walked as plain records
    let parent = copy as Record<string | number, unknown> | undefined;
    for (const k of parentPath) parent = parent?.[k] as Record<string | number, unknown> | undefined;
    if (!parent || typeof parent !== 'object' || !(key in parent)) continue;
    if (m.op === 'set') parent[key] = m.value;
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (m.op === 'rename' && !Array.isArray(parent)) {
      parent[m.key] = parent[key];
      delete parent[key];
    } else if (m.op === 'duplicate' && Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
  }
  return copy;
}

/** Values that are almost right where they land: names, ends, subnets, rules, plus anything JSON. */
const fieldValue = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'client',
      'firewall',
      'router',
      'webserver',
      'firewal',
      '..',
      'a/b',
      'client:link1',
      'client:link9',
      'firewall:link2',
      'router',
      'nobody:x',
      'client:' + 'x'.repeat(16),
      'client:a b',
      '10.0.1.0/24',
      '10.0.1.0/25',
      '10.0.1.5/24',
      '10.0.2.0/24',
      '10.0.0.0/8',
      '2001:db8::/64',
      '10.0.1.1',
      '10.0.1.2',
      '10.0.9.9',
      '0.0.0.0/0',
      '10.0.1.0/32',
      'default',
      '-t nat -j DROP',
      '-A FORWARD',
      'http://webserver/',
      'ftp://x',
      'ok',
      'fail',
      '200',
      '999',
      70000,
      0,
      -1,
      1.5,
      true,
      null,
      '',
      ' ',
      'link1',
      'link2',
    ),
  },
  { weight: 1, arbitrary: cidrText },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const fieldName = fc.oneof(
  fc.constantFrom(
    'nodes',
    'links',
    'name',
    'nmae',
    'subnet',
    'addresses',
    'via',
    'to',
    'dev',
    'expect',
    'http',
    'ping',
    'rule',
    'image',
    'command',
    'serve',
    'port',
    'body',
    'a',
    'b',
    '<<',
    '',
  ),
  anyText,
);

function mutations(base: unknown): fc.Arbitrary<Mutation[]> {
  const paths = pathsOf(base);
  const path = fc.constantFrom(...paths);
  return fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ path, op: fc.constant('set' as const), value: fieldValue }) },
      { weight: 2, arbitrary: fc.record({ path, op: fc.constant('delete' as const) }) },
      { weight: 1, arbitrary: fc.record({ path, op: fc.constant('rename' as const), key: fieldName }) },
      { weight: 1, arbitrary: fc.record({ path, op: fc.constant('duplicate' as const) }) },
    ),
    { minLength: 1, maxLength: 4 },
  );
}

/** YAML-looking text: keys, flow collections, anchors, aliases, tags, tabs and junk. */
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'name: x\n',
        'nodes:\n',
        'links:\n',
        '  - ',
        '- ',
        '[',
        ']',
        '{',
        '}',
        ', ',
        ': ',
        '&a ',
        '*a',
        '*b',
        '!!binary ',
        '!!int ',
        '!custom ',
        '<<: *a\n',
        '? ',
        '\t',
        '  ',
        '\n',
        '---\n',
        '...\n',
        '%YAML 1.2\n',
        '"',
        "'",
        '|',
        '>',
        '#',
        'client:link1',
        '10.0.1.0/24',
        'routes:\n',
        'probes:\n',
        '~',
        'null',
        '0x1F',
      ),
      anyText,
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join(''));

function loadChain(text: string): void {
  const outcome = onlyOwnErrors(() => {
    const spec = parseChainText(text, 'prop.yaml');
    // a chain the loader accepts must also be derivable (addresses, routes, probes)
    deriveChain(spec);
    // and pass the chain file schema: an editor must not flag a good file
    expect(schemaProblems('chain', text), text).toEqual([]);
  });
  // a refusal says where in the file: FILE:LINE:, a line the file has (or the one after its end)
  if (outcome instanceof ChainmailError) {
    expect(outcome, text).toBeInstanceOf(YamlFileError);
    const m = /^prop\.yaml:(\d+): /.exec(outcome.message);
    expect(m, outcome.message).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(1);
    expect(Number(m![1])).toBeLessThanOrEqual(text.split(/\r\n|\r|\n/).length + 1);
  }
}

describe('chain file loader', () => {
  it('the good chain loads (so the mutations below start from a valid file)', () => {
    expect(parseChainText(stringify(GOOD_CHAIN), 'good.yaml').nodes).toHaveLength(4);
  });

  it('arbitrary text', () => {
    fc.assert(fc.property(fc.oneof(anyText, fc.string({ maxLength: 200 })), loadChain), params);
  });

  it('YAML-looking text', () => {
    fc.assert(fc.property(yamlish, loadChain), params);
  });

  it('arbitrary structured values, serialized with yaml', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3 })), (value) => {
        let text: string | undefined;
        try {
          text = stringify(value);
        } catch {
          return; // not representable in YAML at all: nothing to load
        }
        if (typeof text === 'string') loadChain(text); // undefined has no YAML text
      }),
      params,
    );
  });

  it('near-valid chains: the good one with fields set, removed, renamed or repeated', () => {
    fc.assert(
      fc.property(mutations(GOOD_CHAIN), (ms) => loadChain(stringify(mutate(GOOD_CHAIN, ms)))),
      params,
    );
  });

  it('near-valid chains with only the top-level object replaced by a record of known keys', () => {
    const chain = fc.record(
      {
        name: fc.oneof(fc.constant('cmt-x'), fieldValue),
        nodes: fc.array(fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.record({ name: fc.constantFrom('a', 'b', 'c') }), fieldValue), { maxLength: 4 }),
        links: fc.array(
          fc.oneof(
            fc.tuple(fc.constantFrom('a:l1', 'b:l2', 'c:l3', 'a:l2'), fc.constantFrom('a:l1', 'b:l2', 'c:l3', 'b:l4'), fc.oneof(cidrText, fieldValue)),
            fc.record({ a: fieldValue, b: fieldValue, subnet: cidrText }, { requiredKeys: [] }),
            fieldValue,
          ),
          { maxLength: 4 },
        ),
        routes: fc.array(
          fc.record(
            { node: fc.constantFrom('a', 'b', 'c'), to: fc.oneof(cidrText, fc.constant('default')), via: addressText, dev: fc.constantFrom('l1', 'l2', 'l9') },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        probes: fc.array(fc.record({ from: fc.constantFrom('a', 'b'), http: fieldValue, ping: fieldValue, expect: fieldValue }, { requiredKeys: [] }), { maxLength: 2 }),
      },
      { requiredKeys: ['name', 'nodes', 'links'] },
    );
    fc.assert(
      fc.property(chain, (value) => loadChain(stringify(value))),
      params,
    );
  });
});

describe('chain files with anchors and aliases (billion laughs)', () => {
  const FIELDS = ['nodes', 'links', 'routes', 'firewall', 'probes', 'forwarding'];
  const laughs = fc.record({
    depth: fc.integer({ min: 1, max: 12 }),
    width: fc.integer({ min: 1, max: 12 }),
    field: fc.constantFrom(...FIELDS),
    flow: fc.boolean(),
  });
  it('are refused at the first alias, with its line and field, before anything expands', () => {
    fc.assert(
      fc.property(laughs, ({ depth, width, field, flow }) => {
        const anchors = ['  - &a0 [lol, lol]'];
        for (let i = 1; i < depth; i++) {
          const items = Array<string>(width).fill(`*a${i - 1}`);
          anchors.push(flow ? `  - &a${i} [${items.join(', ')}]` : `  - &a${i}\n${items.map((x) => `    - ${x}`).join('\n')}`);
        }
        const text =
          ['name: cmt-laughs', `${field}:`, ...anchors, ...(field === 'nodes' ? [] : ['nodes: [a, b]']), ...(field === 'links' ? [] : ['links: []'])].join('\n') + '\n';
        const started = performance.now();
        let error: unknown;
        try {
          parseChainText(text, 'prop.yaml');
        } catch (err) {
          error = err;
        }
        expect(performance.now() - started).toBeLessThan(200);
        expect(error).toBeInstanceOf(YamlFileError);
        if (depth > 1) expect((error as YamlFileError).message).toMatch(new RegExp(`^prop\\.yaml:${flow ? 4 : 5}: ${field}\\[1\\]\\[0\\]: a YAML alias \\(\\*a0\\)`));
      }),
      { numRuns: 300 },
    );
  });
});

describe('firewall rules as iptables-restore reads them (net/rule-check.ts)', () => {
  const word = fc.oneof(
    fc.constantFrom('-p', 'icmp', '-j', 'DROP', '--comment', '-m', 'comment', '#x', 'a b', '"q"', "it's", 'back\\slash', '-s', '10.0.0.1/24'),
    fc.string({ unit: fc.constantFrom('a', ' ', '"', '\\', "'", '#', '-', '1'), minLength: 1, maxLength: 8 }),
  );
  it('one rule per section of three lines, each word one token, and every line of a section points back at its rule', () => {
    fc.assert(
      fc.property(fc.array(fc.array(word, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), (rules) => {
        const lines = restoreScript(rules).split('\n');
        expect(lines.at(-1)).toBe('');
        expect(lines.length - 1).toBe(3 * rules.length);
        rules.forEach((rule, i) => {
          expect(lines[3 * i]).toBe('*filter');
          expect(lines[3 * i + 1]).toBe(`-A FORWARD ${rule.map(restoreWord).join(' ')}`);
          expect(lines[3 * i + 2]).toBe('COMMIT');
          for (let l = 3 * i + 1; l <= 3 * i + 3; l++) expect(ruleAtLine(l, rules.length)).toBe(i);
        });
        expect(ruleAtLine(3 * rules.length + 1, rules.length)).toBeUndefined();
        // a quoted word holds no bare quote: the tokenizer cannot be made to end it early
        for (const w of rules.flat().map(restoreWord)) {
          if (w.startsWith('"')) expect(w.slice(1, -1).replace(/\\./g, '')).not.toMatch(/["\\]/);
          else expect(w).not.toMatch(/[\s"'\\#]/);
        }
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------
// Tutorial files

const dir = mkdtempSync(join(tmpdir(), 'cmt-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'setup.chain.yaml'), 'name: cmt-prop-tut\nnodes: [cmt-a, cmt-b]\nlinks:\n  - [cmt-a:l1, cmt-b:l2, 10.9.1.0/24]\n');
writeFileSync(join(dir, 'broken.chain.yaml'), 'name: [\n');
const TUTORIAL_FILE = join(dir, 'prop-tutorial.yaml');

const GOOD_TUTORIAL = {
  name: 'cmt-prop',
  title: 'A tutorial',
  intro: 'Two namespaces.',
  setup: 'setup.chain.yaml',
  steps: [
    { title: 'Ping', text: 'across', run: ['ping cmt-a 10.9.1.2 -c 1'], check: { ping: { from: 'cmt-a', to: '10.9.1.2' }, expect: 'ok', within: 1000 } },
    { title: 'Fetch', run: ['routes cmt-a'], check: { http: { from: 'cmt-a', url: 'http://10.9.1.2/' } } },
    { title: 'Status', check: { chain: 'status' } },
    { title: 'Command', check: { command: 'chain status {setup}', expect: 'fail' } },
  ],
};
const GOOD_LINES_TUTORIAL = {
  name: 'cmt-prop-lines',
  title: 'Lines',
  setup: ['koko -n cmt-a,l1 -n cmt-b,l2'],
  cleanup: ['koko -N cmt-a,l1'],
  steps: [{ title: 'x', run: ['ls'] }],
};

const tutorialValue = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'setup.chain.yaml',
      'broken.chain.yaml',
      'missing.yaml',
      '/',
      '',
      '{setup}',
      'chain status {setup}',
      'chain heal {setup} --watch',
      'demo',
      'tutorial warm-up',
      'watch ping cmt-a 10.9.1.2',
      'help',
      'kokoo -n a,b',
      '# a comment',
      'ping cmt-a 10.9.1.2\nping cmt-b 10.9.1.1',
      'status',
      'ok',
      'fail',
      'maybe',
      '60001',
      '-5',
      '$ koko -n cmt-a,l1 -n cmt-b,l2',
      'docker ps',
      "koro 'unterminated",
      'ls',
      500,
      true,
      null,
    ),
  },
  { weight: 1, arbitrary: promptLine },
  { weight: 1, arbitrary: fieldValue },
);

function tutorialMutations(base: unknown): fc.Arbitrary<Mutation[]> {
  const path = fc.constantFrom(...pathsOf(base));
  return fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ path, op: fc.constant('set' as const), value: tutorialValue }) },
      { weight: 2, arbitrary: fc.record({ path, op: fc.constant('delete' as const) }) },
      {
        weight: 1,
        arbitrary: fc.record({
          path,
          op: fc.constant('rename' as const),
          key: fc.oneof(
            fc.constantFrom('title', 'titel', 'text', 'run', 'check', 'cleanup', 'within', 'expect', 'ping', 'http', 'command', 'chain', 'url', 'from', 'to'),
            anyText,
          ),
        }),
      },
      { weight: 1, arbitrary: fc.record({ path, op: fc.constant('duplicate' as const) }) },
    ),
    { minLength: 1, maxLength: 4 },
  );
}

const loadTutorialText = (text: string) => {
  onlyOwnErrors(() => {
    parseTutorialText(text, TUTORIAL_FILE);
    // a tutorial the loader accepts passes the tutorial file schema: an editor must not flag a good file
    expect(schemaProblems('tutorial', text), text).toEqual([]);
  });
};

describe('tutorial loader', () => {
  it('the good tutorials load (so the mutations below start from valid files)', () => {
    expect(parseTutorialText(stringify(GOOD_TUTORIAL), TUTORIAL_FILE).steps).toHaveLength(4);
    expect(parseTutorialText(stringify(GOOD_LINES_TUTORIAL), TUTORIAL_FILE).steps).toHaveLength(1);
  });

  it('arbitrary and YAML-looking text', () => {
    fc.assert(fc.property(fc.oneof(anyText, yamlish), loadTutorialText), params);
  });

  it('arbitrary structured values, serialized with yaml', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => loadTutorialText(stringify(value))),
      params,
    );
  });

  it('near-valid tutorials: fields set, removed, renamed or repeated', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          tutorialMutations(GOOD_TUTORIAL).map((ms) => mutate(GOOD_TUTORIAL, ms)),
          tutorialMutations(GOOD_LINES_TUTORIAL).map((ms) => mutate(GOOD_LINES_TUTORIAL, ms)),
        ),
        (value) => loadTutorialText(stringify(value)),
      ),
      params,
    );
  });
});
