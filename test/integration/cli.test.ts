/**
 * The built program as a shell user meets it: help (grouped, per verb, the
 * same from `help VERB` and `VERB --help`), the version, `--`, commander's
 * errors, shell completion (the bash script loaded in bash, its COMPREPLY
 * checked; zsh and fish syntax-checked), `--format`, the colour rules, and
 * what an ordinary user (nobody) may run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VERB_TABLE, VERBS } from '../../src/parse/verb-table.js';
import { BIN, createNetns, deleteNetns, isRoot, REPO, uniqueName } from '../support/kernel.js';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const CHAIN = join(REPO, 'examples/service-chain.yaml');
const NOBODY = 65534;
const dir = mkdtempSync(join(tmpdir(), 'cmt-cli-'));
// `chainmail` on PATH, as an installed copy would be: the completion scripts call it by name
symlinkSync(BIN, join(dir, 'chainmail'));
// nobody runs it too
chmodSync(dir, 0o755);
const PATH = `${dir}:${process.env.PATH}`;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment without the colour variables the caller's shell may have. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, PATH };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  return { ...base, ...env };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: readonly string[], options: { env?: Record<string, string>; user?: number } = {}): Run {
  const r = spawnSync(BIN, args, {
    encoding: 'utf8',
    env: cleanEnv(options.env ?? {}),
    cwd: REPO,
    timeout: 60_000,
    ...(options.user !== undefined ? { uid: options.user, gid: options.user } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('help', () => {
  it('--help lists every verb with its summary, in the four groups, and exits 0', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const groups = ['links and routes:', 'inspect and check:', 'chains:', 'learn and demo:'].map((g) => r.stdout.indexOf(`\n${g}\n`));
    expect(groups.every((at) => at > 0)).toBe(true);
    expect([...groups].sort((a, b) => a - b)).toEqual(groups);
    for (const verb of VERBS) {
      const summary = VERB_TABLE.find((v) => v.name === verb)!.summary;
      expect(r.stdout).toMatch(new RegExp(`^  ${verb} +${summary.split(' ').slice(0, 2).join(' ')}`, 'm'));
    }
    expect(run(['-h']).stdout).toBe(r.stdout);
    expect(run(['help']).stdout).toBe(r.stdout);
  });

  it('help VERB and VERB --help print the same: summary, usage, output options, who may run it', () => {
    for (const verb of VERBS) {
      const help = run(['help', verb]);
      expect(help.code, verb).toBe(0);
      const info = VERB_TABLE.find((v) => v.name === verb)!;
      expect(help.stdout.split('\n')[0]).toBe(`chainmail ${verb}: ${info.summary}`);
      expect(help.stdout).toContain(`usage: chainmail ${info.usage}`);
      expect(help.stdout).toMatch(/needs root|runs as any user/);
      expect(run([verb, '--help']).stdout, verb).toBe(help.stdout);
    }
    expect(run(['help', 'export']).stdout).toContain('except export FILE, which runs as any user');
  });

  it('help for something that is no verb: one line, exit 2', () => {
    const r = run(['help', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^chainmail: no help for "nope"/);
  });
});

describe('version, --, errors', () => {
  it.each([['--version'], ['-V'], ['-v'], ['version']])('%s prints the version of package.json', (flag) => {
    const r = run([flag]);
    expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('output that cannot be written (a full disk) is said in one line, exit 74, not a crash', () => {
    for (const args of [['--version'], ['help', 'koko'], ['export', CHAIN, '--format', 'mermaid']]) {
      const full = openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [BIN, ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(74);
        expect(r.stderr).toBe('chainmail: cannot write the output: ENOSPC: no space left on device, write\n');
      } finally {
        closeSync(full);
      }
    }
  });

  it("koko -v (koko's version flag) prints chainmail's version, as any user", () => {
    for (const user of [undefined, NOBODY]) {
      expect(run(['koko', '-v'], user === undefined ? {} : { user })).toEqual({ code: 0, stdout: `chainmail ${VERSION} (koko syntax)\n`, stderr: '' });
    }
    expect(JSON.parse(run(['koko', '-v', '--json']).stdout)).toMatchObject({ ok: true, version: VERSION });
  });

  it('-- ends the options: what follows is the line', () => {
    const plain = run(['export', CHAIN, '--format', 'mermaid']);
    expect(plain.code).toBe(0);
    expect(run(['--', 'export', CHAIN, '--format', 'mermaid'])).toEqual(plain);
    expect(run(['--no-color', '--', 'export', CHAIN, '--format', 'mermaid'])).toEqual(plain);
    // and inside a verb with long options: a file may start with a dash
    const odd = run(['export', '--format', 'mermaid', '--', '-missing.yaml']);
    expect(odd.code).not.toBe(0);
    expect(odd.stderr).toContain('-missing.yaml');
  });

  it("an unknown option is commander's error in chainmail's form, exit 2; an unknown verb is the parser's, as before", () => {
    const option = run(['--bogus']);
    expect(option.code).toBe(2);
    expect(option.stderr).toBe("chainmail: unknown option '--bogus'\n");
    const verb = run(['kokoo', '-n', 'a,l1']);
    expect(verb.code).toBe(2);
    expect(verb.stderr).toMatch(/^chainmail: unknown verb "kokoo" \(did you mean koko\?\)/);
  });

  it('a koko line goes to its own parser, its error unchanged', () => {
    const r = run(['koko', 'veth', 'foo']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 3)).toEqual([
      'chainmail: unexpected word "veth": every value follows an option such as -d or -n',
      '  koko veth foo',
      '       ^^^^',
    ]);
  });
});

describe('completion', () => {
  /** Loads the bash script in bash and returns COMPREPLY for the words typed so far. */
  function bashComplete(words: readonly string[], user?: number): string[] {
    const script = run(['completion', 'bash']).stdout;
    const body = [
      script,
      'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))',
      '_chainmail',
      'printf "%s\\n" "${COMPREPLY[@]}"',
      // the function is what `complete` runs for chainmail
      'complete -p chainmail >&2',
    ].join('\n');
    const out = execFileSync('bash', ['-c', body, 'bash', 'chainmail', ...words], {
      encoding: 'utf8',
      env: cleanEnv({}),
      cwd: join(REPO, 'examples'),
      ...(user !== undefined ? { uid: user, gid: user } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out.split('\n').filter(Boolean);
  }

  it('bash: verbs, options (export has --image), values, chain files', () => {
    expect(bashComplete(['ko'])).toEqual(['koko', 'koro']);
    expect(bashComplete(['export', 'x.yaml', '--i'])).toEqual(['--image']);
    expect(bashComplete(['ls', '--format', ''])).toEqual(['json', 'table']);
    expect(bashComplete(['chain', 'up', 'serv'])).toEqual(['service-chain.yaml']);
    expect(bashComplete(['completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  });

  it.skipIf(!isRoot)('bash: live targets and their interfaces as root, none for an ordinary user', () => {
    const ns = uniqueName('cli');
    createNetns(ns);
    try {
      expect(bashComplete(['routes', 'cmt-cli-'])).toContain(ns);
      expect(bashComplete(['koko', '-n', `${ns},`])).toEqual([`${ns},lo`]);
      expect(bashComplete(['routes', 'cmt-cli-'], NOBODY)).toEqual([]);
      // the words that need no read are the same for anyone
      expect(bashComplete(['ko'], NOBODY)).toEqual(['koko', 'koro']);
    } finally {
      deleteNetns(ns);
    }
  });

  it.each([
    ['zsh', ['-n']],
    ['fish', ['-n']],
  ])('%s: the script parses', (shell, flags) => {
    const script = join(dir, `completion.${shell}`);
    execFileSync('sh', ['-c', 'exec "$0" completion "$1" > "$2"', BIN, shell, script]);
    expect(spawnSync(shell, [...flags, script], { encoding: 'utf8' }).status).toBe(0);
  });

  it('an unknown shell: one line, exit 2', () => {
    const r = run(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('chainmail: no completion for "tcsh": chainmail completion bash|zsh|fish\n');
  });
});

describe('--format json|table', () => {
  it('chain up --dry-run --format json is --json', () => {
    const json = run(['chain', 'up', CHAIN, '--dry-run', '--json'], { user: NOBODY });
    const format = run(['chain', 'up', CHAIN, '--dry-run', '--format', 'json'], { user: NOBODY });
    expect(format.code).toBe(0);
    expect(JSON.parse(format.stdout)).toEqual(JSON.parse(json.stdout));
    expect(run(['chain', 'up', CHAIN, '--dry-run', '--format', 'table'], { user: NOBODY }).stdout).toMatch(/^would, on network namespaces/);
  });

  it.skipIf(!isRoot)('ls --format json parses as JSON, as ls --json', () => {
    const r = run(['ls', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout) as object)).toEqual(['targets', 'links', 'warnings']);
  });

  it('a bad value names it, exit 2', () => {
    const r = run(['ls', '--format', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('chainmail: bad --format "yaml": expected json or table');
  });
});

describe('colour', () => {
  const RED = '\u001b[31m';
  /** An error's "chainmail:" is red when colour is on; stderr here is a pipe. */
  const coloured = (env: Record<string, string>, args: string[] = []) => run([...args, 'kokoo'], { env }).stderr.includes(RED);
  /** The same on a terminal (script gives the program a pty). */
  const colouredOnTerminal = (env: Record<string, string>) => {
    const r = spawnSync('script', ['-qec', `"${BIN}" kokoo`, '/dev/null'], { encoding: 'utf8', env: cleanEnv({ TERM: 'xterm-256color', ...env }) });
    return r.stdout.includes('\u001b[');
  };

  it.each<[string, Record<string, string>, string[], boolean]>([
    ['into a pipe', {}, [], false],
    ['FORCE_COLOR=1 into a pipe', { FORCE_COLOR: '1' }, [], true],
    ['FORCE_COLOR=1 with --no-color', { FORCE_COLOR: '1' }, ['--no-color'], false],
    ['FORCE_COLOR=0', { FORCE_COLOR: '0' }, [], false],
    ['FORCE_COLOR=1 beats NO_COLOR=1', { FORCE_COLOR: '1', NO_COLOR: '1' }, [], true],
  ])('%s: %s', (_what, env, args, expected) => {
    expect(coloured(env, args)).toBe(expected);
  });

  it.each<[string, Record<string, string>, boolean]>([
    ['a terminal', {}, true],
    ['NO_COLOR set but empty (no-color.org: as unset)', { NO_COLOR: '' }, true],
    ['NO_COLOR=1', { NO_COLOR: '1' }, false],
    ['TERM=dumb', { TERM: 'dumb' }, false],
    ['FORCE_COLOR=0', { FORCE_COLOR: '0' }, false],
  ])('on %s: %s', (_what, env, expected) => {
    expect(colouredOnTerminal(env)).toBe(expected);
  });
});

describe.skipIf(!isRoot)('as an ordinary user (nobody)', () => {
  it.each([
    [['--help']],
    [['help', 'koko']],
    [['koro', '--help']],
    [['--version']],
    [['completion', 'bash']],
    [['export', CHAIN, '--format', 'mermaid']],
    [['export', CHAIN, '--format', 'containerlab', '--image', 'alpine:3']],
    [['tutorial']],
    [['chain', 'up', CHAIN, '--dry-run']],
  ])('%j runs', (args) => {
    const r = run(args, { user: NOBODY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toBe('');
  });

  it('chain up --dry-run says it did not read what exists', () => {
    expect(run(['chain', 'up', CHAIN, '--dry-run'], { user: NOBODY }).stdout.split('\n')[0]).toContain('not root: what exists was not read');
  });

  it.each([[['ls']], [['export', '--live', '--format', 'json']], [['chain', 'up', CHAIN]], [['tutorial', 'warm-up']], [['routes', 'host']]])(
    '%j says in one line that root is needed, exit 4',
    (args) => {
      const r = run(args, { user: NOBODY });
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('chainmail: root is needed (missing CAP_NET_ADMIN and CAP_SYS_ADMIN): run it with sudo\n');
    },
  );
});
