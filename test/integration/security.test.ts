/**
 * Security properties, proven against the real program and kernel:
 *
 * - Shell metacharacters in names, addresses, options, URLs and paths reach
 *   no shell, whether chainmail refuses them or (legal but odd) uses them.
 *   Fake sh/bash/dash/zsh first on PATH record any call, and where strace is
 *   installed every execve of the CLI and of the prompt's in-process runs is
 *   recorded too (a program may call /bin/sh by its absolute path, which no
 *   PATH trick sees). The payloads would create marker files; none may exist.
 * - Without the privilege it needs, chainmail says so in one line, exits 4
 *   and changes nothing (run as nobody, and as root without the capabilities).
 * - It never widens permissions: the history file, /var/run/netns,
 *   /var/run/chainmail and chain state files, and the process umask.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO, createNetns, deleteNetns, ip, isRoot, linkNames, stableSnapshot, uniqueIfName, uniqueName, type CliRun } from '../support/kernel.js';

const SHELLS = ['sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'busybox'];
const hasStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
const hasSetpriv = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;

/** A scratch world: fake shells on PATH, a marker directory (the cwd of every run), strace logs. */
const dir = mkdtempSync(join(tmpdir(), 'cmt-sec-'));
const fakeBin = join(dir, 'bin');
const markers = join(dir, 'markers');
const traces = join(dir, 'traces');
const shellLog = join(dir, 'shell-calls.log');
const PATH = `${fakeBin}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`;

function writeFakeShells(): void {
  mkdirSync(fakeBin, { recursive: true });
  mkdirSync(markers, { recursive: true });
  mkdirSync(traces, { recursive: true });
  for (const sh of SHELLS) {
    const file = join(fakeBin, sh);
    // the interpreter line names /bin/sh by path: PATH is not searched for it
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "${sh} $*" >> '${shellLog}'\nexit 126\n`, { mode: 0o755 });
  }
}

/** Every program a traced run executed: its path and argv, from strace's log. */
interface Exec {
  path: string;
  argv: string;
}
const executed: Exec[] = [];

function readTrace(file: string): Exec[] {
  if (!existsSync(file)) return [];
  const found: Exec[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /execve(?:at)?\((?:\d+, )?"((?:[^"\\]|\\.)*)", \[(.*?)\](?:\.\.\.)?, /.exec(line);
    if (m) found.push({ path: m[1]!, argv: m[2]! });
  }
  return found;
}

/**
 * A shell, other than the fan-out helper: /bin/sh running chainmail's own fixed script
 * (src/sys/fan-out.sh), which passes its words on to nsenter and evaluates none of them;
 * that no word is evaluated is what the `touch` markers below prove.
 */
const isFanOutHelper = (e: Exec) => e.path === '/bin/sh' && /^"\/bin\/sh", "[^"]*\/fan-out\.sh", /.test(e.argv);
const isShell = (e: Exec) => SHELLS.includes(e.path.split('/').at(-1)!) && !isFanOutHelper(e);

/** The CLI as a user runs it, with the fake shells first on PATH, in the marker directory, under strace when there is one. */
function cli(args: readonly string[]): CliRun {
  const trace = join(traces, `cli-${randomBytes(4).toString('hex')}.log`);
  const program = [process.execPath, BIN, ...args];
  const argv = hasStrace ? ['strace', '-f', '-qq', '-s', '512', '-e', 'trace=execve,execveat', '-o', trace, '--', ...program] : program;
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: markers,
    encoding: 'utf8',
    env: { ...process.env, PATH, NO_COLOR: '1', HOME: dir },
    timeout: 60_000,
  });
  const execs = readTrace(trace);
  executed.push(...execs);
  // the first exec is node itself (strace starts it)
  if (hasStrace) expect(execs[0]?.path, `strace saw no exec of node for ${args.join(' ')}`).toBe(process.execPath);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Attaches strace to this process (all its threads) until stop(): the
 * prompt's runs are in-process. strace writes only to files: a tracer
 * blocked on a pipe this (stopped) process should read would hang both.
 */
async function traceSelf(): Promise<{ stop: () => Promise<Exec[]> }> {
  if (!hasStrace) return { stop: async () => [] };
  const tag = randomBytes(4).toString('hex');
  const trace = join(traces, `self-${tag}.log`);
  const errFile = join(traces, `self-${tag}.err`);
  const err = openSync(errFile, 'w');
  const child: ChildProcess = spawn('strace', ['-f', '-qq', '-s', '512', '-e', 'trace=execve,execveat', '-o', trace, '-p', String(process.pid)], {
    stdio: ['ignore', 'ignore', err],
  });
  closeSync(err);
  const tracer = () => Number(/^TracerPid:\s+(\d+)/m.exec(readFileSync(`/proc/${process.pid}/status`, 'utf8'))?.[1] ?? 0);
  const deadline = Date.now() + 10_000;
  while (tracer() !== child.pid) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`strace did not attach: ${readFileSync(errFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    stop: async () => {
      const ended = new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await ended;
      clearTimeout(timer);
      const execs = readTrace(trace);
      executed.push(...execs);
      return execs;
    },
  };
}

/** Marker names a shell would create: relative ones land in the cwd (the marker directory). */
let markerSeq = 0;
const marker = (abs = true) => {
  const name = `m${markerSeq++}`;
  return abs ? join(markers, name) : name;
};

/** Shell payloads that would create a marker file. */
function payloads(): string[] {
  return [
    `;touch ${marker()}`,
    `$(touch ${marker()})`,
    `\`touch ${marker()}\``,
    `|touch ${marker()}`,
    `&&touch ${marker()}`,
    `'$(touch ${marker()})'`,
    `"$(touch ${marker()})"`,
    `x\ntouch ${marker()}\n`,
  ];
}

function assertNoShell(): void {
  expect(readdirSync(markers), 'marker files a shell would have made').toEqual([]);
  expect(existsSync(shellLog) ? readFileSync(shellLog, 'utf8') : '', 'calls of the fake shells').toBe('');
  expect(executed.filter(isShell), 'shells executed (strace)').toEqual([]);
  expect(
    executed.filter((e) => e.path.endsWith('/touch')),
    'touch executed (strace)',
  ).toEqual([]);
}

const namespaces = new Set<string>();
function netns(prefix: string): string {
  const n = uniqueName(prefix);
  namespaces.add(n);
  createNetns(n);
  return n;
}

beforeAll(() => writeFakeShells());
afterAll(() => {
  for (const n of namespaces) deleteNetns(n);
  rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------

describe('no shell anywhere in src/ (static)', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.(ts|tsx)$/.test(e.name)) files.push(join(d, e.name));
    }
  };
  walk(join(REPO, 'src'));

  it('never asks for a shell, never imports exec/execSync, never names one to run', () => {
    expect(files.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const rel = f.slice(REPO.length);
      if (/\bshell\s*:(?!\s*false\b)/.test(text)) problems.push(`${rel}: a shell option other than false`);
      for (const m of text.matchAll(/import\s+([^;]*?)\s+from\s+['"](?:node:)?child_process['"]/g)) {
        const what = m[1]!;
        if (/\*\s+as|^\w+\s*(,|$)/.test(what)) problems.push(`${rel}: imports child_process whole (${what})`);
        if (/\b(exec|execSync)\b/.test(what)) problems.push(`${rel}: imports exec/execSync (${what})`);
      }
      if (/require\(\s*['"](?:node:)?child_process['"]\s*\)/.test(text)) problems.push(`${rel}: requires child_process`);
      if (/\bexeca(Command|CommandSync)?\b.*\$|execaCommand|execaSync\s*\(\s*['"](?:\/bin\/)?(?:ba)?sh['"]/.test(text))
        problems.push(`${rel}: execa command strings or $`);
      // an export writes manifests whose `sh -c` a cluster runs in a pod; it may say so as long as it runs nothing itself
      const writesManifests = /^src\/chain\/export-[a-z]+\.ts$/.test(rel) && !/child_process|sys\/exec/.test(text);
      if (!writesManifests && /['"](?:\/bin\/|\/usr\/bin\/)?(?:sh|bash|dash|zsh)['"]\s*,\s*\[?\s*['"]-c['"]/.test(text)) problems.push(`${rel}: runs a shell with -c`);
    }
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!isRoot)('shell metacharacters reach no shell', () => {
  let A: string;
  let B: string;
  beforeAll(() => {
    A = netns('sa');
    B = netns('sb');
  });

  it('refused on the command line: names, addresses, gateways, options, targets (exit 2 or 3, nothing changes)', () => {
    const before = stableSnapshot([A, B]);
    const cases: string[][] = [];
    for (const p of payloads()) {
      cases.push(
        ['koko', '-n', `${A},x${p}`, '-n', `${B},y`],
        ['koko', '-n', `${A}${p},x`, '-n', `${B},y`],
        ['koko', '-n', `${A},x,10.9.0.1/24${p}`, '-n', `${B},y`],
        ['koko', '-n', `${A},x`, '-n', `${B},y`, '--mtu', `1500${p}`],
        ['koro', 'netns', A, 'address', 'add', `10.9.0.1/24${p}`, 'dev', 'lo'],
        ['koro', 'netns', A, 'route', 'add', '10.9.9.0/24', 'via', `10.9.0.2${p}`],
        ['koro', 'netns', A, 'route', 'add', '10.9.9.0/24', 'dev', `lo${p}`],
        ['ping', A, `127.0.0.1${p}`],
        ['forward', A, `on${p}`],
        ['kill', `${A}${p}`],
        ['fw', A, 'add', '-p', 'tcp', `-j${p}`],
        ['routes', `docker:${A}${p}`],
        ['chain', 'status', `${dir}/nothere${p}.yaml`],
      );
    }
    for (const args of cases) {
      const r = cli(args);
      expect([2, 3], `${JSON.stringify(args)} -> ${r.code}: ${r.stderr}`).toContain(r.code);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    expect(stableSnapshot([A, B])).toBe(before);
    assertNoShell();
  });

  it('legal but odd, and run: odd namespace and interface names, a path with metacharacters, a rule comment, a URL', () => {
    // a namespace name iproute2 takes but chainmail never would: ls and the UI still read it (ip -n NAME)
    const odd = `${uniqueName('so')};$(touch\${IFS}${marker(false)})\`touch\${IFS}${marker(false)}\``;
    namespaces.add(odd);
    ip(undefined, ['netns', 'add', odd]);
    // interface names the kernel takes (15 bytes, no '/', ':' or whitespace)
    const oddIfs = ['$(touch${IFS}q)', ';touch${IFS}r', '`touch${IFS}s`', '|touch${IFS}t', '&&touch${IFS}u', "'a\"b'"];
    oddIfs.forEach((n, i) => ip(A, ['link', 'add', 'name', n, 'type', 'veth', 'peer', 'name', `cmtodd${i}`]));
    ip(odd, ['link', 'add', 'name', oddIfs[0]!, 'type', 'veth', 'peer', 'name', 'cmtodd']);

    const ls = cli(['ls', '--json']);
    expect(ls.code, ls.stderr).toBe(0);
    const listed = JSON.stringify(JSON.parse(ls.stdout));
    expect(listed).toContain(JSON.stringify(odd).slice(1, -1));
    for (const n of oddIfs) expect(listed).toContain(JSON.stringify(n).slice(1, -1));
    expect(cli(['koro', 'netns', A, 'address', 'show']).code).toBe(0);
    expect(cli(['routes', A]).code).toBe(0);

    // a namespace path (a symlink to A) whose name is full of shell syntax (no
    // whitespace, quotes or #: see the known bug below)
    const pathDir = join(dir, `ns;$(touch\${IFS}${marker(false)})|\`touch\${IFS}${marker(false)}\`&&x`);
    mkdirSync(pathDir);
    const nsPath = join(pathDir, `x;touch\${IFS}${marker(false)}`);
    symlinkSync(`/var/run/netns/${A}`, nsPath);
    const ifA = uniqueIfName('s');
    const ifB = uniqueIfName('s');
    const made = cli(['koko', '-a', `${nsPath},${ifA},10.9.7.1/24`, '-n', `${B},${ifB},10.9.7.2/24`]);
    expect(made.code, made.stderr).toBe(0);
    expect(linkNames(A)).toContain(ifA);
    expect(cli(['koro', nsPath, 'address', 'show', 'dev', ifA]).stdout).toContain('10.9.7.1/24');
    expect(cli(['ping', nsPath, '10.9.7.2', '-c', '1']).code).toBe(0);
    const gone = cli(['koko', '-A', `${nsPath},${ifA}`]);
    expect(gone.code, gone.stderr).toBe(0);
    expect(linkNames(A)).not.toContain(ifA);

    // a FORWARD rule whose comment is shell syntax: iptables gets it as one argument
    const comment = `$(touch ${marker()});\`touch ${marker()}\`|touch ${marker()}&&'"`;
    const added = cli(['fw', A, 'add', '-p', 'tcp', '-m', 'comment', '--comment', comment, '-j', 'ACCEPT']);
    expect(added.code, added.stderr).toBe(0);
    const rules = cli(['fw', A, 'list', '--json']);
    // iptables -S shows the comment quoted; the shell syntax is there as text
    expect(rules.stdout).toContain(comment.slice(0, comment.indexOf("'")));
    expect(cli(['fw', A, 'del', '1']).code).toBe(0);

    // a URL with shell syntax in its path: fetched (nothing listens; exit 1), never interpreted
    const probe = cli(['probe', A, `http://127.0.0.1:9/$(touch ${marker()})|\`touch ${marker()}\`;x&&y`, '--timeout', '500']);
    expect(probe.code, probe.stderr).toBe(1);

    assertNoShell();
  });

  // ip's batch reader splits words at whitespace, strips quotes and ends a line
  // at '#': such a path must never go into an `ip -batch` line (plan/koko.ts
  // moves the end with its own step, the path as one argument)
  it('a namespace path with a space, a quote or # is used as given', () => {
    const pathDir = join(dir, `sp ace#'q"`);
    mkdirSync(pathDir);
    const nsPath = join(pathDir, 'ns');
    symlinkSync(`/var/run/netns/${A}`, nsPath);
    const ifA = uniqueIfName('s');
    const ifB = uniqueIfName('s');
    const made = cli(['koko', '-a', `${nsPath},${ifA},10.9.11.1/24`, '-n', `${B},${ifB},10.9.11.2/24`]);
    expect(made.code, made.stderr).toBe(0);
    expect(linkNames(A)).toContain(ifA);
    expect(cli(['koko', '-A', `${nsPath},${ifA}`]).code).toBe(0);
  });

  it('the prompt (Session.runLine in-process): refused and odd lines, pastes with newlines, shell-looking lines', async () => {
    // exec.ts reads the environment when it loads: PATH with the fake shells first, before the import
    const savedPath = process.env.PATH;
    const savedCwd = process.cwd();
    process.env.PATH = PATH;
    process.chdir(markers);
    const { Session } = await import('../../src/ui/session/session.js');
    const { createContext } = await import('../../src/host/context.js');
    const { splitPaste } = await import('../../src/parse/prompt-line.js');
    const session = new Session(createContext());
    const trace = await traceSelf();
    const ifA = uniqueIfName('p');
    const ifB = uniqueIfName('p');
    const started = performance.now();
    try {
      const refused = [
        ...payloads().map((p) => `koko -n ${A},'x${p}' -n ${B},y`),
        ...payloads().map((p) => `koro netns ${A} address add '10.9.1.1/24${p}' dev lo`),
        ...payloads().map((p) => `ping ${A} "127.0.0.1${p}"`),
        `docker kill '$(touch ${marker()})'`,
        `docker run --rm busybox sh -c 'touch ${marker()}'`,
        `sh -c 'touch ${marker()}'`,
        `$ bash -c "touch ${marker()}"`,
        `sudo sh -c "touch ${marker()}"`,
        `!touch ${marker()}`,
        `\`touch ${marker()}\``,
        `$(touch ${marker()})`,
        `koro ${A} address add 10.9.1.1/24 dev lo; touch ${marker()}`,
        `koro ${A} address show | touch ${marker()}`,
        `watch ping ${A} '127.0.0.1;touch ${marker()}'`,
        `koro ${A} address add 10.9.1.1/24 dev lo\ntouch ${marker()}`,
      ];
      for (const line of refused) {
        const out = await session.runLine(line);
        expect(out.ok, `${JSON.stringify(line)} was accepted: ${out.lines.join(' / ')}`).toBe(false);
        expect(out.lines.join('\n')).not.toMatch(/internal error/);
      }
      console.log(`prompt: ${refused.length} refused lines in ${Math.round(performance.now() - started)} ms`);

      // legal lines with quotes and escapes that run
      const pasted = splitPaste(`$ koko -n '${A}',"${ifA}",10.9.2.1/24 -n ${B},${ifB},10.9.2.2/24\nkoro netns ${A} address show dev ${ifA}\n`);
      for (const line of pasted.lines) {
        const out = await session.runLine(line);
        expect(out.ok, `${line}: ${out.lines.join(' / ')}`).toBe(true);
      }
      expect(linkNames(A)).toContain(ifA);
      const comment = `'$(touch ${marker()})' "\`touch ${marker()}\`" ';touch ${marker()}'`;
      const fw = await session.runLine(`fw ${A} add -p udp -m comment --comment "${comment.replace(/["\\`$]/g, '\\$&')}" -j ACCEPT`);
      expect(fw.ok, fw.lines.join(' / ')).toBe(true);
      expect((await session.runLine(`fw ${A} del 1`)).ok).toBe(true);
      expect((await session.runLine(`probe ${A} 'http://127.0.0.1:9/$(touch ${marker()})' --timeout 300`)).ok).toBe(false);
      expect((await session.runLine(`watch http ${A} 'http://127.0.0.1:9/\`touch ${marker()}\`'`)).ok).toBe(true);
      expect((await session.runLine('unwatch all')).ok).toBe(true);
      expect((await session.runLine(`koko -N ${A},${ifA}`)).ok).toBe(true);
      expect(linkNames(A)).not.toContain(ifA);
    } finally {
      session.stop();
      await trace.stop();
      process.chdir(savedCwd);
      process.env.PATH = savedPath;
    }
    assertNoShell();
  }, 300_000);
});

// ---------------------------------------------------------------------------

/** Runs the CLI as another user or with fewer capabilities, through util-linux's setpriv. */
function cliDropped(setprivArgs: readonly string[], args: readonly string[]): CliRun {
  const r = spawnSync('setpriv', [...setprivArgs, '--', process.execPath, BIN, ...args], {
    cwd: markers,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', HOME: dir },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];
/** uid 0 but without the two capabilities: a container without NET_ADMIN, say. */
const ROOT_WITHOUT_CAPS = ['--inh-caps=-net_admin,-sys_admin', '--bounding-set=-net_admin,-sys_admin'];

describe.skipIf(!isRoot || !hasSetpriv)('without privilege: one line, exit 4, nothing changed', () => {
  let A: string;
  let B: string;
  let chainFile: string;
  let chainName: string;
  beforeAll(() => {
    A = netns('pa');
    B = netns('pb');
    chainName = uniqueName('pc');
    chainFile = join(dir, 'priv-chain.yaml');
    writeFileSync(
      chainFile,
      [`name: ${chainName}`, 'nodes:', `  - ${chainName}-a`, `  - ${chainName}-b`, 'links:', `  - [${chainName}-a:e1, ${chainName}-b:e2, 10.9.5.0/24]`, ''].join('\n'),
    );
    chmodSync(dir, 0o755);
    chmodSync(markers, 0o777);
    chmodSync(chainFile, 0o644);
  });
  afterAll(() => {
    deleteNetns(`${chainName}-a`);
    deleteNetns(`${chainName}-b`);
    rmSync(`/var/run/chainmail/chains/${chainName}.json`, { force: true });
  });

  const commands = (): string[][] => [
    ['koko', '-n', `${A},e1,10.9.4.1/24`, '-n', `${B},e2,10.9.4.2/24`],
    ['koro', 'netns', A, 'address', 'add', '10.9.4.9/24', 'dev', 'lo'],
    ['koro', 'netns', A, 'route', 'show'],
    ['forward', A, 'on'],
    ['fw', A, 'add', '-p', 'icmp', '-j', 'DROP'],
    ['kill', A],
    ['ls'],
    ['chain', 'up', chainFile],
    [],
  ];

  for (const [who, how] of [
    ['as nobody', NOBODY],
    ['as root without CAP_NET_ADMIN and CAP_SYS_ADMIN', ROOT_WITHOUT_CAPS],
  ] as const) {
    it(who, () => {
      const before = stableSnapshot([A, B]);
      const forwarding = spawnSync('ip', ['netns', 'exec', A, 'sysctl', '-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).stdout;
      for (const args of commands()) {
        const r = cliDropped(how, args);
        expect(r.code, `${args.join(' ') || '(no verb)'}: ${r.stderr}`).toBe(4);
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        expect(lines, `${args.join(' ')}: stderr`).toHaveLength(1);
        expect(lines[0]).toMatch(/^chainmail: .*CAP_NET_ADMIN/);
        expect(r.stdout, `${args.join(' ')}: stdout`).toBe('');
      }
      expect(stableSnapshot([A, B])).toBe(before);
      expect(existsSync(`/var/run/netns/${A}`)).toBe(true);
      expect(existsSync(`/var/run/netns/${chainName}-a`)).toBe(false);
      expect(existsSync(`/var/run/chainmail/chains/${chainName}.json`)).toBe(false);
      expect(spawnSync('ip', ['netns', 'exec', A, 'sysctl', '-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).stdout).toBe(forwarding);
    });
  }

  it('help and syntax errors need no privilege', () => {
    expect(cliDropped(NOBODY, ['help']).code).toBe(0);
    expect(cliDropped(NOBODY, ['koro', 'netns', A, 'address', 'ad', '10.9.4.9/24', 'dev', 'lo']).code).toBe(2);
  });
});

// ---------------------------------------------------------------------------

const modeOf = (path: string): number | undefined => {
  try {
    return lstatSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
};
const octal = (m: number | undefined) => (m === undefined ? 'missing' : m.toString(8).padStart(4, '0'));
/** `after` grants nothing `before` did not. */
const notWider = (before: number | undefined, after: number | undefined) => before === undefined || after === undefined || (after & ~before) === 0;

describe('the history file is never widened', () => {
  let h: string;
  const history = async () => (await import('../../src/ui/history.js')).CommandHistory;
  beforeAll(() => {
    h = mkdtempSync(join(tmpdir(), 'cmt-sec-hist-'));
  });
  afterAll(() => rmSync(h, { recursive: true, force: true }));

  it('a new file is 0600 even with umask 000, and the umask still narrows it', async () => {
    const CommandHistory = await history();
    const saved = process.umask(0);
    try {
      new CommandHistory({ path: join(h, 'open') }).add('ls');
      expect(octal(modeOf(join(h, 'open')))).toBe('0600');
      process.umask(0o277);
      new CommandHistory({ path: join(h, 'narrow') }).add('ls');
      expect(octal(modeOf(join(h, 'narrow')))).toBe('0400');
    } finally {
      process.umask(saved);
    }
  });

  it('an existing file keeps its mode, stricter or not', async () => {
    const CommandHistory = await history();
    for (const mode of [0o400, 0o600, 0o640]) {
      const file = join(h, `existing-${mode.toString(8)}`);
      writeFileSync(file, 'ls\n');
      chmodSync(file, mode);
      const hist = new CommandHistory({ path: file });
      hist.add('routes host');
      expect(octal(modeOf(file))).toBe(octal(mode));
      if (isRoot || mode & 0o200) expect(readFileSync(file, 'utf8')).toBe('ls\nroutes host\n');
    }
  });

  it('a symlink in its place is not followed: nothing is read from or written to its target', async () => {
    const CommandHistory = await history();
    const target = join(h, 'target');
    writeFileSync(target, 'secret line\n', { mode: 0o644 });
    const link = join(h, 'link');
    symlinkSync(target, link);
    const hist = new CommandHistory({ path: link });
    expect(hist.entries).toEqual([]);
    hist.add('koro host address show');
    expect(readFileSync(target, 'utf8')).toBe('secret line\n');
    expect(octal(modeOf(target))).toBe('0644');
    expect(hist.error).toMatch(/history/);
  });
});

describe.skipIf(!isRoot)('chain up/down, koko and kill widen no permission', () => {
  const watched = ['/var/run/netns', '/var/run/chainmail', '/var/run/chainmail/chains', '/var/run/chainmail/locks', '/var/run/docker.sock'];
  let chainName: string;
  let file: string;
  beforeAll(() => {
    chainName = uniqueName('wc');
    file = join(dir, 'modes-chain.yaml');
    writeFileSync(
      file,
      [
        `name: ${chainName}`,
        'nodes:',
        `  - ${chainName}-a`,
        `  - ${chainName}-b`,
        `  - ${chainName}-c`,
        'links:',
        `  - [${chainName}-a:e1, ${chainName}-b:e2, 10.9.6.0/24]`,
        `  - [${chainName}-b:e3, ${chainName}-c:e4, 10.9.8.0/24]`,
        'firewall:',
        `  - { node: ${chainName}-b, rule: "-p icmp -j ACCEPT" }`,
        '',
      ].join('\n'),
    );
  });
  afterAll(() => {
    for (const x of ['a', 'b', 'c']) deleteNetns(`${chainName}-${x}`);
    rmSync(`/var/run/chainmail/chains/${chainName}.json`, { force: true });
  });

  for (const umask of [0o022, 0o077, 0o000]) {
    it(`with umask ${octal(umask)}`, () => {
      const before = new Map(watched.map((p) => [p, modeOf(p)]));
      const saved = process.umask(umask);
      try {
        const up = cli(['chain', 'up', file]);
        expect(up.code, up.stderr).toBe(0);
        const stateFile = `/var/run/chainmail/chains/${chainName}.json`;
        const state = modeOf(stateFile);
        expect(state, 'the state file').toBeDefined();
        // private whatever the umask: 0600 and never more
        expect(octal(state! & 0o077), `state file mode ${octal(state)}`).toBe('0000');
        for (const d of ['/var/run/chainmail', '/var/run/chainmail/chains', '/var/run/chainmail/locks']) {
          const m = modeOf(d);
          if (before.get(d) === undefined) expect(octal(m! & 0o077), `${d} made with ${octal(m)}`).toBe('0000');
        }
        // namespace files chainmail made are what `ip netns add` makes (the kernel's nsfs mode)
        const reference = netns('wr');
        for (const x of ['a', 'b', 'c']) expect(octal(modeOf(`/var/run/netns/${chainName}-${x}`))).toBe(octal(modeOf(`/var/run/netns/${reference}`)));

        const A = netns('wk');
        const B = netns('wk');
        const koko = cli(['koko', '-n', `${A},k1,10.9.3.1/24`, '-n', `${B},k2,10.9.3.2/24`]);
        expect(koko.code, koko.stderr).toBe(0);
        expect(cli(['kill', B]).code).toBe(0);
        namespaces.delete(B);

        const down = cli(['chain', 'down', file]);
        expect(down.code, down.stderr).toBe(0);
      } finally {
        process.umask(saved);
      }
      for (const p of watched) {
        const b = before.get(p);
        const a = modeOf(p);
        expect(notWider(b, a), `${p}: ${octal(b)} -> ${octal(a)}`).toBe(true);
        if (b !== undefined) expect(octal(a), p).toBe(octal(b));
      }
      expect(statSync('/var/run/netns').uid).toBe(0);
    });
  }
});
