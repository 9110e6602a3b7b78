import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChainmailError, KernelError } from '../../src/errors.js';
import type { CommandContext, CommandResult } from '../../src/host/context.js';
import { planBatch } from '../../src/parse/batch.js';
import type { LineCommand } from '../../src/parse/prompt-command.js';
import { parseCommand } from '../../src/parse/verbs.js';
import { runBatch, type BatchOutput } from '../../src/verbs/batch.js';

describe('planBatch', () => {
  it('parses each line once; blank lines and # comments are left out; line numbers count every line', () => {
    const plan = planBatch(
      '# the warm-up\n\nsudo ./gocode/bin/koko -d test1,link1,10.0.1.1/24 -d iptables,link2,10.0.1.2/24\r\n  forward iptables on  \nping test1 10.0.1.2 -c 1\n',
    );
    expect(plan.lines.map((l) => [l.lineNo, l.command?.verb])).toEqual([
      [3, 'koko'],
      [4, 'forward'],
      [5, 'ping'],
    ]);
    expect(plan.lines.every((l) => l.error === undefined)).toBe(true);
    expect(plan.endsAt).toBeUndefined();
  });

  it('an exit or quit line ends the batch there', () => {
    const plan = planBatch('ls\nexit\nkill firewall\n');
    expect(plan.lines.map((l) => l.lineNo)).toEqual([1]);
    expect(plan.endsAt).toBe(2);
  });

  it('refuses, per line, what cannot run in a batch: bad syntax, prompt-only verbs, UIs, another batch', () => {
    const plan = planBatch('koko -d client\nwatch ping client 10.0.0.1\nclear\nhelp\ndemo\nbatch other.txt\ndocker exec client curl http://x/\n');
    expect(plan.lines.map((l) => [l.lineNo, l.error?.exitCode])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
      [4, 2],
      [5, 2],
      [6, 2],
      [7, 2],
    ]);
    expect(plan.lines[1]!.error!.message).toBe('"watch" works only at the UI\'s prompt, not in a batch');
    expect(plan.lines[4]!.error!.message).toContain('"demo" opens its own UI');
    expect(plan.lines[5]!.error!.message).toContain('not at the prompt or from another batch');
    expect(plan.lines[6]!.error!.message).toContain('"docker exec" is not run here');
  });
});

describe('parse batch', () => {
  it('takes a file or -, --force and --json', () => {
    expect(parseCommand(['batch', 'seed.txt'])).toEqual({ verb: 'batch', file: 'seed.txt', force: false, json: false });
    expect(parseCommand(['batch', '-', '--force', '--json'])).toEqual({ verb: 'batch', file: '-', force: true, json: true });
  });

  it.each([
    [['batch'], 'batch needs a file of prompt lines, or - for standard input'],
    [['batch', 'a', 'b'], 'unexpected "b"'],
    [['batch', '-f', 'a'], 'unknown option "-f"'],
    [['batch', 'a', '--keep-going'], 'unknown option "--keep-going"'],
  ])('%j is refused', (line, message) => {
    expect(() => parseCommand(line)).toThrow(message);
    try {
      parseCommand(line);
    } catch (err) {
      expect((err as ChainmailError).exitCode).toBe(2);
    }
  });
});

describe('runBatch', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function file(text: string): string {
    dir = mkdtempSync(join(tmpdir(), 'cmt-batch-'));
    const path = join(dir, 'lines.txt');
    writeFileSync(path, text);
    return path;
  }

  /** A stand-in for runCommand: records what ran; `ping` fails its check, `kill` is refused by the "kernel". */
  function fakeRun(ran: string[]) {
    return (cmd: LineCommand): Promise<CommandResult> => {
      ran.push(cmd.verb);
      if (cmd.verb === 'kill') return Promise.reject(new KernelError('the kernel said no', 'raw'));
      if (cmd.verb === 'ping') return Promise.resolve({ ok: false, lines: ['✗ no replies'], json: { ok: false } });
      return Promise.resolve({ ok: true, lines: [`${cmd.verb} done`], json: { verb: cmd.verb } });
    };
  }

  function capture(): BatchOutput & { out_: string[]; err_: string[] } {
    const out_: string[] = [];
    const err_: string[] = [];
    return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l) };
  }

  const ctx = {} as CommandContext;
  const batch = (path: string, extra: Partial<{ force: boolean; json: boolean }> = {}) => ({ verb: 'batch' as const, file: path, force: false, json: false, ...extra });

  it("runs every line in order and prints each line's output as it goes", async () => {
    const ran: string[] = [];
    const out = capture();
    const r = await runBatch(batch(file('ls\nforward client on\n')), ctx, fakeRun(ran), out);
    expect(ran).toEqual(['ls', 'forward']);
    expect(out.out_).toEqual(['ls done', 'forward done']);
    expect(r.ok).toBe(true);
    expect(r.exitCode).toBe(0);
    expect(r.lines[0]).toMatch(/^batch .*lines\.txt: 2 lines ok \(\d+ ms\)$/);
  });

  it("stops at the first failing line with FILE:LINE: and that line's exit code; later lines do not run", async () => {
    const ran: string[] = [];
    const out = capture();
    const path = file('ls\n# comment\nkill client\nforward client on\n');
    const r = await runBatch(batch(path), ctx, fakeRun(ran), out);
    expect(ran).toEqual(['ls', 'kill']);
    expect(out.err_[0]).toBe(`chainmail: ${path}:3: the kernel said no`);
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(new KernelError('x', 'x').exitCode);
    expect(r.lines[0]).toContain('stopped at line 3');
  });

  it('a failed check (ok: false) stops the batch with exit 1', async () => {
    const ran: string[] = [];
    const out = capture();
    const path = file('ping client 10.0.0.2\nls\n');
    const r = await runBatch(batch(path), ctx, fakeRun(ran), out);
    expect(ran).toEqual(['ping']);
    expect(out.out_).toEqual(['✗ no replies']);
    expect(out.err_).toEqual([`chainmail: ${path}:1: ping client 10.0.0.2: failed`]);
    expect(r.exitCode).toBe(1);
  });

  it('--force goes on after failures and exits 1, naming the lines that failed', async () => {
    const ran: string[] = [];
    const r = await runBatch(batch(file('kill a\nls\nping a 10.0.0.1\nroutes a\n'), { force: true }), ctx, fakeRun(ran), capture());
    expect(ran).toEqual(['kill', 'ls', 'ping', 'routes']);
    expect(r.exitCode).toBe(1);
    expect(r.lines[0]).toMatch(/2 of 4 lines failed \(lines 1, 3;/);
  });

  it('a line that cannot be read stops the batch before anything runs', async () => {
    const ran: string[] = [];
    const path = file('ls\nforward client on\nkoko -d client\n');
    const err = await runBatch(batch(path), ctx, fakeRun(ran), capture()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChainmailError);
    expect((err as ChainmailError).message).toMatch(new RegExp(`^${path}:3: `));
    expect((err as ChainmailError).exitCode).toBe(2);
    expect((err as ChainmailError).context.at(-1)).toContain('nothing was run');
    expect(ran).toEqual([]);
  });

  it('with --force, unreadable lines are reported and skipped', async () => {
    const ran: string[] = [];
    const out = capture();
    const path = file('koko -d client\nls\n');
    const r = await runBatch(batch(path, { force: true }), ctx, fakeRun(ran), out);
    expect(ran).toEqual(['ls']);
    expect(out.err_[0]).toMatch(new RegExp(`^chainmail: ${path}:1: `));
    expect(r.exitCode).toBe(1);
  });

  it('--json: nothing on the way, then one report with every line', async () => {
    const ran: string[] = [];
    const out = capture();
    const r = await runBatch(batch(file('ls\nkill a\nls\n'), { json: true, force: true }), ctx, fakeRun(ran), out);
    expect(out.out_).toEqual([]);
    expect(r.json).toMatchObject({
      ok: false,
      exitCode: 1,
      lines: [
        { line: 1, text: 'ls', ok: true, exitCode: 0, result: { verb: 'ls' } },
        { line: 2, text: 'kill a', ok: false, exitCode: 1 },
        { line: 3, text: 'ls', ok: true },
      ],
    });
  });

  it('a file that cannot be read: one line naming it, exit 2', async () => {
    const err = await runBatch(batch('/nonexistent/cmt-batch.txt'), ctx, fakeRun([]), capture()).catch((e: unknown) => e);
    expect((err as ChainmailError).message).toBe('/nonexistent/cmt-batch.txt: cannot read the batch file: no such file');
    expect((err as ChainmailError).exitCode).toBe(2);
  });
});
