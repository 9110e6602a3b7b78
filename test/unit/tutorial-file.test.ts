import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainmailError, EXIT_USAGE } from '../../src/errors.js';
import {
  BUILTIN_DIR,
  builtinNames,
  lineProblem,
  loadTutorial,
  parseTutorialText as parseWithLoader,
  resolveTutorialPath,
  TutorialFileError,
} from '../../src/tutorial/file.js';
import { checkLine, quoteWord } from '../../src/tutorial/check-line.js';
import { wrapText } from '../../src/tutorial/text.js';
import { columns } from '../../src/render/columns.js';
import { expectSchemaAgrees, unneededValidatorOnly } from '../support/file-schemas.js';

/** The loader, with the tutorial file schema held to accept what it accepts. */
const parseTutorialText: typeof parseWithLoader = (source, fileName) => {
  const tutorial = parseWithLoader(source, fileName);
  expectSchemaAgrees('tutorial', source);
  return tutorial;
};

// every refusal the schema cannot express has a case here
afterAll(() => expect(unneededValidatorOnly('tutorial')).toEqual([]));

const dir = mkdtempSync(join(tmpdir(), 'cmt-tutorial-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CHAIN = join(dir, 'tut.chain.yaml');
writeFileSync(CHAIN, 'name: cmt-tut\nnodes: [cmt-a, cmt-b]\nlinks:\n  - [cmt-a:l1, cmt-b:l2, 10.9.1.0/24]\n');
const FILE = join(dir, 'tut.yaml');

const text = (...lines: string[]) => lines.join('\n') + '\n';

/** Lines 1-8: a good tutorial that tests add to or change. */
const BASE = [
  'name: cmt-tut',
  'title: A test tutorial',
  'setup: tut.chain.yaml',
  'steps:',
  '  - title: Ping across',
  '    text: cmt-a pings cmt-b.',
  '    run: [ping cmt-a 10.9.1.2 -c 1]',
  '    check: { ping: { from: cmt-a, to: 10.9.1.2 } }',
];

function errorOf(source: string): string {
  try {
    parseTutorialText(source, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(TutorialFileError);
    expect((err as TutorialFileError).exitCode).toBe(EXIT_USAGE);
    // and the schema refuses it too, unless only the loader can
    expectSchemaAgrees('tutorial', source, err as TutorialFileError);
    const message = (err as TutorialFileError).message;
    expect(message.startsWith(`${FILE}:`)).toBe(true);
    return message.slice(FILE.length + 1);
  }
  throw new Error('expected a TutorialFileError, but the text was accepted');
}

/** BASE with line n (1-based) replaced by the given lines. */
const replacing = (n: number, ...lines: string[]) => text(...BASE.slice(0, n - 1), ...lines, ...BASE.slice(n));

describe('parseTutorialText: YAML aliases', () => {
  it('refuses an alias at its line and field', () => {
    expect(errorOf(text('name: cmt-t', 'title: T', 'steps:', '  - &s { title: Ping, run: [ls] }', '  - *s'))).toBe(
      '5: steps[1]: a YAML alias (*s): a tutorial file does not use them; write the value out',
    );
  });
});

describe('parseTutorialText: what it reads', () => {
  it('reads a tutorial with a setup chain file, defaulting cleanup to its chain down', () => {
    const t = parseTutorialText(text(...BASE), FILE);
    expect(t).toEqual({
      name: 'cmt-tut',
      title: 'A test tutorial',
      intro: '',
      file: FILE,
      setup: { kind: 'chain', file: CHAIN },
      cleanup: [`chain down ${CHAIN}`],
      steps: [
        {
          title: 'Ping across',
          text: 'cmt-a pings cmt-b.',
          run: ['ping cmt-a 10.9.1.2 -c 1'],
          check: { kind: 'ping', from: 'cmt-a', to: '10.9.1.2', expect: 'ok', withinMs: 3000 },
        },
      ],
    });
  });

  it('reads every kind of check, expect and within', () => {
    const t = parseTutorialText(
      text(
        ...BASE,
        '  - title: Http',
        '    check: { http: { from: cmt-a, url: "http://10.9.1.2/" }, expect: fail, within: 500 }',
        '  - title: Chain',
        '    check: { chain: status }',
        '  - title: Command',
        '    run: [routes cmt-a]',
        '    check: { command: "chain status {setup}", expect: ok, within: 0 }',
      ),
      FILE,
    );
    expect(t.steps.slice(1).map((s) => s.check)).toEqual([
      { kind: 'http', from: 'cmt-a', url: 'http://10.9.1.2/', expect: 'fail', withinMs: 500 },
      { kind: 'chain', expect: 'ok', withinMs: 3000 },
      { kind: 'command', line: `chain status ${CHAIN}`, expect: 'ok', withinMs: 0 },
    ]);
    expect(t.steps[2]!.run).toEqual([]);
  });

  it('replaces {setup} in lines, quoting a path with spaces', () => {
    const spaced = join(dir, 'with space');
    rmSync(spaced, { recursive: true, force: true });
    mkdirSync(spaced);
    writeFileSync(join(spaced, 'c.yaml'), 'name: cmt-sp\nnodes: [cmt-a, cmt-b]\nlinks:\n  - [cmt-a:l1, cmt-b:l2, 10.9.1.0/24]\n');
    const t = parseTutorialText(text('name: sp', 'title: T', 'setup: c.yaml', 'steps:', '  - title: S', '    run: ["chain status {setup}"]'), join(spaced, 't.yaml'));
    const quoted = `'${join(spaced, 'c.yaml')}'`;
    expect(t.steps[0]!.run).toEqual([`chain status ${quoted}`]);
    expect(t.cleanup).toEqual([`chain down ${quoted}`]);
  });

  it('takes setup lines with their cleanup, an intro, and no setup at all', () => {
    const t = parseTutorialText(
      text(
        'name: lines',
        'title: T',
        'intro: |',
        '  Some words.',
        '',
        '  More.',
        'setup: [forward cmt-a on]',
        'cleanup: [forward cmt-a off]',
        'steps:',
        '  - title: S',
        '    run: [ls]',
      ),
      FILE,
    );
    expect(t.setup).toEqual({ kind: 'lines', lines: ['forward cmt-a on'] });
    expect(t.cleanup).toEqual(['forward cmt-a off']);
    expect(t.intro).toBe('Some words.\n\nMore.');
    const none = parseTutorialText(text('name: none', 'title: T', 'steps:', '  - title: S', '    run: [ls]'), FILE);
    expect(none.setup).toBeUndefined();
    expect(none.cleanup).toEqual([]);
    expect(none.steps[0]!.check).toBeUndefined();
    // an empty check is one left out, for the schema too (fast-check found the schema refusing it)
    const empty = parseTutorialText(text('name: none', 'title: T', 'steps:', '  - title: S', '    run: [ls]', '    check:'), FILE);
    expect(empty.steps[0]!.check).toBeUndefined();
  });

  it('keeps pasted forms the prompt accepts ($ prompts, docker kill)', () => {
    const t = parseTutorialText(replacing(7, '    run: ["$ ping cmt-a 10.9.1.2", "docker kill cmt-b"]'), FILE);
    expect(t.steps[0]!.run).toEqual(['$ ping cmt-a 10.9.1.2', 'docker kill cmt-b']);
  });
});

describe('parseTutorialText: every mistake names file:line: field', () => {
  it.each([
    ['not YAML', text('name: [oops'), /^\d+: not valid YAML: /],
    ['two documents', text(...BASE, '---', 'name: again'), /^9: not valid YAML: a tutorial file is one YAML document; this is a second one$/],
    ['an empty file', '', /^1: the file is empty; a tutorial file has name, title, steps/],
    ['a list', text('- a'), /^1: the file must be a mapping: name, title, steps/],
    ['a misspelt field', text(...BASE, 'stpes: []'), /^9: stpes: unknown field; did you mean "steps"\?$/],
    ['an unknown field', text(...BASE, 'colour: red'), /^9: colour: unknown field \(fields: name, title, intro, setup, cleanup, steps\)$/],
    ['no name', text(...BASE.slice(1)), /^1: name: missing \(the tutorial's name\)$/],
    ['a bad name', replacing(1, 'name: two words'), /^1: name: "two words" is not a valid name: a name must not contain spaces$/],
    ['no title', text(BASE[0]!, ...BASE.slice(2)), /^1: title: missing /],
    ['a title of two lines', replacing(2, 'title: |', '  one', '  two'), /^2: title: must be one line$/],
    ['a title that is a list', replacing(2, 'title: [a]'), /^2: title: must be one line of text$/],
    ['a missing setup file', replacing(3, 'setup: nope.yaml'), /^3: setup: nope.yaml: no such chain file \(looked for .*nope.yaml\)$/],
    [
      'a bad setup chain file',
      (() => {
        writeFileSync(join(dir, 'bad.chain.yaml'), 'name: x\nnodes: [a]\n');
        return replacing(3, 'setup: bad.chain.yaml');
      })(),
      /^3: setup: bad.chain.yaml is not a good chain file: .*bad.chain.yaml:1: links: missing/,
    ],
    ['setup lines without cleanup', replacing(3, 'setup: [ls]'), /^1: cleanup: missing: when setup is a list of lines, say how to undo them/],
    [
      'an empty setup list',
      text('name: x', 'title: T', 'setup: []', 'cleanup: [ls]', 'steps:', '  - title: S', '    run: [ls]'),
      /^3: setup: is empty; give a chain file or prompt lines$/,
    ],
    ['no steps', text(...BASE.slice(0, 3)), /^1: steps: missing /],
    ['no step in steps', text(...BASE.slice(0, 3), 'steps: []'), /^4: steps: is empty; a tutorial needs at least one step$/],
    ['steps not a list', text(...BASE.slice(0, 3), 'steps: many'), /^4: steps: must be a list of steps/],
    ['a step field misspelt', text(...BASE, '    chek: {}'), /^9: steps\[0\]\.chek: unknown field; did you mean "check"\?$/],
    ['a step without a title', text(...BASE.slice(0, 4), '  - text: hi', ...BASE.slice(6)), /^5: steps\[0\]\.title: missing /],
    ['a step that does nothing', text(...BASE, '  - title: Nothing'), /^9: steps\[1\]\.run: missing: a step runs lines, checks something, or both$/],
    ['run not a list', replacing(7, '    run: ls'), /^7: steps\[0\]\.run: must be a list of prompt lines$/],
    ['an unknown verb', replacing(7, '    run: [kokoo -n a,l1 -n b,l2]'), /^7: steps\[0\]\.run\[0\]: unknown verb "kokoo" \(did you mean koko\?\)/],
    ['a line the verb refuses', replacing(7, '    run: [koro cmt-a address ad 10.0.0.1/24 dev l1]'), /^7: steps\[0\]\.run\[0\]: /],
    ['a prompt-only verb', replacing(7, '    run: [watch ping cmt-a 10.9.1.2]'), /^7: steps\[0\]\.run\[0\]: "watch" works only at the TUI's prompt/],
    ['a tutorial in a tutorial', replacing(7, '    run: [tutorial warm-up]'), /^7: steps\[0\]\.run\[0\]: "tutorial" cannot run inside a tutorial$/],
    ['the demo', replacing(7, '    run: [demo]'), /^7: steps\[0\]\.run\[0\]: "demo" cannot run inside a tutorial$/],
    ['a heal that never ends', replacing(7, '    run: [chain heal tut.chain.yaml --watch]'), /^7: steps\[0\]\.run\[0\]: "chain heal --watch" never ends/],
    ['a comment line', replacing(7, '    run: ["# nothing"]'), /^7: steps\[0\]\.run\[0\]: is empty or a comment; give a command$/],
    ['a line of two lines', replacing(7, '    run:', '      - |', '        ls', '        ls'), /^8: steps\[0\]\.run\[0\]: must be one line$/],
    ['a line that is a mapping', replacing(7, '    run: [{ a: b }]'), /^7: steps\[0\]\.run\[0\]: must be a prompt line/],
    ['an open quote', replacing(7, '    run: ["ping cmt-a \'10.9"]'), /^7: steps\[0\]\.run\[0\]: unterminated single quote/],
    [
      '{setup} without a setup file',
      text('name: x', 'title: T', 'steps:', '  - title: S', '    run: ["chain status {setup}"]'),
      /^5: steps\[0\]\.run\[0\]: \{setup\} names the setup chain file, but this tutorial's setup is not one$/,
    ],
    ['a check of nothing', replacing(8, '    check: { expect: ok }'), /^8: steps\[0\]\.check: says nothing to check: give one of ping, http, chain, command$/],
    [
      'a check of two things',
      replacing(8, '    check: { ping: { from: a, to: 10.9.1.2 }, chain: status }'),
      /^8: steps\[0\]\.check\.chain: give one of ping, chain, not both$/,
    ],
    ['a misspelt check field', replacing(8, '    check: { pign: { from: a, to: 10.9.1.2 } }'), /^8: steps\[0\]\.check\.pign: unknown field; did you mean "ping"\?$/],
    ['a ping with no address', replacing(8, '    check: { ping: { from: cmt-a } }'), /^8: steps\[0\]\.check\.ping\.to: missing \(the address to ping\)$/],
    ['a ping of a name', replacing(8, '    check: { ping: { from: cmt-a, to: cmt-b } }'), /^8: steps\[0\]\.check\.ping: bad address "cmt-b"/],
    [
      'an http check with a bad URL',
      replacing(8, '    check: { http: { from: cmt-a, url: "ftp://x/" } }'),
      /^8: steps\[0\]\.check\.http: bad URL "ftp:\/\/x\/": only http and https are supported/,
    ],
    ['a chain check other than status', replacing(8, '    check: { chain: up }'), /^8: steps\[0\]\.check\.chain: "up": the only chain check is "status"$/],
    [
      'a chain check without a setup file',
      text('name: x', 'title: T', 'steps:', '  - title: S', '    check: { chain: status }'),
      /^5: steps\[0\]\.check\.chain: checks the setup chain file, but this tutorial has none/,
    ],
    ['a bad expect', replacing(8, '    check: { ping: { from: cmt-a, to: 10.9.1.2 }, expect: maybe }'), /^8: steps\[0\]\.check\.expect: "maybe" is not ok or fail$/],
    [
      'a bad within',
      replacing(8, '    check: { ping: { from: cmt-a, to: 10.9.1.2 }, within: soon }'),
      /^8: steps\[0\]\.check\.within: soon is not milliseconds \(0-60000\)$/,
    ],
    ['a within too long', replacing(8, '    check: { ping: { from: cmt-a, to: 10.9.1.2 }, within: 60001 }'), /^8: steps\[0\]\.check\.within: 60001 is not milliseconds/],
    ['a bad command check', replacing(8, '    check: { command: "unwatch all" }'), /^8: steps\[0\]\.check\.command: "unwatch" works only at the TUI's prompt/],
    ['a bad cleanup line', text(...BASE, 'cleanup: [chain down]'), /^9: cleanup\[0\]: chain down needs a chain file$/],
  ])('%s', (_what, source, expected) => {
    expect(errorOf(source)).toMatch(expected);
  });

  it('cannot read a missing file', () => {
    expect(() => loadTutorial(join(dir, 'missing.yaml'))).toThrow(ChainmailError);
    expect(() => loadTutorial(join(dir, 'missing.yaml'))).toThrow(/missing.yaml: cannot read the tutorial file: no such file/);
  });
});

describe('the built-in tutorials', () => {
  it('are the story in order: warm-up, service-chain, failure-repair', () => {
    expect(builtinNames()).toEqual(['warm-up', 'service-chain', 'failure-repair']);
  });

  it.each(['warm-up', 'service-chain', 'failure-repair'])('%s loads, with a setup chain file and its names prefixed', (name) => {
    const t = loadTutorial(resolveTutorialPath(name));
    expect(t.name).toBe(name);
    expect(t.setup?.kind).toBe('chain');
    expect(t.cleanup).toEqual([`chain down ${join(BUILTIN_DIR, `${name}.chain.yaml`)}`]);
    const prefix = { 'warm-up': 'wu-', 'service-chain': 'sc-', 'failure-repair': 'fr-' }[name]!;
    for (const step of t.steps) {
      expect(step.check, step.title).toBeDefined();
      for (const line of step.run) {
        // every target a line names is the tutorial's own (the path of the tutorials' folder is not a target: it may read wt-x)
        const targets = line.replaceAll(BUILTIN_DIR, '').match(/\b[a-z]{2}-[a-z0-9]+\b/g) ?? [];
        for (const target of targets) expect(target.startsWith(prefix), `${line}: ${target}`).toBe(true);
      }
    }
  });

  it('resolves names and files, and refuses an unknown name', () => {
    expect(resolveTutorialPath('warm-up')).toBe(join(BUILTIN_DIR, 'warm-up.yaml'));
    expect(resolveTutorialPath('./mine.yaml')).toBe('./mine.yaml');
    expect(() => resolveTutorialPath('warmup')).toThrow(/no tutorial "warmup": the built-in ones are warm-up, service-chain, failure-repair/);
  });
});

describe('lines, checks and text', () => {
  it('says what is wrong with a line, or nothing', () => {
    expect(lineProblem('ping a 10.0.0.1')).toBeUndefined();
    expect(lineProblem('sudo chainmail ls')).toBeUndefined();
    expect(lineProblem('')).toMatch(/empty/);
    expect(lineProblem('docker ps')).toMatch(/"docker ps" is not understood here/);
  });

  it('turns checks into prompt lines', () => {
    expect(checkLine({ kind: 'ping', from: 'a', to: '10.0.0.1' }, undefined)).toBe('ping a 10.0.0.1 -c 1');
    expect(checkLine({ kind: 'http', from: 'a', url: 'http://10.0.0.1/' }, undefined)).toBe('probe a http://10.0.0.1/ --timeout 2000');
    expect(checkLine({ kind: 'chain' }, '/t/x y.yaml')).toBe("chain status '/t/x y.yaml'");
    expect(checkLine({ kind: 'command', line: 'ls' }, undefined)).toBe('ls');
    expect(quoteWord("it's")).toBe("'it'\\''s'");
  });

  it('wraps text in paragraphs, keeping indented lines', () => {
    expect(wrapText('one two three\nfour five\n\n  $ keep   this\nsix', 10)).toEqual(['one two', 'three four', 'five', '', '  $ keep   this'.slice(0, 9) + '…', 'six']);
    expect(wrapText('abcdefghijklmnopqrstuvwxyz', 10)).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxyz']);
  });

  it('wraps text in a script without spaces by columns, losing no character', () => {
    const text = 'ファイアウォールを止めて、ルーターの経路を確かめる。';
    const lines = wrapText(text, 10);
    for (const l of lines) expect(columns(l), l).toBeLessThanOrEqual(10);
    expect(lines.join('')).toBe(text);
    expect(wrapText('名前 client', 11)).toEqual(['名前 client']);
    expect(wrapText('名前 client', 10)).toEqual(['名前', 'client']);
    expect(wrapText('名前名前 client', 10)).toEqual(['名前名前', 'client']);
  });
});
