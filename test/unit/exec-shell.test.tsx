/**
 * exec and shell without a host: how a target becomes the argv of the
 * program and the shell, how the prompt reads the lines, and the UI's s key
 * handing the selected target to the shell (ink-testing-library).
 */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandContext } from '../../src/host/context.js';
import { parsePromptLine } from '../../src/parse/prompt-command.js';
import { programIn, targetWordsOf, type Namespace } from '../../src/targets/namespace.js';
import { App } from '../../src/ui/components/App.js';
import { CommandHistory } from '../../src/ui/history.js';
import { screenActionOf } from '../../src/ui/keymap.js';
import { Session } from '../../src/ui/session/session.js';
import { namespaceShell, promptText } from '../../src/verbs/shell.js';
import { auto, netns } from './helpers.js';

const NS: Record<string, Namespace> = {
  netns: { kind: 'netns', label: 'red', path: '/var/run/netns/red', netnsName: 'red' },
  docker: { kind: 'docker', label: 'web', path: '/proc/42/ns/net', pid: 42, containerId: 'abc123', containerName: 'web' },
  pid: { kind: 'pid', label: 'pid 42', path: '/proc/42/ns/net', pid: 42 },
  path: { kind: 'path', label: '/run/ns/x', path: '/run/ns/x' },
  host: { kind: 'host', label: 'host', path: '/proc/1/ns/net' },
};

describe('a program in a target', () => {
  it('runs through ip netns exec in a named namespace, nsenter elsewhere, as it is on the host', () => {
    expect(programIn(NS.netns!, ['ip', '-br', 'a'])).toEqual(['ip', 'netns', 'exec', 'red', 'ip', '-br', 'a']);
    expect(programIn(NS.docker!, ['printf', '%s', 'a b;|$x'])).toEqual(['nsenter', '--net=/proc/42/ns/net', '--', 'printf', '%s', 'a b;|$x']);
    expect(programIn(NS.host!, ['true'])).toEqual(['true']);
  });

  it('names every kind of namespace again as target words', () => {
    expect(targetWordsOf(NS.netns!)).toEqual(['netns', 'red']);
    expect(targetWordsOf(NS.docker!)).toEqual(['docker', 'web']);
    expect(targetWordsOf(NS.pid!)).toEqual(['pid', '42']);
    expect(targetWordsOf(NS.path!)).toEqual(['/run/ns/x']);
    expect(targetWordsOf(NS.host!)).toEqual(['host']);
  });
});

describe('the shell in a namespace', () => {
  it("is the user's shell, interactive, its prompt naming the target; bash without its rc files", () => {
    const { argv, env, program } = namespaceShell(NS.netns!, { SHELL: '/bin/bash', HOME: '/root' });
    expect(argv).toEqual(['ip', 'netns', 'exec', 'red', '/bin/bash', '--norc', '-i']);
    expect(env).toMatchObject({ PS1: '[chainmail red] \\w# ', CHAINMAIL_TARGET: 'red', HOME: '/root' });
    expect(program).toBe('/bin/bash');
  });

  it('falls back to /bin/sh without $SHELL, or with one that is not a path', () => {
    for (const env of [{}, { SHELL: 'bash' }]) {
      const { argv } = namespaceShell(NS.docker!, env);
      expect(argv.slice(-2)).toEqual(['/bin/sh', '-i']);
    }
  });

  it('writes the prompt in the shell’s own language', () => {
    expect(promptText('fw', 'bash')).toBe('[chainmail fw] \\w# ');
    expect(promptText('fw', 'zsh')).toBe('[chainmail fw] %~# ');
    expect(promptText('fw', 'dash')).toBe('[chainmail fw]# ');
  });
});

describe('at the prompt', () => {
  it('exec runs as a command, shell is the screen’s to open', () => {
    expect(parsePromptLine('exec red -- ip -br a').command).toEqual({ kind: 'run', command: { verb: 'exec', target: auto('red'), argv: ['ip', '-br', 'a'] } });
    expect(parsePromptLine("exec netns red -- printf '%s' 'a b;|$x'").command).toEqual({
      kind: 'run',
      command: { verb: 'exec', target: netns('red'), argv: ['printf', '%s', 'a b;|$x'] },
    });
    expect(parsePromptLine('shell red').command).toEqual({ kind: 'shell', target: auto('red') });
    expect(parsePromptLine('exec red ip a').error).toBeDefined();
  });

  it('s is the shell key on the screen', () => {
    expect(screenActionOf('s', {} as never)).toBe('shell');
  });
});

describe('the s key', () => {
  let unmount: (() => void) | undefined;
  afterEach(() => unmount?.());

  it('hands the selected target to openShell and logs the exit code when it returns', async () => {
    const session = new Session({} as CommandContext);
    session.state = {
      ...session.state,
      topology: { targets: [{ ns: NS.netns!, status: 'present', interfaces: [] }], links: [], warnings: [] },
      selected: 'red',
    };
    const openShell = vi.fn(() => 3);
    const r = render(<App session={session} history={new CommandHistory({ path: null })} openShell={openShell} />);
    unmount = r.unmount;
    Object.defineProperty(r.stdout, 'columns', { configurable: true, get: () => 100 });
    Object.defineProperty(r.stdout, 'rows', { configurable: true, get: () => 30 });
    r.stdout.emit('resize');
    await new Promise((resolve) => setTimeout(resolve, 100));
    r.stdin.write('s');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('shell in red: exit 3'), { timeout: 2000 });
    expect(openShell).toHaveBeenCalledWith(['netns', 'red']);
  });
});
