/**
 * A way into a target, on the real kernel and Docker: `chainmail exec` runs a
 * host program in a namespace's or a container's network namespace (exit
 * codes and arguments passed through as they are), `chainmail shell` opens
 * an interactive shell there in a real terminal (tmux), and the UI's s key
 * hands its terminal to that shell and takes it back when it exits.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, chainmail, ip, isRoot, Scratch } from '../support/kernel.js';
import { containerPid, docker, dockerReady, dockerRequired, removeContainers, runContainer } from '../support/docker.js';
import { escapeRegExp as re, hasTmux, logRows, filteredSelected, selectByFilter, TmuxTerminal } from '../support/tmux.js';

const scratch = new Scratch();
let term: TmuxTerminal | undefined;
afterEach(async () => {
  term?.kill();
  term = undefined;
  await scratch.cleanup();
});

const DOCKER = isRoot && dockerReady();
/** bash when the host has it: its prompt (PS1 with the directory) is what the test reads. */
const SHELL = existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';

/** A namespace with an interface of a name found nowhere else (a veth pair inside it): seeing it proves where a program ran. */
function namespaceWithDummy(): { ns: string; dummy: string } {
  const ns = scratch.netns('ex');
  const dummy = `cmtx${ns.slice(-6)}`;
  ip(ns, ['link', 'add', dummy, 'type', 'veth', 'peer', 'name', `cmtp${ns.slice(-6)}`]);
  return { ns, dummy };
}

/** The arguments that a shell string would mangle: spaces, ; | $ quotes, a command substitution, a glob. */
const AWKWARD = ['a b', ';|$x', 'it\'s "quoted"', '$(id)', '*', ''];

describe.skipIf(!isRoot)('chainmail exec in a namespace', () => {
  it('runs a host program there, its output and exit code passed through', () => {
    const { ns, dummy } = namespaceWithDummy();
    const r = chainmail(['exec', ns, '--', 'ip', '-br', 'link']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${re(dummy)}@`, 'm'));
    // the host's interfaces are not there
    expect(r.stdout).not.toMatch(/^(eth0|docker0)\b/m);
    // netns NAME names it too
    expect(chainmail(['exec', 'netns', ns, '--', 'ip', '-br', 'link']).stdout).toContain(dummy);

    // exit codes: the user's argv may well be a shell of their own
    expect(chainmail(['exec', ns, '--', 'sh', '-c', 'exit 3']).code).toBe(3);
    expect(chainmail(['exec', ns, '--', 'true']).code).toBe(0);
    expect(chainmail(['exec', ns, '--', 'false']).code).toBe(1);
  });

  it('hands every argument over as it is, and its standard input too', () => {
    const { ns } = namespaceWithDummy();
    const r = chainmail(['exec', ns, '--', 'printf', '[%s]\\n', ...AWKWARD]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(AWKWARD.map((a) => `[${a}]\n`).join(''));
    // options of the program are its own, --help included
    expect(chainmail(['exec', ns, '--', 'printf', '%s', '--help']).stdout).toBe('--help');
    const cat = spawnSync(BIN, ['exec', ns, '--', 'cat'], { input: 'through stdin\n', encoding: 'utf8' });
    expect(cat.status).toBe(0);
    expect(cat.stdout).toBe('through stdin\n');
  });

  it('refuses a missing -- or command with the right form, an unknown target with the target error', () => {
    const { ns } = namespaceWithDummy();
    const noDashes = chainmail(['exec', ns, 'ip', 'a']);
    expect(noDashes.code).toBe(2);
    expect(noDashes.stderr).toContain('expected "--" before the command, got "ip"');
    expect(noDashes.stderr).toContain('usage: exec TARGET -- CMD [ARG...]');
    const noCommand = chainmail(['exec', ns, '--']);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toContain('missing the command to run after "--"');
    const unknown = chainmail(['exec', 'netns', 'cmt-ex-none', '--', 'true']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('no network namespace named "cmt-ex-none"');
  });

  it("says a program that is not the host's in one line, with a shell's 127, and starts nothing", () => {
    const { ns } = namespaceWithDummy();
    const missing = chainmail(['exec', ns, '--', 'cmt-no-such-program', '-x']);
    expect(missing.code).toBe(127);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim()).toBe(
      `chainmail: "cmt-no-such-program" is not a program on this host's PATH: exec runs a program of the host inside ${ns}'s network namespace`,
    );
    const notAFile = chainmail(['exec', ns, '--', '/nonexistent/cmt-prog']);
    expect(notAFile.code).toBe(127);
    expect(notAFile.stderr).toContain('"/nonexistent/cmt-prog" is not an executable file');
    // a program found the same way as before: by PATH, or by its path
    expect(chainmail(['exec', ns, '--', 'true']).code).toBe(0);
    expect(chainmail(['exec', ns, '--', '/bin/sh', '-c', 'exit 5']).code).toBe(5);
  });
});

if (isRoot && !DOCKER && dockerRequired()) {
  describe('Docker integration (CHAINMAIL_REQUIRE_DOCKER=1)', () => {
    it('has a Docker engine and the test image', () => {
      expect(DOCKER).toBe(true);
    });
  });
}

describe.skipIf(!DOCKER)('chainmail exec and shell in a container', () => {
  const containers: string[] = [];
  afterAll(() => removeContainers(containers));

  /** A container with no network but a veth pair of its own, added from the host. */
  function containerWithDummy(): { name: string; dummy: string } {
    const name = runContainer('ex');
    containers.push(name);
    const dummy = `cmty${name.slice(-6)}`;
    const r = spawnSync('nsenter', ['-t', String(containerPid(name)), '-n', 'ip', 'link', 'add', dummy, 'type', 'veth', 'peer', 'name', `cmtq${name.slice(-6)}`], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return { name, dummy };
  }

  it('exec runs a host program in the container’s network namespace', () => {
    const { name, dummy } = containerWithDummy();
    for (const target of [[name], ['docker', name]]) {
      const r = chainmail(['exec', ...target, '--', 'ip', '-br', 'link']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^${re(dummy)}`, 'm'));
    }
    expect(chainmail(['exec', name, '--', 'sh', '-c', 'exit 3']).code).toBe(3);
    const r = chainmail(['exec', name, '--', 'printf', '[%s]\\n', ...AWKWARD]);
    expect(r.stdout).toBe(AWKWARD.map((a) => `[${a}]\n`).join(''));
  });

  it('shell opens the container’s own shell with a TTY: its ip, its interfaces, its exit code', async () => {
    expect(hasTmux, 'tmux must be installed').toBe(true);
    const { name, dummy } = containerWithDummy();
    const t = TmuxTerminal.start({ argv: [BIN, 'shell', 'docker', name], env: { SHELL }, width: 100, height: 24, prefix: 'exsh' });
    term = t;
    await t.waitFor(new RegExp(`\\[chainmail ${re(name)}\\]#`), 15_000, "the container shell's prompt");
    expect(t.capture()).toContain(`${name}'s own /bin/sh`);
    // busybox's ip, the container's own (it has no -br)
    t.typeLine('ip link');
    await t.waitFor(new RegExp(`^\\d+: ${re(dummy)}@`, 'm'), 5000, 'the container’s interfaces');
    // the shell is the container's: its UTS namespace, its host name
    const hostname = docker(['inspect', '-f', '{{.Config.Hostname}}', name]).stdout;
    expect(hostname).toMatch(/\S/);
    t.typeLine('hostname');
    await t.waitFor(new RegExp(`^${re(hostname)}$`, 'm'), 5000, 'the container’s host name');
    t.typeLine('exit 5');
    const end = await t.waitForExit(10_000);
    expect(end.status).toBe(5);
    expect(end.tty).toBe('icanon echo');
  });
});

describe.skipIf(!isRoot)('chainmail shell in a namespace, in a terminal', () => {
  it('is the user’s shell with a prompt naming the target; its exit code is chainmail’s', async () => {
    expect(hasTmux, 'tmux must be installed').toBe(true);
    const { ns, dummy } = namespaceWithDummy();
    const t = TmuxTerminal.start({ argv: [BIN, 'shell', ns], env: { SHELL }, width: 100, height: 24, prefix: 'exsh' });
    term = t;
    await t.waitFor(new RegExp(`\\[chainmail ${re(ns)}\\][^\\n]*#`), 10_000, "the shell's prompt naming the target");
    t.typeLine('ip -br a');
    await t.waitFor(new RegExp(`^${re(dummy)}@`, 'm'), 5000, 'the namespace’s interfaces');
    t.typeLine('exit 4');
    const end = await t.waitForExit(5000);
    expect(end.status).toBe(4);
    expect(end.tty).toBe('icanon echo');
  });
});

describe.skipIf(!isRoot)('the UI’s s key', () => {
  it('suspends the screen for a shell in the selected target and restores it when the shell exits', async () => {
    expect(hasTmux, 'tmux must be installed').toBe(true);
    const { ns, dummy } = namespaceWithDummy();
    const t = TmuxTerminal.start({ env: { SHELL }, width: 120, height: 32, prefix: 'exui' });
    term = t;
    await t.waitFor(/^ chainmail .*netns \d+/, 10_000, 'the UI to start');
    await selectByFilter(t, ns);
    const selected = (s: string) => filteredSelected(s, ns);
    expect(t.display('#{alternate_on}')).toBe('1');

    t.sendKeys('s');
    await t.waitFor(new RegExp(`\\[chainmail ${re(ns)}\\][^\\n]*#`), 10_000, 'the shell in place of the UI');
    expect(t.display('#{alternate_on}')).toBe('0');
    t.typeLine('ip -br a');
    await t.waitFor(new RegExp(`^${re(dummy)}@`, 'm'), 5000, 'the namespace’s interfaces');
    t.typeLine('exit');

    // the UI, as it was: the alternate screen, the filter and the selection, and a line saying how the shell ended
    const back = await t.waitFor((s) => logRows(s).some((r) => r.includes(`✓ shell in ${ns}: exit 0`)), 10_000, 'the UI back, the shell’s end logged');
    expect(selected(back), back).toBe(true);
    expect(back).toMatch(/^ chainmail /);
    expect(t.display('#{alternate_on}')).toBe('1');
    // it takes keys again, in raw mode: ? opens the help at once, any key closes it
    t.sendKeys('?');
    await t.waitFor(/any key closes this help/, 3000, 'the help overlay after ?');
    t.sendKeys('x');
    await t.waitFor((s) => selected(s) && !s.includes('any key closes this help'), 3000, 'the help closed');
    t.sendKeys('q');
    const end = await t.waitForExit(10_000);
    expect(end.status).toBe(0);
    expect(end.tty).toBe('icanon echo');
  });
});
